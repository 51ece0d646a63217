import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { ConfigError } from "../../../stacks/config/common";
import { loadManifest, resolveManifest } from "../../../automation/fleet/manifest";

const FLEET = path.resolve(__dirname, "../../../stacks/fleet.yaml");

function example(): any {
    return parse(fs.readFileSync(FLEET, "utf8"));
}

function rejects(doc: unknown, ...fragments: string[]): void {
    assert.throws(() => resolveManifest(doc), (e: unknown) => {
        assert.ok(e instanceof ConfigError, String(e));
        for (const f of fragments) {
            assert.ok(e.message.includes(f), `error should mention ${JSON.stringify(f)}:\n${e.message}`);
        }
        return true;
    });
}

describe("fleet manifest", () => {
    it("resolves the example fleet: one hub, every spoke depending on it", () => {
        const m = loadManifest(FLEET);
        assert.strictEqual(m.hub.name, "hub");
        for (const s of m.stacks.filter((x) => x.role !== "hub")) {
            assert.ok(s.dependsOn.includes("hub"), `${s.name} depends on the hub`);
            assert.strictEqual(s.config["oss-monitoring:hubStack"], "organization/oss-monitoring/hub");
        }
        assert.strictEqual(m.hub.config["aws:region"], "us-east-1");
        assert.deepStrictEqual((m.hub.config["oss-monitoring:tags"] as Record<string, string>).MonitoringRole, "hub");
    });

    it("derives the hub's allow-list and on-prem sites from the spokes", () => {
        const m = loadManifest(FLEET);
        const hub = m.hub.parsed;
        assert.ok(hub.role === "hub");
        const monitored = m.stacks.filter((s) => s.role === "monitored");
        assert.deepStrictEqual(hub.hub.monitoredAccounts, [...new Set(monitored.map((s) => s.account))].sort());
        // Sites carry their landing account and site name (the tenant), not the sites' own auth settings.
        assert.deepStrictEqual(hub.hub.onpremSites.map((s) => [s.name, s.site, s.account]),
            m.stacks.filter((s) => s.role === "onprem").map((s) => [s.name, s.parsed.role === "onprem" ? s.parsed.onprem.siteName ?? s.name.replace(/^onprem-/, "") : "", s.account]));
        assert.strictEqual(hub.hub.spokeDeployRoleName, "OrganizationMonitoringDeploy");
    });

    it("derives the hub's tenant limits from the fleet default and the spokes' overrides", () => {
        const m = loadManifest(FLEET);
        const hub = m.hub.parsed;
        assert.ok(hub.role === "hub");
        assert.deepStrictEqual(hub.hub.tenantLimits, { maxActiveSeries: 2_000_000, overrides: { "account-333333333333": 5_000_000 } });
        const doc = example();
        delete doc.defaults.maxActiveSeries;
        const site = doc.stacks.findIndex((s: { role: string }) => s.role === "onprem");
        doc.stacks[site].maxActiveSeries = 300_000;
        const noDefault = resolveManifest(doc).hub.parsed;
        assert.ok(noDefault.role === "hub");
        assert.deepStrictEqual(noDefault.hub.tenantLimits, { overrides: { "account-333333333333": 5_000_000, "site-dc1": 300_000 } });
    });

    it("refuses tenant limits AMP or the fleet cannot hold, naming the field", () => {
        const doc = example();
        doc.defaults.maxActiveSeries = -1;
        rejects(doc, "defaults.maxActiveSeries");
        const above = example();
        above.stacks[1].maxActiveSeries = 60_000_000;
        rejects(above, "tenantLimits", "account-222222222222", "above the workspace's active-series quota (50000000");
    });

    it("derives the deploy role and session name per account", () => {
        const m = loadManifest(FLEET);
        assert.deepStrictEqual(m.hub.config["oss-monitoring:deployRole"], {
            roleArn: "arn:aws:iam::111111111111:role/OrganizationMonitoringDeploy",
            sessionName: "oss-monitoring-hub",
        });
    });

    it("names the stack and key of a bad role setting", () => {
        const doc = example();
        doc.stacks[0].config.ingress.certificateArn = "not-an-arn";
        rejects(doc, "stacks[0] (hub): config.ingress.certificateArn", "arn:aws:acm:");
    });

    it("rejects duplicate names, two hubs, unknown dependencies and canaries", () => {
        const doc = example();
        doc.stacks.push({ ...doc.stacks[0] });
        rejects(doc, `stacks[${doc.stacks.length - 1}].name: "hub" is used twice`, "exactly one stack with role: hub, found 2");
        const dep = example();
        dep.stacks[0].dependsOn = ["nope"];
        dep.rollout.canary = ["ghost"];
        rejects(dep, 'stacks[0].dependsOn: "nope"', 'rollout.canary: "ghost"');
    });

    it("rejects a bad account ID, region and failure tolerance with their paths", () => {
        const doc = example();
        doc.stacks[0].account = 111111111111;
        doc.defaults.region = "mars-1";
        doc.rollout.failureTolerance = "ten";
        rejects(doc, "stacks[0].account", "defaults.region", "rollout.failureTolerance");
    });

    it("keeps `regulated` in one place: on the stack entry", () => {
        const doc = example();
        const i = doc.stacks.findIndex((s: any) => s.role === "monitored");
        doc.stacks[i].config.regulated = true;
        rejects(doc, `stacks[${i}] (${doc.stacks[i].name}): config.regulated: set regulated on the stack entry`);
    });

    it("reports an unreadable manifest with the flag to fix it", () => {
        assert.throws(() => loadManifest("/nonexistent/fleet.yaml"), /Pass --manifest/);
    });
});
