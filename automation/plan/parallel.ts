import { ChildProcess, fork } from "child_process";
import * as path from "path";
import { FleetManifest, FleetStack, hubStackName } from "../fleet/types";
import { compileProject } from "./compile";
import { PlanEvents, planOrder } from "./plan";
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
}

/** Compiled worker entry; the project is transpiled once into bin/ (git-ignored). */
function workerEntry(root: string): string {
    const outDir = path.join(root, "bin");
    // Running from bin/ means automation/cli/launch.ts has just compiled; from source (tests), compile here.
    if (__filename.endsWith(".ts")) {
        compileProject(root, outDir);
    }
    return path.join(outDir, "automation", "plan", "worker.js");
}

/**
 * Plans the fleet on `workers` processes: the hub first, then every other stack from a
 * shared queue (a stack is sent as soon as a worker is free and its dependencies planned),
 * results handed to `events` in completion order.
 */
export async function planFleetParallel(manifest: FleetManifest, opts: ParallelOptions, events: PlanEvents): Promise<ParallelResult> {
    const entry = workerEntry(opts.root);
    const order = planOrder(manifest, opts.selected);
    const byName = new Map(order.map((s) => [s.name, s]));
    const pending = [...order];
    const done = new Set<string>();
    const failed: string[] = [];
    const skipped: string[] = [];
    const upstream = new Map<string, Record<string, unknown>>();
    const hubRef = hubStackName(manifest);
    let workersRssKiB = 0;
    const workers: Worker[] = [];

    return new Promise<ParallelResult>((resolve, reject) => {
        let finishing = false;
        const finish = () => {
            if (finishing) {
                return;
            }
            finishing = true;
            let alive = workers.length;
            for (const w of workers) {
                w.proc.once("exit", () => {
                    if (--alive === 0) {
                        resolve({ failed, skipped, peakRssKiB: process.resourceUsage().maxRSS + workersRssKiB });
                    }
                });
                w.proc.send({ type: "exit" } satisfies ToWorker);
            }
        };
        const blockedBy = (s: FleetStack) => s.dependsOn.filter((d) => byName.has(d) && (failed.includes(d) || skipped.includes(d)));
        const ready = (s: FleetStack) => s.dependsOn.every((d) => !byName.has(d) || done.has(d));
        const dispatch = () => {
            for (let i = 0; i < pending.length; i++) {
                const s = pending[i];
                const blocked = blockedBy(s);
                if (blocked.length > 0) {
                    pending.splice(i--, 1);
                    skipped.push(s.name);
                    events.onFailure?.(s, new Error(`skipped: depends on ${blocked.join(", ")} which did not plan`));
                }
            }
            for (const w of workers) {
                if (w.busy !== undefined) {
                    continue;
                }
                const next = pending.findIndex(ready);
                if (next < 0) {
                    break;
                }
                const [s] = pending.splice(next, 1);
                w.busy = s.name;
                w.proc.send({ type: "plan", manifest: manifest.path, stack: s.name, upstream: [...upstream] } satisfies ToWorker);
            }
            if (pending.length === 0 && workers.every((w) => w.busy === undefined)) {
                finish();
            }
        };
        const onMessage = (w: Worker) => async (msg: FromWorker) => {
            if (msg.type === "ready") {
                dispatch();
            } else if (msg.type === "planned") {
                const s = byName.get(msg.stack)!;
                if (s.role === "hub") {
                    upstream.set(hubRef, msg.outputs);
                }
                done.add(msg.stack);
                await events.onStack?.(msg.plan);
                w.busy = undefined;
                dispatch();
            } else if (msg.type === "failed") {
                failed.push(msg.stack);
                events.onFailure?.(byName.get(msg.stack)!, new Error(msg.message));
                w.busy = undefined;
                dispatch();
            } else if (msg.type === "bye") {
                workersRssKiB += msg.maxRssKiB;
            }
        };
        const count = Math.max(1, Math.min(opts.workers, order.length));
        for (let i = 0; i < count; i++) {
            const proc = fork(entry, [], { cwd: process.cwd(), stdio: ["ignore", "inherit", "inherit", "ipc"], execArgv: ["--stack-trace-limit=0"] });
            const w: Worker = { proc };
            proc.on("message", (msg: FromWorker) => void onMessage(w)(msg));
            proc.on("exit", (code) => {
                if (!finishing && code !== 0) {
                    reject(new Error(`plan worker ${i} exited with code ${code}${w.busy ? ` while planning ${w.busy}` : ""}`));
                }
            });
            workers.push(w);
        }
    });
}
