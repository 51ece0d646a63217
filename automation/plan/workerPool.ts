import { ChildProcess, fork } from "child_process";
import * as path from "path";
import { compileProject } from "./compile";
import { FromWorker } from "./protocol";

/**
 * Compiled worker entry. Running compiled (bin/ from automation/cli/launch.ts, or dist/<build>/ from
 * the installed command), the worker is this build's own, never another build's; from source
 * (tests), the project is transpiled into bin/ (git-ignored) first.
 */
export function workerEntry(root: string): string {
    if (!__filename.endsWith(".ts")) {
        return path.join(__dirname, "worker.js");
    }
    const outDir = path.join(root, "bin");
    compileProject(root, outDir);
    return path.join(outDir, "automation", "plan", "worker.js");
}

// --expose-gc: the worker collects between stacks when its garbage passes a headroom (heapHeadroom.ts).
const WORKER_FLAGS = ["--stack-trace-limit=0", "--expose-gc"];

/**
 * The hub's worker gets a young generation of up to 64 MiB per semi-space (V8's default is 16 or 32 MiB, by heap size):
 * the hub constructs its tenants' resources in batches, and a batch's promise chains then die young instead of being
 * promoted and marked again with the hub's whole heap. The hub of the 2,000 + 50 fleet planned alone: 11.1-11.8 s and
 * 900-1,050 MiB by default, 9.2-10.2 s and 927-932 MiB with it (README "Scale"). Only the hub's worker: spoke workers
 * gained nothing measurable from it, and it is a process that leaves after the hub.
 */
const HUB_WORKER_FLAGS = ["--max-semi-space-size=64"];

/** Forks a plan worker (automation/plan/worker.ts) from `entry`; `forHub`: the one that will plan the hub. */
export function forkWorker(entry: string, forHub: boolean): ChildProcess {
    return fork(entry, [], { cwd: process.cwd(), stdio: ["ignore", "inherit", "inherit", "ipc"], execArgv: [...WORKER_FLAGS, ...(forHub ? HUB_WORKER_FLAGS : [])] });
}

export const WORKER_POOL_DEFAULTS = {
    /**
     * Manifests at least this large get their plan workers forked before they are read: a worker takes about 0.75 s
     * to load (a 2-core VM), and reading and validating the manifest of the 500 + 20 fleet (371 KB) about 0.4 s, of
     * the 2,000 + 50 fleet (1.4 MB) about 1.3 s, spent one after the other until now. A generated stack takes about
     * 700 bytes, so this is about 90 stacks: smaller manifests read in well under 0.1 s, and one this large that turns
     * out to hold fewer than 20 stacks (planned in-process) ends its workers unused.
     */
    prestartBytes: 64 * 1024,
} as const;

interface Started {
    readonly proc: ChildProcess;
    readonly forHub: boolean;
    /** What it sent before anyone took it (its `ready`), replayed to the taker. */
    readonly early: FromWorker[];
    readonly hold: (msg: FromWorker) => void;
    exited: boolean;
}

/**
 * Plan workers forked before the manifest is read, so they load while the parent reads and validates it. The first
 * is the hub's (forkWorker's `forHub`). A worker taken from the pool is handed over as if just forked: what it sent
 * while waiting (its `ready`) is emitted again once the taker has had its turn to listen.
 */
export class WorkerPool {
    private readonly idle: Started[];
    /** `entry`: the worker script (workerEntry), which a plan using this pool forks its other workers from too. */
    constructor(readonly entry: string, count: number, spawn: (entry: string, forHub: boolean) => ChildProcess = forkWorker) {
        this.idle = Array.from({ length: Math.max(0, count) }, (_, i) => {
            const early: FromWorker[] = [];
            const started: Started = { proc: spawn(entry, i === 0), forHub: i === 0, early, hold: (msg) => early.push(msg), exited: false };
            started.proc.on("message", started.hold);
            started.proc.once("exit", () => (started.exited = true));
            return started;
        });
    }

    /** A waiting worker still running, started for the hub or not as asked; undefined when none is left. */
    take(forHub: boolean): ChildProcess | undefined {
        const i = this.idle.findIndex((w) => !w.exited && w.forHub === forHub);
        if (i < 0) {
            return undefined;
        }
        const [w] = this.idle.splice(i, 1);
        w.proc.off("message", w.hold);
        // The taker adds its listeners as soon as this returns; a microtask runs before any further IPC message.
        queueMicrotask(() => w.early.forEach((msg) => w.proc.emit("message", msg)));
        return w.proc;
    }

    /** Ends the workers nobody took. */
    close(): void {
        for (const w of this.idle.splice(0)) {
            w.proc.off("message", w.hold);
            if (!w.exited) {
                w.proc.kill();
            }
        }
    }
}
