import * as assert from "assert";
import * as fs from "fs";
import { loadManifest } from "../../automation/fleet/manifest";
import { PlanStack, planFleet } from "../../automation/plan/plan";
import { renderStackFile, stackFilePath } from "../../automation/fleet/stackFiles";

const manifest = loadManifest("stacks/fleet.yaml");
const monitored = manifest.stacks.filter((s) => s.role === "monitored");

describe("monitored stacks of the example fleet", function () {
    this.timeout(120000);

    it("has the four example accounts: one regulated, one with EKS, one using NAT, one in a second region", () => {
        const byName = Object.fromEntries(monitored.map((s) => [s.name, s.parsed]));
        assert.deepStrictEqual(Object.keys(byName).sort(), ["monitored-analytics", "monitored-legacy", "monitored-payments", "monitored-web-west"]);
        assert.strictEqual(monitored.find((s) => s.name === "monitored-web-west")!.region, "us-west-2");
        const cfg = (n: string) => {
            const p = byName[n];
            assert.ok(p.role === "monitored");
            return p.monitored;
        };
        assert.strictEqual(cfg("monitored-payments").regulated, true);
        assert.strictEqual(cfg("monitored-payments").connectivity.mode, "privatelink");
        assert.strictEqual(cfg("monitored-analytics").eks?.clusterName, "analytics-prod");
        assert.strictEqual(cfg("monitored-legacy").connectivity.mode, "nat");
        assert.deepStrictEqual(manifest.rollout.canary, ["monitored-payments"]);
    });

    it("the manifest entry's regulated flag reaches the role config of every monitored stack", () => {
        for (const s of monitored) {
            assert.ok(s.parsed.role === "monitored");
            assert.strictEqual(s.parsed.monitored.regulated, s.regulated, `${s.name}: the entry's regulated flag is the role's`);
        }
    });

    it("the generated stack files match the manifest", () => {
        for (const s of monitored) {
            const file = stackFilePath(manifest, s.name);
            const existing = fs.readFileSync(file, "utf8");
            assert.strictEqual(renderStackFile(s, existing), existing, `${file} is stale: run npm run fleet -- config`);
        }
    });

    it("the offline plan includes the monitored stacks, wired to the hub's outputs", async () => {
        const planned: PlanStack[] = [];
        const failures: string[] = [];
        const result = await planFleet(manifest, {
            onStack: (p) => {
                planned.push(p);
            },
            onFailure: (s, e) => {
                failures.push(`${s.name}: ${e.message}`);
            },
        }, new Set(monitored.map((s) => s.name)));
        assert.deepStrictEqual(failures, []);
        assert.deepStrictEqual(result, { failed: [], skipped: [] });
        const hub = planned.find((p) => p.role === "hub")!;
        for (const s of monitored) {
            const p = planned.find((x) => x.stack === s.name)!;
            assert.ok(p, `${s.name} was planned`);
            const endpoints = p.resources.filter((r) => r.type === "aws:ec2/vpcEndpoint:VpcEndpoint" && String(r.inputs.serviceName).startsWith("com.amazonaws.vpce."));
            assert.deepStrictEqual(endpoints.map((e) => e.inputs.serviceName), [hub.outputs.endpointServiceName]);
            assert.strictEqual(p.outputs.collectorDomain, hub.outputs.collectorDomain);
            assert.strictEqual(p.regulated, s.regulated);
            const zone = p.resources.find((r) => r.type === "aws:route53/zone:Zone")!;
            assert.strictEqual(zone.inputs.name, hub.outputs.collectorDomain);
        }
    });
});
