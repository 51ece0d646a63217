import { ChildProcess } from "child_process";
import { FleetManifest, FleetStack, hubStackName } from "../fleet/types";
import { planOrder, stackToPlan } from "./members";
import type { PlanEvents, PlanStack, StackSummary } from "./plan";
import { FromWorker, ToWorker } from "./protocol";
import { forkWorker, WorkerPool, workerEntry } from "./workerPool";

export interface ParallelOptions {
    readonly workers: number;
    readonly selected?: ReadonlySet<string>;
    /** Repository root (where Pulumi.yaml is). */
    readonly root: string;
    /** Workers started before the manifest was read (command.ts); taken before any new one is forked. */
    readonly pool?: WorkerPool;
}

export interface ParallelResult {
    failed: string[];
    skipped: string[];
    /**
     * Peak resident memory (KiB) of the parent plus the workers that were alive at the same time: an upper bound of
     * the plan's peak total (each process's own peak, summed over the processes that overlapped; see concurrentPeakKiB).
     */
    peakRssKiB: number;
}

/** What the queue reports when every worker has exited. */
export interface QueueResult {
    failed: string[];
    skipped: string[];
    /** The workers' share of ParallelResult.peakRssKiB. */
    workersPeakKiB: number;
}

interface Worker {
    proc: ChildProcess;
    /** Started to plan the hub (SpawnWorker's `forHub`): the only worker the hub is sent to. */
    readonly forHub: boolean;
    busy?: string;
    /** Version of `upstream` this worker holds (-1: none yet). */
    upstreamVersion: number;
    /** When it started and exited (the queue's clock), and its peak RSS so far at each of its reports. */
    startedAt: number;
    exitedAt?: number;
    peaks: PeakReport[];
}

/** A worker's peak resident memory so far (KiB), as it reported it at `at` (the queue's clock). */
export interface PeakReport {
    readonly at: number;
    readonly peakKiB: number;
}

/** A worker's lifetime and peak reports, as concurrentPeakKiB reads them. */
export interface WorkerSpan {
    readonly startedAt: number;
    readonly exitedAt?: number;
    /** In time order; the last is its goodbye, sent just before it exits. */
    readonly peaks: readonly PeakReport[];
}

/**
 * The most the workers can have held at once, from what each reported. A worker's memory at instant t is at most the
 * peak-so-far of its first report after t (or its last report, between its goodbye and its exit); the sum of that over
 * the workers alive at t bounds the total. Each bound only changes at a start or a report, so those instants suffice.
 * Sharper than the sum of every worker's peak: a worker that waits (for the hub) or has left (after it) counts what it
 * held then, not its peak of another phase.
 */
export function concurrentPeakKiB(spans: readonly WorkerSpan[]): number {
    const bound = (w: WorkerSpan, t: number) => (w.peaks.find((r) => r.at > t) ?? w.peaks[w.peaks.length - 1])?.peakKiB ?? 0;
    const alive = (t: number) => spans.filter((w) => w.startedAt <= t && (w.exitedAt === undefined || w.exitedAt > t));
    const instants = spans.flatMap((w) => [w.startedAt, ...w.peaks.map((r) => r.at)]);
    return Math.max(0, ...instants.map((t) => alive(t).reduce((sum, w) => sum + bound(w, t), 0)));
}

/**
 * Starts worker `i` (a forked worker.js; tests pass a stand-in); `forHub`: the worker that will plan the hub, and
 * nothing else (it leaves after it, see PlanQueue.retire).
 */
export type SpawnWorker = (i: number, forHub: boolean) => ChildProcess;

/** One parallel plan: the queue of stacks, the workers, and what they reported. */
export class PlanQueue {
    private readonly byName: Map<string, FleetStack>;
    private readonly pending: FleetStack[];
    private readonly done = new Set<string>();
    /** Stacks whose outputs arrived (an `outputs` report) before their plan: their dependants may start. */
    private readonly outputsIn = new Set<string>();
    /**
     * Results of stacks planned on a prerequisite's early outputs, held until that prerequisite's own result: a
     * stack is reported after the stacks it depends on, and not as planned if one of them then failed.
     */
    private held: Array<{ stack: FleetStack; summary: StackSummary; json: string }> = [];
    private readonly failed: string[] = [];
    private readonly skipped: string[] = [];
    private readonly upstream = new Map<string, Record<string, unknown>>();
    private upstreamVersion = 0;
    private readonly hubRef: string;
    /** Workers that take stacks; `all` also keeps the retired ones until the end, for the memory figure. */
    private readonly workers: Worker[] = [];
    private readonly all: Worker[] = [];
    private spawn: SpawnWorker = () => {
        throw new Error("PlanQueue.start was not called");
    };
    private reject: (e: Error) => void = () => undefined;
    private finishing = false;

    constructor(
        manifest: FleetManifest,
        order: readonly FleetStack[],
        private readonly events: PlanEvents,
        private readonly resolve: (result: QueueResult) => void,
        /** The queue's clock for worker lifetimes (tests pass their own). */
        private readonly now: () => number = () => performance.now(),
    ) {
        this.byName = new Map(order.map((s) => [s.name, s]));
        this.pending = [...order];
        this.hubRef = hubStackName(manifest);
    }

    /** Starts `count` workers; a worker that dies before the end rejects the plan. */
    start(spawn: SpawnWorker, count: number, reject: (e: Error) => void): void {
        this.spawn = spawn;
        this.reject = reject;
        const hubPending = this.pending.some((s) => s.role === "hub");
        for (let i = 0; i < count; i++) {
            this.startWorker(hubPending && i === 0);
        }
    }

    private startWorker(forHub = false): Worker {
        const i = this.all.length;
        const w: Worker = { proc: this.spawn(i, forHub), forHub, upstreamVersion: -1, startedAt: this.now(), peaks: [] };
        w.proc.on("message", (msg: FromWorker) => void this.onMessage(w, msg));
        w.proc.on("exit", (code) => {
            w.exitedAt = this.now();
            if (!this.finishing && code !== 0) {
                this.reject(new Error(`plan worker ${i} exited with code ${code}${w.busy ? ` while planning ${w.busy}` : ""}`));
            }
        });
        this.workers.push(w);
        this.all.push(w);
        return w;
    }

    /**
     * The worker that planned the hub leaves, and a fresh one takes its place once it has exited. The hub is the one
     * stack whose resources grow with the fleet (its tenants); the memory it took stays with its process (V8 keeps the
     * heap it grew), so a worker that went on to plan spokes carried the hub's peak to the end of the plan. Replaced,
     * the hub's peak and the spokes' never overlap in one process, and the fresh worker starts while its peer already
     * plans spokes.
     */
    private retire(w: Worker): void {
        this.workers.splice(this.workers.indexOf(w), 1);
        w.proc.once("exit", () => {
            if (!this.finishing) {
                this.startWorker();
            }
        });
        w.proc.send({ type: "exit" } satisfies ToWorker);
    }

    private finish(): void {
        if (this.finishing) {
            return;
        }
        this.finishing = true;
        const exited = (w: Worker) => (w.exitedAt !== undefined ? Promise.resolve() : new Promise<void>((resolve) => w.proc.once("exit", () => resolve())));
        void Promise.all(this.all.map(exited)).then(() => this.resolve({ failed: this.failed, skipped: this.skipped, workersPeakKiB: concurrentPeakKiB(this.all) }));
        for (const w of this.workers) {
            w.proc.send({ type: "exit" } satisfies ToWorker);
        }
    }

    /** Drops (as skipped) every pending stack whose prerequisite failed or was skipped. */
    private skipBlocked(): void {
        for (let i = 0; i < this.pending.length; i++) {
            const s = this.pending[i];
            const blocked = this.blockers(s);
            if (blocked.length > 0) {
                this.pending.splice(i--, 1);
                this.skipped.push(s.name);
                this.events.onFailure?.(s, new Error(`skipped: depends on ${blocked.join(", ")} which did not plan`));
            }
        }
    }

    /** Prerequisites of `s` (in this plan) that failed or were skipped. */
    private blockers(s: FleetStack): string[] {
        return s.dependsOn.filter((d) => this.byName.has(d) && (this.failed.includes(d) || this.skipped.includes(d)));
    }

    /** Reports a planned stack, or holds it while a prerequisite it was planned on has only sent its outputs. */
    private report(s: FleetStack, summary: StackSummary, json: string): void | Promise<void> {
        const blocked = this.blockers(s);
        if (blocked.length > 0) {
            this.skipped.push(s.name);
            this.events.onFailure?.(s, new Error(`skipped: depends on ${blocked.join(", ")} which did not plan`));
            return;
        }
        if (!s.dependsOn.every((d) => !this.byName.has(d) || this.done.has(d))) {
            this.held.push({ stack: s, summary, json });
            return;
        }
        this.done.add(s.name);
        return this.events.onStackJson !== undefined ? this.events.onStackJson(summary, json) : this.events.onStack?.(JSON.parse(json) as PlanStack);
    }

    /** Reports (or skips) the held results whose prerequisites have all finished, in the order they arrived. */
    private release(): Promise<void> | undefined {
        const finished = (d: string) => !this.byName.has(d) || this.done.has(d) || this.failed.includes(d) || this.skipped.includes(d);
        const due = this.held.filter((h) => h.stack.dependsOn.every(finished));
        if (due.length === 0) {
            return undefined; // no await: the worker is freed in this turn, as for any other result
        }
        this.held = this.held.filter((h) => !due.includes(h));
        return (async () => {
            for (const h of due) {
                await this.report(h.stack, h.summary, h.json);
            }
        })();
    }

    /** Sends a ready stack to every idle worker; finishes when nothing is pending or running. */
    private dispatch(): void {
        this.skipBlocked();
        const ready = (s: FleetStack) => s.dependsOn.every((d) => !this.byName.has(d) || this.done.has(d) || this.outputsIn.has(d));
        for (const w of this.workers) {
            if (w.busy !== undefined) {
                continue;
            }
            const next = this.pending.findIndex((s) => ready(s) && (s.role === "hub") === w.forHub);
            if (next < 0) {
                break;
            }
            const [s] = this.pending.splice(next, 1);
            w.busy = s.name;
            const upstream = w.upstreamVersion !== this.upstreamVersion ? [...this.upstream] : undefined;
            w.upstreamVersion = this.upstreamVersion;
            w.proc.send({ type: "plan", member: stackToPlan(s), ...(upstream !== undefined ? { upstream } : {}) } satisfies ToWorker);
        }
        if (this.pending.length === 0 && this.held.length === 0 && this.workers.every((w) => w.busy === undefined)) {
            this.finish();
        }
    }

    private async onMessage(w: Worker, msg: FromWorker): Promise<void> {
        if (msg.type !== "ready") {
            w.peaks.push({ at: this.now(), peakKiB: msg.maxRssKiB });
        }
        if ((msg.type === "planned" || msg.type === "failed" || msg.type === "outputs") && w.busy !== msg.stack) {
            // A second report of a stack (a stray rejection reported before the stack's own failure):
            // counting it would count the stack twice ("[2052/2051]") and free a worker that is busy with
            // its next stack. The first report stands.
            return;
        }
        if (msg.type === "ready") {
            this.dispatch();
        } else if (msg.type === "outputs") {
            if (this.byName.get(msg.stack)!.role === "hub") {
                this.upstream.set(this.hubRef, msg.outputs);
                this.upstreamVersion++;
                this.outputsIn.add(msg.stack);
                this.dispatch();
            }
        } else if (msg.type === "planned") {
            const s = this.byName.get(msg.stack)!;
            if (s.role === "hub" && !this.outputsIn.has(s.name)) {
                this.upstream.set(this.hubRef, msg.outputs);
                this.upstreamVersion++;
            }
            // Retired before its result is written (the hub's is the largest): its replacement starts once it has exited.
            if (s.role === "hub" && this.pending.length > 0) {
                this.retire(w);
            }
            await this.report(s, msg.summary, msg.json);
            const releasing = this.release();
            if (releasing !== undefined) {
                await releasing;
            }
            w.busy = undefined;
            this.dispatch();
        } else if (msg.type === "failed") {
            this.failed.push(msg.stack);
            this.events.onFailure?.(this.byName.get(msg.stack)!, new Error(msg.message));
            const releasing = this.release();
            if (releasing !== undefined) {
                await releasing;
            }
            w.busy = undefined;
            this.dispatch();
        }
    }
}

/**
 * Plans the fleet on `workers` processes: the hub first, then every other stack from a
 * shared queue (a stack is sent as soon as a worker is free and its dependencies planned),
 * results handed to `events` in completion order.
 */
export async function planFleetParallel(manifest: FleetManifest, opts: ParallelOptions, events: PlanEvents): Promise<ParallelResult> {
    // From the pool's when there is one: under ts-node, workerEntry transpiles what changed, and once is enough.
    const entry = opts.pool?.entry ?? workerEntry(opts.root);
    const order = planOrder(manifest, opts.selected);
    return new Promise<ParallelResult>((resolve, reject) => {
        const spawn: SpawnWorker = (_i, forHub) => opts.pool?.take(forHub) ?? forkWorker(entry, forHub);
        const done = (r: QueueResult) => resolve({ failed: r.failed, skipped: r.skipped, peakRssKiB: process.resourceUsage().maxRSS + r.workersPeakKiB });
        new PlanQueue(manifest, order, events, done).start(spawn, Math.max(1, Math.min(opts.workers, order.length)), reject);
    });
}
