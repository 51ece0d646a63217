/**
 * Writes what the hub deploys as monitoring content, rendered from the fleet manifest, to a folder
 * for review (a Markdown summary beside every dashboard and rule group) or promtool/amtool:
 *   oss-monitoring content --out DIR [--manifest stacks/fleet.yaml] [--now ISO-TIME]
 *     [--datasource-uid UID] [--topic-arn ARN]
 */
import { Command, Option } from "commander";
import * as fs from "fs";
import * as path from "path";
import { loadManifest } from "../fleet/manifest";
import type { HubStackConfig } from "../../stacks/config";
import { ConfigError } from "../../stacks/config/common";
import { configureProgram, runProgramSync, setExitCode } from "../io/cliKit";
import { checkOutputTarget, checkStateDir, writeOutput } from "../io/output";
import { defaultManifest } from "../io/paths";
import { contentFiles } from "./contentFiles";

export interface ContentFlags {
    readonly out: string;
    /** Default: the project's stacks/fleet.yaml. */
    readonly manifest?: string;
    /** ISO 8601 time; default now. */
    readonly now?: string;
    /** Default "amp". */
    readonly datasourceUid?: string;
    /** Default: a placeholder ARN in the hub's account and region. */
    readonly topicArn?: string;
}

/**
 * Flags of the earlier, manifest-less renderer: content now renders what the hub deploys, so each
 * of these would describe content no hub deploys. Each names where the value lives instead.
 */
const REMOVED_FLAGS: Record<string, string> = {
    "silent-after-minutes": "the AMP silence alerts use the hub's fixed 15 minutes; the CloudWatch agent alert's is hub config.cloudwatch.silentAfterMinutes in the manifest",
    "active-series-quota": "set hub config.quotas.activeSeries in the manifest",
    "samples-per-second-quota": "set hub config.quotas.samplesPerSecond in the manifest",
    "quota-warning-ratio": "the hub deploys a fixed 0.8; nothing to set",
    region: "the hub's region comes from the manifest (its `region`, or defaults.region)",
};

function parseNow(raw: string | undefined): Date {
    if (raw === undefined) {
        return new Date();
    }
    const t = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/.test(raw) ? Date.parse(raw) : NaN;
    if (Number.isNaN(t)) {
        throw new ConfigError(`--now: expected an ISO 8601 date or UTC time, e.g. --now 2026-12-01 or --now 2026-12-01T00:00:00Z (got "${raw}")`);
    }
    return new Date(t);
}

/** Renders everything the manifest's hub deploys and writes it under `flags.out`; returns the written paths. */
export function writeContent(flags: ContentFlags): string[] {
    const now = parseNow(flags.now);
    const manifestPath = flags.manifest ?? defaultManifest();
    const manifest = loadManifest(manifestPath);
    const hub = manifest.hub.parsed as HubStackConfig;
    const files = contentFiles(hub, {
        now,
        ampDataSourceUid: flags.datasourceUid ?? "amp",
        // Pulumi names the topic hub-content-alerts-<random suffix>: the real ARN is the hub output alertTopicArn.
        topicArn: flags.topicArn ?? `arn:aws:sns:${hub.region}:${hub.account}:hub-content-alerts`,
        manifest: manifestPath,
        hubStack: manifest.hub.name,
    });
    // The folder is checked before anything is written; each file then replaces its old version atomically.
    checkStateDir(flags.out, "--out");
    const written: string[] = [];
    for (const [rel, text] of Object.entries(files)) {
        const full = path.join(flags.out, rel);
        fs.mkdirSync(path.dirname(full), { recursive: true });
        writeOutput(checkOutputTarget(full, "--out"), text, "--out");
        written.push(full);
    }
    return written;
}

/** `oss-monitoring content` (`npm run content`): returns the exit code. */
export function main(argv: readonly string[], out: (line: string) => void = console.log, err: (line: string) => void = console.error, name = "npm run content --"): number {
    const program = new Command(name)
        .description("render what the hub deploys as monitoring content (AMP rules and alert manager, the AMP and CloudWatch dashboards, " +
            "the Grafana-managed agent alerts) from the fleet manifest into a folder, with a readable summary beside each dashboard and rule group")
        .requiredOption("--out <dir>", "folder to write into (created if missing)")
        .option("--manifest <file>", "fleet manifest (default: the project's stacks/fleet.yaml)")
        .option("--now <time>", "render as a deploy at this ISO 8601 time would (it sets the tenant certificate expiry the rules compare against; default: now)")
        .option("--datasource-uid <uid>", "uid of the hub's AMP data source in Grafana, the hub output grafanaDataSourceUid (default: amp)")
        .option("--topic-arn <arn>", "the alert topic, the hub output alertTopicArn (default: a placeholder in the hub's account and region)");
    for (const flag of Object.keys(REMOVED_FLAGS)) {
        program.addOption(new Option(`--${flag} <value>`).hideHelp());
    }
    program
        .addHelpText("after", "\nExample:\n  oss-monitoring content --out /tmp/hub-content && promtool check rules /tmp/hub-content/rules/*.yaml\n\n" +
            "Exit codes: 0 written, 2 bad input (nothing written).")
        .action((o: Record<string, string | undefined>, cmd: Command) => {
            for (const [flag, fix] of Object.entries(REMOVED_FLAGS)) {
                if (o[flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())] !== undefined) {
                    throw new ConfigError(`--${flag}: no longer a flag; content renders what the hub deploys from the manifest: ${fix}`);
                }
            }
            writeContent({ out: o.out!, manifest: o.manifest, now: o.now, datasourceUid: o.datasourceUid, topicArn: o.topicArn }).forEach((f) => out(f));
            setExitCode(cmd, 0);
        });
    return runProgramSync(configureProgram(program, err), argv, err);
}

if (require.main === module) {
    process.exitCode = main(process.argv.slice(2));
}
