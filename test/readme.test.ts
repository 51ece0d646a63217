import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { policies } from "../policy/policies";
import { COMMAND_HELP, DriverCommand, FLAGS, parseArgs, usage } from "../automation/driver/flags";
import { loadManifest } from "../automation/fleet/manifest";
import { planFleet, PlanStack } from "../automation/plan/plan";
import { currentBlock, readReport, renderReportTable } from "./e2e/table";
import type { E2eReport } from "./e2e/report";
import { GRAFANA_API_ACCESS, GRAFANA_WORKSPACE_DEFAULTS } from "../components/hub/grafana/grafanaWorkspaceSettings";

const root = path.resolve(__dirname, "..");
const read = (f: string) => fs.readFileSync(path.join(root, f), "utf8");

/** The text of a `## Title` section, up to the next `## ` heading. */
function section(text: string, title: string): string {
    const start = text.indexOf(`\n## ${title}\n`);
    assert.ok(start >= 0, `README has no "## ${title}" section`);
    const end = text.indexOf("\n## ", start + 1);
    return text.slice(start, end < 0 ? undefined : end);
}

/** Every `oss-monitoring ...` command in a text's code blocks and inline code, split into words. */
function commands(text: string): string[][] {
    const found = [...text.matchAll(/(?:^|`)\s*(oss-monitoring [^`\n]+)/gm)].map((m) => m[1].replace(/\s*&&.*$/, "").trim());
    return found.flatMap((c) => c.split(/\s+&&\s+/)).map((c) => c.split(/\s+/).slice(1));
}

describe("documentation stays true", () => {
    it("lists every policy of the pack with its level in both READMEs", () => {
        for (const file of ["README.md", "policy/README.md"]) {
            const text = read(file);
            for (const p of policies) {
                const level = p.enforcementLevel ?? "mandatory";
                assert.ok(text.includes(`| \`${p.name}\` | ${level} |`), `${file} lacks a row for ${p.name} (${level})`);
            }
        }
    });

    it("gives the two newcomer commands CI runs", () => {
        const readme = read("README.md");
        const ci = read(".ci/run");
        assert.ok(readme.includes("npm ci && npm run fleet -- plan --json plan.json && npm run policy -- check plan.json"));
        assert.ok(readme.includes("\nnpm test\n"));
        assert.ok(ci.includes("\nnpm test\n") && ci.includes("npm run fleet -- plan --json plan.json") && ci.includes("npm run policy -- check plan.json"));
    });

    it("puts Deploying for real right after the quick start", () => {
        const headings = read("README.md").split("\n").filter((l) => l.startsWith("## "));
        assert.deepStrictEqual(headings.slice(0, 2), ["## Quick start (offline, no cloud, no Pulumi CLI needed)", "## Deploying for real"]);
    });

    it("every command of Deploying for real parses, with flags its command takes", () => {
        const deploy = section(read("README.md"), "Deploying for real");
        const cmds = commands(deploy);
        assert.ok(cmds.length >= 10, `found ${cmds.length} commands`);
        const offline = new Set(["plan", "config", "cost", "policy", "content", "--version", "help"]);
        for (const words of cmds) {
            const [command] = words;
            if (offline.has(command)) {
                continue;
            }
            assert.ok(command in COMMAND_HELP, `oss-monitoring ${words.join(" ")}: unknown command`);
            assert.doesNotThrow(() => parseArgs(words), `oss-monitoring ${words.join(" ")}`);
            const help = usage(command as DriverCommand);
            for (const w of words.filter((x) => x.startsWith("--"))) {
                assert.ok(help.includes(`  ${w}`) || help.includes(`, ${w}`), `${w} is not a flag of ${command} (oss-monitoring ${words.join(" ")})`);
            }
        }
        assert.ok(FLAGS.some((f) => f.name === "save-plan") && FLAGS.some((f) => f.name === "plan"));
    });

    it("the deploy steps use commands that work: no stack select without --create, no cd that does nothing, raw pulumi nowhere", () => {
        const deploy = section(read("README.md"), "Deploying for real");
        assert.doesNotMatch(deploy, /pulumi stack select(?![^\n]*--create)/);
        assert.doesNotMatch(deploy, /cd stacks\/\.\./);
        assert.doesNotMatch(deploy, /^\s*pulumi (up|preview)\b/m);
        for (const step of ["Bootstrap the deploy role", "Log in to the state backend", "First hub run", "Second hub run", "The canary", "The rest"]) {
            assert.ok(deploy.includes(`**${step}`), `missing step ${step}`);
        }
        assert.ok(deploy.indexOf("**First hub run") < deploy.indexOf("**Second hub run") && deploy.indexOf("**Second hub run") < deploy.indexOf("**The canary"));
    });

    it("the apiAccess first-run step names values the schema has, and the default it switches back to", () => {
        const deploy = section(read("README.md"), "Deploying for real");
        assert.ok((GRAFANA_API_ACCESS as readonly string[]).includes("none"));
        assert.match(deploy, /`apiAccess: none`/);
        assert.strictEqual(GRAFANA_WORKSPACE_DEFAULTS.apiAccess, "hubVpcEndpoint");
        assert.match(deploy, /`apiAccess: hubVpcEndpoint`\*\* \(the default/);
    });

    it("the quick start's figures are the example fleet's: hub resources, total, and no policy violation at all", async function () {
        this.timeout(300_000);
        const readme = read("README.md");
        const planned: PlanStack[] = [];
        await planFleet(loadManifest(path.join(root, "stacks/fleet.yaml")), { onStack: (s) => { planned.push(s); }, onFailure: (s, e) => assert.fail(`${s.name}: ${e.message}`) });
        const hub = planned.find((s) => s.role === "hub")!;
        const total = planned.reduce((n, s) => n + s.resources.length, 0);
        assert.ok(readme.includes(`\`✔ hub (hub, ${hub.account}/${hub.region}): ${hub.resources.length} to create, no policy\nviolations\``), `hub: ${hub.resources.length}`);
        assert.ok(readme.includes(`(\`Plan: ${total} to create in ${planned.length} stacks\`)`), `total: ${total}`);
        const violations = planned.flatMap((s) => s.violations);
        assert.deepStrictEqual(violations.map((v) => `${v.enforcementLevel} ${v.policy}`), [], "the README says 0 mandatory and 0 other violations");
        assert.ok(readme.includes(`\`0 mandatory, 0 other violation(s) in ${planned.length} stack(s).\``));
    });

    it("says what the code does about the hub's certificate: the tenant proxy presents collector.tlsSecretArn", () => {
        const readme = read("README.md");
        assert.doesNotMatch(readme, /listener certificate must be valid/i);
        assert.match(readme, /`ingress\.certificateArn` is informational only: nothing presents it/);
        assert.match(read("stacks/config/hub.ts"), /Nothing presents it: the NLB passes TLS through to the tenant proxy/);
    });

    it("tells to use npm run -s (or the installed command) for machine-readable output, and names the bin", () => {
        const readme = read("README.md");
        const pkg = JSON.parse(read("package.json")) as { bin: Record<string, string> };
        assert.ok(Object.keys(pkg.bin).includes("oss-monitoring"));
        assert.match(readme, /use `npm run -s` \(`--silent`\): plain `npm run` prints its own banner/);
        assert.ok(readme.includes(`\`./${pkg.bin["oss-monitoring"]}\``));
    });
});

describe("the README's end-to-end figures are one whole-suite run's", () => {
    let report: E2eReport;
    before(() => {
        report = readReport(path.join(root, "docs/e2e-report.json"));
    });

    it("the table between the markers is the committed report, rendered (npm run e2e:table)", () => {
        assert.strictEqual(currentBlock(read("README.md")), renderReportTable(report));
    });

    it("the committed report is of the whole suite, and every entry in it passed", () => {
        assert.strictEqual(report.run?.grep, undefined, "a report limited by --grep is not the whole suite");
        assert.deepStrictEqual(report.scenarios.filter((s) => !s.passed).map((s) => s.name), []);
    });

    it("every end-to-end test in test/e2e is in the committed report", () => {
        const files = (fs.readdirSync(path.join(root, "test/e2e"), { recursive: true }) as string[]).filter((f) => f.endsWith(".e2e.ts"));
        const titles = files.flatMap((f) => [...read(path.join("test/e2e", f)).matchAll(/^\s*it\("((?:[^"\\]|\\.)*)"/gm)].map((m) => JSON.parse(`"${m[1]}"`) as string));
        assert.ok(titles.length > 40, `found ${titles.length} tests`);
        const ran = report.scenarios.map((s) => s.test ?? "");
        assert.deepStrictEqual(titles.filter((t) => !ran.some((r) => r.endsWith(` ${t}`))), [], "tests the committed report does not have: run the whole suite and commit its report");
    });
});
