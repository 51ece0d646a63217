import { Command, CommanderError, InvalidArgumentError } from "commander";
import { ConfigError } from "../../stacks/config/common";

/**
 * What every command-line entry point shares (fleet, policy, content), built on commander:
 * `--help` on every command, suggestions for mistyped commands and options, and one exit-code
 * contract: 0 success, 1 violations or failed stacks, 2 bad input or environment (one line, no
 * stack trace, nothing written).
 */
export const EXIT_CODES = { ok: 0, failed: 1, usage: 2 } as const;

/** A mistake in the command line, the manifest or the environment, reported before any stack is touched. */
export class UsageError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "UsageError";
    }
}

export const EXIT_HELP = "Exit codes: 0 success, 1 policy violations or failed stacks, 2 bad input or environment (nothing written).";

/** Errors that mean "the input or the environment is wrong": reported in one line with exit 2. */
export function isInputError(e: unknown): e is Error {
    if (!(e instanceof Error)) {
        return false;
    }
    if (e instanceof ConfigError || e instanceof InvalidArgumentError) {
        return true;
    }
    // UsageError (and the driver's PulumiCliMissingError) and the policy pack's InputError, by name: an error
    // class loaded twice (ts-node and bin/) is still the same kind of error.
    if (e.name === "UsageError" || e.name === "PulumiCliMissingError" || e.name === "InputError") {
        return true;
    }
    // File-system refusals (missing folder, permissions, full disk) are the environment, not a bug.
    const code = (e as NodeJS.ErrnoException).code;
    return typeof code === "string" && /^E[A-Z]+$/.test(code) && (e as NodeJS.ErrnoException).syscall !== undefined;
}

/** Applies the shared settings to a program and all its sub-commands. */
export function configureProgram(program: Command, err: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Command {
    const apply = (c: Command) => {
        c.exitOverride()
            .showSuggestionAfterError(true)
            .showHelpAfterError("(add --help for usage)")
            .allowExcessArguments(false)
            .configureOutput({ writeErr: (s) => err(s.replace(/\n$/, "")), outputError: (s, write) => write(s) });
        c.commands.forEach(apply);
    };
    apply(program);
    return program;
}

/** A whole number in [min, max] for an option, with the option's example in the error. */
export function intOption(min: number, max: number): (raw: string) => number {
    return (raw: string) => {
        if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
            throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}, got "${raw}"`);
        }
        return Number(raw);
    };
}

/** Comma-separated, repeatable values (`--stacks a,b --stacks c`, `--stacks=a`). */
export function listOption(raw: string, previous: string[] | undefined): string[] {
    const parts = raw.split(",").map((s) => s.trim());
    if (parts.some((p) => p === "")) {
        throw new InvalidArgumentError(`empty selector in "${raw}", e.g. --stacks role:monitored,hub`);
    }
    return [...(previous ?? []), ...parts];
}

/**
 * Runs a commander program over argv and maps every outcome to an exit code: help and version
 * exit 0, usage and input errors print one line and exit 2, anything else prints its message
 * (the stack only with DEBUG=1) and exits 1.
 */
export async function runProgram(program: Command, argv: readonly string[], err: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<number> {
    try {
        await program.parseAsync([...argv], { from: "user" });
        return (program as Command & { exitCodeResult?: number }).exitCodeResult ?? EXIT_CODES.ok;
    } catch (e) {
        return exitCodeOf(e, err);
    }
}

/** The exit code of an error a program threw, after printing it as one line where it is the user's to fix. */
function exitCodeOf(e: unknown, err: (line: string) => void): number {
    if (e instanceof CommanderError) {
        return e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.code === "commander.help" ? EXIT_CODES.ok : EXIT_CODES.usage;
    }
    if (isInputError(e)) {
        err(e.message);
        return EXIT_CODES.usage;
    }
    err(process.env.DEBUG ? String((e as Error).stack ?? e) : `internal error: ${(e as Error).message ?? String(e)} (set DEBUG=1 for the stack)`);
    return EXIT_CODES.failed;
}

/** runProgram for programs whose actions are synchronous (the policy CLI's main returns a number). */
export function runProgramSync(program: Command, argv: readonly string[], err: (line: string) => void): number {
    try {
        program.parse([...argv], { from: "user" });
        return (program as Command & { exitCodeResult?: number }).exitCodeResult ?? EXIT_CODES.ok;
    } catch (e) {
        return exitCodeOf(e, err);
    }
}

/** Records an action's exit code on the root program, where runProgram reads it. */
export function setExitCode(cmd: Command, code: number): void {
    let root: Command = cmd;
    while (root.parent) {
        root = root.parent;
    }
    (root as Command & { exitCodeResult?: number }).exitCodeResult = code;
}

/**
 * The AWS SDK for JavaScript v3 warns in nine lines, before the real output, that its releases after
 * early January 2027 need Node.js 22 (@aws-sdk/core emitWarningIfUnsupportedVersion, a plain
 * process.emitWarning whose text starts with "NodeVersionSupportWarning"). It fires only on Node.js
 * 20 or older, which package.json engines no longer admits (22 and 24 are the supported lines); the
 * pinned SDK still works there, so the warning becomes one line, once, and every other warning
 * passes through unchanged. Returns the function that restores process.emitWarning.
 */
export function condenseSdkWarnings(err: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): () => void {
    const original = process.emitWarning;
    let shown = false;
    const replacement = function (this: unknown, warning: string | Error, ...rest: unknown[]): void {
        const text = typeof warning === "string" ? warning : warning.message;
        if (/^NodeVersionSupportWarning\b/.test(text)) {
            if (!shown) {
                shown = true;
                err(`note: AWS SDK for JavaScript releases after early January 2027 need Node.js >= 22 (this is ${process.version}); the pinned SDK works: upgrade Node before upgrading the SDK`);
            }
            return;
        }
        (original as (...a: unknown[]) => void).call(process, warning, ...rest);
    };
    process.emitWarning = replacement;
    return () => {
        process.emitWarning = original;
    };
}
