import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { UsageError } from "../io/cliKit";
import type { ExecutorKind, FailureMode } from "./types";

/** Commands this driver runs; `plan` and `config` are dispatched by automation/cli/fleetCli.ts before parsing. */
export const DRIVER_COMMANDS = ["preview", "up", "refresh", "destroy", "drift", "outputs", "status", "help"] as const;
export type DriverCommand = (typeof DRIVER_COMMANDS)[number];

/** "3" (count) or "10%" (of the main wave, rounded down), as in StackSets' FailureToleranceCount/Percentage. */
export type FailureTolerance = { readonly kind: "count"; readonly value: number } | { readonly kind: "percent"; readonly value: number };

/** Flags after validation; undefined means "use the manifest's value". */
export interface FleetFlags {
    readonly manifest?: string;
    readonly stacks: readonly string[];
    readonly concurrency?: number;
    readonly failureTolerance?: FailureTolerance;
    readonly mode?: FailureMode;
    readonly retries?: number;
    readonly timeoutMinutes?: number;
    readonly canaryCount?: number;
    readonly backend?: string;
    readonly secretsProvider?: string;
    readonly policyPack?: string;
    readonly json?: string;
    readonly savePlan?: string;
    readonly plan?: string;
    readonly yes: boolean;
    readonly force: boolean;
    readonly executor?: ExecutorKind;
    readonly remoteUrl?: string;
    readonly remoteBranch?: string;
    readonly remoteProjectPath?: string;
    readonly stateDir?: string;
    readonly help: boolean;
}

export interface ParsedArgs {
    readonly command: DriverCommand;
    readonly flags: FleetFlags;
    /** For `help`: the command whose help was asked for (`up --help`, `help up`). */
    readonly topic?: DriverCommand;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface FlagSpec {
    readonly name: string;
    readonly aliases?: readonly string[];
    /** Placeholder shown in help; absent for boolean flags. */
    readonly value?: string;
    readonly example: string;
    readonly help: string;
    /** Commands whose help lists the flag (absent: every command). */
    readonly commands?: readonly DriverCommand[];
    /** Validates the raw value and stores it; returns a problem description or undefined. */
    readonly apply: (flags: Mutable<FleetFlags>, raw: string) => string | undefined;
}

function oneOf<T extends string>(values: readonly T[], set: (v: T) => void) {
    return (raw: string): string | undefined => {
        if (!(values as readonly string[]).includes(raw)) {
            return `expected ${values.join(" or ")}, got "${raw}"`;
        }
        set(raw as T);
        return undefined;
    };
}

function intIn(min: number, max: number, set: (n: number) => void) {
    return (raw: string): string | undefined => {
        if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
            return `expected a whole number from ${min} to ${max}, got "${raw}"`;
        }
        set(Number(raw));
        return undefined;
    };
}

export function parseFailureTolerance(raw: string): FailureTolerance | string {
    const count = /^(\d{1,6})$/.exec(raw);
    if (count) {
        return { kind: "count", value: Number(count[1]) };
    }
    const pct = /^(\d{1,3})%$/.exec(raw);
    if (pct && Number(pct[1]) <= 100) {
        return { kind: "percent", value: Number(pct[1]) };
    }
    return `expected a number of failures (3) or a percentage of the main wave from 0% to 100% (10%), got "${raw}"`;
}

/** Commands that run the Pulumi engine (all but the offline status). */
const ENGINE_COMMANDS: readonly DriverCommand[] = ["preview", "up", "refresh", "destroy", "drift", "outputs"];
/** Commands that roll out in waves behind the hub and canary (failure tolerance, mode, canary). */
const WAVE_COMMANDS: readonly DriverCommand[] = ["up", "destroy"];

const BACKEND_SCHEMES = ["file://", "s3://", "azblob://", "gs://", "https://", "http://"];
const SECRETS_PROVIDERS = ["passphrase", "default", "awskms://", "azurekeyvault://", "gcpkms://", "hashivault://"];

export const FLAGS: readonly FlagSpec[] = [
    {
        name: "manifest",
        value: "FILE",
        example: "--manifest stacks/fleet.yaml",
        help: "Fleet manifest (default stacks/fleet.yaml).",
        apply: (f, raw) => ((f.manifest = raw), undefined),
    },
    {
        name: "stacks",
        aliases: ["only", "s"],
        value: "SELECTORS",
        example: "--stacks role:monitored,tag:Environment=prod",
        help: "Comma-separated selectors, unioned: a stack name (globs with *), role:<role>, tag:<Key>=<Value>, account:<id>, region:<region>. Repeatable.",
        apply: (f, raw) => {
            const parts = raw.split(",").map((s) => s.trim());
            if (parts.some((p) => p === "")) {
                return `empty selector in "${raw}"`;
            }
            f.stacks = [...f.stacks, ...parts];
            return undefined;
        },
    },
    {
        name: "concurrency",
        commands: ENGINE_COMMANDS,
        value: "N",
        example: "--concurrency 25",
        help: "Stacks deployed at once (manifest rollout.concurrency).",
        apply: (f, raw) => intIn(1, 200, (n) => (f.concurrency = n))(raw),
    },
    {
        name: "failure-tolerance",
        commands: WAVE_COMMANDS,
        value: "N|N%",
        example: "--failure-tolerance 5%",
        help: "Failures tolerated in the main wave before the rollout stops (manifest rollout.failureTolerance).",
        apply: (f, raw) => {
            const parsed = parseFailureTolerance(raw);
            if (typeof parsed === "string") {
                return parsed;
            }
            f.failureTolerance = parsed;
            return undefined;
        },
    },
    {
        name: "mode",
        commands: WAVE_COMMANDS,
        value: "strict|soft",
        example: "--mode soft",
        help: "strict lowers concurrency as failures mount; soft keeps it (manifest rollout.mode).",
        apply: (f, raw) => oneOf(["strict", "soft"] as const, (v) => (f.mode = v))(raw),
    },
    {
        name: "retries",
        commands: ENGINE_COMMANDS,
        value: "N",
        example: "--retries 3",
        help: "Retries of a stack after a concurrent-update or throttling error (manifest rollout.retries).",
        apply: (f, raw) => intIn(0, 10, (n) => (f.retries = n))(raw),
    },
    {
        name: "timeout-minutes",
        commands: ENGINE_COMMANDS,
        value: "N",
        example: "--timeout-minutes 90",
        help: "Per-operation timeout (manifest rollout.timeoutMinutes).",
        apply: (f, raw) => intIn(1, 24 * 60, (n) => (f.timeoutMinutes = n))(raw),
    },
    {
        name: "canary-count",
        commands: WAVE_COMMANDS,
        value: "N",
        example: "--canary-count 3",
        help: "Canary wave size when rollout.canary names no stacks (manifest rollout.canaryCount); 0 disables the canary.",
        apply: (f, raw) => intIn(0, 1000, (n) => (f.canaryCount = n))(raw),
    },
    {
        name: "backend",
        commands: ENGINE_COMMANDS,
        value: "URL",
        example: "--backend s3://my-pulumi-state?region=us-east-1",
        help: "State backend: file://, s3://, azblob://, gs:// or a Pulumi Cloud URL (sets PULUMI_BACKEND_URL).",
        apply: (f, raw) => {
            const scheme = BACKEND_SCHEMES.find((s) => raw.startsWith(s));
            if (scheme === undefined || raw.length === scheme.length) {
                return `expected a backend URL starting with ${BACKEND_SCHEMES.join(", ")}, got "${raw}"`;
            }
            f.backend = raw;
            return undefined;
        },
    },
    {
        name: "secrets-provider",
        commands: ENGINE_COMMANDS,
        value: "PROVIDER",
        example: "--secrets-provider awskms://alias/pulumi-fleet?region=us-east-1",
        help: "Secrets provider for new stacks: passphrase, default (Pulumi Cloud), awskms://, azurekeyvault://, gcpkms://, hashivault://.",
        apply: (f, raw) => {
            if (!SECRETS_PROVIDERS.some((p) => (p.endsWith("://") ? raw.startsWith(p) && raw.length > p.length : raw === p))) {
                return `expected one of passphrase, default or a KMS URL (awskms://<key id or alias>?region=<region>), got "${raw}"`;
            }
            f.secretsProvider = raw;
            return undefined;
        },
    },
    {
        name: "policy-pack",
        commands: ["preview", "up"],
        value: "DIR",
        example: "--policy-pack ./policy",
        help: "Policy pack run with preview and up (default: this project's policy/).",
        apply: (f, raw) => ((f.policyPack = raw), undefined),
    },
    {
        name: "json",
        value: "FILE",
        example: "--json fleet-report.json",
        help: "Write the run report (or status/outputs) as JSON; - for standard output (then nothing else goes there).",
        apply: (f, raw) => ((f.json = raw), undefined),
    },
    {
        name: "save-plan",
        value: "DIR",
        commands: ["preview"],
        example: "--save-plan plans/",
        help: "preview: save each stack's Pulumi update plan as DIR/<stack>.json, for up --plan DIR (approve in one step, run in another).",
        apply: (f, raw) => ((f.savePlan = raw), undefined),
    },
    {
        name: "plan",
        value: "DIR",
        commands: ["up"],
        example: "--plan plans/",
        help: "up: run exactly the plans preview --save-plan DIR saved; a stack without one, or whose program now wants other changes, fails and changes nothing.",
        apply: (f, raw) => ((f.plan = raw), undefined),
    },
    {
        name: "executor",
        commands: ENGINE_COMMANDS,
        value: "local|remote",
        example: "--executor remote --remote-url https://github.com/acme/monitoring.git",
        help: "local runs the Pulumi CLI here; remote runs each stack on Pulumi Deployments.",
        apply: (f, raw) => oneOf(["local", "remote"] as const, (v) => (f.executor = v))(raw),
    },
    {
        name: "remote-url",
        commands: ENGINE_COMMANDS,
        value: "GIT_URL",
        example: "--remote-url https://github.com/acme/monitoring.git",
        help: "Git repository Pulumi Deployments clones (--executor remote; default: the stack's deployment settings).",
        apply: (f, raw) => {
            if (!/^(https:\/\/|git@|ssh:\/\/)/.test(raw)) {
                return `expected an https:// or SSH git URL, got "${raw}"`;
            }
            f.remoteUrl = raw;
            return undefined;
        },
    },
    {
        name: "remote-branch",
        commands: ENGINE_COMMANDS,
        value: "BRANCH",
        example: "--remote-branch refs/heads/main",
        help: "Branch Pulumi Deployments checks out (--executor remote).",
        apply: (f, raw) => ((f.remoteBranch = raw.startsWith("refs/") ? raw : `refs/heads/${raw}`), undefined),
    },
    {
        name: "remote-project-path",
        commands: ENGINE_COMMANDS,
        value: "PATH",
        example: "--remote-project-path infra/monitoring",
        help: "Folder of Pulumi.yaml inside the repository (--executor remote; default: the root).",
        apply: (f, raw) => ((f.remoteProjectPath = raw), undefined),
    },
    {
        name: "state-dir",
        value: "DIR",
        example: "--state-dir .fleet",
        help: "Where the journal, lock and per-stack logs live (default .fleet, git-ignored).",
        apply: (f, raw) => ((f.stateDir = raw), undefined),
    },
    {
        name: "yes",
        aliases: ["y"],
        commands: ["up", "refresh", "destroy"],
        example: "--yes",
        help: "Do not ask for confirmation (required for up, refresh and destroy without a terminal).",
        apply: (f) => ((f.yes = true), undefined),
    },
    {
        name: "force",
        commands: ["up", "destroy"],
        example: "--force",
        help: "up/destroy: re-run every selected stack instead of resuming; destroy: allow destroying a stack whose dependents still exist.",
        apply: (f) => ((f.force = true), undefined),
    },
    {
        name: "help",
        aliases: ["h"],
        example: "--help",
        help: "Show this help.",
        apply: (f) => ((f.help = true), undefined),
    },
];

function distance(a: string, b: string): number {
    const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
    for (let j = 1; j <= b.length; j++) {
        d[0][j] = j;
    }
    for (let i = 1; i <= a.length; i++) {
        for (let j = 1; j <= b.length; j++) {
            d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        }
    }
    return d[a.length][b.length];
}

function suggest(name: string): FlagSpec | undefined {
    const candidates = FLAGS.flatMap((f) => [f.name, ...(f.aliases ?? [])].map((n) => ({ f, score: n.startsWith(name) ? 0 : distance(n, name) })));
    const best = candidates.sort((a, b) => a.score - b.score)[0];
    return best && best.score <= 2 ? best.f : undefined;
}

function findFlag(name: string): FlagSpec | undefined {
    return FLAGS.find((f) => f.name === name || (f.aliases ?? []).includes(name));
}

/** The commander program for the driver's commands, built from FLAGS (one source for parsing and help). */
function driverProgram(flags: Mutable<FleetFlags>, problem: { message?: string }): Command {
    const program = new Command("npm run fleet --")
        .argument("[command]")
        .argument("[extra...]")
        .helpOption(false)
        .exitOverride()
        .allowUnknownOption(false)
        .configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
    for (const spec of FLAGS) {
        const names = [spec.name, ...(spec.aliases ?? []).filter((a) => a.length > 1)];
        const short = (spec.aliases ?? []).find((a) => a.length === 1);
        names.forEach((name, i) => {
            const option = new Option(`${i === 0 && short ? `-${short}, ` : ""}--${name}${spec.value ? " <value>" : ""}`, spec.help);
            option.argParser((raw: string) => {
                const bad = spec.apply(flags, raw);
                if (bad !== undefined) {
                    problem.message = `--${spec.name}: ${bad}; e.g. ${spec.example}`;
                    throw new InvalidArgumentError(bad);
                }
                return raw;
            });
            if (spec.value === undefined) {
                // Switches: commander calls argParser only for values, so record them here.
                option.argParser(() => undefined).default(undefined);
            }
            program.addOption(i === 0 ? option : option.hideHelp());
        });
    }
    return program;
}

/**
 * Parses `<command> [flags]` with commander (the same library as plan, config, policy and content).
 * Every mistake names the flag and shows an example, so a typo in a CI job fails before anything
 * is touched instead of being ignored.
 */
export function parseArgs(argv: readonly string[]): ParsedArgs {
    const flags: Mutable<FleetFlags> = { stacks: [], yes: false, force: false, help: false };
    // What commander would accept but the driver refuses: a flag's value that is itself a flag, a value on a switch.
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (!arg.startsWith("-") || arg === "-" || arg === "--") {
            continue;
        }
        const body = arg.replace(/^--?/, "");
        const eq = body.indexOf("=");
        const spec = findFlag(eq >= 0 ? body.slice(0, eq) : body);
        if (spec === undefined) {
            continue;
        }
        if (spec.value === undefined) {
            if (eq >= 0) {
                throw new UsageError(`--${spec.name} takes no value; write just ${spec.example}`);
            }
            spec.apply(flags, "");
        } else if (eq < 0) {
            const next = argv[i + 1];
            if (next === undefined || (next.startsWith("--") && next.length > 2)) {
                throw new UsageError(`--${spec.name} needs a value (${spec.value}), e.g. ${spec.example}`);
            }
            i++;
        }
    }
    const problem: { message?: string } = {};
    const program = driverProgram(flags, problem);
    try {
        program.parse([...argv], { from: "user" });
    } catch (e) {
        if (!(e instanceof CommanderError)) {
            throw e;
        }
        if (problem.message !== undefined) {
            throw new UsageError(problem.message);
        }
        const name = /'-{1,2}([^' =]+)/.exec(e.message)?.[1] ?? "";
        if (e.code === "commander.unknownOption") {
            if (name === "dry-run" || name === "preview") {
                throw new UsageError(`unknown flag --${name}; a dry run is its own command: npm run fleet -- preview (same flags as up), or the offline npm run fleet -- plan`);
            }
            const hint = suggest(name);
            throw new UsageError(`unknown flag --${name}${hint ? `; did you mean --${hint.name}? e.g. ${hint.example}` : "; see npm run fleet -- help"}`);
        }
        throw new UsageError(`${e.message.replace(/^error: /, "")}; see npm run fleet -- help`);
    }
    const [command, extra] = program.processedArgs as [string | undefined, string[]];
    if (command !== undefined && !(DRIVER_COMMANDS as readonly string[]).includes(command)) {
        throw new UsageError(`unknown command "${command}"; expected one of plan, config, ${DRIVER_COMMANDS.join(", ")}, e.g. npm run fleet -- up --stacks role:monitored`);
    }
    if (command === "help") {
        const topic = extra[0];
        if (topic !== undefined && !(DRIVER_COMMANDS as readonly string[]).includes(topic)) {
            throw new UsageError(`unknown command "${topic}"; expected one of ${DRIVER_COMMANDS.filter((c) => c !== "help").join(", ")}, e.g. npm run fleet -- help up`);
        }
        return { command: "help", flags, ...(topic !== undefined ? { topic: topic as DriverCommand } : {}) };
    }
    if (extra.length > 0) {
        throw new UsageError(`unexpected argument "${extra[0]}"; select stacks with a flag, e.g. --stacks ${extra[0]}`);
    }
    if (flags.help || command === undefined) {
        return { command: "help", flags, ...(command !== undefined ? { topic: command as DriverCommand } : {}) };
    }
    return { command: command as DriverCommand, flags };
}

/** One line per driver command (plan and config are commander commands of their own). */
export const COMMAND_HELP: Readonly<Record<Exclude<DriverCommand, "help">, string>> = {
    preview: "pulumi preview --diff of every selected stack, with the policy pack (what up would change)",
    up: "deploy: shows the preview and asks, then the hub, the canary wave and the rest in parallel; resumes after a failure",
    refresh: "refresh state from the cloud",
    destroy: "destroy in reverse order: spokes before the hub",
    drift: "refresh preview; exit 3 when any stack drifted",
    outputs: "print stack outputs (secrets masked)",
    status: "what the journal says about the last runs (offline; never-deployed stacks are not failures)",
};

function flagLines(topic: DriverCommand | undefined): string[] {
    return FLAGS.filter((f) => topic === undefined || f.commands === undefined || f.commands.includes(topic)).map((f) => {
        const names = [`--${f.name}`, ...(f.aliases ?? []).map((a) => (a.length === 1 ? `-${a}` : `--${a}`))].join(", ");
        return `  ${`${names}${f.value ? ` ${f.value}` : ""}`.padEnd(36)} ${f.help}`;
    });
}

/** The help page: every command and flag, or one command (`up --help`, `help up`) with only the flags it takes. */
export function usage(topic?: DriverCommand, program = "npm run fleet --"): string {
    const exit = "Exit codes: 0 all succeeded, 1 a stack failed/skipped/did not run, 2 bad input or environment, 3 drift, 130 cancelled.";
    if (topic !== undefined && topic !== "help") {
        return [`Usage: ${program} ${topic} [flags]`, "", COMMAND_HELP[topic], "", "Flags (manifest rollout values are the defaults):", ...flagLines(topic), "", exit].join("\n");
    }
    return [
        `Usage: ${program} <command> [flags]`,
        "",
        "Commands:",
        "  plan       offline plan of every stack (no cloud access)",
        "  config     generate stacks/Pulumi.<stack>.yaml from the manifest",
        ...Object.entries(COMMAND_HELP).map(([c, h]) => `  ${c.padEnd(10)} ${h}`),
        "",
        `Per-command flags: ${program} <command> --help. Flags (manifest rollout values are the defaults):`,
        ...flagLines(undefined),
        "",
        exit,
    ].join("\n");
}
