import { HUB_COLLECTOR_JOB, SOURCE_LABELS } from "../telemetry/labels";

/** Label names used by rules and dashboards; the default is the collectors' contract in components/telemetry/labels.ts. */
export type SourceLabelMap = { readonly [K in keyof typeof SOURCE_LABELS]: string };

/** AMP per-workspace quotas the ingestion alerts compare against. */
export interface AmpQuotas {
    /** Active series per workspace. */
    readonly activeSeries: number;
    /** Ingestion rate per workspace, samples per second. */
    readonly samplesPerSecond: number;
}

/**
 * AMP's default per-workspace quotas (AMP service quotas page): 50,000,000 active series and an
 * ingestion rate of 1,666,666 samples/s (AMP sizes it at 1/30 of the active-series quota).
 * Workspaces with raised quotas must pass their own values, otherwise the alerts fire late.
 */
export const AMP_DEFAULT_QUOTAS: AmpQuotas = { activeSeries: 50_000_000, samplesPerSecond: 1_666_666 };

/** One tenant's active-series limit (label set {account} or {account, site}); 0 means no limit. */
export interface TenantSeriesLimit {
    readonly account: string;
    readonly site?: string;
    readonly maxSeries: number;
}

/** The earliest expiry of the client certificate the hub issued a tenant, Unix seconds. */
export interface TenantCertificateExpiry {
    readonly account: string;
    readonly site?: string;
    readonly notAfterSeconds: number;
}

/** Everything the pure renderers need; `resolveContentOptions` fills defaults and validates. */
export interface ContentOptions {
    /** Label contract. Default SOURCE_LABELS. */
    readonly labels: SourceLabelMap;
    /** Job the hub collectors' self-telemetry is scraped under. Default HUB_COLLECTOR_JOB. */
    readonly hubCollectorJob: string;
    /** A monitored account or on-prem site is silent after this many minutes without a heartbeat. Default 15. */
    readonly silentAfterMinutes: number;
    /** Sources not heard of for this long are forgotten (the silent alert resolves). Default 24. */
    readonly forgetSilentAfterHours: number;
    /** AMP quotas. Default AMP_DEFAULT_QUOTAS. */
    readonly quotas: AmpQuotas;
    /** Quota alerts fire above this fraction of a quota. Default 0.8. */
    readonly quotaWarningRatio: number;
    /** Hub collector replicas expected at least (the ECS service's minimum). Default 2. */
    readonly minHubCollectorReplicas: number;
    /**
     * Interval at which senders emit each series, used to turn samples/s into an active-series
     * estimate (a series sampled once per interval contributes 1/interval samples/s). Default 60.
     */
    readonly collectionIntervalSeconds: number;
    /** Exporter queue fill ratio considered saturated. Default 0.8. */
    readonly queueSaturationRatio: number;
    /**
     * Gauge holding the hub endpoint certificate's expiry as a Unix timestamp. The default is the
     * blackbox exporter's; the alert stays inert until such a probe of the hub endpoint is ingested.
     */
    readonly certExpiryMetric: string;
    /** Warn this many days before the hub certificate expires. Default 21. */
    readonly certExpiryWarningDays: number;
    /** Rule groups' evaluation interval, seconds. Default 60. */
    readonly ruleIntervalSeconds: number;
    /** Per-tenant active-series limits of the AMP workspace (components/hub/tenantLimits.ts). Default none. */
    readonly tenantSeriesLimits: readonly TenantSeriesLimit[];
    /** A tenant's alert fires above this fraction of its limit. Default 0.8. */
    readonly tenantLimitWarningRatio: number;
    /** Expiry of each tenant's current client certificate, as issued by the hub. Default none. */
    readonly tenantCertificates: readonly TenantCertificateExpiry[];
    /** Warn this many days before a tenant's certificate expires: at least one rotation period. Default 30. */
    readonly tenantCertWarningDays: number;
    /**
     * Multiplier of every alert's `for`, in (0, 1]. Default 1 (the durations documented per alert);
     * the end-to-end suite shortens them with it instead of editing rules.
     */
    readonly alertForScale: number;
}

export const DEFAULT_CONTENT_OPTIONS: ContentOptions = {
    labels: SOURCE_LABELS,
    hubCollectorJob: HUB_COLLECTOR_JOB,
    silentAfterMinutes: 15,
    forgetSilentAfterHours: 24,
    quotas: AMP_DEFAULT_QUOTAS,
    quotaWarningRatio: 0.8,
    minHubCollectorReplicas: 2,
    collectionIntervalSeconds: 60,
    queueSaturationRatio: 0.8,
    certExpiryMetric: "probe_ssl_earliest_cert_expiry",
    certExpiryWarningDays: 21,
    ruleIntervalSeconds: 60,
    alertForScale: 1,
    tenantSeriesLimits: [],
    tenantLimitWarningRatio: 0.8,
    tenantCertificates: [],
    tenantCertWarningDays: 30,
};

export type ContentOptionsInput = Partial<Omit<ContentOptions, "quotas" | "labels">> & {
    readonly quotas?: Partial<AmpQuotas>;
    readonly labels?: Partial<SourceLabelMap>;
};

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

function intIn(errors: string[], field: string, v: number, min: number, max: number, hint: string): void {
    if (!Number.isInteger(v) || v < min || v > max) {
        errors.push(`${field} must be an integer from ${min} to ${max} (got ${v}): ${hint}`);
    }
}

function ratio(errors: string[], field: string, v: number, hint: string): void {
    if (!(typeof v === "number" && v > 0 && v < 1)) {
        errors.push(`${field} must be a fraction between 0 and 1, exclusive (got ${v}): ${hint}`);
    }
}

/** Applies defaults (with `??`) and throws one error listing every bad field and its fix. */
export function resolveContentOptions(input: ContentOptionsInput = {}): ContentOptions {
    const d = DEFAULT_CONTENT_OPTIONS;
    const o: ContentOptions = {
        labels: { ...d.labels, ...(input.labels ?? {}) },
        hubCollectorJob: input.hubCollectorJob ?? d.hubCollectorJob,
        silentAfterMinutes: input.silentAfterMinutes ?? d.silentAfterMinutes,
        forgetSilentAfterHours: input.forgetSilentAfterHours ?? d.forgetSilentAfterHours,
        quotas: {
            activeSeries: input.quotas?.activeSeries ?? d.quotas.activeSeries,
            samplesPerSecond: input.quotas?.samplesPerSecond ?? d.quotas.samplesPerSecond,
        },
        quotaWarningRatio: input.quotaWarningRatio ?? d.quotaWarningRatio,
        minHubCollectorReplicas: input.minHubCollectorReplicas ?? d.minHubCollectorReplicas,
        collectionIntervalSeconds: input.collectionIntervalSeconds ?? d.collectionIntervalSeconds,
        queueSaturationRatio: input.queueSaturationRatio ?? d.queueSaturationRatio,
        certExpiryMetric: input.certExpiryMetric ?? d.certExpiryMetric,
        certExpiryWarningDays: input.certExpiryWarningDays ?? d.certExpiryWarningDays,
        ruleIntervalSeconds: input.ruleIntervalSeconds ?? d.ruleIntervalSeconds,
        alertForScale: input.alertForScale ?? d.alertForScale,
        tenantSeriesLimits: input.tenantSeriesLimits ?? d.tenantSeriesLimits,
        tenantLimitWarningRatio: input.tenantLimitWarningRatio ?? d.tenantLimitWarningRatio,
        tenantCertificates: input.tenantCertificates ?? d.tenantCertificates,
        tenantCertWarningDays: input.tenantCertWarningDays ?? d.tenantCertWarningDays,
    };
    const errors: string[] = [];
    // Below 2 minutes a single late batch would page; above a day the 24h memory forgets the source first.
    intIn(errors, "silentAfterMinutes", o.silentAfterMinutes, 2, 720, "e.g. 15 (minutes without data before a source is silent)");
    intIn(errors, "forgetSilentAfterHours", o.forgetSilentAfterHours, 1, 168, "e.g. 24");
    if (Number.isInteger(o.silentAfterMinutes) && Number.isInteger(o.forgetSilentAfterHours) && o.silentAfterMinutes >= o.forgetSilentAfterHours * 60) {
        errors.push(`silentAfterMinutes (${o.silentAfterMinutes}) must be shorter than forgetSilentAfterHours (${o.forgetSilentAfterHours}h), otherwise no source can ever be reported silent`);
    }
    intIn(errors, "quotas.activeSeries", o.quotas.activeSeries, 1, 1_000_000_000_000, `the workspace's active-series quota, default ${AMP_DEFAULT_QUOTAS.activeSeries}`);
    intIn(errors, "quotas.samplesPerSecond", o.quotas.samplesPerSecond, 1, 1_000_000_000, `the workspace's ingestion-rate quota, default ${AMP_DEFAULT_QUOTAS.samplesPerSecond}`);
    ratio(errors, "quotaWarningRatio", o.quotaWarningRatio, "e.g. 0.8 to warn at 80% of a quota");
    ratio(errors, "queueSaturationRatio", o.queueSaturationRatio, "e.g. 0.8");
    intIn(errors, "minHubCollectorReplicas", o.minHubCollectorReplicas, 1, 100, "the hub collector service's minimum task count");
    intIn(errors, "collectionIntervalSeconds", o.collectionIntervalSeconds, 1, 3600, "the senders' scrape/collection interval, e.g. 60");
    intIn(errors, "ruleIntervalSeconds", o.ruleIntervalSeconds, 1, 3600, "e.g. 60");
    if (!(typeof o.alertForScale === "number" && o.alertForScale > 0 && o.alertForScale <= 1)) {
        errors.push(`alertForScale must be in (0, 1] (got ${o.alertForScale}): 1 keeps the documented alert durations`);
    }
    intIn(errors, "certExpiryWarningDays", o.certExpiryWarningDays, 1, 365, "e.g. 21");
    ratio(errors, "tenantLimitWarningRatio", o.tenantLimitWarningRatio, "e.g. 0.8 to warn at 80% of a tenant's limit");
    intIn(errors, "tenantCertWarningDays", o.tenantCertWarningDays, 1, 365, "at least one rotation period, e.g. 30");
    o.tenantSeriesLimits.forEach((t, i) => intIn(errors, `tenantSeriesLimits[${i}].maxSeries`, t.maxSeries, 0, Number.MAX_SAFE_INTEGER, "active series, 0 for no limit"));
    o.tenantCertificates.forEach((t, i) => intIn(errors, `tenantCertificates[${i}].notAfterSeconds`, t.notAfterSeconds, 0, Number.MAX_SAFE_INTEGER, "Unix seconds"));
    if (!LABEL_NAME.test(o.hubCollectorJob.replace(/[-.]/g, "_"))) {
        errors.push(`hubCollectorJob "${o.hubCollectorJob}" is not a usable job name: use letters, digits, '-', '.' or '_'`);
    }
    if (!METRIC_NAME.test(o.certExpiryMetric)) {
        errors.push(`certExpiryMetric "${o.certExpiryMetric}" is not a Prometheus metric name, e.g. probe_ssl_earliest_cert_expiry`);
    }
    for (const [k, v] of Object.entries(o.labels)) {
        if (!LABEL_NAME.test(v) || v.startsWith("__")) {
            errors.push(`labels.${k} "${v}" is not a Prometheus label name: use [a-zA-Z_][a-zA-Z0-9_]* without a leading "__"`);
        }
    }
    if (errors.length > 0) {
        throw new Error(`Invalid hub content options:\n  - ${errors.join("\n  - ")}`);
    }
    return o;
}

/** A Prometheus duration of whole seconds, in the largest unit that divides it (60 → "1m"). */
export function promDuration(seconds: number): string {
    const s = Math.max(0, Math.round(seconds));
    if (s > 0 && s % 3600 === 0) return `${s / 3600}h`;
    if (s % 60 === 0) return `${s / 60}m`;
    return `${s}s`;
}

/** `for` of an alert under `alertForScale` (unchanged at 1, so deployed rules read as written). */
export function scaledFor(duration: string, scale: number): string {
    if (scale === 1) return duration;
    const m = /^(\d+)([smh])$/.exec(duration);
    if (!m) throw new Error(`scaledFor: unsupported duration "${duration}"`);
    return promDuration(Number(m[1]) * { s: 1, m: 60, h: 3600 }[m[2] as "s" | "m" | "h"] * scale);
}
