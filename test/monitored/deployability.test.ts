/**
 * Issue 12 (monitored accounts): what AWS would reject or silently break, each encoded as the
 * documented constraint (sources cited next to each case).
 */
import * as assert from "assert";
import { loadManifest, FleetStack } from "../../automation/manifest";
import { program } from "../../stacks/program";
import { renderBaseAgentConfig } from "../../components/agent/cloudwatchAgentConfig";
import { subnetsInServiceZones } from "../../components/hubEndpoint";
import { activeVpcCidrs, hasEc2Path, PRIVATELINK_SERVICES } from "../../components/monitored/monitoredAccount";
import { MockContext } from "../../automation/plan/mockState";
import { Recorded, runProgram } from "../harness";

const HUB_REF = "organization/oss-monitoring/hub";
const SERVICE = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0";
const hubOutputs = { region: "us-east-1", endpointServiceName: SERVICE, collectorDomain: "collector.monitoring.internal", collectorPorts: [4317, 4318] };
const manifest = loadManifest("stacks/fleet.yaml");

function entry(name: string): FleetStack {
    const s = manifest.stacks.find((x) => x.name === name);
    assert.ok(s, `${name} is in stacks/fleet.yaml`);
    return s;
}

/** Plans `name` with an override of its role config; collects a failure instead of throwing. */
export async function planMonitored(name: string, override: (m: Record<string, any>) => Record<string, any> = (m) => m, invokes?: MockContext["invokeOverrides"]): Promise<{ r: Recorded; errors: string[] }> {
    const s = entry(name);
    const config = { ...s.config, "oss-monitoring:monitored": override(structuredClone(s.config["oss-monitoring:monitored"]) as Record<string, any>) };
    const errors: string[] = [];
    const r = await runProgram(async () => {
        try {
            return await program();
        } catch (e) {
            errors.push(String(e));
            return undefined;
        }
    }, { config, account: s.account, region: s.region, stack: name, stackOutputs: { [HUB_REF]: hubOutputs }, invokes });
    return { r, errors };
}

describe("monitored accounts: deployable for real (issue 12)", function () {
    this.timeout(120000);

    describe("item 4: hub endpoint subnets in the endpoint service's zones", () => {
        // An interface endpoint in an AZ the service does not offer fails
        // (vpc/latest/privatelink/create-interface-endpoint.html); names map per account.
        it("keeps only subnets in the service's zones and fails below two, naming the key", () => {
            const subnets = [{ id: "subnet-1", availabilityZone: "us-east-1a" }, { id: "subnet-2", availabilityZone: "us-east-1d" }, { id: "subnet-3", availabilityZone: "us-east-1b" }];
            assert.deepStrictEqual(subnetsInServiceZones("k", subnets, ["us-east-1a", "us-east-1b", "us-east-1c"]), ["subnet-1", "subnet-3"]);
            assert.throws(() => subnetsInServiceZones("oss-monitoring:monitored.vpc.subnetIds", subnets, ["us-east-1a", "us-east-1c"]),
                /^Error: oss-monitoring:monitored\.vpc\.subnetIds: the hub endpoint service is offered in us-east-1a, us-east-1c only; .*subnet-2 \(us-east-1d\).*1 is in those zones/);
        });

        it("the planned endpoint uses the looked-up zones", async () => {
            const zones = { "aws:ec2/getVpcEndpointService:getVpcEndpointService": () => ({ serviceName: SERVICE, availabilityZones: ["us-east-1b", "us-east-1c"] }) };
            const { r, errors } = await planMonitored("monitored-payments", (m) => m, zones);
            assert.deepStrictEqual(errors, []);
            // Mock zones: …11 → b, …12 → c, …13 → a.
            assert.deepStrictEqual(r.one("aws:ec2/vpcEndpoint:VpcEndpoint", "hub-vpce").inputs.subnetIds, ["subnet-0b2a3c4d5e6f70811", "subnet-0b2a3c4d5e6f70812"]);
            const narrow = { "aws:ec2/getVpcEndpointService:getVpcEndpointService": () => ({ serviceName: SERVICE, availabilityZones: ["us-east-1b"] }) };
            await assert.rejects(planMonitored("monitored-payments", (m) => m, narrow), /oss-monitoring:monitored\.vpc\.subnetIds: the hub endpoint service is offered in us-east-1b only/);
        });
    });

    describe("item 11: endpoints serve the whole VPC", () => {
        it("the ec2 endpoint is opt-in and the agent drops the ASG dimension without it", async () => {
            assert.ok(!PRIVATELINK_SERVICES.includes("ec2"));
            assert.strictEqual(hasEc2Path("privatelink"), false);
            assert.strictEqual(hasEc2Path("privatelink", ["ec2"]), true);
            assert.strictEqual(hasEc2Path("nat"), true);
            const base = renderBaseAgentConfig({ platform: "linux", logGroupPrefix: "/x", autoScalingGroupDimension: false }) as any;
            assert.strictEqual(base.metrics.append_dimensions.AutoScalingGroupName, undefined);
            assert.deepStrictEqual(base.metrics.aggregation_dimensions, [["InstanceId"]]);
            const { r } = await planMonitored("monitored-payments");
            const linux = JSON.parse(String(r.one("aws:ssm/parameter:Parameter", "base-linux").inputs.insecureValue));
            assert.strictEqual(linux.metrics.append_dimensions.AutoScalingGroupName, undefined);
        });

        it("the endpoint security group admits the VPC's CIDRs on 443", async () => {
            const { r } = await planMonitored("monitored-payments");
            const rule = r.one("aws:ec2/securityGroupRule:SecurityGroupRule", "https-vpc");
            assert.deepStrictEqual([rule.inputs.type, rule.inputs.fromPort, rule.inputs.toPort, rule.inputs.cidrBlocks], ["ingress", 443, 443, ["10.100.0.0/16"]]);
            assert.deepStrictEqual(activeVpcCidrs([{ cidrBlock: "10.0.0.0/16", state: "associated" }, { cidrBlock: "10.1.0.0/16", state: "disassociated" }]), ["10.0.0.0/16"]);
        });
    });
});
