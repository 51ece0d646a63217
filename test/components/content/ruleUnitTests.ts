/**
 * Builds `promtool test rules` cases for the rendered rules: synthetic series for a healthy fleet,
 * a silent account and site, a hub outage and quota pressure. Label names come from the same
 * contract the rules use, so a renamed label breaks the rules and these series together.
 */
import YAML from "yaml";
import { CERT_SEEN_METRIC, TENANT_PROXY_JOB } from "../../../components/telemetry/certSeenMetrics";
import { ALERTS, COLLECTOR_LABELS, ContentOptions, HUB_SOURCE_ROLE, OTELCOL, SCRAPE_UP, TENANT_ALERTS, TENANT_RECORDS, isAlert, renderRuleNamespaces } from "../../../components/content";

export const ACCOUNT_A = "111111111111";
export const ACCOUNT_B = "222222222222";
export const SITE_ACCOUNT = "333333333333";
export const SITE = "dc1";
export const REGION = "us-east-1";

/** 90 minutes of data at 1m resolution. */
const MINUTES = 90;

type Series = { series: string; values: string };

function series(metric: string, labels: Record<string, string>, values: string): Series {
    const body = Object.entries(labels)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(", ");
    return { series: `${metric}{${body}}`, values };
}

/** Counter growing by `perMinute` for `minutes` minutes. */
const counter = (perMinute: number, minutes = MINUTES): string => `0+${perMinute}x${minutes}`;
const constant = (v: number, minutes = MINUTES): string => `${v}x${minutes}`;

export interface HubScenario {
    readonly minutes?: number;
    /** Each replica's remote-written samples per minute. */
    readonly translatedPerMinute?: number;
    /** hub-1 restarts every 10 minutes, fails a third of its remote writes and has a full queue. */
    readonly degraded?: boolean;
    /**
     * Both replicas' remote writes fail for this share of their points: `retried` after retries (the store
     * unreachable or throttling: error_permanent="false"), `refused` for good (a 4xx such as a tenant over
     * its series limit: error_permanent="true").
     */
    readonly failing?: { readonly share: number; readonly kind: "retried" | "refused" };
}

/** Sent and failed points of 6,000 a minute; failures labelled as the exporter labels them at detailed telemetry. */
function exporterOutcomes(exp: Record<string, string>, minutes: number, failing?: HubScenario["failing"]): Series[] {
    const failed = Math.round(6000 * (failing?.share ?? 0));
    const permanent = failing?.kind === "refused" ? "true" : "false";
    return [
        series(OTELCOL.exporterSent, exp, counter(6000 - failed, minutes)),
        series(OTELCOL.exporterSendFailed, { ...exp, [COLLECTOR_LABELS.errorPermanent]: permanent }, counter(failed, minutes)),
    ];
}

/** Two hub replicas, healthy unless `degraded`. */
export function hubSeries(o: ContentOptions, scenario: HubScenario = {}): Series[] {
    const minutes = scenario.minutes ?? MINUTES;
    const translatedPerMinute = scenario.translatedPerMinute ?? 60_000;
    const out: Series[] = [];
    for (const instance of ["hub-1", "hub-2"]) {
        const bad = scenario.degraded === true && instance === "hub-1";
        const base = { job: o.hubCollectorJob, instance };
        const exp = { ...base, exporter: "prometheusremotewrite/amp" };
        const restarts = Array.from({ length: Math.ceil(minutes / 10) }, () => counter(60, 9)).join(" ");
        out.push(
            series(SCRAPE_UP, base, constant(1, minutes)),
            series(OTELCOL.uptime, base, bad ? restarts : counter(60, minutes)),
            series(OTELCOL.receiverAccepted, { ...base, receiver: "otlp" }, counter(6000, minutes)),
            series(OTELCOL.receiverRefused, { ...base, receiver: "otlp" }, counter(0, minutes)),
            ...exporterOutcomes(exp, minutes, bad ? { share: 1 / 3, kind: "retried" } : scenario.failing),
            series(OTELCOL.exporterEnqueueFailed, exp, counter(bad ? 300 : 0, minutes)),
            series(OTELCOL.queueSize, exp, constant(bad ? 950 : 10, minutes)),
            series(OTELCOL.queueCapacity, exp, constant(1000, minutes)),
            series(OTELCOL.memoryRss, base, constant(300e6, minutes)),
            series(OTELCOL.prwTranslatedSeries, exp, counter(translatedPerMinute, minutes)),
            series(OTELCOL.prwFailedTranslations, base, counter(0, minutes)),
        );
    }
    // Certificate valid for 90 more days (test time starts at the Unix epoch).
    out.push(series(o.certExpiryMetric, { [o.labels.sourceRole]: HUB_SOURCE_ROLE, instance: "collector.monitoring.internal:4317" }, constant(90 * 86400, minutes)));
    return out;
}

/** A monitored account's collector: self-telemetry heartbeat and points sent to the hub. */
export function accountSeries(o: ContentOptions, account: string, heartbeat: string): Series[] {
    const L = o.labels;
    const labels = { [L.account]: account, [L.region]: REGION, [L.sourceRole]: "monitored", job: "adot-agent", instance: `${account}-agent` };
    return [
        series(OTELCOL.uptime, labels, heartbeat),
        series(OTELCOL.exporterSent, { ...labels, exporter: "otlp" }, counter(600)),
        series(OTELCOL.exporterSendFailed, { ...labels, exporter: "otlp" }, counter(0)),
        series(OTELCOL.exporterEnqueueFailed, { ...labels, exporter: "otlp" }, counter(0)),
    ];
}

/** An on-prem site whose collector only scrapes targets (heartbeat through `up`). */
export function siteSeries(o: ContentOptions, heartbeat: string): Series[] {
    const L = o.labels;
    return [series(SCRAPE_UP, { [L.account]: SITE_ACCOUNT, [L.region]: REGION, [L.site]: SITE, [L.sourceRole]: "onprem", job: "node", instance: "dc1-host-1" }, heartbeat)];
}

export function alertNames(o: ContentOptions): string[] {
    return renderRuleNamespaces(o)
        .flatMap((ns) => ns.groups.flatMap((g) => g.rules))
        .filter(isAlert)
        .map((r) => r.alert);
}

const none = (o: ContentOptions, evalTime: string) => alertNames(o).map((alertname) => ({ eval_time: evalTime, alertname, exp_alerts: [] }));

const firing = (alertname: string, evalTime: string, value: number) => ({
    expr: `count(ALERTS{alertname=${JSON.stringify(alertname)}, alertstate="firing"})`,
    eval_time: evalTime,
    exp_samples: value === 0 ? [] : [{ labels: "{}", value }],
});

/** Remote writes failing for `failing` on both replicas: nothing fires before `for`, then `expected` (alert → count). */
function failingCase(o: ContentOptions, name: string, failing: NonNullable<HubScenario["failing"]>, expected: Record<string, number>) {
    return {
        name,
        interval: "1m",
        input_series: [...hubSeries(o, { failing }), ...accountSeries(o, ACCOUNT_B, counter(60))],
        promql_expr_test: [
            ...Object.keys(expected).map((alert) => firing(alert, "8m", 0)),
            ...Object.entries(expected).map(([alert, n]) => firing(alert, "40m", n)),
        ],
    };
}

export function silentAnnotations(o: ContentOptions, kind: "account" | "site", account: string) {
    const rules = renderRuleNamespaces(o).flatMap((ns) => ns.groups.flatMap((g) => g.rules)).filter(isAlert);
    const rule = rules.find((r) => r.alert === (kind === "account" ? ALERTS.accountSilent : ALERTS.siteSilent))!;
    // The templates only reference labels; expand them the way Prometheus does for these labels.
    const labels: Record<string, string> = { [o.labels.account]: account, [o.labels.region]: REGION, ...(kind === "site" ? { [o.labels.site]: SITE } : {}) };
    const expand = (t: string) => t.replace(/\{\{ \$labels\.(\w+) \}\}/g, (_, n: string) => labels[n] ?? "");
    return { summary: expand(rule.annotations.summary), description: expand(rule.annotations.description) };
}

/**
 * The test file. `ruleFiles` are paths relative to the test file. Timelines (N = silentAfterMinutes):
 * account A reports for 30m then stops; the site reports for 20m then stops; account B stays healthy.
 */
export function ruleUnitTestFile(o: ContentOptions, ruleFiles: string[]): string {
    const N = o.silentAfterMinutes;
    const L = o.labels;
    const accountLastSample = 30;
    const siteLastSample = 20;
    const forgetAt = accountLastSample + o.forgetSilentAfterHours * 60 + 10;
    const healthy = [...hubSeries(o), ...accountSeries(o, ACCOUNT_A, counter(60)), ...accountSeries(o, ACCOUNT_B, counter(60)), ...siteSeries(o, constant(1))];
    const silentLabels = (kind: "account" | "site", account: string) => ({
        [L.account]: account,
        [L.region]: REGION,
        ...(kind === "site" ? { [L.site]: SITE } : {}),
        severity: "critical",
        scope: "spoke",
    });
    const tests = [
        {
            name: "healthy fleet fires nothing",
            interval: "1m",
            input_series: healthy,
            alert_rule_test: [...none(o, "45m"), ...none(o, "89m")],
        },
        {
            name: "silent account and site fire after silentAfterMinutes, not before",
            interval: "1m",
            // The hub is up throughout; its other series are left out to keep this day-long case fast.
            input_series: [
                ...hubSeries(o, { minutes: forgetAt }).filter((x) => x.series.startsWith(`${SCRAPE_UP}{`)),
                ...accountSeries(o, ACCOUNT_A, `${counter(60, accountLastSample)} _x${forgetAt}`),
                ...accountSeries(o, ACCOUNT_B, counter(60, forgetAt)),
                ...siteSeries(o, `${constant(1, siteLastSample)} _x${forgetAt}`),
            ],
            alert_rule_test: [
                { eval_time: `${accountLastSample + N - 1}m`, alertname: ALERTS.accountSilent, exp_alerts: [] },
                { eval_time: `${accountLastSample + N + 1}m`, alertname: ALERTS.accountSilent, exp_alerts: [{ exp_labels: silentLabels("account", ACCOUNT_A), exp_annotations: silentAnnotations(o, "account", ACCOUNT_A) }] },
                { eval_time: `${siteLastSample + N - 1}m`, alertname: ALERTS.siteSilent, exp_alerts: [] },
                { eval_time: `${siteLastSample + N + 1}m`, alertname: ALERTS.siteSilent, exp_alerts: [{ exp_labels: silentLabels("site", SITE_ACCOUNT), exp_annotations: silentAnnotations(o, "site", SITE_ACCOUNT) }] },
                // A site is not an account: the account rule never reports it, and vice versa.
                { eval_time: `${siteLastSample + N + 1}m`, alertname: ALERTS.accountSilent, exp_alerts: [] },
                // Sources gone for longer than the memory are forgotten, so decommissioned ones stop paging.
                { eval_time: `${forgetAt}m`, alertname: ALERTS.accountSilent, exp_alerts: [] },
            ],
        },
        {
            name: "hub outage: collector down after 5m, replicas below minimum",
            interval: "1m",
            input_series: [
                ...hubSeries(o, { minutes: 10 }),
                ...accountSeries(o, ACCOUNT_B, counter(60)),
            ],
            promql_expr_test: [firing(ALERTS.hubCollectorDown, "12m", 0), firing(ALERTS.hubCollectorDown, "25m", 1)],
        },
        {
            name: "degraded hub replica: retries, saturation, drops and restarts fire; failures stay under the critical ratio",
            interval: "1m",
            input_series: [...hubSeries(o, { degraded: true }), ...accountSeries(o, ACCOUNT_B, counter(60))],
            promql_expr_test: [
                firing(ALERTS.hubRemoteWriteRetrying, "10m", 0),
                firing(ALERTS.hubRemoteWriteRetrying, "40m", 1),
                firing(ALERTS.hubQueueSaturated, "40m", 1),
                firing(ALERTS.hubDroppingPoints, "40m", 1),
                firing(ALERTS.hubRestarting, "40m", 1),
                // 2000 failed of 12000 attempted points per minute is 17%: retrying, not failing.
                firing(ALERTS.hubRemoteWriteFailing, "40m", 0),
                firing(ALERTS.hubCollectorDown, "40m", 0),
            ],
        },
        // A permanent refusal (4xx: a tenant over its limit) is not an outage; failing after retries is.
        failingCase(o, "a tenant refused for good (95% of the hub's points, 4xx) is not a hub outage: refused fires, failing and retrying do not",
            { share: 0.95, kind: "refused" }, { [ALERTS.hubRemoteWriteRefused]: 1, [ALERTS.hubRemoteWriteFailing]: 0, [ALERTS.hubRemoteWriteRetrying]: 0 }),
        // Retrying is per replica: both retry.
        failingCase(o, "the store failing 60% of the hub's points after retries is an outage: failing and retrying fire, refused does not",
            { share: 0.6, kind: "retried" }, { [ALERTS.hubRemoteWriteFailing]: 1, [ALERTS.hubRemoteWriteRetrying]: 2, [ALERTS.hubRemoteWriteRefused]: 0 }),
        {
            name: "ingestion near the AMP quotas",
            interval: "1m",
            // Two replicas × 700k samples/s = 1.4M/s: 84% of the default 1,666,666/s ingestion quota and,
            // at one sample a minute per series, 84M active series (168% of 50M).
            input_series: [...hubSeries(o, { translatedPerMinute: 42_000_000 }), ...accountSeries(o, ACCOUNT_B, counter(60))],
            promql_expr_test: [
                firing(ALERTS.ingestionRateNearQuota, "8m", 0),
                firing(ALERTS.ingestionRateNearQuota, "30m", 1),
                firing(ALERTS.activeSeriesNearQuota, "30m", 1),
            ],
        },
    ];
    return YAML.stringify({ rule_files: ruleFiles, evaluation_interval: "1m", tests }, { lineWidth: 0 });
}

/** Limits and certificates of the tenant rules' test (tenantRuleUnitTestFile). */
export const TENANT_CASE = {
    // Each account's collector exports 600 points a minute: 10 points/s × 60 s ≈ 600 active series.
    limits: [{ account: ACCOUNT_A, maxSeries: 700 }, { account: ACCOUNT_B, maxSeries: 10_000 }, { account: SITE_ACCOUNT, site: SITE, maxSeries: 500 }],
    // A expires 30 days + 30 minutes after the test starts (warn 30 days ahead); the site in 90 days.
    certificates: [{ account: ACCOUNT_A, notAfterSeconds: 30 * 86400 + 1800 }, { account: SITE_ACCOUNT, site: SITE, notAfterSeconds: 90 * 86400 }],
    warningDays: 30,
} as const;

/**
 * `promtool test rules` for the tenant rules under TENANT_CASE: A (86% of its limit) and the site
 * (120%) fire with their labels after `for`, B (6%) never; A's certificate alert fires once fewer
 * than 30 days are left, for an hour, and the site's (90 days) does not.
 */
export function tenantRuleUnitTestFile(o: ContentOptions, ruleFiles: string[]): string {
    const L = o.labels;
    const siteExport = { [L.account]: SITE_ACCOUNT, [L.region]: REGION, [L.site]: SITE, [L.sourceRole]: "onprem", job: "gateway", instance: "dc1-gateway", exporter: "otlp" };
    const input = [
        ...hubSeries(o),
        ...accountSeries(o, ACCOUNT_A, counter(60)),
        ...accountSeries(o, ACCOUNT_B, counter(60)),
        ...siteSeries(o, constant(1)),
        series(OTELCOL.exporterSent, siteExport, counter(600)),
    ];
    const spoke = { severity: "warning", scope: "spoke" };
    const rules = renderRuleNamespaces(o).flatMap((ns) => ns.groups.flatMap((g) => g.rules)).filter(isAlert);
    // The annotations as Prometheus expands them for these labels and values.
    const annotations = (alertname: string, labels: Record<string, string>, value: string) => {
        const rule = rules.find((r) => r.alert === alertname)!;
        const expand = (t: string) => t
            .replace(/\{\{ with \$labels\.(\w+) \}\} site \{\{ \. \}\}\{\{ end \}\}/g, (_, n: string) => (labels[n] !== undefined ? ` site ${labels[n]}` : ""))
            .replace(/\{\{ \$labels\.(\w+) \}\}/g, (_, n: string) => labels[n] ?? "")
            .replace(/\{\{ \$value \| \w+ \}\}/g, value);
        return { summary: expand(rule.annotations.summary), description: expand(rule.annotations.description) };
    };
    const a = { [L.account]: ACCOUNT_A };
    const site = { [L.account]: SITE_ACCOUNT, [L.site]: SITE };
    const tests = [
        {
            name: "tenants near their active-series limit fire with their labels, the others never",
            interval: "1m",
            input_series: input,
            alert_rule_test: [
                { eval_time: "10m", alertname: TENANT_ALERTS.activeSeriesNearLimit, exp_alerts: [] },
                {
                    eval_time: "40m", alertname: TENANT_ALERTS.activeSeriesNearLimit,
                    exp_alerts: [
                        { exp_labels: { ...a, ...spoke }, exp_annotations: annotations(TENANT_ALERTS.activeSeriesNearLimit, a, "85.71%") },
                        { exp_labels: { ...site, ...spoke }, exp_annotations: annotations(TENANT_ALERTS.activeSeriesNearLimit, site, "120%") },
                    ],
                },
            ],
            promql_expr_test: [
                { expr: `${TENANT_RECORDS.activeSeriesLimit}{${L.account}="${ACCOUNT_B}"}`, eval_time: "5m", exp_samples: [{ labels: `${TENANT_RECORDS.activeSeriesLimit}{${L.account}="${ACCOUNT_B}"}`, value: 10_000 }] },
            ],
        },
        presentedCertificateCase(o, input, annotations),
        {
            name: "a tenant certificate with less than the warning left fires after an hour, one further out never",
            interval: "1m",
            input_series: input,
            alert_rule_test: [
                // Under 30 days left from minute 31, then `for: 1h`.
                { eval_time: "85m", alertname: TENANT_ALERTS.certificateExpiring, exp_alerts: [] },
                { eval_time: "95m", alertname: TENANT_ALERTS.certificateExpiring, exp_alerts: [{ exp_labels: { ...a, ...spoke }, exp_annotations: annotations(TENANT_ALERTS.certificateExpiring, a, "29d 22h 55m 0s") }] },
            ],
        },
    ];
    return YAML.stringify({ rule_files: ruleFiles, evaluation_interval: "1m", tests }, { lineWidth: 0 });
}

type Annotate = (alertname: string, labels: Record<string, string>, value: string) => { summary: string; description: string };

/**
 * The site's senders present a certificate with 10 days left (two hub tasks saw it, one also its
 * renewed 60-day one) while the hub issued one with 90 days: the alert fires for the site, from the
 * presented one. A tenant (account B, its own `account` and OU as the hub's identity processors set
 * them) pushes series of the proxy's name and job claiming the site's and account A's certificates
 * expire in a day, or in a year: neither the site's nor A's expiry moves (A has no observation, so
 * its issued constant stands).
 */
function presentedCertificateCase(o: ContentOptions, base: Array<{ series: string; values: string }>, annotations: Annotate): object {
    const L = o.labels;
    const hub = (instance: string) => ({ job: TENANT_PROXY_JOB, instance, [L.account]: "999999999999", [L.region]: REGION, [L.sourceRole]: HUB_SOURCE_ROLE });
    const forged = { job: TENANT_PROXY_JOB, instance: "b-collector", [L.account]: ACCOUNT_B, [L.region]: REGION, [L.sourceRole]: "monitored" };
    const day = 86400;
    const input = [
        ...base,
        series(CERT_SEEN_METRIC, { ...hub("hub-1"), tenant_account: SITE_ACCOUNT, tenant_site: SITE, serial: "0A" }, constant(10 * day)),
        series(CERT_SEEN_METRIC, { ...hub("hub-2"), tenant_account: SITE_ACCOUNT, tenant_site: SITE, serial: "0A" }, constant(10 * day)),
        series(CERT_SEEN_METRIC, { ...hub("hub-2"), tenant_account: SITE_ACCOUNT, tenant_site: SITE, serial: "0B" }, constant(60 * day)),
        series(CERT_SEEN_METRIC, { ...forged, tenant_account: SITE_ACCOUNT, tenant_site: SITE, serial: "66" }, constant(day)),
        series(CERT_SEEN_METRIC, { ...forged, tenant_account: ACCOUNT_A, serial: "67" }, constant(day)),
        series(CERT_SEEN_METRIC, { ...forged, tenant_account: ACCOUNT_A, serial: "68" }, constant(365 * day)),
    ];
    const site = { [L.account]: SITE_ACCOUNT, [L.site]: SITE };
    const a = { [L.account]: ACCOUNT_A };
    const spoke = { severity: "warning", scope: "spoke" };
    return {
        name: "a certificate senders present that expires before the issued one fires for its tenant; a tenant's series of the same name counts for nobody",
        interval: "1m",
        input_series: input,
        alert_rule_test: [
            { eval_time: "55m", alertname: TENANT_ALERTS.certificateExpiring, exp_alerts: [] },
            {
                eval_time: "95m", alertname: TENANT_ALERTS.certificateExpiring, exp_alerts: [
                    { exp_labels: { ...a, ...spoke }, exp_annotations: annotations(TENANT_ALERTS.certificateExpiring, a, "29d 22h 55m 0s") },
                    { exp_labels: { ...site, ...spoke }, exp_annotations: annotations(TENANT_ALERTS.certificateExpiring, site, "9d 22h 25m 0s") },
                ],
            },
        ],
        promql_expr_test: [
            {
                expr: TENANT_RECORDS.certificateExpiry, eval_time: "5m",
                exp_samples: [{ labels: `${TENANT_RECORDS.certificateExpiry}{${L.account}="${ACCOUNT_A}"}`, value: 30 * day + 1800 }, { labels: `${TENANT_RECORDS.certificateExpiry}{${L.account}="${SITE_ACCOUNT}", ${L.site}="${SITE}"}`, value: 10 * day }],
            },
        ],
    };
}
