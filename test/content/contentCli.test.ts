import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { parseArgs, writeContent } from "../../automation/contentCli";
import { renderHubContent } from "../../components/content";
import { removeTempDirs, tempDir } from "./tools";

const ROOT = path.resolve(__dirname, "..", "..");

describe("content CLI (automation/contentCli.ts)", () => {
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
            "dashboards/fleet/fleet-overview.json",
            "dashboards/fleet/onprem-sites.json",
            "rules/alerting.rules.yaml",
            "rules/dashboard-queries.rules.yaml",
            "rules/recording.rules.yaml",
        ]);
        const expected = renderHubContent({ topicArn: "arn:aws:sns:eu-west-1:111111111111:oss-monitoring-alerts", region: "eu-west-1", dataSourceUid: "amp-x", silentAfterMinutes: 25 });
        assert.strictEqual(fs.readFileSync(path.join(dir, "rules/alerting.rules.yaml"), "utf8"), expected.ruleNamespaces[1].yaml);
        assert.strictEqual(fs.readFileSync(path.join(dir, "alertmanager/definition.yaml"), "utf8"), expected.alertmanager.definition);
        const fleet = JSON.parse(fs.readFileSync(path.join(dir, "dashboards/fleet/fleet-overview.json"), "utf8"));
        assert.deepStrictEqual(fleet, JSON.parse(JSON.stringify(expected.dashboards[0].dashboard)));
        assert.match(fs.readFileSync(path.join(dir, "rules/alerting.rules.yaml"), "utf8"), /\[25m\]/);
    });

    it("rejects unknown flags, missing values and bad numbers with usage", () => {
        assert.throws(() => parseArgs(["--outdir", "x"]), /unknown argument "--outdir"\nusage:/);
        assert.throws(() => parseArgs(["--out"]), /--out needs a value/);
        assert.throws(() => writeContent(tempDir("hub-content-bad"), { "silent-after-minutes": "soon" }), /--silent-after-minutes must be a number/);
        assert.throws(() => writeContent(tempDir("hub-content-bad"), { "quota-warning-ratio": "2" }), /quotaWarningRatio must be a fraction/);
    });

    it("runs as documented: ts-node --transpile-only automation/contentCli.ts --out DIR", () => {
        const dir = tempDir("hub-content-cli-run");
        const out = execFileSync(process.execPath, [require.resolve("ts-node/dist/bin.js"), "--transpile-only", "automation/contentCli.ts", "--out", dir], { cwd: ROOT, encoding: "utf8" });
        assert.strictEqual(out.trim().split("\n").length, 9);
        const def = YAML.parse(fs.readFileSync(path.join(dir, "alertmanager/definition.yaml"), "utf8"));
        assert.ok(typeof def.alertmanager_config === "string" && def.alertmanager_config.includes("sns_configs"));
    });
});
