import * as assert from "assert";
import { parse } from "yaml";
import { RESOURCE_ATTRIBUTE_TO_LABEL } from "../../../components/telemetry/labels";
import { CLIENT_CERT_RELOAD_INTERVAL, persistentQueueSize, renderSpokeCollectorConfig, SpokeCollectorConfigOptions } from "../../../components/agent/spokeCollectorConfig";

const CA = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
const CLIENT = { certFile: "/etc/otel/client/tls.crt", keyFile: "/etc/otel/client/tls.key" };
const monitored: SpokeCollectorConfigOptions = {
    source: { account: "222222222222", region: "us-east-1", sourceRole: "monitored", cluster: "analytics" },
    exporter: { kind: "otlp", endpoint: "collector.monitoring.internal:4317", caPem: CA, clientCert: CLIENT },
};
const clientTls = { cert_file: CLIENT.certFile, key_file: CLIENT.keyFile, reload_interval: CLIENT_CERT_RELOAD_INTERVAL };

/** Walks a parsed document and returns every value stored under `key`. */
function valuesOf(node: unknown, key: string): unknown[] {
    if (Array.isArray(node)) {
        return node.flatMap((n) => valuesOf(n, key));
    }
    if (node !== null && typeof node === "object") {
        return Object.entries(node).flatMap(([k, v]) => [...(k === key ? [v] : []), ...valuesOf(v, key)]);
    }
    return [];
}

describe("spoke collector config", () => {
    it("option A: otlp exporter to the hub over mutual TLS (tenant certificate, reloaded) with the hub CA, retry and an in-memory queue", () => {
        const c = parse(renderSpokeCollectorConfig(monitored));
        const e = c.exporters["otlp/hub"];
        assert.strictEqual(e.endpoint, "collector.monitoring.internal:4317");
        assert.deepStrictEqual(e.tls, { min_version: "1.2", ca_pem: CA, ...clientTls });
        assert.strictEqual(CLIENT_CERT_RELOAD_INTERVAL, "1m");
        assert.strictEqual(e.auth, undefined);
        assert.strictEqual(e.retry_on_failure.enabled, true);
        assert.deepStrictEqual(e.sending_queue, { enabled: true, num_consumers: 1, queue_size: 5000 });
        assert.deepStrictEqual(c.service.pipelines.metrics.exporters, ["otlp/hub"]);
        assert.deepStrictEqual(valuesOf(c, "insecure"), []);
        assert.deepStrictEqual(valuesOf(c, "insecure_skip_verify"), []);
    });

    it("stamps account, region, role and cluster with the attribute keys of components/telemetry/labels.ts", () => {
        const c = parse(renderSpokeCollectorConfig(monitored));
        const attrs = c.processors["resource/source"].attributes;
        const key = (label: string) => RESOURCE_ATTRIBUTE_TO_LABEL.find((m) => m.label === label)!.attribute;
        assert.deepStrictEqual(attrs, [
            { key: key("account"), value: "222222222222", action: "upsert" },
            { key: key("region"), value: "us-east-1", action: "upsert" },
            { key: key("cluster"), value: "analytics", action: "upsert" },
            { key: key("source_role"), value: "monitored", action: "upsert" },
        ]);
        assert.deepStrictEqual(c.service.pipelines.metrics.processors, ["memory_limiter", "resource/source", "batch"]);
    });

    it("receives OTLP on the pod IP and scrapes annotated pods with escaped relabeling", () => {
        const c = parse(renderSpokeCollectorConfig(monitored));
        assert.strictEqual(c.receivers.otlp.protocols.grpc.endpoint, "${env:MY_POD_IP}:4317");
        assert.strictEqual(c.receivers.otlp.protocols.http.endpoint, "${env:MY_POD_IP}:4318");
        const job = c.receivers["prometheus/pods"].config.scrape_configs[0];
        assert.deepStrictEqual(job.kubernetes_sd_configs, [{ role: "pod" }]);
        assert.deepStrictEqual(job.relabel_configs[0], { source_labels: ["__meta_kubernetes_pod_annotation_prometheus_io_scrape"], action: "keep", regex: "true" });
        const address = job.relabel_configs.find((r: any) => r.target_label === "__address__");
        assert.strictEqual(address.replacement, "$$1:$$2");
        assert.ok(job.relabel_configs.some((r: any) => r.target_label === "__metrics_path__"));
        assert.ok(!job.relabel_configs.some((r: any) => r.action === "hashmod"));
        assert.deepStrictEqual(c.service.pipelines.metrics.receivers, ["otlp", "prometheus/self", "prometheus/pods"]);
    });

    it("shards scraping over replicas by hashmod and the pod index", () => {
        const c = parse(renderSpokeCollectorConfig({ ...monitored, podScrape: { shards: 2, namespaces: ["apps"] } }));
        const job = c.receivers["prometheus/pods"].config.scrape_configs[0];
        assert.deepStrictEqual(job.kubernetes_sd_configs, [{ role: "pod", namespaces: { names: ["apps"] } }]);
        const hash = job.relabel_configs.find((r: any) => r.action === "hashmod");
        assert.strictEqual(hash.modulus, 2);
        assert.ok(job.relabel_configs.some((r: any) => r.source_labels?.[0] === "__tmp_shard" && r.action === "keep" && r.regex === "${env:SHARD_INDEX}"));
        const off = parse(renderSpokeCollectorConfig({ ...monitored, podScrape: false }));
        assert.strictEqual(off.receivers["prometheus/pods"], undefined);
    });

    it("option B: otlphttp with mutual TLS files and a persistent file_storage queue of samples sized from the volume, batching after it", () => {
        const c = parse(renderSpokeCollectorConfig({
            source: { account: "333333333333", region: "eu-west-1", sourceRole: "onprem", site: "dc1" },
            exporter: {
                kind: "otlphttp", endpoint: "https://collector.monitoring.internal:4318", caFile: "/etc/otel/hub/ca.pem",
                clientCert: { ...CLIENT, reloadInterval: "10m" },
                queue: { persistent: { directory: "/var/lib/otelcol/queue", volumeGi: 10 } },
            },
        }));
        const e = c.exporters["otlphttp/hub"];
        assert.strictEqual(e.endpoint, "https://collector.monitoring.internal:4318");
        assert.deepStrictEqual(e.tls, { min_version: "1.2", ca_file: "/etc/otel/hub/ca.pem", ...clientTls, reload_interval: "10m" });
        assert.strictEqual(e.auth, undefined);
        assert.deepStrictEqual(e.sending_queue, {
            enabled: true, num_consumers: 1, sizer: "items", queue_size: persistentQueueSize(10), storage: "file_storage/queue",
            batch: { flush_timeout: "5s", sizer: "items", min_size: 2048, max_size: 4096 },
        });
        // 40 % of 10 GiB (the rest for bbolt's compaction copy) ÷ 200 B per sample = 21,474,836.48 → 21,474,836 samples.
        assert.strictEqual(persistentQueueSize(10), 21_474_836);
        // A push is answered once it is on disk: no batch processor holds it in memory before the queue.
        assert.strictEqual(c.processors.batch, undefined);
        assert.deepStrictEqual(c.service.pipelines.metrics.processors, ["memory_limiter", "resource/source"]);
        assert.strictEqual(c.extensions["file_storage/queue"].directory, "/var/lib/otelcol/queue");
        assert.ok(c.service.extensions.includes("file_storage/queue"));
        assert.ok(c.processors["resource/source"].attributes.some((a: any) => a.key === "monitoring.site" && a.value === "dc1"));
        assert.deepStrictEqual(valuesOf(c, "insecure"), []);
    });

    it("refuses a persistent queue smaller than one batch of samples, naming the field", () => {
        const persistent = { directory: "/var/lib/otelcol/queue", volumeGi: 1 };
        const render = (size: number) => renderSpokeCollectorConfig({ ...monitored, exporter: { ...monitored.exporter, queue: { size, persistent } } });
        assert.throws(() => render(2047), /exporter\.queue\.size: a persistent queue counts samples and must hold one batch: set at least 2048 \(got 2047\)/);
        assert.strictEqual(parse(render(2048)).exporters["otlp/hub"].sending_queue.queue_size, 2048);
    });

    it("has no bearer-token mode: no auth extension, no authenticator, whatever the exporter kind", () => {
        for (const exporter of [monitored.exporter, { kind: "otlphttp" as const, endpoint: "https://collector.monitoring.internal:4318", clientCert: CLIENT }]) {
            const c = parse(renderSpokeCollectorConfig({ ...monitored, exporter }));
            assert.deepStrictEqual(Object.keys(c.extensions).filter((k) => k.includes("auth")), []);
            assert.deepStrictEqual(valuesOf(c, "authenticator"), []);
            assert.deepStrictEqual(valuesOf(c, "cert_file"), [CLIENT.certFile]);
        }
    });

    it("refuses an exporter without the tenant certificate or with a bad reload interval, naming the field", () => {
        const { clientCert: _omitted, ...withoutCert } = monitored.exporter;
        void _omitted;
        assert.throws(() => renderSpokeCollectorConfig({ ...monitored, exporter: withoutCert as never }), /exporter\.clientCert: the hub refuses senders without the tenant certificate/);
        assert.throws(() => renderSpokeCollectorConfig({ ...monitored, exporter: { ...monitored.exporter, clientCert: { certFile: "tls.crt", keyFile: "/k" } } }), /exporter\.clientCert:.*absolute/);
        assert.throws(() => renderSpokeCollectorConfig({ ...monitored, exporter: { ...monitored.exporter, clientCert: { ...CLIENT, reloadInterval: "0s" } } }), /exporter\.clientCert\.reloadInterval: "0s"/);
    });

    it("refuses plain-text endpoints and bad input, naming the field", () => {
        assert.throws(() => renderSpokeCollectorConfig({ ...monitored, exporter: { kind: "otlphttp", endpoint: "http://hub:4318", clientCert: CLIENT } }), /exporter.endpoint: .*https/);
        assert.throws(() => renderSpokeCollectorConfig({ ...monitored, exporter: { kind: "otlp", endpoint: "https://hub:4317", clientCert: CLIENT } }), /exporter.endpoint: .*host:port/);
        assert.throws(() => renderSpokeCollectorConfig({ ...monitored, exporter: { kind: "otlp", endpoint: "hub:4317", caPem: CA, caFile: "/x", clientCert: CLIENT } }), /exporter: set caPem or caFile, not both/);
        assert.throws(() => renderSpokeCollectorConfig({ ...monitored, source: { ...monitored.source, account: "12" } }), /source.account/);
    });

    it("takes local ports and the name the hub certificate is verified against as parameters", () => {
        const c = parse(renderSpokeCollectorConfig({ ...monitored, exporter: { ...monitored.exporter, serverName: "collector.monitoring.internal", endpoint: "localhost:24317" }, ports: { otlpGrpc: 14317, otlpHttp: 14318, health: 13134, selfMetrics: 18888 } }));
        assert.deepStrictEqual(c.exporters["otlp/hub"].tls, { min_version: "1.2", server_name_override: "collector.monitoring.internal", ca_pem: CA, ...clientTls });
        assert.strictEqual(c.receivers.otlp.protocols.grpc.endpoint, "${env:MY_POD_IP}:14317");
        assert.strictEqual(c.receivers.otlp.protocols.http.endpoint, "${env:MY_POD_IP}:14318");
        assert.strictEqual(c.extensions.health_check.endpoint, "${env:MY_POD_IP}:13134");
        assert.strictEqual(c.service.telemetry.metrics.readers[0].pull.exporter.prometheus.port, 18888);
        assert.throws(() => renderSpokeCollectorConfig({ ...monitored, ports: { otlpHttp: 4317 } }), /ports: every receiver/);
        assert.throws(() => renderSpokeCollectorConfig({ ...monitored, exporter: { ...monitored.exporter, serverName: "bad name" } }), /exporter\.serverName/);
    });
});
