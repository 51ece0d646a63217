import * as path from "path";
import * as readline from "readline";
import { Command } from "commander";
import { EXIT_HELP, listOption, setExitCode } from "../io/cliKit";

function confirm(question: string): Promise<boolean> {
    const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
    return new Promise((resolve) => rl.question(`${question} [y/N] `, (a) => (rl.close(), resolve(/^y(es)?$/i.test(a.trim())))));
}

/**
 * Ctrl-C as for the driver's commands (fleetCli.ts): the Pulumi processes share the terminal's process
 * group and cancel on the first Ctrl-C by themselves; here it stops retirement before its next step,
 * a second one signals the running operation, a third exits at once.
 */
function signals(): { stop: AbortSignal; abort: AbortSignal } {
    const stop = new AbortController();
    const abort = new AbortController();
    let n = 0;
    process.on("SIGINT", () => {
        n++;
        if (n === 1) {
            console.error("\nStopping after the running step; rerun the same command to resume. Ctrl-C again to cancel it now.");
            stop.abort();
        } else if (n === 2) {
            abort.abort();
        } else {
            process.exit(130);
        }
    });
    return { stop: stop.signal, abort: abort.signal };
}

interface RetireOptions {
    readonly stacks: string[];
    readonly manifest: string;
    readonly stateDir?: string;
    readonly backend?: string;
    readonly yes?: boolean;
    readonly policyPack?: string;
    readonly secretsProvider?: string;
}

/** `fleet retire --stacks <name>`: destroy the spoke, remove its manifest entry, update the hub, then remove its state and stack file. */
export function retireCommand(workDir: string): Command {
    return new Command("retire")
        .description("retire stacks marked retiring: true (or no longer in the manifest): destroy the spoke, remove its entry, update the hub, remove state and stack file (resumable)")
        .requiredOption("--stacks <names>", "stack names to retire (comma-separated, repeatable)", listOption)
        .option("--manifest <file>", "fleet manifest", "stacks/fleet.yaml")
        .option("--state-dir <dir>", "journal folder", ".fleet")
        .option("--backend <url>", "Pulumi backend URL (default: the CLI's login)")
        .option("--policy-pack <dir>", "policy pack the hub update runs with (default ./policy)")
        .option("--secrets-provider <name>", "secrets provider of the hub stack")
        .option("--yes", "run without asking (CI); otherwise destroy and the hub update ask, the update after a preview")
        .addHelpText("after", `\nOrder and timing: README "Decommissioning an account".\n${EXIT_HELP}`)
        .action(async (o: RetireOptions, cmd: Command) => {
            // Loaded when retiring only: the driver brings the Automation API and the AWS SDK (fleetCli.ts).
            const [{ defaultDeps, parseArgs, resolveSettings }, { retireStacks }, { checkSettingsPaths }] = await Promise.all([import("../driver"), import("../driver/retire"), import("../driver/settings")]);
            const d = { ...defaultDeps(workDir), ...signals(), ...(process.stdin.isTTY ? { confirm } : {}) };
            const manifest = d.loadManifest(path.resolve(workDir, o.manifest));
            const { flags } = parseArgs(["destroy", "--stacks", o.stacks.join(","), "--state-dir", o.stateDir ?? ".fleet", ...(o.backend ? ["--backend", o.backend] : []), ...(o.yes ? ["--yes"] : []), ...(o.policyPack ? ["--policy-pack", o.policyPack] : []), ...(o.secretsProvider ? ["--secrets-provider", o.secretsProvider] : [])]);
            const settings = resolveSettings("destroy", flags, manifest, workDir);
            checkSettingsPaths(settings);
            setExitCode(cmd, await retireStacks({ settings, manifest, d, reload: d.loadManifest }, o.stacks));
        });
}
