/**
 * The defaults of PrometheusWorkspace, apart from the component so the stack config schemas and the fleet manifest's
 * validation read them without loading a provider SDK (a plan's parent process loads no program).
 */
import { DEFAULT_LOG_RETENTION_DAYS } from "../security/logRetention";

/** Defaults of PrometheusWorkspaceArgs; the hub config schema uses the same values. */
export const PROMETHEUS_WORKSPACE_DEFAULTS = {
    /** Days AMP keeps samples (AMP's own default). */
    retentionDays: 150,
    /** Days CloudWatch keeps AMP's own logs: the audit minimum. */
    logRetentionDays: DEFAULT_LOG_RETENTION_DAYS,
    /**
     * How far behind a series' newest sample AMP still accepts one (AMP default 60, range 0-600:
     * https://docs.aws.amazon.com/prometheus/latest/userguide/AMP-workspace-configuration.md). The
     * maximum, on purpose: a sender's persistent queue replays its backlog after an outage, and a
     * collector that crashes mid-replay puts its in-flight batches back at the tail of the queue
     * (exporterhelper persistent queue, read back after the rest), so they arrive after newer data, as
     * old as the backlog; with several queue consumers batches of one series also land a few seconds
     * apart. Within this window all of that is stored instead of refused as out of order (e2e scenario 9).
     */
    outOfOrderTimeWindowSeconds: 600,
    /**
     * Delay before AMP's rules query (same page; Cortex's per-tenant `ruler_query_offset`, see
     * ruleQueryOffset.ts). It must cover how late LIVE data lands, derived from the rendered collector
     * configs (liveDeliveryDelay, checked in test/components/hub/ruleQueryOffset.test.ts): a scraped
     * sample is stamped when its scrape starts and handed on up to the scrape timeout later (10 s, the
     * Prometheus default the senders keep), waits up to the sender's batch timeout (5 s), then the hub
     * exports it synchronously within PRW_RETRY_BUDGET (20 s, retries included): 35 s. 40 s leaves 5 s
     * for the sender-to-hub hop. It was 30 s, which missed the scrape's share. Rules then see every
     * live sample (e2e scenario 12 shows it on Cortex's ruler, and a tenant at 0 missing them), while
     * alerts fire 40 s later. Backlogs replayed after an outage arrive later still; the silence alerts
     * about that outage are meant to fire anyway.
     */
    ruleQueryOffsetSeconds: 40,
} as const;
