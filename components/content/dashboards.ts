import { ALERTS, accountOnly, silentSourcesExpr, sitesOnly } from "./alertingRules";
import { CORE_PROMETHEUS_TYPE } from "../telemetry/ampDataSource";
import { Dashboard, DashboardSpec, DataSourceRef, PanelSpec, RowSpec, VariableSpec, buildDashboard } from "./dashboardBuilder";
import { COLLECTOR_LABELS, OTELCOL } from "./metrics";
import { ContentOptions } from "./options";
import { by, num, re, sel } from "./promql";
import { RECORDS, hubJob, sourceKey, spokeMatchers } from "./recordingRules";

/** Dashboard variable names; panels filter with `label=~"$name"`. */
export const VARIABLES = { account: "account", region: "region", site: "site" } as const;

/** Grafana picks a rate window that fits the panel resolution and scrape interval. */
export const RATE_INTERVAL = "$__rate_interval";

export const DASHBOARD_KEYS = ["fleet-overview", "collector-health", "onprem-sites"] as const;
export type DashboardKey = (typeof DASHBOARD_KEYS)[number];

/** Which Grafana folder each dashboard lives in. */
export const FOLDERS = {
    fleet: { uid: "oss-monitoring-fleet", title: "Monitoring fleet" },
    collectors: { uid: "oss-monitoring-collectors", title: "Monitoring collectors" },
} as const;
export type FolderKey = keyof typeof FOLDERS;

export const DASHBOARD_FOLDER: Readonly<Record<DashboardKey, FolderKey>> = {
    "fleet-overview": "fleet",
    "onprem-sites": "fleet",
    "collector-health": "collectors",
};

export interface RenderedDashboard {
    readonly key: DashboardKey;
    readonly folder: FolderKey;
    readonly dashboard: Dashboard;
}

const v = (name: string): string => `$${name}`;

/** account, region and site variables, each narrowed by the ones before it. */
function variables(o: ContentOptions): VariableSpec[] {
    const L = o.labels;
    return [
        { name: VARIABLES.account, label: "Account", query: `label_values(${RECORDS.sourcePresent}, ${L.account})` },
        { name: VARIABLES.region, label: "Region", query: `label_values(${sel(RECORDS.sourcePresent, re(L.account, v(VARIABLES.account)))}, ${L.region})` },
        { name: VARIABLES.site, label: "Site", query: `label_values(${sel(RECORDS.sourcePresent, re(L.account, v(VARIABLES.account)), re(L.region, v(VARIABLES.region)))}, ${L.site})` },
    ];
}

/** Matchers applying the three variables. */
function filter(o: ContentOptions): string[] {
    const L = o.labels;
    return [re(L.account, v(VARIABLES.account)), re(L.region, v(VARIABLES.region)), re(L.site, v(VARIABLES.site))];
}

const legend = (...labels: string[]): string => labels.map((l) => `{{${l}}}`).join(" ");

function freshnessTable(o: ContentOptions, title: string, extra: string[]): PanelSpec {
    return {
        type: "table",
        title,
        description: `Seconds since each sender's last heartbeat (senders seen in the last ${o.forgetSilentAfterHours}h). Red beyond ${o.silentAfterMinutes} minutes.`,
        unit: "s",
        queries: [{ expr: `time() - max ${by(sourceKey(o))} (max_over_time(${sel(RECORDS.sourceLastSeen, ...filter(o), ...extra)}[${o.forgetSilentAfterHours}h]))` }],
        thresholds: [
            { value: Math.round(o.silentAfterMinutes * 30), color: "orange" },
            { value: o.silentAfterMinutes * 60, color: "red" },
        ],
    };
}

function fleetOverview(o: ContentOptions, uidPrefix: string): DashboardSpec {
    const L = o.labels;
    const f = filter(o);
    const ratio = { unit: "percentunit", min: 0, max: 1, thresholds: [{ value: o.quotaWarningRatio, color: "orange" }, { value: 0.95, color: "red" }] };
    return {
        uid: `${uidPrefix}-fleet-overview`,
        title: "Monitoring fleet overview",
        description: "Which monitored accounts and on-prem sites report, how much they send, and how close AMP is to its quotas.",
        tags: ["oss-monitoring", "fleet"],
        variables: variables(o),
        rows: [
            {
                title: "Fleet",
                panels: [
                    { type: "stat", title: "Accounts reporting", width: 4, queries: [{ expr: `count(count ${by([L.account])} (${sel(RECORDS.sourcePresent, ...f, accountOnly(o))}))` }] },
                    { type: "stat", title: "On-prem sites reporting", width: 4, queries: [{ expr: `count(count ${by([L.site])} (${sel(RECORDS.sourcePresent, ...f, sitesOnly(o))}))` }] },
                    {
                        type: "stat",
                        title: "Silent senders",
                        width: 4,
                        description: `Senders without data for ${o.silentAfterMinutes} minutes (the ${ALERTS.accountSilent} / ${ALERTS.siteSilent} condition).`,
                        queries: [{ expr: `count(${silentSourcesExpr(o, ...f)}) or vector(0)` }],
                        thresholds: [{ value: 1, color: "red" }],
                    },
                    { type: "stat", title: "AMP ingestion", width: 4, unit: "short", description: "Samples/s written to AMP by the hub.", queries: [{ expr: RECORDS.workspaceSamples }] },
                    { type: "gauge", title: "Active series quota", width: 4, ...ratio, queries: [{ expr: RECORDS.workspaceActiveSeriesQuotaRatio }] },
                    { type: "gauge", title: "Ingestion rate quota", width: 4, ...ratio, queries: [{ expr: RECORDS.workspaceSamplesQuotaRatio }] },
                ],
            },
            {
                title: "Ingestion",
                panels: [
                    { type: "timeseries", title: "Points/s sent per account", unit: "short", stacked: true, queries: [{ expr: `sum ${by([L.account])} (${sel(RECORDS.sourceSentPoints, ...f)})`, legend: legend(L.account) }] },
                    { type: "timeseries", title: "Estimated active series per account", unit: "short", stacked: true, queries: [{ expr: `sum ${by([L.account])} (${sel(RECORDS.sourceActiveSeries, ...f)})`, legend: legend(L.account) }] },
                    {
                        type: "timeseries",
                        title: "AMP ingestion vs quota",
                        unit: "short",
                        queries: [
                            { expr: RECORDS.workspaceSamples, legend: "samples/s" },
                            { expr: `vector(${num(o.quotas.samplesPerSecond * o.quotaWarningRatio)})`, legend: "warning threshold" },
                        ],
                    },
                ],
            },
            {
                title: "Freshness",
                panels: [
                    freshnessTable(o, "Seconds since last data, per sender", []),
                    { type: "table", title: "Silent senders", queries: [{ expr: silentSourcesExpr(o, ...f) }] },
                ],
            },
        ],
    };
}

function collectorHealth(o: ContentOptions, uidPrefix: string): DashboardSpec {
    return {
        uid: `${uidPrefix}-collector-health`,
        title: "Collector health",
        description: "ADOT collectors' own telemetry: the hub collectors that write to AMP, then the senders' collectors.",
        tags: ["oss-monitoring", "collectors"],
        variables: variables(o),
        rows: [hubCollectorsRow(o), senderCollectorsRow(o)],
    };
}

const rate = (metric: string, ...m: string[]): string => `rate(${sel(metric, ...m)}[${RATE_INTERVAL}])`;

/** The hub collectors that write to AMP: replicas, refusals, drops, queues, remote-write failures, resources. */
function hubCollectorsRow(o: ContentOptions): RowSpec {
    const job = hubJob(o);
    const { instance, exporter, receiver } = COLLECTOR_LABELS;
    return {
        title: `Hub collectors (job ${o.hubCollectorJob})`,
        panels: [
            { type: "stat", title: "Replicas up", width: 4, queries: [{ expr: `sum(${RECORDS.hubReplicasUp}{${job}})` }], thresholds: [] },
            { type: "stat", title: "Refused points/s", width: 4, queries: [{ expr: `sum(${RECORDS.hubRefused}{${job}})` }], thresholds: [{ value: 1, color: "red" }] },
            { type: "stat", title: "Dropped points/s", width: 4, description: "Points dropped because a sending queue was full.", queries: [{ expr: `sum(${RECORDS.hubEnqueueFailed}{${job}}) or vector(0)` }], thresholds: [{ value: 1, color: "red" }] },
            { type: "gauge", title: "Fullest sending queue", width: 4, unit: "percentunit", min: 0, max: 1, queries: [{ expr: `max(${RECORDS.hubQueueUtilization}{${job}})` }], thresholds: [{ value: o.queueSaturationRatio, color: "red" }] },
            { type: "stat", title: "Remote-write failed points/s", width: 4, queries: [{ expr: `sum(${RECORDS.hubSendFailed}{${job}}) or vector(0)` }], thresholds: [{ value: 1, color: "red" }] },
            { type: "stat", title: "Max memory (RSS)", width: 4, unit: "bytes", queries: [{ expr: `max(${RECORDS.hubMemoryRss}{${job}})` }] },
            {
                type: "timeseries",
                title: "Accepted and refused points/s",
                unit: "short",
                queries: [
                    { expr: `sum ${by([instance, receiver])} (${rate(OTELCOL.receiverAccepted, job)})`, legend: `accepted ${legend(instance, receiver)}` },
                    { expr: `sum ${by([instance, receiver])} (${rate(OTELCOL.receiverRefused, job)})`, legend: `refused ${legend(instance, receiver)}` },
                ],
            },
            {
                type: "timeseries",
                title: "Sent and failed points/s",
                unit: "short",
                queries: [
                    { expr: `sum ${by([instance, exporter])} (${rate(OTELCOL.exporterSent, job)})`, legend: `sent ${legend(instance, exporter)}` },
                    { expr: `sum ${by([instance, exporter])} (${rate(OTELCOL.exporterSendFailed, job)})`, legend: `failed ${legend(instance, exporter)}` },
                    { expr: `sum ${by([instance, exporter])} (${rate(OTELCOL.exporterEnqueueFailed, job)})`, legend: `dropped ${legend(instance, exporter)}` },
                ],
            },
            {
                type: "timeseries",
                title: "Sending queue size vs capacity",
                unit: "short",
                queries: [
                    { expr: `max ${by([instance, exporter])} (${sel(OTELCOL.queueSize, job)})`, legend: `size ${legend(instance, exporter)}` },
                    { expr: `max ${by([exporter])} (${sel(OTELCOL.queueCapacity, job)})`, legend: `capacity ${legend(exporter)}` },
                ],
            },
            { type: "timeseries", title: "Memory (RSS)", unit: "bytes", queries: [{ expr: `max ${by([instance])} (${sel(OTELCOL.memoryRss, job)})`, legend: legend(instance) }] },
            { type: "timeseries", title: "CPU (cores)", unit: "short", queries: [{ expr: `sum ${by([instance])} (${rate(OTELCOL.cpuSeconds, job)})`, legend: legend(instance) }] },
            {
                type: "timeseries",
                title: "Uptime and translation failures",
                unit: "short",
                queries: [
                    { expr: `max ${by([instance])} (${sel(OTELCOL.uptime, job)})`, legend: `uptime s ${legend(instance)}` },
                    { expr: `sum ${by([instance])} (${rate(OTELCOL.prwFailedTranslations, job)})`, legend: `failed translations/s ${legend(instance)}` },
                ],
            },
        ],
    };
}

/** The senders' collectors, per source. */
function senderCollectorsRow(o: ContentOptions): RowSpec {
    const { instance } = COLLECTOR_LABELS;
    const spoke = [...spokeMatchers(o), ...filter(o)];
    const src = sourceKey(o);
    return {
        title: "Sender collectors",
        panels: [
            { type: "timeseries", title: "Accepted points/s per sender", unit: "short", queries: [{ expr: `sum ${by(src)} (${rate(OTELCOL.receiverAccepted, ...spoke)})`, legend: legend(...src) }] },
            {
                type: "timeseries",
                title: "Failed and dropped points/s per sender",
                unit: "short",
                queries: [
                    { expr: `sum ${by(src)} (${rate(OTELCOL.exporterSendFailed, ...spoke)})`, legend: `failed ${legend(...src)}` },
                    { expr: `sum ${by(src)} (${rate(OTELCOL.exporterEnqueueFailed, ...spoke)})`, legend: `dropped ${legend(...src)}` },
                ],
            },
            { type: "timeseries", title: "Sending queue fill per sender", unit: "percentunit", min: 0, max: 1, queries: [{ expr: `max ${by(src)} (${sel(OTELCOL.queueSize, ...spoke)} / ${sel(OTELCOL.queueCapacity, ...spoke)})`, legend: legend(...src) }] },
            { type: "timeseries", title: "Memory (RSS) per sender collector", unit: "bytes", queries: [{ expr: `max ${by([...src, instance])} (${sel(OTELCOL.memoryRss, ...spoke)})`, legend: legend(...src, instance) }] },
        ],
    };
}

function onpremSites(o: ContentOptions, uidPrefix: string): DashboardSpec {
    const L = o.labels;
    const f = [...filter(o), sitesOnly(o)];
    const spoke = [...spokeMatchers(o), ...f];
    const site = [L.site, L.account];
    return {
        uid: `${uidPrefix}-onprem-sites`,
        title: "On-prem sites",
        description: "Data-centre sites sending through their landing VPCs: reporting, freshness, volume and sender collector health.",
        tags: ["oss-monitoring", "onprem"],
        variables: variables(o),
        rows: [
            {
                title: "Sites",
                panels: [
                    { type: "stat", title: "Sites reporting", width: 6, queries: [{ expr: `count(count ${by([L.site])} (${sel(RECORDS.sourcePresent, ...f)}))` }] },
                    { type: "stat", title: "Silent sites", width: 6, queries: [{ expr: `count(${silentSourcesExpr(o, ...f)}) or vector(0)` }], thresholds: [{ value: 1, color: "red" }] },
                    { type: "stat", title: "Points/s from sites", width: 6, unit: "short", queries: [{ expr: `sum(${sel(RECORDS.sourceSentPoints, ...f)})` }] },
                    { type: "stat", title: "Estimated active series from sites", width: 6, unit: "short", queries: [{ expr: `sum(${sel(RECORDS.sourceActiveSeries, ...f)})` }] },
                    freshnessTable(o, "Seconds since last data, per site", [sitesOnly(o)]),
                    { type: "table", title: "Silent sites", queries: [{ expr: silentSourcesExpr(o, ...f) }] },
                ],
            },
            {
                title: "Volume and health",
                panels: [
                    { type: "timeseries", title: "Points/s sent per site", unit: "short", stacked: true, queries: [{ expr: `sum ${by(site)} (${sel(RECORDS.sourceSentPoints, ...f)})`, legend: legend(...site) }] },
                    {
                        type: "timeseries",
                        title: "Failed and dropped points/s per site",
                        unit: "short",
                        queries: [
                            { expr: `sum ${by(site)} (rate(${sel(OTELCOL.exporterSendFailed, ...spoke)}[${RATE_INTERVAL}]))`, legend: `failed ${legend(...site)}` },
                            { expr: `sum ${by(site)} (rate(${sel(OTELCOL.exporterEnqueueFailed, ...spoke)}[${RATE_INTERVAL}]))`, legend: `dropped ${legend(...site)}` },
                        ],
                    },
                    { type: "timeseries", title: "Sending queue fill per site", unit: "percentunit", min: 0, max: 1, queries: [{ expr: `max ${by(site)} (${sel(OTELCOL.queueSize, ...spoke)} / ${sel(OTELCOL.queueCapacity, ...spoke)})`, legend: legend(...site) }] },
                ],
            },
        ],
    };
}

/** The hub's dashboards, bound to the AMP data source `dataSourceUid` of type `dataSourceType` (telemetry/ampDataSource.ts). */
export function renderDashboards(o: ContentOptions, dataSourceUid: string, uidPrefix = "oss-monitoring", dataSourceType: string = CORE_PROMETHEUS_TYPE): RenderedDashboard[] {
    const ds: DataSourceRef = { type: dataSourceType, uid: dataSourceUid };
    const specs: Record<DashboardKey, DashboardSpec> = {
        "fleet-overview": fleetOverview(o, uidPrefix),
        "collector-health": collectorHealth(o, uidPrefix),
        "onprem-sites": onpremSites(o, uidPrefix),
    };
    return DASHBOARD_KEYS.map((key) => ({ key, folder: DASHBOARD_FOLDER[key], dashboard: buildDashboard(specs[key], ds) }));
}
