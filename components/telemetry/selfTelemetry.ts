/**
 * The `service.telemetry` section every collector the project renders shares: JSON logs and its own
 * metrics on a loopback Prometheus endpoint, which its `prometheus/self` receiver scrapes.
 *
 * `resource` removes the collector's default telemetry resource (service.name `otelcol-adot`, a random
 * service.instance.id, service.version). Since core v0.156.0 the metrics endpoint publishes it as
 * `target_info` with UTF-8 names, and the prometheus receiver turns target_info's labels into resource
 * attributes over the ones it derived from the scrape (contrib receiver/prometheusreceiver@v0.156.0
 * internal/transaction.go:149-152 and 621-633), so `job` became `otelcol-adot` instead of the scrape job
 * every rule and dashboard selects (e2e scenario 1 found it). A null attribute is removed from the
 * telemetry resource; with none left the series keep `job`/`instance` from the scrape, as before.
 */
export function selfTelemetry(metricsPort: number): Record<string, unknown> {
    return {
        resource: { "service.name": null, "service.instance.id": null, "service.version": null },
        logs: { level: "info", encoding: "json" },
        metrics: { level: "detailed", readers: [{ pull: { exporter: { prometheus: { host: "127.0.0.1", port: metricsPort } } } }] },
    };
}
