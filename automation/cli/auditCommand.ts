/**
 * `npm run fleet -- audit [--stacks SEL] [--refresh] [--config POLICY_CONFIG.json] [--json FILE] [--sarif FILE]`
 *
 * Evaluates the policy pack over each selected stack's deployed state (automation/driver/audit.ts).
 * Exit codes: 0 nothing found, 1 a mandatory violation, a stack that could not be audited or a backend
 * stack no manifest entry explains (listed with the command that retires or adopts it),
 * 2 bad input (nothing written).
 */
import { Command } from "commander";
import { listOption, setExitCode } from "../io/cliKit";
import type { AuditArgs } from "./auditRun";

export function auditCommand(workDir: string): Command {
    return new Command("audit")
        .description("evaluate the policy pack over each selected stack's deployed state (after a refresh with --refresh)")
        .option("--manifest <file>", "fleet manifest", "stacks/fleet.yaml")
        .option("--stacks <selectors>", "stacks to audit (names, role:<role>, globs; comma-separated, repeatable)", listOption)
        .option("--backend <url>", "Pulumi backend (default: the CLI's login)")
        .option("--refresh", "refresh each stack from the cloud first (pulumi refresh), so the audit sees out-of-band changes")
        .option("--config <file>", "policy configuration JSON (the --policy-pack-config format the fleet's previews use)")
        .option("--json <file>", "write the per-stack, per-policy report as JSON (- for standard output)")
        .option("--sarif <file>", "write SARIF 2.1.0 for code scanning (- for standard output)")
        .addHelpText("after", "\nExamples:\n  npm run fleet -- audit --refresh --sarif audit.sarif\n  npm run fleet -- audit --stacks role:monitored --json audit.json\n\nExit codes: 0 nothing found, 1 a mandatory violation, a stack not audited, or a backend stack no manifest entry explains, 2 bad input (nothing written).")
        .action(async (o: AuditArgs, cmd: Command) => setExitCode(cmd, await (await import("./auditRun")).audit(o, workDir)));
}
