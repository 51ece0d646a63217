import { strict as assert } from "assert";
import { COST_ALLOCATION_TAG_KEYS } from "../../../components/security/tags";
import { costAllocationTags, stackPrivatePathToHub } from "../../../policy/rules/stack";
import { UNKNOWN_STRING } from "../fixtures/unknown";
import { COST_TAGS, runResource, runStack } from "../helpers";

const VPCE = "aws:ec2/vpcEndpoint:VpcEndpoint";
const hubEndpoint = (serviceName: string) => ({ type: VPCE, name: "to-hub", inputs: { vpcEndpointType: "Interface", serviceName } });

describe("policy/rules/stack", () => {
    describe("stack-private-path-to-hub", () => {
        it("rejects monitored and on-prem stacks without an interface endpoint to an endpoint service", () => {
            for (const role of ["monitored", "onprem"]) {
                const r = runStack(stackPrivatePathToHub, [{ type: VPCE, name: "logs", inputs: { vpcEndpointType: "Interface", serviceName: "com.amazonaws.us-east-1.logs" } }], { role });
                assert.equal(r.messages.length, 1, role);
                assert.deepEqual(r.urns, [], "attributed to the stack, not a resource");
            }
            const gateway = runStack(stackPrivatePathToHub, [{ type: VPCE, name: "gw", inputs: { serviceName: "com.amazonaws.vpce.us-east-1.vpce-svc-0abc" } }], { role: "monitored" });
            assert.equal(gateway.messages.length, 1, "a Gateway endpoint is not a PrivateLink path");
        });
        it("accepts an endpoint to the hub service, also when its name is unknown during preview", () => {
            assert.deepEqual(runStack(stackPrivatePathToHub, [hubEndpoint("com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0")], { role: "monitored" }).messages, []);
            assert.deepEqual(runStack(stackPrivatePathToHub, [hubEndpoint(UNKNOWN_STRING)], { role: "onprem" }).messages, []);
        });
        it("is not applicable to the hub", () => {
            assert.match(runStack(stackPrivatePathToHub, [], { role: "hub" }).notApplicable ?? "", /monitored, onprem/);
        });
    });

    describe("cost-allocation-tags", () => {
        it("defaults to the keys of components/security/tags.ts and names the missing ones", () => {
            const r = runResource(costAllocationTags, "aws:amp/workspace:Workspace", { alias: "hub", tags: { CostCenter: "cc", Owner: "" } });
            assert.deepEqual(r.messages, [`Missing cost-allocation tag(s): ${COST_ALLOCATION_TAG_KEYS.filter((k) => k !== "CostCenter").join(", ")}.`]);
        });
        it("accepts tags on the resource or the provider's defaultTags (JSON-encoded as the engine sends them)", () => {
            assert.deepEqual(runResource(costAllocationTags, "aws:amp/workspace:Workspace", { tags: COST_TAGS }).messages, []);
            const providerInputs = { region: "us-east-1", defaultTags: JSON.stringify({ tags: COST_TAGS }) };
            assert.deepEqual(runResource(costAllocationTags, "aws:amp/workspace:Workspace", { alias: "hub" }, { providerInputs }).messages, []);
        });
        it("handles autoscaling-style tag lists and configured keys", () => {
            const tags = Object.entries(COST_TAGS).map(([key, value]) => ({ key, value, propagateAtLaunch: true }));
            assert.deepEqual(runResource(costAllocationTags, "aws:autoscaling/group:Group", { tags }).messages, []);
            assert.equal(runResource(costAllocationTags, "aws:amp/workspace:Workspace", { tags: COST_TAGS }, { config: { requiredKeys: ["DataClass"] } }).messages.length, 1);
        });
        it("is not applicable to non-taggable, exempted, provider and non-AWS resources", () => {
            assert.match(runResource(costAllocationTags, "aws:iam/rolePolicy:RolePolicy", { policy: "{}" }).notApplicable ?? "", /no tags input/);
            assert.notEqual(runResource(costAllocationTags, "aws:ec2/securityGroupRule:SecurityGroupRule", {}).notApplicable, undefined);
            assert.notEqual(runResource(costAllocationTags, "aws:sfn/activity:Activity", {}, { config: { exemptTypes: ["aws:sfn/activity:Activity"] } }).notApplicable, undefined);
            assert.notEqual(runResource(costAllocationTags, "pulumi:providers:aws", {}).notApplicable, undefined);
            assert.notEqual(runResource(costAllocationTags, "grafana:oss/dashboard:Dashboard", {}).notApplicable, undefined);
        });
        it("still requires tags on taggable security-group rules of the vpc module", () => {
            assert.equal(runResource(costAllocationTags, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", { cidrIpv4: "10.0.0.0/8" }).messages.length, 1);
        });
    });
});
