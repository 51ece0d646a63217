/**
 * The pack's evaluation of a large plan spread over worker threads (README "Scale"): `policy check` of the
 * 2,000 + 50 fleet's plan (2,051 stacks, 101,821 resources) spent about 8 of its 10.8 s evaluating stacks one
 * after another on one core. Stacks are independent (evaluatePlanStack reads one stack and the config), so
 * contiguous runs of stacks go to threads and the violations come back per stack, merged in plan order:
 * the same violations in the same order as evaluating serially. A failure is the one serial evaluation
 * would have met first (the lowest stack index), with its class (InputError: exit 2) and message.
 */
import * as os from "os";
import { Worker } from "worker_threads";
import { EvaluateOptions, evaluatePlanStack, resolvedConfigFor } from "./evaluate";
import { policies } from "../policies";
import { InputError, PlanStack, Violation } from "./types";

/**
 * Threads: one per core for plans of at least `minStacks` stacks. A thread costs CPU of its own (loading the pack,
 * parsing its half of the plan, compiling the config schemas), which a small plan does not win back: the 500 + 20
 * fleet's plan (521 stacks, about 2 s of evaluation) took 1.1-1.6 s more CPU and 1-2.6 s more wall on two threads
 * than on one (three pairs at load 4-5); with the thread's lighter start, four pairs on an idle machine gave the
 * same wall either way (2.35-2.74 s on two, 2.41-2.83 s on one) for 0.9 s more CPU. The 2,000 + 50 fleet's
 * (2,051 stacks) cut the main thread's CPU from 9.2 to 5.5 s for 2.5 s more in all.
 */
export const PARALLEL_CHECK_DEFAULTS = {
    minStacks: 1000,
    /**
     * Plan files at least this large start their threads before being read (ThreadPool): this project's plans take
     * about 70 KB per stack (the 2,000 + 50 fleet's 2,051 stacks: 145 MB; 521 stacks: 37.5 MB), so about 950 stacks.
     * A file this large with fewer than minStacks stacks ends its thread unused (about a second of a core).
     */
    prestartBytes: 64 * 1024 * 1024,
} as const;

/** The default thread count (the caller's own included): one per core for large plans, else 1. */
export function defaultThreads(stacks: number, cores: number = os.cpus().length): number {
    return stacks >= PARALLEL_CHECK_DEFAULTS.minStacks ? Math.max(1, cores) : 1;
}

/** Threads to start before the plan is read: `workers - 1` when given, else one per other core for a large file. */
export function threadsToPrestart(fileBytes: number, workers: number | undefined, cores: number = os.cpus().length): number {
    if (workers !== undefined) {
        return workers - 1;
    }
    return fileBytes >= PARALLEL_CHECK_DEFAULTS.prestartBytes ? Math.max(1, cores) - 1 : 0;
}

/**
 * Splits `weights` (resources per stack) into at most `parts` contiguous runs of about equal weight:
 * the start index of each run after the first. Every run holds at least one stack.
 */
export function splitPoints(weights: readonly number[], parts: number): number[] {
    const total = weights.reduce((a, w) => a + w + 1, 0);
    const points: number[] = [];
    let sum = 0;
    for (let i = 0; i < weights.length - 1 && points.length < parts - 1; i++) {
        sum += weights[i] + 1;
        if (sum >= (total * (points.length + 1)) / parts) {
            points.push(i + 1);
        }
    }
    return points;
}

/** What a thread (or the caller) reports for its run of stacks. */
export interface RunResult {
    /** Violations per stack of the run, up to the failing one. */
    readonly found: Violation[][];
    /** The first failure, with the index (in the run) of its stack. */
    readonly error?: { readonly index: number; readonly name: string; readonly message: string };
}

/** Evaluates a run of stacks in order, stopping at the first failure (as the serial loop does). */
export function evaluateRun(stacks: readonly PlanStack[], config: EvaluateOptions["config"], onStack?: (index: number, found: number) => void): RunResult {
    const found: Violation[][] = [];
    for (const [i, s] of stacks.entries()) {
        try {
            found.push(evaluatePlanStack(s, { config }));
        } catch (e) {
            const err = e instanceof Error ? e : new Error(String(e));
            return { found, error: { index: i, name: err.name, message: err.message } };
        }
        onStack?.(i, found[i].length);
    }
    return { found };
}

/**
 * The text of each run after the first in a plan file as `fleet plan --json` writes it (automation/plan/
 * planText.ts: each stack pretty-printed, indented four spaces, `"stack"` its first key, separated by ",\n"),
 * or undefined when the file is laid out otherwise. A raw newline cannot stand inside a JSON string, so
 * `,\n    {\n      "stack": <name>,` only occurs where a stack starts; the thread still checks that its text
 * parses to exactly the stacks of its run. A thread parsing its own slice of the text costs the caller a
 * substring instead of a structured clone of half the plan (about 1.1 s at 2,051 stacks).
 */
export function runTexts(text: string, stacks: readonly PlanStack[], starts: readonly number[]): string[] | undefined {
    const end = text.lastIndexOf("\n  ]\n}");
    const at: number[] = [];
    let from = 0;
    for (const start of starts.slice(1)) {
        const pos = text.indexOf(`,\n    {\n      "stack": ${JSON.stringify(stacks[start].stack)},\n`, from);
        if (pos < 0 || end < pos) {
            return undefined;
        }
        at.push(pos);
        from = pos + 1;
    }
    return at.map((pos, k) => text.slice(pos + 2, at[k + 1] ?? end));
}

/** A run's stacks from its text (runTexts), or undefined unless they are exactly the stacks named. */
export function stacksOfText(text: string, names: readonly string[]): PlanStack[] | undefined {
    let stacks: unknown;
    try {
        stacks = JSON.parse(`[${text}]`);
    } catch {
        return undefined;
    }
    const ok = Array.isArray(stacks) && stacks.length === names.length && stacks.every((s, i) => typeof s === "object" && s !== null && (s as PlanStack).stack === names[i]);
    return ok ? (stacks as PlanStack[]) : undefined;
}

/**
 * The thread's code: under ts-node (tests, `npm run policy`) it registers ts-node first, since a worker
 * thread does not inherit the parent's require hooks; the installed command runs compiled JavaScript.
 * It is sent either its run's text and names, or (a plan laid out otherwise) the stacks themselves.
 */
const THREAD_CODE = `
const { parentPort, workerData } = require("worker_threads");
if (workerData.module.endsWith(".ts")) require(require.resolve("ts-node/register/transpile-only", { paths: [workerData.module] }));
if (workerData.setup !== undefined) require(workerData.setup);
const { evaluateRun, stacksOfText } = require(workerData.module);
parentPort.once("message", (m) => {
    const stacks = m.stacks ?? stacksOfText(m.text, m.names);
    parentPort.postMessage(stacks === undefined ? { mismatch: true } : evaluateRun(stacks, m.config));
});
`;

type ThreadInput = { stacks: readonly PlanStack[] } | { text: string; names: readonly string[] };

const startThread = (setup: string | undefined) => new Worker(THREAD_CODE, { eval: true, workerData: { module: __filename, setup } });

/**
 * Threads started before the plan is read, so each loads the pack (0.26-0.46 s with the command's setup; 0.83-0.88 s
 * without it, and about 1.1 s before the pack read provider classes by namespace) while this thread reads and parses
 * the plan (about 0.9 s for the 2,000 + 50 fleet's 145 MB) instead of after: started after, a thread finished its run
 * about 1.4 s after this thread finished its own. evaluateStacks takes what it needs and ends the rest.
 */
export class ThreadPool {
    private readonly idle: Worker[];
    private readonly exited = new Set<Worker>();
    /**
     * `setup`: a module each thread requires before the pack, for its effect (the command's: automation/plan/mock/
     * deferSdk.ts, which defers the SDK modules an evaluation never calls, as the command's own thread does; what that
     * saves is in the class comment above).
     */
    constructor(count: number, private readonly setup?: string) {
        this.idle = Array.from({ length: Math.max(0, count) }, () => {
            const w = startThread(setup);
            // A thread that fails while waiting is not handed out: its replacement, started by take(), reports the error.
            w.on("error", () => undefined);
            w.once("exit", () => this.exited.add(w));
            return w;
        });
    }
    /** A started thread that is still running, or a new one when none is left. */
    take(): Worker {
        let w = this.idle.shift();
        while (w !== undefined && this.exited.has(w)) {
            w = this.idle.shift();
        }
        return w ?? startThread(this.setup);
    }
    /** Ends the threads nobody took. */
    close(): void {
        this.idle.splice(0).forEach((w) => void w.terminate());
    }
}

/** A run evaluated on a thread; a run whose text did not parse to its stacks is evaluated here instead. */
async function runInThread(stacks: readonly PlanStack[], input: ThreadInput, config: EvaluateOptions["config"], worker: Worker): Promise<RunResult> {
    const r = await new Promise<RunResult | { mismatch: true }>((resolve, reject) => {
        worker.once("message", (m: RunResult | { mismatch: true }) => {
            resolve(m);
            void worker.terminate();
        });
        worker.once("error", reject);
        worker.once("exit", (code) => reject(new Error(`policy evaluation thread exited with code ${code} before reporting`)));
        worker.postMessage({ ...input, config });
    });
    return "mismatch" in r ? evaluateRun(stacks, config) : r;
}

/** Starts a thread for each run after the first, posting it its run's text (or stacks); then drops the text. */
function startThreads(stacks: readonly PlanStack[], starts: readonly number[], runs: ReadonlyArray<readonly PlanStack[]>, source: { text?: string }, config: EvaluateOptions["config"], pool: ThreadPool): Array<Promise<RunResult>> {
    const texts = source.text !== undefined && runs.length > 1 ? runTexts(source.text, stacks, starts) : undefined;
    delete source.text;
    return runs.slice(1).map((run, k) => runInThread(run, texts !== undefined ? { text: texts[k], names: run.map((s) => s.stack) } : { stacks: run }, config, pool.take()));
}

/**
 * Violations of every stack, per stack in plan order, evaluated on `threads` threads (this one included).
 * `onStack` is called as each of this thread's stacks completes and for each other thread's stacks when that
 * thread reports (progress only: completion order is not plan order).
 */
export async function evaluateStacks(
    stacks: readonly PlanStack[],
    config: EvaluateOptions["config"],
    threads: number,
    onStack?: (index: number, found: number) => void,
    /**
     * The plan file's text, when the caller has it: threads then parse their own runs from it. It is let go
     * (`text` deleted) once the threads have their copies, so it does not stay in memory while stacks are evaluated.
     */
    source: { text?: string } = {},
    /** Threads started early (ThreadPool; its owner closes it); those not needed are ended once the runs are out. */
    pool: ThreadPool = new ThreadPool(0),
): Promise<Violation[][]> {
    // An invalid config fails here, once, as the serial loop fails on the first stack.
    resolvedConfigFor(policies, config);
    const starts = [0, ...splitPoints(stacks.map((s) => s.resources.length), Math.max(1, threads))];
    const runs = starts.map((start, k) => stacks.slice(start, starts[k + 1] ?? stacks.length));
    // Other threads first, so they load the pack while this one evaluates the first run.
    const others = startThreads(stacks, starts, runs, source, config, pool);
    pool.close();
    const first = evaluateRun(runs[0], config, onStack);
    const results = [first, ...(await Promise.all(others))];
    results.slice(1).forEach((r, k) => r.found.forEach((f, i) => onStack?.(starts[k + 1] + i, f.length)));
    const failed = results.findIndex((r) => r.error !== undefined);
    if (failed >= 0) {
        const e = results[failed].error!;
        throw e.name === "InputError" ? new InputError(e.message) : new Error(e.message);
    }
    return results.flatMap((r) => r.found);
}
