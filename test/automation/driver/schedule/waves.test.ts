import * as assert from "assert";
import { planWaves } from "../../../../automation/driver/schedule/waves";
import { assertAcyclic } from "../../../../automation/driver/schedule/graph";
import { fleet } from "../fixtures";

const shape = (p: ReturnType<typeof planWaves>) => p.waves.map((w) => [w.name, w.kind, [...w.stacks]]);

describe("fleet waves", () => {
    const m = fleet([
        { name: "eu-one", region: "eu-west-1" },
        { name: "us-one" },
        { name: "us-two" },
        { name: "ap-one", region: "ap-southeast-2" },
    ]);
    const base = { canary: [] as string[], canaryCount: 1, regionOrder: ["us-east-1", "eu-west-1"] };

    it("deploys the hub, then the first spoke in region order as canary, then the rest by region", () => {
        const p = planWaves(m.stacks, { ...base, operation: "up" });
        assert.deepStrictEqual(shape(p), [
            ["hub", "gate", ["hub"]],
            ["canary", "gate", ["us-one"]],
            ["main", "main", ["us-two", "eu-one", "ap-one"]],
        ]);
        assert.deepStrictEqual(p.prerequisites.get("eu-one"), ["hub"]);
    });

    it("uses the manifest's named canaries instead of the first N", () => {
        const p = planWaves(m.stacks, { ...base, canary: ["ap-one", "eu-one"], operation: "up" });
        assert.deepStrictEqual(p.waves[1].stacks, ["eu-one", "ap-one"]);
        assert.deepStrictEqual(p.waves[2].stacks, ["us-one", "us-two"]);
    });

    it("omits the canary wave with canaryCount 0 and the hub wave when the hub is not in the run", () => {
        const p = planWaves(m.stacks.filter((s) => s.role !== "hub"), { ...base, canaryCount: 0, operation: "up" });
        assert.deepStrictEqual(shape(p), [["main", "main", ["us-one", "us-two", "eu-one", "ap-one"]]]);
        assert.deepStrictEqual(p.prerequisites.get("us-one"), [], "a hub outside the run counts as satisfied");
    });

    it("destroys in reverse: spokes (canary first) before the hub, which waits on every spoke", () => {
        const p = planWaves(m.stacks, { ...base, operation: "destroy" });
        assert.deepStrictEqual(shape(p), [
            ["canary", "gate", ["us-one"]],
            ["main", "main", ["us-two", "eu-one", "ap-one"]],
            ["hub", "final", ["hub"]],
        ]);
        assert.deepStrictEqual([...(p.prerequisites.get("hub") ?? [])].sort(), ["ap-one", "eu-one", "us-one", "us-two"]);
        assert.deepStrictEqual(p.prerequisites.get("us-one"), []);
    });

    it("pulls a canary's prerequisites into the canary wave", () => {
        const dm = fleet(["base-net", { name: "app", dependsOn: ["base-net"] }, "other"]);
        const p = planWaves(dm.stacks, { ...base, canary: ["app"], operation: "up" });
        assert.deepStrictEqual(p.waves[1].stacks, ["base-net", "app"]);
        assert.deepStrictEqual(p.waves[2].stacks, ["other"]);
    });

    it("runs read-only operations as one wave with no prerequisites", () => {
        const p = planWaves(m.stacks, { ...base, operation: "preview" });
        assert.deepStrictEqual(shape(p), [["all", "main", ["hub", "us-one", "us-two", "eu-one", "ap-one"]]]);
        assert.ok([...p.prerequisites.values()].every((r) => r.length === 0));
    });

    it("starts the longest stacks and chains first within a region once the journal knows durations", () => {
        const cm = fleet(["quick", "slow", "head", { name: "tail", dependsOn: ["head"] }]);
        const history = new Map([["quick", 60_000], ["slow", 600_000], ["head", 100_000], ["tail", 700_000]]);
        const p = planWaves(cm.stacks, { ...base, canaryCount: 0, history, operation: "up" });
        // head (100s) + tail (700s) is the longest path (800s), then tail (700s), slow (600s), quick.
        assert.deepStrictEqual(p.waves[1].stacks, ["head", "tail", "slow", "quick"]);
    });

    it("brings forward a stack from a later region that an earlier region's stack depends on", () => {
        const rm = fleet([{ name: "us-a", dependsOn: ["eu-head"] }, "us-b", { name: "eu-head", region: "eu-west-1" }, { name: "eu-other", region: "eu-west-1" }]);
        const p = planWaves(rm.stacks, { ...base, canaryCount: 0, operation: "up" });
        assert.deepStrictEqual(p.waves[1].stacks, ["eu-head", "us-a", "us-b", "eu-other"]);
    });

    it("rejects dependency cycles naming the manifest field", () => {
        const cyclic = fleet([{ name: "ring-a", dependsOn: ["ring-b"] }, { name: "ring-b", dependsOn: ["ring-a"] }]);
        assert.throws(() => assertAcyclic(cyclic.stacks), /stacks\[\d\]\.dependsOn: dependency cycle ring-(a|b) -> ring-(a|b) -> ring-(a|b)/);
    });
});
