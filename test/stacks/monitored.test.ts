import * as assert from "assert";
import { parse } from "yaml";
import { program } from "../../stacks/program";
import { PRE_AUTHENTICATION_ACTIONS, PRIVATELINK_SERVICES } from "../../components/network/endpointCatalog";
import { checkMonitoredConfig, parseStackConfig } from "../../stacks/config";
import { checkHubRegion } from "../../stacks/outputs";
import { Recorded, runProgram } from "../harness";
import { mockSecretVersion } from "../../automation/plan/mock/mockState";
import { entry, HUB_OUTPUTS, HUB_REF, identitySecretArn, SERVICE } from "./fixtures/monitored";

const GET_SECRET = "aws:secretsmanager/getSecretVersion:getSecretVersion";

const CA = "-----BEGIN CERTIFICATE-----\nMIIBhub\n-----END CERTIFICATE-----\n";
const hubOutputs = { ...HUB_OUTPUTS, collectorCaBundle: CA };

/** Runs the real stack program with the manifest's config for `name`, with overrides of the role config. */
function plan(name: string, override: (m: Record<string, any>) => Record<string, any> = (m) => m, outputs: Record<string, unknown> = hubOutputs): Promise<Recorded> {
    const s = entry(name);
    const config = { ...s.config, "oss-monitoring:monitored": override(structuredClone(s.config["oss-monitoring:monitored"]) as Record<string, any>) };
    return runProgram(program, { config, account: s.account, region: s.region, stack: name, stackOutputs: { [HUB_REF]: outputs } });
}

const serviceSuffixes = (r: Recorded) => r.ofType("aws:ec2/vpcEndpoint:VpcEndpoint")
    .map((e) => String(e.inputs.serviceName))
    .filter((n) => !n.startsWith("com.amazonaws.vpce."))
    .map((n) => n.replace("com.amazonaws.us-east-1.", ""))
    .sort();

describe("monitored stack", function () {
    this.timeout(60000);
    let payments: Recorded;
    let analytics: Recorded;
    let legacy: Recorded;
    before(async () => {
        payments = await plan("monitored-payments");
        analytics = await plan("monitored-analytics");
        legacy = await plan("monitored-legacy");
    });

    it("creates an interface endpoint to the hub's endpoint service in every configured subnet", () => {
        const ep = payments.one("aws:ec2/vpcEndpoint:VpcEndpoint", "hub-vpce");
        assert.strictEqual(ep.inputs.serviceName, SERVICE);
        assert.strictEqual(ep.inputs.vpcEndpointType, "Interface");
        assert.deepStrictEqual(ep.inputs.subnetIds, ["subnet-0b2a3c4d5e6f70811", "subnet-0b2a3c4d5e6f70812", "subnet-0b2a3c4d5e6f70813"]);
        assert.match(String((ep.inputs.securityGroupIds as string[])[0]), /^sg-[0-9a-f]+$/);
        assert.strictEqual((ep.inputs.securityGroupIds as string[]).length, 1);
    });

    it("gives the hub collector its private name: a zone on the VPC aliasing the endpoint's DNS name", () => {
        const zone = payments.one("aws:route53/zone:Zone");
        assert.strictEqual(zone.inputs.name, "collector.monitoring.internal");
        assert.deepStrictEqual(zone.inputs.vpcs, [{ vpcId: "vpc-0b2a3c4d5e6f70801" }]);
        const rec = payments.one("aws:route53/record:Record");
        assert.strictEqual(rec.inputs.name, "collector.monitoring.internal");
        assert.strictEqual(rec.inputs.type, "A");
        const alias = (rec.inputs.aliases as any[])[0];
        assert.match(alias.name, /^vpce-[0-9a-f]+-[0-9a-f]+\.vpce-svc-.*\.vpce\.amazonaws\.com$/);
        assert.strictEqual(payments.outputs.hubEndpointDnsName, alias.name);
    });

    it("hub security group admits exactly the configured networks on 4317 and 4318", () => {
        const hubSg = legacy.one("aws:ec2/securityGroup:SecurityGroup", "hub-sg");
        const rules = legacy.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) => r.parent === legacy.resources.find((x) => x.name === "monitored-hub")!.urn);
        const seen = rules.map((r) => `${String(r.inputs.fromPort)}-${String(r.inputs.toPort)} ${String(r.inputs.cidrIpv4 ?? r.inputs.prefixListId)}`).sort();
        assert.deepStrictEqual(seen, [
            "4317-4317 10.40.0.0/16", "4317-4317 192.168.10.0/24", "4317-4317 pl-0d4c5b6a7e8f90a21",
            "4318-4318 10.40.0.0/16", "4318-4318 192.168.10.0/24", "4318-4318 pl-0d4c5b6a7e8f90a21",
        ]);
        assert.ok(rules.every((r) => r.inputs.ipProtocol === "tcp"));
        assert.strictEqual(hubSg.inputs.ingress, undefined, "no inline rules besides the listed ones");
        assert.strictEqual(hubSg.inputs.egress, undefined);
    });

    it("privatelink mode creates the AWS service endpoints with private DNS and org-scoped policies", () => {
        assert.deepStrictEqual(serviceSuffixes(payments), [...PRIVATELINK_SERVICES, "s3"].sort());
        for (const required of ["monitoring", "logs", "ssm", "ssmmessages", "ec2messages", "sts"]) {
            assert.ok(serviceSuffixes(payments).includes(required), required);
        }
        for (const ep of payments.ofType("aws:ec2/vpcEndpoint:VpcEndpoint").filter((e) => !String(e.inputs.serviceName).startsWith("com.amazonaws.vpce.") && e.inputs.vpcEndpointType === "Interface")) {
            assert.strictEqual(ep.inputs.privateDnsEnabled, true);
            const policy = payments.json(ep, "policy");
            const preAuth = PRE_AUTHENTICATION_ACTIONS[String(ep.inputs.serviceName).split(".").slice(3).join(".")] !== undefined;
            assert.deepStrictEqual(policy.Statement[0].Condition, { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } });
            assert.strictEqual(policy.Statement[0].Action, "*", "endpoint policies serve the whole VPC and must not narrow actions");
            assert.strictEqual(policy.Statement.length, preAuth ? 2 : 1);
        }
    });

    it("nat and internet modes omit the AWS service endpoints but keep the hub endpoint", async () => {
        assert.deepStrictEqual(serviceSuffixes(legacy), []);
        assert.strictEqual(legacy.outputs.natGatewayId, "nat-0d4c5b6a7e8f90a31");
        const internet = await plan("monitored-legacy", (m) => ({ ...m, connectivity: { mode: "internet" } }));
        assert.deepStrictEqual(serviceSuffixes(internet), []);
        assert.strictEqual(internet.ofType("aws:ec2/vpcEndpoint:VpcEndpoint").length, 1);
        const extra = await plan("monitored-analytics", (m) => ({ ...m, connectivity: { extraServices: ["kms"] } }));
        assert.deepStrictEqual(serviceSuffixes(extra), [...PRIVATELINK_SERVICES, "kms", "s3"].sort());
        const s3 = extra.ofType("aws:ec2/vpcEndpoint:VpcEndpoint").find((e) => e.inputs.vpcEndpointType === "Gateway")!;
        assert.ok(extra.json(s3, "policy").Statement[0].Resource.every((r: string) => r.startsWith("arn:aws:s3:::")));
    });

    it("regulated + nat is rejected before any resource is registered", async () => {
        const errors: string[] = [];
        const r = await runProgram(async () => {
            try {
                return await program();
            } catch (e) {
                errors.push(String(e));
                return undefined;
            }
        }, {
            config: { ...entry("monitored-payments").config, "oss-monitoring:monitored": { ...(entry("monitored-payments").config["oss-monitoring:monitored"] as object), connectivity: { mode: "nat", natGatewayId: "nat-0d4c5b6a7e8f90a31" } } },
            stack: "monitored-payments",
            stackOutputs: { [HUB_REF]: hubOutputs },
        });
        assert.match(errors.join("\n"), /oss-monitoring:monitored.connectivity.mode: regulated accounts accept only privatelink/);
        assert.deepStrictEqual(r.resources.filter((x) => x.type !== "pulumi:pulumi:Stack"), []);
    });

    it("stores each agent layer in SSM and the associations reference those parameters", () => {
        const params = payments.ofType("aws:ssm/parameter:Parameter");
        assert.deepStrictEqual(params.map((p) => p.inputs.name).sort(), [
            "AmazonCloudWatch-monitored-payments-base-linux", "AmazonCloudWatch-monitored-payments-base-windows",
            "AmazonCloudWatch-monitored-payments-iis", "AmazonCloudWatch-monitored-payments-payments-api",
        ]);
        const doc = payments.one("aws:ssm/document:Document");
        const configure = payments.ofType("aws:ssm/association:Association").filter((a) => a.inputs.name === doc.inputs.name);
        assert.deepStrictEqual(
            configure.map((a) => (a.inputs.parameters as Record<string, string>).optionalConfigurationLocation).sort(),
            params.map((p) => p.inputs.name).sort(),
        );
        assert.ok(configure.every((a) => (a.inputs.parameters as Record<string, string>).optionalConfigurationSource === "ssm"));
        const install = payments.one("aws:ssm/association:Association", "install");
        assert.strictEqual(install.inputs.name, "AWS-ConfigureAWSPackage");
        assert.strictEqual((install.inputs.parameters as Record<string, string>).name, "AmazonCloudWatchAgent");
        assert.deepStrictEqual(Object.keys(payments.outputs.agentConfigureAssociationIds as object).sort(), ["base-linux", "base-windows", "iis", "payments-api"]);
    });

    it("host role: EC2 trust and one scoped policy instead of the managed agent and SSM policies", () => {
        const role = payments.one("aws:iam/role:Role", "hosts-role");
        assert.deepStrictEqual(payments.json(role, "assumeRolePolicy").Statement[0].Principal, { Service: "ec2.amazonaws.com" });
        // CloudWatchAgentServerPolicy grants every AmazonCloudWatch-* parameter and any namespace, so a
        // narrower inline policy next to it added nothing (issue 12, item 16).
        assert.deepStrictEqual(payments.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment"), []);
        const doc = payments.json(payments.one("aws:iam/rolePolicy:RolePolicy"), "policy");
        const read = doc.Statement.find((s: any) => s.Action.includes("ssm:GetParameter"));
        assert.deepStrictEqual(read.Resource, payments.ofType("aws:ssm/parameter:Parameter")
            .map((p) => `arn:aws:ssm:us-east-1:222222222222:parameter/${String(p.inputs.name)}`).sort());
        const metrics = doc.Statement.find((s: any) => s.Action.includes("cloudwatch:PutMetricData"));
        assert.deepStrictEqual(metrics.Condition, { StringEquals: { "cloudwatch:namespace": "CWAgent" } });
        const logs = doc.Statement.find((s: any) => s.Action.includes("logs:PutLogEvents"));
        assert.strictEqual(logs.Resource, "arn:aws:logs:us-east-1:222222222222:log-group:/oss-monitoring/monitored-payments/*");
        const self = doc.Statement.find((s: any) => s.Sid === "ManagedInstanceSelf");
        assert.strictEqual(self.Resource, "arn:aws:ec2:us-east-1:222222222222:instance/*");
        // No ec2 endpoint in payments' privatelink mode: no DescribeTags (and no ASG dimension).
        assert.ok(!doc.Statement.some((s: any) => s.Action.includes("ec2:DescribeTags")));
        const legacyDoc = legacy.json(legacy.one("aws:iam/rolePolicy:RolePolicy"), "policy");
        assert.ok(legacyDoc.Statement.some((s: any) => s.Action.includes("ec2:DescribeTags")));
        assert.ok(payments.one("aws:iam/instanceProfile:InstanceProfile"));
    });

    it("agent log groups exist up front, encrypted with the stack's key and with the configured retention", () => {
        const key = payments.one("aws:kms/key:Key");
        assert.strictEqual(key.inputs.enableKeyRotation, true);
        const groups = payments.ofType("aws:cloudwatch/logGroup:LogGroup");
        assert.ok(groups.length >= 4);
        assert.ok(groups.every((g) => String(g.inputs.name).startsWith("/oss-monitoring/monitored-payments/") && g.inputs.retentionInDays === 400 && String(g.inputs.kmsKeyId).startsWith("arn:aws:kms:")));
        const layerGroups = payments.ofType("aws:ssm/parameter:Parameter").flatMap((p) => {
            const logs = JSON.parse(String(p.inputs.insecureValue)).logs?.logs_collected ?? {};
            return Object.values(logs).flatMap((s: any) => s.collect_list.map((e: any) => e.log_group_name));
        });
        assert.deepStrictEqual([...new Set(layerGroups)].sort(), groups.map((g) => g.inputs.name).sort());
    });

    it("EKS: a collector with IRSA, hardened pods, and a TLS exporter to the hub name trusting the hub CA", () => {
        const irsa = analytics.one("aws:iam/role:Role", "collector-irsa");
        const trust = analytics.json(irsa, "assumeRolePolicy").Statement[0];
        assert.strictEqual(trust.Action, "sts:AssumeRoleWithWebIdentity");
        assert.match(trust.Principal.Federated, /^arn:aws:iam::333333333333:oidc-provider\/oidc\.eks\.us-east-1\.amazonaws\.com\/id\//);
        const sub = Object.entries(trust.Condition.StringEquals).find(([k]) => k.endsWith(":sub"))!;
        assert.strictEqual(sub[1], "system:serviceaccount:oss-monitoring:monitored-collector");
        assert.strictEqual(analytics.ofType("aws:iam/rolePolicy:RolePolicy").filter((p) => String(p.name).includes("irsa")).length, 0);

        const sa = analytics.one("kubernetes:core/v1:ServiceAccount");
        assert.strictEqual((sa.inputs.metadata as any).annotations["eks.amazonaws.com/role-arn"], "arn:aws:iam::333333333333:role/monitored-collector-irsa");
        const k8sProvider = analytics.one("pulumi:providers:kubernetes");
        const kubeconfig = parse(String(k8sProvider.inputs.kubeconfig));
        assert.deepStrictEqual(kubeconfig.users[0].user.exec.args.slice(0, 4), ["eks", "get-token", "--cluster-name", "analytics-prod"]);
        assert.ok(kubeconfig.users[0].user.exec.args.includes("arn:aws:iam::333333333333:role/OrganizationMonitoringDeploy"));
        assert.ok(analytics.ofType("kubernetes:core/v1:Namespace").every((n) => n.provider?.startsWith(k8sProvider.urn)));

        const workload = analytics.one("kubernetes:apps/v1:StatefulSet").inputs.spec as any;
        assert.strictEqual(workload.replicas, 2);
        const pod = workload.template.spec;
        assert.strictEqual(pod.securityContext.runAsNonRoot, true);
        assert.strictEqual(pod.securityContext.runAsUser, 10001);
        const c = pod.containers[0];
        assert.strictEqual(c.securityContext.readOnlyRootFilesystem, true);
        assert.strictEqual(c.securityContext.allowPrivilegeEscalation, false);
        assert.deepStrictEqual(c.securityContext.capabilities.drop, ["ALL"]);
        assert.deepStrictEqual(c.resources.limits, { cpu: "500m", memory: "1Gi" });
        assert.strictEqual((analytics.one("kubernetes:policy/v1:PodDisruptionBudget").inputs.spec as any).minAvailable, 1);

        const cfg = parse((analytics.one("kubernetes:core/v1:ConfigMap").inputs.data as any)["collector.yaml"]);
        const exporter = cfg.exporters["otlp/hub"];
        assert.strictEqual(exporter.endpoint, "collector.monitoring.internal:4317");
        assert.deepStrictEqual(exporter.tls, { min_version: "1.2", ca_pem: CA, cert_file: "/etc/otel/client/tls.crt", key_file: "/etc/otel/client/tls.key", reload_interval: "1m" });
        assert.strictEqual(exporter.tls.insecure, undefined);
        assert.strictEqual(exporter.retry_on_failure.enabled, true);
        assert.strictEqual(exporter.sending_queue.enabled, true);
        assert.deepStrictEqual(cfg.processors["resource/source"].attributes.map((a: any) => [a.key, a.value]), [
            ["cloud.account.id", "333333333333"], ["cloud.region", "us-east-1"], ["k8s.cluster.name", "analytics-prod"], ["monitoring.source_role", "monitored"],
        ]);
        assert.deepStrictEqual(cfg.receivers["prometheus/pods"].config.scrape_configs[0].kubernetes_sd_configs[0].namespaces, { names: ["spark", "trino"] });
        const np = analytics.one("kubernetes:networking.k8s.io/v1:NetworkPolicy").inputs.spec as any;
        assert.deepStrictEqual(np.ingress[0].from, [{ ipBlock: { cidr: "10.30.0.0/16" } }]);
        assert.deepStrictEqual(np.egress[1].ports, [{ protocol: "TCP", port: 4317 }]);
    });

    it("without a hub CA the exporter trusts the system roots; a hub in another region is refused", async () => {
        const { collectorCaBundle: _ca, ...noCa } = hubOutputs;
        const r = await plan("monitored-analytics", (m) => m, noCa);
        const cfg = parse((r.one("kubernetes:core/v1:ConfigMap").inputs.data as any)["collector.yaml"]);
        assert.deepStrictEqual(cfg.exporters["otlp/hub"].tls, { min_version: "1.2", cert_file: "/etc/otel/client/tls.crt", key_file: "/etc/otel/client/tls.key", reload_interval: "1m" });
        assert.throws(() => checkHubRegion(HUB_REF, "eu-west-1", "us-east-1"), /hub stack organization\/oss-monitoring\/hub is in eu-west-1 but this stack expects it in us-east-1 \(its own region\); list us-east-1 in the manifest's regions/);
        assert.doesNotThrow(() => checkHubRegion(HUB_REF, "us-east-1", "us-east-1"));
        // A cross-region spoke expects the hub where its manifest-derived hubRegion says, nowhere else.
        assert.doesNotThrow(() => checkHubRegion(HUB_REF, "us-east-1", "eu-west-1", "us-east-1"));
        assert.throws(() => checkHubRegion(HUB_REF, "us-west-2", "eu-west-1", "us-east-1"), /is in us-west-2 but this stack expects it in us-east-1; regenerate the stack files/);
    });

    it("EKS: copies the account's hub-issued certificate into a kubernetes.io/tls Secret the collector mounts read-only", async () => {
        const asked: string[] = [];
        const providers: Array<string | undefined> = [];
        const r = await runProgram(program, {
            config: entry("monitored-analytics").config, account: "333333333333", stack: "monitored-analytics", stackOutputs: { [HUB_REF]: hubOutputs },
            invokes: { [GET_SECRET]: (inputs, provider) => { asked.push(String(inputs.secretId)); providers.push(provider); return mockSecretVersion(String(inputs.secretId)); } },
        });
        assert.deepStrictEqual(asked, [identitySecretArn("account-333333333333")], "read by the full ARN the hub exports, once");
        const deploy = r.one("pulumi:providers:aws", "monitored-aws");
        assert.strictEqual(JSON.parse(String(deploy.inputs.assumeRoles))[0].roleArn, "arn:aws:iam::333333333333:role/OrganizationMonitoringDeploy");
        assert.ok(providers[0]?.startsWith(`${deploy.urn}::`), `read with the deploy provider (the role the hub's secret policy names), got ${providers[0]}`);
        const secret = r.one("kubernetes:core/v1:Secret");
        assert.strictEqual(secret.inputs.type, "kubernetes.io/tls");
        assert.strictEqual(secret.inputs.stringData, "[secret]");
        assert.strictEqual((secret.inputs.metadata as any).namespace, "oss-monitoring");
        assert.strictEqual(secret.provider, r.one("kubernetes:apps/v1:StatefulSet").provider, "created in the collector's cluster");
        const pod = (r.one("kubernetes:apps/v1:StatefulSet").inputs.spec as any).template.spec;
        assert.deepStrictEqual(pod.containers[0].volumeMounts.find((m: any) => m.name === "client-tls"), { name: "client-tls", mountPath: "/etc/otel/client", readOnly: true });
        assert.strictEqual(pod.volumes.find((v: any) => v.name === "client-tls").secret.secretName, (secret.inputs.metadata as any).name);
        assert.ok(!JSON.stringify(r.resources).includes("BEGIN PRIVATE KEY"), "the key never appears in the plan");
        // Accounts without a collector send nothing to the hub's OTLP ports and read no identity.
        assert.strictEqual(payments.ofType("kubernetes:core/v1:Secret").length, 0);
    });

    it("EKS: a hub without this account's identity, or a malformed identity secret, fails naming the fix", async () => {
        const { tenantIdentitySecretArns: _arns, ...noIdentity } = hubOutputs;
        await assert.rejects(plan("monitored-analytics", (m) => m, noIdentity),
            /hub stack organization\/oss-monitoring\/hub exports no tenantIdentitySecretArns: add this stack to stacks\/fleet.yaml and deploy the hub before it/);
        await assert.rejects(plan("monitored-analytics", (m) => m, { ...hubOutputs, tenantIdentitySecretArns: { "account-222222222222": identitySecretArn("account-222222222222") } }),
            /hub stack organization\/oss-monitoring\/hub has no identity for account-333333333333: add this stack to stacks\/fleet.yaml and deploy the hub/);
        const s = entry("monitored-analytics");
        await assert.rejects(runProgram(program, {
            config: s.config, account: s.account, stack: s.name, stackOutputs: { [HUB_REF]: hubOutputs },
            invokes: { [GET_SECRET]: (inputs) => ({ ...mockSecretVersion(String(inputs.secretId)), secretString: "{\"certificate\": \"-----BEGIN CERTIFICATE-----\\nAAAA\\n-----END CERTIFICATE-----\"}" }) },
        }), /identity secret oss-monitoring\/identity\/account-333333333333 in organization\/oss-monitoring\/hub: missing or not a string: chain, privateKey/);
    });

    it("an EKS stack whose deploy role needs an external ID must name an AWS CLI profile", () => {
        const raw = Object.fromEntries(Object.entries(entry("monitored-analytics").config).map(([k, v]) => [k.replace(/^oss-monitoring:/, "").replace("aws:region", "region"), v]));
        const withExternalId = parseStackConfig({ ...raw, deployRole: { ...(raw.deployRole as object), externalId: "fleet-external-id" } });
        assert.ok(withExternalId.role === "monitored");
        assert.throws(() => checkMonitoredConfig(withExternalId), /oss-monitoring:monitored.eks.awsProfile: required because the deploy role needs an external ID/);
        withExternalId.monitored.eks!.awsProfile = "analytics-deploy";
        assert.doesNotThrow(() => checkMonitoredConfig(withExternalId));
    });

    it("every AWS resource carries the cost-allocation tags through the provider", () => {
        const provider = payments.one("pulumi:providers:aws");
        const tags = JSON.parse(String(provider.inputs.defaultTags)).tags;
        for (const k of ["CostCenter", "Owner", "Environment", "MonitoringRole"]) {
            assert.ok(typeof tags[k] === "string" && tags[k].length > 0, k);
        }
        assert.strictEqual(tags.CostCenter, "cc-2200-payments");
        const assume = JSON.parse(String(provider.inputs.assumeRoles));
        assert.strictEqual(assume[0].roleArn, "arn:aws:iam::222222222222:role/OrganizationMonitoringDeploy");
        assert.strictEqual(assume[0].sessionName, "oss-monitoring-monitored-payments");
    });
});
