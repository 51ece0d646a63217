import * as assert from "assert";
import { awsServiceName, endpointPolicy, s3GatewayPolicy } from "../../components/network/endpointCatalog";
import {
    deployRunnerApis, GRAFANA_CONTACT_POINT_PATHS, GRAFANA_DATA_SOURCE_PATHS, grafanaEndpointServices, HUB_GRAFANA_FEATURES,
    HUB_RUNNER_ENDPOINT_SERVICES, hubEndpointServices,
} from "../../components/network/hubPaths";
import { hubStack } from "../../stacks/hub";
import { RecordedResource } from "../../automation/plan/mock/monitor";
import { Recorded, runProgram } from "../harness";
import { hubConfig } from "./fixtures/hub";

const NOW = new Date("2026-11-23T00:00:00Z");
const REGION = "us-east-1";

function planHub(hub: Record<string, unknown> = {}): Promise<Recorded> {
    return runProgram(() => hubStack(hubConfig(hub), NOW));
}

/** Endpoint service names of the hub VPC's endpoints (interface and gateway). */
function endpointServiceNames(r: Recorded): string[] {
    return r.ofType("aws:ec2/vpcEndpoint:VpcEndpoint").filter((e) => e.name.startsWith("hub-net-")).map((e) => String(e.inputs.serviceName));
}

/** Region each resource is managed in: its provider's region, else the stack's. */
function regionOf(r: Recorded, res: RecordedResource): string {
    const providerUrn = res.provider?.split("::").slice(0, -1).join("::");
    const provider = r.resources.find((p) => p.urn === providerUrn);
    return typeof provider?.inputs.region === "string" ? provider.inputs.region : REGION;
}

/** The integration blocks a ContactPoint sets (sns, email, slack, ...). */
function contactPointIntegrations(cp: RecordedResource): string[] {
    return Object.entries(cp.inputs).filter(([k, v]) => Array.isArray(v) && v.length > 0 && !["disableProvenance"].includes(k)).map(([k]) => k);
}

describe("hub VPC paths: every Grafana data source, contact point and deploy-runner API has one", function () {
    this.timeout(60_000);
    let r: Recorded;
    before(async () => {
        r = await planHub({ network: { availabilityZoneIds: ["use1-az1", "use1-az2", "use1-az4"] }, drRegion: "us-west-2", deployRunner: { stateBucket: "acme-pulumi-state" } });
    });

    it("gives every Grafana data source and contact point the hub plans an endpoint in the hub VPC (a new one without its path fails here)", () => {
        const dataSources = r.ofType("grafana:oss/dataSource:DataSource").map((d) => String(d.inputs.type));
        const contactPoints = r.ofType("grafana:alerting/contactPoint:ContactPoint").flatMap(contactPointIntegrations);
        assert.deepEqual([...new Set(dataSources)].sort(), ["cloudwatch", "grafana-amazonprometheus-datasource"]);
        assert.deepEqual(contactPoints, ["sns"]);
        // The features the stack declares are the ones it plans.
        assert.deepEqual({ dataSources: [...HUB_GRAFANA_FEATURES.dataSources].sort(), contactPoints: [...HUB_GRAFANA_FEATURES.contactPoints] }, { dataSources: [...new Set(dataSources)].sort(), contactPoints });
        const needed = grafanaEndpointServices({ dataSources, contactPoints });
        assert.deepEqual(needed, ["aps-workspaces", "logs", "monitoring", "sns"]);
        const have = endpointServiceNames(r);
        for (const s of needed) {
            assert.ok(have.includes(awsServiceName(REGION, s)), `Grafana needs ${s}: no ${awsServiceName(REGION, s)} endpoint in the hub VPC (have ${have.join(", ")})`);
        }
        // The Grafana ENIs' security group reaches the endpoints (HTTPS to the VPC CIDR).
        const egress = r.ofType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").find((e) => e.name === "hub-grafana-out-https");
        assert.ok(egress !== undefined);
        assert.equal(egress.inputs.fromPort, 443);
        assert.equal(egress.inputs.cidrIpv4, "10.60.0.0/16");
    });

    it("refuses a data source or contact point whose path is unknown, naming it and where to add it", () => {
        assert.throws(() => grafanaEndpointServices({ dataSources: ["prometheus", "x-ray"], contactPoints: [] }), /Grafana data source "x-ray" has no known network path.*hubPaths\.ts/);
        assert.throws(() => grafanaEndpointServices({ dataSources: [], contactPoints: ["slack"] }), /Grafana contact point "slack" has no known network path/);
        assert.deepEqual(Object.keys(GRAFANA_DATA_SOURCE_PATHS).sort(), ["cloudwatch", "grafana-amazonprometheus-datasource", "prometheus"]);
        // 10.4's core type and 12.4's plugin query the same AMP API.
        assert.deepEqual(GRAFANA_DATA_SOURCE_PATHS["grafana-amazonprometheus-datasource"], GRAFANA_DATA_SOURCE_PATHS.prometheus);
        assert.deepEqual(Object.keys(GRAFANA_CONTACT_POINT_PATHS), ["sns"]);
    });

    it("gives the deploy runner an endpoint for every hub-region API of every resource type the hub plan contains", () => {
        const apis = deployRunnerApis(r.resources.map((res) => ({ type: res.type, region: regionOf(r, res) })), REGION);
        const have = endpointServiceNames(r);
        const hubRegion = apis.filter((a) => a.path === "hubEndpoint");
        assert.deepEqual(hubRegion.map((a) => a.service), [
            "acm-pca", "application-autoscaling", "aps", "ec2", "ecr.api", "ecs", "elasticloadbalancing", "grafana", "grafana-workspace",
            "kms", "logs", "secretsmanager", "sns", "ssm", "sts",
        ]);
        for (const a of hubRegion) {
            const name = awsServiceName(REGION, a.service);
            // grafana-workspace is GrafanaWorkspace's own endpoint (hub-grafana-api-vpce), the others the network's.
            const found = have.includes(name) || (a.service === "grafana-workspace" && r.named("hub-grafana-api-vpce").inputs.serviceName === name);
            assert.ok(found, `the runner calls ${a.service} in ${a.region}: no ${name} endpoint`);
        }
        // IAM through its one endpoint service (us-east-1), S3 (state) through the gateway.
        assert.deepEqual(apis.filter((a) => a.path === "globalEndpoint").map((a) => `${a.region}/${a.service}`), ["us-east-1/iam"]);
        assert.ok(have.includes("com.amazonaws.iam"));
        assert.ok(have.includes("com.amazonaws.us-east-1.s3"));
        // What no endpoint in the hub VPC can serve is named (README: the runner's egress proxy allows exactly these).
        assert.deepEqual(apis.filter((a) => a.path === "egress").map((a) => `${a.region}/${a.service}`), [
            "us-east-1/oam", "us-east-1/route53", "us-west-2/aps", "us-west-2/ec2", "us-west-2/kms", "us-west-2/logs",
        ]);
    });

    it("lets the runner use its state bucket through the gateway endpoint, for principals of the organization only", () => {
        const gw = r.one("aws:ec2/vpcEndpoint:VpcEndpoint", "hub-net-s3");
        const doc = r.json(gw, "policy");
        const state = doc.Statement.find((s: { Sid: string }) => s.Sid === "StateBucketsOfTheOrganization");
        assert.deepEqual(state.Resource, ["arn:aws:s3:::acme-pulumi-state", "arn:aws:s3:::acme-pulumi-state/*"]);
        assert.deepEqual(state.Condition, { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } });
        assert.deepEqual(s3GatewayPolicy(REGION).Statement.map((s) => s.Sid), ["AwsOwnedArtifactBucketsReadOnly"]);
    });

    it("refuses a resource type whose API has no known path", () => {
        assert.throws(() => deployRunnerApis([{ type: "aws:lambda/function:Function", region: REGION }], REGION), /aws:lambda\/function:Function.*module "lambda".*RUNNER_API_BY_MODULE/);
        assert.throws(() => deployRunnerApis([{ type: "kubernetes:core/v1:Secret", region: REGION }], REGION), /kubernetes:core\/v1:Secret: no known path/);
    });

    it("creates the runner's control-plane endpoints only when the runner must live in the VPC, and Grafana's only for the content the hub manages", async () => {
        const base = ["aps-workspaces", "ecr.api", "ecr.dkr", "logs", "ssm", "sts", "secretsmanager", "kms"];
        assert.deepEqual(hubEndpointServices(base, { grafanaContent: false, runnerInVpc: false }), base);
        assert.deepEqual(hubEndpointServices(base, { grafanaContent: true, runnerInVpc: false }), [...base, "monitoring", "sns"]);
        assert.deepEqual(hubEndpointServices(base, { grafanaContent: true, runnerInVpc: true }).slice(base.length), [...HUB_RUNNER_ENDPOINT_SERVICES, "monitoring", "sns"].sort());
        const none = await planHub({ grafana: { apiAccess: "none", adminGroupIds: ["90677e8d-a0d1-70e1-1234-5678abcdef01"], allowedVpceIds: ["vpce-0a1b2c3d4e5f60718"] } });
        assert.deepEqual(endpointServiceNames(none).filter((n) => !n.endsWith(".s3")).sort(), base.map((s) => awsServiceName(REGION, s)).sort());
    });

    it("gives every new endpoint the organization-scoped policy", () => {
        for (const s of [...HUB_RUNNER_ENDPOINT_SERVICES, "monitoring", "sns"]) {
            const doc = endpointPolicy(s, "o-a1b2c3d4e5");
            assert.equal(doc.Statement[0].Sid, "OrganizationPrincipalsOnly", s);
        }
        const iam = r.resources.find((e) => e.inputs.serviceName === "com.amazonaws.iam");
        assert.ok(iam !== undefined);
        assert.equal(iam.inputs.serviceRegion, undefined, "in us-east-1 the IAM endpoint is local");
    });
});
