/**
 * `npm run policy -- check PLAN.json [--sarif OUT.sarif] [--config POLICY_CONFIG.json]`
 *
 * Evaluates the policy pack over an offline plan (`npm run fleet -- plan --json PLAN.json`) without
 * cloud credentials. Exit codes: 0 no mandatory violation, 1 at least one mandatory violation,
 * 2 bad input (usage, unreadable file, wrong plan version, invalid config).
 */
import * as fs from "fs";
import { EvaluateOptions, evaluatePlan, InputError, parsePlan, toSarif, Violation } from "./offline";
import { policies } from "./policies";

const USAGE = "usage: npm run policy -- check PLAN.json [--sarif OUT.sarif] [--config POLICY_CONFIG.json]";

export interface Io {
    out(line: string): void;
    err(line: string): void;
}

interface CheckArgs {
    plan: string;
    sarif?: string;
    config?: string;
}

function parseArgs(argv: readonly string[]): CheckArgs {
    const [command, ...rest] = argv;
    if (command !== "check") {
        throw new InputError(command === undefined ? USAGE : `unknown command "${command}"\n${USAGE}`);
    }
    const args: Partial<CheckArgs> = {};
    for (let i = 0; i < rest.length; i++) {
        const a = rest[i];
        if (a === "--sarif" || a === "--config") {
            const value = rest[++i];
            if (value === undefined || value.startsWith("--")) {
                throw new InputError(`${a} needs a file name\n${USAGE}`);
            }
            args[a === "--sarif" ? "sarif" : "config"] = value;
        } else if (a.startsWith("--")) {
            throw new InputError(`unknown option ${a}\n${USAGE}`);
        } else if (args.plan === undefined) {
            args.plan = a;
        } else {
            throw new InputError(`unexpected argument ${a}\n${USAGE}`);
        }
    }
    if (args.plan === undefined) {
        throw new InputError(`missing PLAN.json\n${USAGE}`);
    }
    return args as CheckArgs;
}

function readJson(file: string, what: string): unknown {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (e) {
        throw new InputError(`cannot read ${what} ${file}: ${(e as Error).message}`);
    }
    try {
        return JSON.parse(text);
    } catch (e) {
        throw new InputError(`${what} ${file} is not valid JSON: ${(e as Error).message}`);
    }
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
        return String((JSON.parse(fs.readFileSync(`${__dirname}/package.json`, "utf8")) as { version?: string }).version ?? "0.0.0");
    } catch {
        return "0.0.0";
    }
}

export function formatViolation(v: Violation): string {
    return [`[${v.enforcementLevel}] ${v.policy}  (stack ${v.stack})`, `  resource: ${v.urn}`, `  ${v.message}`,
        ...(v.fix ? [`  fix: ${v.fix}`] : [])].join("\n");
}

/** Runs the CLI and returns its exit code (the process wrapper below only sets process.exitCode). */
export function main(argv: readonly string[], io: Io): number {
    try {
        const args = parseArgs(argv);
        const plan = parsePlan(readJson(args.plan, "plan"));
        const problem = planProblems(plan);
        if (problem !== undefined) {
            throw new InputError(`${args.plan}: ${problem}`);
        }
        const config = args.config ? readConfig(args.config) : undefined;
        const violations = evaluatePlan(plan, { config });
        violations.forEach((v) => io.out(formatViolation(v)));
        const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory").length;
        io.out(`${mandatory} mandatory, ${violations.length - mandatory} other violation(s) in ${plan.stacks.length} stack(s).`);
        if (args.sarif) {
            fs.writeFileSync(args.sarif, `${JSON.stringify(toSarif(violations, policies, { toolVersion: toolVersion() }), null, 2)}\n`);
            io.out(`SARIF written to ${args.sarif}`);
        }
        return mandatory > 0 ? 1 : 0;
    } catch (e) {
        if (e instanceof InputError) {
            io.err(`policy check: ${e.message}`);
            return 2;
        }
        throw e;
    }
}

// Entry point both when run directly and when automation/launch.ts requires the compiled file with argv[1] set to it.
if (require.main === module || process.argv[1] === __filename) {
    process.exitCode = main(process.argv.slice(2), { out: (l) => console.log(l), err: (l) => console.error(l) });
}
