import * as assert from "assert";
import * as path from "path";
import { parse } from "yaml";
import { unsupportedByAdot } from "../../components/adotComponents";
import { loadManifest } from "../../automation/manifest";
import { PlanStack, planFleet } from "../../automation/plan/plan";

/** Every collector config of the example fleet (hub SSM parameter, spoke ConfigMaps) runs on ADOT. */
describe("collector configs of the example fleet", function () {
    const stacks: PlanStack[] = [];
    before(async () => {
        await planFleet(loadManifest(path.resolve(__dirname, "../../stacks/fleet.yaml")), { onStack: (s) => { stacks.push(s); } });
    });

    function collectorConfigs(): Array<{ where: string; yaml: string }> {
        const out: Array<{ where: string; yaml: string }> = [];
        for (const s of stacks) {
            for (const r of s.resources) {
                const texts = r.type === "kubernetes:core/v1:ConfigMap"
                    ? Object.values((r.inputs.data ?? {}) as Record<string, string>)
                    : r.type === "aws:ssm/parameter:Parameter" ? [typeof r.inputs.insecureValue === "string" ? r.inputs.insecureValue : ""] : [];
                for (const yaml of texts) {
                    const doc = (() => { try { return parse(yaml); } catch { return undefined; } })();
                    if (doc && typeof doc === "object" && "receivers" in doc && "exporters" in doc) {
                        out.push({ where: `${s.stack} ${r.name}`, yaml });
                    }
                }
            }
        }
        return out;
    }

    it("finds the hub's and the spokes' collector configs", () => {
        const where = collectorConfigs().map((c) => c.where.split(" ")[0]);
        assert.ok(where.includes("hub"));
        assert.ok(where.includes("monitored-analytics"), "the EKS collector");
        assert.ok(where.includes("onprem-dc1"), "the site gateway");
    });

    it("declare only components the ADOT collector ships", () => {
        for (const c of collectorConfigs()) {
            assert.deepStrictEqual(unsupportedByAdot(c.yaml), [], c.where);
        }
    });
});
