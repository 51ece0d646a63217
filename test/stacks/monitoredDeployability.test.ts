/**
 * Issue 12 (monitored accounts): what AWS would reject or silently break, each encoded as the
 * documented constraint (sources cited next to each case).
 */
import * as assert from "assert";
import { program } from "../../stacks/program";
import { renderBaseAgentConfig } from "../../components/agent/cloudwatchAgentConfig";
import { subnetsInServiceZones } from "../../components/spoke/hubEndpoint";
import { planEndpointServices } from "../../components/network/endpointDiscovery";
import { MockContext } from "../../automation/plan/mock/mockState";
import { Recorded, runProgram } from "../harness";
import { entry, HUB_OUTPUTS as hubOutputs, HUB_REF, SERVICE } from "./fixtures/monitored";
import { PRIVATELINK_SERVICES } from "../../components/network/endpointCatalog";
import { activeVpcCidrs, hasEc2Path, s3RouteProblem } from "../../components/monitored/connectivity";


/**
 * Plans `name` with an override of its role config. A program error rejects: a test that expects
 * one says so with assert.rejects, and no test can pass on the partial plan a failed program leaves.
 */
export async function planMonitored(name: string, override: (m: Record<string, any>) => Record<string, any> = (m) => m, invokes?: MockContext["invokeOverrides"]): Promise<{ r: Recorded }> {
    const s = entry(name);
    const config = { ...s.config, "oss-monitoring:monitored": override(structuredClone(s.config["oss-monitoring:monitored"]) as Record<string, any>) };
    const r = await runProgram(() => program(), { config, account: s.account, region: s.region, stack: name, stackOutputs: { [HUB_REF]: hubOutputs }, invokes });
    return { r };
}

describe("monitored accounts: deployable for real (issue 12)", function () {
    this.timeout(120000);

    it("planMonitored rejects when the program throws (a bad config value), instead of returning the partial plan", async () => {
        await assert.rejects(planMonitored("monitored-payments", (m) => ({ ...m, connectivity: { ...m.connectivity, mode: "carrier-pigeon" } })), /oss-monitoring:monitored\.connectivity\.mode/);
    });

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
            const { r } = await planMonitored("monitored-payments", (m) => m, zones);
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

    describe("item 12: existing endpoints and private hosted zones", () => {
        // A second private-DNS endpoint for a service, or one next to a private hosted zone of the
        // service's name, fails with "conflicting DNS domain" (vpc/latest/privatelink/manage-dns-names.html).
        it("reuses what the lookup finds or the config declares, and creates the rest", () => {
            const plan = planEndpointServices(["ssm", "sts", "logs"], ["logs"], { ssm: { id: "vpce-0aaa", kind: "endpoint" }, sts: undefined });
            assert.deepStrictEqual(plan.create, ["sts"]);
            assert.deepStrictEqual(plan.reused, { ssm: "endpoint vpce-0aaa", logs: "declared in config" });
        });

        it("a VPC with another team's ssm endpoint and a sts zone gets neither, and says so", async () => {
            const invokes = {
                "aws:ec2/getVpcEndpoint:getVpcEndpoint": (i: Record<string, any>) => {
                    if (String(i.serviceName).endsWith(".ssm")) {
                        return { id: "vpce-0123456789abcdef0", tags: { Name: "landing-zone-ssm" } };
                    }
                    throw new Error("no matching EC2 VPC Endpoint found");
                },
                "aws:route53/getZone:getZone": (i: Record<string, any>) => {
                    if (i.name === "sts.us-east-1.amazonaws.com") {
                        return { zoneId: "Z0STSZONE", name: i.name };
                    }
                    throw new Error("no matching Route 53 Hosted Zone found");
                },
            };
            const { r } = await planMonitored("monitored-payments", (m) => m, invokes);
            const services = r.ofType("aws:ec2/vpcEndpoint:VpcEndpoint").map((e) => String(e.inputs.serviceName));
            assert.ok(!services.includes("com.amazonaws.us-east-1.ssm") && !services.includes("com.amazonaws.us-east-1.sts"));
            assert.ok(services.includes("com.amazonaws.us-east-1.logs"));
            assert.deepStrictEqual(r.outputs.reusedEndpoints, { ssm: "endpoint vpce-0123456789abcdef0", sts: "private hosted zone Z0STSZONE" });
            // Our own endpoints (tagged with the stack) are never mistaken for someone else's.
            const ours = r.ofType("aws:ec2/vpcEndpoint:VpcEndpoint").find((e) => String(e.inputs.serviceName).endsWith(".logs"))!;
            assert.strictEqual((ours.inputs.tags as Record<string, string>).MonitoringStack, "monitored-payments");
        });

        it("refuses a central zone for a service the VPC already answers through another endpoint or zone (shared-endpoint shape)", async () => {
            const sharedZones = { logs: "Z01LOGS0000000000001", ssm: "Z01SSM00000000000001" };
            const invokes = {
                "aws:ec2/getVpcEndpoint:getVpcEndpoint": (i: Record<string, any>) => {
                    if (String(i.serviceName).endsWith(".ssm")) {
                        return { id: "vpce-0123456789abcdef0", tags: { Name: "landing-zone-ssm" } };
                    }
                    throw new Error("no matching EC2 VPC Endpoint found");
                },
                "aws:route53/getZone:getZone": () => {
                    throw new Error("no matching Route 53 Hosted Zone found");
                },
            };
            await assert.rejects(planMonitored("monitored-payments", (m) => ({ ...m, connectivity: { ...m.connectivity, sharedZones } }), invokes),
                /connectivity\.sharedZones\.ssm: the VPC already answers ssm\.us-east-1\.amazonaws\.com through endpoint vpce-0123456789abcdef0, so the central zone cannot be associated; fix: remove that one first/);
            // Nothing found: associations for the mapped services, endpoints for the rest.
            const clean = await planMonitored("monitored-payments", (m) => ({ ...m, connectivity: { ...m.connectivity, sharedZones } }));
            assert.deepStrictEqual(clean.r.ofType("aws:route53/zoneAssociation:ZoneAssociation").map((a) => a.inputs.zoneId).sort(), Object.values(sharedZones).sort());
            const services = clean.r.ofType("aws:ec2/vpcEndpoint:VpcEndpoint").filter((e) => e.inputs.vpcEndpointType === "Interface").map((e) => String(e.inputs.serviceName).split(".").pop());
            assert.deepStrictEqual(services.filter((x) => !String(x).startsWith("vpce-")).sort(), ["ec2messages", "monitoring", "ssmmessages", "sts"]);
        });

        it("detection can be turned off (every endpoint created) and services declared by hand", async () => {
            const found = { "aws:ec2/getVpcEndpoint:getVpcEndpoint": () => ({ id: "vpce-0123456789abcdef0", tags: {} }) };
            const off = await planMonitored("monitored-payments", (m) => ({ ...m, connectivity: { ...m.connectivity, detectExistingEndpoints: false, existingEndpoints: ["sts"] } }), found);
            const services = off.r.ofType("aws:ec2/vpcEndpoint:VpcEndpoint").filter((e) => e.inputs.vpcEndpointType === "Interface").map((e) => String(e.inputs.serviceName).split(".").pop());
            assert.deepStrictEqual(services.filter((x) => !String(x).startsWith("vpce-")).sort(), ["ec2messages", "logs", "monitoring", "ssm", "ssmmessages"]);
        });
    });

    describe("item 13: an S3 path for AWS-ConfigureAWSPackage in privatelink mode", () => {
        // The agent package comes from AWS-owned buckets (ssm-agent-minimum-s3-permissions.html).
        it("privatelink creates a restricted S3 gateway endpoint on the workload route tables", async () => {
            const { r } = await planMonitored("monitored-payments");
            const s3 = r.ofType("aws:ec2/vpcEndpoint:VpcEndpoint").filter((e) => e.inputs.vpcEndpointType === "Gateway");
            assert.strictEqual(s3.length, 1);
            // The offline plan's getRouteTables answers one table per VPC.
            assert.match(String((s3[0].inputs.routeTableIds as string[]).join(",")), /^rtb-[0-9a-f]{17}$/);
            const resources = r.json(s3[0], "policy").Statement[0].Resource as string[];
            for (const b of ["us-east-1-birdwatcher-prod", "aws-ssm-us-east-1", "aws-windows-downloads-us-east-1"]) {
                assert.ok(resources.includes(`arn:aws:s3:::${b}/*`), b);
            }
            const routed = await planMonitored("monitored-payments", (m) => ({ ...m, connectivity: { ...m.connectivity, routeTableIds: ["rtb-0b2a3c4d5e6f70891"] } }));
            assert.deepStrictEqual(routed.r.ofType("aws:ec2/vpcEndpoint:VpcEndpoint").find((e) => e.inputs.vpcEndpointType === "Gateway")!.inputs.routeTableIds, ["rtb-0b2a3c4d5e6f70891"]);
        });

        it("checks the route tables against the chosen path", () => {
            const pl = "pl-63a5400a";
            const withS3 = { id: "rtb-1", routes: [{ destinationPrefixListId: pl, gatewayId: "vpce-0abc" }] };
            const without = { id: "rtb-2", routes: [{ destinationPrefixListId: "", gatewayId: "local" }] };
            assert.strictEqual(s3RouteProblem("gateway", [without], pl), undefined);
            assert.match(String(s3RouteProblem("gateway", [withS3, without], pl)), /rtb-1 already route S3 .*set connectivity.s3Path: existing/);
            assert.strictEqual(s3RouteProblem("existing", [withS3], pl), undefined);
            assert.match(String(s3RouteProblem("existing", [withS3, without], pl)), /rtb-2 have no route to S3/);
            assert.match(String(s3RouteProblem("gateway", [], pl)), /main table/);
        });

        it("s3Path existing declares no endpoint and fails the plan when a table has no S3 route", async () => {
            const { r } = await planMonitored("monitored-payments", (m) => ({ ...m, connectivity: { ...m.connectivity, s3Path: "existing" } }), {
                "aws:ec2/getRouteTable:getRouteTable": (i: Record<string, any>) => ({ routeTableId: i.routeTableId, routes: [{ destinationPrefixListId: "pl-6855ce84", gatewayId: "vpce-0feed" }] }),
            });
            assert.strictEqual(r.ofType("aws:ec2/vpcEndpoint:VpcEndpoint").filter((e) => e.inputs.vpcEndpointType === "Gateway").length, 0);
            await assert.rejects(planMonitored("monitored-payments", (m) => ({ ...m, connectivity: { ...m.connectivity, s3Path: "existing" } })),
                /oss-monitoring:monitored\.connectivity\.routeTableIds: rtb-\w+ have no route to S3/);
        });
    });
});
