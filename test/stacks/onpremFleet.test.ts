import * as assert from "assert";
import * as path from "path";
import { loadManifest } from "../../automation/fleet/manifest";
import { offlineSecret, PlanStack, planFleet } from "../../automation/plan/plan";

describe("offline plan of the example fleet's on-prem site", function () {
    const manifest = loadManifest(path.resolve(__dirname, "../../stacks/fleet.yaml"));
    const site = manifest.stacks.find((s) => s.name === "onprem-dc1");
    const planned: PlanStack[] = [];
    let result: { failed: string[]; skipped: string[] };

    before(async () => {
        assert.ok(site, "stacks/fleet.yaml has onprem-dc1");
        result = await planFleet(manifest, { onStack: (s) => { planned.push(s); } }, new Set([site.name]));
    });

    it("plans the hub, then the site, without failures", () => {
        assert.deepStrictEqual(result, { failed: [], skipped: [] });
        assert.deepStrictEqual(planned.map((s) => s.stack), ["hub", "onprem-dc1"]);
        const s = planned[1];
        assert.strictEqual(s.role, "onprem");
        assert.strictEqual(s.account, site?.account);
        assert.strictEqual(s.resources.filter((r) => r.type === "oss-monitoring:onprem:OnPremGateway").length, 1);
    });

    it("never shows the operator's secrets, only redactions", () => {
        const text = JSON.stringify(planned);
        for (const key of site?.secrets ?? []) {
            assert.ok(!text.includes(offlineSecret(key)), `${key} leaked into the plan`);
        }
        const k8s = planned[1].resources.find((r) => r.type === "pulumi:providers:kubernetes");
        assert.strictEqual(k8s?.inputs.kubeconfig, "[secret]");
    });

    it("sends to the hub's OTLP/HTTP listener, which the site's endpoint admits", () => {
        const hubListeners = planned[0].resources.filter((r) => r.type === "aws:lb/listener:Listener").map((r) => r.inputs.port);
        assert.ok(hubListeners.includes(4318));
        assert.strictEqual(planned[1].outputs.hubUrl, "https://collector.monitoring.internal:4318");
        const rules = planned[1].resources.filter((r) => r.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule" && r.name.includes("-hub-"));
        assert.deepStrictEqual([...new Set(rules.map((r) => r.inputs.fromPort))], [4318]);
    });

    it("copies the site's certificate from the planned hub's identity secret into a kubernetes.io/tls Secret", () => {
        const secret = planned[1].resources.find((r) => r.type === "kubernetes:core/v1:Secret");
        assert.strictEqual(secret?.inputs.type, "kubernetes.io/tls");
        assert.strictEqual(secret?.inputs.stringData, "[secret]");
    });
});
