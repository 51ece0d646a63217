/**
 * The telemetry label contract shared by every collector config this project renders
 * and by every recording/alerting rule and dashboard query. Collectors set these as
 * OpenTelemetry resource attributes; the hub collector converts them to Prometheus
 * labels, so rules and dashboards can rely on them existing on every series.
 */
export const SOURCE_LABELS = {
    /** 12-digit AWS account ID of the sender (monitored accounts) or of the on-prem site's landing account. */
    account: "account",
    /** AWS region the sender runs in (on-prem: the region of its landing VPC). */
    region: "region",
    /** On-premises site name; absent for AWS-native senders. */
    site: "site",
    /** Kubernetes cluster name when the sender is an in-cluster collector. */
    cluster: "cluster",
    /** Which tier sent the data: `monitored`, `onprem` or `hub` (the hub's own telemetry). */
    sourceRole: "source_role",
} as const;

export type SourceLabel = (typeof SOURCE_LABELS)[keyof typeof SOURCE_LABELS];

/**
 * OpenTelemetry resource attributes that senders set, and the Prometheus label each one
 * becomes at the hub. Senders use semantic-convention keys where one exists.
 */
export const RESOURCE_ATTRIBUTE_TO_LABEL: ReadonlyArray<{ attribute: string; label: SourceLabel }> = [
    { attribute: "cloud.account.id", label: SOURCE_LABELS.account },
    { attribute: "cloud.region", label: SOURCE_LABELS.region },
    { attribute: "monitoring.site", label: SOURCE_LABELS.site },
    { attribute: "k8s.cluster.name", label: SOURCE_LABELS.cluster },
    { attribute: "monitoring.source_role", label: SOURCE_LABELS.sourceRole },
];

/**
 * Resource attributes kept (besides the source labels) when the hub turns resource
 * attributes into labels. `service.name`/`service.instance.id` become Prometheus'
 * `job`/`instance`; everything else is dropped to keep AMP's active series bounded.
 */
export const KEPT_RESOURCE_ATTRIBUTES: readonly string[] = ["service.name", "service.instance.id"];

/** The collector's own metrics are scraped under this job name at the hub. */
export const HUB_COLLECTOR_JOB = "adot-hub-collector";
