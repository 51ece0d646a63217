import * as assert from "assert";
import { parse } from "yaml";
import { COLLECTOR_INTERNAL_PORTS } from "../../../../components/telemetry/collectorPorts";
import { unsupportedByAdot } from "../../../../components/telemetry/adotComponents";
import { TENANT_HEADERS } from "../../../../components/identity/tenants";
import { renderHaproxyConfig } from "../../../../components/identity/haproxyConfig";
import { CERT_SEEN_DEFAULTS } from "../../../../components/identity/certSeen";
import { TENANT_PROXY_JOB } from "../../../../components/telemetry/certSeenMetrics";
import {
    DROPPED_RESOURCE_ATTRIBUTES, IDENTITY_LABELS, drQueueBatches, identityKeyPattern, renderHubCollectorConfig, sourceLabelActions,
} from "../../../../components/hub/collector/hubCollectorConfig";
import { renderSpokeCollectorConfig } from "../../../../components/agent/spokeCollectorConfig";
import { renderGatewayCollectorConfig } from "../../../../components/onprem/gatewayCollectorConfig";
import { HUB_COLLECTOR_JOB, KEPT_RESOURCE_ATTRIBUTES, RESOURCE_ATTRIBUTE_TO_LABEL, SOURCE_LABELS } from "../../../../components/telemetry/labels";

const primary = { name: "primary", url: "https://aps-workspaces.us-east-1.amazonaws.com/workspaces/ws-1/api/v1/remote_write", region: "us-east-1" };
const dr = { name: "dr", url: "https://aps-workspaces.us-west-2.amazonaws.com/workspaces/ws-2/api/v1/remote_write", region: "us-west-2" };

/** The hub exporters of the senders as their renderers emit them: a monitored account's (gRPC) and a site gateway's (HTTP). */
function senderExporters(): Record<string, any> {
    const spoke = parse(renderSpokeCollectorConfig({
        source: { account: "222222222222", region: "us-east-1", sourceRole: "monitored", cluster: "analytics" },
        exporter: { kind: "otlp", endpoint: "collector.monitoring.internal:4317", caPem: "-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n", clientCert: { certFile: "/c.crt", keyFile: "/c.key" } },
    }));
    const gateway = parse(renderGatewayCollectorConfig({
        account: "777777777777", region: "us-east-1", site: "dc1", cluster: "dc1-k8s", hubUrl: "https://collector.monitoring.internal:4318",
        replicas: 2, queue: { outageMinutes: 240, samplesPerSecond: 2000, storageGi: 20 },
    }));
    return { spoke: spoke.exporters["otlp/hub"], gateway: gateway.exporters["otlphttp/hub"] };
}

function render(extra: Partial<Parameters<typeof renderHubCollectorConfig>[0]> = {}): any {
    return parse(renderHubCollectorConfig({ account: "111111111111", region: "us-east-1", remoteWrite: [primary], ...extra }));
}

describe("hub collector config", () => {
    it("receives OTLP gRPC and HTTP on loopback only, behind the tenant proxy, keeping request headers as metadata", () => {
        const c = render();
        for (const [proto, port] of [["grpc", COLLECTOR_INTERNAL_PORTS.otlpGrpc], ["http", COLLECTOR_INTERNAL_PORTS.otlpHttp]] as const) {
            const p = c.receivers.otlp.protocols[proto];
            assert.strictEqual(p.endpoint, `127.0.0.1:${port}`);
            assert.strictEqual(p.include_metadata, true, "the proxy's identity headers reach the processors");
            assert.strictEqual(p.tls, undefined, "TLS ends at the proxy in the same task");
        }
        assert.deepStrictEqual(Object.keys(c.receivers).sort(), ["otlp", "prometheus/self"], "no other receiver");
        assert.strictEqual(c.extensions.health_check.endpoint, `127.0.0.1:${COLLECTOR_INTERNAL_PORTS.health}`);
        // The tenant proxy forwards (and health-checks) exactly where this collector listens: the
        // other renderer's backends, not the shared constant, are the oracle.
        const servers = Object.fromEntries([...renderHaproxyConfig().matchAll(/^backend (collector_\w+)\n(?:[ \t]+(?!server ).*\n)*[ \t]+server collector (\S+)/gm)].map((m) => [m[1], m[2]]));
        assert.deepStrictEqual(servers, { collector_grpc: c.receivers.otlp.protocols.grpc.endpoint, collector_http: c.receivers.otlp.protocols.http.endpoint, collector_health: c.extensions.health_check.endpoint });
        // Nothing the collector serves listens beyond loopback, whatever the variant.
        for (const variant of [render(), render({ remoteWrite: [primary, dr] })]) {
            const endpoints = JSON.stringify(variant).match(/"(endpoint|host)":"[^"]*"/g) ?? [];
            const local = endpoints.filter((e) => !/https:\/\//.test(e));
            assert.ok(local.length >= 4 && local.every((e) => e.includes("127.0.0.1")), local.join(", "));
        }
    });

    it("overwrites account, site and source_role from the proxy's headers before any batch, in every ingest pipeline", () => {
        const c = render({ remoteWrite: [primary, dr] });
        const identity = ["resource/source-labels", "resource/identity", "attributes/identity", "filter/identity"];
        assert.deepStrictEqual(c.service.pipelines.metrics.processors, ["memory_limiter", ...identity]);
        assert.deepStrictEqual(c.service.pipelines["metrics/dr"].processors, [...identity, "batch/dr"]);
        for (const [name, p] of Object.entries<any>(c.service.pipelines)) {
            if (!p.receivers.includes("otlp")) continue;
            const procs: string[] = p.processors;
            const batchAt = procs.findIndex((x) => x.startsWith("batch"));
            const firstBatch = batchAt === -1 ? procs.length : batchAt;
            // batch drops client metadata (batchprocessor@v0.117.0 batch_processor.go:153).
            for (const x of identity) {
                assert.ok(procs.indexOf(x) >= 0 && procs.indexOf(x) < firstBatch, `${name}: ${x} before batch`);
            }
        }
        assert.deepStrictEqual([...IDENTITY_LABELS], ["account", "site", "source_role"]);
        const actions: any[] = c.processors["resource/identity"].attributes;
        // Whatever the sender claimed goes first, every copy of every key that becomes an identity
        // label (a pattern delete; a key delete removes only the first copy), then the proxy's values are set.
        const pattern = identityKeyPattern();
        assert.strictEqual(pattern, "^(?:account|site|source[^0-9A-Za-z]+role)$");
        assert.deepStrictEqual(actions.slice(0, 1), [{ pattern, action: "delete" }]);
        assert.deepStrictEqual(actions.slice(1), [
            { key: "account", from_context: `metadata.${TENANT_HEADERS.account}`, action: "upsert" },
            { key: "site", from_context: `metadata.${TENANT_HEADERS.site}`, action: "upsert" },
            { key: "source_role", from_context: `metadata.${TENANT_HEADERS.role}`, action: "upsert" },
        ]);
        assert.deepStrictEqual(c.processors["attributes/identity"].actions, [{ pattern, action: "delete" }]);
        // Fail closed: no proxy-set account, no data.
        assert.deepStrictEqual(c.processors["filter/identity"], { error_mode: "propagate", metrics: { metric: ['resource.attributes["account"] == nil'] } });
        // The hub's own telemetry is labelled by the hub, not by a header.
        assert.ok(!c.service.pipelines["metrics/self"].processors.includes("resource/identity"));
    });

    it("remote-writes with SigV4 and retries, synchronously: nothing between the receiver and AMP's answer holds data", () => {
        const c = render({ remoteWrite: [primary, dr] });
        const e = c.exporters["prometheusremotewrite/primary"];
        assert.strictEqual(e.endpoint, primary.url);
        assert.strictEqual(e.auth.authenticator, "sigv4auth/primary");
        assert.deepStrictEqual(c.extensions["sigv4auth/primary"], { region: "us-east-1", service: "aps" });
        assert.strictEqual(e.retry_on_failure.enabled, true);
        // A queue or a batch processor answers the receiver once the data is in memory (exporterhelper
        // base_exporter.go:93-101; batchprocessor batch_processor.go:285-287): neither may sit on the
        // path whose answer tells the sender "stored".
        assert.deepStrictEqual(e.remote_write_queue, { enabled: false }, "no num_consumers: its meaning changed at contrib v0.118.0");
        assert.strictEqual(e.max_batch_request_parallelism, 5, "one export's requests in parallel, stated");
        // The label naming the tenant-label model assumes, and no sender-chosen scope labels.
        assert.strictEqual(e.translation_strategy, "UnderscoreEscapingWithSuffixes");
        assert.strictEqual(e.disable_scope_info, true);
        for (const [name, p] of Object.entries<any>(c.service.pipelines)) {
            if (p.receivers.includes("otlp") && p.exporters.includes("prometheusremotewrite/primary")) {
                assert.ok(!p.processors.some((x: string) => x.startsWith("batch")), `${name}: ${p.processors.join(", ")}`);
            }
        }
        assert.strictEqual(e.resource_to_telemetry_conversion.enabled, true);
    });

    it("dual-writes to the DR workspace through its own pipelines fed by the same receivers", () => {
        const c = render({ remoteWrite: [primary, dr] });
        const p = c.service.pipelines;
        // The primary pipelines export to the primary only: a DR exporter there would share their fate.
        assert.deepStrictEqual(p.metrics.exporters, ["prometheusremotewrite/primary"]);
        assert.deepStrictEqual(p["metrics/self"].exporters, ["prometheusremotewrite/primary"]);
        assert.deepStrictEqual(p["metrics/dr"], {
            receivers: p.metrics.receivers, processors: ["resource/source-labels", "resource/identity", "attributes/identity", "filter/identity", "batch/dr"], exporters: ["prometheusremotewrite/dr"],
        });
        assert.deepStrictEqual(p["metrics/self-dr"].receivers, ["prometheus/self"]);
        assert.deepStrictEqual(p["metrics/self-dr"].exporters, ["prometheusremotewrite/dr"]);
        assert.strictEqual(c.extensions["sigv4auth/dr"].region, "us-west-2");
    });

    it("never lets the DR copy refuse, block or crowd out primary data", () => {
        const c = render({ remoteWrite: [primary, dr], taskMemoryMiB: 2048 });
        for (const name of ["metrics/dr", "metrics/self-dr"]) {
            const procs: string[] = c.service.pipelines[name].processors;
            // memory_limiter refusals travel back to the shared receiver; batch decouples export errors.
            assert.ok(!procs.includes("memory_limiter"), `${name} has no memory_limiter`);
            assert.strictEqual(procs[procs.length - 1], "batch/dr");
        }
        const e = c.exporters["prometheusremotewrite/dr"];
        // By hand (README "Disaster recovery"): 10 % of 2,048 MiB = 214,748,364.8 B ÷ (8,192 points × 512 B) = 51.2 → 51 batches.
        assert.deepStrictEqual(e.remote_write_queue, { enabled: true, queue_size: 51 });
        assert.strictEqual(e.max_batch_request_parallelism, 1, "one request at a time: the DR replay stays in order");
        assert.strictEqual(e.retry_on_failure.max_elapsed_time, "2m");
        assert.strictEqual(c.processors["batch/dr"].send_batch_max_size, 8192);
        // Memory: the whole DR backlog (51 × 8,192 × 512 B = 213,909,504 B) stays under 10 % of the
        // task, far below the 60 % (limit 80 % - spike 20 %) at which memory_limiter starts refusing.
        const backlogBytes = e.remote_write_queue.queue_size * c.processors["batch/dr"].send_batch_max_size * 512;
        assert.strictEqual(backlogBytes, 213_909_504);
        assert.ok(backlogBytes <= 2048 * 1024 * 1024 * 0.1, `DR backlog ${backlogBytes} B`);
        const ml = c.processors.memory_limiter;
        assert.ok(backlogBytes < 2048 * 1024 * 1024 * (ml.limit_percentage - ml.spike_limit_percentage) / 100);
        assert.strictEqual(drQueueBatches(2048), 51);
        assert.strictEqual(drQueueBatches(8192), 204);
        // The primary holds nothing: it answers senders only once AMP has answered.
        assert.strictEqual(c.exporters["prometheusremotewrite/primary"].remote_write_queue.enabled, false);
    });

    it("limits memory before batching and normalises source labels", () => {
        const c = render();
        assert.deepStrictEqual(c.service.pipelines.metrics.processors.slice(0, 2), ["memory_limiter", "resource/source-labels"]);
        const actions: any[] = c.processors["resource/source-labels"].attributes;
        assert.deepStrictEqual(actions, sourceLabelActions());
        assert.deepStrictEqual(actions[0], { key: SOURCE_LABELS.account, from_attribute: "cloud.account.id", action: "insert" });
        // Copies come first; the last action then drops the sources and other high-cardinality families.
        assert.deepStrictEqual(actions.map((a) => a.action), [...RESOURCE_ATTRIBUTE_TO_LABEL.map(() => "insert"), "delete"]);
    });

    it("drops every source attribute after copying it, but keeps the labels and job/instance", () => {
        const dropped = new RegExp(DROPPED_RESOURCE_ATTRIBUTES);
        for (const { attribute } of RESOURCE_ATTRIBUTE_TO_LABEL) {
            assert.ok(dropped.test(attribute), `${attribute} is dropped once copied`);
        }
        for (const kept of [...Object.values(SOURCE_LABELS), ...KEPT_RESOURCE_ATTRIBUTES]) {
            assert.ok(!dropped.test(kept), `${kept} survives`);
        }
        for (const noisy of ["host.id", "process.pid", "telemetry.sdk.version", "k8s.pod.uid", "server.port", "service.version"]) {
            assert.ok(dropped.test(noisy), `${noisy} is dropped`);
        }
    });

    it("uses only components the ADOT collector ships, in every variant", () => {
        for (const variant of [render(), render({ remoteWrite: [primary, dr] }), render({ listen: { host: "127.0.0.1", ports: { otlpGrpc: 24317, otlpHttp: 24318, health: 23133 } } })]) {
            assert.deepStrictEqual(unsupportedByAdot(JSON.stringify(variant)), []);
        }
    });

    it("scrapes the tenant proxy's presented certificates on loopback every 30 s, through the hub's own labelling only", () => {
        const c = render();
        const jobs = c.receivers["prometheus/self"].config.scrape_configs;
        assert.deepStrictEqual(jobs[1], { job_name: TENANT_PROXY_JOB, scrape_interval: "30s", static_configs: [{ targets: [`127.0.0.1:${CERT_SEEN_DEFAULTS.port}`] }] });
        // Only the self pipelines read prometheus/self, and they stamp source_role="hub"; no ingest pipeline does.
        for (const [name, p] of Object.entries(c.service.pipelines as Record<string, { receivers: string[]; processors: string[] }>)) {
            assert.strictEqual(p.receivers.includes("prometheus/self"), p.processors.includes("resource/self"), name);
            assert.ok(!(p.receivers.includes("prometheus/self") && p.receivers.includes("otlp")), name);
        }
        assert.throws(() => render({ listen: { proxyMetricsPort: 8888 } }), /every receiver, the health check and self-telemetry need their own port/);
    });

    it("ships its own telemetry labelled as the hub", () => {
        const c = render();
        assert.strictEqual(c.receivers["prometheus/self"].config.scrape_configs[0].job_name, HUB_COLLECTOR_JOB);
        const attrs = c.processors["resource/self"].attributes;
        assert.deepStrictEqual(attrs.find((a: any) => a.key === SOURCE_LABELS.sourceRole).value, "hub");
        assert.strictEqual(c.service.telemetry.metrics.readers[0].pull.exporter.prometheus.host, "127.0.0.1");
        // Replicas share the scrape address; the ECS task ARN becomes their instance label.
        assert.deepStrictEqual(c.service.pipelines["metrics/self"].processors, ["memory_limiter", "resourcedetection/ecs", "resource/self", "batch"]);
        assert.deepStrictEqual(attrs[0], { key: "service.instance.id", from_attribute: "aws.ecs.task.arn", action: "upsert" });
    });

    it("declares every extension it configures", () => {
        const c = render({ remoteWrite: [primary, dr] });
        assert.deepStrictEqual([...c.service.extensions].sort(), Object.keys(c.extensions).sort());
        assert.deepStrictEqual(Object.keys(c.extensions).sort(), ["health_check", "sigv4auth/dr", "sigv4auth/primary"]);
    });

    it("refuses plaintext remote-write endpoints and an empty target list", () => {
        assert.throws(() => render({ remoteWrite: [{ ...primary, url: "http://aps-workspaces.us-east-1.amazonaws.com/x" }] }), /must be https/);
        assert.throws(() => render({ remoteWrite: [] }), /at least one remote-write target/);
    });

    it("listens where told: host, ports and self-telemetry port (several hubs on one host in e2e)", () => {
        const c = render({ listen: { host: "127.0.0.2", ports: { otlpGrpc: 24317, otlpHttp: 24318, health: 23133 }, selfMetricsPort: 28888 } });
        assert.strictEqual(c.receivers.otlp.protocols.grpc.endpoint, "127.0.0.2:24317");
        assert.strictEqual(c.receivers.otlp.protocols.http.endpoint, "127.0.0.2:24318");
        assert.strictEqual(c.extensions.health_check.endpoint, "127.0.0.2:23133");
        assert.deepStrictEqual(c.receivers["prometheus/self"].config.scrape_configs[0].static_configs[0].targets, ["127.0.0.1:28888"]);
        assert.strictEqual(c.service.telemetry.metrics.readers[0].pull.exporter.prometheus.port, 28888);
    });

    it("refuses clashing or invalid listen ports, naming the field", () => {
        assert.throws(() => render({ listen: { ports: { otlpHttp: COLLECTOR_INTERNAL_PORTS.otlpGrpc } } }), /listen\.ports: every receiver/);
        assert.throws(() => render({ listen: { selfMetricsPort: 70000 } }), /listen\.ports\.selfMetricsPort/);
    });

    it("gives remote write a timeout as long as its retry budget (the exporter retries inside the timeout)", () => {
        const exporters = render({ remoteWrite: [primary, dr] }).exporters;
        for (const e of [exporters["prometheusremotewrite/primary"], exporters["prometheusremotewrite/dr"]]) {
            assert.strictEqual(e.timeout, e.retry_on_failure.max_elapsed_time);
        }
        // The primary answers within 20 s, before the senders' own exporter timeout (30 s) ends their
        // request: the sender then gets the hub's retryable answer and keeps the data in its queue.
        // DR gives up after 2 minutes (its small queue drops).
        assert.strictEqual(exporters["prometheusremotewrite/primary"].timeout, "20s");
        const seconds = (d: string): number => Number(/^(\d+)s$/.exec(d)?.[1] ?? NaN);
        for (const [name, sender] of Object.entries(senderExporters())) {
            assert.ok(seconds(exporters["prometheusremotewrite/primary"].timeout) < seconds(sender.timeout), `${name}: timeout ${sender.timeout}`);
        }
        assert.strictEqual(exporters["prometheusremotewrite/dr"].timeout, "2m");
    });
});
