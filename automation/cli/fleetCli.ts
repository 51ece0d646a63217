import { Command } from "commander";
import * as readline from "readline";
import { condenseSdkWarnings, configureProgram, isInputError, runProgram } from "../io/cliKit";
import { COMMAND_HELP } from "../driver/flags";
import { planCommand } from "../plan/command";
import { configCommand } from "../fleet/stackFiles";
import { costCommand } from "../cost/command";
import { projectRoot } from "../io/paths";
import { auditCommand } from "./auditCommand";
import { guardStdout, stdoutLine } from "../io/output";
import { enrolCommand } from "../fleet/enrol/command";
import { retireCommand } from "./retireCommand";

/** The repository root (also when this runs compiled under bin/): the Pulumi project the driver runs, and the base of relative paths. */
const WORK_DIR = projectRoot();

function confirm(question: string): Promise<boolean> {
    const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
    return new Promise((resolve) => {
        rl.question(`${question} [y/N] `, (answer) => {
            rl.close();
            resolve(/^y(es)?$/i.test(answer.trim()));
        });
    });
}

/**
 * Ctrl-C semantics. The Pulumi processes share the terminal's process group, so the first
 * Ctrl-C already reaches them and they cancel gracefully; the driver only stops starting new
 * stacks (signalling them again would make Pulumi terminate immediately). A second Ctrl-C
 * signals the running operations through their AbortSignals; a third exits at once. SIGTERM,
 * which does not reach the children, stops and signals in one go.
 */
function installSignalHandlers(stop: AbortController, abort: AbortController): void {
    let interrupts = 0;
    process.on("SIGINT", () => {
        interrupts++;
        if (interrupts === 1) {
            console.error("\nStopping: no new stacks will start; running operations are cancelling. Ctrl-C again to signal them now.");
            stop.abort();
        } else if (interrupts === 2) {
            console.error("\nCancelling running operations. Ctrl-C once more exits without waiting (stacks may stay locked).");
            abort.abort();
        } else {
            process.exit(130);
        }
    });
    process.on("SIGTERM", () => {
        console.error("\nSIGTERM: stopping and cancelling running operations.");
        stop.abort();
        abort.abort();
    });
}

function program(name: string): Command {
    const root = new Command(name)
        .description("Plan, configure and roll out the monitoring fleet of stacks/fleet.yaml")
        .addCommand(planCommand())
        .addCommand(configCommand())
        .addCommand(costCommand())
        .addCommand(auditCommand(WORK_DIR))
        .addCommand(enrolCommand())
        .addCommand(retireCommand(WORK_DIR));
    for (const [command, help] of Object.entries(COMMAND_HELP)) {
        // Listed for help and suggestions; fleetMain() hands these to the driver before commander parses.
        root.command(command).description(help);
    }
    root.addHelpText("after", `\nEach command lists its flags: ${name} up --help (or ${name} help up)\n\nExamples:\n  ${name} plan --json plan.json\n  ${name} config\n  ${name} up --stacks role:monitored --yes\n\nExit codes: 0 success, 1 a stack failed or was skipped (or policy violations), 2 bad input or environment, 3 drift, 130 cancelled.`);
    return configureProgram(root);
}

/** Commands that change stacks: a closed standard output must not abandon them half-way. */
const ROLLOUTS = ["up", "refresh", "destroy", "preview", "drift"];

/** Is this argv for the driver (a driver command, or help about one)? */
function forDriver(argv: readonly string[]): boolean {
    const driver = Object.keys(COMMAND_HELP);
    return argv[0] !== undefined && (driver.includes(argv[0]) || (argv[0] === "help" && driver.includes(argv[1] ?? "")));
}

/** The fleet commands (plan, config and the driver's); `name` is how the operator invoked them, for help. */
export async function fleetMain(argv: string[], name = "npm run fleet --"): Promise<number> {
    const [command] = argv;
    condenseSdkWarnings();
    guardStdout(ROLLOUTS.includes(command ?? "") ? "drop" : "exit");
    if (!forDriver(argv)) {
        return runProgram(program(name), argv.length === 0 ? ["--help"] : argv);
    }
    const stop = new AbortController();
    const abort = new AbortController();
    installSignalHandlers(stop, abort);
    // Loaded for the driver's commands only: the Automation API, the AWS SDK and the stack outputs' readers
    // (which load the providers' SDKs) are no cost to plan, config, cost or enrol, nor to a plan's memory.
    const { runFleetCommand } = await import("../driver");
    return runFleetCommand(argv, {
        workDir: WORK_DIR,
        cwd: process.cwd(),
        program: name,
        out: stdoutLine,
        stop: stop.signal,
        abort: abort.signal,
        ...(process.stdin.isTTY ? { confirm } : {}),
    });
}

/** Runs a command's promise to its exit code; what reaches here unexpected is one line (the stack with DEBUG=1). */
export function exitWith(run: Promise<number>): void {
    run.then(
        (code) => process.exit(code),
        (e: unknown) => {
            // The driver maps input errors to exit 2 itself; what reaches here is unexpected.
            const input = isInputError(e);
            console.error(input || !process.env.DEBUG ? `${input ? "" : "internal error: "}${e instanceof Error ? e.message : String(e)}` : (e as Error).stack);
            process.exit(input ? 2 : 1);
        },
    );
}

// Entry point both when run directly and when automation/cli/launch.ts requires the compiled file with argv[1] set to it.
if (require.main === module || process.argv[1] === __filename) {
    exitWith(fleetMain(process.argv.slice(2)));
}
