import { Command, Option } from "commander";
import * as fs from "fs";
import * as os from "os";
import { ConfigError } from "../../stacks/config/common";
import { configureProgram, EXIT_HELP, intOption, listOption, runProgram, setExitCode } from "../io/cliKit";
import { selectStacks } from "../fleet/selectors";
import { AtomicWriter, checkOutputTarget, OutputTarget, stdoutLine, writeOutput } from "../io/output";
import { loadManifest } from "../fleet/manifest";
import { orphanLine, orphanStackFiles } from "../fleet/orphans";
import { FleetManifest } from "../fleet/types";
import { defaultManifest, projectRoot } from "../io/paths";
import { diffPlans, formatDiff } from "./diff";
import { renderGraph, topologyDot } from "./graph";
import { planFleetParallel } from "./parallel";
import type { PlanDocument, PlanEvents, PlanStack, StackSummary } from "./plan";
import { stackJson, stackSummary } from "./planText";
import { resourceTree } from "./tree";
import { WORKER_POOL_DEFAULTS, WorkerPool, workerEntry } from "./workerPool";

export interface PlanOptions {
    manifest: string;
    json?: string;
    stacks?: string[];
    /** Worker processes; 1 plans in this process. Default: one per core for fleets of 20+ stacks. */
    workers?: number;
    tree?: boolean;
    diff?: string;
    graph?: string;
    progress?: boolean;
}

/** Fleets at least this large get a progress counter on stderr without asking. */
export const PROGRESS_THRESHOLD = 20;

export const SELECTOR_HELP = "stack selectors, comma-separated or repeated, unioned: a name (globs with *), role:<role>, tag:<Key>=<Value>, account:<id>, region:<region>";

/** Resource counts by type, largest first. */
export function countByType(stack: PlanStack): Array<[string, number]> {
    const counts = new Map<string, number>();
    for (const r of stack.resources) {
        counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
    }
    return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/**
 * Streams the plan JSON, one stack at a time (memory stays bounded by one stack), pretty-printed
 * so `git diff` of two plans shows one input per line. Only a complete plan replaces the target.
 */
class PlanWriter {
    private count = 0;
    private readonly out: AtomicWriter | undefined;
    constructor(target?: OutputTarget) {
        if (target !== undefined) {
            this.out = new AtomicWriter(target);
            this.out.write('{\n  "version": 1,\n  "stacks": [');
        }
    }
    /** `json`: the stack as planText.ts stackJson gives it. */
    write(json: string): void {
        this.out?.write((this.count++ > 0 ? ",\n" : "\n") + json);
    }
    close(ok: boolean): void {
        if (ok) {
            this.out?.write("\n  ]\n}\n");
            this.out?.commit();
        } else {
            this.out?.abort();
        }
    }
}

/**
 * Counts, reports (one line per stack) and writes each planned stack. A worker's stack arrives as its
 * plan-file text and is parsed here only when `tree` or `keep` (--diff, --graph) need the object.
 */
function stackReporter(
    totals: { creates: number; mandatory: number },
    say: (line: string) => void,
    counter: () => string,
    writer: PlanWriter,
    tree: boolean,
    keep: PlanStack[] | undefined,
): Pick<PlanEvents, "onStack" | "onStackJson"> {
    const onStackJson = (m: StackSummary, json: string, parsed?: PlanStack) => {
        totals.creates += m.resources;
        totals.mandatory += m.mandatory;
        const policy = m.violations === 0 ? "no policy violations" : `${m.mandatory} mandatory, ${m.violations - m.mandatory} other policy violations`;
        say(`${counter()}✔ ${m.stack} (${m.role}, ${m.account}/${m.region}): ${m.resources} to create, ${policy}`);
        const s = tree || keep !== undefined ? (parsed ?? (JSON.parse(json) as PlanStack)) : undefined;
        if (tree) {
            resourceTree(s!).forEach(say);
        }
        writer.write(json);
        keep?.push(s!);
    };
    return { onStackJson, onStack: (s) => onStackJson(stackSummary(s), stackJson(s), s) };
}

function readPlan(file: string, flag: string): PlanDocument {
    let doc: unknown;
    try {
        doc = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        throw new ConfigError(`${flag} ${file}: ${code !== undefined ? `cannot read it (${code})` : `not valid JSON (${(e as Error).message})`}; fix: pass a plan written by \`npm run fleet -- plan --json FILE\``);
    }
    const d = doc as Partial<PlanDocument>;
    if (d === null || typeof d !== "object" || d.version !== 1 || !Array.isArray(d.stacks)) {
        throw new ConfigError(`${flag} ${file}: not a version 1 plan (expected {"version": 1, "stacks": [...]}); fix: regenerate it with this checkout's \`npm run fleet -- plan --json FILE\``);
    }
    return d as PlanDocument;
}

/**
 * The hub's worker, forked before the manifest is read when reading it takes about as long as a worker takes to
 * start (workerPool.ts); undefined for a small manifest, a single worker or a file that cannot be read. Only the
 * hub's: the others are not needed before the hub's outputs, and forked with it they slowed the reading down (three
 * processes on two cores: the 500 + 20 fleet's manifest read in 0.79 s instead of 0.37 s).
 */
function prestartHubWorker(opts: PlanOptions): WorkerPool | undefined {
    let bytes: number;
    try {
        bytes = fs.statSync(opts.manifest).size;
    } catch {
        return undefined; // loadManifest reports it
    }
    return (opts.workers ?? os.cpus().length) > 1 && bytes >= WORKER_POOL_DEFAULTS.prestartBytes ? new WorkerPool(workerEntry(projectRoot()), 1) : undefined;
}

/** Plans the fleet and reports like `pulumi preview`; returns the exit code. */
export async function plan(opts: PlanOptions): Promise<number> {
    const pool = prestartHubWorker(opts);
    try {
        return await planWith(opts, pool);
    } finally {
        pool?.close();
    }
}

async function planWith(opts: PlanOptions, pool: WorkerPool | undefined): Promise<number> {
    // Everything that can be wrong with the input is found before any stack runs.
    const jsonTarget = opts.json !== undefined ? checkOutputTarget(opts.json, "--json") : undefined;
    const graphTarget = opts.graph !== undefined ? checkOutputTarget(opts.graph, "--graph") : undefined;
    const old = opts.diff !== undefined ? readPlan(opts.diff, "--diff") : undefined;
    const manifest: FleetManifest = loadManifest(opts.manifest);
    // Reported, not fatal: the plan of what the manifest names is still right; the orphan costs money until retired.
    orphanStackFiles(manifest).forEach((o) => process.stderr.write(`warning: ${orphanLine(o, opts.manifest)}\n`));
    const selected = opts.stacks !== undefined ? new Set(selectStacks(manifest.stacks, opts.stacks).map((s) => s.name)) : undefined;
    // With the plan on standard output, the human report goes to stderr so the JSON stays clean.
    const say = jsonTarget?.kind === "stdout" ? (l: string) => process.stderr.write(`${l}\n`) : stdoutLine;
    const total = manifest.stacks.filter((s) => selected === undefined || selected.has(s.name) || s.role === "hub").length;
    const progress = opts.progress ?? total >= PROGRESS_THRESHOLD;
    // A worker costs a few seconds to start (loading the AWS SDK), so small fleets plan in-process.
    const workers = opts.workers ?? (manifest.stacks.length >= 20 ? os.cpus().length : 1);
    const writer = new PlanWriter(jsonTarget);
    const keep = old !== undefined || graphTarget !== undefined;
    const planned: PlanStack[] = [];
    const started = Date.now();
    let done = 0;
    const counter = () => (progress ? `[${++done}/${total} ${((Date.now() - started) / 1000).toFixed(1)}s] ` : "");
    const totals = { creates: 0, mandatory: 0 };
    const events: PlanEvents = {
        ...stackReporter(totals, say, counter, writer, opts.tree === true, keep ? planned : undefined),
        onFailure: (s, e) => {
            process.stderr.write(`${counter()}✘ ${s.name} (${s.role}, ${s.account}/${s.region}): ${e.message}\n`);
        },
    };
    let result: { failed: string[]; skipped: string[]; peakRssKiB?: number };
    try {
        if (workers > 1) {
            result = await planFleetParallel(manifest, { workers, selected, root: projectRoot(), pool }, events);
        } else {
            pool?.close(); // fewer stacks than its size promised: they would only take CPU from this process's plan
            // Loaded here only: the program and the SDKs it brings stay out of a parallel plan's parent.
            const { planInProcess } = await import("./inProcess");
            result = await planInProcess(manifest, events, selected);
        }
    } catch (e) {
        writer.close(false);
        process.stderr.write(`plan aborted: ${(e as Error).message}\n`);
        return 1;
    }
    const { failed, skipped } = result;
    const ok = failed.length === 0 && skipped.length === 0;
    writer.close(ok);
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    const rss = ((result.peakRssKiB ?? process.resourceUsage().maxRSS) / 1024).toFixed(0);
    const stacks = total - failed.length - skipped.length;
    say(`${ok ? "Plan" : "FAILED"}: ${totals.creates} to create in ${stacks} stack${stacks === 1 ? "" : "s"}${totals.mandatory > 0 ? `, ${totals.mandatory} mandatory policy violations` : ""} (${secs}s, ${workers} worker${workers > 1 ? "s" : ""}, peak RSS ${rss} MiB); failed: ${failed.length}, skipped: ${skipped.length}${jsonTarget?.kind === "file" && ok ? `; wrote ${opts.json}` : ""}`);
    if (!ok) {
        return 1;
    }
    const order = new Map(manifest.stacks.map((s, i) => [s.name, i]));
    planned.sort((a, b) => (a.role === "hub" ? -1 : b.role === "hub" ? 1 : (order.get(a.stack) ?? 0) - (order.get(b.stack) ?? 0)));
    const doc: PlanDocument = { version: 1, stacks: planned };
    if (old !== undefined) {
        formatDiff(diffPlans(old, doc)).forEach(say);
    }
    if (graphTarget !== undefined) {
        writeOutput(graphTarget, renderGraph(topologyDot(doc), opts.graph ?? ""), "--graph");
        say(`wrote ${opts.graph}`);
    }
    return 0;
}

/** `fleet plan`: the commander definition shared by automation/cli/fleetCli.ts and runPlanCommand. */
export function planCommand(): Command {
    return new Command("plan")
        .description("offline plan of every stack: no cloud access, the policy pack evaluated per stack")
        .option("--manifest <file>", "fleet manifest (default: the project's stacks/fleet.yaml)")
        .option("--json <file>", "write the plan as JSON (pretty-printed, written atomically; - for standard output)")
        .option("-s, --stacks <selectors>", SELECTOR_HELP, listOption)
        .addOption(new Option("--only <selectors>", "alias of --stacks").argParser(listOption).hideHelp())
        .option("--workers <n>", "worker processes (default: one per core for fleets of 20+ stacks)", intOption(1, 64))
        .option("--tree", "print each stack's resource tree")
        .option("--diff <old.json>", "show resources and inputs changed since an earlier plan")
        .option("--graph <file>", "draw the topology with Graphviz (.svg, .png, .pdf, or .dot source)")
        .option("--progress", `N/M stacks and elapsed time on each line (default for ${PROGRESS_THRESHOLD}+ stacks)`)
        .option("--no-progress", "no progress counter")
        .addHelpText("after", `\nExamples:\n  npm run fleet -- plan --json plan.json\n  npm run fleet -- plan --stacks role:monitored --tree\n  npm run fleet -- plan --json new.json --diff old.json --graph fleet.svg\n\n${EXIT_HELP}`)
        .action(async (o: PlanOptions & { only?: string[] }, cmd: Command) => {
            const stacks = o.stacks !== undefined || o.only !== undefined ? [...(o.stacks ?? []), ...(o.only ?? [])] : undefined;
            setExitCode(cmd, await plan({ ...o, manifest: o.manifest ?? defaultManifest(), stacks }));
        });
}

/** `npm run fleet -- plan ...` without the rest of the fleet CLI (tests, benchmarks). */
export async function runPlanCommand(argv: string[]): Promise<number> {
    const program = configureProgram(new Command("fleet").addCommand(planCommand()), (l) => console.error(l));
    return runProgram(program, ["plan", ...argv], (l) => console.error(l));
}
