/**
 * Writes the hub's rendered monitoring content to a directory, so it can be reviewed or checked
 * with promtool/amtool outside Pulumi:
 *   ts-node --transpile-only automation/contentCli.ts --out DIR [--silent-after-minutes 15]
 *     [--active-series-quota N] [--samples-per-second-quota N] [--quota-warning-ratio 0.8]
 *     [--topic-arn ARN] [--region REGION] [--datasource-uid UID]
 */
import * as fs from "fs";
import * as path from "path";
import { dashboardQueryRuleFile, renderHubContent, TEMPLATE_FILE } from "../components/content";

const USAGE = "usage: contentCli.ts --out DIR [--silent-after-minutes N] [--active-series-quota N] [--samples-per-second-quota N] [--quota-warning-ratio R] [--topic-arn ARN] [--region REGION] [--datasource-uid UID]";

const FLAGS = ["out", "silent-after-minutes", "active-series-quota", "samples-per-second-quota", "quota-warning-ratio", "topic-arn", "region", "datasource-uid"] as const;
type Flag = (typeof FLAGS)[number];

export function parseArgs(argv: readonly string[]): Partial<Record<Flag, string>> {
    const out: Partial<Record<Flag, string>> = {};
    for (let i = 0; i < argv.length; i += 2) {
        const name = argv[i].replace(/^--/, "") as Flag;
        if (!argv[i].startsWith("--") || !FLAGS.includes(name)) {
            throw new Error(`unknown argument "${argv[i]}"\n${USAGE}`);
        }
        if (argv[i + 1] === undefined) {
            throw new Error(`--${name} needs a value\n${USAGE}`);
        }
        out[name] = argv[i + 1];
    }
    return out;
}

function number(flags: Partial<Record<Flag, string>>, name: Flag): number | undefined {
    const raw = flags[name];
    if (raw === undefined) {
        return undefined;
    }
    const n = Number(raw);
    if (!Number.isFinite(n)) {
        throw new Error(`--${name} must be a number (got "${raw}")`);
    }
    return n;
}

/** Renders everything and writes it under `outDir`; returns the written paths. */
export function writeContent(outDir: string, flags: Partial<Record<Flag, string>>): string[] {
    const region = flags.region ?? "us-east-1";
    const content = renderHubContent({
        topicArn: flags["topic-arn"] ?? `arn:aws:sns:${region}:111111111111:oss-monitoring-alerts`,
        region,
        dataSourceUid: flags["datasource-uid"] ?? "amp",
        silentAfterMinutes: number(flags, "silent-after-minutes"),
        quotaWarningRatio: number(flags, "quota-warning-ratio"),
        quotas: { activeSeries: number(flags, "active-series-quota"), samplesPerSecond: number(flags, "samples-per-second-quota") },
    });
    const files: Record<string, string> = {};
    for (const ns of content.ruleNamespaces) {
        files[path.join("rules", `${ns.kind}.rules.yaml`)] = ns.yaml;
    }
    files[path.join("rules", "dashboard-queries.rules.yaml")] = dashboardQueryRuleFile(content.dashboards.map((d) => d.dashboard));
    files[path.join("alertmanager", "definition.yaml")] = content.alertmanager.definition;
    files[path.join("alertmanager", "alertmanager.yml")] = content.alertmanager.config;
    // Named like AMP's template_files key so `amtool check-config alertmanager.yml` finds it.
    files[path.join("alertmanager", TEMPLATE_FILE)] = content.alertmanager.templates;
    for (const d of content.dashboards) {
        files[path.join("dashboards", d.folder, `${d.key}.json`)] = JSON.stringify(d.dashboard, null, 2) + "\n";
    }
    const written: string[] = [];
    for (const [rel, text] of Object.entries(files)) {
        const full = path.join(outDir, rel);
        fs.mkdirSync(path.dirname(full), { recursive: true });
        fs.writeFileSync(full, text);
        written.push(full);
    }
    return written;
}

if (require.main === module) {
    try {
        const flags = parseArgs(process.argv.slice(2));
        if (!flags.out) {
            throw new Error(`--out is required\n${USAGE}`);
        }
        for (const f of writeContent(flags.out, flags)) {
            console.log(f);
        }
    } catch (e) {
        console.error((e as Error).message);
        process.exit(2);
    }
}
