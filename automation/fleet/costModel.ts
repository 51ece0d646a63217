import { z } from "zod";

/**
 * The load model the cost estimate prices (`npm run fleet -- cost`, automation/cost): what the
 * plan cannot know because it is traffic, not infrastructure. Every value is a default an operator
 * should replace with a measurement (AMP `DescribeWorkspace`/usage metrics, CloudWatch
 * `IncomingBytes`, Grafana's user list). Stated once here and reused by the manifest schema.
 */
export const COST_MODEL_DEFAULTS = {
    /** Active series each monitored account sends to the hub. 50k: the hub sizing rule's reference load (stacks/config/hub.ts). */
    activeSeriesPerAccount: 50_000,
    /** Active series each on-premises site sends through its gateway. */
    activeSeriesPerSite: 50_000,
    /** Seconds between two samples of a series (the senders' scrape interval). */
    scrapeIntervalSeconds: 60,
    /** Hosts running the CloudWatch agent per monitored account (README "CloudWatch cross-account observability" uses 20). */
    hostsPerAccount: 20,
    /** Hosts running the CloudWatch agent per site (README uses 50). */
    hostsPerSite: 50,
    /**
     * CloudWatch custom metrics each agent host publishes. The base Linux layer collects 22 measurements,
     * each published with the appended dimensions and again aggregated by InstanceId (2 series), before
     * per-CPU, per-disk and per-interface resources multiply them: 50 is a floor for a small host.
     */
    cloudwatchMetricsPerHost: 50,
    /** Log volume each agent host sends to CloudWatch Logs, GB a month. */
    logGbPerHostMonth: 1,
    /** The hub's own logs (collector, tenant proxy, AMP vended logs), GB a month. */
    hubLogGbPerMonth: 10,
    /**
     * Stored size of a logged GB: CloudWatch Logs bills stored bytes after compression, at a ratio it does
     * not publish; 1 (no compression) makes the storage line an upper bound.
     */
    logStorageRatio: 1,
    /** Bytes on the wire per sample (OTLP or remote write, compressed, with TLS): drives endpoint, NLB and transfer charges. */
    wireBytesPerSample: 4,
    /** Bytes AMP stores per sample: its pricing page says samples typically take 1 or 2 bytes; 2 is the upper one. */
    storedBytesPerSample: 2,
    /** PromQL query samples processed a month (dashboards, alert and recording rules), in billions. */
    querySamplesBillionsPerMonth: 100,
    /** Active Grafana users with the editor or admin role. AMG needs at least one editor per workspace. */
    grafanaEditors: 5,
    /** Active Grafana users with the viewer role. */
    grafanaViewers: 20,
    /** Secrets Manager API calls per secret a month (tasks read their secrets at start). */
    secretsApiCallsPerSecretMonth: 1_000,
    /** KMS requests per customer managed key a month (CloudWatch Logs and AMP encrypt with the keys). */
    kmsRequestsPerKeyMonth: 10_000,
    /** Evaluations a month of the Grafana CloudWatch alert rules (every 5 minutes over 30 days = 8,640). */
    cloudwatchAlertRoundsPerMonth: 8_640,
    /** GetMetricData metrics per host per alert round (the heartbeat series, requested twice: README). */
    cloudwatchAlertMetricsPerHost: 2,
} as const;

const count = (d: number) => z.number().int().min(0).default(d);
const positive = (d: number) => z.number().positive().default(d);

/** `costModel:` in stacks/fleet.yaml; every field optional (COST_MODEL_DEFAULTS). */
export const costModelSchema = z
    .object({
        activeSeriesPerAccount: count(COST_MODEL_DEFAULTS.activeSeriesPerAccount),
        activeSeriesPerSite: count(COST_MODEL_DEFAULTS.activeSeriesPerSite),
        scrapeIntervalSeconds: z.number().int().min(1).max(3600).default(COST_MODEL_DEFAULTS.scrapeIntervalSeconds),
        hostsPerAccount: count(COST_MODEL_DEFAULTS.hostsPerAccount),
        hostsPerSite: count(COST_MODEL_DEFAULTS.hostsPerSite),
        cloudwatchMetricsPerHost: count(COST_MODEL_DEFAULTS.cloudwatchMetricsPerHost),
        logGbPerHostMonth: z.number().min(0).default(COST_MODEL_DEFAULTS.logGbPerHostMonth),
        hubLogGbPerMonth: z.number().min(0).default(COST_MODEL_DEFAULTS.hubLogGbPerMonth),
        logStorageRatio: z.number().positive().max(1).default(COST_MODEL_DEFAULTS.logStorageRatio),
        wireBytesPerSample: positive(COST_MODEL_DEFAULTS.wireBytesPerSample),
        storedBytesPerSample: positive(COST_MODEL_DEFAULTS.storedBytesPerSample),
        querySamplesBillionsPerMonth: z.number().min(0).default(COST_MODEL_DEFAULTS.querySamplesBillionsPerMonth),
        grafanaEditors: z.number().int().min(1, { error: "Amazon Managed Grafana bills at least one editor per workspace; fix: 1 or more" }).default(COST_MODEL_DEFAULTS.grafanaEditors),
        grafanaViewers: count(COST_MODEL_DEFAULTS.grafanaViewers),
        secretsApiCallsPerSecretMonth: count(COST_MODEL_DEFAULTS.secretsApiCallsPerSecretMonth),
        kmsRequestsPerKeyMonth: count(COST_MODEL_DEFAULTS.kmsRequestsPerKeyMonth),
        cloudwatchAlertRoundsPerMonth: count(COST_MODEL_DEFAULTS.cloudwatchAlertRoundsPerMonth),
        cloudwatchAlertMetricsPerHost: count(COST_MODEL_DEFAULTS.cloudwatchAlertMetricsPerHost),
    })
    .strict();

export type CostModel = z.infer<typeof costModelSchema>;
