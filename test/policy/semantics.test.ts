/**
 * The rules judge meaning, not spelling: for each class of the adversarial review (issue 15), violations
 * written the way engineers write them, and near misses that must pass.
 */
import { strict as assert } from "assert";
import { oamSinkPolicyOrgCondition, sgNoPublicIngress, subnetNoPublicIp, vpcEndpointPolicyVpcWide, vpcEndpointPrivateDnsAndPolicy } from "../../policy/rules/exposure";
import { ampWorkspaceEncryptionLogging, ecsTaskNoPlaintextSecrets, ecsTaskRoleSeparation, logGroupKmsRetention, ssmCredentialsSecureString } from "../../policy/rules/hygiene";
import {
    iamNoBroadManagedPolicies,
    iamNoPassRoleWildcard,
    iamNoWildcardActions,
    iamNoWildcardResources,
    iamTrustPolicyConditions,
    kmsKeyPolicyNoWildcardPrincipal,
} from "../../policy/rules/leastPrivilege";
import { collectorExporterTls, grafanaDataSourceTls, lbListenerRuleTls, lbListenerTls, lbListenerTlsPolicy, lbTargetGroupTls, nlbTlsTargetGroupNoStickiness, s3BucketPolicySecureTransport } from "../../policy/rules/tls";
import { conditionPins, resourceCoversAllOfAKind, globCovers } from "../../policy/lib/aws/iam";
import { expandActionPattern, servicesFullyGranted } from "../../policy/lib/aws/iamCatalog";
import { worldFamiliesCovered } from "../../policy/lib/aws/network";
import { sameRole, isAwsManagedKeyRef } from "../../policy/lib/aws/identity";
import { runResource, runStack } from "./helpers";

const doc = (...Statement: unknown[]) => JSON.stringify({ Version: "2012-10-17", Statement });
const count = (r: { messages: string[] }) => r.messages.length;
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const VPCE = "aws:ec2/vpcEndpoint:VpcEndpoint";

describe("policy semantics (issue 15 classes)", () => {
    describe("1. same setting, other resource type", () => {
        it("endpoint policy beside the endpoint: judged as the endpoint's policy", () => {
            const ep = { vpcEndpointType: "Interface", serviceName: "com.amazonaws.us-east-1.logs", privateDnsEnabled: true };
            const full = doc({ Effect: "Allow", Principal: { AWS: "*" }, Action: "logs:*", Resource: "*" });
            const scoped = doc({ Effect: "Allow", Principal: "*", Action: "logs:*", Resource: "*", Condition: { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } } });
            const bad = runStack(vpcEndpointPrivateDnsAndPolicy, [{ type: VPCE, name: "logs", inputs: ep }, { type: "aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy", name: "logs-policy", inputs: { vpcEndpointId: "vpce-1", policy: full } }]);
            assert.equal(count(bad), 1);
            assert.match(bad.messages[0], /logs-policy \(aws.ec2.VpcEndpointPolicy\).*full-access/);
            assert.deepEqual(runStack(vpcEndpointPrivateDnsAndPolicy, [{ type: VPCE, name: "logs", inputs: ep }, { type: "aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy", name: "p", inputs: { vpcEndpointId: "vpce-1", policy: scoped } }]).messages, []);
            // private DNS from aws.vpc.EndpointPrivateDns
            assert.deepEqual(runStack(vpcEndpointPrivateDnsAndPolicy, [{ type: VPCE, name: "logs", inputs: { ...ep, privateDnsEnabled: undefined, policy: scoped } },
                { type: "aws:vpc/endpointPrivateDns:EndpointPrivateDns", name: "dns", inputs: { vpcEndpointId: "vpce-1", privateDnsEnabled: true } }]).messages, []);
        });
        it("bucket policy inline on the bucket", () => {
            const allow = { Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:root" }, Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" };
            assert.equal(count(runResource(s3BucketPolicySecureTransport, "aws:s3/bucket:Bucket", { bucket: "b", policy: doc(allow) })), 1);
            assert.equal(count(runResource(s3BucketPolicySecureTransport, "aws:s3/bucketV2:BucketV2", { bucket: "b", policy: doc(allow) })), 1);
            assert.deepEqual(runResource(s3BucketPolicySecureTransport, "aws:s3/bucket:Bucket", { bucket: "b" }).messages, []);
        });
        it("default security group and default subnet", () => {
            assert.equal(count(runResource(sgNoPublicIngress, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", { ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }] })), 1);
            assert.deepEqual(runResource(sgNoPublicIngress, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", { ingress: [], egress: [] }).messages, []);
            assert.equal(count(runResource(subnetNoPublicIp, "aws:ec2/defaultSubnet:DefaultSubnet", { availabilityZone: "us-east-1a" })), 1);
            assert.deepEqual(runResource(subnetNoPublicIp, "aws:ec2/defaultSubnet:DefaultSubnet", { availabilityZone: "us-east-1a", mapPublicIpOnLaunch: false }).messages, []);
            assert.deepEqual(runResource(subnetNoPublicIp, "aws:ec2/subnet:Subnet", { cidrBlock: "10.0.0.0/24" }).messages, []);
        });
        it("replica and external KMS keys", () => {
            const open = doc({ Effect: "Allow", Principal: "*", Action: "kms:Decrypt", Resource: "*" });
            for (const t of ["aws:kms/replicaKey:ReplicaKey", "aws:kms/replicaExternalKey:ReplicaExternalKey", "aws:kms/externalKey:ExternalKey"]) {
                assert.equal(count(runResource(kmsKeyPolicyNoWildcardPrincipal, t, { policy: open })), 1, t);
            }
            assert.deepEqual(runResource(kmsKeyPolicyNoWildcardPrincipal, "aws:kms/replicaKey:ReplicaKey", { policy: doc({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:root" }, Action: "kms:*", Resource: "*" }) }).messages, []);
        });
        it("classic ELB listeners and SSL negotiation policies", () => {
            const lb = "aws:elb/loadBalancer:LoadBalancer";
            assert.equal(count(runResource(lbListenerTls, lb, { listeners: [{ lbProtocol: "http", lbPort: 80, instanceProtocol: "http", instancePort: 80 }] })), 1);
            assert.deepEqual(runResource(lbListenerTls, lb, { listeners: [{ lbProtocol: "https", lbPort: 443, instanceProtocol: "https", instancePort: 443, sslCertificateId: "arn:aws:acm:us-east-1:1:certificate/x" }] }).messages, []);
            assert.equal(count(runResource(lbTargetGroupTls, lb, { listeners: [{ lbProtocol: "https", lbPort: 443, instanceProtocol: "http", instancePort: 80 }] })), 1);
            const pol = (attrs: [string, string][]) => ({ policyTypeName: "SSLNegotiationPolicyType", policyAttributes: attrs.map(([name, value]) => ({ name, value })) });
            assert.equal(count(runResource(lbListenerTlsPolicy, "aws:elb/loadBalancerPolicy:LoadBalancerPolicy", pol([["Reference-Security-Policy", "ELBSecurityPolicy-TLS-1-2-2017-01"]]))), 1);
            assert.equal(count(runResource(lbListenerTlsPolicy, "aws:elb/loadBalancerPolicy:LoadBalancerPolicy", pol([["Protocol-TLSv1.2", "true"], ["Protocol-TLSv1.1", "true"], ["ECDHE-RSA-AES128-GCM-SHA256", "true"]]))), 1);
            assert.equal(count(runResource(lbListenerTlsPolicy, "aws:elb/loadBalancerPolicy:LoadBalancerPolicy", pol([["Protocol-TLSv1.2", "true"], ["AES128-GCM-SHA256", "true"]]))), 1);
            assert.deepEqual(runResource(lbListenerTlsPolicy, "aws:elb/loadBalancerPolicy:LoadBalancerPolicy", pol([["Protocol-TLSv1.2", "true"], ["ECDHE-RSA-AES128-GCM-SHA256", "true"], ["AES128-GCM-SHA256", "false"]])).messages, []);
        });
        it("listener rules beside listeners", () => {
            const http = { type: "aws:lb/listener:Listener", name: "http", inputs: { protocol: "HTTP", port: 80, defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }] } };
            const https = { type: "aws:lb/listener:Listener", name: "https", inputs: { protocol: "HTTPS", port: 443, sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06" } };
            const rule = { type: "aws:lb/listenerRule:ListenerRule", name: "api", inputs: { listenerArn: "arn:aws:elasticloadbalancing:us-east-1:1:listener/app/x/1/2", actions: [{ type: "forward", targetGroupArn: "arn:tg" }], conditions: [{ pathPattern: { values: ["/api/*"] } }] } };
            assert.match(runStack(lbListenerRuleTls, [http, rule]).messages[0], /plain-HTTP listener http/);
            assert.deepEqual(runStack(lbListenerRuleTls, [https, rule]).messages, []);
            assert.deepEqual(runStack(lbListenerRuleTls, [http, { ...rule, inputs: { ...rule.inputs, actions: [{ type: "redirect", redirect: { protocol: "HTTPS" } }] } }]).messages, []);
        });
        it("exclusive attachments for users and groups, SSO attachments", () => {
            for (const t of ["aws:iam/groupPolicyAttachmentsExclusive:GroupPolicyAttachmentsExclusive", "aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive"]) {
                assert.equal(count(runResource(iamNoBroadManagedPolicies, t, { policyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"] })), 1, t);
            }
            assert.equal(count(runResource(iamNoBroadManagedPolicies, "aws:ssoadmin/managedPolicyAttachment:ManagedPolicyAttachment", { managedPolicyArn: "arn:aws:iam::aws:policy/PowerUserAccess" })), 1);
            assert.deepEqual(runResource(iamNoBroadManagedPolicies, "aws:iam/groupPolicyAttachmentsExclusive:GroupPolicyAttachmentsExclusive", { policyArns: ["arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy"] }).messages, []);
        });
        it("Grafana data source configuration beside the data source", () => {
            assert.equal(count(runResource(grafanaDataSourceTls, "grafana:oss/dataSourceConfig:DataSourceConfig", { uid: "prom", jsonDataEncoded: JSON.stringify({ tlsSkipVerify: true }) })), 1);
            assert.deepEqual(runResource(grafanaDataSourceTls, "grafana:oss/dataSourceConfig:DataSourceConfig", { uid: "prom", jsonDataEncoded: JSON.stringify({ httpMethod: "POST", sigV4Auth: true }) }).messages, []);
        });
    });

    describe("2. equivalent wildcards", () => {
        it("*:* and service patterns that cover a whole service are wildcards; partial patterns are not", () => {
            for (const a of ["*:*", "S3:*", "s3:*", "iam:*?", "*"]) {
                assert.equal(count(runResource(iamNoWildcardActions, ROLE_POLICY, { policy: doc({ Effect: "Allow", Action: a, Resource: "arn:aws:s3:::b" }) })), 1, a);
            }
            assert.deepEqual(runResource(iamNoWildcardActions, ROLE_POLICY, { policy: doc({ Effect: "Allow", Action: ["s3:Get*", "s3:*Object"], Resource: "arn:aws:s3:::b/*" }) }).messages, []);
            assert.deepEqual(servicesFullyGranted("s3:Get*"), []);
        });
        it("ARN patterns matching every resource of a kind count as *", () => {
            for (const r of ["arn:aws:s3:::*/*", "arn:aws:s3:::*", "arn:*:*:*:*:*", "arn:aws:ssm:*:*:parameter/*", "arn:aws:logs:*:*:*"]) {
                assert.ok(resourceCoversAllOfAKind(r), r);
            }
            for (const r of ["arn:aws:s3:::my-bucket/*", "arn:aws:ssm:us-east-1:111111111111:parameter/*", "arn:aws:s3:::logs-*"]) {
                assert.ok(!resourceCoversAllOfAKind(r), r);
            }
            const r = runResource(iamNoWildcardResources, ROLE_POLICY, { policy: doc({ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::*/*" }) });
            assert.match(r.messages[0], /matches every resource of its kind/);
            assert.deepEqual(runResource(iamNoWildcardResources, ROLE_POLICY, { policy: doc({ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::telemetry-archive/*" }) }).messages, []);
        });
        it("PassRole on every role of an account, with or without a path", () => {
            for (const r of ["arn:aws:iam::111111111111:role/*", "arn:aws:iam::*:role/*", "arn:aws:iam::111111111111:*", "arn:aws:iam::111111111111:role*"]) {
                assert.equal(count(runResource(iamNoPassRoleWildcard, ROLE_POLICY, { policy: doc({ Effect: "Allow", Action: "iam:Pass*", Resource: r }) })), 1, r);
            }
            assert.deepEqual(runResource(iamNoPassRoleWildcard, ROLE_POLICY, { policy: doc({ Effect: "Allow", Action: "iam:PassRole", Resource: "arn:aws:iam::111111111111:role/ecs/collector-*" }) }).messages, []);
        });
        it("CIDR blocks whose union is the whole address space", () => {
            assert.deepEqual(worldFamiliesCovered(["0.0.0.0/1", "128.0.0.0/1"]), ["0.0.0.0/0"]);
            assert.deepEqual(worldFamiliesCovered(["::/1", "8000::/1"]), ["::/0"]);
            assert.deepEqual(worldFamiliesCovered(["0.0.0.0/2", "64.0.0.0/2", "128.0.0.0/1"]), ["0.0.0.0/0"]);
            assert.deepEqual(worldFamiliesCovered(["0.0.0.0/1", "128.0.0.0/2"]), []);
            const sg = (ingress: unknown[]) => runResource(sgNoPublicIngress, "aws:ec2/securityGroup:SecurityGroup", { ingress });
            assert.match(sg([{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/1", "128.0.0.0/1"] }]).messages[0], /union is 0.0.0.0\/0/);
            assert.equal(count(sg([{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/1"] }, { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["128.0.0.0/1"] }])), 1);
            // Near miss: halves on different ports, and private ranges.
            assert.deepEqual(sg([{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/1"] }, { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["128.0.0.0/1"] }]).messages, []);
            assert.deepEqual(sg([{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"] }]).messages, []);
        });
    });

    describe("3. IAM condition semantics", () => {
        const crossAccount = (Condition: unknown) => runResource(iamTrustPolicyConditions, "aws:iam/role:Role", {
            assumeRolePolicy: doc({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::999999999999:root" }, Action: "sts:AssumeRole", Condition }),
        }, { account: "111111111111" });
        it("conditions that admit everything do not count", () => {
            for (const c of [
                { "ForAllValues:StringEquals": { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } },
                { StringLike: { "aws:PrincipalOrgID": "o-*" } },
                { StringLike: { "aws:PrincipalOrgID": ["o-a1b2c3d4e5", "*"] } },
                { StringEqualsIfExists: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } },
                { Null: { "aws:PrincipalOrgID": "false" } },
                { StringNotEquals: { "aws:PrincipalOrgID": "o-zzzzzzzzzz" } },
                { StringEquals: { "aws:PrincipalOrgID": "${aws:PrincipalOrgID}" } },
                { StringLike: { "sts:ExternalId": "*" } },
                { "ForAnyValue:StringLike": { "aws:PrincipalOrgPaths": "o-*/*" } },
            ]) {
                assert.equal(count(crossAccount(c)), 1, JSON.stringify(c));
            }
        });
        it("conditions that pin the key count, in every spelling", () => {
            for (const c of [
                { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } },
                { stringequals: { "AWS:PrincipalOrgId": "o-a1b2c3d4e5" } },
                { "ForAnyValue:StringEquals": { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } },
                { "ForAnyValue:StringLike": { "aws:PrincipalOrgPaths": "o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*" } },
                { "ForAllValues:StringEquals": { "aws:PrincipalOrgID": "o-a1b2c3d4e5" }, Null: { "aws:PrincipalOrgID": "false" } },
                { StringEquals: { "sts:ExternalId": "monitoring-7f3a" } },
            ]) {
                assert.deepEqual(crossAccount(c).messages, [], JSON.stringify(c));
            }
        });
        it("a wildcard OIDC subject or source ARN admits every identity", () => {
            const oidc = (sub: string) => runResource(iamTrustPolicyConditions, "aws:iam/role:Role", {
                assumeRolePolicy: doc({ Effect: "Allow", Principal: { Federated: "arn:aws:iam::111111111111:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/X" }, Action: "sts:AssumeRoleWithWebIdentity",
                    Condition: { StringLike: { "oidc.eks.us-east-1.amazonaws.com/id/X:sub": sub, "oidc.eks.us-east-1.amazonaws.com/id/X:aud": "sts.amazonaws.com" } } }),
            }, { account: "111111111111" });
            assert.equal(count(oidc("*")), 1);
            assert.equal(count(oidc("system:serviceaccount:*")), 1);
            assert.equal(count(oidc("system:serviceaccount:*:*")), 1);
            assert.deepEqual(oidc("system:serviceaccount:monitoring:*").messages, []);
            assert.deepEqual(oidc("system:serviceaccount:monitoring:adot-collector").messages, []);
            assert.ok(!conditionPins({ operator: "ArnLike", key: "aws:SourceArn", values: ["arn:aws:ecs:us-east-1:*:*"] }));
            assert.ok(conditionPins({ operator: "ArnLike", key: "aws:SourceArn", values: ["arn:aws:ecs:us-east-1:111111111111:*"] }));
        });
        it("OAM sink policies need an organization condition that pins", () => {
            const sink = (Statement: unknown) => runResource(oamSinkPolicyOrgCondition, "aws:oam/sinkPolicy:SinkPolicy", { sinkIdentifier: "arn:aws:oam:us-east-1:111111111111:sink/x", policy: doc(Statement) });
            const base = { Effect: "Allow", Principal: "*", Action: ["oam:CreateLink", "oam:UpdateLink"], Resource: "*" };
            assert.match(sink(base).messages[0], /Principal "\*" without a condition/);
            assert.equal(count(sink({ ...base, Principal: { AWS: ["222222222222"] } })), 1);
            assert.equal(count(sink({ ...base, Condition: { "ForAllValues:StringEquals": { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } } })), 1);
            assert.equal(count(sink({ ...base, Condition: { StringLike: { "aws:PrincipalOrgID": "*" } } })), 1);
            assert.deepEqual(sink({ ...base, Condition: { "ForAnyValue:StringEquals": { "oam:ResourceTypes": ["AWS::CloudWatch::Metric"] }, StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } } }).messages, []);
            assert.deepEqual(sink({ ...base, Condition: { "ForAnyValue:StringLike": { "aws:PrincipalOrgPaths": ["o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*"] } } }).messages, []);
        });
    });

    describe("4. the S3 TLS deny covers every action on the bucket and its objects", () => {
        const tls = { Bool: { "aws:SecureTransport": "false" } };
        const check = (...Statement: unknown[]) => runResource(s3BucketPolicySecureTransport, "aws:s3/bucketPolicy:BucketPolicy", { bucket: "telemetry", policy: doc(...Statement) });
        it("rejects denies that leave actions, the bucket or its objects out, or narrow the deny", () => {
            assert.match(check({ Effect: "Deny", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::telemetry/*", Condition: tls }).messages[0], /the bucket and its objects/);
            assert.match(check({ Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "arn:aws:s3:::telemetry/*", Condition: tls }).messages[0], /on the bucket:/);
            assert.match(check({ Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "arn:aws:s3:::telemetry", Condition: tls }).messages[0], /its objects/);
            assert.equal(count(check({ Effect: "Deny", Principal: "*", Action: ["s3:Get*", "s3:Put*"], Resource: ["arn:aws:s3:::telemetry", "arn:aws:s3:::telemetry/*"], Condition: tls })), 1);
            assert.equal(count(check({ Effect: "Deny", Principal: "*", Action: "s3:*", Resource: ["arn:aws:s3:::telemetry", "arn:aws:s3:::telemetry/*"],
                Condition: { ...tls, StringEquals: { "aws:PrincipalAccount": "222222222222" } } })), 1);
            assert.equal(count(check({ Effect: "Deny", Principal: "*", NotAction: "s3:GetObject", Resource: ["arn:aws:s3:::telemetry", "arn:aws:s3:::telemetry/*"], Condition: tls })), 1);
        });
        it("accepts the full deny however it is spelt", () => {
            assert.deepEqual(check({ Effect: "Deny", Principal: { AWS: "*" }, Action: "*", Resource: "*", Condition: { Bool: { "aws:SecureTransport": false } } }).messages, []);
            assert.deepEqual(check({ Effect: "Deny", Principal: "*", Action: "s3:*", Resource: ["arn:aws:s3:::telemetry", "arn:aws:s3:::telemetry/*"], Condition: tls }).messages, []);
            assert.deepEqual(check({ Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "arn:aws:s3:::telemetry", Condition: tls },
                { Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "arn:aws:s3:::telemetry/*", Condition: tls }).messages, []);
            assert.deepEqual(check({ Effect: "Deny", Principal: "*", Action: "s3:*", Resource: ["arn:aws:s3:::telemetry*", "arn:aws:s3:::telemetry*/*"], Condition: tls }).messages, []);
            assert.ok(globCovers("arn:aws:s3:::telemetry*/*", "arn:aws:s3:::telemetry/*"));
            assert.ok(!globCovers("arn:aws:s3:::telemetry/logs/*", "arn:aws:s3:::telemetry/*"));
        });
    });

    describe("5. collector configuration wherever it lives", () => {
        const insecure = "exporters:\n  otlphttp/hub:\n    endpoint: http://hub.example.internal:4318\n";
        it("fragments, endpoint lists and service.telemetry exporters", () => {
            assert.equal(count(runResource(collectorExporterTls, "aws:ssm/parameter:Parameter", { type: "String", value: insecure })), 1);
            const lb = "exporters:\n  loadbalancing:\n    protocol:\n      otlp:\n        tls:\n          insecure: true\n    resolver:\n      static:\n        hostnames: [\"https://a:4317\", \"http://b.example:4317\"]\n";
            assert.equal(count(runResource(collectorExporterTls, "aws:ssm/parameter:Parameter", { type: "String", value: lb })), 2);
            const telemetry = "service:\n  telemetry:\n    metrics:\n      readers:\n        - periodic:\n            exporter:\n              otlp:\n                protocol: http/protobuf\n                endpoint: http://metrics.example.internal:4318\n";
            assert.match(runResource(collectorExporterTls, "aws:ssm/parameter:Parameter", { type: "String", value: telemetry }).messages[0], /service\.telemetry/);
            assert.equal(count(runResource(collectorExporterTls, "aws:ssm/parameter:Parameter", { type: "String", value: "exporters:\n  otlp:\n    endpoint: hub:4317\n    tls:\n      min_version: \"1.1\"\n" })), 1);
        });
        it("AOT_CONFIG_CONTENT in a task definition, OTLP env vars, Helm values, Secrets", () => {
            const td = (environment: unknown[]) => runResource(collectorExporterTls, "aws:ecs/taskDefinition:TaskDefinition", { containerDefinitions: JSON.stringify([{ name: "adot", environment }]) });
            assert.match(td([{ name: "AOT_CONFIG_CONTENT", value: insecure }]).messages[0], /AOT_CONFIG_CONTENT/);
            assert.equal(count(td([{ name: "OTEL_EXPORTER_OTLP_ENDPOINT", value: "http://collector.example.internal:4318" }])), 1);
            assert.deepEqual(td([{ name: "OTEL_EXPORTER_OTLP_ENDPOINT", value: "http://localhost:4318" }, { name: "AOT_CONFIG_CONTENT", value: insecure.replace("http:", "https:") }]).messages, []);
            const helm = runResource(collectorExporterTls, "kubernetes:helm.sh/v3:Release", { chart: "opentelemetry-collector", values: { mode: "daemonset", config: { exporters: { otlp: { endpoint: "hub:4317", tls: { insecure: true } } } } } });
            assert.match(helm.messages[0], /values\.config/);
            assert.deepEqual(runResource(collectorExporterTls, "kubernetes:helm.sh/v3:Release", { values: { config: { exporters: { otlp: { endpoint: "hub:4317" } } }, image: { repository: "http://not-config" } } }).messages, []);
            const secret = runResource(collectorExporterTls, "kubernetes:core/v1:Secret", { data: { "relay.yaml": Buffer.from(insecure).toString("base64") } });
            assert.equal(count(secret), 1);
            const pod = runResource(collectorExporterTls, "kubernetes:apps/v1:Deployment", { spec: { template: { spec: { containers: [{ name: "app", env: [{ name: "OTEL_EXPORTER_OTLP_INSECURE", value: "true" }] }] } } } });
            assert.equal(count(pod), 1);
        });
        it("ignores receivers' listen addresses and text that is not configuration", () => {
            assert.deepEqual(runResource(collectorExporterTls, "aws:ssm/parameter:Parameter", { type: "String", value: "receivers:\n  otlp:\n    protocols:\n      http:\n        endpoint: 0.0.0.0:4318\n" }).messages, []);
            assert.deepEqual(runResource(collectorExporterTls, "aws:ssm/parameter:Parameter", { type: "String", value: "logs: enabled\nurl: http://example.com\n" }).messages, []);
        });
    });

    describe("6. keys and secrets", () => {
        it("AWS-managed key aliases are not customer-managed keys", () => {
            assert.ok(isAwsManagedKeyRef("alias/aws/logs") && isAwsManagedKeyRef("arn:aws:kms:us-east-1:111111111111:alias/aws/ssm"));
            assert.ok(!isAwsManagedKeyRef("alias/oss-monitoring") && !isAwsManagedKeyRef("arn:aws:kms:us-east-1:111111111111:key/0f0e"));
            assert.match(runResource(logGroupKmsRetention, "aws:cloudwatch/logGroup:LogGroup", { kmsKeyId: "alias/aws/logs", retentionInDays: 400 }).messages[0], /AWS-managed/);
            assert.deepEqual(runResource(logGroupKmsRetention, "aws:cloudwatch/logGroup:LogGroup", { kmsKeyId: "arn:aws:kms:us-east-1:111111111111:alias/oss-monitoring", retentionInDays: 400 }).messages, []);
            assert.equal(count(runResource(ssmCredentialsSecureString, "aws:ssm/parameter:Parameter", { name: "/hub/api-token", type: "SecureString", keyId: "alias/aws/ssm", value: "x" })), 1);
            assert.equal(count(runResource(ampWorkspaceEncryptionLogging, "aws:amp/workspace:Workspace", { kmsKeyArn: "arn:aws:kms:us-east-1:111111111111:alias/aws/aps", loggingConfiguration: { logGroupArn: "arn:aws:logs:us-east-1:111111111111:log-group:x:*" } })), 1);
        });
        it("sensitive names in any style and sensitive values; file paths and references are not secrets", () => {
            const env = (environment: unknown[]) => runResource(ecsTaskNoPlaintextSecrets, "aws:ecs/taskDefinition:TaskDefinition", { containerDefinitions: JSON.stringify([{ name: "c", environment }]) });
            assert.equal(count(env([{ name: "grafanaApiKey", value: "abc123" }])), 1);
            assert.equal(count(env([{ name: "DB_PASSWD", value: "hunter2" }])), 1);
            assert.equal(count(env([{ name: "OTEL_EXPORTER_OTLP_HEADERS", value: "Authorization=Basic dXNlcjpwYXNzd29yZA==" }])), 1);
            assert.equal(count(env([{ name: "REMOTE_WRITE_URL", value: "https://user:s3cr3t@prom.example.com/api/v1/write" }])), 1);
            assert.deepEqual(env([{ name: "GF_SECURITY_ADMIN_PASSWORD__FILE", value: "/run/secrets/admin" }, { name: "TOKEN_FILE", value: "/var/run/secrets/eks.amazonaws.com/serviceaccount/token" },
                { name: "AUTH_TYPE", value: "sigv4" }, { name: "DB_SECRET_ARN", value: "arn:aws:secretsmanager:us-east-1:111111111111:secret:db" }, { name: "PASSWORD", value: "${DB_PASSWORD}" }]).messages, []);
            const lambda = runResource(ecsTaskNoPlaintextSecrets, "aws:lambda/function:Function", { environment: { variables: { SLACK_TOKEN: "xoxb-1234567890-abcdef" } } });
            assert.equal(count(lambda), 1);
        });
    });

    describe("7. roles compared by identity", () => {
        it("a role name, its ARN and its ARN with a path are the same role", () => {
            assert.ok(sameRole("collector", "arn:aws:iam::111111111111:role/collector"));
            assert.ok(sameRole("arn:aws:iam::111111111111:role/service/ecs/Collector", "arn:aws:iam::111111111111:role/collector"));
            assert.ok(!sameRole("arn:aws:iam::111111111111:role/collector", "arn:aws:iam::222222222222:role/collector"));
            const td = (taskRoleArn: string, executionRoleArn: string) => runResource(ecsTaskRoleSeparation, "aws:ecs/taskDefinition:TaskDefinition", { taskRoleArn, executionRoleArn, containerDefinitions: "[]" });
            assert.equal(count(td("hub-collector", "arn:aws:iam::111111111111:role/hub-collector")), 1);
            assert.deepEqual(td("arn:aws:iam::111111111111:role/hub-collector-task", "arn:aws:iam::111111111111:role/hub-collector-exec").messages, []);
        });
    });

    describe("8. unscopable actions come from the IAM catalogue", () => {
        it("expands ec2:Describe* and flags it on * because some of its actions take resources", () => {
            const describe = expandActionPattern("ec2:Describe*") ?? [];
            assert.ok(describe.length > 100 && describe.some((a) => a.scopable) && describe.some((a) => !a.scopable));
            assert.match(runResource(iamNoWildcardResources, ROLE_POLICY, { policy: doc({ Effect: "Allow", Action: "ec2:Describe*", Resource: "*" }) }).messages[0], /ec2:Describe\* \(\d+ action\(s\) that take resources/);
            assert.deepEqual(runResource(iamNoWildcardResources, ROLE_POLICY, { policy: doc({ Effect: "Allow", Action: ["ec2:DescribeInstances", "ec2:DescribeVolumes", "autoscaling:Describe*", "ssm:DescribeParameters", "ecr:GetAuthorizationToken", "sts:GetCallerIdentity"], Resource: "*" }) }).messages, []);
            assert.equal(count(runResource(iamNoWildcardResources, ROLE_POLICY, { policy: doc({ Effect: "Allow", Action: ["logs:PutLogEvents"], Resource: "*" }) })), 1);
        });
    });

    describe("9. TLS policies: TLS 1.2+ with forward-secret ciphers, exactly", () => {
        const listener = (sslPolicy: string) => runResource(lbListenerTlsPolicy, "aws:lb/listener:Listener", { protocol: "HTTPS", sslPolicy });
        it("accepts FS-only TLS 1.2+ policies and refuses the rest", () => {
            for (const p of ["ELBSecurityPolicy-TLS13-1-2-2021-06", "ELBSecurityPolicy-FS-1-2-Res-2020-10", "ELBSecurityPolicy-TLS13-1-3-2021-06", "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09"]) {
                assert.deepEqual(listener(p).messages, [], p);
            }
            for (const p of ["ELBSecurityPolicy-TLS-1-2-2017-01", "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06", "ELBSecurityPolicy-FS-1-1-2019-08", "ELBSecurityPolicy-2016-08"]) {
                assert.equal(count(listener(p)), 1, p);
            }
        });
    });

    describe("AWS constraints", () => {
        it("no stickiness on TLS target groups (NLB)", () => {
            const tg = (inputs: Record<string, unknown>) => runResource(nlbTlsTargetGroupNoStickiness, "aws:lb/targetGroup:TargetGroup", inputs);
            assert.equal(count(tg({ protocol: "TLS", port: 4317, stickiness: { enabled: true, type: "source_ip" } })), 1);
            assert.equal(count(tg({ protocol: "tls", port: 4317, stickiness: { type: "source_ip" } })), 1);
            assert.deepEqual(tg({ protocol: "TLS", port: 4317, stickiness: { enabled: false, type: "source_ip" } }).messages, []);
            assert.deepEqual(tg({ protocol: "TCP", port: 4317, stickiness: { enabled: true, type: "source_ip" } }).messages, []);
            assert.deepEqual(tg({ protocol: "TLS", port: 4317 }).messages, []);
        });
        it("advises on interface endpoints whose policy narrows actions while private DNS serves the whole VPC", () => {
            const ep = (policy: unknown, privateDnsEnabled = true, role = "monitored") => runStack(vpcEndpointPolicyVpcWide, [{ type: VPCE, name: "logs", inputs: { vpcEndpointType: "Interface", serviceName: "com.amazonaws.us-east-1.logs", privateDnsEnabled, policy } }], { role });
            const narrow = doc({ Effect: "Allow", Principal: "*", Action: ["logs:PutLogEvents", "logs:CreateLogStream"], Resource: "*" });
            assert.equal(count(ep(narrow)), 1);
            assert.deepEqual(ep(narrow, false).messages, []);
            assert.notEqual(ep(narrow, true, "hub").notApplicable, undefined); // the hub's VPC runs only the monitoring path
            assert.deepEqual(ep(doc({ Effect: "Allow", Principal: "*", Action: "logs:*", Resource: "*", Condition: { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } } })).messages, []);
            assert.equal(vpcEndpointPolicyVpcWide.enforcementLevel, "advisory");
        });
    });
});
