/**
 * OpenTelemetry collector self-telemetry as it lands in AMP, measured against the collector built
 * from ADOT v0.43.3's components (contrib/core v0.117.0) and again from v0.49.0's (v0.156.0; e2e scenario 1 records the names the
 * store holds). The collector exposes its own metrics without unit or `_total` suffixes
 * (`otelcol_process_uptime`, `otelcol_process_memory_rss`); its prometheus receiver and the
 * prometheusremotewrite exporter then add `_total` to counters only, so no name carries a unit
 * (`otelcol_process_uptime_total`, not `..._seconds_total`; `otelcol_process_memory_rss`, not `..._bytes`).
 */
export const OTELCOL = {
    receiverAccepted: "otelcol_receiver_accepted_metric_points_total",
    receiverRefused: "otelcol_receiver_refused_metric_points_total",
    exporterSent: "otelcol_exporter_sent_metric_points_total",
    /** Counts failed send attempts, including ones later retried successfully. */
    exporterSendFailed: "otelcol_exporter_send_failed_metric_points_total",
    /** Points dropped because the sending queue was full. */
    exporterEnqueueFailed: "otelcol_exporter_enqueue_failed_metric_points_total",
    queueSize: "otelcol_exporter_queue_size",
    queueCapacity: "otelcol_exporter_queue_capacity",
    memoryRss: "otelcol_process_memory_rss",
    uptime: "otelcol_process_uptime_total",
    cpuSeconds: "otelcol_process_cpu_seconds_total",
    /**
     * prometheusremotewrite exporter: Prometheus series produced per export (≈ samples written).
     * Present in the pinned version under this name (contrib v0.117.0
     * exporter/prometheusremotewriteexporter/internal/metadata/generated_telemetry.go, and in the store in e2e scenario 1).
     */
    prwTranslatedSeries: "otelcol_exporter_prometheusremotewrite_translated_time_series_total",
    prwFailedTranslations: "otelcol_exporter_prometheusremotewrite_failed_translations_total",
} as const;

/** Synthetic metric the prometheus receiver writes per scrape target. */
export const SCRAPE_UP = "up";

/**
 * Metrics whose presence proves a sender's collector is alive. Spoke collectors export their own
 * telemetry (uptime), and any collector scraping targets writes `up`, so either one is enough.
 */
export const HEARTBEAT_METRICS: readonly string[] = [OTELCOL.uptime, SCRAPE_UP];

/** Labels the collector's own telemetry and Prometheus scraping add (not part of the source contract). */
export const COLLECTOR_LABELS = {
    job: "job",
    instance: "instance",
    exporter: "exporter",
    receiver: "receiver",
    /**
     * On the exporters' failure counters at `detailed` telemetry (what every rendered collector sets):
     * "true" when the exporter gave up on the points for good (an HTTP 4xx other than 429 from the store:
     * it drops them without retry), "false" for a failure it retried until its budget ran out. Core
     * exporterhelper@v0.156.0 internal/obs_report_sender.go:143 and 168-181 (`error.permanent`, from
     * consumererror.IsPermanent), metadata.yaml `exporter_send_failed_metric_points`; the remote write
     * names the attribute `error_permanent` (e2e scenario 11 reads it in the store).
     */
    errorPermanent: "error_permanent",
} as const;

/** Component ids of the remote-write exporter: `prometheusremotewrite` or `prometheusremotewrite/<name>`. */
export const PRW_EXPORTER_REGEX = "prometheusremotewrite(/.+)?";

/** Value of the source-role label on the hub's own telemetry (excluded from spoke checks). */
export const HUB_SOURCE_ROLE = "hub";
