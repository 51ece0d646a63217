/**
 * OpenTelemetry collector self-telemetry as it lands in AMP. Current collectors (the OTel Go SDK
 * Prometheus exporter behind `service.telemetry`) append `_total` to counters and a unit suffix to
 * metrics with a unit (`otelcol_process_memory_rss_bytes`, `otelcol_process_uptime_seconds_total`);
 * the prometheus receiver + prometheusremotewrite exporter round trip keeps those names.
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
    memoryRss: "otelcol_process_memory_rss_bytes",
    uptime: "otelcol_process_uptime_seconds_total",
    cpuSeconds: "otelcol_process_cpu_seconds_total",
    /** prometheusremotewrite exporter: Prometheus series produced per export (≈ samples written). */
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
} as const;

/** Component ids of the remote-write exporter: `prometheusremotewrite` or `prometheusremotewrite/<name>`. */
export const PRW_EXPORTER_REGEX = "prometheusremotewrite(/.+)?";

/** Value of the source-role label on the hub's own telemetry (excluded from spoke checks). */
export const HUB_SOURCE_ROLE = "hub";
