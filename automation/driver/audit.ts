/**
 * `fleet audit`: the policy pack over what is deployed, not what is planned. For each selected stack
 * the stack's current state is read with `pulumi stack export` (Automation API exportStack), after a
 * `pulumi refresh` when asked, and the pack's own validate functions run over its resources through
 * the offline evaluator (policy/offline), exactly as `npm run policy -- check` runs them over a plan:
 * same policies, same configuration, same stack tags. A console change that opens an ingress or widens
 * a trust policy is then reported at the next audit instead of at the next preview of that stack.
 *
 * What a resource policy sees is the resource's inputs with its outputs laid over them: outputs are
 * what the provider last read (after a refresh, what is deployed); the bridged AWS provider returns
 * inputs from Read as well (pulumi/pulumi#13839), so both agree after a refresh. Secret values stay
 * encrypted in the export and are read as unknown, like values a preview does not know.
 */
import { evaluatePlanStack, PlanResource, PlanStack, Violation } from "../../policy/offline";
import { InputError } from "../../policy/offline/types";
import type { Orphan } from "../fleet/orphans";
import type { FleetStack } from "../fleet/types";

/** Pulumi's marker for a secret value in a state file (sdk/go/common/resource/sig). */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270";
/** The engine's "unknown" sentinel (the evaluator treats it as a value not known yet). */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

interface StateResource {
    urn?: unknown;
    type?: unknown;
    custom?: unknown;
    delete?: unknown;
    parent?: unknown;
    provider?: unknown;
    inputs?: unknown;
    outputs?: unknown;
    dependencies?: unknown;
    propertyDependencies?: unknown;
}

function isRecord(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A state value with every encrypted secret replaced by the unknown sentinel. */
export function withoutSecrets(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(withoutSecrets);
    }
    if (!isRecord(value)) {
        return value;
    }
    if (value[SECRET_SIG] === SECRET_VALUE) {
        return UNKNOWN;
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutSecrets(v)]));
}

/** The resources of an exported deployment (`{ version, deployment: { resources } }`), in the evaluator's form. */
export function stateResources(exported: unknown, stack: string): PlanResource[] {
    const deployment = isRecord(exported) && isRecord(exported.deployment) ? exported.deployment : undefined;
    if (deployment === undefined) {
        throw new InputError(`stack ${stack}: the exported state has no deployment; is the stack deployed?`);
    }
    const resources = Array.isArray(deployment.resources) ? (deployment.resources as StateResource[]) : [];
    return resources.filter((r) => typeof r.urn === "string" && typeof r.type === "string" && r.delete !== true).map((r) => {
        const urn = r.urn as string;
        const inputs = isRecord(r.inputs) ? r.inputs : {};
        const outputs = r.custom === true && isRecord(r.outputs) ? r.outputs : {};
        return {
            urn,
            type: r.type as string,
            name: urn.split("::").pop() ?? urn,
            parent: typeof r.parent === "string" ? r.parent : null,
            inputs: withoutSecrets({ ...inputs, ...outputs }) as Record<string, unknown>,
            ...(typeof r.provider === "string" ? { provider: r.provider } : {}),
            ...(Array.isArray(r.dependencies) ? { dependencies: r.dependencies.filter((d): d is string => typeof d === "string") } : {}),
            ...(isRecord(r.propertyDependencies) ? { propertyDependencies: r.propertyDependencies as Record<string, string[]> } : {}),
        };
    });
}

/** The stack as the evaluator takes it: the manifest's role, account and regulated flag, the stack's real tags. */
export function auditPlanStack(stack: FleetStack, exported: unknown, tags: Record<string, string> = {}): PlanStack {
    return {
        stack: stack.name,
        role: stack.role,
        account: stack.account,
        region: stack.region,
        regulated: stack.regulated,
        tags,
        resources: stateResources(exported, stack.name),
    };
}

export interface StackAudit {
    readonly stack: string;
    readonly role: string;
    readonly account: string;
    readonly refreshed: boolean;
    readonly resources: number;
    /** Why the stack could not be audited (not deployed, backend error); then no violations are known. */
    readonly error?: string;
    readonly violations: readonly Violation[];
}

export function auditStack(stack: FleetStack, exported: unknown, opts: { refreshed: boolean; tags?: Record<string, string>; config?: Record<string, unknown> }): StackAudit {
    const plan = auditPlanStack(stack, exported, opts.tags);
    return {
        stack: stack.name, role: stack.role, account: stack.account, refreshed: opts.refreshed, resources: plan.resources.length,
        violations: evaluatePlanStack(plan, opts.config !== undefined ? { config: opts.config } : {}),
    };
}

export interface AuditReport {
    readonly version: 1;
    readonly startedAt: string;
    readonly stacks: ReadonlyArray<StackAudit & { readonly byPolicy: Record<string, number> }>;
    /** Backend stacks no manifest entry explains (left running and billed by a removed entry); absent when the backend could not be listed. */
    readonly orphans?: readonly Orphan[];
    readonly summary: { readonly stacks: number; readonly failed: number; readonly mandatory: number; readonly advisory: number; readonly orphans: number; readonly byPolicy: Record<string, number> };
}

function countByPolicy(violations: readonly Violation[]): Record<string, number> {
    const byPolicy: Record<string, number> = {};
    for (const v of violations) {
        byPolicy[v.policy] = (byPolicy[v.policy] ?? 0) + 1;
    }
    return byPolicy;
}

export function auditReport(stacks: readonly StackAudit[], startedAt: Date, orphans?: readonly Orphan[]): AuditReport {
    const all = stacks.flatMap((s) => s.violations);
    const byPolicy = countByPolicy(all);
    return {
        version: 1,
        startedAt: startedAt.toISOString(),
        stacks: stacks.map((s) => ({ ...s, byPolicy: countByPolicy(s.violations) })),
        ...(orphans !== undefined ? { orphans } : {}),
        summary: {
            stacks: stacks.length,
            failed: stacks.filter((s) => s.error !== undefined).length,
            mandatory: all.filter((v) => v.enforcementLevel === "mandatory").length,
            advisory: all.filter((v) => v.enforcementLevel !== "mandatory").length,
            orphans: orphans?.length ?? 0,
            byPolicy,
        },
    };
}

/** 0 nothing found, 1 a mandatory violation, a stack that could not be audited, or a backend stack no entry explains. */
export function auditExitCode(report: AuditReport): number {
    return report.summary.mandatory > 0 || report.summary.failed > 0 || report.summary.orphans > 0 ? 1 : 0;
}
