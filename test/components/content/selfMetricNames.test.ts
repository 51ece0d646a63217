import * as assert from "assert";
import { OTELCOL } from "../../../components/content/metrics";

/**
 * Names the pinned collector's own telemetry has in the store, as recorded by e2e scenario 1
 * (hubSelfMetricNames: the hub's prometheus/self receiver → prometheusremotewrite round trip of
 * the collector built from ADOT v0.43.3's components, and again from v0.49.0's). Rules built on any other name never fire.
 */
const STORED = [
    "otelcol_exporter_prometheusremotewrite_translated_time_series_total", "otelcol_exporter_queue_capacity", "otelcol_exporter_queue_size",
    "otelcol_exporter_send_failed_metric_points_total", "otelcol_exporter_sent_metric_points_total", "otelcol_process_cpu_seconds_total",
    "otelcol_process_memory_rss", "otelcol_process_uptime_total", "otelcol_receiver_accepted_metric_points_total", "otelcol_receiver_refused_metric_points_total",
];

describe("collector self-metric names used by the rules", () => {
    it("are the names the pinned collector stores (no unit suffixes, _total on counters)", () => {
        for (const key of ["receiverAccepted", "receiverRefused", "exporterSent", "exporterSendFailed", "queueSize", "queueCapacity", "memoryRss", "uptime", "cpuSeconds", "prwTranslatedSeries"] as const) {
            assert.ok(STORED.includes(OTELCOL[key]), `${key}: ${OTELCOL[key]}`);
        }
    });

    it("name counters that appear only on failure in the same family", () => {
        assert.strictEqual(OTELCOL.exporterEnqueueFailed, "otelcol_exporter_enqueue_failed_metric_points_total");
        assert.strictEqual(OTELCOL.prwFailedTranslations, "otelcol_exporter_prometheusremotewrite_failed_translations_total");
    });
});
