/**
 * Pure renderer of a spoke ADOT collector config (YAML), shared by the monitored-account (EKS)
 * and on-prem roles. Run it inside `KubernetesCollector` (components/agent/kubernetesCollector.ts),
 * which sets the environment variables referenced here (`MY_POD_IP`, the shard index).
 *
 * Exported API
 * - `renderSpokeCollectorConfig(o: SpokeCollectorConfigOptions): string`
 *   receivers: `otlp` (gRPC 4317 / HTTP 4318 on the pod IP, optional server TLS), `prometheus/pods`
 *   (kubernetes_sd role pod, keeps pods annotated `prometheus.io/scrape: "true"`, honours
 *   `prometheus.io/port|path|scheme`; optional hashmod sharding over replicas), `prometheus/self`.
 *   processors: `memory_limiter`, `resource/source` (upserts the source attributes of
 *   components/telemetry/labels.ts, so senders cannot spoof another account), and `batch` only with
 *   the in-memory queue: a persistent queue batches after itself (`sending_queue.batch`, see
 *   `durableSendingQueue`), so a push is answered only once it is on disk.
 *   exporter to the hub, one of (both present the tenant certificate the hub issued, `clientCert`):
 *     - `{ kind: "otlp", endpoint: "host:4317", clientCert, caPem?|caFile? }` → `otlp/hub` (gRPC,
 *       mutual TLS ≥1.2, retry_on_failure, in-memory or persistent sending_queue): monitored accounts.
 *     - `{ kind: "otlphttp", endpoint: "https://host:4318", clientCert, caPem?|caFile? }` →
 *       `otlphttp/hub` (mutual TLS): on-prem. With `queue.persistent` the sending_queue uses
 *       `storage: file_storage/queue` (extension with a directory on a PVC, size in samples from `persistentQueueSize`).
 *   TLS is never disabled: there is no option for `insecure`, and plain endpoints are rejected. There
 *   is no bearer-token mode: a shared token cannot name a tenant unforgeably (README "Tenant identity").
 * - `persistentQueueSize(volumeGi)`, `SPOKE_BATCH`, `QUEUE_BYTES_PER_SAMPLE`, `sourceAttributes(source)`,
 *   `SPOKE_PORTS` (otlpGrpc 4317, otlpHttp 4318, health 13133), `SHARD_INDEX_ENV`, `POD_IP_ENV`.
 */
import { stringify } from "yaml";
import { selfTelemetry } from "../telemetry/selfTelemetry";
import { RESOURCE_ATTRIBUTE_TO_LABEL, SOURCE_LABELS, SourceLabel } from "../telemetry/labels";
import { OTLP_PORTS } from "../telemetry/collectorPorts";

export const SPOKE_PORTS = { otlpGrpc: OTLP_PORTS.grpc, otlpHttp: OTLP_PORTS.http, health: 13133, selfMetrics: 8888 } as const;
/** Set by KubernetesCollector from the downward API. */
export const POD_IP_ENV = "MY_POD_IP";
/** Set by KubernetesCollector from the StatefulSet pod index label (Kubernetes 1.28+). */
export const SHARD_INDEX_ENV = "SHARD_INDEX";
export const SPOKE_COLLECTOR_JOB = "adot-spoke-collector";

/**
 * One batch to the hub, the same whether the batch processor (in-memory queue) or the exporter's
 * batcher after a persistent queue (`sending_queue.batch`) forms it: sent once it holds `minSize`
 * samples or `timeoutSeconds` after its first, never more than `maxSize` samples.
 */
export const SPOKE_BATCH = { minSize: 2048, maxSize: 4096, timeoutSeconds: 5 } as const;

/**
 * Bytes one queued sample takes on disk: an OTLP data point with its attributes serialised as
 * protobuf is ~100-150 bytes; 200 leaves room for label-heavy series.
 */
export const QUEUE_BYTES_PER_SAMPLE = 200;

export interface SpokeSource {
    readonly account: string;
    readonly region: string;
    readonly sourceRole: "monitored" | "onprem";
    /** Kubernetes cluster name (k8s.cluster.name). Default: not set. */
    readonly cluster?: string;
    /** On-prem site name (monitoring.site). Default: not set. */
    readonly site?: string;
}

export interface TlsTrust {
    /**
     * Name the hub's certificate is verified against when the endpoint's host differs from it
     * (e.g. an interface endpoint's own DNS name, or loopback in the end-to-end tests).
     * Default: the endpoint's host.
     */
    readonly serverName?: string;
    /** PEM of the CA that issued the hub certificate, inlined. Default: system roots. */
    readonly caPem?: string;
    /** Path of that CA inside the container (e.g. a mounted Secret). Default: system roots. */
    readonly caFile?: string;
}

export interface QueueOptions {
    /**
     * What the sending queue holds: batches in memory (default 5000); samples on disk (default
     * persistentQueueSize(volumeGi); at least SPOKE_BATCH.minSize, one batch).
     */
    readonly size?: number;
    /**
     * Exporter workers. Default 1: with several, a backlog (after a hub outage, or a persistent
     * queue reopened) is replayed out of time order, and the store rejects the whole remote-write
     * request holding an out-of-order sample (e2e scenario 3 lost 416 samples that way with 4).
     */
    readonly consumers?: number;
    /** Keep the queue on disk so an outage or restart does not drop data. Default: in memory. */
    readonly persistent?: {
        /** Mount path of the volume (a PVC per replica). */
        readonly directory: string;
        /** Volume size, used to size the queue. */
        readonly volumeGi: number;
        /**
         * Sync every queue write to the device before the push is answered, so an answered push also
         * survives the node losing power (file_storage `fsync`; bbolt `NoSync` otherwise). Default
         * PERSISTENT_QUEUE_DEFAULTS.fsync (true).
         */
        readonly fsync?: boolean;
    };
}

/**
 * file_storage leaves fsync off by default (extension/storage/filestorage@v0.156.0 config.go:29-30,
 * client.go:52 `NoSync: !cfg.FSync`): a written request then survives the collector process, not the node
 * losing power. The queue exists to hold what the sender was told is safe, so it syncs; the cost is one
 * sync per queue transaction (measured: README "Durable queue: the cost of fsync").
 */
export const PERSISTENT_QUEUE_DEFAULTS = { fsync: true } as const;

/**
 * The tenant certificate the exporter presents to the hub (files of a mounted `kubernetes.io/tls`
 * Secret). The hub labels every series with the tenant named in it and refuses senders without one.
 */
export interface ClientCertificateFiles {
    /** PEM certificate followed by its chain, e.g. `/etc/otel/client/tls.crt`. */
    readonly certFile: string;
    /** PEM private key, e.g. `/etc/otel/client/tls.key`. */
    readonly keyFile: string;
    /**
     * How long the exporter keeps the files before reading them again, so a Secret renewed on a
     * later deploy is used without restarting the pod. Default CLIENT_CERT_RELOAD_INTERVAL.
     */
    readonly reloadInterval?: string;
}

/**
 * configtls re-reads cert_file/key_file once `reload_interval` has passed, on the next handshake,
 * for client certificates too: certReloader.GetCertificate backs tls.Config.GetClientCertificate
 * (open-telemetry/opentelemetry-collector config/configtls/configtls.go at config/configtls/v1.23.0,
 * the version collector v0.117.0's otlp and otlphttp exporters require: lines 157-173 and 211-238).
 * The kubelet updates a mounted Secret's files in place, eventually (not with subPath mounts:
 * https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-files-from-a-pod), and
 * so a renewed certificate is presented on the first handshake after this interval. An hour was too
 * long once a tenant is revoked and rotated: its data waits in its queue until the new certificate
 * is presented (the proxy closes a revoked serial's connections, so every retry is a new handshake),
 * so the interval bounds that wait (issue 31; e2e scenario 9 measures it). One minute costs a read of
 * two small files per minute at most, and only on a handshake.
 */
export const CLIENT_CERT_RELOAD_INTERVAL = "1m";

interface HubExporterBase extends TlsTrust {
    /** The tenant certificate presented to the hub. */
    readonly clientCert: ClientCertificateFiles;
    readonly queue?: QueueOptions;
}

export interface OtlpGrpcExporter extends HubExporterBase {
    readonly kind: "otlp";
    /** `host:port` of the hub's gRPC mutual-TLS listener, e.g. `collector.monitoring.internal:4317`. */
    readonly endpoint: string;
}

export interface OtlpHttpExporter extends HubExporterBase {
    readonly kind: "otlphttp";
    /** `https://host:port` of the hub's OTLP/HTTP mutual-TLS listener, e.g. `https://collector.monitoring.internal:4318`. */
    readonly endpoint: string;
}

export type HubExporter = OtlpGrpcExporter | OtlpHttpExporter;

export interface PodScrapeOptions {
    /** Namespaces to discover pods in. Default: all. */
    readonly namespaces?: readonly string[];
    /** Scrape interval. Default `30s`. */
    readonly interval?: string;
    /** Split targets over this many replicas by hashmod; each keeps the share equal to its index. Default 1 (no sharding). */
    readonly shards?: number;
}

export interface SpokeCollectorConfigOptions {
    readonly source: SpokeSource;
    readonly exporter: HubExporter;
    /** Scrape annotated pods. Default: on, all namespaces. `false` turns it off. */
    readonly podScrape?: PodScrapeOptions | false;
    /** Serve the local OTLP receivers over TLS with these files. Default: plain inside the cluster (NetworkPolicy-restricted). */
    readonly receiverTls?: { readonly certFile: string; readonly keyFile: string };
    /** memory_limiter limit as a share of the container limit. Default 80. */
    readonly memoryLimitPercent?: number;
    /** Ports of the local receivers, health check and self-telemetry. Default SPOKE_PORTS. */
    readonly ports?: Partial<Record<keyof typeof SPOKE_PORTS, number>>;
}

function fail(field: string, message: string): never {
    throw new Error(`renderSpokeCollectorConfig: ${field}: ${message}`);
}

/**
 * Samples a persistent queue on a volume may hold: the file_storage compaction rewrites the
 * database beside the original, so only ~40% of the volume may hold queued data.
 */
export function persistentQueueSize(volumeGi: number): number {
    if (!(volumeGi > 0)) {
        throw new Error("persistentQueueSize: volumeGi must be positive");
    }
    return Math.max(SPOKE_BATCH.minSize, Math.floor((volumeGi * 1024 ** 3 * 0.4) / QUEUE_BYTES_PER_SAMPLE));
}

/** The source resource attributes (semantic keys from components/telemetry/labels.ts) and their values. */
export function sourceAttributes(s: SpokeSource): { key: string; value: string }[] {
    const values: Partial<Record<SourceLabel, string>> = {
        [SOURCE_LABELS.account]: s.account,
        [SOURCE_LABELS.region]: s.region,
        [SOURCE_LABELS.sourceRole]: s.sourceRole,
        ...(s.cluster !== undefined ? { [SOURCE_LABELS.cluster]: s.cluster } : {}),
        ...(s.site !== undefined ? { [SOURCE_LABELS.site]: s.site } : {}),
    };
    return RESOURCE_ATTRIBUTE_TO_LABEL.flatMap(({ attribute, label }) => (values[label] !== undefined ? [{ key: attribute, value: values[label] }] : []));
}

function checkOptions(o: SpokeCollectorConfigOptions): void {
    if (!/^\d{12}$/.test(o.source.account)) {
        fail("source.account", `"${o.source.account}" is not a 12-digit account ID`);
    }
    if (o.source.region.length === 0) {
        fail("source.region", "required");
    }
    const e = o.exporter;
    if (e.kind === "otlp") {
        if (!/^[a-z0-9.-]+:\d{2,5}$/i.test(e.endpoint)) {
            fail("exporter.endpoint", `"${e.endpoint}" must be host:port (gRPC, TLS is always on)`);
        }
    } else if (e.kind === "otlphttp") {
        if (!/^https:\/\/[a-z0-9.-]+(:\d{2,5})?(\/.*)?$/i.test(e.endpoint)) {
            fail("exporter.endpoint", `"${e.endpoint}" must be an https:// URL`);
        }
    } else {
        fail("exporter.kind", "expected otlp or otlphttp");
    }
    const cert = e.clientCert as ClientCertificateFiles | undefined;
    if (cert === undefined || !cert.certFile?.startsWith("/") || !cert.keyFile?.startsWith("/")) {
        fail("exporter.clientCert", "the hub refuses senders without the tenant certificate it issued; give the absolute certFile and keyFile of the mounted Secret");
    }
    if (cert.reloadInterval !== undefined && !/^[1-9]\d*(s|m|h)$/.test(cert.reloadInterval)) {
        fail("exporter.clientCert.reloadInterval", `"${cert.reloadInterval}" is not a duration like 1h or 10m`);
    }
    if (e.caPem !== undefined && e.caFile !== undefined) {
        fail("exporter", "set caPem or caFile, not both");
    }
    if (e.caPem !== undefined && !e.caPem.includes("BEGIN CERTIFICATE")) {
        fail("exporter.caPem", "expected a PEM certificate bundle");
    }
    const p = e.queue?.persistent;
    if (p !== undefined && (!p.directory.startsWith("/") || !(p.volumeGi > 0))) {
        fail("exporter.queue.persistent", "needs an absolute directory and a positive volumeGi");
    }
    if (e.queue?.size !== undefined && (!Number.isInteger(e.queue.size) || e.queue.size < 1)) {
        fail("exporter.queue.size", `expected a positive whole number of ${p !== undefined ? "samples" : "batches"}`);
    }
    if (p !== undefined && e.queue?.size !== undefined && e.queue.size < SPOKE_BATCH.minSize) {
        // exporterhelper refuses a queue smaller than one batch of the same sizer
        // (exporterhelper@v0.156.0/internal/queuebatch/config.go:81-86).
        fail("exporter.queue.size", `a persistent queue counts samples and must hold one batch: set at least ${SPOKE_BATCH.minSize} (got ${e.queue.size})`);
    }
    const shards = o.podScrape === false ? 1 : o.podScrape?.shards ?? 1;
    if (!Number.isInteger(shards) || shards < 1) {
        fail("podScrape.shards", "expected a positive whole number");
    }
    if (e.serverName !== undefined && !/^([a-z0-9-]+\.)*[a-z0-9-]+$/i.test(e.serverName)) {
        fail("exporter.serverName", `"${e.serverName}" is not a DNS name`);
    }
    const ports = { ...SPOKE_PORTS, ...(o.ports ?? {}) };
    for (const [k, v] of Object.entries(ports)) {
        if (!Number.isInteger(v) || v < 1 || v > 65535) {
            fail(`ports.${k}`, `expected a port 1-65535 (got ${v})`);
        }
    }
    if (new Set(Object.values(ports)).size !== Object.keys(ports).length) {
        fail("ports", `every receiver, the health check and self-telemetry need their own port (got ${Object.values(ports).join(", ")})`);
    }
    const percent = o.memoryLimitPercent ?? 80;
    if (percent < 10 || percent > 95) {
        fail("memoryLimitPercent", "expected 10-95");
    }
}

/** Prometheus relabeling for annotated pods (`$$` escapes `$` from the collector's env expansion). */
function podRelabeling(shards: number): Record<string, unknown>[] {
    return [
        { source_labels: ["__meta_kubernetes_pod_annotation_prometheus_io_scrape"], action: "keep", regex: "true" },
        { source_labels: ["__meta_kubernetes_pod_phase"], action: "drop", regex: "Pending|Succeeded|Failed|Unknown" },
        ...(shards > 1
            ? [
                { source_labels: ["__address__"], action: "hashmod", modulus: shards, target_label: "__tmp_shard" },
                { source_labels: ["__tmp_shard"], action: "keep", regex: `\${env:${SHARD_INDEX_ENV}}` },
            ]
            : []),
        { source_labels: ["__meta_kubernetes_pod_annotation_prometheus_io_scheme"], action: "replace", regex: "(https?)", target_label: "__scheme__" },
        { source_labels: ["__meta_kubernetes_pod_annotation_prometheus_io_path"], action: "replace", regex: "(.+)", target_label: "__metrics_path__" },
        {
            source_labels: ["__address__", "__meta_kubernetes_pod_annotation_prometheus_io_port"],
            action: "replace",
            regex: "([^:]+)(?::\\d+)?;(\\d+)",
            replacement: "$$1:$$2",
            target_label: "__address__",
        },
        { source_labels: ["__meta_kubernetes_namespace"], action: "replace", target_label: "namespace" },
        { source_labels: ["__meta_kubernetes_pod_name"], action: "replace", target_label: "pod" },
        { source_labels: ["__meta_kubernetes_pod_container_name"], action: "replace", target_label: "container" },
    ];
}

function exporterTls(e: HubExporter): Record<string, unknown> {
    return {
        min_version: "1.2",
        ...(e.serverName !== undefined ? { server_name_override: e.serverName } : {}),
        ...(e.caPem !== undefined ? { ca_pem: e.caPem } : {}),
        ...(e.caFile !== undefined ? { ca_file: e.caFile } : {}),
        cert_file: e.clientCert.certFile,
        key_file: e.clientCert.keyFile,
        reload_interval: e.clientCert.reloadInterval ?? CLIENT_CERT_RELOAD_INTERVAL,
    };
}

/** The spoke collector's configuration. */
export function renderSpokeCollectorConfig(o: SpokeCollectorConfigOptions): string {
    checkOptions(o);
    const listen = `\${env:${POD_IP_ENV}}`;
    const ports = { ...SPOKE_PORTS, ...(o.ports ?? {}) };
    const receivers = spokeReceivers(o, listen, ports);
    const extensions: Record<string, unknown> = { health_check: { endpoint: `${listen}:${ports.health}` } };
    const { exporterName, exporter, queueStorage } = hubExporter(o.exporter);
    if (queueStorage !== undefined) {
        extensions["file_storage/queue"] = queueStorage;
    }

    // With a persistent queue there is no batch processor: it answers a push once the data is in its
    // memory (see durableSendingQueue), and a crash would lose what it held.
    const batch = queueStorage === undefined
        ? { batch: { send_batch_size: SPOKE_BATCH.minSize, send_batch_max_size: SPOKE_BATCH.maxSize, timeout: `${SPOKE_BATCH.timeoutSeconds}s` } }
        : {};
    const processors = {
        memory_limiter: { check_interval: "1s", limit_percentage: o.memoryLimitPercent ?? 80, spike_limit_percentage: 20 },
        "resource/source": { attributes: sourceAttributes(o.source).map((a) => ({ ...a, action: "upsert" })) },
        ...batch,
    };
    const config = {
        extensions,
        receivers,
        processors,
        exporters: { [exporterName]: exporter },
        service: {
            extensions: Object.keys(extensions),
            pipelines: {
                metrics: {
                    receivers: Object.keys(receivers),
                    processors: Object.keys(processors),
                    exporters: [exporterName],
                },
            },
            telemetry: selfTelemetry(ports.selfMetrics),
        },
    };
    return stringify(config, { lineWidth: 0 });
}

/** OTLP in (optionally TLS), the collector's own metrics, and annotated pods unless podScrape is false. */
function spokeReceivers(o: SpokeCollectorConfigOptions, listen: string, ports: Record<keyof typeof SPOKE_PORTS, number>): Record<string, unknown> {
    const serverTls = o.receiverTls !== undefined ? { tls: { cert_file: o.receiverTls.certFile, key_file: o.receiverTls.keyFile, min_version: "1.2" } } : {};
    const receivers: Record<string, unknown> = {
        otlp: {
            protocols: {
                grpc: { endpoint: `${listen}:${ports.otlpGrpc}`, ...serverTls },
                http: { endpoint: `${listen}:${ports.otlpHttp}`, ...serverTls },
            },
        },
        "prometheus/self": {
            config: {
                scrape_configs: [{ job_name: SPOKE_COLLECTOR_JOB, scrape_interval: "30s", static_configs: [{ targets: [`127.0.0.1:${ports.selfMetrics}`] }] }],
            },
        },
    };
    if (o.podScrape !== false) {
        const scrape = o.podScrape ?? {};
        receivers["prometheus/pods"] = {
            config: {
                scrape_configs: [{
                    job_name: "kubernetes-pods",
                    scrape_interval: scrape.interval ?? "30s",
                    kubernetes_sd_configs: [{ role: "pod", ...(scrape.namespaces !== undefined ? { namespaces: { names: [...scrape.namespaces] } } : {}) }],
                    relabel_configs: podRelabeling(scrape.shards ?? 1),
                }],
            },
        };
    }
    return receivers;
}

/** The exporter to the hub, its sending queue, and the file storage extension when the queue persists. */
function hubExporter(e: SpokeCollectorConfigOptions["exporter"]): { exporterName: string; exporter: Record<string, unknown>; queueStorage?: Record<string, unknown> } {
    const persistent = e.queue?.persistent;
    const queueStorage = persistent === undefined ? undefined : {
        directory: persistent.directory,
        timeout: "1s",
        create_directory: false,
        fsync: persistent.fsync ?? PERSISTENT_QUEUE_DEFAULTS.fsync,
        compaction: { on_start: true, on_rebound: true, directory: persistent.directory },
    };
    const sendingQueue = persistent !== undefined
        ? durableSendingQueue(e.queue?.size ?? persistentQueueSize(persistent.volumeGi), e.queue?.consumers ?? 1)
        : { enabled: true, num_consumers: e.queue?.consumers ?? 1, queue_size: e.queue?.size ?? 5000 };
    const exporterName = e.kind === "otlp" ? "otlp/hub" : "otlphttp/hub";
    const exporter: Record<string, unknown> = {
        endpoint: e.endpoint,
        tls: exporterTls(e),
        compression: "gzip",
        timeout: "30s",
        // Keep retrying through a hub outage for as long as the queue can hold the backlog.
        retry_on_failure: { enabled: true, initial_interval: "5s", max_interval: "60s", max_elapsed_time: persistent !== undefined ? "0s" : "30m" },
        sending_queue: sendingQueue,
    };
    return { exporterName, exporter, queueStorage };
}

/**
 * The persistent sending queue, batching AFTER the queue so that a push is answered only once it is
 * on disk, and leaves the disk only once the hub took it. Read in the collector's source (core
 * v0.156.0, the ADOT v0.49.0 collector; paths under go.opentelemetry.io/collector/):
 * - the batch processor answers once the data is in a channel (processor/batchprocessor@v0.156.0
 *   batch_processor.go:290-293): a SIGKILL before its timeout lost what it held. Hence no processor;
 * - the exporter's first sender is the queue (exporter/exporterhelper@v0.156.0 internal/base_exporter.go:
 *   93-106, 112-121; queuebatch/queue_batch.go:97-100), whose persistent Offer writes the request and
 *   the queue's metadata in one storage transaction before it returns (internal/queue/persistent_queue.go:
 *   272-319), so the receiver's answer waits for the write;
 * - a read marks the request dispatched in storage (persistent_queue.go:357-391); the batcher keeps its
 *   done callback until the batch holding it was exported (queuebatch/partition_batcher.go:79-206,
 *   289-296), and only then is it deleted (persistent_queue.go:394-426); at start, requests still marked
 *   dispatched are queued again (persistent_queue.go:151-169, 448-499). So a kill at any moment loses
 *   none; it may send again what the hub already took, which the store keeps once (same series,
 *   timestamp and value);
 * - the `items` sizer counts samples (persistent_queue.go:132-141) until they are done, in flight and
 *   in the batcher included: the outage sizing is exact in samples, and a push that would overflow
 *   is refused to its sender (persistent_queue.go:277-284) instead of dropped after it was answered;
 * - the batcher needs `items` or `bytes` (queuebatch/config.go:124-150) and a queue of at least one
 *   batch of the same sizer (config.go:81-86); with batching and no partitioner one consumer reads the
 *   queue (queue_batch.go:53-57), and `num_consumers` bounds the concurrent exports (queue_batch.go:43-48).
 * The storage syncs each write (PERSISTENT_QUEUE_DEFAULTS.fsync), so an answered push also survives the
 * node losing power, unless a stack turns it off.
 */
export function durableSendingQueue(queueSize: number, consumers: number): Record<string, unknown> {
    return {
        enabled: true,
        num_consumers: consumers,
        sizer: "items",
        queue_size: queueSize,
        storage: "file_storage/queue",
        batch: { flush_timeout: `${SPOKE_BATCH.timeoutSeconds}s`, sizer: "items", min_size: SPOKE_BATCH.minSize, max_size: SPOKE_BATCH.maxSize },
    };
}
