import { ContentOptions, promDuration, scaledFor, TenantCertificateExpiry, TenantSeriesLimit } from "./options";
import { CERT_SEEN_LABELS, CERT_SEEN_METRIC, TENANT_PROXY_JOB } from "../telemetry/certSeenMetrics";
import { by, eq, ne, num, on, q, sel } from "./promql";
import { HUB_SOURCE_ROLE } from "./metrics";
import { RECORDS } from "./recordingRules";
import { AlertingRule, RecordingRule, RuleGroup } from "./ruleTypes";

/**
 * Per-tenant capacity and certificate signals. What the hub knows at deploy time (each tenant's
 * active-series limit, the expiry of the certificate it issued) becomes a recorded series with the
 * tenant's labels, so alerts can compare live usage and the clock against it and carry the tenant's
 * labels to the alert manager like every other spoke alert.
 */
export const TENANT_RECORDS = {
    activeSeriesLimit: "tenant:active_series:limit",
    activeSeriesEstimate: "tenant:active_series:estimate",
    certificateExpiry: "tenant:client_certificate:expiry_timestamp_seconds",
} as const;

export const TENANT_ALERTS = {
    activeSeriesNearLimit: "TenantActiveSeriesNearLimit",
    certificateExpiring: "TenantCertificateExpiringSoon",
} as const;

/** A constant series carrying one tenant's labels (label_replace on vector(): no ingestion needed). */
function tenantConstant(o: ContentOptions, t: { account: string; site?: string }, value: number): string {
    const withAccount = `label_replace(vector(${num(value)}), ${q(o.labels.account)}, ${q(t.account)}, "", "")`;
    return t.site === undefined ? withAccount : `label_replace(${withAccount}, ${q(o.labels.site)}, ${q(t.site)}, "", "")`;
}

/** One expression holding every tenant's constant (one rule, whatever the fleet size). */
function tenantConstants<T extends { account: string; site?: string }>(o: ContentOptions, items: readonly T[], value: (t: T) => number): string {
    return items.map((t) => tenantConstant(o, t, value(t))).join("\nor ");
}

/**
 * The earliest notAfter each tenant's senders presented to any hub task in the proxies' window
 * (certSeen.ts: entries not presented for ttlSeconds are gone), under the tenant's own labels.
 * Selected by what only the hub's self-scrape carries: job TENANT_PROXY_JOB and `source_role="hub"`
 * (resource/self). A tenant's series of the same name gets the `source_role` of its certificate's OU
 * (never "hub", TenantKind) and its own `account` from the proxy, whatever it sent, so it is not selected.
 */
export function presentedCertificateExpiry(o: ContentOptions): string {
    const L = o.labels;
    const C = CERT_SEEN_LABELS;
    const seen = sel(CERT_SEEN_METRIC, eq("job", TENANT_PROXY_JOB), eq(L.sourceRole, HUB_SOURCE_ROLE));
    const perTenant = `min ${by([C.account, C.site])} (${seen})`;
    const withAccount = `label_replace(${perTenant}, ${q(L.account)}, "$1", ${q(C.account)}, "(.+)")`;
    return `label_replace(${withAccount}, ${q(L.site)}, "$1", ${q(C.site)}, "(.+)")`;
}

/** Tenants with an enforced limit (0 only makes AMP vend usage metrics: nothing to approach). */
export const enforcedLimits = (o: ContentOptions): TenantSeriesLimit[] => o.tenantSeriesLimits.filter((t) => t.maxSeries > 0);

export function tenantRecordingRules(o: ContentOptions): RecordingRule[] {
    const L = o.labels;
    const rules: RecordingRule[] = [];
    const limits = enforcedLimits(o);
    if (limits.length > 0) {
        rules.push({ record: TENANT_RECORDS.activeSeriesLimit, expr: tenantConstants(o, limits, (t) => t.maxSeries) });
        // What AMP counts against each label set: {account} matches the account's series and those
        // of sites landing in it; {account, site} only the site's. Estimated from what the senders
        // export (source:active_series:estimate), not by counting the workspace's series.
        rules.push({
            record: TENANT_RECORDS.activeSeriesEstimate,
            expr: `sum ${by([L.account])} (${RECORDS.sourceActiveSeries})\nor sum ${by([L.account, L.site])} (${sel(RECORDS.sourceActiveSeries, ne(L.site, ""))})`,
        });
    }
    if (o.tenantCertificates.length > 0) {
        // The earliest of what senders presented lately and what the hub issued this period: a spoke
        // left alone with an older copy counts, and without any observation (no traffic, a new task)
        // the issued constant still does. The presented series keep their tenant_* labels until the
        // outer min, so `or` keeps both sides instead of preferring one.
        rules.push({
            record: TENANT_RECORDS.certificateExpiry,
            expr: `min ${by([L.account, L.site])} (\n${presentedCertificateExpiry(o)}\nor ${tenantConstants(o, o.tenantCertificates, (t: TenantCertificateExpiry) => t.notAfterSeconds)}\n)`,
        });
    }
    return rules;
}

const lbl = (name: string): string => `{{ $labels.${name} }}`;

export function tenantAlertingRules(o: ContentOptions): AlertingRule[] {
    const L = o.labels;
    const who = `${lbl(L.account)}{{ with $labels.${L.site} }} site {{ . }}{{ end }}`;
    const labels = { severity: "warning", scope: "spoke" };
    const rules: AlertingRule[] = [];
    if (enforcedLimits(o).length > 0) {
        rules.push({
            alert: TENANT_ALERTS.activeSeriesNearLimit,
            expr: `${TENANT_RECORDS.activeSeriesEstimate}\n/ ${on([L.account, L.site])}\n${TENANT_RECORDS.activeSeriesLimit}\n> ${num(o.tenantLimitWarningRatio)}`,
            for: "15m",
            labels,
            annotations: {
                summary: `Tenant ${who} approaches its active-series limit`,
                description: `Account ${who} sends an estimated {{ $value | humanizePercentage }} of its AMP active-series limit (warning above ${Math.round(o.tenantLimitWarningRatio * 100)}%). At the limit AMP refuses its new series (HTTP 429 to the hub, which retries them); other tenants are unaffected. Drop series at the sender or raise its maxActiveSeries in stacks/fleet.yaml.`,
            },
        });
    }
    if (o.tenantCertificates.length > 0) {
        rules.push({
            alert: TENANT_ALERTS.certificateExpiring,
            expr: `${TENANT_RECORDS.certificateExpiry} - time() < ${num(o.tenantCertWarningDays * 86400)}`,
            for: "1h",
            labels,
            annotations: {
                summary: `Client certificate of ${who} expires soon`,
                description: `The earliest client certificate of ${who} (presented by its senders to the hub's proxy in the last hours, or issued by the hub) expires in {{ $value | humanizeDuration }}: deploy the hub (it issues the next one), then the tenant's stack (it copies it). Once it expires the hub refuses every sender that still holds it.`,
            },
        });
    }
    return rules;
}

/** The tenant groups, one recording and one alerting, each present only when it has rules. */
export function tenantRuleGroups(o: ContentOptions): { recording: RuleGroup<RecordingRule>[]; alerting: RuleGroup<AlertingRule>[] } {
    const interval = promDuration(o.ruleIntervalSeconds);
    const recording = tenantRecordingRules(o);
    const alerting = tenantAlertingRules(o).map((r) => (r.for === undefined ? r : { ...r, for: scaledFor(r.for, o.alertForScale) }));
    return {
        recording: recording.length > 0 ? [{ name: "oss-monitoring-tenants", interval, rules: recording }] : [],
        alerting: alerting.length > 0 ? [{ name: "oss-monitoring-tenant-alerts", interval, rules: alerting }] : [],
    };
}
