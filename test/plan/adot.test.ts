import * as assert from "assert";
import * as path from "path";
import { unsupportedByAdot } from "../../components/telemetry/adotComponents";
import { loadManifest } from "../../automation/fleet/manifest";
import { PlanStack, planFleet } from "../../automation/plan/plan";
import { plannedCollectorConfigs } from "../support/planned";

/** Every collector config of the example fleet (hub SSM parameter, spoke ConfigMaps) runs on ADOT. */
describe("collector configs of the example fleet", function () {
    const stacks: PlanStack[] = [];
    before(async () => {
        await planFleet(loadManifest(path.resolve(__dirname, "../../stacks/fleet.yaml")), { onStack: (s) => { stacks.push(s); } });
    });

    const collectorConfigs = () => plannedCollectorConfigs(stacks);

    it("finds the hub's and the spokes' collector configs", () => {
        const where = collectorConfigs().map((c) => c.stack);
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
