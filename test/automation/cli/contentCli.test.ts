import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { main, writeContent } from "../../../automation/cli/contentCli";
import { renderHubContent } from "../../../components/content";
import { removeTempDirs, tempDir } from "../../components/content/tools";

const ROOT = path.resolve(__dirname, "..", "..", "..");

describe("content CLI (automation/cli/contentCli.ts)", () => {
    after(removeTempDirs);

    it("writes rules, the alert manager definition and dashboards exactly as rendered", () => {
        const dir = tempDir("hub-content-cli");
        const written = writeContent(dir, { "silent-after-minutes": "25", region: "eu-west-1", "datasource-uid": "amp-x" });
        const rel = written.map((f) => path.relative(dir, f)).sort();
        assert.deepStrictEqual(rel, [
            "alertmanager/alertmanager.yml",
            "alertmanager/default_template",
            "alertmanager/definition.yaml",
            "dashboards/collectors/collector-health.json",
            "dashboards/collectors/collector-health.md",
            "dashboards/fleet/fleet-overview.json",
            "dashboards/fleet/fleet-overview.md",
            "dashboards/fleet/onprem-sites.json",
            "dashboards/fleet/onprem-sites.md",
            "rules/alerting.rules.md",
            "rules/alerting.rules.yaml",
            "rules/dashboard-queries.rules.yaml",
            "rules/recording.rules.md",
            "rules/recording.rules.yaml",
        ]);
        const expected = renderHubContent({ topicArn: "arn:aws:sns:eu-west-1:111111111111:oss-monitoring-alerts", region: "eu-west-1", dataSourceUid: "amp-x", silentAfterMinutes: 25 });
        assert.strictEqual(fs.readFileSync(path.join(dir, "rules/alerting.rules.yaml"), "utf8"), expected.ruleNamespaces[1].yaml);
        assert.strictEqual(fs.readFileSync(path.join(dir, "alertmanager/definition.yaml"), "utf8"), expected.alertmanager.definition);
        const fleet = JSON.parse(fs.readFileSync(path.join(dir, "dashboards/fleet/fleet-overview.json"), "utf8"));
        assert.deepStrictEqual(fleet, JSON.parse(JSON.stringify(expected.dashboards[0].dashboard)));
        assert.match(fs.readFileSync(path.join(dir, "rules/alerting.rules.yaml"), "utf8"), /\[25m\]/);
    });

    it("rejects unknown flags, missing values and bad numbers with exit 2 and one line", () => {
        const run = (...argv: string[]) => {
            const err: string[] = [];
            const code = main(argv, () => undefined, (l) => err.push(l));
            return { code, err: err.join("\n") };
        };
        const typo = run("--out", tempDir("hub-content-typo"), "--regoin", "eu-west-1");
        assert.strictEqual(typo.code, 2);
        assert.match(typo.err, /unknown option '--regoin'\n\(Did you mean --region\?\)/);
        assert.match(run("--out").err, /option '--out <dir>' argument missing/);
        assert.match(run().err, /required option '--out <dir>' not specified/);
        const dir = tempDir("hub-content-bad");
        const soon = run("--out", dir, "--silent-after-minutes", "soon");
        assert.strictEqual(soon.code, 2);
        assert.match(soon.err, /--silent-after-minutes must be a number \(got "soon"\)/);
        assert.match(run("--out", dir, "--quota-warning-ratio", "2").err, /quotaWarningRatio must be a fraction.*fix the matching flag/);
        assert.deepStrictEqual(fs.readdirSync(dir), [], "nothing written");
        const file = path.join(dir, "a-file");
        fs.writeFileSync(file, "x");
        assert.match(run("--out", file).err, /--out .*a-file: is not a folder/);
        assert.strictEqual(main(["--help"], () => undefined, () => undefined), 0);
    });

    it("runs as documented: npm run content -- --out DIR", () => {
        const dir = tempDir("hub-content-cli-run");
        const out = execFileSync("npm", ["run", "-s", "content", "--", "--out", dir], { cwd: ROOT, encoding: "utf8" });
        assert.strictEqual(out.trim().split("\n").length, 14, "one line per file written (9 rendered files and 5 summaries)");
        const def = YAML.parse(fs.readFileSync(path.join(dir, "alertmanager/definition.yaml"), "utf8"));
        assert.ok(typeof def.alertmanager_config === "string" && def.alertmanager_config.includes("sns_configs"));
    });
});
