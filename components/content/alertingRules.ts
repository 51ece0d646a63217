import { COLLECTOR_LABELS, OTELCOL, SCRAPE_UP } from "./metrics";
import { ContentOptions, promDuration, scaledFor } from "./options";
import { by, eq, ne, num, on, sel } from "./promql";
import { RECORDS, heartbeatSelector, hubJob, prwExporter, sourceKey, spokeMatchers } from "./recordingRules";
import { AlertingRule, RuleGroup } from "./ruleTypes";

/** Labels every alert carries; the alert manager routes and inhibits on them. */
export const ALERT_LABELS = { severity: "severity", scope: "scope" } as const;
export type Severity = "critical" | "warning";
/** hub: the hub collectors; spoke: one monitored account or on-prem site; workspace: AMP itself. */
export type Scope = "hub" | "spoke" | "workspace";

export const ALERTS = {
    hubCollectorDown: "HubCollectorDown",
    hubReplicaDown: "HubCollectorReplicaDown",
    hubReplicasBelowMinimum: "HubCollectorReplicasBelowMinimum",
    hubRestarting: "HubCollectorRestarting",
    hubRemoteWriteRetrying: "HubRemoteWriteRetrying",
    hubRemoteWriteFailing: "HubRemoteWriteFailing",
    hubRemoteWriteRefused: "HubRemoteWriteRefused",
    hubTranslationFailures: "HubRemoteWriteTranslationFailures",
    hubQueueSaturated: "HubExporterQueueSaturated",
    hubDroppingPoints: "HubCollectorDroppingPoints",
    hubRefusingPoints: "HubReceiverRefusingPoints",
    hubCertificateExpiring: "HubCertificateExpiringSoon",
    accountSilent: "MonitoredAccountSilent",
    siteSilent: "OnPremSiteSilent",
    spokeExportFailing: "SpokeCollectorExportFailing",
    spokeDroppingPoints: "SpokeCollectorDroppingPoints",
    activeSeriesNearQuota: "AmpActiveSeriesNearQuota",
    ingestionRateNearQuota: "AmpIngestionRateNearQuota",
} as const;

/**
 * While one of these fires, spoke alerts are symptoms (nothing reaches AMP), so the alert manager
 * inhibits them. HubCollectorDown also covers "remote write fails entirely": the hub's own
 * telemetry travels the same path, so its absence is what such an outage looks like.
 */
export const HUB_OUTAGE_ALERTS: readonly string[] = [ALERTS.hubCollectorDown, ALERTS.hubRemoteWriteFailing];

function alert(name: string, severity: Severity, scope: Scope, expr: string, forDuration: string, summary: string, description: string, extraLabels: Record<string, string> = {}): AlertingRule {
    return {
        alert: name,
        expr,
        for: forDuration,
        labels: { [ALERT_LABELS.severity]: severity, [ALERT_LABELS.scope]: scope, ...extraLabels },
        annotations: { summary, description },
    };
}

const lbl = (name: string): string => `{{ $labels.${name} }}`;

function hubAlerts(o: ContentOptions): AlertingRule[] {
    const job = hubJob(o);
    const { instance, exporter, receiver } = COLLECTOR_LABELS;
    const jobLabel = COLLECTOR_LABELS.job;
    const jie = by([jobLabel, instance, exporter]);
    const prw = [job, prwExporter()];
    const retried = [...prw, ne(COLLECTOR_LABELS.errorPermanent, "true")];
    const up = sel(SCRAPE_UP, job);
    return [
        alert(ALERTS.hubCollectorDown, "critical", "hub", `absent(${up} == 1)`, "5m",
            "No hub collector replica is reporting",
            `No replica of job ${o.hubCollectorJob} has reported for 5 minutes: every replica is down or its remote write to AMP fails. Spoke alerts are inhibited meanwhile.`,
            { [jobLabel]: o.hubCollectorJob }),
        alert(ALERTS.hubReplicaDown, "warning", "hub", `${up} == 0`, "5m",
            `Hub collector replica ${lbl(instance)} is down`,
            `The scrape of ${lbl(instance)} (job ${lbl(jobLabel)}) has failed for 5 minutes.`),
        alert(ALERTS.hubReplicasBelowMinimum, "warning", "hub", `count ${by([jobLabel])} (${up} == 1) < ${num(o.minHubCollectorReplicas)}`, "10m",
            "Fewer hub collector replicas than the minimum",
            `Only {{ $value }} replica(s) of ${lbl(jobLabel)} report; at least ${o.minHubCollectorReplicas} are expected for high availability.`),
        // Restarts in place reset the uptime counter; replaced tasks show up as series that vanished.
        alert(ALERTS.hubRestarting, "warning", "hub",
            `(sum ${by([jobLabel])} (resets(${sel(OTELCOL.uptime, job)}[30m])) or count ${by([jobLabel])} (${up}) * 0)\n+ ${on([jobLabel])} (count ${by([jobLabel])} (count_over_time(${up}[30m])) - count ${by([jobLabel])} (${up}))\n> 2`,
            "0m",
            "Hub collector replicas keep restarting",
            `{{ $value }} hub collector restarts or replacements in the last 30 minutes (job ${lbl(jobLabel)}): check the tasks' stopped reason and memory.`),
        alert(ALERTS.hubRemoteWriteRetrying, "warning", "hub",
            `sum ${jie} (rate(${sel(OTELCOL.exporterSendFailed, ...retried)}[5m])) > 0`, "15m",
            `Remote write to AMP is failing and retrying on ${lbl(instance)}`,
            `Exporter ${lbl(exporter)} has had failed send attempts for 15 minutes ({{ $value | humanize }} points/s); senders are told to retry and their queues hold the data. Look for 429 (quota), 5xx or timeouts in the collector logs.`),
        // Only failures the exporter retried make an outage: a permanent refusal (one tenant over its
        // series limit, answered 400 by the engine AMP runs: e2e scenario 11) would otherwise pass the
        // ratio whenever the refused tenant sends most of the points, and mute every spoke alert.
        alert(ALERTS.hubRemoteWriteFailing, "critical", "hub",
            `sum ${by([jobLabel, exporter])} (rate(${sel(OTELCOL.exporterSendFailed, ...retried)}[5m]))\n/ (sum ${by([jobLabel, exporter])} (rate(${sel(OTELCOL.exporterSent, ...prw)}[5m])) + sum ${by([jobLabel, exporter])} (rate(${sel(OTELCOL.exporterSendFailed, ...prw)}[5m])))\n> 0.5`,
            "10m",
            "Most remote writes to AMP fail",
            `{{ $value | humanizePercentage }} of the points exporter ${lbl(exporter)} tries to send to AMP fail after retries. Spoke alerts are inhibited meanwhile.`),
        alert(ALERTS.hubRemoteWriteRefused, "warning", "hub",
            `sum ${by([jobLabel, exporter])} (rate(${sel(OTELCOL.exporterSendFailed, ...prw, eq(COLLECTOR_LABELS.errorPermanent, "true"))}[5m])) > 0`, "10m",
            `AMP refuses points from exporter ${lbl(exporter)} for good`,
            "{{ $value | humanize }} points/s are refused with a final answer (an HTTP 4xx other than 429): the hub drops them without retry and tells their sender the refusal is final. Usually one tenant over its active-series limit (TenantActiveSeriesNearLimit names it) or samples older than the out-of-order window; if every write is refused, the hub's IAM permissions (403) or the workspace itself. Spoke alerts stay active."),
        alert(ALERTS.hubTranslationFailures, "warning", "hub",
            `sum ${by([jobLabel, instance])} (rate(${sel(OTELCOL.prwFailedTranslations, job)}[5m])) > 0`, "15m",
            `Metrics dropped while translating to Prometheus on ${lbl(instance)}`,
            "The remote-write exporter cannot translate some OTLP metrics (often delta temporality from a sender); those metrics never reach AMP."),
        alert(ALERTS.hubQueueSaturated, "warning", "hub",
            `max ${jie} (${sel(OTELCOL.queueSize, job)} / ${sel(OTELCOL.queueCapacity, job)}) > ${num(o.queueSaturationRatio)}`, "10m",
            `Sending queue of ${lbl(exporter)} on ${lbl(instance)} is nearly full`,
            `The queue is {{ $value | humanizePercentage }} full; once full, points are dropped. AMP is slow or throttling, or the hub needs more replicas.`),
        alert(ALERTS.hubDroppingPoints, "critical", "hub",
            `sum ${jie} (rate(${sel(OTELCOL.exporterEnqueueFailed, job)}[5m])) > 0`, "5m",
            `Hub collector ${lbl(instance)} drops points`,
            `Exporter ${lbl(exporter)} drops {{ $value | humanize }} points/s because its sending queue is full: data is being lost.`),
        alert(ALERTS.hubRefusingPoints, "warning", "hub",
            `sum ${by([jobLabel, instance, receiver])} (rate(${sel(OTELCOL.receiverRefused, job)}[5m])) > 0`, "10m",
            `Hub collector ${lbl(instance)} refuses incoming points`,
            `Receiver ${lbl(receiver)} refuses {{ $value | humanize }} points/s (memory limiter back-pressure); senders retry, but may drop if it lasts.`),
        alert(ALERTS.hubCertificateExpiring, "warning", "hub",
            `min ${by([instance])} (${sel(o.certExpiryMetric, eq(o.labels.sourceRole, "hub"))}) - time() < ${num(o.certExpiryWarningDays * 86400)}`, "1h",
            `Hub endpoint certificate for ${lbl(instance)} expires soon`,
            `The certificate expires in {{ $value | humanizeDuration }}; renew it before senders' TLS handshakes fail.`),
    ];
}

/**
 * A source is silent when it was heard from within `forgetSilentAfterHours` (the recorded presence
 * series remembers it) but its raw heartbeat has no sample in the last `silentAfterMinutes`.
 * One rule covers any number of accounts: the comparison is a set difference by source key.
 */
export function silentSourcesExpr(o: ContentOptions, ...matchers: string[]): string {
    const key = sourceKey(o);
    const remembered = `group ${by(key)} (last_over_time(${sel(RECORDS.sourcePresent, ...matchers)}[${o.forgetSilentAfterHours}h]))`;
    const current = `group ${by(key)} (last_over_time(${heartbeatSelector(o, ...matchers)}[${o.silentAfterMinutes}m]))`;
    return `${remembered}\nunless ${on(key)}\n${current}`;
}

export const accountOnly = (o: ContentOptions): string => eq(o.labels.site, "");
export const sitesOnly = (o: ContentOptions): string => ne(o.labels.site, "");

function spokeAlerts(o: ContentOptions): AlertingRule[] {
    const L = o.labels;
    const key = by(sourceKey(o));
    const spoke = spokeMatchers(o);
    const who = `account ${lbl(L.account)} (${lbl(L.region)}){{ with $labels.${L.site} }} site {{ . }}{{ end }}`;
    return [
        alert(ALERTS.accountSilent, "critical", "spoke", silentSourcesExpr(o, accountOnly(o)), "0m",
            `Monitored account ${lbl(L.account)} in ${lbl(L.region)} is silent`,
            `No data from account ${lbl(L.account)} in ${lbl(L.region)} for ${o.silentAfterMinutes} minutes (it reported within the last ${o.forgetSilentAfterHours}h). Check its collector and its PrivateLink connection.`),
        alert(ALERTS.siteSilent, "critical", "spoke", silentSourcesExpr(o, sitesOnly(o)), "0m",
            `On-prem site ${lbl(L.site)} is silent`,
            `No data from on-prem site ${lbl(L.site)} (account ${lbl(L.account)}) for ${o.silentAfterMinutes} minutes (it reported within the last ${o.forgetSilentAfterHours}h). Check the site's collector and its VPN/Direct Connect link.`),
        alert(ALERTS.spokeExportFailing, "warning", "spoke",
            `sum ${key} (rate(${sel(OTELCOL.exporterSendFailed, ...spoke)}[5m])) > 0`, "15m",
            `Collector of ${who} fails to send to the hub`,
            "The sender's exporter has failed attempts for 15 minutes ({{ $value | humanize }} points/s): check connectivity to the hub endpoint and its certificate. Failures counted with error_permanent=\"true\" are the hub's final answers (AMP refused the data, e.g. the tenant is over its series limit: see TenantActiveSeriesNearLimit), not a connectivity problem."),
        alert(ALERTS.spokeDroppingPoints, "warning", "spoke",
            `sum ${key} (rate(${sel(OTELCOL.exporterEnqueueFailed, ...spoke)}[5m])) > 0`, "10m",
            `Collector of ${who} drops or refuses points`,
            // Which of the two depends on the sender's queue: a persistent queue has no batch processor in
            // front of it, so the full queue's error reaches the receiver and its client (exporterhelper
            // v0.156.0 persistent_queue.go:277-284); a memory queue behind the batch processor loses them there.
            "The sender's sending queue is full ({{ $value | humanize }} points/s do not fit). A site gateway, or a collector with `queue.persistent`, refuses them to its own clients (HTTP 503 / UNAVAILABLE: they must retry or lose them); a collector with a memory queue drops them."),
    ];
}

function workspaceAlerts(o: ContentOptions): AlertingRule[] {
    const pct = `${Math.round(o.quotaWarningRatio * 100)}%`;
    return [
        alert(ALERTS.activeSeriesNearQuota, "warning", "workspace", `${RECORDS.workspaceActiveSeriesQuotaRatio} > ${num(o.quotaWarningRatio)}`, "15m",
            "AMP active series approach the workspace quota",
            `Estimated active series are at {{ $value | humanizePercentage }} of the ${o.quotas.activeSeries} quota (warning above ${pct}). Drop unused series at the senders or request a quota increase.`),
        alert(ALERTS.ingestionRateNearQuota, "warning", "workspace", `${RECORDS.workspaceSamplesQuotaRatio} > ${num(o.quotaWarningRatio)}`, "10m",
            "AMP ingestion rate approaches the workspace quota",
            `Ingestion is at {{ $value | humanizePercentage }} of the ${o.quotas.samplesPerSecond} samples/s quota (warning above ${pct}); beyond it AMP throttles with 429s.`),
    ];
}

/** Alerting rules, one group per scope. */
export function alertingRuleGroups(o: ContentOptions): RuleGroup<AlertingRule>[] {
    const interval = promDuration(o.ruleIntervalSeconds);
    const scaled = (rules: AlertingRule[]): AlertingRule[] => rules.map((r) => (r.for === undefined ? r : { ...r, for: scaledFor(r.for, o.alertForScale) }));
    return [
        { name: "oss-monitoring-hub-alerts", interval, rules: scaled(hubAlerts(o)) },
        { name: "oss-monitoring-spoke-alerts", interval, rules: scaled(spokeAlerts(o)) },
        { name: "oss-monitoring-workspace-alerts", interval, rules: scaled(workspaceAlerts(o)) },
    ];
}
