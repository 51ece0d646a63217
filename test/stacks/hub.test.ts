import * as assert from "assert";
import { parse } from "yaml";
import { TargetGroupStickiness, targetGroupStickinessProblem } from "../../components/hub/collectorIngress";
import { renderHaproxyConfig } from "../../components/identity/haproxyConfig";
import { renderCertSeenLua } from "../../components/identity/certSeen";
import { tenantMaps } from "../../components/identity/tenants";
import { hubTenants } from "../../stacks/config/hub";
import { scopableActions } from "../../policy/rules/leastPrivilege";
import { hubStack } from "../../stacks/hub";
import { Recorded, runProgram } from "../harness";
import { hubConfig, SITE } from "./fixtures/hub";
import { PROJECT_RELEASE } from "../../stacks/release";
import { DEFAULT_COLLECTOR_IMAGE } from "../../components/telemetry/adotComponents";
import { taggable, untagged } from "./fixtures/tagging";

const NOW = new Date("2026-11-23T00:00:00Z");

async function planHub(hub: Record<string, unknown> = {}): Promise<Recorded> {
    return runProgram(() => hubStack(hubConfig(hub), NOW));
}

function iamDocuments(r: Recorded): Array<{ where: string; doc: any }> {
    return [
        ...r.ofType("aws:iam/rolePolicy:RolePolicy").map((p) => ({ where: p.name, doc: r.json(p, "policy") })),
        ...r.ofType("aws:iam/role:Role").map((p) => ({ where: `${p.name} trust`, doc: r.json(p, "assumeRolePolicy") })),
    ];
}

describe("hub stack (under mocks)", function () {
    let r: Recorded;
    before(async () => {
        r = await planHub({
            network: { availabilityZoneIds: ["use1-az1", "use1-az2", "use1-az4"] },
            drRegion: "us-west-2",
            onpremSites: [SITE],
        });
    });

    it("encrypts AMP with a rotating CMK and logs to an encrypted, retained log group", () => {
        const ws = r.one("aws:amp/workspace:Workspace", "hub-amp-workspace");
        assert.match(String(ws.inputs.kmsKeyArn), /^arn:aws:kms:us-east-1:111111111111:key\//);
        assert.match(String((ws.inputs.loggingConfiguration as any).logGroupArn), /^arn:aws:logs:us-east-1:111111111111:log-group:.*:\*$/);
        for (const k of r.ofType("aws:kms/key:Key")) {
            assert.strictEqual(k.inputs.enableKeyRotation, true, k.name);
        }
        for (const g of r.ofType("aws:cloudwatch/logGroup:LogGroup")) {
            assert.ok(String(g.inputs.kmsKeyId).startsWith("arn:aws:kms:"), `${g.name} is KMS-encrypted`);
            assert.ok(Number(g.inputs.retentionInDays) > 0, `${g.name} has retention`);
        }
    });

    it("puts the NLB inside the VPC and passes TLS through on both OTLP ports to the tasks' tenant proxy", () => {
        const lb = r.one("aws:lb/loadBalancer:LoadBalancer");
        assert.strictEqual(lb.inputs.internal, true);
        assert.strictEqual(lb.inputs.loadBalancerType, "network");
        const listeners = r.ofType("aws:lb/listener:Listener").map((l) => l.inputs as any).sort((a, b) => a.port - b.port);
        // The proxy must see the client certificate: no TLS listener (which would end the handshake at the NLB).
        assert.deepStrictEqual(listeners.map((l) => [l.port, l.protocol]), [[4317, "TCP"], [4318, "TCP"]]);
        for (const l of listeners) {
            assert.strictEqual(l.tags.TlsTermination, "target");
            assert.strictEqual(l.certificateArn, undefined);
        }
    });

    it("asks no target group for stickiness and checks each task's proxy health port over HTTPS", () => {
        const tgs = r.ofType("aws:lb/targetGroup:TargetGroup");
        assert.deepStrictEqual(tgs.map((tg) => tg.inputs.port).sort(), [4317, 4318]);
        for (const tg of tgs) {
            // NLB user guide: sticky sessions are not supported with TLS target groups; PrivateLink
            // traffic always comes from NLB node IPs (see targetGroupStickinessProblem).
            assert.strictEqual(targetGroupStickinessProblem(String(tg.inputs.protocol), tg.inputs.stickiness as TargetGroupStickiness | undefined, true), undefined, tg.name);
            assert.notStrictEqual((tg.inputs.stickiness as TargetGroupStickiness | undefined)?.enabled, true, tg.name);
            assert.strictEqual(tg.inputs.protocol, "TCP");
            assert.deepStrictEqual([(tg.inputs.healthCheck as any).protocol, (tg.inputs.healthCheck as any).port, (tg.inputs.healthCheck as any).matcher], ["HTTPS", "13133", "200"]);
        }
    });

    it("publishes a PrivateLink endpoint service for exactly the fleet's accounts", () => {
        const svc = r.one("aws:ec2/vpcEndpointService:VpcEndpointService");
        assert.strictEqual(svc.inputs.acceptanceRequired, false, "allow-listed accounts connect without a manual step");
        // The monitored accounts and the site's landing account (777...), which still needs the site's certificate.
        assert.deepStrictEqual(svc.inputs.allowedPrincipals, ["arn:aws:iam::222222222222:root", "arn:aws:iam::333333333333:root", "arn:aws:iam::777777777777:root"]);
    });

    it("admits no traffic from the internet", () => {
        for (const rule of r.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")) {
            assert.notStrictEqual(rule.inputs.cidrIpv4, "0.0.0.0/0", rule.name);
            assert.strictEqual(rule.inputs.cidrIpv6, undefined, rule.name);
        }
        assert.deepStrictEqual(r.ofType("aws:ec2/internetGateway:InternetGateway"), []);
        assert.deepStrictEqual(r.ofType("aws:ec2/natGateway:NatGateway"), []);
        for (const s of r.ofType("aws:ec2/subnet:Subnet")) {
            assert.strictEqual(s.inputs.mapPublicIpOnLaunch, false);
        }
        const site = r.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((x) => x.inputs.cidrIpv4 === "172.16.0.0/20");
        assert.deepStrictEqual(site.map((x) => [x.inputs.fromPort, x.inputs.toPort]), [[4317, 4318]]);
        // The tasks admit the NLB only, on the proxy's ports; the collector's loopback ports are not reachable at all.
        // The NLB reaches the tasks on the proxy's ports and its health port, nothing else.
        const nlbOut = r.ofType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").filter((x) => x.name.startsWith("hub-ingress-out-"));
        assert.deepStrictEqual(nlbOut.map((x) => [x.inputs.fromPort, x.inputs.toPort]).sort(), [[13133, 13133], [4317, 4317], [4318, 4318]]);
        const tasks = r.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((x) => x.name.startsWith("hub-collector-in-"));
        assert.deepStrictEqual(tasks.map((x) => x.inputs.fromPort).sort(), [13133, 4317, 4318]);
        for (const t of tasks) {
            assert.strictEqual(t.inputs.cidrIpv4, undefined);
            assert.ok(t.inputs.referencedSecurityGroupId !== undefined);
        }
    });

    it("places subnets by AZ ID (names differ per account), exports those IDs, and creates the endpoints the tasks, Grafana and the deploy runner need", () => {
        const subnets = r.ofType("aws:ec2/subnet:Subnet").filter((s) => s.name.startsWith("hub-net-"));
        assert.deepStrictEqual(subnets.map((s) => s.inputs.availabilityZone), [undefined, undefined, undefined]);
        assert.deepStrictEqual(subnets.map((s) => s.inputs.availabilityZoneId), ["use1-az1", "use1-az2", "use1-az4"]);
        assert.deepStrictEqual(r.outputs.endpointServiceAzIds, ["use1-az1", "use1-az2", "use1-az4"]);
        const interfaces = r.ofType("aws:ec2/vpcEndpoint:VpcEndpoint").filter((e) => e.inputs.vpcEndpointType === "Interface" && !e.name.startsWith("hub-dr-path"));
        // Tasks: aps-workspaces, ecr.*, kms, logs, secretsmanager, ssm, sts; Grafana adds monitoring and sns;
        // the runner (apiAccess hubVpcEndpoint) the control planes (test/stacks/hubPaths.test.ts derives them).
        assert.deepStrictEqual(interfaces.map((e) => String(e.inputs.serviceName).replace("com.amazonaws.us-east-1.", "")).sort(), [
            "acm-pca", "application-autoscaling", "aps", "aps-workspaces", "com.amazonaws.iam", "ec2", "ecr.api", "ecr.dkr", "ecs", "elasticloadbalancing",
            "grafana", "grafana-workspace", "kms", "logs", "monitoring", "secretsmanager", "sns", "ssm", "sts",
        ]);
        for (const e of interfaces) {
            assert.strictEqual(e.inputs.privateDnsEnabled, true);
            if (String(e.inputs.serviceName).endsWith(".grafana-workspace")) {
                // Grafana API calls carry Grafana tokens, not IAM identities: scoped by resource instead.
                assert.strictEqual(r.json(e, "policy").Statement[0].Resource, "arn:aws:grafana:us-east-1:111111111111:/workspaces/*");
                continue;
            }
            assert.strictEqual(r.json(e, "policy").Statement[0].Condition.StringEquals["aws:PrincipalOrgID"], "o-a1b2c3d4e5");
        }
        assert.strictEqual(r.ofType("aws:ec2/vpcEndpoint:VpcEndpoint").filter((e) => e.inputs.vpcEndpointType === "Gateway").length, 1);
    });

    it("runs at least two hardened collector tasks without public IPs", () => {
        const svc = r.one("aws:ecs/service:Service");
        assert.strictEqual(svc.inputs.desiredCount, 2);
        assert.strictEqual((svc.inputs.networkConfiguration as any).assignPublicIp, false);
        assert.deepStrictEqual(svc.inputs.deploymentCircuitBreaker, { enable: true, rollback: true });
        const td = r.one("aws:ecs/taskDefinition:TaskDefinition");
        assert.notStrictEqual(td.inputs.taskRoleArn, td.inputs.executionRoleArn);
        const containers = r.json<any[]>(td, "containerDefinitions");
        for (const c of containers) {
            assert.strictEqual(c.readonlyRootFilesystem, true, c.name);
            assert.strictEqual(c.privileged, false, c.name);
            assert.strictEqual(c.environment, undefined, `${c.name} gets values only through secrets`);
        }
        assert.deepStrictEqual(containers.map((c) => c.name), ["tls-init", "tenant-proxy", "adot-collector"]);
        const collector = containers.find((c) => c.name === "adot-collector");
        assert.strictEqual(collector.user, "10001:10001");
        assert.match(collector.image, /^111111111111\.dkr\.ecr\.us-east-1\.amazonaws\.com\/ecr-public\/aws-observability\/aws-otel-collector:/);
        assert.deepStrictEqual(collector.secrets.map((x: any) => x.name), ["AOT_CONFIG_CONTENT"]);
        // AMP answers throttling with 429; the pinned remote-write exporter drops it as final without this
        // gate (contrib v0.156.0 exporter/prometheusremotewriteexporter/exporter.go:506-510, internal/metadata/generated_feature_gates.go:17-23).
        assert.deepStrictEqual(collector.command, ["--config=env:AOT_CONFIG_CONTENT", "--feature-gates=exporter.prometheusremotewritexporter.RetryOn429"]);
        assert.deepStrictEqual(collector.linuxParameters.capabilities.drop, ["ALL"]);
        // Loopback only: nothing to map, and no access to the volume with the server key.
        assert.strictEqual(collector.portMappings, undefined);
        assert.strictEqual(collector.mountPoints, undefined);
        const proxy = containers.find((c) => c.name === "tenant-proxy");
        assert.match(proxy.image, /^111111111111\.dkr\.ecr\.us-east-1\.amazonaws\.com\/ecr-public\/docker\/library\/haproxy@sha256:[0-9a-f]{64}$/);
        assert.strictEqual(proxy.essential, true);
        assert.strictEqual(proxy.user, "10001:10001");
        assert.deepStrictEqual(proxy.linuxParameters.capabilities.drop, ["ALL"]);
        assert.deepStrictEqual([...proxy.entryPoint, ...proxy.command], ["haproxy", "-db", "-f", "/etc/otel/tls/haproxy.cfg"]);
        assert.deepStrictEqual(proxy.portMappings.map((m: any) => m.containerPort), [4317, 4318, 13133]);
        assert.deepStrictEqual(proxy.dependsOn, [{ containerName: "tls-init", condition: "SUCCESS" }]);
        assert.deepStrictEqual(proxy.mountPoints, [{ sourceVolume: "tls", containerPath: "/etc/otel/tls", readOnly: true }]);
        assert.deepStrictEqual((svc.inputs.loadBalancers as any[]).map((l) => [l.containerName, l.containerPort]).sort(), [["tenant-proxy", 4317], ["tenant-proxy", 4318]]);
        // Egress only to the VPC's endpoints and, for image layers, the S3 gateway's prefix list.
        const egress = r.ofType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").filter((e) => e.name.startsWith("hub-collector-out"));
        // ...plus, with DR, the peered DR VPC where AMP's DR endpoint lives.
        assert.deepStrictEqual(egress.map((e) => [e.inputs.fromPort, e.inputs.cidrIpv4 ?? "", (typeof e.inputs.prefixListId === "string" ? e.inputs.prefixListId : "").slice(0, 3)]).sort(),
            [[443, "", "pl-"], [443, "10.60.0.0/16", ""], [443, "10.61.0.0/16", ""]]);
        const scaling = r.ofType("aws:appautoscaling/policy:Policy").map((p) => (p.inputs as any).targetTrackingScalingPolicyConfiguration.predefinedMetricSpecification.predefinedMetricType);
        assert.deepStrictEqual(scaling.sort(), ["ECSServiceAverageCPUUtilization", "ECSServiceAverageMemoryUtilization"]);
        assert.strictEqual(r.one("aws:appautoscaling/target:Target").inputs.minCapacity, 2);
    });

    it("states each workspace's out-of-order window and rule query offset, within AMP's documented range", () => {
        // AMP: out-of-order window 0-600 s, default 60 (AMP-workspace-configuration.md); the hub sets it on purpose.
        const configs = r.ofType("aws:amp/workspaceConfiguration:WorkspaceConfiguration");
        assert.deepStrictEqual(configs.map((c) => c.name).sort(), ["hub-amp-dr-retention", "hub-amp-retention"]);
        for (const c of configs) {
            const ooo = Number(c.inputs.outOfOrderTimeWindowInSeconds);
            assert.ok(Number.isInteger(ooo) && ooo >= 0 && ooo <= 600, `${c.name}: outOfOrderTimeWindowInSeconds ${ooo}`);
            assert.strictEqual(ooo, 600, `${c.name}: the replay window the data path is tested with`);
            // AMP: 0-86400 s. 40 s covers the live delivery delay of the rendered collector configs
            // (test/components/hub/ruleQueryOffset.test.ts); e2e scenario 12 runs it on Cortex's ruler.
            assert.strictEqual(c.inputs.ruleQueryOffsetInSeconds, 40, c.name);
        }
    });

    it("delivers the collector config through SSM and dual-writes to the DR workspace", () => {
        const param = r.one("aws:ssm/parameter:Parameter", "collector-config");
        const config = parse(String(param.inputs.insecureValue));
        assert.ok(config && typeof config === "object", `collector config is YAML: ${String(param.inputs.insecureValue).slice(0, 80)}`);
        const workspaces = r.ofType("aws:amp/workspace:Workspace");
        assert.strictEqual(workspaces.length, 2);
        assert.deepStrictEqual(Object.keys(config.exporters), ["prometheusremotewrite/primary", "prometheusremotewrite/dr"]);
        assert.match(config.exporters["prometheusremotewrite/dr"].endpoint, /^https:\/\/aps-workspaces\.us-west-2\.amazonaws\.com\/workspaces\/ws-.*\/api\/v1\/remote_write$/);
        const task = r.one("aws:iam/rolePolicy:RolePolicy", "task-remote-write");
        assert.deepStrictEqual(r.json(task, "policy").Statement[0].Resource.length, 2);
        // The DR workspace gets the recording rules (dashboards after failover), not the alerts.
        const drRules = r.one("aws:amp/ruleGroupNamespace:RuleGroupNamespace", "recording-rules-dr");
        assert.strictEqual(drRules.inputs.workspaceId, String(r.outputs.drWorkspaceArn).split("workspace/")[1]);
        assert.match(String(drRules.provider), /hub-aws-dr::/);
        assert.strictEqual(r.ofType("aws:amp/alertManagerDefinition:AlertManagerDefinition").length, 1);
    });

    it("hands the tenant proxy its config, the tenant CA and the maps through SSM, readable by the execution role only", () => {
        const value = (suffix: string) => String(r.one("aws:ssm/parameter:Parameter", suffix).inputs.insecureValue);
        assert.strictEqual(value("proxy-config"), renderHaproxyConfig());
        assert.strictEqual(value("tenant-ca"), String(r.outputs.tenantCaCertificate));
        const maps = tenantMaps(hubTenants(hubConfig({ onpremSites: [SITE] }).hub));
        assert.strictEqual(value("account-map-0"), maps.account);
        assert.strictEqual(value("account-map-0"), "account-222222222222 222222222222\naccount-333333333333 333333333333\nsite-dc1 777777777777\n");
        assert.strictEqual(value("site-map-0"), "site-dc1 dc1\n");
        assert.strictEqual(value("revoked-serials"), "# revoked tenant certificate serials (0)\n");
        assert.strictEqual(value("cert-seen-lua"), renderCertSeenLua());
        const params = r.ofType("aws:ssm/parameter:Parameter").filter((x) => x.name.startsWith("hub-collector-"));
        assert.strictEqual(params.length, 7);
        // The execution role reads exactly these parameters and the server certificate secret, nothing else.
        const exec = r.json(r.one("aws:iam/rolePolicy:RolePolicy", "execution-policy"), "policy");
        const arns = params.map((x) => `arn:aws:ssm:us-east-1:111111111111:parameter${String(x.inputs.name)}`).sort();
        assert.deepStrictEqual([...exec.Statement.find((x: any) => x.Sid === "ContainerParameters").Resource].sort(), arns);
        assert.deepStrictEqual(exec.Statement.find((x: any) => x.Sid === "ContainerSecrets").Resource, ["arn:aws:secretsmanager:us-east-1:111111111111:secret:hub/tls-AbCdEf"]);
        const init = r.json<any[]>(r.one("aws:ecs/taskDefinition:TaskDefinition"), "containerDefinitions").find((c) => c.name === "tls-init");
        assert.deepStrictEqual(init.secrets.map((x: any) => x.name), ["TLS_CERT", "TLS_KEY", "TENANT_CA", "ACCOUNT_MAP_0", "SITE_MAP_0", "REVOKED_SERIALS", "CERT_SEEN_LUA", "PROXY_CONFIG"]);
    });

    it("reaches AMP in the DR region privately: endpoint in a peered DR VPC, routes both ways, a private zone for its name", () => {
        const drProvider = (x: { provider: string | null }) => /hub-aws-dr::/.test(String(x.provider));
        const ep = r.one("aws:ec2/vpcEndpoint:VpcEndpoint", "hub-dr-path-aps");
        assert.strictEqual(ep.inputs.serviceName, "com.amazonaws.us-west-2.aps-workspaces");
        assert.ok(drProvider(ep), "the endpoint lives in the DR region");
        assert.strictEqual(r.json(ep, "policy").Statement[0].Condition.StringEquals["aws:PrincipalOrgID"], "o-a1b2c3d4e5");
        const vpc = r.one("aws:ec2/vpc:Vpc", "hub-dr-path");
        assert.strictEqual(vpc.inputs.cidrBlock, "10.61.0.0/16");
        assert.ok(drProvider(vpc));
        const peering = r.one("aws:ec2/vpcPeeringConnection:VpcPeeringConnection");
        assert.strictEqual(peering.inputs.peerRegion, "us-west-2");
        assert.ok(!drProvider(peering), "requested from the hub region");
        assert.ok(drProvider(r.one("aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter")));
        const routes = r.ofType("aws:ec2/route:Route").filter((x) => x.name.startsWith("hub-dr-path"));
        assert.deepStrictEqual(routes.map((x) => x.inputs.destinationCidrBlock).sort(), ["10.60.0.0/16", "10.61.0.0/16"]);
        const zone = r.one("aws:route53/zone:Zone", "hub-dr-path");
        assert.strictEqual(zone.inputs.name, "aps-workspaces.us-west-2.amazonaws.com");
        assert.strictEqual((zone.inputs.vpcs as Array<{ vpcRegion: string }>)[0].vpcRegion, "us-east-1");
        const sgIn = r.one("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "hub-dr-path-aps-in");
        assert.deepStrictEqual([sgIn.inputs.fromPort, sgIn.inputs.cidrIpv4], [443, "10.60.0.0/16"]);
        // The collector dials the regional name that zone answers.
        const config = parse(String(r.one("aws:ssm/parameter:Parameter", "collector-config").inputs.insecureValue));
        assert.match(config.exporters["prometheusremotewrite/dr"].endpoint, /^https:\/\/aps-workspaces\.us-west-2\.amazonaws\.com\//);
    });

    it("writes IAM policies without wildcard actions and with ARN-scoped resources", () => {
        for (const { where, doc } of iamDocuments(r)) {
            for (const s of doc.Statement) {
                for (const a of [s.Action].flat()) {
                    assert.ok(a !== "*" && !/^[a-z0-9-]+:\*$/.test(a), `${where}: wildcard action ${a}`);
                }
                for (const res of [s.Resource ?? []].flat()) {
                    // "*" only for actions IAM cannot scope (the IAM catalogue the policy pack reads, e.g. cloudwatch:GetMetricData).
                    assert.ok(res.startsWith("arn:aws:") || (res === "*" && [s.Action].flat().every((a: string) => scopableActions(a).length === 0)), `${where}: resource ${res}`);
                }
                if (s.Principal?.Service) {
                    assert.ok(s.Condition?.StringEquals?.["aws:SourceAccount"], `${where}: service trust without aws:SourceAccount`);
                }
            }
        }
    });

    it("configures Grafana in the VPC with network access control and a SigV4 AMP data source", () => {
        const ws = r.one("aws:grafana/workspace:Workspace");
        assert.deepStrictEqual(ws.inputs.authenticationProviders, ["AWS_SSO"]);
        // NAC admits the configured endpoint plus the hub's own grafana-workspace endpoint the deploy runner uses.
        const api = r.one("aws:ec2/vpcEndpoint:VpcEndpoint", "api-vpce");
        assert.strictEqual(api.inputs.serviceName, "com.amazonaws.us-east-1.grafana-workspace");
        assert.strictEqual(api.inputs.privateDnsEnabled, true);
        assert.deepStrictEqual((ws.inputs.networkAccessControl as any).vpceIds, ["vpce-0a1b2c3d4e5f60718", r.outputs.grafanaApiEndpointId]);
        assert.match(String(r.outputs.grafanaApiEndpointId), /^vpce-/);
        // The Grafana provider's first call waits for that endpoint.
        assert.ok(r.one("pulumi:providers:grafana").dependencies.includes(api.urn));
        // AWS_SSO: the admin group can sign in.
        const assoc = r.one("aws:grafana/roleAssociation:RoleAssociation");
        assert.deepStrictEqual([assoc.inputs.role, assoc.inputs.groupIds], ["ADMIN", ["90677e8d-a0d1-70e1-1234-5678abcdef01"]]);
        assert.strictEqual((ws.inputs.vpcConfiguration as any).subnetIds.length, 3);
        // Default Grafana 12.4: the AMP data source is the Amazon Managed Service for Prometheus plugin,
        // signing with the workspace role for the aps service (telemetry/ampDataSource.ts, grafanaIam.ts).
        assert.strictEqual(ws.inputs.grafanaVersion, "12.4");
        // fleet status reads what the stack deployed from this output (automation/driver/record/versions.ts).
        assert.deepStrictEqual(r.outputs.deployedVersions, { release: PROJECT_RELEASE, collectorImage: DEFAULT_COLLECTOR_IMAGE, grafanaVersion: "12.4" });
        const ds = r.one("grafana:oss/dataSource:DataSource", "hub-grafana-amp");
        assert.strictEqual(ds.inputs.type, "grafana-amazonprometheus-datasource");
        assert.match(String(ds.inputs.url), /^https:\/\/aps-workspaces\.us-east-1\.amazonaws\.com\/workspaces\/ws-/);
        assert.deepStrictEqual(JSON.parse(String(ds.inputs.jsonDataEncoded)), {
            httpMethod: "POST", sigV4Auth: true, sigV4AuthType: "ec2_iam_role", sigV4Region: "us-east-1", sigv4Service: "aps", manageAlerts: false, timeInterval: "30s",
        });
        const token = r.one("aws:grafana/workspaceServiceAccountToken:WorkspaceServiceAccountToken");
        assert.strictEqual(token.inputs.secondsToLive, 30 * 86_400);
        const provider = r.one("pulumi:providers:grafana");
        assert.strictEqual(provider.inputs.auth, "[secret]");
    });

    it("exports what spokes need and keeps secrets out of the outputs", () => {
        assert.match(String(r.outputs.endpointServiceName), /^com\.amazonaws\.vpce\.us-east-1\.vpce-svc-/);
        assert.strictEqual(r.outputs.collectorDomain, "collector.monitoring.internal");
        assert.deepStrictEqual(r.outputs.collectorPorts, [4317, 4318]);
        assert.ok(String(r.outputs.tenantCaCertificate).includes("BEGIN CERTIFICATE"));
        assert.ok(r.outputs.tenantIdentitySecretArns !== undefined && typeof r.outputs.tenantIdentitySecretArns === "object");
        assert.strictEqual(r.outputs.onpremClientCaBundle, undefined, "site CAs are no longer trusted");
        assert.match(String(r.outputs.grafanaUrl), /^https:\/\/g-.*\.grafana-workspace\.us-east-1\.amazonaws\.com$/);
        assert.ok(!JSON.stringify(r.publicOutputs).includes("glsa_"), "no Grafana token in outputs");
    });

    it("deploys through a provider that assumes no other account and tags everything", () => {
        const providers = r.ofType("pulumi:providers:aws");
        assert.deepStrictEqual(providers.map((p) => p.inputs.region).sort(), ["us-east-1", "us-west-2"]);
        for (const p of providers) {
            assert.strictEqual(p.inputs.allowedAccountIds, JSON.stringify(["111111111111"]));
            assert.deepStrictEqual(JSON.parse(String(p.inputs.defaultTags)).tags, { CostCenter: "cc-1", Owner: "team", Environment: "test", MonitoringRole: "hub" }, "the fixture's tags");
        }
        // Every resource @pulumi/aws can tag ends up with the cost-allocation tags (its own or its provider's).
        const { checked, problems } = untagged(r);
        assert.deepStrictEqual(problems, []);
        assert.ok(checked > 50, `the hub's taggable resources were checked (${checked})`);
        // The check's own negative case: a resource on the default provider with only a Name tag is caught.
        const first = r.resources.find((x) => x.custom && taggable(x.type))!;
        const moved = new Recorded(r.resources.map((x) => (x === first ? { ...x, provider: null, inputs: { ...x.inputs, tags: { Name: "n" } } } : x)), r.outputs, r.publicOutputs);
        assert.deepStrictEqual(untagged(moved).problems, [`${first.type} ${first.name}: no CostCenter, Owner, Environment, MonitoringRole (default provider)`]);
    });
});

describe("hub stack variants", () => {
    it("admits the runner's prefix list, or manages no Grafana content when the workspace API is unreachable", async () => {
        const grafana = { allowedVpceIds: ["vpce-0a1b2c3d4e5f60718"], adminGroupIds: ["90677e8d-a0d1-70e1-1234-5678abcdef01"], editorGroupIds: ["90677e8d-a0d1-70e1-1234-5678abcdef02"] };
        const viaPrefixList = await planHub({ grafana: { ...grafana, apiAccess: "prefixList", apiAccessPrefixListId: "pl-0123456789abcdef0" } });
        const nac = viaPrefixList.one("aws:grafana/workspace:Workspace").inputs.networkAccessControl as { vpceIds: string[]; prefixListIds: string[] };
        assert.deepStrictEqual(nac, { vpceIds: ["vpce-0a1b2c3d4e5f60718"], prefixListIds: ["pl-0123456789abcdef0"] });
        assert.deepStrictEqual(viaPrefixList.ofType("aws:grafana/roleAssociation:RoleAssociation").map((a) => a.inputs.role).sort(), ["ADMIN", "EDITOR"]);
        const none = await planHub({ grafana: { ...grafana, apiAccess: "none" } });
        assert.deepStrictEqual(none.ofType("pulumi:providers:grafana"), []);
        assert.deepStrictEqual(none.resources.filter((x) => x.type.startsWith("grafana:")), []);
        assert.strictEqual(none.ofType("aws:amp/alertManagerDefinition:AlertManagerDefinition").length, 1, "alerting is still deployed");
        assert.deepStrictEqual(none.ofType("aws:ec2/vpcEndpoint:VpcEndpoint").filter((e) => String(e.inputs.serviceName).endsWith("grafana-workspace")), []);
    });

    it("keeps a workspace pinned to Grafana 10.4 on the core Prometheus data source with SigV4", async () => {
        const r = await planHub({ grafana: { allowedVpceIds: ["vpce-0a1b2c3d4e5f60718"], adminGroupIds: ["90677e8d-a0d1-70e1-1234-5678abcdef01"], version: "10.4" } });
        assert.strictEqual(r.one("aws:grafana/workspace:Workspace").inputs.grafanaVersion, "10.4");
        const ds = r.one("grafana:oss/dataSource:DataSource", "hub-grafana-amp");
        assert.strictEqual(ds.inputs.type, "prometheus");
        const json = JSON.parse(String(ds.inputs.jsonDataEncoded));
        assert.deepStrictEqual([json.sigV4Auth, json.sigV4AuthType, json.sigv4Service], [true, "ec2_iam_role", undefined]);
        await assert.rejects(planHub({ grafana: { allowedVpceIds: ["vpce-0a1b2c3d4e5f60718"], adminGroupIds: ["90677e8d-a0d1-70e1-1234-5678abcdef01"], version: "11.5" } }), /grafana\.version.*expected one of 10\.4, 12\.4/);
    });

    it("uses a bring-your-own VPC without creating one", async () => {
        const r = await planHub({ network: { vpcId: "vpc-0123456789abcdef0", privateSubnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"] } });
        assert.deepStrictEqual(r.ofType("aws:ec2/vpc:Vpc"), []);
        assert.deepStrictEqual(r.ofType("aws:ec2/subnet:Subnet"), []);
        assert.deepStrictEqual((r.one("aws:lb/loadBalancer:LoadBalancer").inputs.subnets), ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]);
        // Spokes learn the zones from the subnets' AZ IDs (looked up, since the VPC is not ours).
        assert.strictEqual((r.outputs.endpointServiceAzIds as string[]).length, 2);
        assert.deepStrictEqual(r.one("aws:ec2/vpcEndpoint:VpcEndpoint", "hub-net-s3").inputs.routeTableIds, ["rtb-" + String((r.one("aws:ec2/vpcEndpoint:VpcEndpoint", "hub-net-s3").inputs.routeTableIds as string[])[0]).slice(4)]);
    });

    it("routes a bring-your-own VPC's private route tables to the DR VPC", async () => {
        const r = await planHub({
            drRegion: "us-west-2",
            network: { vpcId: "vpc-0123456789abcdef0", privateSubnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"], privateRouteTableIds: ["rtb-0123456789abcdef0", "rtb-0123456789abcdef1"] },
        });
        const toDr = r.ofType("aws:ec2/route:Route").filter((x) => x.inputs.destinationCidrBlock === "10.61.0.0/16");
        assert.deepStrictEqual(toDr.map((x) => x.inputs.routeTableId).sort(), ["rtb-0123456789abcdef0", "rtb-0123456789abcdef1"]);
    });

    it("has no DR workspace unless configured, and the same two listeners without sites", async () => {
        const r = await planHub();
        assert.strictEqual(r.ofType("aws:amp/workspace:Workspace").length, 1);
        assert.deepStrictEqual(r.ofType("aws:lb/listener:Listener").map((l) => l.inputs.port).sort(), [4317, 4318]);
        // The collector config and the proxy's six; an empty site map is a comment (SSM refuses empty values).
        assert.strictEqual(r.ofType("aws:ssm/parameter:Parameter").length, 7);
        assert.strictEqual(r.one("aws:ssm/parameter:Parameter", "site-map-0").inputs.insecureValue, "# no on-prem tenants\n");
        assert.strictEqual(r.outputs.drWorkspaceArn, undefined);
        assert.deepStrictEqual(r.ofType("aws:ec2/vpcPeeringConnection:VpcPeeringConnection"), [], "no DR path without drRegion");
    });

    it("hands the proxy the configured revoked serials, normalised to what ssl_c_serial,hex prints", async () => {
        const r = await planHub({ identity: { revokedSerials: ["0a:1b:2c", "7F00FF", "abc"] } });
        assert.strictEqual(r.one("aws:ssm/parameter:Parameter", "revoked-serials").inputs.insecureValue, "# revoked tenant certificate serials (3)\n0A1B2C\n0ABC\n7F00FF\n");
    });
});
