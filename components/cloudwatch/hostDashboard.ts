/**
 * Pure builder of the "Hosts (CloudWatch agent)" dashboard, with Grafana's own dashboards-as-code
 * SDK (@grafana/grafana-foundation-sdk, the build for Grafana 10.4, the version the hub workspace
 * runs): panels, variables and CloudWatch queries are typed by the SDK's cloudwatch dataquery.
 * Every metric it queries comes from components/agent/hostMetrics.ts, the definition the agent
 * configs are rendered from.
 *
 * Queries are CloudWatch Metrics Insights (SQL), which a monitoring account runs across its linked
 * source accounts and groups by `AWS.AccountId`
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-metrics-insights-querylanguage.html).
 * EC2 hosts are read through `SCHEMA("CWAgent", InstanceId)`: the per-instance roll-up the agent
 * publishes because of `aggregation_dimensions: [["InstanceId"]]` (cloudwatchAgentConfig.ts), one
 * series per host whatever its CPUs, disks or interfaces.
 */
import * as cw from "@grafana/grafana-foundation-sdk/cloudwatch";
import * as dash from "@grafana/grafana-foundation-sdk/dashboard";
import * as logs from "@grafana/grafana-foundation-sdk/logs";
import * as table from "@grafana/grafana-foundation-sdk/table";
import * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";
import { agentOwnLogGroup } from "../agent/cloudwatchAgentConfig";
import { AgentPlatform, EC2_AGENT_NAMESPACE, heartbeatMetric, HostPanelMetric, hostPanelMetrics } from "../agent/hostMetrics";

/** One stack whose agents the dashboard reads (derived from the fleet manifest). */
export interface AgentSource {
    /** Stack name, e.g. monitored-payments or onprem-dc1. */
    readonly stack: string;
    readonly kind: "monitored" | "onprem";
    readonly account: string;
    readonly region: string;
    /** CloudWatch namespace of its agents. */
    readonly namespace: string;
    /** Log group prefix of its agents, e.g. /oss-monitoring/monitored-payments. */
    readonly logGroupPrefix: string;
    /** On-prem site name (the agents' `site` dimension). */
    readonly site?: string;
}

export interface HostDashboardOptions {
    /** uid of the CloudWatch data source. */
    readonly dataSourceUid: string;
    /** Regions with a sink (the region variable's values); the first is the default. */
    readonly regions: readonly string[];
    readonly sources: readonly AgentSource[];
    /** Dashboard uid. Default `cloudwatch-hosts`. */
    readonly uid?: string;
}

/** Logs Insights queries at most 50 log groups each (CloudWatch Logs quotas, StartQuery logGroupIdentifiers). */
export const LOGS_INSIGHTS_MAX_LOG_GROUPS = 50;
/** Metrics Insights returns at most 500 time series per query; panels ask for far fewer. */
export const TOP_N = 20;

const PANEL_TITLES: Record<HostPanelMetric["panel"], string> = { cpu: "CPU", memory: "Memory", disk: "Disk", network: "Network" };
const PANEL_UNITS: Record<HostPanelMetric["panel"], string> = { cpu: "percent", memory: "percent", disk: "percent", network: "bytes" };

function ref(uid: string): dash.DataSourceRef {
    return { type: "cloudwatch", uid };
}

/** `"name"` quoting for identifiers with characters other than letters, digits and underscore (Metrics Insights rule). */
export function miIdentifier(name: string): string {
    // AWS.AccountId and friends are Metrics Insights' own labels, never quoted.
    return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || /^AWS\.[A-Za-z]+$/.test(name) ? name : `"${name.replace(/"/g, '\\"')}"`;
}

/** The aggregation a panel uses: network counters add up across interfaces, the rest average. */
function fn(m: HostPanelMetric): "SUM" | "AVG" {
    return m.panel === "network" ? "SUM" : "AVG";
}

export interface MetricsInsightsQuery {
    readonly refId: string;
    readonly namespace: string;
    readonly metricName: string;
    readonly sql: string;
    readonly label?: string;
}

/** Builds one SQL statement; `where` terms are ANDed. */
export function metricsInsightsSql(o: { fn: string; metricName: string; from: string; where?: readonly string[]; groupBy: readonly string[]; order?: "ASC" | "DESC"; limit?: number }): string {
    const where = (o.where ?? []).length > 0 ? ` WHERE ${(o.where ?? []).join(" AND ")}` : "";
    const order = o.order !== undefined ? ` ORDER BY ${o.fn}() ${o.order}` : "";
    const limit = o.limit !== undefined ? ` LIMIT ${o.limit}` : "";
    return `SELECT ${o.fn}(${miIdentifier(o.metricName)}) FROM ${o.from}${where} GROUP BY ${o.groupBy.map(miIdentifier).join(", ")}${order}${limit}`;
}

function metricsTarget(q: MetricsInsightsQuery, dataSourceUid: string, period = "300"): cw.CloudWatchMetricsQueryBuilder {
    const b = new cw.CloudWatchMetricsQueryBuilder()
        .queryMode(cw.CloudWatchQueryMode.Metrics)
        .metricQueryType(cw.MetricQueryType.Query)
        .metricEditorMode(cw.MetricEditorMode.Code)
        .refId(q.refId)
        .id("")
        .region("$region")
        .namespace(q.namespace)
        .metricName(q.metricName)
        .sqlExpression(q.sql)
        .period(period)
        .datasource(ref(dataSourceUid));
    return q.label !== undefined ? b.label(q.label) : b;
}

const ec2From = `SCHEMA(${miIdentifier(EC2_AGENT_NAMESPACE)}, InstanceId)`;
const PLATFORMS: readonly AgentPlatform[] = ["linux", "windows"];

function panelMetrics(panel: HostPanelMetric["panel"]): HostPanelMetric[] {
    return PLATFORMS.flatMap((p) => hostPanelMetrics(p)).filter((m) => m.panel === panel);
}

/** Queries of one resource panel for a scope (fleet, account, instance or site). */
export function scopeQueries(panel: HostPanelMetric["panel"], scope: "fleet" | "account" | "instance" | { site: string; namespace: string }): MetricsInsightsQuery[] {
    return panelMetrics(panel).map((m, i) => {
        const order = m.lowIsBusy === true ? "ASC" : "DESC";
        const refId = String.fromCharCode(65 + i);
        if (typeof scope === "object") {
            return {
                refId, namespace: scope.namespace, metricName: m.metricName, label: `${m.metricName} \${PROP('Dim.host')}`,
                sql: metricsInsightsSql({ fn: fn(m), metricName: m.metricName, from: miIdentifier(scope.namespace), where: ["site = '$site'"], groupBy: ["host"], order, limit: TOP_N }),
            };
        }
        const where = scope === "fleet" ? [] : scope === "account" ? ["AWS.AccountId = '$account'"] : ["AWS.AccountId = '$account'", "InstanceId = '$instance'"];
        const groupBy = scope === "fleet" ? ["AWS.AccountId", "InstanceId"] : ["InstanceId"];
        return {
            refId, namespace: EC2_AGENT_NAMESPACE, metricName: m.metricName,
            sql: metricsInsightsSql({ fn: fn(m), metricName: m.metricName, from: ec2From, where, groupBy, order, limit: scope === "instance" ? undefined : TOP_N }),
        };
    });
}

/** Reporting agents: COUNT of the heartbeat metric over one-minute periods is the number of hosts sending. */
export function reportingQueries(onpremNamespaces: readonly string[]): MetricsInsightsQuery[] {
    const ec2 = PLATFORMS.map((p, i) => ({
        refId: String.fromCharCode(65 + i), namespace: EC2_AGENT_NAMESPACE, metricName: heartbeatMetric(p),
        sql: metricsInsightsSql({ fn: "COUNT", metricName: heartbeatMetric(p), from: ec2From, groupBy: ["AWS.AccountId"] }),
    }));
    const onprem = onpremNamespaces.flatMap((ns, n) => PLATFORMS.map((p, i) => ({
        refId: `S${n}${String.fromCharCode(65 + i)}`, namespace: ns, metricName: heartbeatMetric(p),
        sql: metricsInsightsSql({ fn: "COUNT", metricName: heartbeatMetric(p), from: miIdentifier(ns), groupBy: ["site"] }),
    })));
    return [...ec2, ...onprem];
}

/** Hosts of the selected account, fewest heartbeats first: a silent agent sorts to the top. */
export function silentHostQueries(): MetricsInsightsQuery[] {
    return PLATFORMS.map((p, i) => ({
        refId: String.fromCharCode(65 + i), namespace: EC2_AGENT_NAMESPACE, metricName: heartbeatMetric(p),
        sql: metricsInsightsSql({ fn: "COUNT", metricName: heartbeatMetric(p), from: ec2From, where: ["AWS.AccountId = '$account'"], groupBy: ["InstanceId"], order: "ASC", limit: TOP_N }),
    }));
}

/** ARN of a source's agent log group, as the monitoring account addresses linked log groups. */
export function agentLogGroupArn(s: AgentSource): string {
    return `arn:aws:logs:${s.region}:${s.account}:log-group:${agentOwnLogGroup(s.logGroupPrefix)}`;
}

/** The agents' own warnings and errors (`W!`/`E!` lines), newest first, per chunk of log groups. */
export const AGENT_LOG_QUERY = "fields @timestamp, @log, @logStream, @message | filter @message like /^\\S+ [EW]!/ | sort @timestamp desc | limit 200";

export function agentLogTargets(sources: readonly AgentSource[], region: string, dataSourceUid: string): cw.CloudWatchLogsQueryBuilder[] {
    const inRegion = sources.filter((s) => s.region === region);
    const chunks: AgentSource[][] = [];
    for (let i = 0; i < inRegion.length; i += LOGS_INSIGHTS_MAX_LOG_GROUPS) {
        chunks.push(inRegion.slice(i, i + LOGS_INSIGHTS_MAX_LOG_GROUPS));
    }
    return chunks.map((chunk, i) => new cw.CloudWatchLogsQueryBuilder()
        .queryMode(cw.CloudWatchQueryMode.Logs)
        .id("")
        .refId(`L${i}`)
        .region(region)
        .expression(AGENT_LOG_QUERY)
        .logGroups(chunk.map((s) => new cw.LogGroupBuilder().arn(agentLogGroupArn(s)).name(agentOwnLogGroup(s.logGroupPrefix)).accountId(s.account)))
        .datasource(ref(dataSourceUid)));
}

function resourcePanel(title: string, panel: HostPanelMetric["panel"], queries: MetricsInsightsQuery[], dataSourceUid: string): timeseries.PanelBuilder {
    const p = new timeseries.PanelBuilder()
        .title(title)
        .unit(PANEL_UNITS[panel])
        .datasource(ref(dataSourceUid))
        .height(8)
        .span(12);
    for (const q of queries) {
        p.withTarget(metricsTarget(q, dataSourceUid));
    }
    return p;
}

function variable(name: string, label: string, query: Record<string, unknown>, dataSourceUid: string): dash.QueryVariableBuilder {
    return new dash.QueryVariableBuilder(name)
        .label(label)
        .datasource(ref(dataSourceUid))
        .query(query)
        .refresh(dash.VariableRefresh.OnDashboardLoad)
        .sort(dash.VariableSort.AlphabeticalAsc);
}

/** The dashboard model (Grafana JSON) for the fleet's hosts. */
export function buildHostDashboard(o: HostDashboardOptions): dash.Dashboard {
    if (o.regions.length === 0) {
        throw new Error("regions: the dashboard needs at least one region with a sink");
    }
    const uid = o.dataSourceUid;
    const onprem = o.sources.filter((s) => s.kind === "onprem");
    const onpremNamespaces = [...new Set(onprem.map((s) => s.namespace))].sort();
    const d = new dash.DashboardBuilder("Hosts (CloudWatch agent)")
        .uid(o.uid ?? "cloudwatch-hosts")
        .tags(["cloudwatch", "hosts", "oss-monitoring"])
        .description("CloudWatch agent metrics and logs of every monitored account and on-prem site, read through CloudWatch cross-account observability in the monitoring account.")
        // No auto-refresh: every refresh is billed (dashboardCost.ts); viewers refresh on demand.
        .time({ from: "now-3h", to: "now" })
        .timezone("utc")
        .readonly()
        .withVariable(new dash.CustomVariableBuilder("region").label("Region").values(o.regions.join(",")).current({ text: o.regions[0], value: o.regions[0] }))
        // CloudWatch variable query types: VariableQueryType in grafana/grafana
        // public/app/plugins/datasource/cloudwatch/types.ts ('accounts', 'dimensionValues').
        .withVariable(variable("account", "Account", { refId: "account", queryType: "accounts", region: "$region" }, uid))
        .withVariable(variable("instance", "Instance", {
            refId: "instance", queryType: "dimensionValues", region: "$region", namespace: EC2_AGENT_NAMESPACE,
            metricName: heartbeatMetric("linux"), dimensionKey: "InstanceId", accountId: "$account",
        }, uid));
    if (onpremNamespaces.length > 0) {
        d.withVariable(variable("site", "Site", {
            refId: "site", queryType: "dimensionValues", region: "$region", namespace: onpremNamespaces[0], metricName: heartbeatMetric("linux"), dimensionKey: "site",
        }, uid));
    }

    d.withRow(new dash.RowBuilder("Agents reporting"));
    const reporting = new timeseries.PanelBuilder().title("Agents reporting (per account, per site)").unit("short").datasource(ref(uid)).height(8).span(12)
        .description("Hosts whose agent sent its heartbeat metric in each minute. A drop is agents not reporting; the 'CloudWatch agent not reporting' alert names them.");
    for (const q of reportingQueries(onpremNamespaces)) {
        reporting.withTarget(metricsTarget({ ...q, label: q.namespace === EC2_AGENT_NAMESPACE ? "${PROP('Dim.AWS.AccountId')}" : "${PROP('Dim.site')}" }, uid, "60"));
    }
    d.withPanel(reporting);
    const silent = new table.PanelBuilder().title("Least-reporting hosts in $account").datasource(ref(uid)).height(8).span(12)
        .description("Heartbeats per host over the time range, fewest first: a host at the top with a low count stopped reporting.");
    for (const q of silentHostQueries()) {
        silent.withTarget(metricsTarget(q, uid, "3600"));
    }
    d.withPanel(silent);

    // Every other row starts collapsed: Grafana runs a collapsed row's queries only when it is
    // opened, and each Metrics Insights query is billed per metric it analyzes (dashboardCost.ts).
    const panels: HostPanelMetric["panel"][] = ["cpu", "memory", "disk", "network"];
    const row = (title: string, scope: Parameters<typeof scopeQueries>[1], panelTitle: (p: HostPanelMetric["panel"]) => string) => {
        const r = new dash.RowBuilder(title).collapsed(true);
        for (const p of panels) {
            r.withPanel(resourcePanel(panelTitle(p), p, scopeQueries(p, scope), uid));
        }
        d.withRow(r);
    };
    row("Fleet: busiest EC2 hosts", "fleet", (p) => `${PANEL_TITLES[p]}: top ${TOP_N} across accounts`);
    row("Account $account", "account", (p) => `${PANEL_TITLES[p]} by instance`);
    row("Instance $instance", "instance", (p) => PANEL_TITLES[p]);
    for (const ns of onpremNamespaces) {
        row(`Site $site (${ns})`, { site: "$site", namespace: ns }, (p) => `${PANEL_TITLES[p]} by host`);
    }

    const logRow = new dash.RowBuilder("CloudWatch agent logs").collapsed(true);
    for (const region of o.regions) {
        const targets = agentLogTargets(o.sources, region, uid);
        if (targets.length === 0) {
            continue;
        }
        const p = new logs.PanelBuilder().title(`Agent warnings and errors (${region})`).datasource(ref(uid)).height(10).span(24)
            .showTime(true).wrapLogMessage(true).enableLogDetails(true);
        for (const t of targets) {
            p.withTarget(t);
        }
        logRow.withPanel(p);
    }
    d.withRow(logRow);
    return d.build();
}

/** A panel of the model with the row it sits in and whether that row starts collapsed. */
export function dashboardPanels(model: dash.Dashboard): Array<{ panel: dash.Panel; row?: string; collapsed: boolean }> {
    const out: Array<{ panel: dash.Panel; row?: string; collapsed: boolean }> = [];
    let current: { title?: string; collapsed: boolean } = { collapsed: false };
    for (const p of model.panels ?? []) {
        if (p.type === "row") {
            const r = p as dash.RowPanel;
            current = { title: r.title, collapsed: r.collapsed === true };
            for (const inner of r.panels ?? []) {
                out.push({ panel: inner, row: r.title, collapsed: current.collapsed });
            }
            continue;
        }
        out.push({ panel: p, row: current.title, collapsed: current.collapsed });
    }
    return out;
}

export interface DashboardMetricQuery {
    readonly panel: string;
    readonly collapsed: boolean;
    readonly namespace: string;
    readonly metricName: string;
    readonly sql: string;
}

/** Every Metrics Insights statement of a dashboard model (tests and the cost model read them). */
export function dashboardMetricQueries(model: dash.Dashboard): DashboardMetricQuery[] {
    return dashboardPanels(model).flatMap(({ panel, collapsed }) => ((panel.targets ?? []) as unknown as Array<Record<string, unknown>>)
        .filter((t) => t.queryMode === cw.CloudWatchQueryMode.Metrics)
        .map((t) => ({ panel: String(panel.title), collapsed, namespace: String(t.namespace), metricName: String(t.metricName), sql: String(t.sqlExpression) })));
}
