/**
 * The load-balancing graph of one stack: listeners, their load balancers and target groups, the
 * endpoint services that publish a load balancer, and the ECS services/task definitions behind a
 * target group. References are ARNs that a preview often does not know, so a reference is resolved
 * by property dependency first, then by the name inside a known ARN, then (when it is unknown) to
 * the only candidate of the stack.
 */
import { PolicyResource } from "@pulumi/policy";
import { asArray, asString, isRecord, knownValue } from "../values";

/** Module names @pulumi/aws uses (and its aliases keep accepting) for ELBv2 types. */
const ELBV2 = /^aws:(lb|alb|elasticloadbalancingv2|applicationloadbalancing)\/(listener|loadBalancer|targetGroup|targetGroupAttachment):/;

export type Elbv2Kind = "listener" | "loadBalancer" | "targetGroup" | "targetGroupAttachment";

export function elbv2Kind(type: string): Elbv2Kind | undefined {
    return ELBV2.exec(type)?.[2] as Elbv2Kind | undefined;
}

export function isClassicElb(type: string): boolean {
    return /^aws:(elb|elasticloadbalancing)\/loadBalancer:LoadBalancer$/.test(type);
}

export const ENDPOINT_SERVICE = "aws:ec2/vpcEndpointService:VpcEndpointService";
export const ECS_SERVICE = "aws:ecs/service:Service";
export const ECS_TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition";

/** A plain copy of a value in which every value the preview does not know is undefined (the SDK proxy throws on them). */
function knownCopy(read: () => unknown, depth = 0): unknown {
    const v = knownValue(read);
    if (depth > 20 || typeof v !== "object" || v === null) {
        return v;
    }
    if (Array.isArray(v)) {
        return Array.from({ length: knownValue(() => v.length) ?? 0 }, (_, i) => knownCopy(() => v[i] as unknown, depth + 1));
    }
    const keys = knownValue(() => Object.keys(v)) ?? [];
    return Object.fromEntries(keys.map((k) => [k, knownCopy(() => (v as Record<string, unknown>)[k], depth + 1)]));
}

/** A property read that yields undefined, at any depth, where the preview does not know the value, instead of throwing. */
export function prop(r: PolicyResource, key: string): unknown {
    return knownCopy(() => r.props[key]);
}

/** Names a resource may carry in AWS: its name input, or the auto-name Pulumi derives from the logical name. */
function awsNameMatches(r: PolicyResource, awsName: string, nameKey = "name"): boolean {
    const name = asString(prop(r, nameKey));
    if (name !== undefined) {
        return name === awsName;
    }
    const prefix = asString(prop(r, "namePrefix"));
    if (prefix !== undefined) {
        return awsName.startsWith(prefix);
    }
    // Pulumi auto-names `<logical name>-<7 random hex>` (truncated to the type's maximum length).
    return awsName === r.name || new RegExp(`^${r.name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}-[0-9a-f]{7}$`).test(awsName);
}

/** The AWS name inside an ELB/ECS/SSM ARN, by resource kind. */
function arnName(arn: string): { kind: string; name: string } | undefined {
    const patterns: [string, RegExp][] = [
        ["loadBalancer", /:loadbalancer\/(?:app|net|gwy)\/([^/]+)\/[^/]+$/],
        ["targetGroup", /:targetgroup\/([^/]+)\/[^/]+$/],
        ["taskDefinition", /:task-definition\/([^:/]+)(?::\d+)?$/],
        ["parameter", /:parameter(\/.+)$/],
        ["secret", /:secret:(.+?)(?:-[A-Za-z0-9]{6})?$/],
    ];
    for (const [kind, re] of patterns) {
        const m = re.exec(arn);
        if (m) {
            return { kind, name: m[1] };
        }
    }
    return undefined;
}

/** Does the reference value name this resource (by ARN/ID/name)? */
export function valueNames(value: string, r: PolicyResource): boolean {
    if (value === asString(prop(r, "arn")) || value === asString(prop(r, "id"))) {
        return true;
    }
    const parsed = arnName(value);
    const kind = elbv2Kind(r.type);
    if (parsed === undefined) {
        // A bare name or family (task definitions are often referenced as `family` or `family:rev`).
        if (r.type === ECS_TASK_DEFINITION) {
            const family = asString(prop(r, "family"));
            return family !== undefined && value.split(":")[0] === family;
        }
        return false;
    }
    if (parsed.kind === "loadBalancer" && kind === "loadBalancer") return awsNameMatches(r, parsed.name);
    if (parsed.kind === "targetGroup" && kind === "targetGroup") return awsNameMatches(r, parsed.name);
    if (parsed.kind === "taskDefinition" && r.type === ECS_TASK_DEFINITION) return asString(prop(r, "family")) === parsed.name;
    if (parsed.kind === "parameter" && r.type === "aws:ssm/parameter:Parameter") {
        const name = asString(prop(r, "name")) ?? r.name;
        return name === parsed.name || `/${name}` === parsed.name;
    }
    if (parsed.kind === "secret" && r.type === "aws:secretsmanager/secret:Secret") return (asString(prop(r, "name")) ?? r.name) === parsed.name;
    return false;
}

export interface Resolved {
    resources: PolicyResource[];
    /** Some reference named nothing in the stack (another stack's resource, or unknown with several candidates). */
    unresolved: boolean;
}

/**
 * Resolves the references held in `values` (ARN strings, possibly unknown) of `from`'s property
 * `key` among `candidates`.
 */
export function resolveRefs(from: PolicyResource, key: string, values: unknown[], candidates: PolicyResource[]): Resolved {
    const deps = (from.propertyDependencies?.[key] ?? []).filter((d) => candidates.some((c) => c.urn === d.urn));
    if (deps.length > 0) {
        return { resources: candidates.filter((c) => deps.some((d) => d.urn === c.urn)), unresolved: false };
    }
    const found = new Set<PolicyResource>();
    let unresolved = false;
    for (const v of values) {
        const s = asString(v);
        const hits = s === undefined ? [] : candidates.filter((c) => valueNames(s, c));
        if (hits.length > 0) {
            hits.forEach((h) => found.add(h));
        } else if (s === undefined && candidates.length === 1) {
            found.add(candidates[0]);
        } else {
            unresolved = true;
        }
    }
    return { resources: [...found], unresolved };
}

/** Target-group ARNs a listener's default actions forward to (`targetGroupArn` or weighted `forward.targetGroups`). */
export function forwardedTargetGroups(defaultActions: unknown): unknown[] {
    const out: unknown[] = [];
    for (const a of asArray(defaultActions).filter(isRecord)) {
        if (a.targetGroupArn !== undefined) {
            out.push(a.targetGroupArn);
        }
        const fwd = asArray(a.forward).find(isRecord);
        for (const tg of asArray(fwd?.targetGroups).filter(isRecord)) {
            out.push(tg.arn);
        }
    }
    return out;
}

/** Action types that hand the connection or request to targets. */
export function actionsServe(defaultActions: unknown): boolean {
    const actions = asArray(defaultActions).filter(isRecord);
    return actions.length === 0 || actions.some((a) => {
        const type = asString(a.type);
        return type === undefined || type === "forward" || type.startsWith("authenticate");
    });
}
