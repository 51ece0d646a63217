import * as assert from "assert";
import { parse } from "yaml";
import { RecordedResource, SECRET_PLACEHOLDER } from "../../automation/plan/mock/monitor";
import { evaluatePlanStack } from "../../policy/offline";
import { mockSecretVersion } from "../../automation/plan/mock/mockState";
import { ConfigError } from "../../stacks/config/common";
import { REMOVED_SECRET_KEYS } from "../../stacks/config/onprem";
import { onpremStack } from "../../stacks/onprem";
import { validateAgentConfig } from "../components/agent/agentSchema";
import { Recorded, runProgram } from "../harness";
import { untagged } from "./fixtures/tagging";
import {
    CA_PEM, DIRECT_CONNECT, GATEWAY, HUB_CA_PEM, HUB_STACK, hubOutputs, LANDING_CIDR, onpremConfig, ROLES_ANYWHERE, SECRET_VALUES, secretConfig, SITE_ACCOUNT, SITE_CIDRS, siteSettings,
} from "./fixtures/onprem";

const NOW = new Date("2026-11-23T00:00:00Z");

interface Scenario {
    readonly onprem: Record<string, unknown>;
    readonly hub?: Record<string, unknown>;
    readonly stack?: string;
}

async function plan(s: Scenario): Promise<Recorded> {
    const secrets = secretConfig();
    return runProgram(() => onpremStack(onpremConfig(s.onprem), NOW), {
        account: SITE_ACCOUNT,
        stack: s.stack ?? "onprem-dc1",
        config: secrets.config,
        secretKeys: secrets.secretKeys,
        stackOutputs: hubOutputs(s.hub),
    });
}

const SCENARIOS: Record<string, Scenario> = {
    "hybrid activation, VPN to a transit gateway, mutual TLS, gateway collector": {
        onprem: siteSettings({ gateway: GATEWAY }),
        hub: { collectorCaBundle: HUB_CA_PEM },
    },
    "hybrid activation with an open window, Direct Connect to a VGW, gateway collector": {
        onprem: siteSettings({
            credentials: { mode: "hybridActivation", registrationLimit: 25, expirationDate: "2026-12-01T00:00:00Z" },
            network: DIRECT_CONNECT,
            gateway: GATEWAY,
        }),
    },
    "Roles Anywhere on the site CA, VPN to a VGW with static routes": {
        onprem: siteSettings({
            credentials: ROLES_ANYWHERE,
            network: { mode: "vpn", customerGatewayIp: "198.51.100.7", vpnGatewayId: "vgw-0a1b2c3d4e5f60730", staticRoutesOnly: true },
            agent: { platforms: ["linux"], logFiles: [{ name: "syslog", filePath: "/var/log/messages" }] },
        }),
    },
    "Roles Anywhere on an ACM Private CA, Direct Connect to a transit gateway": {
        onprem: siteSettings({
            credentials: { mode: "rolesAnywhere", acmPcaArn: `arn:aws:acm-pca:us-east-1:${SITE_ACCOUNT}:certificate-authority/11111111-2222-3333-4444-555555555555`, subject: { organization: "Example Corp" } },
            network: { ...DIRECT_CONNECT, associatedGatewayId: "tgw-0a1b2c3d4e5f60720" },
            agent: { platforms: ["linux"], logFiles: [{ name: "syslog", filePath: "/var/log/messages" }] },
        }),
    },
};

const plans = new Map<string, Recorded>();
const planOf = (name: keyof typeof SCENARIOS  ): Recorded => {
    const r = plans.get(name);
    assert.ok(r, `scenario ${name} was planned`);
    return r;
};
const [TGW_MTLS, DX_GW, RA_VGW, RA_PCA_DX] = Object.keys(SCENARIOS);

const inputsOf = (r: Recorded, type: string) => r.ofType(type).map((x) => x.inputs as any);
/** An SSM parameter's text (agent configs use insecureValue: they hold no secret). */
const parameterText = (p: RecordedResource): string => String((p.inputs as any).insecureValue ?? (p.inputs as any).value);

describe("onprem stack (under mocks)", function () {
    before(async () => {
        for (const [name, s] of Object.entries(SCENARIOS)) {
            plans.set(name, await plan(s));
        }
    });

    describe("in every mode", () => {
        it("creates no IAM user or access key", () => {
            for (const [name, r] of plans) {
                const forbidden = r.resources.filter((x) => /^aws:iam\/(user|accessKey|userLoginProfile|serviceSpecificCredential):/.test(x.type));
                assert.deepStrictEqual(forbidden.map((x) => x.type), [], name);
            }
        });

        it("never shows a secret config value in recorded inputs or public outputs", () => {
            for (const [name, r] of plans) {
                const text = JSON.stringify({ resources: r.resources, outputs: r.publicOutputs });
                for (const [key, value] of Object.entries(SECRET_VALUES)) {
                    for (const fragment of [value, ...value.split("\n").filter((l) => l.includes("placeholder"))]) {
                        assert.ok(!text.includes(fragment), `${name}: the value of ${key} leaked into the plan`);
                    }
                }
            }
        });

        it("admits only the site's networks, on exactly the ports each path needs", () => {
            for (const [name, r] of plans) {
                const rules = inputsOf(r, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
                assert.ok(rules.length > 0);
                for (const rule of rules) {
                    assert.ok(SITE_CIDRS.includes(rule.cidrIpv4), `${name}: ${rule.cidrIpv4} is a site CIDR`);
                    assert.strictEqual(rule.fromPort, rule.toPort);
                }
                const ports = (fragment: string) => r.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
                    .filter((x) => x.name.includes(fragment)).map((x) => `${(x.inputs as any).ipProtocol}/${(x.inputs as any).fromPort}`).sort();
                assert.deepStrictEqual(ports("-endpoints-"), ["tcp/443", "tcp/443"], name);
                assert.deepStrictEqual(ports("-hub-"), ["tcp/4318", "tcp/4318"], name);
                assert.deepStrictEqual(ports("-dns-"), ["tcp/53", "tcp/53", "udp/53", "udp/53"], name);
            }
        });

        it("puts the interface endpoints in the landing VPC with private DNS and a policy", () => {
            for (const [name, r] of plans) {
                const ra = name === RA_VGW || name === RA_PCA_DX;
                const aws = inputsOf(r, "aws:ec2/vpcEndpoint:VpcEndpoint").filter((e) => String(e.serviceName).startsWith("com.amazonaws.us-east-1."));
                const services = aws.map((e) => String(e.serviceName).replace("com.amazonaws.us-east-1.", "")).sort();
                const expected = ["ec2messages", "logs", "monitoring", "s3", "ssm", "ssmmessages", "sts", ...(ra ? ["rolesanywhere"] : [])].sort();
                assert.deepStrictEqual(services, expected, name);
                for (const e of aws) {
                    assert.strictEqual(e.vpcId, "vpc-0d1c2b3a4e5f60718");
                    assert.strictEqual(e.privateDnsEnabled, true);
                    assert.ok(JSON.parse(e.policy).Statement.length > 0);
                }
                const s3 = aws.find((e) => String(e.serviceName).endsWith(".s3"));
                assert.deepStrictEqual(s3.dnsOptions, { dnsRecordIpType: "ipv4", privateDnsOnlyForInboundResolverEndpoint: true });
            }
        });

        it("reaches the hub through its endpoint service under the collector's private name", () => {
            for (const [name, r] of plans) {
                const ep = r.one("aws:ec2/vpcEndpoint:VpcEndpoint", "-hub-vpce").inputs as any;
                assert.strictEqual(ep.serviceName, "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0", name);
                assert.strictEqual(ep.vpcEndpointType, "Interface");
                const zone = r.one("aws:route53/zone:Zone").inputs as any;
                assert.strictEqual(zone.name, "collector.monitoring.internal");
                assert.deepStrictEqual(zone.vpcs, [{ vpcId: "vpc-0d1c2b3a4e5f60718" }]);
                const alias = (r.one("aws:route53/record:Record").inputs as any).aliases[0];
                assert.match(alias.name, /^vpce-[0-9a-f]+-[0-9a-f]+\.vpce-svc-0123456789abcdef0\.us-east-1\.vpce\.amazonaws\.com$/);
                assert.strictEqual(r.publicOutputs.hubUrl, "https://collector.monitoring.internal:4318", name);
            }
        });

        it("answers on-prem DNS from a Resolver inbound endpoint in two subnets", () => {
            for (const [, r] of plans) {
                const ep = r.one("aws:route53/resolverEndpoint:ResolverEndpoint").inputs as any;
                assert.strictEqual(ep.direction, "INBOUND");
                assert.deepStrictEqual(ep.ipAddresses, [{ subnetId: "subnet-0a1b2c3d4e5f60701" }, { subnetId: "subnet-0a1b2c3d4e5f60702" }]);
            }
        });

        it("stores schema-valid onPremise CloudWatch agent layers and creates their log groups with KMS", () => {
            for (const [name, r] of plans) {
                const hybrid = name === TGW_MTLS || name === DX_GW;
                const params = r.ofType("aws:ssm/parameter:Parameter").filter((p) => !p.name.endsWith("-common-config"));
                assert.deepStrictEqual(params.map((p) => (p.inputs as any).name).sort(),
                    ["AmazonCloudWatch-onprem-dc1-base-linux", ...(hybrid ? ["AmazonCloudWatch-onprem-dc1-base-windows"] : []), "AmazonCloudWatch-onprem-dc1-logs"]);
                for (const p of params) {
                    const json = JSON.parse(parameterText(p));
                    assert.deepStrictEqual(validateAgentConfig(json), [], `${name} ${p.name}`);
                }
                const base = JSON.parse(parameterText(r.one("aws:ssm/parameter:Parameter", "base-linux")));
                assert.strictEqual(base.agent.region, "us-east-1");
                assert.strictEqual(base.agent.run_as_user, hybrid ? "root" : "cwagent");
                assert.strictEqual(base.metrics.namespace, "CWAgent/OnPrem");
                assert.strictEqual(base.metrics.append_dimensions, undefined, "no EC2 metadata dimensions on-prem");
                const overlay = JSON.parse(parameterText(r.one("aws:ssm/parameter:Parameter", "agent-logs")));
                assert.strictEqual(overlay.logs.logs_collected.files.collect_list[0].file_path, "/var/log/messages");
                assert.strictEqual(overlay.logs.logs_collected.files.collect_list[0].log_group_name, "/oss-monitoring/onprem/dc1/syslog");
                const groups = inputsOf(r, "aws:cloudwatch/logGroup:LogGroup");
                assert.ok(groups.some((g) => g.name === "/oss-monitoring/onprem/dc1/syslog"));
                for (const g of groups) {
                    assert.match(String(g.kmsKeyId), /^arn:aws:kms:us-east-1:777777777777:key\//, g.name);
                    assert.strictEqual(g.retentionInDays, 365, g.name);
                }
                const common = parameterText(r.one("aws:ssm/parameter:Parameter", "-common-config"));
                assert.match(common, hybrid ? /shared_credential_profile = "default"\n\s+shared_credential_file = "\/root\/.aws\/credentials"/ : /shared_credential_profile = "AmazonCloudWatchAgent"/);
            }
        });

        it("passes the policy pack (advisory and mandatory), even as a regulated stack", () => {
            for (const [name, r] of plans) {
                for (const regulated of [false, true]) {
                    const violations = evaluatePlanStack({ stack: "onprem-dc1", role: "onprem", account: SITE_ACCOUNT, region: "us-east-1", regulated, resources: r.resources });
                    assert.deepStrictEqual(violations.map((v) => `${v.policy}: ${v.message}`), [], `${name}${regulated ? " (regulated)" : ""}`);
                }
            }
        });

        it("tags every taggable AWS resource with the cost-allocation tags", () => {
            // Taggable: @pulumi/aws declares a `tags` input for the type; tags: the resource's own over its provider's defaultTags.
            assert.ok(plans.size > 0);
            for (const [name, r] of plans) {
                const { checked, problems } = untagged(r);
                assert.deepStrictEqual(problems, [], name);
                assert.ok(checked > 10, `${name}: taggable resources checked (${checked})`);
            }
        });
    });

    describe("hybrid activation", () => {
        it("gives the service role SSM's trust for this account and region, and only agent permissions", () => {
            const r = planOf(TGW_MTLS);
            const role = r.one("aws:iam/role:Role", "-hybrid-role");
            const [trust] = r.json(role, "assumeRolePolicy").Statement;
            assert.deepStrictEqual(trust.Principal, { Service: "ssm.amazonaws.com" });
            assert.deepStrictEqual(trust.Condition, { StringEquals: { "aws:SourceAccount": SITE_ACCOUNT }, ArnLike: { "aws:SourceArn": `arn:aws:ssm:us-east-1:${SITE_ACCOUNT}:*` } });
            const policy = r.json(r.one("aws:iam/rolePolicy:RolePolicy", "-hybrid-policy"), "policy");
            const read = policy.Statement.find((s: any) => s.Action.includes("ssm:GetParameter"));
            assert.deepStrictEqual(read.Resource, [
                "AmazonCloudWatch-onprem-dc1-base-linux", "AmazonCloudWatch-onprem-dc1-base-windows", "AmazonCloudWatch-onprem-dc1-common-config", "AmazonCloudWatch-onprem-dc1-logs",
            ].map((n) => `arn:aws:ssm:us-east-1:${SITE_ACCOUNT}:parameter/${n}`));
            assert.ok(policy.Statement.some((s: any) => s.Sid === "ManagedInstanceSelf"));
        });

        it("creates no activation while the registration window is closed", () => {
            const r = planOf(TGW_MTLS);
            assert.deepStrictEqual(r.ofType("aws:ssm/activation:Activation"), []);
            assert.strictEqual(r.publicOutputs.activationCodes, undefined);
        });

        it("opens one activation per platform whose ID and code are secret outputs", () => {
            const r = planOf(DX_GW);
            const acts = r.ofType("aws:ssm/activation:Activation").map((a) => a.inputs as any).sort((a, b) => a.tags.MonitoringAgent.localeCompare(b.tags.MonitoringAgent));
            assert.deepStrictEqual(acts.map((a) => a.tags.MonitoringAgent), ["onprem-dc1-linux", "onprem-dc1-windows"]);
            for (const a of acts) {
                assert.strictEqual(a.registrationLimit, 25);
                assert.strictEqual(a.expirationDate, "2026-12-01T00:00:00Z");
                assert.strictEqual(a.tags.MonitoringSite, "dc1");
                assert.strictEqual(a.tags.CostCenter, "cc-1");
            }
            assert.strictEqual(acts[0].tags["MonitoringOverlay-logs"], "true", "linux hosts get the log-file overlay");
            assert.strictEqual(acts[1].tags["MonitoringOverlay-logs"], undefined);
            assert.strictEqual(r.publicOutputs.activationIds, SECRET_PLACEHOLDER);
            assert.strictEqual(r.publicOutputs.activationCodes, SECRET_PLACEHOLDER);
            const codes = r.outputs.activationCodes as Record<string, string>;
            assert.deepStrictEqual(Object.keys(codes).sort(), ["linux", "windows"]);
            assert.ok(Object.values(codes).every((c) => typeof c === "string" && c.length > 0));
        });

        it("gives managed instances the shared State Manager associations in onPremise mode, targeted by the activation's tags", () => {
            const r = planOf(DX_GW);
            const assocs = inputsOf(r, "aws:ssm/association:Association");
            const install = assocs.find((a) => a.name === "AWS-ConfigureAWSPackage");
            assert.deepStrictEqual(install.targets, [{ key: "tag:MonitoringAgent", values: ["onprem-dc1-linux", "onprem-dc1-windows"] }]);
            // The site's configure document: host files, then AmazonCloudWatch-ManageAgent.
            const doc = r.one("aws:ssm/document:Document");
            const configure = assocs.filter((a) => a.name === doc.inputs.name);
            assert.strictEqual(configure.length, 3);
            for (const c of configure) {
                assert.strictEqual(c.parameters.mode, "onPremise");
            }
            const logs = configure.find((c) => c.parameters.optionalConfigurationLocation === "AmazonCloudWatch-onprem-dc1-logs");
            assert.deepStrictEqual(logs.targets, [{ key: "tag:MonitoringAgent", values: ["onprem-dc1-linux"] }, { key: "tag:MonitoringOverlay-logs", values: ["true"] }]);
        });
    });

    describe("IAM Roles Anywhere", () => {
        it("anchors trust in the site's CA bundle and conditions the role on the certificate subject", () => {
            const r = planOf(RA_VGW);
            const anchor = r.one("aws:rolesanywhere/trustAnchor:TrustAnchor").inputs as any;
            assert.deepStrictEqual(anchor.source, { sourceType: "CERTIFICATE_BUNDLE", sourceData: { x509CertificateData: CA_PEM } });
            assert.strictEqual(anchor.enabled, true);
            const [trust] = r.json(r.one("aws:iam/role:Role", "-ra-role"), "assumeRolePolicy").Statement;
            assert.deepStrictEqual(trust.Principal, { Service: "rolesanywhere.amazonaws.com" });
            assert.match(trust.Condition.ArnEquals["aws:SourceArn"], new RegExp(`^arn:aws:rolesanywhere:us-east-1:${SITE_ACCOUNT}:trust-anchor/[0-9a-f]{32}$`));
            assert.strictEqual(trust.Condition.StringEquals["aws:SourceAccount"], SITE_ACCOUNT);
            assert.strictEqual(trust.Condition.StringEquals["aws:PrincipalTag/x509Subject/OU"], "dc1-monitoring");
            assert.deepStrictEqual(trust.Condition.StringLike, { "aws:PrincipalTag/x509Subject/CN": ["*.dc1.example.com"] });
            const profile = r.one("aws:rolesanywhere/profile:Profile").inputs as any;
            assert.deepStrictEqual(profile.roleArns, [`arn:aws:iam::${SITE_ACCOUNT}:role/onprem-dc1-ra-role`]);
            assert.strictEqual(profile.durationSeconds, 3600);
        });

        it("grants the certificate role the CloudWatch agent's permissions only (no SSM agent channels)", () => {
            const policy = planOf(RA_VGW).json(planOf(RA_VGW).one("aws:iam/rolePolicy:RolePolicy", "-ra-policy"), "policy");
            const actions = policy.Statement.flatMap((s: any) => s.Action);
            assert.deepStrictEqual(actions.sort(), ["cloudwatch:PutMetricData", "logs:CreateLogStream", "logs:DescribeLogGroups", "logs:DescribeLogStreams", "logs:PutLogEvents", "logs:PutRetentionPolicy", "ssm:GetParameter"]);
            assert.deepStrictEqual(planOf(RA_VGW).ofType("aws:ssm/activation:Activation"), []);
        });

        it("uses an ACM Private CA as the anchor when configured, and tells hosts how to get credentials", () => {
            const r = planOf(RA_PCA_DX);
            const anchor = r.one("aws:rolesanywhere/trustAnchor:TrustAnchor").inputs as any;
            assert.deepStrictEqual(anchor.source, { sourceType: "AWS_ACM_PCA", sourceData: { acmPcaArn: `arn:aws:acm-pca:us-east-1:${SITE_ACCOUNT}:certificate-authority/11111111-2222-3333-4444-555555555555` } });
            const cmd = String(r.publicOutputs.signingHelperCommand);
            assert.match(cmd, /aws_signing_helper update .*--trust-anchor-arn arn:aws:rolesanywhere:us-east-1:777777777777:trust-anchor\/\S+ --profile-arn arn:aws:rolesanywhere:\S+ --role-arn arn:aws:iam::777777777777:role\/\S+/);
        });
    });

    describe("private path", () => {
        it("builds an IKEv2 VPN to the transit gateway with keys in Secrets Manager, logged, and routes the site", () => {
            const r = planOf(TGW_MTLS);
            const cgw = r.one("aws:ec2/customerGateway:CustomerGateway").inputs as any;
            assert.deepStrictEqual([cgw.ipAddress, cgw.bgpAsn, cgw.type], ["203.0.113.10", "65010", "ipsec.1"]);
            const vpn = r.one("aws:ec2/vpnConnection:VpnConnection").inputs as any;
            assert.strictEqual(vpn.transitGatewayId, "tgw-0a1b2c3d4e5f60720");
            assert.strictEqual(vpn.vpnGatewayId, undefined);
            assert.strictEqual(vpn.presharedKeyStorage, "SecretsManager");
            assert.strictEqual(vpn.tunnel1PresharedKey, undefined);
            for (const t of [1, 2]) {
                assert.deepStrictEqual(vpn[`tunnel${t}IkeVersions`], ["ikev2"]);
                assert.ok(vpn[`tunnel${t}Phase1EncryptionAlgorithms`].every((a: string) => a.startsWith("AES256")));
                assert.strictEqual(vpn[`tunnel${t}LogOptions`].cloudwatchLogOptions.logEnabled, true);
            }
            // Tunnel logs live outside the prefix host credentials may write to.
            const vpnLogs = r.one("aws:cloudwatch/logGroup:LogGroup", "-vpn-logs").inputs as any;
            assert.strictEqual(vpnLogs.name, "/oss-monitoring/network/onprem-dc1/vpn");
            assert.ok(!String(vpnLogs.name).startsWith("/oss-monitoring/onprem/dc1/"));
            const routes = inputsOf(r, "aws:ec2/route:Route").map((x) => `${x.routeTableId}>${x.destinationCidrBlock}@${x.transitGatewayId}`).sort();
            assert.deepStrictEqual(routes, ["rtb-0a1b2c3d4e5f60711", "rtb-0a1b2c3d4e5f60712"].flatMap((t) => SITE_CIDRS.map((c) => `${t}>${c}@tgw-0a1b2c3d4e5f60720`)).sort());
            assert.deepStrictEqual(r.ofType("aws:directconnect/gatewayAssociation:GatewayAssociation"), []);
            const tunnels = r.publicOutputs.vpnTunnelAddresses as string[];
            assert.strictEqual(tunnels.length, 2, "both tunnel endpoints are handed to the site's network team");
            assert.ok(tunnels.every((t) => /^\d+\.\d+\.\d+\.\d+$/.test(t)));
        });

        it("routes a static VPN on a VGW per site CIDR and propagates into the landing route tables", () => {
            const r = planOf(RA_VGW);
            const vpn = r.one("aws:ec2/vpnConnection:VpnConnection").inputs as any;
            assert.strictEqual(vpn.vpnGatewayId, "vgw-0a1b2c3d4e5f60730");
            assert.strictEqual(vpn.staticRoutesOnly, true);
            assert.deepStrictEqual(inputsOf(r, "aws:ec2/vpnConnectionRoute:VpnConnectionRoute").map((x) => x.destinationCidrBlock).sort(), [...SITE_CIDRS].sort());
            assert.deepStrictEqual(inputsOf(r, "aws:ec2/vpnGatewayRoutePropagation:VpnGatewayRoutePropagation").map((x) => x.routeTableId).sort(), ["rtb-0a1b2c3d4e5f60711", "rtb-0a1b2c3d4e5f60712"]);
            assert.deepStrictEqual(r.ofType("aws:ec2/route:Route"), []);
        });

        it("associates the existing Direct Connect gateway, advertising only the landing VPC", () => {
            for (const name of [DX_GW, RA_PCA_DX]) {
                const r = planOf(name);
                const assoc = r.one("aws:directconnect/gatewayAssociation:GatewayAssociation").inputs as any;
                assert.strictEqual(assoc.dxGatewayId, DIRECT_CONNECT.directConnectGatewayId);
                assert.deepStrictEqual(assoc.allowedPrefixes, [LANDING_CIDR]);
                assert.deepStrictEqual(r.ofType("aws:ec2/vpnConnection:VpnConnection"), [], name);
                assert.deepStrictEqual(r.ofType("aws:ec2/customerGateway:CustomerGateway"), [], name);
            }
        });
    });

    describe("gateway collector", () => {
        const k8sOf = (r: Recorded): RecordedResource[] => r.resources.filter((x) => x.type.startsWith("kubernetes:"));

        it("deploys only with a gateway configured, on the site's cluster through an explicit, secret kubeconfig", () => {
            assert.deepStrictEqual(k8sOf(planOf(RA_VGW)), []);
            const r = planOf(TGW_MTLS);
            const provider = r.one("pulumi:providers:kubernetes");
            assert.strictEqual((provider.inputs as any).kubeconfig, SECRET_PLACEHOLDER);
            for (const x of k8sOf(r).filter((y) => y.custom)) {
                assert.ok(String(x.provider).startsWith(provider.urn), `${x.type} ${x.name} uses the site's provider`);
            }
        });

        it("renders a collector that sends with the site's certificate (reloaded), queues on disk and retries", () => {
            const r = planOf(TGW_MTLS);
            const yaml = String(Object.values((r.one("kubernetes:core/v1:ConfigMap").inputs as any).data)[0]);
            const c = parse(yaml);
            const e = c.exporters["otlphttp/hub"];
            assert.strictEqual(e.endpoint, "https://collector.monitoring.internal:4318");
            assert.deepStrictEqual(e.tls, { min_version: "1.2", ca_pem: HUB_CA_PEM, cert_file: "/etc/otel/client/tls.crt", key_file: "/etc/otel/client/tls.key", reload_interval: "1m" });
            assert.strictEqual(e.auth, undefined);
            assert.deepStrictEqual(Object.keys(c.extensions).filter((k) => k.startsWith("bearertokenauth")), []);
            assert.strictEqual(e.sending_queue.storage, "file_storage/queue");
            assert.ok(e.sending_queue.queue_size > 0);
            assert.strictEqual(e.retry_on_failure.enabled, true);
            assert.strictEqual(c.processors["resource/source"].attributes.find((a: any) => a.key === "monitoring.site").value, "dc1");
        });

        it("copies the site's hub-issued certificate into a kubernetes.io/tls Secret in the gateway's namespace, mounted read-only", () => {
            for (const name of [TGW_MTLS, DX_GW]) {
                const r = planOf(name);
                const secret = r.one("kubernetes:core/v1:Secret");
                const inputs = secret.inputs as any;
                assert.strictEqual(inputs.type, "kubernetes.io/tls", name);
                assert.strictEqual(inputs.stringData, SECRET_PLACEHOLDER, "certificate and key stay Pulumi secrets");
                assert.strictEqual(inputs.metadata.namespace, "monitoring-gateway");
                const pod = (r.one("kubernetes:apps/v1:StatefulSet").inputs as any).spec.template.spec;
                assert.deepStrictEqual(pod.containers[0].volumeMounts.find((m: any) => m.name === "client-tls"), { name: "client-tls", mountPath: "/etc/otel/client", readOnly: true });
                assert.strictEqual(pod.volumes.find((v: any) => v.name === "client-tls").secret.secretName, inputs.metadata.name);
                assert.ok(!JSON.stringify(r.resources).includes("BEGIN PRIVATE KEY"), `${name}: the key never appears in the plan`);
            }
            assert.deepStrictEqual(planOf(RA_VGW).ofType("kubernetes:core/v1:Secret"), [], "no gateway, no identity copied");
        });

        it("runs hardened, with a queue volume per replica, a PDB and NetworkPolicies to the hub and the scraped hosts", () => {
            const r = planOf(TGW_MTLS);
            const sts = r.one("kubernetes:apps/v1:StatefulSet").inputs as any;
            assert.strictEqual(sts.spec.replicas, 2);
            assert.deepStrictEqual(sts.spec.volumeClaimTemplates[0].spec.resources.requests, { storage: "20Gi" });
            const container = sts.spec.template.spec.containers[0];
            assert.strictEqual(container.securityContext.runAsNonRoot, true);
            assert.strictEqual(container.securityContext.readOnlyRootFilesystem, true);
            assert.strictEqual(container.securityContext.allowPrivilegeEscalation, false);
            assert.deepStrictEqual(container.securityContext.capabilities.drop, ["ALL"]);
            assert.ok(container.resources.limits.memory);
            assert.ok(container.volumeMounts.some((m: any) => m.mountPath === "/var/lib/otelcol/queue"));
            assert.strictEqual((r.one("kubernetes:policy/v1:PodDisruptionBudget").inputs as any).spec.minAvailable, 1);
            const policies = inputsOf(r, "kubernetes:networking.k8s.io/v1:NetworkPolicy");
            const main = policies.find((p) => p.spec.policyTypes.includes("Ingress"));
            const hub = main.spec.egress.find((e: any) => e.to.some((t: any) => t.ipBlock?.cidr === LANDING_CIDR));
            assert.deepStrictEqual(hub.ports, [{ protocol: "TCP", port: 4318 }]);
            assert.deepStrictEqual(main.spec.ingress[0].from.map((f: any) => f.ipBlock?.cidr), SITE_CIDRS);
            const scrape = policies.find((p) => !p.spec.policyTypes.includes("Ingress"));
            assert.deepStrictEqual(scrape.spec.egress, [{ to: SITE_CIDRS.map((cidr) => ({ ipBlock: { cidr } })), ports: [{ protocol: "TCP", port: 9100 }, { protocol: "TCP", port: 9102 }] }]);
        });
    });

    describe("bad input", () => {
        it("fails before registering anything when the registration window has expired", () => {
            const config = onpremConfig(siteSettings({ credentials: { mode: "hybridActivation", expirationDate: "2026-11-01T00:00:00Z" } }));
            // Thrown synchronously, before the first resource (or even the provider) is constructed.
            assert.throws(() => onpremStack(config, NOW), (e: unknown) => e instanceof ConfigError && e.message.includes("oss-monitoring:onprem.credentials.expirationDate"));
        });

        it("fails when the hub does not serve the site's port yet", async () => {
            await assert.rejects(plan({ onprem: siteSettings(), hub: { collectorPorts: [4317] } }), /does not serve port 4318 \(it serves 4317\); deploy the hub before this stack/);
        });

        it("fails naming the fix when the hub has no identity for the site, or the identity secret is malformed", async () => {
            await assert.rejects(plan({ onprem: siteSettings({ gateway: GATEWAY }), hub: { tenantIdentitySecretArns: {} } }),
                /hub stack organization\/oss-monitoring\/hub has no identity for site-dc1: add this stack to stacks\/fleet.yaml and deploy the hub before it/);
            const secrets = secretConfig();
            await assert.rejects(runProgram(() => onpremStack(onpremConfig(siteSettings({ gateway: GATEWAY })), NOW), {
                account: SITE_ACCOUNT, stack: "onprem-dc1", config: secrets.config, secretKeys: secrets.secretKeys, stackOutputs: hubOutputs(),
                invokes: { "aws:secretsmanager/getSecretVersion:getSecretVersion": (i) => ({ ...mockSecretVersion(String(i.secretId)), secretString: "certificate=..." }) },
            }), /identity secret oss-monitoring\/identity\/site-dc1 in organization\/oss-monitoring\/hub: the value is not JSON/);
        });

        it("reads the site's identity by the full ARN the hub exports, with the site's deploy provider", async () => {
            const seen: Array<[string, string | undefined]> = [];
            const secrets = secretConfig();
            const r = await runProgram(() => onpremStack(onpremConfig(siteSettings({ gateway: GATEWAY })), NOW), {
                account: SITE_ACCOUNT, stack: "onprem-dc1", config: secrets.config, secretKeys: secrets.secretKeys, stackOutputs: hubOutputs(),
                invokes: { "aws:secretsmanager/getSecretVersion:getSecretVersion": (i, provider) => { seen.push([String(i.secretId), provider]); return mockSecretVersion(String(i.secretId)); } },
            });
            assert.strictEqual(seen.length, 1);
            assert.strictEqual(seen[0][0], (hubOutputs()[HUB_STACK].tenantIdentitySecretArns as Record<string, string>)["site-dc1"]);
            assert.ok(seen[0][1]?.startsWith(`${r.one("pulumi:providers:aws", "onprem-aws").urn}::`), String(seen[0][1]));
        });

        it("refuses the removed client certificate and token secrets, naming the key and the fix", async () => {
            const secrets = secretConfig();
            for (const key of REMOVED_SECRET_KEYS) {
                await assert.rejects(runProgram(() => onpremStack(onpremConfig(siteSettings({ gateway: GATEWAY })), NOW), {
                    account: SITE_ACCOUNT, stack: "onprem-dc1", config: { ...secrets.config, [`oss-monitoring:${key}`]: "-----BEGIN CERTIFICATE-----" },
                    secretKeys: [...secrets.secretKeys, `oss-monitoring:${key}`], stackOutputs: hubOutputs(),
                }), new RegExp(`oss-monitoring:${key}: sites now present a certificate the hub issues .*pulumi config rm oss-monitoring:${key} -s onprem-dc1`));
            }
        });

        it("derives the site name from the stack name when not configured", async () => {
            const { siteName: _omit, ...settings } = siteSettings();
            const r = await plan({ onprem: settings, stack: "onprem-dc9" });
            assert.strictEqual(r.publicOutputs.site, "dc9");
            assert.ok(r.ofType("aws:ssm/parameter:Parameter").some((p) => (p.inputs as any).name === "AmazonCloudWatch-onprem-dc9-base-linux"));
        });
    });
});
