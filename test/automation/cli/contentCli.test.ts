import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { main, writeContent } from "../../../automation/cli/contentCli";
import { loadManifest } from "../../../automation/fleet/manifest";
import type { HubStackConfig } from "../../../stacks/config";
import { hubStack } from "../../../stacks/hub";
import { Recorded, runProgram } from "../../harness";
import { removeTempDirs, tempDir } from "../../components/content/tools";

const ROOT = path.resolve(__dirname, "..", "..", "..");
const FLEET = path.join(ROOT, "stacks", "fleet.yaml");
const NOW = new Date("2026-12-01T00:00:00Z");

const read = (dir: string, rel: string) => fs.readFileSync(path.join(dir, rel), "utf8");

/** Every file under `dir`, relative, sorted. */
function listing(dir: string): string[] {
    return fs.readdirSync(dir, { recursive: true }).map(String).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort();
}

describe("content CLI (automation/cli/contentCli.ts)", () => {
    after(removeTempDirs);

    describe("renders exactly what the hub stack deploys for the example fleet", function () {
        this.timeout(120_000);
        let r: Recorded;
        let dir: string;
        before(async () => {
            // The hub stack, as the offline plan and a deploy run it, for the manifest's hub at a fixed time.
            const hub = loadManifest(FLEET).hub.parsed as HubStackConfig;
            r = await runProgram(() => hubStack(hub, NOW));
            dir = tempDir("hub-content-vs-stack");
            // The two values Grafana and Pulumi assign at deploy time, taken from the stack's outputs.
            writeContent({ out: dir, manifest: FLEET, now: NOW.toISOString(), datasourceUid: String(r.outputs.grafanaDataSourceUid), topicArn: String(r.outputs.alertTopicArn) });
        });

        it("the AMP rule namespaces (primary and DR) hold the rules files content writes", () => {
            const namespaces = r.ofType("aws:amp/ruleGroupNamespace:RuleGroupNamespace");
            assert.deepStrictEqual(namespaces.map((n) => n.name).sort(), ["hub-content-alerting-rules", "hub-content-recording-rules", "hub-content-recording-rules-dr"]);
            for (const n of namespaces) {
                const kind = n.name.includes("alerting") ? "alerting" : "recording";
                assert.strictEqual(n.inputs.data, read(dir, `rules/${kind}.rules.yaml`), n.name);
                assert.ok(read(dir, "README.md").includes(`AMP rule groups namespace \`${String(n.inputs.name)}\``), `${n.name}: the index names it`);
            }
            assert.match(read(dir, "rules/recording.rules.yaml"), /tenant:client_certificate:expiry_timestamp_seconds/, "the tenant certificate rules are rendered, as the hub deploys them");
        });

        it("the alert manager definition is the one content writes", () => {
            assert.strictEqual(r.one("aws:amp/alertManagerDefinition:AlertManagerDefinition").inputs.definition, read(dir, "alertmanager/definition.yaml"));
        });

        it("every Grafana dashboard the hub deploys (AMP and CloudWatch hosts) is a dashboard content writes, model for model", () => {
            const deployed = r.ofType("grafana:oss/dashboard:Dashboard").map((d) => JSON.parse(String(d.inputs.configJson)) as { uid: string });
            const written = listing(dir).filter((f) => f.startsWith("dashboards/") && f.endsWith(".json")).map((f) => JSON.parse(read(dir, f)) as { uid: string });
            assert.deepStrictEqual(deployed.map((d) => d.uid).sort(), ["cloudwatch-hosts", "oss-monitoring-collector-health", "oss-monitoring-fleet-overview", "oss-monitoring-onprem-sites"]);
            assert.deepStrictEqual(written.map((d) => d.uid).sort(), deployed.map((d) => d.uid).sort());
            for (const d of deployed) {
                assert.deepStrictEqual(written.find((w) => w.uid === d.uid), d, d.uid);
            }
        });

        it("the Grafana-managed agent rule group is the one content writes (name, folder, interval, every rule)", () => {
            const group = r.one("grafana:alerting/ruleGroup:RuleGroup");
            const { name, folderUid, intervalSeconds, rules } = group.inputs;
            assert.deepStrictEqual(JSON.parse(read(dir, "grafana-alerting/cloudwatch-agents.json")), { name, folderUid, intervalSeconds, rules });
            assert.strictEqual((rules as unknown[]).length, loadManifest(FLEET).stacks.filter((s) => s.role !== "hub").length, "one rule per agent source (spoke) of the example fleet");
        });
    });

    it("with grafana.apiAccess none writes the AMP rules and alert manager only, as the hub then deploys", () => {
        const manifestDir = tempDir("content-no-grafana");
        const doc = YAML.parse(fs.readFileSync(FLEET, "utf8")) as { stacks: { role: string; config: { grafana: Record<string, unknown> } }[] };
        doc.stacks.find((s) => s.role === "hub")!.config.grafana.apiAccess = "none";
        const manifest = path.join(manifestDir, "fleet.yaml");
        fs.writeFileSync(manifest, YAML.stringify(doc));
        const out = tempDir("content-no-grafana-out");
        writeContent({ out, manifest, now: "2026-12-01" });
        assert.deepStrictEqual(listing(out), [
            "README.md", "alertmanager/alertmanager.yml", "alertmanager/default_template", "alertmanager/definition.yaml",
            "rules/alerting.rules.md", "rules/alerting.rules.yaml", "rules/recording.rules.md", "rules/recording.rules.yaml",
        ]);
        assert.match(read(out, "README.md"), /None: `hub.grafana.apiAccess` is `none`/);
    });

    it("rejects bad flags with exit 2 and one line naming the flag and the fix, and writes nothing", () => {
        const run = (...argv: string[]) => {
            const err: string[] = [];
            const code = main(argv, () => undefined, (l) => err.push(l));
            return { code, err: err.join("\n") };
        };
        const dir = tempDir("hub-content-bad");
        const typo = run("--out", dir, "--manifset", FLEET);
        assert.strictEqual(typo.code, 2);
        assert.match(typo.err, /unknown option '--manifset'\n\(Did you mean --manifest\?\)/);
        assert.match(run("--out").err, /option '--out <dir>' argument missing/);
        assert.match(run().err, /required option '--out <dir>' not specified/);
        const cases: [string[], RegExp][] = [
            [["--now", "yesterday"], /^--now: expected an ISO 8601 date or UTC time, e.g. --now 2026-12-01 or --now 2026-12-01T00:00:00Z \(got "yesterday"\)$/],
            [["--now", "2026-13-45"], /^--now: expected an ISO 8601 date/],
            [["--manifest", path.join(dir, "missing.yaml")], /^Cannot read fleet manifest .*missing\.yaml: ENOENT\. Pass --manifest <path to fleet\.yaml>\.$/],
            [["--region", "eu-west-1"], /^--region: no longer a flag; content renders what the hub deploys from the manifest: the hub's region comes from the manifest/],
            [["--active-series-quota", "100"], /^--active-series-quota: no longer a flag; .*set hub config\.quotas\.activeSeries in the manifest$/],
            [["--silent-after-minutes", "25"], /^--silent-after-minutes: no longer a flag; .*config\.cloudwatch\.silentAfterMinutes/],
        ];
        for (const [flags, message] of cases) {
            const r = run("--out", dir, ...flags);
            assert.strictEqual(r.code, 2, flags.join(" "));
            assert.match(r.err, message, flags.join(" "));
            assert.strictEqual(r.err.split("\n").length, 1, `${flags.join(" ")}: one line`);
        }
        assert.deepStrictEqual(fs.readdirSync(dir), [], "nothing written");
        const file = path.join(dir, "a-file");
        fs.writeFileSync(file, "x");
        assert.match(run("--out", file).err, /--out .*a-file: is not a folder/);
        assert.strictEqual(main(["--help"], () => undefined, () => undefined), 0);
    });

    it("runs as documented: npm run content -- --out DIR renders the project's manifest", () => {
        const dir = tempDir("hub-content-cli-run");
        const out = execFileSync("npm", ["run", "-s", "content", "--", "--out", dir], { cwd: ROOT, encoding: "utf8" });
        assert.strictEqual(out.trim().split("\n").length, listing(dir).length, "one line per file written");
        assert.strictEqual(listing(dir).length, 19, "11 rendered files, 7 summaries and the index");
        const def = YAML.parse(read(dir, "alertmanager/definition.yaml")) as { alertmanager_config: string };
        assert.ok(def.alertmanager_config.includes("sns_configs"));
        assert.match(read(dir, "README.md"), /What the hub stack `hub` \(111111111111, us-east-1\) deploys for `stacks\/fleet\.yaml`/);
    });
});
