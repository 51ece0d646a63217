import { COLLECTOR_LABELS, HEARTBEAT_METRICS, HUB_SOURCE_ROLE, OTELCOL, PRW_EXPORTER_REGEX, SCRAPE_UP } from "./metrics";
import { ContentOptions, promDuration } from "./options";
import { anyOf, by, eq, ne, num, re, sel } from "./promql";
import { RecordingRule, RuleGroup } from "./ruleTypes";

/**
 * Recorded series, named `level:metric:operation`. The level `source` means "one sender",
 * identified by the source key labels (account, region, site).
 */
export const RECORDS = {
    sourcePresent: "source:collector_heartbeat:present",
    sourceLastSeen: "source:collector_heartbeat:last_seen_timestamp_seconds",
    sourceSentPoints: "source:otelcol_exporter_sent_metric_points:rate5m",
    sourceAcceptedPoints: "source:otelcol_receiver_accepted_metric_points:rate5m",
    sourceActiveSeries: "source:active_series:estimate",
    hubReplicasUp: "job:up:count",
    hubAccepted: "job:otelcol_receiver_accepted_metric_points:rate5m",
    hubRefused: "job:otelcol_receiver_refused_metric_points:rate5m",
    hubSent: "job_exporter:otelcol_exporter_sent_metric_points:rate5m",
    hubSendFailed: "job_exporter:otelcol_exporter_send_failed_metric_points:rate5m",
    hubEnqueueFailed: "job_exporter:otelcol_exporter_enqueue_failed_metric_points:rate5m",
    hubQueueUtilization: "job_exporter:otelcol_exporter_queue_utilization:max_ratio",
    hubMemoryRss: "job:otelcol_process_memory_rss:max",
    workspaceSamples: "workspace:amp_samples_ingested:rate5m",
    workspaceActiveSeries: "workspace:amp_active_series:estimate",
    workspaceSamplesQuotaRatio: "workspace:amp_ingestion_rate_quota:ratio",
    workspaceActiveSeriesQuotaRatio: "workspace:amp_active_series_quota:ratio",
} as const;

/** Labels that identify one sender: a monitored account's region, or an on-prem site. */
export function sourceKey(o: ContentOptions): string[] {
    return [o.labels.account, o.labels.region, o.labels.site];
}

/** Spoke series only: they carry an account and do not come from the hub itself. */
export function spokeMatchers(o: ContentOptions): string[] {
    return [ne(o.labels.account, ""), ne(o.labels.sourceRole, HUB_SOURCE_ROLE)];
}

/** The raw heartbeat selector; `extra` narrows it (e.g. to on-prem sites). */
export function heartbeatSelector(o: ContentOptions, ...extra: string[]): string {
    return anyOf(HEARTBEAT_METRICS, ...spokeMatchers(o), ...extra);
}

export const hubJob = (o: ContentOptions): string => eq(COLLECTOR_LABELS.job, o.hubCollectorJob);
export const prwExporter = (): string => re(COLLECTOR_LABELS.exporter, PRW_EXPORTER_REGEX);

function sourceRecords(o: ContentOptions): RecordingRule[] {
    const key = by(sourceKey(o));
    const spoke = spokeMatchers(o);
    return [
        { record: RECORDS.sourcePresent, expr: `group ${key} (${heartbeatSelector(o)})` },
        // timestamp() drops the metric name, so over one selector of several heartbeat names a collector's `up`
        // and its uptime (same labels) would collide: "vector cannot contain metrics with the same labelset",
        // and the rule would record nothing (Prometheus functions drop __name__, prometheus/docs querying/functions).
        // One timestamp() per name, each tagged with its name so `or` keeps every one (`or` drops a right-hand
        // series whose labels the left already has), and the max is over all of them.
        { record: RECORDS.sourceLastSeen, expr: `max ${key} (${HEARTBEAT_METRICS.map((m) => `label_replace(timestamp(${sel(m, ...spoke)}), "heartbeat", "${m}", "", "")`).join(" or ")})` },
        { record: RECORDS.sourceSentPoints, expr: `sum ${key} (rate(${sel(OTELCOL.exporterSent, ...spoke)}[5m]))` },
        { record: RECORDS.sourceAcceptedPoints, expr: `sum ${key} (rate(${sel(OTELCOL.receiverAccepted, ...spoke)}[5m]))` },
        // A series sampled once per interval contributes 1/interval samples/s, hence rate × interval.
        { record: RECORDS.sourceActiveSeries, expr: `${RECORDS.sourceSentPoints} * ${num(o.collectionIntervalSeconds)}` },
    ];
}

function hubRecords(o: ContentOptions): RecordingRule[] {
    const job = hubJob(o);
    const j = by([COLLECTOR_LABELS.job]);
    const je = by([COLLECTOR_LABELS.job, COLLECTOR_LABELS.exporter]);
    return [
        { record: RECORDS.hubReplicasUp, expr: `count ${j} (${sel(SCRAPE_UP, job)} == 1)` },
        { record: RECORDS.hubAccepted, expr: `sum ${j} (rate(${sel(OTELCOL.receiverAccepted, job)}[5m]))` },
        { record: RECORDS.hubRefused, expr: `sum ${j} (rate(${sel(OTELCOL.receiverRefused, job)}[5m]))` },
        { record: RECORDS.hubSent, expr: `sum ${je} (rate(${sel(OTELCOL.exporterSent, job)}[5m]))` },
        { record: RECORDS.hubSendFailed, expr: `sum ${je} (rate(${sel(OTELCOL.exporterSendFailed, job)}[5m]))` },
        { record: RECORDS.hubEnqueueFailed, expr: `sum ${je} (rate(${sel(OTELCOL.exporterEnqueueFailed, job)}[5m]))` },
        { record: RECORDS.hubQueueUtilization, expr: `max ${je} (${sel(OTELCOL.queueSize, job)} / ${sel(OTELCOL.queueCapacity, job)})` },
        { record: RECORDS.hubMemoryRss, expr: `max ${j} (${sel(OTELCOL.memoryRss, job)})` },
    ];
}

function workspaceRecords(o: ContentOptions): RecordingRule[] {
    // Everything reaches AMP through the hub's remote-write exporters, so their translated series
    // rate is the ingestion rate, whichever spoke the data came from. With a DR workspace each
    // exporter writes the full stream to its own workspace: take the busiest, don't add them up.
    const e = by([COLLECTOR_LABELS.exporter]);
    return [
        { record: RECORDS.workspaceSamples, expr: `max(sum ${e} (rate(${sel(OTELCOL.prwTranslatedSeries, hubJob(o), prwExporter())}[5m])))` },
        { record: RECORDS.workspaceActiveSeries, expr: `${RECORDS.workspaceSamples} * ${num(o.collectionIntervalSeconds)}` },
        { record: RECORDS.workspaceSamplesQuotaRatio, expr: `${RECORDS.workspaceSamples} / ${num(o.quotas.samplesPerSecond)}` },
        { record: RECORDS.workspaceActiveSeriesQuotaRatio, expr: `${RECORDS.workspaceActiveSeries} / ${num(o.quotas.activeSeries)}` },
    ];
}

/** Recording rules: per-source ingestion and freshness, hub collector health, workspace usage. */
export function recordingRuleGroups(o: ContentOptions): RuleGroup<RecordingRule>[] {
    const interval = promDuration(o.ruleIntervalSeconds);
    return [
        { name: "oss-monitoring-sources", interval, rules: sourceRecords(o) },
        { name: "oss-monitoring-hub-collector", interval, rules: hubRecords(o) },
        { name: "oss-monitoring-workspace", interval, rules: workspaceRecords(o) },
    ];
}
