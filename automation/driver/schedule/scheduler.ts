import { dependentsOf } from "./graph";
import type { FailureMode, StackState } from "../types";
import type { Wave, WavePlan } from "./waves";

export interface SchedulerPolicy {
    /** Upper bound on stacks in flight. */
    readonly concurrency: number;
    /** Main-wave failures tolerated; the next one stops the rollout. Infinity for read-only operations. */
    readonly failureTolerance: number;
    readonly mode: FailureMode;
}

/** `not-run`: the task was started but stopped before its operation began (e.g. Ctrl-C while it queued). */
export type TaskOutcome = "succeeded" | "failed" | "cancelled" | "not-run";

export interface StackSchedule {
    readonly state: StackState;
    readonly wave: Wave["name"];
    /** Why a stack was skipped or did not run. */
    readonly reason?: string;
}

export interface ScheduleResult {
    readonly stacks: ReadonlyMap<string, StackSchedule>;
    /** Set when the rollout stopped early (gate failure, tolerance exceeded, cancellation). */
    readonly stopReason?: string;
    readonly maxInFlight: number;
    readonly mainFailures: number;
}

export interface ScheduleHooks {
    /** Every state change, in order; `running` is the number in flight after the change. */
    onState?(name: string, state: StackState, info: { readonly wave: Wave["name"]; readonly reason?: string; readonly running: number }): void;
    /**
     * After a wave finished with no stop: a returned reason stops the rollout as a failed gate
     * would (the canary health gate).
     */
    afterWave?(wave: Wave): Promise<string | undefined>;
}

/**
 * Concurrency allowed for new starts in the main wave after `failures` failures.
 * soft: always the cap. strict: shrinks in proportion to the failure budget left,
 * cap × (tolerance + 1 − failures) / (tolerance + 1), at least 1, so each failure slows the
 * fan-out while a healthy rollout still runs at full width (StackSets' strict mode instead caps
 * concurrency at tolerance + 1 from the start, which makes zero-tolerance rollouts serial).
 */
export function effectiveConcurrency(cap: number, tolerance: number, failures: number, mode: FailureMode): number {
    if (mode === "soft" || !Number.isFinite(tolerance)) {
        return cap;
    }
    if (failures > tolerance) {
        return 0;
    }
    return Math.max(1, Math.floor((cap * (tolerance + 1 - failures)) / (tolerance + 1)));
}

/**
 * Runs the waves in order. Within a wave, stacks start in priority order as soon as their
 * prerequisites succeeded and a slot is free. A failure skips everything that (transitively)
 * waits on it; independent stacks continue. A gate failure or exceeding the tolerance stops
 * new starts (running stacks finish); so does `stop`. Never rejects: `task` errors count as failures.
 */
export async function runSchedule(
    plan: WavePlan,
    policy: SchedulerPolicy,
    task: (name: string, wave: Wave) => Promise<TaskOutcome>,
    opts: { readonly stop?: AbortSignal; readonly hooks?: ScheduleHooks } = {},
): Promise<ScheduleResult> {
    const states = new Map<string, { state: StackState; wave: Wave["name"]; reason?: string }>();
    for (const w of plan.waves) {
        for (const name of w.stacks) {
            states.set(name, { state: "pending", wave: w.name });
        }
    }
    const dependents = dependentsOf(plan.prerequisites);
    let running = 0;
    let maxInFlight = 0;
    let mainFailures = 0;
    let stopReason: string | undefined;

    const set = (name: string, state: StackState, reason?: string) => {
        const entry = states.get(name)!;
        entry.state = state;
        entry.reason = reason;
        opts.hooks?.onState?.(name, state, { wave: entry.wave, reason, running });
    };
    const stopped = () => stopReason !== undefined || opts.stop?.aborted === true;
    const ready = (name: string) => (plan.prerequisites.get(name) ?? []).every((p) => !states.has(p) || states.get(p)!.state === "succeeded");
    const skipDependents = (root: string) => {
        const queue = [...(dependents.get(root) ?? [])];
        while (queue.length > 0) {
            const name = queue.shift()!;
            if (states.get(name)?.state === "pending") {
                set(name, "skipped", `depends on ${root}, which failed`);
                queue.push(...(dependents.get(name) ?? []));
            }
        }
    };

    for (const wave of plan.waves) {
        if (stopped()) {
            break;
        }
        await new Promise<void>((resolve) => {
            const cap = () => (wave.kind === "main" ? effectiveConcurrency(policy.concurrency, policy.failureTolerance, mainFailures, policy.mode) : policy.concurrency);
            const finish = (name: string, outcome: TaskOutcome) => {
                running--;
                set(name, outcome, outcome === "not-run" ? "cancelled before it started" : undefined);
                if (outcome === "failed") {
                    skipDependents(name);
                    if (wave.kind === "main") {
                        mainFailures++;
                        if (mainFailures > policy.failureTolerance) {
                            stopReason ??= `failure tolerance exceeded: ${mainFailures} failed in the main wave, ${policy.failureTolerance} tolerated`;
                        }
                    } else if (wave.kind === "gate") {
                        stopReason ??= `${wave.name} stack ${name} failed`;
                    }
                }
                pump();
            };
            const start = (name: string) => {
                running++;
                maxInFlight = Math.max(maxInFlight, running);
                set(name, "running");
                let outcome: Promise<TaskOutcome>;
                try {
                    outcome = task(name, wave);
                } catch {
                    outcome = Promise.resolve("failed");
                }
                outcome.then(
                    (o) => finish(name, o),
                    () => finish(name, "failed"),
                );
            };
            const pump = () => {
                for (const name of wave.stacks) {
                    // Re-checked per start: a task may request a stop synchronously when it starts.
                    if (stopped() || running >= cap()) {
                        break;
                    }
                    if (states.get(name)!.state === "pending" && ready(name)) {
                        start(name);
                    }
                }
                if (running === 0) {
                    resolve();
                }
            };
            pump();
        });
        if (!stopped() && opts.hooks?.afterWave !== undefined) {
            const reason = await opts.hooks.afterWave(wave);
            if (reason !== undefined) {
                stopReason ??= reason;
            }
        }
    }
    const leftover = stopReason ?? (opts.stop?.aborted ? "cancelled before it started" : "a prerequisite did not succeed");
    for (const [name, entry] of states) {
        if (entry.state === "pending") {
            set(name, "not-run", leftover);
        }
    }
    return { stacks: states, stopReason: stopReason ?? (opts.stop?.aborted ? "cancelled" : undefined), maxInFlight, mainFailures };
}
