import * as assert from "assert";
import { parse } from "yaml";
import { GATEWAY_PATHS, GatewayCollectorConfigOptions, renderGatewayCollectorConfig } from "../../../components/onprem/gatewayCollectorConfig";
import { HUB_CA_PEM } from "../../stacks/fixtures/onprem";

const BASE: GatewayCollectorConfigOptions = {
    account: "777777777777",
    region: "us-east-1",
    site: "dc1",
    cluster: "dc1-k8s",
    hubUrl: "https://collector.monitoring.internal:4318",
    replicas: 2,
    queue: { outageMinutes: 240, samplesPerSecond: 2000, storageGi: 20 },
};

function render(o: Partial<GatewayCollectorConfigOptions> = {}): any {
    return parse(renderGatewayCollectorConfig({ ...BASE, ...o }));
}

describe("gateway collector config", () => {
    it("exports OTLP/HTTP to the hub's 4318 with the site's certificate (reloaded) over verified TLS", () => {
        const c = render({ hubCaPem: HUB_CA_PEM });
        const e = c.exporters["otlphttp/hub"];
        assert.strictEqual(e.endpoint, "https://collector.monitoring.internal:4318");
        assert.deepStrictEqual(e.tls, { min_version: "1.2", ca_pem: HUB_CA_PEM, cert_file: GATEWAY_PATHS.clientCert, key_file: GATEWAY_PATHS.clientKey, reload_interval: "1m" });
        assert.deepStrictEqual([GATEWAY_PATHS.clientCert, GATEWAY_PATHS.clientKey], ["/etc/otel/client/tls.crt", "/etc/otel/client/tls.key"], "the files of the mounted kubernetes.io/tls Secret");
        assert.strictEqual(e.tls.insecure, undefined);
        assert.strictEqual(e.tls.insecure_skip_verify, undefined);
        assert.strictEqual(e.auth, undefined);
    });

    it("queues on disk in samples, sized for the outage, batches after the queue, and retries until the hub is back", () => {
        const c = render();
        const e = c.exporters["otlphttp/hub"];
        // 240 min at 2,000/s: 28,800,000 samples, + 25 % = 36,000,000 samples (queueSizing.test.ts). The
        // batches the batch processor formed before are formed after the queue, with the same numbers.
        assert.deepStrictEqual(e.sending_queue, {
            enabled: true, num_consumers: 1, sizer: "items", queue_size: 36_000_000, storage: "file_storage/queue",
            batch: { flush_timeout: "5s", sizer: "items", min_size: 2048, max_size: 4096 },
        });
        assert.strictEqual(c.extensions["file_storage/queue"].directory, GATEWAY_PATHS.queue);
        assert.ok(c.service.extensions.includes("file_storage/queue"));
        assert.strictEqual(e.retry_on_failure.enabled, true);
        // 0 = never give up while the queue holds the backlog.
        assert.strictEqual(e.retry_on_failure.max_elapsed_time, "0s");
        assert.deepStrictEqual(c.service.pipelines.metrics.exporters, ["otlphttp/hub"]);
    });

    it("syncs every queue write to the device unless the site turns it off (file_storage fsync, off in the collector's own default)", () => {
        assert.strictEqual(render().extensions["file_storage/queue"].fsync, true);
        assert.strictEqual(render({ queue: { ...BASE.queue, fsync: false } }).extensions["file_storage/queue"].fsync, false);
        assert.strictEqual(render({ queue: { ...BASE.queue, fsync: true } }).extensions["file_storage/queue"].fsync, true);
    });

    it("has no bearer-token extension", () => {
        assert.deepStrictEqual(Object.keys(render().extensions).sort(), ["file_storage/queue", "health_check"]);
    });

    it("stamps the site's source attributes (labels.ts contract) on everything", () => {
        const attrs = render().processors["resource/source"].attributes;
        const byKey = Object.fromEntries(attrs.map((a: any) => [a.key, a.value]));
        assert.deepStrictEqual(byKey, {
            "cloud.account.id": "777777777777", "cloud.region": "us-east-1", "monitoring.site": "dc1", "k8s.cluster.name": "dc1-k8s", "monitoring.source_role": "onprem",
        });
        assert.ok(attrs.every((a: any) => a.action === "upsert"));
    });

    it("scrapes site hosts, sharded over the replicas like pods", () => {
        const c = render({
            podDiscovery: {},
            staticTargets: [{ jobName: "node", targets: ["node1.dc1.example.com:9100"], scrapeInterval: "15s", metricsPath: "/metrics" }],
        });
        const [job] = c.receivers["prometheus/site"].config.scrape_configs;
        assert.strictEqual(job.job_name, "node");
        assert.deepStrictEqual(job.static_configs, [{ targets: ["node1.dc1.example.com:9100"] }]);
        assert.deepStrictEqual(job.relabel_configs.map((r: any) => r.action), ["hashmod", "keep"]);
        assert.strictEqual(job.relabel_configs[0].modulus, 2);
        assert.ok(c.service.pipelines.metrics.receivers.includes("prometheus/site"));
        assert.ok(c.service.pipelines.metrics.receivers.includes("prometheus/pods"));
        const single = render({ replicas: 1, staticTargets: [{ jobName: "node", targets: ["h:9100"], scrapeInterval: "30s", metricsPath: "/metrics" }] });
        assert.strictEqual(single.receivers["prometheus/site"].config.scrape_configs[0].relabel_configs, undefined);
        assert.strictEqual(single.receivers["prometheus/pods"], undefined);
    });

    it("refuses a volume that cannot hold the outage", () => {
        assert.throws(() => render({ queue: { outageMinutes: 240, samplesPerSecond: 2000, storageGi: 5 } }), /queue.storageGi: 5Gi is below the 14Gi/);
    });

    it("answers a push only once it is on disk: no batch processor in front of the persistent queue", () => {
        // The batch processor answers once the data is in its memory (batchprocessor@v0.156.0
        // batch_processor.go:290-293); a kill before its timeout lost what it held (e2e scenario 9).
        const c = render();
        assert.strictEqual(c.processors.batch, undefined);
        assert.deepStrictEqual(c.service.pipelines.metrics.processors, ["memory_limiter", "resource/source"]);
    });

    it("holds at least one batch of samples, the smallest queue the collector accepts", () => {
        // A 1-minute outage at 10 samples/s is 600 samples (+ 25 % = 750), less than one batch of 2,048:
        // exporterhelper refuses min_size > queue_size with the same sizer (queuebatch/config.go:81-86).
        const c = render({ queue: { outageMinutes: 1, samplesPerSecond: 10, storageGi: 1 } });
        assert.strictEqual(c.exporters["otlphttp/hub"].sending_queue.queue_size, 2048);
    });

    it("takes file paths, ports and the hub's certificate name as parameters", () => {
        const c = render({ hubUrl: "https://localhost:24319", hubServerName: "collector.monitoring.internal", paths: { queue: "/tmp/q", clientCert: "/tmp/c.pem", clientKey: "/tmp/k.pem" }, ports: { otlpHttp: 14318 } });
        const e = c.exporters["otlphttp/hub"];
        assert.deepStrictEqual(e.tls, { min_version: "1.2", server_name_override: "collector.monitoring.internal", cert_file: "/tmp/c.pem", key_file: "/tmp/k.pem", reload_interval: "1m" });
        assert.strictEqual(c.extensions["file_storage/queue"].directory, "/tmp/q");
        assert.strictEqual(c.receivers.otlp.protocols.http.endpoint, "${env:MY_POD_IP}:14318");
    });
});
