import { Command } from "commander";
import * as readline from "readline";
import { configureProgram, isInputError, runProgram } from "../io/cliKit";
import { runFleetCommand } from "../driver";
import { planCommand } from "../plan/command";
import { configCommand } from "../fleet/stackFiles";
import { costCommand } from "../cost/command";
import { projectRoot } from "../io/paths";
import { auditCommand } from "./auditCommand";

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

/** The driver's commands (everything but plan and config), with their one-line help. */
const DRIVER_HELP: Record<string, string> = {
    preview: "pulumi preview of every selected stack, with the policy pack",
    up: "deploy: hub, then the canary wave, then the rest in parallel; resumes after a failure",
    refresh: "refresh state from the cloud",
    destroy: "destroy in reverse order: spokes before the hub",
    drift: "refresh preview; exit 3 when any stack drifted",
    outputs: "print stack outputs (secrets masked)",
    status: "what the journal says about the last runs (offline)",
};

function program(): Command {
    const root = new Command("npm run fleet --")
        .description("Plan, configure and roll out the monitoring fleet of stacks/fleet.yaml")
        .addCommand(planCommand())
        .addCommand(configCommand())
        .addCommand(costCommand())
        .addCommand(auditCommand(WORK_DIR));
    for (const [name, help] of Object.entries(DRIVER_HELP)) {
        // Listed for help and suggestions; main() hands these to the driver before commander parses.
        root.command(name).description(help);
    }
    root.addHelpText("after", `\npreview, up, refresh, destroy, drift, outputs and status take the fleet flags: npm run fleet -- up --help\n\nExamples:\n  npm run fleet -- plan --json plan.json\n  npm run fleet -- config\n  npm run fleet -- up --stacks role:monitored --yes\n\nExit codes: 0 success, 1 a stack failed or was skipped (or policy violations), 2 bad input or environment, 3 drift, 130 cancelled.`);
    return configureProgram(root);
}

async function main(argv: string[]): Promise<number> {
    const [command] = argv;
    if (command === undefined || !Object.keys(DRIVER_HELP).includes(command)) {
        return runProgram(program(), argv.length === 0 ? ["--help"] : argv);
    }
    const stop = new AbortController();
    const abort = new AbortController();
    installSignalHandlers(stop, abort);
    return runFleetCommand(argv, {
        workDir: WORK_DIR,
        stop: stop.signal,
        abort: abort.signal,
        ...(process.stdin.isTTY ? { confirm } : {}),
    });
}

main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
        // The driver maps input errors to exit 2 itself; what reaches here is unexpected.
        const input = isInputError(e);
        console.error(input || !process.env.DEBUG ? `${input ? "" : "internal error: "}${e instanceof Error ? e.message : String(e)}` : (e as Error).stack);
        process.exit(input ? 2 : 1);
    },
);
