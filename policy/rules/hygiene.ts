/** Hygiene: KMS rotation, encryption and retention of telemetry stores, credentials storage, ECS task hardening. */
import { aws } from "../lib/providers";
import { resourcePolicy } from "../lib/define";
import { classesWith, typeClass } from "../lib/aws/awsTypes";
import { environmentVariables, POD_TEMPLATE_TYPES } from "../lib/telemetry/collector";
import { isAwsManagedKeyRef, sameRole } from "../lib/aws/identity";
import {
    containerDefinitions,
    containerName,
    DEFAULT_SENSITIVE_NAME_PARTS,
    isFilePath,
    isSecretReference,
    isSensitiveName,
    secretValueKind,
} from "../lib/aws/secrets";
import { asArray, asBool, asNumber, asSetting, asString, isRecord, Props } from "../lib/values";

export const kmsKeyRotation = resourcePolicy({
    name: "kms-key-rotation",
    theme: "hygiene",
    severity: "medium",
    summary: "Symmetric KMS keys rotate automatically, at least every rotationMaxDays.",
    refs: { checkov: ["CKV_AWS_7"], trivy: ["AVD-AWS-0065"], cfnNag: ["F19"] },
    remediation: "Set enableKeyRotation: true (and rotationPeriodInDays ≤ rotationMaxDays if you set it).",
    types: [aws.kms.Key],
    config: {
        rotationMaxDays: { type: "integer", minimum: 90, maximum: 2560, default: 365, description: "Longest accepted rotationPeriodInDays." },
    },
    validate(props, { config, report }) {
        const spec = asString(props.customerMasterKeySpec) ?? "SYMMETRIC_DEFAULT";
        const usage = asString(props.keyUsage) ?? "ENCRYPT_DECRYPT";
        if (spec !== "SYMMETRIC_DEFAULT" || usage !== "ENCRYPT_DECRYPT") {
            return; // AWS only rotates symmetric encryption keys
        }
        if (asBool(props.enableKeyRotation) !== true) {
            report("enableKeyRotation is not true.");
        }
        const period = asNumber(props.rotationPeriodInDays);
        if (period !== undefined && period > config.rotationMaxDays) {
            report(`rotationPeriodInDays ${period} exceeds ${config.rotationMaxDays}.`);
        }
    },
});

export const ampWorkspaceEncryptionLogging = resourcePolicy({
    name: "amp-workspace-encryption-logging",
    theme: "hygiene",
    severity: "medium",
    summary: "Amazon Managed Service for Prometheus workspaces encrypt with a customer-managed KMS key (not alias/aws/*) and send their " +
        "logs (rule and alerting errors) to CloudWatch. No scanner covers AMP.",
    refs: {},
    remediation: "Set kmsKeyArn to a customer-managed key and loggingConfiguration.logGroupArn to a log group ARN ending in :*.",
    types: [aws.amp.Workspace],
    config: {},
    validate(props, { report }) {
        const key = asSetting(props.kmsKeyArn);
        if (key === undefined || isAwsManagedKeyRef(key)) {
            report(key === undefined ? "No kmsKeyArn: metrics are encrypted with an AWS-owned key you cannot audit or revoke."
                : `kmsKeyArn ${key} is an AWS-managed key, not a customer-managed one.`);
        }
        const logging = isRecord(props.loggingConfiguration) ? props.loggingConfiguration : undefined;
        if (logging === undefined || asSetting(logging.logGroupArn) === undefined) {
            report("No loggingConfiguration.logGroupArn: rule-evaluation and alerting failures are invisible.");
        }
    },
});

export const logGroupKmsRetention = resourcePolicy({
    name: "log-group-kms-retention",
    theme: "hygiene",
    severity: "medium",
    summary: "CloudWatch log groups are encrypted with a customer-managed KMS key (not an alias/aws/* AWS-managed key) and expire " +
        "data after a retention of at least minRetentionDays.",
    refs: { checkov: ["CKV_AWS_158", "CKV_AWS_66", "CKV_AWS_338"], trivy: ["AVD-AWS-0017"], cfnNag: ["W84", "W86"] },
    remediation: "Set kmsKeyId to a customer-managed key (whose policy allows logs.<region>.amazonaws.com) and retentionInDays ≥ minRetentionDays.",
    types: [aws.cloudwatch.LogGroup],
    config: {
        minRetentionDays: { type: "integer", minimum: 1, default: 365, description: "Shortest accepted retentionInDays (checkov CKV_AWS_338: one year)." },
    },
    validate(props, { config, report }) {
        const key = asSetting(props.kmsKeyId);
        if (key === undefined) {
            report("No kmsKeyId: logs are encrypted with a service-owned key.");
        } else if (isAwsManagedKeyRef(key)) {
            report(`kmsKeyId ${key} is an AWS-managed key alias, not a customer-managed key.`);
        }
        const days = asNumber(props.retentionInDays) ?? 0;
        if (days === 0) {
            report("No retentionInDays: the log data never expires.");
        } else if (days < config.minRetentionDays) {
            report(`retentionInDays ${days} is shorter than ${config.minRetentionDays}.`);
        }
    },
});

/**
 * The customer-managed key a store is encrypted with, or why there is none. What AWS does without one:
 * SNS topics are not encrypted at all (server-side encryption is off until KmsMasterKeyId is set,
 * https://docs.aws.amazon.com/sns/latest/dg/sns-server-side-encryption.html), SQS queues use SSE-SQS
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-server-side-encryption.html),
 * Secrets Manager the AWS-managed aws/secretsmanager key, ECR AES256 or, with encryptionType KMS and no kmsKey,
 * the AWS-managed aws/ecr key (https://docs.aws.amazon.com/AmazonECR/latest/userguide/encryption-at-rest.html).
 */
function storeKeyProblem(type: string, props: Props): string | undefined {
    if (type.startsWith("aws:ecr/")) {
        const configs = asArray(props.encryptionConfigurations).filter(isRecord);
        const kms = configs.find((c) => /^kms/i.test(asString(c.encryptionType) ?? ""));
        const key = kms === undefined ? undefined : asSetting(kms.kmsKey);
        if (kms === undefined) {
            return "No encryptionConfigurations with encryptionType KMS: images are encrypted with AES256 under an AWS-owned key.";
        }
        return key === undefined ? "encryptionType KMS without a kmsKey uses the AWS-managed aws/ecr key." : isAwsManagedKeyRef(key) ? `kmsKey ${key} is an AWS-managed key.` : undefined;
    }
    const field = type.startsWith("aws:secretsmanager/") ? "kmsKeyId" : "kmsMasterKeyId";
    const key = asSetting(props[field]);
    const fallback: Record<string, string> = {
        "aws:sns/topic:Topic": "messages are stored unencrypted",
        "aws:sqs/queue:Queue": "messages are encrypted with SSE-SQS (an AWS-owned key) at most",
        "aws:secretsmanager/secret:Secret": "the secret is encrypted with the AWS-managed aws/secretsmanager key",
    };
    if (key === undefined) {
        return `No ${field}: ${fallback[type] ?? "no customer-managed key"}.`;
    }
    return isAwsManagedKeyRef(key) ? `${field} ${key} is an AWS-managed key, not a customer-managed one.` : undefined;
}

export const storesCustomerManagedKey = resourcePolicy({
    name: "stores-customer-managed-key",
    theme: "hygiene",
    severity: "medium",
    summary: "Alert topics, queues, secrets and image repositories (aws.sns.Topic, aws.sqs.Queue, aws.secretsmanager.Secret, " +
        "aws.ecr Repository and RepositoryCreationTemplate) are encrypted with a customer-managed KMS key: set, not a " +
        "placeholder, not an alias/aws/* AWS-managed key.",
    refs: { checkov: ["CKV_AWS_26", "CKV_AWS_27", "CKV_AWS_149", "CKV_AWS_136"], trivy: ["AVD-AWS-0095", "AVD-AWS-0096", "AVD-AWS-0098", "AVD-AWS-0033"] },
    remediation: "Set kmsMasterKeyId (SNS, SQS), kmsKeyId (Secrets Manager) or encryptionConfigurations [{ encryptionType: \"KMS\", " +
        "kmsKey }] (ECR) to a customer-managed key whose policy allows the service.",
    types: classesWith(["sns:kmsMasterKeyId", "sqs:kmsMasterKeyId", "secretsmanager:kmsKeyId", "ecr:encryptionConfigurations"]),
    config: {},
    validate(props, { args, report }) {
        const problem = storeKeyProblem(args.type, props);
        if (problem !== undefined) {
            report(problem);
        }
    },
});

/** Why an SSM parameter looks like it holds a credential, if it does. */
function credentialReason(props: Props, nameParts: string[]): string | undefined {
    const name = asString(props.name) ?? "";
    if (name !== "" && isSensitiveName(name, nameParts)) {
        return `its name ${name} says it holds a credential`;
    }
    for (const input of ["value", "insecureValue"] as const) {
        const value = asString(props[input]);
        const kind = value === undefined ? undefined : secretValueKind(value);
        if (kind !== undefined) {
            return `its ${input} contains a ${kind}`;
        }
    }
    return undefined;
}

export const ssmCredentialsSecureString = resourcePolicy({
    name: "ssm-credentials-securestring",
    theme: "hygiene",
    severity: "high",
    summary: "SSM parameters that hold credentials (by name or by value format, as for ECS environment variables) are SecureString, " +
        "encrypted with a customer-managed KMS key (keyId set and not alias/aws/ssm or another AWS-managed alias).",
    refs: { checkov: ["CKV2_AWS_34", "CKV_AWS_337", "CKV_AWS_384"] },
    remediation: "Set type: \"SecureString\" and keyId to a customer-managed KMS key, and pass the value as a Pulumi secret.",
    types: [aws.ssm.Parameter],
    config: {
        sensitiveNameParts: {
            type: "array", items: { type: "string" }, default: DEFAULT_SENSITIVE_NAME_PARTS,
            description: "Name substrings that mark a parameter as a credential.",
        },
        requireCustomerKey: { type: "boolean", default: true, description: "Require keyId (customer-managed key) on credential parameters." },
    },
    validate(props, { config, report }) {
        const reason = credentialReason(props, config.sensitiveNameParts);
        if (reason === undefined) {
            return;
        }
        if (asString(props.type) !== "SecureString") {
            report(`Type is ${asString(props.type) ?? "unset"} but ${reason}.`);
        }
        const key = asSetting(props.keyId);
        if (asString(props.type) === "SecureString" && config.requireCustomerKey && (key === undefined || isAwsManagedKeyRef(key))) {
            report(`SecureString with ${key === undefined ? "no keyId (AWS-managed alias/aws/ssm)" : `the AWS-managed key ${key}`} but ${reason}.`);
        }
    },
});

/** Reports unreadable container definitions once and hands each container to `check`. */
function eachContainer(props: Props, report: (m: string) => void, check: (c: Record<string, unknown>, label: string) => void): void {
    const { containers, error } = containerDefinitions(props.containerDefinitions);
    if (error !== undefined) {
        report(`containerDefinitions is unreadable (${error}).`);
    }
    containers.forEach((c, i) => check(c, containerName(c, i)));
}

export const ecsTaskNonPrivileged = resourcePolicy({
    name: "ecs-task-non-privileged",
    theme: "hygiene",
    severity: "high",
    summary: "ECS containers do not run privileged (root on the host).",
    refs: { checkov: ["CKV_AWS_334"] },
    remediation: "Remove privileged: true; grant the specific Linux capabilities the container needs instead.",
    types: classesWith(["ecs:containerDefinitions"]),
    config: {},
    validate(props, { report }) {
        eachContainer(props, report, (c, label) => {
            if (asBool(c.privileged) === true) {
                report(`${label} is privileged.`);
            }
        });
    },
});

export const ecsTaskReadOnlyRoot = resourcePolicy({
    name: "ecs-task-read-only-root",
    theme: "hygiene",
    severity: "medium",
    summary: "ECS containers run with a read-only root filesystem.",
    refs: { checkov: ["CKV_AWS_336"] },
    remediation: "Set readonlyRootFilesystem: true and mount a volume (or tmpfs on EC2) for paths the container writes.",
    types: classesWith(["ecs:containerDefinitions"]),
    config: {},
    validate(props, { report }) {
        eachContainer(props, report, (c, label) => {
            if (asBool(c.readonlyRootFilesystem) !== true) {
                report(`${label} has a writable root filesystem.`);
            }
        });
    },
});

export const ecsTaskRoleSeparation = resourcePolicy({
    name: "ecs-task-role-separation",
    theme: "hygiene",
    severity: "medium",
    summary: "ECS task definitions (and daemon task definitions) use a task role distinct from the execution role (the agent's " +
        "image-pull/secret permissions must not reach the application). Roles are compared by identity: a role name and its " +
        "ARN (with or without a path) are the same role.",
    refs: { checkov: ["CKV_AWS_249"] },
    remediation: "Create a separate task role with only the application's permissions and keep the execution role for ECS.",
    types: classesWith(["ecs:containerDefinitions"]),
    config: {},
    validate(props, { args, report }) {
        const task = asSetting(props.taskRoleArn);
        const execution = asSetting(props.executionRoleArn);
        if (task !== undefined && execution !== undefined && sameRole(task, execution, args.stackTags.get("oss-monitoring:account"))) {
            report(task === execution ? `taskRoleArn and executionRoleArn are the same role (${task}).`
                : `taskRoleArn ${task} and executionRoleArn ${execution} name the same role.`);
        }
    },
});

export const ecsTaskNoPlaintextSecrets = resourcePolicy({
    name: "ecs-task-no-plaintext-secrets",
    theme: "hygiene",
    severity: "critical",
    summary: "Container environment variables do not carry credentials in plain text, judged by name (password, token, api key, " +
        "authorization ... in any case style; names ending _FILE/_PATH/_ARN/_NAME are references, not secrets) and by value " +
        "(AWS keys, PEM keys, Authorization Basic/Bearer headers, JWTs, passwords in URLs, Grafana/GitHub/Slack tokens), in " +
        "ECS task definitions, Kubernetes pod templates, Lambda functions and Batch job definitions; credentials come through " +
        "`secrets` / secretKeyRef from Secrets Manager, SSM SecureString or Kubernetes Secrets.",
    refs: { trivy: ["AVD-AWS-0036"] },
    remediation: "Move the value to Secrets Manager or an SSM SecureString and reference it in the container's secrets list.",
    types: [...classesWith(["ecs:containerDefinitions"]), aws.lambda.Function, aws.batch.JobDefinition, ...POD_TEMPLATE_TYPES.map(typeClass)],
    config: {
        sensitiveNameParts: {
            type: "array", items: { type: "string" }, default: DEFAULT_SENSITIVE_NAME_PARTS,
            description: "Variable-name substrings that mark a credential.",
        },
    },
    validate(props, { args, config, report }) {
        const { vars, error } = environmentVariables(args.type, props);
        if (error !== undefined) {
            report(`${args.type.endsWith("JobDefinition") ? "containerProperties" : "containerDefinitions"} is unreadable (${error}).`);
        }
        for (const { where, name, value } of vars) {
            if (value === "" || isSecretReference(value)) {
                continue;
            }
            const kind = secretValueKind(value);
            if (kind !== undefined) {
                report(`${where} environment ${name} contains a ${kind}.`);
            } else if (isSensitiveName(name, config.sensitiveNameParts) && !isFilePath(value)) {
                report(`${where} environment ${name} looks like a credential in plain text.`);
            }
        }
    },
});
