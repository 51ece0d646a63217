/**
 * Writes the hub's rendered monitoring content to a directory, so it can be reviewed or checked
 * with promtool/amtool outside Pulumi:
 *   npm run content -- --out DIR [--silent-after-minutes 15] [--active-series-quota N]
 *     [--samples-per-second-quota N] [--quota-warning-ratio 0.8] [--topic-arn ARN] [--region REGION] [--datasource-uid UID]
 */
import { Command } from "commander";
import * as fs from "fs";
import * as path from "path";
import { dashboardQueryRuleFile, renderHubContent, TEMPLATE_FILE } from "../../components/content";
import { ConfigError } from "../../stacks/config/common";
import { configureProgram, runProgramSync, setExitCode } from "../io/cliKit";
import { dashboardSummary, ruleGroupsSummary } from "./contentSummary";
import { checkOutputTarget, checkStateDir, writeOutput } from "../io/output";

const FLAGS = ["out", "silent-after-minutes", "active-series-quota", "samples-per-second-quota", "quota-warning-ratio", "topic-arn", "region", "datasource-uid"] as const;
type Flag = (typeof FLAGS)[number];

function number(flags: Partial<Record<Flag, string>>, name: Flag): number | undefined {
    const raw = flags[name];
    if (raw === undefined) {
        return undefined;
    }
    const n = Number(raw);
    if (!Number.isFinite(n)) {
        throw new ConfigError(`--${name} must be a number (got "${raw}"), e.g. --${name} 15`);
    }
    return n;
}

/** Renders everything and writes it under `outDir`; returns the written paths. */
export function writeContent(outDir: string, flags: Partial<Record<Flag, string>>): string[] {
    const region = flags.region ?? "us-east-1";
    let content: ReturnType<typeof renderHubContent>;
    try {
        content = renderHubContent({
            topicArn: flags["topic-arn"] ?? `arn:aws:sns:${region}:111111111111:oss-monitoring-alerts`,
            region,
            dataSourceUid: flags["datasource-uid"] ?? "amp",
            silentAfterMinutes: number(flags, "silent-after-minutes"),
            quotaWarningRatio: number(flags, "quota-warning-ratio"),
            quotas: { activeSeries: number(flags, "active-series-quota"), samplesPerSecond: number(flags, "samples-per-second-quota") },
        });
    } catch (e) {
        // The renderer validates the numbers it is given; those are flags here, so bad input (exit 2).
        throw new ConfigError(`${(e as Error).message}; fix the matching flag (npm run content -- --help)`);
    }
    const files: Record<string, string> = {};
    for (const ns of content.ruleNamespaces) {
        files[path.join("rules", `${ns.kind}.rules.yaml`)] = ns.yaml;
        // A readable summary beside each file: rule, query, for, severity (what to review before deploying).
        files[path.join("rules", `${ns.kind}.rules.md`)] = ruleGroupsSummary(ns.kind, ns.groups);
    }
    files[path.join("rules", "dashboard-queries.rules.yaml")] = dashboardQueryRuleFile(content.dashboards.map((d) => d.dashboard));
    files[path.join("alertmanager", "definition.yaml")] = content.alertmanager.definition;
    files[path.join("alertmanager", "alertmanager.yml")] = content.alertmanager.config;
    // Named like AMP's template_files key so `amtool check-config alertmanager.yml` finds it.
    files[path.join("alertmanager", TEMPLATE_FILE)] = content.alertmanager.templates;
    for (const d of content.dashboards) {
        files[path.join("dashboards", d.folder, `${d.key}.json`)] = JSON.stringify(d.dashboard, null, 2) + "\n";
        files[path.join("dashboards", d.folder, `${d.key}.md`)] = dashboardSummary(d.dashboard as Parameters<typeof dashboardSummary>[0]);
    }
    // The folder is checked before anything is written; each file then replaces its old version atomically.
    checkStateDir(outDir, "--out");
    const written: string[] = [];
    for (const [rel, text] of Object.entries(files)) {
        const full = path.join(outDir, rel);
        fs.mkdirSync(path.dirname(full), { recursive: true });
        writeOutput(checkOutputTarget(full, "--out"), text, "--out");
        written.push(full);
    }
    return written;
}

/** `npm run content`: returns the exit code. */
export function main(argv: readonly string[], out: (line: string) => void = console.log, err: (line: string) => void = console.error, name = "npm run content --"): number {
    const program = new Command(name)
        .description("render the hub's rules, alert manager configuration and dashboards into a folder, for review or promtool/amtool")
        .requiredOption("--out <dir>", "folder to write into (created if missing)")
        .option("--silent-after-minutes <n>", "minutes without data before a source counts as silent")
        .option("--active-series-quota <n>", "AMP active series quota the ingestion alerts compare against")
        .option("--samples-per-second-quota <n>", "AMP ingestion rate quota")
        .option("--quota-warning-ratio <r>", "fraction of a quota that raises a warning, e.g. 0.8")
        .option("--topic-arn <arn>", "SNS topic of the alert manager (default: a placeholder in --region)")
        .option("--region <region>", "region of the topic and workspace", "us-east-1")
        .option("--datasource-uid <uid>", "Grafana data source UID the dashboards query", "amp")
        .addHelpText("after", "\nExample:\n  npm run content -- --out /tmp/hub-content && promtool check rules /tmp/hub-content/rules/*.yaml\n\nExit codes: 0 written, 2 bad input (nothing written).")
        .action((o: Record<string, string>, cmd: Command) => {
            const flags: Partial<Record<Flag, string>> = {};
            for (const f of FLAGS) {
                const v = o[f.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())];
                if (v !== undefined) {
                    flags[f] = v;
                }
            }
            writeContent(o.out, flags).forEach((f) => out(f));
            setExitCode(cmd, 0);
        });
    return runProgramSync(configureProgram(program, err), argv, err);
}

if (require.main === module) {
    process.exitCode = main(process.argv.slice(2));
}
