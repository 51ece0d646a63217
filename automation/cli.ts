import * as readline from "readline";
import { runFleetCommand } from "./driver";
import { projectRoot } from "./paths";

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

async function main(argv: string[]): Promise<number> {
    const [command, ...rest] = argv;
    // Loaded on demand: the offline commands must not pay for (or break on) the driver, and vice versa.
    if (command === "plan") {
        return (await import("./plan/command")).runPlanCommand(rest);
    }
    if (command === "config") {
        return (await import("./stackFiles")).runConfigCommand(rest);
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
        console.error(e instanceof Error ? (e.stack ?? e.message) : e);
        process.exit(1);
    },
);
