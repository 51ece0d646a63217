import { evaluatePlanStack } from "../../policy/offline";
import { PROJECT } from "../../stacks/config/common";
import { program } from "../../stacks/program";
import { FleetManifest, FleetStack, hubStackName } from "../fleet/types";
import { runStackProgram } from "./mock/runStackProgram";
import { planOrder, StackToPlan } from "./members";

/** One resource of the plan JSON (contract shared with the policy pack and the driver). */
export interface PlanResource {
    urn: string;
    type: string;
    name: string;
    parent: string | null;
    inputs: Record<string, unknown>;
    /** URNs the resource had before a rename (its `aliases` option); absent when none. */
    aliases?: string[];
}

export interface PlanViolation {
    policy: string;
    enforcementLevel: string;
    stack: string;
    urn?: string;
    message: string;
    fix?: string;
}

export interface PlanStack {
    stack: string;
    role: string;
    account: string;
    region: string;
    regulated?: boolean;
    resources: PlanResource[];
    outputs: Record<string, unknown>;
    violations: PlanViolation[];
}

/** What the plan's report line says of a stack, without its resources (a worker sends it beside the stack's JSON). */
export interface StackSummary {
    readonly stack: string;
    readonly role: string;
    readonly account: string;
    readonly region: string;
    /** Resources to create. */
    readonly resources: number;
    readonly violations: number;
    readonly mandatory: number;
}

export interface PlanDocument {
    version: 1;
    stacks: PlanStack[];
}

/** Placeholder for secret config in offline plans; never a real credential. */
export function offlineSecret(key: string): string {
    return `offline-placeholder-for-${key}`;
}

export interface PlannedStack {
    readonly plan: PlanStack;
    /** Revealed outputs, for dependants' StackReferences only. */
    readonly outputs: Record<string, unknown>;
}

/**
 * Plans one fleet member in-process. `upstream` holds the outputs of stacks planned
 * before it, keyed by fully qualified stack name. `onOutputs` gets the revealed outputs as soon as the
 * program has run, before the stack's policy evaluation and sorting (a parallel plan starts the stacks that
 * read them meanwhile); the evaluation waits for the promise it returns (a worker's send of them, see sendFlushed).
 */
export async function planStack(stack: StackToPlan, upstream: ReadonlyMap<string, Record<string, unknown>>, onOutputs?: (outputs: Record<string, unknown>) => void | Promise<void>): Promise<PlannedStack> {
    const config: Record<string, unknown> = { ...stack.config };
    const secretKeys: string[] = [];
    for (const key of stack.secrets) {
        const full = `${PROJECT}:${key}`;
        config[full] = offlineSecret(key);
        secretKeys.push(full);
    }
    const result = await runStackProgram({
        project: PROJECT,
        stack: stack.name,
        config,
        secretKeys,
        context: { account: stack.account, region: stack.region, stackOutputs: upstream },
        program,
    });
    await onOutputs?.(result.outputs);
    const plan: PlanStack = {
        stack: stack.name,
        role: stack.role,
        account: stack.account,
        region: stack.region,
        regulated: stack.regulated,
        // Registration order depends on promise timing; URN order makes plans diffable.
        resources: result.resources
            .map((r) => ({ urn: r.urn, type: r.type, name: r.name, parent: r.parent, inputs: r.inputs, ...(r.aliases !== undefined ? { aliases: [...r.aliases] } : {}) }))
            .sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0)),
        outputs: result.publicOutputs,
        violations: [],
    };
    // The same policy objects the real pack registers, evaluated where the plan was made.
    plan.violations = evaluatePlanStack(plan);
    return { plan, outputs: result.outputs };
}

export interface PlanEvents {
    onStack?(planned: PlanStack): void | Promise<void>;
    /**
     * A stack planned in a worker process, as its plan-file text (planText.ts stackJson; `JSON.parse` gives the
     * stack) and its summary. When absent, a worker's stack is parsed and handed to `onStack`.
     */
    onStackJson?(summary: StackSummary, json: string): void | Promise<void>;
    onFailure?(stack: FleetStack, error: Error): void;
}

/**
 * Plans the fleet in one process, hub first. A failed stack is reported and its
 * dependants skipped; independent stacks still run.
 */
export async function planFleet(manifest: FleetManifest, events: PlanEvents = {}, selected?: ReadonlySet<string>): Promise<{ failed: string[]; skipped: string[] }> {
    const upstream = new Map<string, Record<string, unknown>>();
    const failed: string[] = [];
    const skipped: string[] = [];
    const hubRef = hubStackName(manifest);
    for (const s of planOrder(manifest, selected)) {
        // A stack's program is one long promise chain that starves the event loop; yield between
        // stacks so a Ctrl-C (a loop callback) is handled within a stack, not after the whole fleet.
        await new Promise((resolve) => setImmediate(resolve));
        const blockedBy = s.dependsOn.filter((d) => failed.includes(d) || skipped.includes(d));
        if (blockedBy.length > 0) {
            skipped.push(s.name);
            events.onFailure?.(s, new Error(`skipped: depends on ${blockedBy.join(", ")} which did not plan`));
            continue;
        }
        try {
            const planned = await planStack(s, upstream);
            if (s.role === "hub") {
                upstream.set(hubRef, planned.outputs);
            }
            await events.onStack?.(planned.plan);
        } catch (e) {
            failed.push(s.name);
            events.onFailure?.(s, e instanceof Error ? e : new Error(String(e)));
        }
    }
    return { failed, skipped };
}
