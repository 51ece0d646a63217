/**
 * Everything the hub stack deploys as monitoring content, rendered for review from the hub's
 * config (the manifest's hub entry) with the same pure builders and the same inputs the hub stack
 * passes them (stacks/hubContentInputs.ts): AMP rules and alert manager, the AMP dashboards, the
 * CloudWatch hosts dashboard and the Grafana-managed agent alerts, each with a readable summary.
 */
import * as path from "path";
import { AGENT_RULE_GROUP, agentRuleGroup, CLOUDWATCH_AGENTS_FOLDER, GRAFANA_ALERT_ROUTING } from "../../components/cloudwatch/agentAlerts";
import { CLOUDWATCH_DATASOURCE_UID } from "../../components/cloudwatch/cloudwatchDataSource";
import { buildHostDashboard } from "../../components/cloudwatch/hostDashboard";
import { dashboardQueryRuleFile, FOLDERS, renderHubContent, TEMPLATE_FILE } from "../../components/content";
import { ruleNamespaceName } from "../../components/hub/hubContent";
import type { HubStackConfig } from "../../stacks/config";
import { hubContentInputs } from "../../stacks/hubContentInputs";
import { dashboardSummary, grafanaRuleGroupSummary, ruleGroupsSummary } from "./contentSummary";

/** The hub's content component name (stacks/hub.ts); its rule namespaces are named from it. */
const HUB_CONTENT_NAME = "hub-content";
/** Where the CloudWatch hosts dashboard goes (its Grafana folder is CLOUDWATCH_AGENTS_FOLDER). */
export const HOSTS_DASHBOARD_FILE = path.join("dashboards", "cloudwatch-agents", "cloudwatch-hosts.json");
export const AGENT_RULE_GROUP_FILE = path.join("grafana-alerting", `${AGENT_RULE_GROUP.name}.json`);

export interface ContentRenderOptions {
    /** Deploy time: sets the tenant certificate expiry the rules compare against (as the hub stack's `now`). */
    readonly now: Date;
    /** uid Grafana gives the hub's AMP data source (hub output grafanaDataSourceUid); known only after deploying. */
    readonly ampDataSourceUid: string;
    /** The alert topic (hub output alertTopicArn); known only after deploying. */
    readonly topicArn: string;
    /** The manifest, as the operator named it (the index says where the content comes from). */
    readonly manifest: string;
    readonly hubStack: string;
}

/** Relative path → text of every file `content` writes. */
export function contentFiles(config: HubStackConfig, o: ContentRenderOptions): Record<string, string> {
    const inputs = hubContentInputs(config, o.now);
    const content = renderHubContent({ topicArn: o.topicArn, region: config.region, dataSourceUid: o.ampDataSourceUid, dataSourceType: inputs.ampDataSourceType, ...inputs.amp });
    const files: Record<string, string> = {};
    for (const ns of content.ruleNamespaces) {
        files[path.join("rules", `${ns.kind}.rules.yaml`)] = ns.yaml;
        // A readable summary beside each file: rule, query, for, severity (what to review before deploying).
        files[path.join("rules", `${ns.kind}.rules.md`)] = ruleGroupsSummary(ns.kind, ns.groups);
    }
    files[path.join("alertmanager", "definition.yaml")] = content.alertmanager.definition;
    files[path.join("alertmanager", "alertmanager.yml")] = content.alertmanager.config;
    // Named like AMP's template_files key so `amtool check-config alertmanager.yml` finds it.
    files[path.join("alertmanager", TEMPLATE_FILE)] = content.alertmanager.templates;
    if (inputs.grafanaContent) {
        files[path.join("rules", "dashboard-queries.rules.yaml")] = dashboardQueryRuleFile(content.dashboards.map((d) => d.dashboard));
        for (const d of content.dashboards) {
            files[path.join("dashboards", d.folder, `${d.key}.json`)] = JSON.stringify(d.dashboard, null, 2) + "\n";
            files[path.join("dashboards", d.folder, `${d.key}.md`)] = dashboardSummary(d.dashboard as Parameters<typeof dashboardSummary>[0]);
        }
        const hosts = buildHostDashboard({ dataSourceUid: CLOUDWATCH_DATASOURCE_UID, regions: inputs.cloudwatchRegions, sources: inputs.cloudwatchSources });
        files[HOSTS_DASHBOARD_FILE] = JSON.stringify(hosts, null, 2) + "\n";
        files[HOSTS_DASHBOARD_FILE.replace(/\.json$/, ".md")] = dashboardSummary(hosts as Parameters<typeof dashboardSummary>[0]);
        const group = agentRuleGroup(inputs.cloudwatchSources, { dataSourceUid: CLOUDWATCH_DATASOURCE_UID, silentAfterMinutes: inputs.agentSilentAfterMinutes });
        if (group !== undefined) {
            files[AGENT_RULE_GROUP_FILE] = JSON.stringify(group, null, 2) + "\n";
            files[AGENT_RULE_GROUP_FILE.replace(/\.json$/, ".md")] = grafanaRuleGroupSummary(group, GRAFANA_ALERT_ROUTING);
        }
    }
    files["README.md"] = contentIndex(config, o, files, inputs.grafanaContent);
    return files;
}

const link = (rel: string) => `[${path.basename(rel)}](${rel.split(path.sep).join("/")})`;

/** The index: where the content comes from, what is a placeholder, and one line per dashboard and rule group. */
function contentIndex(config: HubStackConfig, o: ContentRenderOptions, files: Record<string, string>, grafana: boolean): string {
    const title = (rel: string) => /^# (.*)$/m.exec(files[rel])?.[1] ?? rel;
    const dashboards = Object.keys(files).filter((f) => f.startsWith("dashboards") && f.endsWith(".md")).sort();
    const dr = config.hub.drRegion !== undefined ? ` (recording rules also in the DR workspace, ${config.hub.drRegion})` : "";
    const lines = [
        "# Hub monitoring content",
        "",
        `What the hub stack \`${o.hubStack}\` (${config.account}, ${config.region}) deploys for \`${o.manifest}\`, rendered by`,
        "`oss-monitoring content` with the builders the stack uses. Review it before deploying; each summary lists",
        "every panel or rule with its query, unit, threshold or condition, beside the file Grafana or AMP receives.",
        `Rendered for a deploy on ${o.now.toISOString().slice(0, 10)}: the date sets only the tenant certificate expiry the rules compare against.`,
        "",
        `Known only once the hub is deployed, here placeholders: the AMP data source uid \`${o.ampDataSourceUid}\` (hub output`,
        `\`grafanaDataSourceUid\`) and the alert topic \`${o.topicArn}\` (hub output \`alertTopicArn\`).`,
        "",
        "## Dashboards",
        "",
        ...(grafana
            ? ["| dashboard | summary | model |", "| --- | --- | --- |", ...dashboards.map((md) => `| ${title(md)} | ${link(md)} | ${link(md.replace(/\.md$/, ".json"))} |`)]
            : ["None: `hub.grafana.apiAccess` is `none`, so the hub manages no Grafana content (folders, dashboards, Grafana alerts)."]),
        "",
        "## Rule groups",
        "",
        "| rules | where they run | summary | file |",
        "| --- | --- | --- | --- |",
        `| recording | AMP rule groups namespace \`${ruleNamespaceName(HUB_CONTENT_NAME, "recording")}\`${dr} | ${link(path.join("rules", "recording.rules.md"))} | ${link(path.join("rules", "recording.rules.yaml"))} |`,
        `| alerting | AMP rule groups namespace \`${ruleNamespaceName(HUB_CONTENT_NAME, "alerting")}\`, routed by the alert manager (${link(path.join("alertmanager", "alertmanager.yml"))}) | ${link(path.join("rules", "alerting.rules.md"))} | ${link(path.join("rules", "alerting.rules.yaml"))} |`,
        ...(files[AGENT_RULE_GROUP_FILE] !== undefined
            ? [`| CloudWatch agent not reporting | Grafana-managed, folder \`${CLOUDWATCH_AGENTS_FOLDER.title}\` | ${link(AGENT_RULE_GROUP_FILE.replace(/\.json$/, ".md"))} | ${link(AGENT_RULE_GROUP_FILE)} |`]
            : []),
        "",
        `Grafana folders: ${grafana ? [...Object.values(FOLDERS).map((f) => f.title), CLOUDWATCH_AGENTS_FOLDER.title].map((t) => `\`${t}\``).join(", ") : "none"}.`,
    ];
    return `${lines.join("\n")}\n`;
}
