import { strict as assert } from "assert";
import {
    ampWorkspaceEncryptionLogging,
    ecsTaskNoPlaintextSecrets,
    ecsTaskNonPrivileged,
    ecsTaskReadOnlyRoot,
    ecsTaskRoleSeparation,
    kmsKeyRotation,
    logGroupKmsRetention,
    ssmCredentialsSecureString,
} from "../../../policy/rules/hygiene";
import { runResource } from "../helpers";

const TASK = "aws:ecs/taskDefinition:TaskDefinition";
const containers = (...defs: Record<string, unknown>[]) => ({ family: "collector", containerDefinitions: JSON.stringify(defs) });
const hardened = { name: "adot", image: "public.ecr.aws/aws-observability/aws-otel-collector:v0.43.1", readonlyRootFilesystem: true, privileged: false };

describe("policy/rules/hygiene", () => {
    describe("kms-key-rotation", () => {
        it("rejects symmetric keys without rotation or with a long period", () => {
            assert.deepEqual(runResource(kmsKeyRotation, "aws:kms/key:Key", { description: "amp" }).messages, ["enableKeyRotation is not true."]);
            assert.deepEqual(runResource(kmsKeyRotation, "aws:kms/key:Key", { enableKeyRotation: true, rotationPeriodInDays: 730 }).messages, ["rotationPeriodInDays 730 exceeds 365."]);
        });
        it("accepts rotated keys and skips asymmetric keys", () => {
            assert.deepEqual(runResource(kmsKeyRotation, "aws:kms/key:Key", { enableKeyRotation: true }).messages, []);
            assert.deepEqual(runResource(kmsKeyRotation, "aws:kms/key:Key", { customerMasterKeySpec: "RSA_2048", keyUsage: "SIGN_VERIFY" }).messages, []);
        });
    });

    describe("amp-workspace-encryption-logging", () => {
        it("requires a customer key and a logging configuration", () => {
            assert.equal(runResource(ampWorkspaceEncryptionLogging, "aws:amp/workspace:Workspace", { alias: "hub" }).messages.length, 2);
            assert.deepEqual(runResource(ampWorkspaceEncryptionLogging, "aws:amp/workspace:Workspace", {
                kmsKeyArn: "arn:aws:kms:us-east-1:111111111111:key/k", loggingConfiguration: { logGroupArn: "arn:aws:logs:us-east-1:111111111111:log-group:/amp:*" },
            }).messages, []);
        });
    });

    describe("log-group-kms-retention", () => {
        it("requires a KMS key and a retention of at least a year by default", () => {
            assert.deepEqual(runResource(logGroupKmsRetention, "aws:cloudwatch/logGroup:LogGroup", { name: "/amp" }).messages,
                ["No kmsKeyId: logs are encrypted with a service-owned key.", "No retentionInDays: the log data never expires."]);
            assert.deepEqual(runResource(logGroupKmsRetention, "aws:cloudwatch/logGroup:LogGroup", { kmsKeyId: "arn:k", retentionInDays: 30 }).messages,
                ["retentionInDays 30 is shorter than 365."]);
        });
        it("accepts encrypted groups with enough retention (configurable)", () => {
            assert.deepEqual(runResource(logGroupKmsRetention, "aws:cloudwatch/logGroup:LogGroup", { kmsKeyId: "arn:k", retentionInDays: 400 }).messages, []);
            assert.deepEqual(runResource(logGroupKmsRetention, "aws:cloudwatch/logGroup:LogGroup", { kmsKeyId: "arn:k", retentionInDays: 30 }, { config: { minRetentionDays: 30 } }).messages, []);
        });
    });

    describe("ssm-credentials-securestring", () => {
        const P = "aws:ssm/parameter:Parameter";
        it("rejects credentials stored as String, by name or by value format", () => {
            assert.match(runResource(ssmCredentialsSecureString, P, { name: "/grafana/api-token", type: "String", value: "x" }).messages[0], /name \/grafana\/api-token/);
            assert.match(runResource(ssmCredentialsSecureString, P, { name: "/otel/config", type: "String", value: "key: AKIAABCDEFGHIJKLMNOP" }).messages[0], /AWS access key ID/);
            assert.match(runResource(ssmCredentialsSecureString, P, { name: "/otel/config", type: "String", insecureValue: "key: AKIAABCDEFGHIJKLMNOP" }).messages[0], /insecureValue contains a AWS access key ID|insecureValue contains an? AWS access key ID/);
        });
        it("requires a customer-managed key on SecureString credentials unless configured otherwise", () => {
            assert.match(runResource(ssmCredentialsSecureString, P, { name: "/hub/bearer-token", type: "SecureString", value: "[secret]" }).messages[0], /with no keyId/);
            assert.deepEqual(runResource(ssmCredentialsSecureString, P, { name: "/hub/bearer-token", type: "SecureString" }, { config: { requireCustomerKey: false } }).messages, []);
        });
        it("accepts encrypted credentials and ordinary configuration", () => {
            assert.deepEqual(runResource(ssmCredentialsSecureString, P, { name: "/hub/bearer-token", type: "SecureString", keyId: "arn:k" }).messages, []);
            assert.deepEqual(runResource(ssmCredentialsSecureString, P, { name: "/otel/collector-config", type: "String", value: "exporters: {}" }).messages, []);
            assert.deepEqual(runResource(ssmCredentialsSecureString, P, { name: "/otel/token_url", type: "String", value: "https://idp/token" }).messages, []);
        });
    });

    describe("ecs-task-non-privileged", () => {
        it("rejects privileged containers and accepts the rest", () => {
            assert.deepEqual(runResource(ecsTaskNonPrivileged, TASK, containers(hardened, { name: "agent", privileged: true })).messages, ["container \"agent\" is privileged."]);
            assert.deepEqual(runResource(ecsTaskNonPrivileged, TASK, containers(hardened)).messages, []);
        });
        it("reports unreadable container definitions", () => {
            assert.match(runResource(ecsTaskNonPrivileged, TASK, { containerDefinitions: "[{" }).messages[0], /unreadable/);
        });
    });

    describe("ecs-task-read-only-root", () => {
        it("requires readonlyRootFilesystem on every container", () => {
            assert.deepEqual(runResource(ecsTaskReadOnlyRoot, TASK, containers(hardened, { name: "sidecar" })).messages, ["container \"sidecar\" has a writable root filesystem."]);
            assert.deepEqual(runResource(ecsTaskReadOnlyRoot, TASK, containers(hardened)).messages, []);
        });
    });

    describe("ecs-task-role-separation", () => {
        it("rejects the same role for task and execution, accepts distinct roles", () => {
            const role = "arn:aws:iam::111111111111:role/collector";
            assert.equal(runResource(ecsTaskRoleSeparation, TASK, { ...containers(hardened), taskRoleArn: role, executionRoleArn: role }).messages.length, 1);
            assert.deepEqual(runResource(ecsTaskRoleSeparation, TASK, { ...containers(hardened), taskRoleArn: role, executionRoleArn: `${role}-exec` }).messages, []);
        });
    });

    describe("ecs-task-no-plaintext-secrets", () => {
        it("rejects credentials in environment by name and by value", () => {
            const r = runResource(ecsTaskNoPlaintextSecrets, TASK, containers({
                ...hardened,
                environment: [
                    { name: "GRAFANA_API_TOKEN", value: "abc123" },
                    { name: "DEBUG_KEY", value: "-----BEGIN RSA PRIVATE KEY-----\nMII..." },
                    { name: "AWS_REGION", value: "us-east-1" },
                ],
            }));
            assert.deepEqual(r.messages, [
                "container \"adot\" environment GRAFANA_API_TOKEN looks like a credential in plain text.",
                "container \"adot\" environment DEBUG_KEY contains a PEM private key.",
            ]);
        });
        it("accepts references to secret stores and secrets entries", () => {
            assert.deepEqual(runResource(ecsTaskNoPlaintextSecrets, TASK, containers({
                ...hardened,
                environment: [{ name: "TOKEN_SECRET_ARN", value: "arn:aws:secretsmanager:us-east-1:111111111111:secret:t" }, { name: "AOT_CONFIG_CONTENT", value: "receivers: {}" }],
                secrets: [{ name: "GRAFANA_API_TOKEN", valueFrom: "arn:aws:ssm:us-east-1:111111111111:parameter/grafana/token" }],
            })).messages, []);
        });
    });
});
