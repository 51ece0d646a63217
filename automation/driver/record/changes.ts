/**
 * What `pulumi preview --diff` shows per resource, from the engine's events: the operation
 * (create, update, replace, delete) and the properties that differ, with replacements and
 * deletions first and security-relevant changes flagged, so `up` asks for approval of exactly that.
 */

/** One resource's proposed step (from a ResourcePreEvent; `same` and `read` steps are not kept). */
export interface ResourceChange {
    readonly urn: string;
    readonly type: string;
    readonly op: string;
    /** Top-level properties that differ (StepEventMetadata.diffs). */
    readonly diffs: readonly string[];
}

/** The engine's step ops that change nothing (https://www.pulumi.com/docs/iac/cli/commands/pulumi_preview/: same, read, refresh). */
const UNCHANGED = new Set(["same", "read", "refresh", "discard"]);
/** A replacement is three steps (create-replacement, replace, delete-replaced): the "replace" one stands for it. */
const REPLACEMENT_PARTS = new Set(["create-replacement", "delete-replaced"]);

/** Keeps the steps that change something, one per resource. */
export function resourceChanges(steps: readonly ResourceChange[]): ResourceChange[] {
    const replaced = new Set(steps.filter((s) => s.op === "replace").map((s) => s.urn));
    const seen = new Set<string>();
    return steps.filter((s) => {
        // Providers are not counted in the engine's summary (nor shown by a plain preview): listing them would make counts disagree.
        if (UNCHANGED.has(s.op) || s.type.startsWith("pulumi:providers:") || (REPLACEMENT_PARTS.has(s.op) && replaced.has(s.urn)) || seen.has(`${s.urn}\u0000${s.op}`)) {
            return false;
        }
        seen.add(`${s.urn}\u0000${s.op}`);
        return true;
    });
}

/**
 * Why a change matters for security, or undefined. Identity (IAM), network reachability (security
 * groups and their rules) and the policies that decide who may use a key, an endpoint or a resource:
 * a change to any of them can widen access, as CDK's `--require-approval broadening` flags IAM and
 * security-group changes (https://docs.aws.amazon.com/cdk/v2/guide/ref-cli-cmd-deploy.html).
 */
export function securityFlag(c: Pick<ResourceChange, "type" | "op" | "diffs">): string | undefined {
    const t = c.type;
    const wholeResource = c.op !== "update";
    const touches = (...props: string[]) => wholeResource || c.diffs.some((d) => props.includes(d));
    if (/^aws:iam\//.test(t)) {
        return "IAM";
    }
    if (/^aws:ec2\/securityGroup(Rule)?:|^aws:vpc\/securityGroup(Ingress|Egress)Rule:/.test(t)) {
        return "security group";
    }
    if (/^aws:kms\/(keyPolicy|grant):/.test(t) || (/^aws:kms\/(key|replicaKey):/.test(t) && touches("policy"))) {
        return "key policy";
    }
    if (/^aws:ec2\/vpcEndpointPolicy:/.test(t) || (/^aws:ec2\/vpcEndpoint:/.test(t) && touches("policy"))) {
        return "endpoint policy";
    }
    if (/^aws:ec2\/vpcEndpointService(AllowedPrinciple)?:/.test(t) && touches("allowedPrincipals", "principalArn", "acceptanceRequired")) {
        return "endpoint service access";
    }
    if (/^aws:(s3\/bucketPolicy|sns\/topicPolicy|sqs\/queuePolicy|secretsmanager\/secretPolicy|lambda\/permission|ecr\/repositoryPolicy|cloudwatch\/logResourcePolicy|amp\/workspace.*Policy):/.test(t)) {
        return "resource policy";
    }
    return undefined;
}

const RANK: Record<string, number> = { replace: 0, delete: 1, "delete-replaced": 1, update: 2, "create-replacement": 3, create: 3, import: 4 };
const SYMBOL: Record<string, string> = { replace: "+-", delete: "- ", "delete-replaced": "- ", update: "~ ", create: "+ ", "create-replacement": "++", import: "= " };

/** Replacements, then deletions, then updates, then creations; flagged ones first within each. */
export function orderChanges(changes: readonly ResourceChange[]): ResourceChange[] {
    return [...changes].sort((a, b) => (RANK[a.op] ?? 5) - (RANK[b.op] ?? 5) || Number(securityFlag(b) !== undefined) - Number(securityFlag(a) !== undefined) || a.urn.localeCompare(b.urn));
}

function nameOf(urn: string): string {
    return urn.slice(urn.lastIndexOf("::") + 2);
}

/** One line per resource, like `pulumi preview --diff`: symbol, op, type, name, [flag], (changed properties). */
export function changeLine(c: ResourceChange): string {
    const flag = securityFlag(c);
    return `${SYMBOL[c.op] ?? "  "} ${c.op.padEnd(8)} ${c.type}  ${nameOf(c.urn)}${flag !== undefined ? `  [security: ${flag}]` : ""}${c.diffs.length > 0 ? `  (${c.diffs.join(", ")})` : ""}`;
}

/** A stack's changes for the approval prompt, at most `max` lines (the rest counted; all are in the report). */
export function stackChangeLines(stack: string, changes: readonly ResourceChange[], max = 40): string[] {
    if (changes.length === 0) {
        return [];
    }
    const ordered = orderChanges(changes);
    const flagged = ordered.filter((c) => securityFlag(c) !== undefined).length;
    const counts = new Map<string, number>();
    ordered.forEach((c) => counts.set(c.op, (counts.get(c.op) ?? 0) + 1));
    return [
        `${stack}: ${[...counts].map(([op, n]) => `${n} to ${op}`).join(", ")}${flagged > 0 ? `; ${flagged} security-relevant` : ""}`,
        ...ordered.slice(0, max).map((c) => `    ${changeLine(c)}`),
        ...(ordered.length > max ? [`    … and ${ordered.length - max} more (every change is in the --json report)`] : []),
    ];
}
