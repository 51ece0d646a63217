/**
 * Pure builders for IAM documents. Every policy this project attaches is built here or by a
 * component's own pure function on top of these, so tests can assert on the exact JSON.
 */

export interface Statement {
    Sid?: string;
    Effect: "Allow" | "Deny";
    Principal?: "*" | Record<string, string | string[]>;
    Action: string | string[];
    Resource?: string | string[];
    Condition?: Record<string, Record<string, string | string[] | boolean>>;
}

export interface PolicyDocument {
    Version: "2012-10-17";
    Statement: Statement[];
}

export function policyDocument(statements: Statement[]): PolicyDocument {
    return { Version: "2012-10-17", Statement: statements };
}

export function toJson(doc: PolicyDocument): string {
    return JSON.stringify(doc);
}

/** `arn:aws:iam::<account>:root`, the principal that means "IAM policies of this account decide". */
export function accountRoot(account: string, partition = "aws"): string {
    return `arn:${partition}:iam::${account}:root`;
}

/**
 * Trust for an AWS service principal, bound to this account (and optionally to the
 * calling resource) so the service cannot be used as a confused deputy.
 */
export function serviceTrust(service: string, sourceAccount: string, sourceArnLike?: string): PolicyDocument {
    const condition: Statement["Condition"] = { StringEquals: { "aws:SourceAccount": sourceAccount } };
    if (sourceArnLike !== undefined) {
        condition.ArnLike = { "aws:SourceArn": sourceArnLike };
    }
    return policyDocument([
        { Sid: "TrustService", Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole", Condition: condition },
    ]);
}

/** Trust for a web-identity (IRSA) provider limited to one Kubernetes service account. */
export function oidcTrust(providerArn: string, issuerHost: string, namespace: string, serviceAccount: string): PolicyDocument {
    return policyDocument([
        {
            Sid: "TrustServiceAccount",
            Effect: "Allow",
            Principal: { Federated: providerArn },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: {
                StringEquals: {
                    [`${issuerHost}:sub`]: `system:serviceaccount:${namespace}:${serviceAccount}`,
                    [`${issuerHost}:aud`]: "sts.amazonaws.com",
                },
            },
        },
    ]);
}

/** Actions an account principal needs to use a CMK through AWS services. */
export const KMS_USE_ACTIONS = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey", "kms:CreateGrant"];

/** Key administration, spelled out rather than `kms:*`. */
export const KMS_ADMIN_ACTIONS = [
    "kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*", "kms:Revoke*",
    "kms:Disable*", "kms:Get*", "kms:Delete*", "kms:TagResource", "kms:UntagResource", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion",
];

export interface KeyPolicyArgs {
    account: string;
    region: string;
    /** Service principals allowed to use the key, each bound to this account. */
    services?: ReadonlyArray<"logs" | "sns-from-aps" | "secretsmanager">;
}

/**
 * Key policy: the account administers and uses the key through IAM; named services may use
 * it only for this account's resources. In a key policy `Resource: "*"` means "this key".
 */
export function kmsKeyPolicy(args: KeyPolicyArgs): PolicyDocument {
    const root = accountRoot(args.account);
    const statements: Statement[] = [
        { Sid: "AccountAdministersKey", Effect: "Allow", Principal: { AWS: root }, Action: KMS_ADMIN_ACTIONS, Resource: "*" },
        { Sid: "AccountUsesKeyThroughIam", Effect: "Allow", Principal: { AWS: root }, Action: KMS_USE_ACTIONS, Resource: "*" },
    ];
    for (const s of args.services ?? []) {
        if (s === "logs") {
            statements.push({
                Sid: "CloudWatchLogsEncryptsThisAccountsLogGroups",
                Effect: "Allow",
                Principal: { Service: `logs.${args.region}.amazonaws.com` },
                Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
                Resource: "*",
                Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:${args.region}:${args.account}:log-group:*` } },
            });
        } else if (s === "sns-from-aps") {
            statements.push({
                Sid: "ManagedPrometheusPublishesEncryptedAlerts",
                Effect: "Allow",
                Principal: { Service: "aps.amazonaws.com" },
                Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
                Resource: "*",
                Condition: { StringEquals: { "aws:SourceAccount": args.account } },
            });
        } else {
            statements.push({
                Sid: "SecretsManagerUsesKeyForThisAccount",
                Effect: "Allow",
                Principal: { AWS: root },
                Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
                Resource: "*",
                Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${args.region}.amazonaws.com`, "kms:CallerAccount": args.account } },
            });
        }
    }
    return policyDocument(statements);
}

/** Concatenates documents (statement IDs must stay unique). */
export function mergePolicies(...docs: PolicyDocument[]): PolicyDocument {
    const statements = docs.flatMap((d) => d.Statement);
    const sids = statements.map((s) => s.Sid).filter((s): s is string => s !== undefined);
    const dup = sids.find((s, i) => sids.indexOf(s) !== i);
    if (dup !== undefined) {
        throw new Error(`mergePolicies: statement ID ${dup} appears twice`);
    }
    return policyDocument(statements);
}
