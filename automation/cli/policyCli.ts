/**
 * `npm run policy -- check PLAN.json [--sarif OUT.sarif] [--config POLICY_CONFIG.json]`
 *
 * Evaluates the policy pack over an offline plan (`npm run fleet -- plan --json PLAN.json`) without
 * cloud credentials. Exit codes: 0 no mandatory violation, 1 at least one mandatory violation,
 * 2 bad input (usage, unreadable file, wrong plan version, invalid config).
 */
import { Command } from "commander";
import * as fs from "fs";
import * as path from "path";
import { configureProgram, intOption, runProgram, setExitCode } from "../io/cliKit";
import { checkOutputTarget, guardStdout, stdoutLine, writeOutput } from "../io/output";
import { projectRoot } from "../io/paths";
import { EvaluateOptions, InputError, parsePlan, toSarif, Violation } from "../../policy/offline";
import { policies } from "../../policy/policies";
import { defaultThreads, evaluateStacks, PARALLEL_CHECK_DEFAULTS, ThreadPool, threadsToPrestart } from "../../policy/offline/parallel";

export interface Io {
    out(line: string): void;
    err(line: string): void;
}

interface CheckArgs {
    sarif?: string;
    /** Evaluation threads, this one included (default: one per core for plans of PARALLEL_CHECK_DEFAULTS.minStacks+ stacks). */
    workers?: number;
    config?: string;
    progress?: boolean;
}

function readText(file: string, what: string): string {
    try {
        return fs.readFileSync(file, "utf8");
    } catch (e) {
        throw new InputError(`cannot read ${what} ${file}: ${(e as Error).message}`);
    }
}

function parseJson(text: string, file: string, what: string): unknown {
    try {
        return JSON.parse(text);
    } catch (e) {
        throw new InputError(`${what} ${file} is not valid JSON: ${(e as Error).message}`);
    }
}

function readJson(file: string, what: string): unknown {
    return parseJson(readText(file, what), file, what);
}

const PLAN_ROLES = ["hub", "monitored", "onprem"];

/**
 * What parsePlan's shape check cannot see: an empty plan (nothing would be checked, so a broken
 * `plan` step would pass the gate), a role the pack has no policies for, a stack listed twice.
 */
export function planProblems(plan: { stacks: ReadonlyArray<{ stack: string; role: string }> }): string | undefined {
    if (plan.stacks.length === 0) {
        return "plan.stacks is empty, so no policy would run; fix: regenerate it with `npm run fleet -- plan --json FILE` (did the plan step fail or select no stacks?)";
    }
    const seen = new Map<string, number>();
    for (const [i, s] of plan.stacks.entries()) {
        if (!PLAN_ROLES.includes(s.role)) {
            return `plan.stacks[${i}].role: "${s.role}" is not a role of this project (${PLAN_ROLES.join(", ")}); fix: regenerate the plan from stacks/fleet.yaml`;
        }
        const j = seen.get(s.stack);
        if (j !== undefined) {
            return `plan.stacks[${i}].stack: "${s.stack}" is also plan.stacks[${j}]; a plan lists each stack once; fix: regenerate the plan instead of concatenating plans`;
        }
        seen.set(s.stack, i);
    }
    return undefined;
}

function readConfig(file: string): EvaluateOptions["config"] {
    const json = readJson(file, "policy config");
    if (typeof json !== "object" || json === null || Array.isArray(json)) {
        throw new InputError(`policy config ${file} must be a JSON object keyed by policy name (the --policy-pack-config format)`);
    }
    return json as Record<string, unknown>;
}

function toolVersion(): string {
    try {
        return String((JSON.parse(fs.readFileSync(path.join(projectRoot(), "policy", "package.json"), "utf8")) as { version?: string }).version ?? "0.0.0");
    } catch {
        return "0.0.0";
    }
}

export function formatViolation(v: Violation): string {
    return [`[${v.enforcementLevel}] ${v.policy}  (stack ${v.stack})`, `  resource: ${v.urn}`, `  ${v.message}`,
        ...(v.fix ? [`  fix: ${v.fix}`] : [])].join("\n");
}

/** Violations counted per policy, mandatory first, then by count: the review summary. */
export function summaryByPolicy(violations: readonly Violation[]): string[] {
    const groups = new Map<string, { level: string; count: number; stacks: Set<string> }>();
    for (const v of violations) {
        const g = groups.get(v.policy) ?? { level: v.enforcementLevel, count: 0, stacks: new Set<string>() };
        g.count++;
        g.stacks.add(v.stack);
        groups.set(v.policy, g);
    }
    const rank = (l: string) => (l === "mandatory" ? 0 : l === "remediate" ? 1 : 2);
    const rows = [...groups.entries()].sort((a, b) => rank(a[1].level) - rank(b[1].level) || b[1].count - a[1].count || a[0].localeCompare(b[0]));
    const width = Math.max(...rows.map(([p]) => p.length));
    return rows.map(([p, g]) => `  ${g.level.padEnd(9)}  ${p.padEnd(width)}  ${g.count} violation${g.count === 1 ? "" : "s"} in ${g.stacks.size} stack${g.stacks.size === 1 ? "" : "s"}`);
}

/** Plans at least this large show progress on stderr without asking. */
const PROGRESS_THRESHOLD = 20;

async function check(planFile: string, args: CheckArgs, streams: Io): Promise<number> {
    // The SARIF target is checked before the (long) evaluation, so a typo in its folder costs nothing.
    const sarifTarget = args.sarif !== undefined ? checkOutputTarget(args.sarif, "--sarif") : undefined;
    // With the SARIF on standard output, the human report goes to stderr so the SARIF stays valid JSON.
    const io: Io = sarifTarget?.kind === "stdout" ? { out: streams.err, err: streams.err } : streams;
    const pool = new ThreadPool(threadsToPrestart(fileSize(planFile), args.workers), require.resolve("../plan/mock/deferSdk"));
    try {
        return await checkWith(pool, planFile, args, io, sarifTarget);
    } finally {
        pool.close();
    }
}

function fileSize(file: string): number {
    try {
        return fs.statSync(file).size;
    } catch {
        // readText reports it, naming the file.
        return 0;
    }
}

async function checkWith(pool: ThreadPool, planFile: string, args: CheckArgs, io: Io, sarifTarget: ReturnType<typeof checkOutputTarget> | undefined): Promise<number> {
    // The text goes to the evaluation threads, which parse their own runs of stacks from it (then it is let go).
    const source: { text?: string } = { text: readText(planFile, "plan") };
    const plan = parsePlan(parseJson(source.text!, planFile, "plan"));
    const problem = planProblems(plan);
    if (problem !== undefined) {
        throw new InputError(`${planFile}: ${problem}`);
    }
    const config = args.config ? readConfig(args.config) : undefined;
    const progress = args.progress ?? plan.stacks.length >= PROGRESS_THRESHOLD;
    const started = Date.now();
    let done = 0;
    // Threads report in completion order, so the counter counts stacks done; the violations are in plan order.
    const onStack = (i: number, found: number) => io.err(`[${++done}/${plan.stacks.length} ${((Date.now() - started) / 1000).toFixed(1)}s] ${plan.stacks[i].stack}: ${found} violation${found === 1 ? "" : "s"}`);
    const threads = args.workers ?? defaultThreads(plan.stacks.length);
    const violations: Violation[] = (await evaluateStacks(plan.stacks, config, threads, progress ? onStack : undefined, source, pool)).flat();
    violations.forEach((v) => io.out(formatViolation(v)));
    const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory").length;
    if (violations.length > 0) {
        io.out("Summary by policy:");
        summaryByPolicy(violations).forEach((l) => io.out(l));
    }
    io.out(`${mandatory} mandatory, ${violations.length - mandatory} other violation(s) in ${plan.stacks.length} stack(s).`);
    if (sarifTarget !== undefined) {
        writeOutput(sarifTarget, `${JSON.stringify(toSarif(violations, policies, { toolVersion: toolVersion() }), null, 2)}\n`, "--sarif");
        if (sarifTarget.kind === "file") {
            io.out(`SARIF written to ${args.sarif}`);
        }
    }
    return mandatory > 0 ? 1 : 0;
}

/** The commander program of `npm run policy`. */
export function policyProgram(io: Io, name = "npm run policy --"): Command {
    const program = new Command(name).description("the policy pack, offline: no cloud credentials");
    program
        .command("check")
        .description("evaluate every policy over an offline plan (npm run fleet -- plan --json PLAN.json)")
        .argument("<plan.json>", "plan written by npm run fleet -- plan --json")
        .option("--sarif <file>", "also write SARIF 2.1.0 for code scanning (written atomically; - for standard output)")
        .option("--config <file>", "policy configuration JSON (the --policy-pack-config format)")
        .option("--workers <n>", `evaluation threads (default: one per core for plans of ${PARALLEL_CHECK_DEFAULTS.minStacks}+ stacks); the report is the same for any number`, intOption(1, 64))
        .option("--progress", `one line per stack on stderr (default for ${PROGRESS_THRESHOLD}+ stacks)`)
        .option("--no-progress", "no progress lines")
        .addHelpText("after", "\nExamples:\n  npm run policy -- check plan.json\n  npm run policy -- check plan.json --sarif policy.sarif --config policy-config.json\n\nExit codes: 0 no mandatory violation, 1 at least one mandatory violation, 2 bad input (nothing written).")
        .action(async (planFile: string, o: CheckArgs, cmd: Command) => setExitCode(cmd, await check(planFile, o, io)));
    return configureProgram(program, io.err);
}

/** Runs the CLI and returns its exit code (the process wrapper below only sets process.exitCode). */
export async function main(argv: readonly string[], io: Io, name?: string): Promise<number> {
    const program = policyProgram(io, name);
    if (argv.length === 0) {
        io.err(program.helpInformation().trimEnd());
        return 2;
    }
    return runProgram(program, argv, (l) => io.err(`policy check: ${l}`));
}

// Entry point both when run directly and when automation/cli/launch.ts requires the compiled file with argv[1] set to it.
if (require.main === module || process.argv[1] === __filename) {
    // The exit code is the gate's verdict: a closed pipe drops the rest of the output, never the verdict.
    guardStdout("drop");
    void main(process.argv.slice(2), { out: (l) => stdoutLine(l), err: (l) => console.error(l) }).then((code) => {
        process.exitCode = code;
    });
}
