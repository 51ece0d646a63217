import { strict as assert } from "assert";
import {
    ecsServiceNoPublicIp,
    eksPrivateEndpoint,
    grafanaWorkspacePrivate,
    lbInternal,
    regulatedPrivateEndpoints,
    sgNoPublicIngress,
    sgNoUnrestrictedEgress,
    subnetNoPublicIp,
    vpcEndpointPrivateDnsAndPolicy,
    vpcEndpointServiceAcceptance,
} from "../../../policy/rules/exposure";
import { UNKNOWN_STRING } from "../fixtures/unknown";
import { runResource, runStack, urnOf } from "../helpers";

const SG = "aws:ec2/securityGroup:SecurityGroup";
const VPCE = "aws:ec2/vpcEndpoint:VpcEndpoint";
const VPCE_SVC = "aws:ec2/vpcEndpointService:VpcEndpointService";
const endpoint = (svc: string) => ({ vpcEndpointType: "Interface", serviceName: `com.amazonaws.us-east-1.${svc}`, privateDnsEnabled: true });

/** The endpoint rule is a stack rule (separate policy and private-DNS resources count); one endpoint alone. */
const vpce = (inputs: Record<string, unknown>, opts: Parameters<typeof runStack>[2] = {}) =>
    runStack(vpcEndpointPrivateDnsAndPolicy, [{ type: VPCE, name: "subject", inputs }], opts);

describe("policy/rules/exposure", () => {
    describe("lb-internal", () => {
        it("rejects internet-facing load balancers of every flavour", () => {
            for (const type of ["aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer", "aws:elb/loadBalancer:LoadBalancer"]) {
                assert.equal(runResource(lbInternal, type, { internal: false }).messages.length, 1, type);
                assert.equal(runResource(lbInternal, type, {}).messages.length, 1, type);
            }
        });
        it("accepts internal load balancers", () => {
            assert.deepEqual(runResource(lbInternal, "aws:lb/loadBalancer:LoadBalancer", { internal: true, loadBalancerType: "network" }).messages, []);
        });
    });

    describe("sg-no-public-ingress", () => {
        it("rejects world ingress in inline blocks, rules and vpc ingress rules (IPv4 and IPv6)", () => {
            const r = runResource(sgNoPublicIngress, SG, {
                ingress: [
                    { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.0.0.0/8"] },
                    { protocol: "tcp", fromPort: 4317, toPort: 4318, cidrBlocks: ["0.0.0.0/0"] },
                    { protocol: "-1", fromPort: 0, toPort: 0, ipv6CidrBlocks: ["::/0"] },
                ],
            });
            assert.deepEqual(r.messages, ["ingress[1] allows tcp/4317-4318 from 0.0.0.0/0.", "ingress[2] allows all traffic from ::/0."]);
            assert.equal(runResource(sgNoPublicIngress, "aws:ec2/securityGroupRule:SecurityGroupRule", { type: "ingress", protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }).messages.length, 1);
            assert.equal(runResource(sgNoPublicIngress, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", { ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0" }).messages.length, 1);
        });
        it("accepts private sources, egress rules and configured single ports", () => {
            assert.deepEqual(runResource(sgNoPublicIngress, SG, { ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.20.0.0/16"] }], egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }] }).messages, []);
            assert.deepEqual(runResource(sgNoPublicIngress, "aws:ec2/securityGroupRule:SecurityGroupRule", { type: "egress", protocol: "-1", cidrBlocks: ["0.0.0.0/0"] }).messages, []);
            assert.deepEqual(runResource(sgNoPublicIngress, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", { ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0" }, { config: { allowedPorts: [443] } }).messages, []);
        });
    });

    describe("sg-no-unrestricted-egress", () => {
        const open = { egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }] };
        it("rejects world egress in regulated stacks", () => {
            assert.deepEqual(runResource(sgNoUnrestrictedEgress, SG, open, { regulated: true }).messages, ["egress[0] allows all traffic to 0.0.0.0/0."]);
            assert.equal(runResource(sgNoUnrestrictedEgress, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", { ipProtocol: "-1", cidrIpv6: "::/0" }, { regulated: true }).messages.length, 1);
        });
        it("accepts known destinations, and is not applicable outside regulated stacks unless configured", () => {
            assert.deepEqual(runResource(sgNoUnrestrictedEgress, SG, { egress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.0.0.0/16"] }] }, { regulated: true }).messages, []);
            const r = runResource(sgNoUnrestrictedEgress, SG, open);
            assert.deepEqual(r.messages, []);
            assert.match(r.notApplicable ?? "", /regulated/);
            assert.equal(runResource(sgNoUnrestrictedEgress, SG, open, { config: { enforceInAllStacks: true } }).messages.length, 1);
        });
    });

    describe("ecs-service-no-public-ip", () => {
        it("rejects assignPublicIp and accepts private tasks", () => {
            assert.equal(runResource(ecsServiceNoPublicIp, "aws:ecs/service:Service", { networkConfiguration: { subnets: ["s"], assignPublicIp: true } }).messages.length, 1);
            assert.deepEqual(runResource(ecsServiceNoPublicIp, "aws:ecs/service:Service", { networkConfiguration: { subnets: ["s"], assignPublicIp: false } }).messages, []);
        });
    });

    describe("subnet-no-public-ip", () => {
        it("rejects mapPublicIpOnLaunch and accepts private subnets", () => {
            assert.equal(runResource(subnetNoPublicIp, "aws:ec2/subnet:Subnet", { cidrBlock: "10.0.0.0/24", mapPublicIpOnLaunch: true }).messages.length, 1);
            assert.deepEqual(runResource(subnetNoPublicIp, "aws:ec2/subnet:Subnet", { cidrBlock: "10.0.0.0/24" }).messages, []);
        });
    });

    describe("vpc-endpoint-private-dns-and-policy", () => {
        const scoped = JSON.stringify({ Statement: [{ Effect: "Allow", Principal: "*", Action: "aps:RemoteWrite", Resource: "arn:aws:aps:us-east-1:111111111111:workspace/ws-1" }] });
        it("rejects interface endpoints without private DNS, without policy, or with the full-access policy", () => {
            const r = vpce({ vpcEndpointType: "Interface", serviceName: "com.amazonaws.us-east-1.aps-workspaces" });
            assert.equal(r.messages.length, 2);
            assert.match(r.messages[0], /privateDnsEnabled/);
            assert.match(r.messages[1], /No endpoint policy/);
            const full = JSON.stringify({ Statement: [{ Effect: "Allow", Principal: "*", Action: "*", Resource: "*" }] });
            assert.match(vpce({ ...endpoint("logs"), policy: full }).messages[0], /default full-access/);
        });
        it("accepts scoped interface endpoints, gateway endpoints and PrivateLink service endpoints", () => {
            assert.deepEqual(vpce({ ...endpoint("aps-workspaces"), policy: scoped }).messages, []);
            assert.deepEqual(vpce({ serviceName: "com.amazonaws.us-east-1.s3" }).messages, []);
            assert.deepEqual(vpce({ vpcEndpointType: "Interface", serviceName: "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0" }).messages, []);
        });
        it("skips the policy requirement for configured services", () => {
            assert.deepEqual(vpce(endpoint("ssmmessages"), { config: { servicesWithoutPolicySupport: ["ssmmessages"] } }).messages, []);
        });
    });

    describe("vpc-endpoint-service-acceptance", () => {
        it("rejects open endpoint services and \"*\" principals", () => {
            const r = runStack(vpcEndpointServiceAcceptance, [
                { type: VPCE_SVC, name: "open", inputs: { acceptanceRequired: false, networkLoadBalancerArns: ["arn:nlb"] } },
                { type: VPCE_SVC, name: "star", inputs: { acceptanceRequired: true, allowedPrincipals: ["*"] } },
            ]);
            assert.equal(r.messages.length, 2);
            assert.deepEqual(r.urns, [urnOf(VPCE_SVC, "open"), urnOf(VPCE_SVC, "star")]);
            const star = runStack(vpcEndpointServiceAcceptance, [
                { type: VPCE_SVC, name: "svc", inputs: { acceptanceRequired: false } },
                { type: "aws:ec2/vpcEndpointServiceAllowedPrinciple:VpcEndpointServiceAllowedPrinciple", name: "any", inputs: { principalArn: "*" } },
            ]);
            assert.equal(star.messages.length, 2);
        });
        it("accepts acceptance, inline allow-lists and separate allowed-principal resources", () => {
            const allowed = "aws:ec2/vpcEndpointServiceAllowedPrinciple:VpcEndpointServiceAllowedPrinciple";
            assert.deepEqual(runStack(vpcEndpointServiceAcceptance, [{ type: VPCE_SVC, name: "a", inputs: { acceptanceRequired: true } }]).messages, []);
            assert.deepEqual(runStack(vpcEndpointServiceAcceptance, [{ type: VPCE_SVC, name: "b", inputs: { acceptanceRequired: false, allowedPrincipals: ["arn:aws:iam::222222222222:root"] } }]).messages, []);
            assert.deepEqual(runStack(vpcEndpointServiceAcceptance, [
                { type: VPCE_SVC, name: "c", inputs: { acceptanceRequired: false } },
                { type: allowed, name: "monitored", inputs: { principalArn: "arn:aws:iam::222222222222:root" } },
            ]).messages, []);
            assert.notEqual(runStack(vpcEndpointServiceAcceptance, [{ type: VPCE, name: "e", inputs: endpoint("logs") }]).notApplicable, undefined);
        });
        it("drops violations attributed to exempted resource names", () => {
            const entries = [{ type: VPCE_SVC, name: "lab-open", inputs: { acceptanceRequired: false } }, { type: VPCE_SVC, name: "prod-open", inputs: { acceptanceRequired: false } }];
            assert.deepEqual(runStack(vpcEndpointServiceAcceptance, entries, { config: { exemptNames: ["lab-*"] } }).urns, [urnOf(VPCE_SVC, "prod-open")]);
        });
    });

    describe("regulated-private-endpoints", () => {
        it("lists the services a regulated stack reaches without an interface endpoint", () => {
            const r = runStack(regulatedPrivateEndpoints, [{ type: VPCE, name: "logs", inputs: endpoint("logs") }], { regulated: true });
            assert.deepEqual(r.messages, ["Regulated stack without interface endpoints for: aps-workspaces, monitoring, ssm."]);
        });
        it("accepts a complete set, ignores gateway endpoints, and lets an unknown service name stand for one service", () => {
            const all = ["aps-workspaces", "logs", "monitoring", "ssm"].map((s) => ({ type: VPCE, name: s, inputs: endpoint(s) }));
            assert.deepEqual(runStack(regulatedPrivateEndpoints, all, { regulated: true }).messages, []);
            const withGateway = [...all.slice(1), { type: VPCE, name: "gw", inputs: { serviceName: "com.amazonaws.us-east-1.aps-workspaces" } }];
            assert.equal(runStack(regulatedPrivateEndpoints, withGateway, { regulated: true }).messages.length, 1);
            const unknown = [...all.slice(1), { type: VPCE, name: "later", inputs: { vpcEndpointType: "Interface", serviceName: UNKNOWN_STRING } }];
            assert.deepEqual(runStack(regulatedPrivateEndpoints, unknown, { regulated: true }).messages, []);
            const twoMissing = [...all.slice(2), { type: VPCE, name: "later", inputs: { vpcEndpointType: "Interface", serviceName: UNKNOWN_STRING } }];
            assert.equal(runStack(regulatedPrivateEndpoints, twoMissing, { regulated: true }).messages.length, 1);
        });
        it("counts a sender's endpoint to the hub's endpoint service for AMP only", () => {
            const hub = { type: VPCE, name: "to-hub", inputs: { vpcEndpointType: "Interface", serviceName: "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0" } };
            const others = ["logs", "monitoring", "ssm"].map((s) => ({ type: VPCE, name: s, inputs: endpoint(s) }));
            assert.deepEqual(runStack(regulatedPrivateEndpoints, [hub, ...others], { regulated: true }).messages, []);
            assert.deepEqual(runStack(regulatedPrivateEndpoints, [hub, ...others.slice(1)], { regulated: true }).messages, ["Regulated stack without interface endpoints for: logs."]);
            assert.equal(runStack(regulatedPrivateEndpoints, [hub, ...others], { regulated: true, config: { servicesViaHubEndpoint: [] } }).messages.length, 1);
        });
        it("counts an association to a central zone the pack's configuration names for that service (shared-endpoint shape)", () => {
            const hub = { type: VPCE, name: "to-hub", inputs: { vpcEndpointType: "Interface", serviceName: "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0" } };
            const assoc = (svc: string, zoneId: string) => ({ type: "aws:route53/zoneAssociation:ZoneAssociation", name: `shared-zone-${svc}`, inputs: { zoneId, vpcId: "vpc-0b2a3c4d5e6f70801" } });
            const stack = [hub, assoc("logs", "ZLOGS"), assoc("monitoring", "ZMON"), assoc("ssm", "ZSSM")];
            const sharedZoneIds = { logs: ["ZLOGS"], monitoring: ["ZMON"], ssm: ["ZSSM"] };
            assert.deepEqual(runStack(regulatedPrivateEndpoints, stack, { regulated: true, config: { sharedZoneIds } }).messages, []);
            // Without the platform team's list, a stack's own zone proves nothing.
            assert.deepEqual(runStack(regulatedPrivateEndpoints, stack, { regulated: true }).messages, ["Regulated stack without interface endpoints for: logs, monitoring, ssm."]);
            // An association to a zone the configuration does not list for the service does not serve it.
            assert.deepEqual(runStack(regulatedPrivateEndpoints, stack, { regulated: true, config: { sharedZoneIds: { ...sharedZoneIds, monitoring: ["ZCENTRALMON"] } } }).messages, ["Regulated stack without interface endpoints for: monitoring."]);
            // An association whose zone the preview cannot know yet stands for one service only when central zones are configured.
            const later = [hub, assoc("logs", "ZLOGS"), assoc("ssm", "ZSSM"), { ...assoc("monitoring", "x"), inputs: { zoneId: UNKNOWN_STRING, vpcId: "vpc-0b2a3c4d5e6f70801" } }];
            assert.deepEqual(runStack(regulatedPrivateEndpoints, later, { regulated: true, config: { sharedZoneIds } }).messages, []);
            assert.equal(runStack(regulatedPrivateEndpoints, later, { regulated: true }).messages.length, 1);
        });
        it("is not applicable to stacks that are not regulated", () => {
            assert.notEqual(runStack(regulatedPrivateEndpoints, [], { regulated: false }).notApplicable, undefined);
        });
    });

    describe("grafana-workspace-private", () => {
        it("rejects workspaces without VPC configuration or network access control", () => {
            const r = runResource(grafanaWorkspacePrivate, "aws:grafana/workspace:Workspace", { accountAccessType: "CURRENT_ACCOUNT", authenticationProviders: ["AWS_SSO"] });
            assert.equal(r.messages.length, 2);
        });
        it("accepts a workspace with both", () => {
            assert.deepEqual(runResource(grafanaWorkspacePrivate, "aws:grafana/workspace:Workspace", {
                vpcConfiguration: { subnetIds: ["subnet-1", "subnet-2"], securityGroupIds: ["sg-1"] },
                networkAccessControl: { vpceIds: ["vpce-1"], prefixListIds: [] },
            }).messages, []);
        });
    });

    describe("eks-private-endpoint", () => {
        it("rejects the AWS default (public endpoint) and names the CIDRs", () => {
            const r = runResource(eksPrivateEndpoint, "aws:eks/cluster:Cluster", { vpcConfig: { subnetIds: ["s"], publicAccessCidrs: ["0.0.0.0/0"] } });
            assert.deepEqual(r.messages, ["The API endpoint is public (from 0.0.0.0/0).", "endpointPrivateAccess is not true: nodes and operators reach the API over the internet."]);
        });
        it("accepts a private-only endpoint", () => {
            assert.deepEqual(runResource(eksPrivateEndpoint, "aws:eks/cluster:Cluster", { vpcConfig: { subnetIds: ["s"], endpointPublicAccess: false, endpointPrivateAccess: true } }).messages, []);
        });
    });
});
