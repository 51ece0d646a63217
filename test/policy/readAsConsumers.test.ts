import { strict as assert } from "assert";
import { asSetting, asSettingArray, isPlaceholder } from "../../policy/lib/values";
import { canonicalContainerKeys, containerDefinitions } from "../../policy/lib/aws/secrets";
import { parseDocument } from "../../policy/lib/aws/iam";
import { findCollectorDocs } from "../../policy/lib/telemetry/collector";
import { ampWorkspaceEncryptionLogging, ecsTaskNoPlaintextSecrets, ecsTaskNonPrivileged, ecsTaskReadOnlyRoot, ecsTaskRoleSeparation, logGroupKmsRetention, ssmCredentialsSecureString } from "../../policy/rules/hygiene";
import { eksPrivateEndpoint, grafanaWorkspacePrivate, sgNoPublicIngress, vpcEndpointPrivateDnsAndPolicy, vpcEndpointServiceAcceptance } from "../../policy/rules/exposure";
import { iamNoWildcardActions } from "../../policy/rules/leastPrivilege";
import { collectorExporterTls, s3BucketPolicySecureTransport } from "../../policy/rules/tls";
import { runResource, runStack } from "./helpers";

/** Spellings of "nothing" a held-out set may use where a key, ARN, CIDR list or policy is expected. */
const NONE_SPELLINGS = ["", "   ", "\t", "none", "None", "NULL", "undefined", "default", "TODO", "changeme", "<kms-key-arn>", "${KMS_KEY_ARN}", "{{ key_arn }}"];
const KEY = "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const doc = (...Statement: unknown[]) => JSON.stringify({ Version: "2012-10-17", Statement });

describe("issue 25: values read as their consumer reads them", () => {
    describe("(a) values that mean none are absent", () => {
        it("recognises empty, whitespace and placeholder values, and nothing else", () => {
            for (const v of [...NONE_SPELLINGS, undefined, null]) {
                assert.ok(isPlaceholder(v), JSON.stringify(v));
                assert.equal(asSetting(v), undefined, JSON.stringify(v));
            }
            for (const v of [KEY, "alias/collector", "10.0.0.0/8", "0.0.0.0/0", "*", "nonempty", "defaults-key"]) {
                assert.equal(asSetting(v), v);
            }
            assert.deepEqual(asSettingArray(["", "10.0.0.0/8", " none ", "<cidr>"]), ["10.0.0.0/8"]);
            assert.deepEqual(asSettingArray("none"), []);
        });

        it("SSM SecureString credential with a keyId that means none uses the AWS-managed key", () => {
            for (const keyId of NONE_SPELLINGS) {
                const r = runResource(ssmCredentialsSecureString, "aws:ssm/parameter:Parameter", { name: "/hub/api-token", type: "SecureString", value: "x", keyId });
                assert.deepEqual(r.messages.length, 1, JSON.stringify(keyId));
                assert.match(r.messages[0], /no keyId/);
            }
            assert.deepEqual(runResource(ssmCredentialsSecureString, "aws:ssm/parameter:Parameter", { name: "/hub/api-token", type: "SecureString", value: "x", keyId: KEY }).messages, []);
        });

        it("AMP kmsKeyArn and CloudWatch Logs kmsKeyId that mean none are no customer key", () => {
            const logging = { logGroupArn: "arn:aws:logs:us-east-1:111111111111:log-group:/amp:*" };
            for (const v of NONE_SPELLINGS) {
                assert.deepEqual(runResource(ampWorkspaceEncryptionLogging, "aws:amp/workspace:Workspace", { kmsKeyArn: v, loggingConfiguration: logging }).messages,
                    ["No kmsKeyArn: metrics are encrypted with an AWS-owned key you cannot audit or revoke."], JSON.stringify(v));
                assert.equal(runResource(ampWorkspaceEncryptionLogging, "aws:amp/workspace:Workspace", { kmsKeyArn: KEY, loggingConfiguration: { logGroupArn: v } }).messages.length, 1);
                assert.deepEqual(runResource(logGroupKmsRetention, "aws:cloudwatch/logGroup:LogGroup", { kmsKeyId: v, retentionInDays: 400 }).messages,
                    ["No kmsKeyId: logs are encrypted with a service-owned key."], JSON.stringify(v));
            }
        });

        it("an endpoint policy that means none is no policy, and a separate policy resource then applies", () => {
            const ep = { vpcEndpointType: "Interface", serviceName: "com.amazonaws.us-east-1.logs", privateDnsEnabled: true };
            for (const policy of ["", " ", "null", "{{policy}}"]) {
                assert.deepEqual(runStack(vpcEndpointPrivateDnsAndPolicy, [{ type: "aws:ec2/vpcEndpoint:VpcEndpoint", name: "logs", inputs: { ...ep, policy } }]).messages,
                    ["No endpoint policy: the endpoint allows full access to every resource of the service."]);
                const full = doc({ Effect: "Allow", Principal: "*", Action: "logs:*", Resource: "*" });
                const withSeparate = runStack(vpcEndpointPrivateDnsAndPolicy, [{ type: "aws:ec2/vpcEndpoint:VpcEndpoint", name: "logs", inputs: { ...ep, policy } },
                    { type: "aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy", name: "logs-policy", inputs: { vpcEndpointId: "vpce-1", policy: full } }]);
                assert.match(withSeparate.messages.join("\n"), /logs-policy \(aws.ec2.VpcEndpointPolicy\).*full-access/);
            }
        });

        it("a bucket policy resource whose document means none is reported as empty; an inline one is absent", () => {
            assert.match(runResource(s3BucketPolicySecureTransport, "aws:s3/bucketPolicy:BucketPolicy", { bucket: "b", policy: "  " }).messages[0], /it is empty/);
            assert.deepEqual(runResource(s3BucketPolicySecureTransport, "aws:s3/bucket:Bucket", { bucket: "b", policy: "none" }).messages, []);
        });

        it("CIDR, subnet, prefix-list and principal lists of placeholders are empty lists", () => {
            assert.deepEqual(runResource(grafanaWorkspacePrivate, "aws:grafana/workspace:Workspace", {
                vpcConfiguration: { subnetIds: ["", "none"], securityGroupIds: ["sg-1"] }, networkAccessControl: { vpceIds: [" "], prefixListIds: ["<pl>"] },
            }).messages.length, 2);
            assert.match(runResource(eksPrivateEndpoint, "aws:eks/cluster:Cluster", { vpcConfig: { endpointPublicAccess: true, endpointPrivateAccess: true, publicAccessCidrs: [""] } }).messages[0], /to 0\.0\.0\.0\/0/);
            assert.deepEqual(runResource(sgNoPublicIngress, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", { cidrIpv4: "", ipProtocol: "tcp", fromPort: 443, toPort: 443 }).messages, []);
            const svc = { type: "aws:ec2/vpcEndpointService:VpcEndpointService", name: "hub", inputs: { acceptanceRequired: false, allowedPrincipals: ["", "none"] } };
            assert.equal(runStack(vpcEndpointServiceAcceptance, [svc]).messages.length, 1);
            assert.equal(runStack(vpcEndpointServiceAcceptance, [svc, { type: "aws:ec2/vpcEndpointServiceAllowedPrinciple:VpcEndpointServiceAllowedPrinciple", name: "p", inputs: { principalArn: "" } }]).messages.length, 1);
        });

        it("two role ARNs that mean none are not the same role", () => {
            assert.deepEqual(runResource(ecsTaskRoleSeparation, "aws:ecs/taskDefinition:TaskDefinition", { taskRoleArn: "", executionRoleArn: "", containerDefinitions: "[]" }).messages, []);
        });
    });

    describe("(c) documents read as their consumer reads them", () => {
        const TASK = "aws:ecs/taskDefinition:TaskDefinition";
        it("container definitions match field names case-insensitively, as Go's encoding/json does", () => {
            const defs = JSON.stringify([{ Name: "app", Image: "x", ReadonlyRootFilesystem: true, PRIVILEGED: true, Environment: [{ Name: "DB_PASSWORD", Value: "hunter2-hunter2" }] }]);
            assert.deepEqual(runResource(ecsTaskNonPrivileged, TASK, { containerDefinitions: defs }).messages, ["container \"app\" is privileged."]);
            assert.deepEqual(runResource(ecsTaskReadOnlyRoot, TASK, { containerDefinitions: defs }).messages, []);
            assert.deepEqual(runResource(ecsTaskNoPlaintextSecrets, TASK, { containerDefinitions: defs }).messages,
                ["container \"app\" environment DB_PASSWORD looks like a credential in plain text."]);
        });
        it("the later spelling of a field wins, and user-keyed maps keep their keys", () => {
            const c = containerDefinitions(JSON.stringify([{ privileged: false, Privileged: true, dockerLabels: { Environment: "prod" } }])).containers[0];
            assert.equal(c.privileged, true);
            assert.deepEqual(c.dockerLabels, { Environment: "prod" });
            assert.deepEqual(canonicalContainerKeys({ LOGCONFIGURATION: { LogDriver: "awslogs", Options: { "awslogs-group": "g" } } }),
                { logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": "g" } } });
        });
        it("daemon task definitions' environments are judged like task definitions'", () => {
            const defs = JSON.stringify([{ name: "agent", environment: [{ name: "API_TOKEN", value: "glsa_abcdefghijklmnopqrstuvwxyz0123" }] }]);
            assert.equal(runResource(ecsTaskNoPlaintextSecrets, "aws:ecs/daemonTaskDefinition:DaemonTaskDefinition", { containerDefinitions: defs }).messages.length, 1);
        });
        it("collector YAML merge keys and aliases are expanded before judging", () => {
            const yaml = [
                "x-insecure: &insecure", "  endpoint: hub.example.com:4317", "  tls:", "    insecure: true",
                "exporters:", "  otlp/hub:", "    <<: *insecure", "    compression: gzip",
                "receivers:", "  otlp:", "    protocols:", "      grpc:", "        endpoint: 127.0.0.1:4317",
                "service:", "  pipelines:", "    metrics:", "      receivers: [otlp]", "      exporters: [otlp/hub]", "",
            ].join("\n");
            const found = findCollectorDocs(yaml, "value").docs[0].doc as { exporters: Record<string, Record<string, unknown>> };
            assert.deepEqual(found.exporters["otlp/hub"], { endpoint: "hub.example.com:4317", tls: { insecure: true }, compression: "gzip" });
            assert.equal(runResource(collectorExporterTls, "aws:ssm/parameter:Parameter", { name: "/collector/config", type: "String", value: yaml }).messages.length, 1);
            // A local key overrides the merged one (YAML merge-key spec, yaml.v3 decode.go merge).
            const fixed = yaml.replace("    compression: gzip", "    compression: gzip\n    tls:\n      insecure: false\n      ca_file: /etc/ca.pem");
            assert.deepEqual(runResource(collectorExporterTls, "aws:ssm/parameter:Parameter", { name: "/collector/config", type: "String", value: fixed }).messages, []);
        });
        it("IAM Effect is case-sensitive: a statement AWS would reject is reported, not read as Allow or Deny", () => {
            const r = parseDocument(doc({ Effect: "allow", Action: "s3:*", Resource: "*" }));
            assert.ok(r !== undefined && !r.ok && /Effect "allow"/.test(r.error));
            assert.match(runResource(iamNoWildcardActions, "aws:iam/rolePolicy:RolePolicy", { role: "r", policy: doc({ Effect: "DENY", Action: "s3:*", Resource: "*" }) }).messages.join(), /Effect "DENY"/);
            const ok = parseDocument(doc({ Effect: "Deny", Action: "s3:*", Resource: "*" }));
            assert.ok(ok !== undefined && ok.ok && ok.statements[0].effect === "Deny");
        });
    });
});
