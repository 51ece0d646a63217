import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { hubStack } from "../../stacks/hub";
import { HUB_OUTPUT_KEYS, readHubOutputs, REQUIRED_HUB_OUTPUTS } from "../../stacks/outputs";
import { runProgram } from "../harness";
import { hubConfig } from "./fixtures/hub";

const HUB = "organization/oss-monitoring/hub";
const GOOD = {
    region: "us-east-1", endpointServiceName: "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0", collectorDomain: "collector.monitoring.internal",
    collectorPorts: [4317, 4318], observabilitySinkArns: { "us-east-1": "arn:aws:oam:us-east-1:111111111111:sink/0a1b2c3d-0000-4000-8000-000000000001" },
};

/** Runs a program that reads one hub output through the contract and exports it as `value`. */
function read(outputs: Record<string, unknown>, pick: (hub: ReturnType<typeof readHubOutputs>) => pulumi.Output<unknown>) {
    return runProgram(() => ({ value: pick(readHubOutputs(new pulumi.StackReference("hub", { name: HUB }), HUB)) }), { stackOutputs: { [HUB]: outputs } });
}

describe("hub outputs contract (stacks/outputs.ts)", function () {
    this.timeout(120000);

    it("the hub stack exports every required key of HubOutputs and nothing outside it", async () => {
        const r = await runProgram(() => hubStack(hubConfig(), new Date("2026-01-01T00:00:00Z")));
        const keys = Object.keys(r.outputs);
        assert.deepStrictEqual(keys.filter((k) => !(k in HUB_OUTPUT_KEYS)), []);
        assert.deepStrictEqual(REQUIRED_HUB_OUTPUTS.filter((k) => !keys.includes(k)), []);
    });

    it("reads valid outputs", async () => {
        assert.strictEqual((await read(GOOD, (h) => h.string("collectorDomain"))).outputs.value, "collector.monitoring.internal");
        assert.deepStrictEqual((await read(GOOD, (h) => h.collectorPorts())).outputs.value, [4317, 4318]);
        assert.strictEqual((await read(GOOD, (h) => h.observabilitySinkArn("us-east-1"))).outputs.value, GOOD.observabilitySinkArns["us-east-1"]);
    });

    it("names the missing or malformed key and the fix", async () => {
        const { collectorDomain: _d, ...noDomain } = GOOD;
        await assert.rejects(read(noDomain, (h) => h.string("collectorDomain")), /hub stack organization\/oss-monitoring\/hub: output collectorDomain is missing or empty; deploy the hub first/);
        await assert.rejects(read({ ...GOOD, endpointServiceName: "" }, (h) => h.string("endpointServiceName")), /output endpointServiceName is missing or empty/);
        await assert.rejects(read({ ...GOOD, collectorPorts: "4318" }, (h) => h.collectorPorts()), /output collectorPorts is not a list of TCP ports \(got "4318"\); deploy the hub first/);
        await assert.rejects(read({ ...GOOD, collectorPorts: [0] }, (h) => h.collectorPorts()), /output collectorPorts is not a list of TCP ports/);
    });

    it("treats an empty CA bundle as none (system roots)", async () => {
        assert.strictEqual((await read({ ...GOOD, collectorCaBundle: "" }, (h) => h.collectorCaBundle().apply((v) => v ?? "none"))).outputs.value, "none");
    });
});
