import { ChildProcess, fork } from "child_process";
import * as path from "path";
import { FleetManifest, FleetStack, hubStackName } from "../fleet/types";
import { compileProject } from "./compile";
import { PlanEvents, planOrder, PlanStack } from "./plan";
import { FromWorker, ToWorker } from "./protocol";

export interface ParallelOptions {
    readonly workers: number;
    readonly selected?: ReadonlySet<string>;
    /** Repository root (where Pulumi.yaml is). */
    readonly root: string;
}

export interface ParallelResult {
    failed: string[];
    skipped: string[];
    /** Peak resident memory of the parent plus every worker (KiB): an upper bound of the peak total. */
    peakRssKiB: number;
}

interface Worker {
    proc: ChildProcess;
    busy?: string;
    /** Version of `upstream` this worker holds (-1: none yet). */
    upstreamVersion: number;
}

/**
 * Compiled worker entry. Running compiled (bin/ from automation/cli/launch.ts, or dist/<build>/ from
 * the installed command), the worker is this build's own, never another build's; from source
 * (tests), the project is transpiled into bin/ (git-ignored) first.
 */
function workerEntry(root: string): string {
    if (!__filename.endsWith(".ts")) {
        return path.join(__dirname, "worker.js");
    }
    const outDir = path.join(root, "bin");
    compileProject(root, outDir);
    return path.join(outDir, "automation", "plan", "worker.js");
}

/** Starts worker `i` (a forked worker.js; tests pass a stand-in). */
export type SpawnWorker = (i: number) => ChildProcess;

/** One parallel plan: the queue of stacks, the workers, and what they reported. */
export class PlanQueue {
    private readonly byName: Map<string, FleetStack>;
    private readonly pending: FleetStack[];
    private readonly done = new Set<string>();
    private readonly failed: string[] = [];
    private readonly skipped: string[] = [];
    private readonly upstream = new Map<string, Record<string, unknown>>();
    private upstreamVersion = 0;
    private readonly hubRef: string;
    private readonly workers: Worker[] = [];
    private workersRssKiB = 0;
    private finishing = false;

    constructor(
        private readonly manifest: FleetManifest,
        order: readonly FleetStack[],
        private readonly events: PlanEvents,
        private readonly resolve: (result: ParallelResult) => void,
    ) {
        this.byName = new Map(order.map((s) => [s.name, s]));
        this.pending = [...order];
        this.hubRef = hubStackName(manifest);
    }

    /** Starts `count` workers; a worker that dies before the end rejects the plan. */
    start(spawn: SpawnWorker, count: number, reject: (e: Error) => void): void {
        for (let i = 0; i < count; i++) {
            const proc = spawn(i);
            const w: Worker = { proc, upstreamVersion: -1 };
            proc.on("message", (msg: FromWorker) => void this.onMessage(w, msg));
            proc.on("exit", (code) => {
                if (!this.finishing && code !== 0) {
                    reject(new Error(`plan worker ${i} exited with code ${code}${w.busy ? ` while planning ${w.busy}` : ""}`));
                }
            });
            this.workers.push(w);
        }
    }

    private finish(): void {
        if (this.finishing) {
            return;
        }
        this.finishing = true;
        let alive = this.workers.length;
        for (const w of this.workers) {
            w.proc.once("exit", () => {
                if (--alive === 0) {
                    this.resolve({ failed: this.failed, skipped: this.skipped, peakRssKiB: process.resourceUsage().maxRSS + this.workersRssKiB });
                }
            });
            w.proc.send({ type: "exit" } satisfies ToWorker);
        }
    }

    /** Drops (as skipped) every pending stack whose prerequisite failed or was skipped. */
    private skipBlocked(): void {
        const blockedBy = (s: FleetStack) => s.dependsOn.filter((d) => this.byName.has(d) && (this.failed.includes(d) || this.skipped.includes(d)));
        for (let i = 0; i < this.pending.length; i++) {
            const s = this.pending[i];
            const blocked = blockedBy(s);
            if (blocked.length > 0) {
                this.pending.splice(i--, 1);
                this.skipped.push(s.name);
                this.events.onFailure?.(s, new Error(`skipped: depends on ${blocked.join(", ")} which did not plan`));
            }
        }
    }

    /** Sends a ready stack to every idle worker; finishes when nothing is pending or running. */
    private dispatch(): void {
        this.skipBlocked();
        const ready = (s: FleetStack) => s.dependsOn.every((d) => !this.byName.has(d) || this.done.has(d));
        for (const w of this.workers) {
            if (w.busy !== undefined) {
                continue;
            }
            const next = this.pending.findIndex(ready);
            if (next < 0) {
                break;
            }
            const [s] = this.pending.splice(next, 1);
            w.busy = s.name;
            const upstream = w.upstreamVersion !== this.upstreamVersion ? [...this.upstream] : undefined;
            w.upstreamVersion = this.upstreamVersion;
            w.proc.send({ type: "plan", manifest: this.manifest.path, stack: s.name, ...(upstream !== undefined ? { upstream } : {}) } satisfies ToWorker);
        }
        if (this.pending.length === 0 && this.workers.every((w) => w.busy === undefined)) {
            this.finish();
        }
    }

    private async onMessage(w: Worker, msg: FromWorker): Promise<void> {
        if ((msg.type === "planned" || msg.type === "failed") && w.busy !== msg.stack) {
            // A second report of a stack (a stray rejection reported before the stack's own failure):
            // counting it would count the stack twice ("[2052/2051]") and free a worker that is busy with
            // its next stack. The first report stands.
            return;
        }
        if (msg.type === "ready") {
            this.dispatch();
        } else if (msg.type === "planned") {
            const s = this.byName.get(msg.stack)!;
            if (s.role === "hub") {
                this.upstream.set(this.hubRef, msg.outputs);
                this.upstreamVersion++;
            }
            this.done.add(msg.stack);
            if (this.events.onStackJson !== undefined) {
                await this.events.onStackJson(msg.summary, msg.json);
            } else {
                await this.events.onStack?.(JSON.parse(msg.json) as PlanStack);
            }
            w.busy = undefined;
            this.dispatch();
        } else if (msg.type === "failed") {
            this.failed.push(msg.stack);
            this.events.onFailure?.(this.byName.get(msg.stack)!, new Error(msg.message));
            w.busy = undefined;
            this.dispatch();
        } else if (msg.type === "bye") {
            this.workersRssKiB += msg.maxRssKiB;
        }
    }
}

/**
 * Plans the fleet on `workers` processes: the hub first, then every other stack from a
 * shared queue (a stack is sent as soon as a worker is free and its dependencies planned),
 * results handed to `events` in completion order.
 */
export async function planFleetParallel(manifest: FleetManifest, opts: ParallelOptions, events: PlanEvents): Promise<ParallelResult> {
    const entry = workerEntry(opts.root);
    const order = planOrder(manifest, opts.selected);
    return new Promise<ParallelResult>((resolve, reject) => {
        // --expose-gc: the worker collects between stacks when its garbage passes a headroom (heapHeadroom.ts).
        const spawn = () => fork(entry, [], { cwd: process.cwd(), stdio: ["ignore", "inherit", "inherit", "ipc"], execArgv: ["--stack-trace-limit=0", "--expose-gc"] });
        new PlanQueue(manifest, order, events, resolve).start(spawn, Math.max(1, Math.min(opts.workers, order.length)), reject);
    });
}
