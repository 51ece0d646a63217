/** Least privilege: IAM permission, trust and KMS key policies, managed-policy attachments, IAM users. */
import * as aws from "@pulumi/aws";
import { ResourceValidationArgs } from "@pulumi/policy";
import { resourcePolicy, STACK_TAGS } from "./lib/define";
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
    Statement,
} from "./lib/iam";
import { asArray, asString, asStringArray, Props } from "./lib/values";

const IDENTITY_POLICY_CLASSES = [aws.iam.Policy, aws.iam.RolePolicy, aws.iam.UserPolicy, aws.iam.GroupPolicy, aws.iam.Role];

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
    summary: "Identity policies (managed, inline on roles/users/groups) never Allow \"*\" or \"service:*\" actions, nor Allow with NotAction.",
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
            for (const s of statements) {
                const wild = s.actions.filter((a) => isWildcardAction(a) && (a === "*" || !config.allowedServiceWildcards.includes(a)));
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

/** Actions that have no resource-level permissions in IAM, so "*" is the only possible Resource. */
export const DEFAULT_UNSCOPED_ACTIONS = [
    "ec2:Describe*",
    "autoscaling:Describe*",
    "elasticloadbalancing:Describe*",
    "cloudwatch:PutMetricData",
    "cloudwatch:GetMetricData",
    "cloudwatch:GetMetricStatistics",
    "cloudwatch:ListMetrics",
    "logs:DescribeLogGroups",
    // Logs Insights results and cancellation take a query ID, not a resource (Service Authorization Reference, CloudWatch Logs).
    "logs:GetQueryResults",
    "logs:StopQuery",
    // Lists the account's sinks; no resource type (Service Authorization Reference, Observability Access Manager).
    "oam:ListSinks",
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "xray:GetSampling*",
    "tag:GetResources",
    "sts:GetCallerIdentity",
    "aps:ListWorkspaces",
    "ecs:ListClusters",
    "ecs:DescribeTaskDefinition",
    "eks:ListClusters",
    "ssm:DescribeParameters",
    "ssm:ListAssociations",
    "ssm:GetManifest",
    // AmazonSSMManagedInstanceCore grants these on "*"; the SSM agent of a hybrid node calls them.
    "ssm:PutInventory",
    "ssm:PutConfigurePackageResult",
    "ssmmessages:*",
    "ec2messages:*",
    "ecr:GetAuthorizationToken",
    "kms:ListAliases",
];

export const iamNoWildcardResources = resourcePolicy({
    name: "iam-no-wildcard-resources",
    theme: "least-privilege",
    severity: "high",
    summary: "Identity policies do not Allow Resource \"*\" (or NotResource) for actions that support resource-level " +
        "permissions; the few actions that cannot be scoped are an allow-list.",
    refs: { checkov: ["CKV_AWS_355", "CKV_AWS_290"], trivy: ["AVD-AWS-0057"], cfnNag: ["W11", "W12"] },
    remediation: "Replace \"*\" with the ARNs the workload uses (workspace, log group, parameter, key ARNs); if an action " +
        "truly has no resource-level permissions, add it to unscopedActions.",
    types: IDENTITY_POLICY_CLASSES,
    config: {
        unscopedActions: {
            type: "array", items: { type: "string" }, default: DEFAULT_UNSCOPED_ACTIONS,
            description: "Action patterns that may use Resource \"*\" because IAM cannot scope them.",
        },
    },
    validate(props, { args, config, report }) {
        for (const { where, statements } of identityAllowStatements(args, props)) {
            for (const s of statements) {
                if (!s.resources.includes("*") && s.notResources.length === 0) {
                    continue;
                }
                const scopable = s.actions.filter((a) => !config.unscopedActions.some((p) => actionWithin(a, p)));
                if (scopable.length > 0 || s.notActions.length > 0) {
                    const what = scopable.length > 0 ? scopable.join(", ") : "NotAction";
                    report(`${where} ${describeStatement(s)} grants ${what} on every resource (${s.notResources.length > 0 ? "NotResource" : "Resource \"*\""}).`);
                }
            }
        }
    },
});

/** `*`, any account's roles, or every role of an account. */
function isWildcardRoleResource(resource: string): boolean {
    return resource === "*" || /^arn:aws[a-z-]*:iam::(\*|\d{12}):(\*|role\/\*)$/.test(resource)
        || /^arn:aws[a-z-]*:iam::\*:/.test(resource);
}

export const iamNoPassRoleWildcard = resourcePolicy({
    name: "iam-no-passrole-wildcard",
    theme: "least-privilege",
    severity: "critical",
    summary: "No identity policy allows iam:PassRole (directly or through iam:* / *) on \"*\" or on every role, " +
        "the classic privilege-escalation path.",
    refs: { checkov: ["CKV_AWS_286"], trivy: ["AVD-AWS-0342"], cfnNag: ["F38", "F39", "F40"] },
    remediation: "Scope iam:PassRole to the exact role ARNs and add a Condition on iam:PassedToService.",
    types: IDENTITY_POLICY_CLASSES,
    config: {},
    validate(props, { args, report }) {
        for (const { where, statements } of identityAllowStatements(args, props)) {
            for (const s of statements) {
                const passes = s.actions.some((a) => actionGrants(a, "iam:PassRole")) || s.notActions.length > 0;
                const wild = s.resources.filter(isWildcardRoleResource);
                if (passes && (wild.length > 0 || s.notResources.length > 0)) {
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

function attachedPolicyArns(type: string, props: Props): string[] {
    switch (type) {
        case "aws:iam/role:Role":
            return asStringArray(props.managedPolicyArns);
        case "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive":
            return asStringArray(props.policyArns);
        default:
            return asStringArray(asArray(props.policyArn));
    }
}

export const iamNoBroadManagedPolicies = resourcePolicy({
    name: "iam-no-broad-managed-policies",
    theme: "least-privilege",
    severity: "critical",
    summary: "Only allow-listed AWS-managed policies are attached (defaults: the agent, SSM, AMP, X-Ray, ECS and EKS " +
        "node policies); AdministratorAccess, IAMFullAccess, PowerUserAccess and other broad managed policies are refused.",
    refs: { checkov: ["CKV_AWS_274", "CKV2_AWS_56"], cfnNag: ["W43"] },
    remediation: "Replace the managed policy with an inline or customer-managed policy scoped to the needed actions and " +
        "ARNs, or add a narrowly-scoped AWS-managed policy to allowedAwsManagedPolicies.",
    types: [aws.iam.RolePolicyAttachment, aws.iam.GroupPolicyAttachment, aws.iam.UserPolicyAttachment,
        aws.iam.PolicyAttachment, aws.iam.RolePolicyAttachmentsExclusive, aws.iam.Role],
    config: {
        allowedAwsManagedPolicies: {
            type: "array", items: { type: "string" }, default: DEFAULT_ALLOWED_MANAGED_POLICIES,
            description: "AWS-managed policy names (with path, or bare name) that may be attached.",
        },
    },
    validate(props, { args, config, report }) {
        for (const arn of attachedPolicyArns(args.type, props)) {
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
    summary: "Role trust policies never trust \"*\"; cross-account principals require aws:PrincipalOrgID or sts:ExternalId, " +
        "service principals require aws:SourceAccount or aws:SourceArn, federated principals require a subject condition. " +
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
    summary: "No inline policies on IAM users and no policies attached to users; permissions belong to roles or groups.",
    refs: { checkov: ["CKV_AWS_40"], trivy: ["AVD-AWS-0143"], cfnNag: ["F10"] },
    remediation: "Grant the permissions to a role (or an SSO permission set) instead of the user.",
    types: [aws.iam.UserPolicy, aws.iam.UserPolicyAttachment, aws.iam.UserPoliciesExclusive, aws.iam.UserPolicyAttachmentsExclusive],
    config: {},
    validate(props, { args, report }) {
        report(`${args.type.split(":").pop()} grants permissions directly to user ${asString(props.user) ?? asString(props.userName) ?? "(unknown)"}.`);
    },
});

export const kmsKeyPolicyNoWildcardPrincipal = resourcePolicy({
    name: "kms-key-policy-no-wildcard-principal",
    theme: "least-privilege",
    severity: "critical",
    summary: "KMS key policies never Allow Principal \"*\" (or NotPrincipal): the key's users are named accounts, roles or services.",
    refs: { checkov: ["CKV_AWS_33"], cfnNag: ["F76"] },
    remediation: "Name the account root (arn:aws:iam::<account>:root), the roles, or the service principals (with " +
        "aws:SourceAccount/aws:SourceArn) that use the key.",
    types: [aws.kms.Key, aws.kms.KeyPolicy],
    config: {
        allowedConditionKeys: {
            type: "array", items: { type: "string" }, default: [] as string[],
            description: "Condition keys (e.g. kms:CallerAccount, aws:PrincipalOrgID) that make a \"*\" principal acceptable. Empty: never.",
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
