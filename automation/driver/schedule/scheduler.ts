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

type ScheduleOptions = { readonly stop?: AbortSignal; readonly hooks?: ScheduleHooks };

/** The state of one schedule: every stack's state, what is in flight, the failures so far. */
class Schedule {
    private readonly states = new Map<string, { state: StackState; wave: Wave["name"]; reason?: string }>();
    private readonly dependents: Map<string, string[]>;
    private running = 0;
    private maxInFlight = 0;
    private mainFailures = 0;
    stopReason: string | undefined;

    constructor(
        private readonly plan: WavePlan,
        private readonly policy: SchedulerPolicy,
        private readonly task: (name: string, wave: Wave) => Promise<TaskOutcome>,
        private readonly opts: ScheduleOptions,
    ) {
        for (const w of plan.waves) {
            for (const name of w.stacks) {
                this.states.set(name, { state: "pending", wave: w.name });
            }
        }
        this.dependents = dependentsOf(plan.prerequisites);
    }

    stopped(): boolean {
        return this.stopReason !== undefined || this.opts.stop?.aborted === true;
    }

    /** Runs one wave until nothing in it is running or can start. */
    runWave(wave: Wave): Promise<void> {
        return new Promise<void>((resolve) => this.pump(wave, resolve));
    }

    /** Marks what never started as not-run and returns the result. */
    result(): ScheduleResult {
        const leftover = this.stopReason ?? (this.opts.stop?.aborted ? "cancelled before it started" : "a prerequisite did not succeed");
        for (const [name, entry] of this.states) {
            if (entry.state === "pending") {
                this.set(name, "not-run", leftover);
            }
        }
        return { stacks: this.states, stopReason: this.stopReason ?? (this.opts.stop?.aborted ? "cancelled" : undefined), maxInFlight: this.maxInFlight, mainFailures: this.mainFailures };
    }

    private set(name: string, state: StackState, reason?: string): void {
        const entry = this.states.get(name)!;
        entry.state = state;
        entry.reason = reason;
        this.opts.hooks?.onState?.(name, state, { wave: entry.wave, reason, running: this.running });
    }

    private ready(name: string): boolean {
        return (this.plan.prerequisites.get(name) ?? []).every((p) => !this.states.has(p) || this.states.get(p)!.state === "succeeded");
    }

    private skipDependents(root: string): void {
        const queue = [...(this.dependents.get(root) ?? [])];
        while (queue.length > 0) {
            const name = queue.shift()!;
            if (this.states.get(name)?.state === "pending") {
                this.set(name, "skipped", `depends on ${root}, which failed`);
                queue.push(...(this.dependents.get(name) ?? []));
            }
        }
    }

    private cap(wave: Wave): number {
        const policy = this.policy;
        return wave.kind === "main" ? effectiveConcurrency(policy.concurrency, policy.failureTolerance, this.mainFailures, policy.mode) : policy.concurrency;
    }

    private finish(wave: Wave, name: string, outcome: TaskOutcome, resolve: () => void): void {
        this.running--;
        this.set(name, outcome, outcome === "not-run" ? "cancelled before it started" : undefined);
        if (outcome === "failed") {
            this.skipDependents(name);
            if (wave.kind === "main") {
                this.mainFailures++;
                if (this.mainFailures > this.policy.failureTolerance) {
                    this.stopReason ??= `failure tolerance exceeded: ${this.mainFailures} failed in the main wave, ${this.policy.failureTolerance} tolerated`;
                }
            } else if (wave.kind === "gate") {
                this.stopReason ??= `${wave.name} stack ${name} failed`;
            }
        }
        this.pump(wave, resolve);
    }

    private start(wave: Wave, name: string, resolve: () => void): void {
        this.running++;
        this.maxInFlight = Math.max(this.maxInFlight, this.running);
        this.set(name, "running");
        let outcome: Promise<TaskOutcome>;
        try {
            outcome = this.task(name, wave);
        } catch {
            outcome = Promise.resolve("failed");
        }
        outcome.then(
            (o) => this.finish(wave, name, o, resolve),
            () => this.finish(wave, name, "failed", resolve),
        );
    }

    private pump(wave: Wave, resolve: () => void): void {
        for (const name of wave.stacks) {
            // Re-checked per start: a task may request a stop synchronously when it starts.
            if (this.stopped() || this.running >= this.cap(wave)) {
                break;
            }
            if (this.states.get(name)!.state === "pending" && this.ready(name)) {
                this.start(wave, name, resolve);
            }
        }
        if (this.running === 0) {
            resolve();
        }
    }
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
    opts: ScheduleOptions = {},
): Promise<ScheduleResult> {
    const schedule = new Schedule(plan, policy, task, opts);
    for (const wave of plan.waves) {
        if (schedule.stopped()) {
            break;
        }
        await schedule.runWave(wave);
        if (!schedule.stopped() && opts.hooks?.afterWave !== undefined) {
            const reason = await opts.hooks.afterWave(wave);
            if (reason !== undefined) {
                schedule.stopReason ??= reason;
            }
        }
    }
    return schedule.result();
}
