import { stringify } from "yaml";
import { selfTelemetry } from "../../telemetry/selfTelemetry";
import { COLLECTOR_INTERNAL_PORTS } from "../../telemetry/collectorPorts";
import { TENANT_HEADERS } from "../../identity/tenants";
import { HUB_COLLECTOR_JOB, RESOURCE_ATTRIBUTE_TO_LABEL, SOURCE_LABELS } from "../../telemetry/labels";
import { CERT_SEEN_DEFAULTS } from "../../identity/certSeen";
import { TENANT_PROXY_JOB } from "../../telemetry/certSeenMetrics";

export interface RemoteWriteTarget {
    /** Exporter suffix, e.g. `primary` or `dr`. */
    readonly name: string;
    /** AMP remote-write URL. */
    readonly url: string;
    /** Region the AMP workspace lives in (SigV4 signing region). */
    readonly region: string;
}

export interface HubCollectorConfigOptions {
    /** The hub's own account and region, stamped on the collector's self-telemetry. */
    readonly account: string;
    readonly region: string;
    /** One or more AMP workspaces; every series is written to each (dual-write for DR). */
    readonly remoteWrite: readonly RemoteWriteTarget[];
    /** Fargate task memory (MiB); sizes the DR queue so its backlog stays within DR_MEMORY_SHARE. Default 2048. */
    readonly taskMemoryMiB?: number;
    /**
     * Where the collector listens. Defaults: 127.0.0.1, COLLECTOR_INTERNAL_PORTS and self-telemetry
     * on 127.0.0.1:8888 (the ECS task, behind its tenant proxy). The end-to-end tests run several
     * collectors on one host with their own loopback ports.
     */
    readonly listen?: HubListenOptions;
}

/** Largest batch the DR pipeline forms (data points): its queue holds at most this many per slot. */
export const DR_BATCH_MAX_POINTS = 8192;
/**
 * Upper bound assumed for one queued data point in memory (pdata with its labels). An assumption for
 * sizing, not a measurement: the data-path tests measure the real figure.
 */
export const DR_BYTES_PER_POINT_BOUND = 512;
/** Share of task memory the DR backlog may take at most. */
export const DR_MEMORY_SHARE = 0.1;

/**
 * DR queue size in batches: DR_MEMORY_SHARE of the task's memory divided by the largest batch
 * (DR_BATCH_MAX_POINTS × DR_BYTES_PER_POINT_BOUND = 4 MiB). For 2048 MiB: 204.8 MiB / 4 MiB → 51.
 * memory_limiter (limit 80 %, spike 20 %) starts refusing at 60 % of task memory (1228.8 MiB for
 * 2048), so a full DR backlog (≤ 10 %) can never by itself push the collector into refusing primary data.
 */
export function drQueueBatches(taskMemoryMiB: number): number {
    const batchBytes = DR_BATCH_MAX_POINTS * DR_BYTES_PER_POINT_BOUND;
    return Math.max(1, Math.floor((taskMemoryMiB * 1024 * 1024 * DR_MEMORY_SHARE) / batchBytes));
}

export interface HubListenOptions {
    /**
     * Address the receivers and health check bind to. Default 127.0.0.1: only the tenant proxy in
     * the same task reaches them, so nothing can skip its certificate check.
     */
    readonly host?: string;
    /** Ports of the receivers and health check. Default COLLECTOR_INTERNAL_PORTS. */
    readonly ports?: Partial<Record<keyof typeof COLLECTOR_INTERNAL_PORTS, number>>;
    /** Port of the collector's own Prometheus telemetry on 127.0.0.1 (scraped by itself). Default 8888. */
    readonly selfMetricsPort?: number;
    /** Port of the tenant proxy's presented-certificate metrics on 127.0.0.1 (components/identity/certSeen.ts). Default CERT_SEEN_DEFAULTS.port. */
    readonly proxyMetricsPort?: number;
}

/**
 * How long the primary remote write may take for one request, retries included, before the hub answers
 * the sender "unavailable, retry". The primary pipeline exports synchronously (no batch processor, no
 * remote-write queue), so the receiver answers only once AMP has answered: an acknowledgement means
 * stored, and what AMP cannot take stays in the sender's queue (its persistent queue for sites), not in
 * a hub task's memory that a stop, scale-in or crash would lose (issue 31). It must end before the
 * senders' own exporter timeout (SENDER_EXPORT_TIMEOUT, 30s): the sender then gets the hub's retryable
 * answer, not a timeout of its own after the hub may already have written.
 */
export const PRW_RETRY_BUDGET = "20s";

/**
 * Collector feature gates the hub runs with (`--feature-gates`, otelcol command flag).
 * `exporter.prometheusremotewritexporter.RetryOn429`: without it the pinned exporter treats AMP's
 * throttling answer (HTTP 429) as final and drops the data (contrib v0.156.0
 * exporter/prometheusremotewriteexporter/exporter.go:500-510: 5xx retried, 429 only with
 * `retryOnHTTP429`, read from this gate in exporter.go:212; the gate is alpha, off by default:
 * internal/metadata/generated_feature_gates.go:17-23). With it, 429 is retried within PRW_RETRY_BUDGET
 * and then answered to the sender as retryable (the proxy's store-answer rules, components/identity/haproxyConfig.ts).
 * Never `exporter.prometheusremotewritexporter.EnableMultipleWorkers`: it would give the DR queue
 * `num_consumers` consumers (factory.go:54-57) and replay it out of order.
 */
export const HUB_FEATURE_GATES = ["exporter.prometheusremotewritexporter.RetryOn429"] as const;

/** The collector's command-line flags for HUB_FEATURE_GATES. */
export function hubFeatureGateArgs(): string[] {
    return [`--feature-gates=${HUB_FEATURE_GATES.join(",")}`];
}
/** How long the DR target retries one batch before dropping it (its queue is small and drops when full). */
export const DR_RETRY_BUDGET = "2m";

/** Environment variable ECS fills from SSM with the rendered config (read by the ADOT image). */
export const CONFIG_ENV_VAR = "AOT_CONFIG_CONTENT";

/** The listen options with defaults applied; ports must be distinct and valid. */
export function hubListen(l: HubListenOptions = {}): { host: string; ports: Record<keyof typeof COLLECTOR_INTERNAL_PORTS, number>; selfMetricsPort: number; proxyMetricsPort: number } {
    const ports = { ...COLLECTOR_INTERNAL_PORTS, ...(l.ports ?? {}) };
    const selfMetricsPort = l.selfMetricsPort ?? 8888;
    const proxyMetricsPort = l.proxyMetricsPort ?? CERT_SEEN_DEFAULTS.port;
    const all = [...Object.values(ports), selfMetricsPort, proxyMetricsPort];
    for (const [k, v] of Object.entries({ ...ports, selfMetricsPort, proxyMetricsPort })) {
        if (!Number.isInteger(v) || v < 1 || v > 65535) {
            throw new Error(`renderHubCollectorConfig: listen.ports.${k}: expected a port 1-65535 (got ${v})`);
        }
    }
    if (new Set(all).size !== all.length) {
        throw new Error(`renderHubCollectorConfig: listen.ports: every receiver, the health check and self-telemetry need their own port (got ${all.join(", ")})`);
    }
    return { host: l.host ?? "127.0.0.1", ports, selfMetricsPort, proxyMetricsPort };
}

/**
 * Attribute families dropped before resource attributes become labels. ADOT has no transform
 * processor (so no keep-keys allow-list): this deny-list keeps AMP's active series bounded while
 * `service.name`/`service.instance.id` still become `job`/`instance`.
 */
export const DROPPED_RESOURCE_ATTRIBUTES =
    "^(telemetry|process|host|os|container|k8s|cloud|aws|net|http|server|url|deployment|faas|device|otel|monitoring)\\..*|^service\\.(version|namespace)$";

/** Resource-processor actions that turn sender resource attributes into the shared source labels. */
export function sourceLabelActions(): Array<Record<string, string>> {
    return [
        ...RESOURCE_ATTRIBUTE_TO_LABEL.map(({ attribute, label }) => ({ key: label, from_attribute: attribute, action: "insert" })),
        { pattern: DROPPED_RESOURCE_ATTRIBUTES, action: "delete" },
    ];
}

/** Labels a tenant can never choose: the proxy derives them from its client certificate. */
export const IDENTITY_LABELS = [SOURCE_LABELS.account, SOURCE_LABELS.site, SOURCE_LABELS.sourceRole] as const;

/** Header (client metadata key) the proxy sets for each identity label. */
const IDENTITY_HEADER: Record<(typeof IDENTITY_LABELS)[number], string> = {
    [SOURCE_LABELS.account]: TENANT_HEADERS.account,
    [SOURCE_LABELS.site]: TENANT_HEADERS.site,
    [SOURCE_LABELS.sourceRole]: TENANT_HEADERS.role,
};

/**
 * Every attribute key the remote-write exporter turns into one of IDENTITY_LABELS, as one RE2 pattern.
 * An OTLP request may repeat a key: protobuf and OTLP/JSON carry attributes as a list, pdata keeps
 * every copy on unmarshal (a deliberate choice: opentelemetry-collector issue #6169), and a key-based
 * `delete` removes only the first copy (pdata@v1.23.0 pcommon/map.go:75 `Remove` returns at the first
 * match). A `pattern` delete removes them all: attraction.go:294-299 calls `Remove` once per entry that
 * `getMatchingKeys` (attraction.go:436-450, a `Range` over every entry, copies included) found.
 * The exporter names a label with prometheus/otlptranslator's LabelNamer (contrib v0.156.0
 * pkg/translator/prometheusremotewrite metrics_to_prw.go:77-85, escaping strategy: the hub states
 * `translation_strategy`): every rune outside [A-Za-z0-9], `_` included, becomes `_`, and a run of them
 * collapses into one (otlptranslator@v1.0.0 strconv.go:30-76, label_namer.go:65-91); colliding keys'
 * values are joined with `;` (translator/prometheusremotewrite@v0.156.0 helper.go:148-160). So
 * `source.role`, `source-role`, `source._role` or `source\u00e9\u00e9role` would corrupt `source_role`:
 * each `_` of a label stands for a run of one or more runes outside [A-Za-z0-9] here. Go's regexp reads
 * an invalid UTF-8 byte as U+FFFD, as the namer's range loop does, so the class covers it too.
 * (policy/lib/telemetry/promLabels.ts models the namer; test/e2e/policy/labelModel.e2e.ts checks it.)
 */
export function identityKeyPattern(labels: readonly string[] = IDENTITY_LABELS): string {
    const alternatives = labels.map((l) => l.split("_").map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("[^0-9A-Za-z]+"));
    return `^(?:${alternatives.join("|")})$`;
}

/**
 * Processors that overwrite the identity labels with what the proxy derived from the certificate:
 * - `resource/identity` deletes every copy of whatever the sender claimed under any key that would
 *   become an identity label (identityKeyPattern; resource attributes, including what
 *   resource/source-labels copied from semantic-convention keys), then upserts each label
 *   `from_context: metadata.<header>` (contrib internal/coreinternal@v0.117.0
 *   attraction/attraction.go:344-385; a missing key sets nothing), so each exists once;
 * - `attributes/identity` deletes the same keys, every copy, on the data points of every metric type
 *   (attributesprocessor@v0.117.0 attributes_metric.go:69-94), which would otherwise become labels too
 *   (the exporter copies resource attributes onto data points, last copy winning:
 *   pkg/resourcetotelemetry@v0.117.0 resource_to_telemetry.go:107-112). Scope attributes never become
 *   labels (translator/prometheusremotewrite@v0.117.0 reads none);
 * - `filter/identity` drops whatever still has no `account`: no proxy-set header, no data (fail closed).
 * They must run before any batch processor: batch drops client metadata unless it is configured with
 * `metadata_keys` (batchprocessor@v0.117.0 batch_processor.go:153).
 */
export function identityProcessors(): Record<string, unknown> {
    const pattern = identityKeyPattern();
    return {
        "resource/identity": {
            attributes: [
                { pattern, action: "delete" },
                ...IDENTITY_LABELS.map((key) => ({ key, from_context: `metadata.${IDENTITY_HEADER[key]}`, action: "upsert" })),
            ],
        },
        "attributes/identity": { actions: [{ pattern, action: "delete" }] },
        "filter/identity": {
            error_mode: "propagate",
            metrics: { metric: [`resource.attributes["${SOURCE_LABELS.account}"] == nil`] },
        },
    };
}

/** What every ingest pipeline (primary and DR) runs between memory_limiter and its batch, in order. */
export const INGEST_LABEL_PROCESSORS = ["resource/source-labels", "resource/identity", "attributes/identity", "filter/identity"] as const;

/**
 * Pipelines of a secondary (DR) target. The collector fans each receiver out to every pipeline that
 * lists it, so DR gets its own copy of the data without a connector (ADOT ships none). The copy must
 * never slow or fail the primary path: no memory_limiter here (its refusal would be returned to the
 * shared receiver, and senders would retry into the primary too), and the first stateful step is a
 * batch processor, which hands batches to the exporter from its own goroutine and only logs export
 * errors, so a full DR queue drops DR batches and nothing else.
 */
export function secondaryPipelines(name: string, ingestReceivers: readonly string[]): Array<[string, Record<string, string[]>]> {
    const exporter = [`prometheusremotewrite/${name}`];
    return [
        [`metrics/${name}`, { receivers: [...ingestReceivers], processors: [...INGEST_LABEL_PROCESSORS, "batch/dr"], exporters: exporter }],
        [`metrics/self-${name}`, { receivers: ["prometheus/self"], processors: ["resourcedetection/ecs", "resource/self", "batch/dr"], exporters: exporter }],
    ];
}

type HubListen = ReturnType<typeof hubListen>;

function validateRemoteWrite(targets: readonly RemoteWriteTarget[]): void {
    if (targets.length === 0) {
        throw new Error("renderHubCollectorConfig: at least one remote-write target is required");
    }
    for (const t of targets) {
        if (!t.url.startsWith("https://")) {
            throw new Error(`renderHubCollectorConfig: remote-write URL for ${t.name} must be https:// (got ${t.url})`);
        }
    }
}

function hubReceivers({ host, ports, selfMetricsPort, proxyMetricsPort }: HubListen): Record<string, unknown> {
    // No TLS here: the receivers bind loopback inside the task (awsvpc: one network namespace per
    // task, https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-networking-awsvpc.html)
    // and only the tenant proxy reaches them. `include_metadata` turns the request headers the proxy
    // set into client metadata (confighttp@v0.117.0 confighttp.go:295 + clientinfohandler.go,
    // configgrpc@v0.117.0 configgrpc.go:529-541), which resource/identity reads.
    return {
        otlp: {
            protocols: {
                grpc: { endpoint: `${host}:${ports.otlpGrpc}`, max_recv_msg_size_mib: 16, include_metadata: true },
                http: { endpoint: `${host}:${ports.otlpHttp}`, include_metadata: true },
            },
        },
        "prometheus/self": {
            config: {
                scrape_configs: [
                    { job_name: HUB_COLLECTOR_JOB, scrape_interval: "30s", static_configs: [{ targets: [`127.0.0.1:${selfMetricsPort}`] }] },
                    // The tenant proxy's presented certificates (components/identity/certSeen.ts), on
                    // loopback in the same task. Through `resource/self` like the collector's own series:
                    // `source_role="hub"`, which no tenant's data can carry (theirs is their certificate's OU).
                    { job_name: TENANT_PROXY_JOB, scrape_interval: "30s", static_configs: [{ targets: [`127.0.0.1:${proxyMetricsPort}`] }] },
                ],
            },
        },
    };
}

/**
 * Remote-write requests one primary export sends in parallel (the exporter's pre-v0.118.0 default of
 * 5 through num_consumers). Order between them does not matter within AMP's out-of-order window.
 */
export const PRIMARY_REQUEST_PARALLELISM = 5;

function remoteWriteExporter(o: HubCollectorConfigOptions, t: RemoteWriteTarget, isPrimary: boolean): Record<string, unknown> {
    return {
        endpoint: t.url,
        auth: { authenticator: `sigv4auth/${t.name}` },
        resource_to_telemetry_conversion: { enabled: true },
        target_info: { enabled: false },
        // Stated, not left to the default: the strategy decides how attribute keys become label names
        // (contrib v0.156.0 pkg/translator/prometheusremotewrite metrics_to_prw.go:55-85; the UTF-8
        // strategies keep keys as they are), which the pack's tenant-label model relies on.
        translation_strategy: "UnderscoreEscapingWithSuffixes",
        // Scope name, version and attributes would become `otel_scope_*` labels on every series
        // (helper.go:189-209, on by default since the exporter added them): new series for every
        // existing one on upgrade, and labels a sender chooses freely. The hub keeps series as they were.
        disable_scope_info: true,
        // The exporter retries inside its own export call, under exporterhelper's timeout
        // (contrib v0.117.0 exporter/prometheusremotewriteexporter/config.go squashes
        // TimeoutSettings, factory.go WithTimeout): a 15s timeout dropped every batch of a DR
        // outage after 15s (e2e scenario 4). The timeout is each target's retry budget, so it matches it.
        // Secondary (DR) targets give up sooner: a dead DR region must not hold memory for long.
        timeout: isPrimary ? PRW_RETRY_BUDGET : DR_RETRY_BUDGET,
        retry_on_failure: { enabled: true, initial_interval: isPrimary ? "1s" : "5s", max_interval: isPrimary ? "10s" : "30s", max_elapsed_time: isPrimary ? PRW_RETRY_BUDGET : DR_RETRY_BUDGET },
        // Primary: no queue, so exporterhelper calls the exporter in the receiver's own call and the
        // sender's answer waits for AMP's (exporter@v0.156.0 exporterhelper installs a queue sender only
        // when the optional queue config is set; contrib v0.156.0 prometheusremotewriteexporter factory.go:58-65
        // sets it only for remote_write_queue.enabled). A queue would acknowledge on enqueue, in memory.
        // DR: exporterhelper's queue, non-blocking: when full it returns an error and drops the batch;
        // the DR copy is best effort and never acknowledged to anyone (secondaryPipelines).
        // Since contrib v0.118.0 `num_consumers` no longer sets the queue's consumers: without the
        // exporter.prometheusremotewritexporter.EnableMultipleWorkers gate the queue has exactly one
        // (factory.go:54-57), so the DR replay stays in order; the parallelism of one export's
        // remote-write requests is `max_batch_request_parallelism` (exporter.go:189-196), stated here
        // instead of through num_consumers, whose meaning the exporter announces it will change (factory.go:42-44).
        remote_write_queue: isPrimary ? { enabled: false } : { enabled: true, queue_size: drQueueBatches(o.taskMemoryMiB ?? 2048) },
        max_batch_request_parallelism: isPrimary ? PRIMARY_REQUEST_PARALLELISM : 1,
        tls: { min_version: "1.2" },
    };
}

function hubProcessors(o: HubCollectorConfigOptions, hasSecondaries: boolean): Record<string, unknown> {
    return {
        memory_limiter: { check_interval: "1s", limit_percentage: 80, spike_limit_percentage: 20 },
        batch: { send_batch_size: 8192, send_batch_max_size: 16384, timeout: "5s" },
        ...(hasSecondaries ? { "batch/dr": { send_batch_size: DR_BATCH_MAX_POINTS, send_batch_max_size: DR_BATCH_MAX_POINTS, timeout: "5s" } } : {}),
        "resource/source-labels": { attributes: sourceLabelActions() },
        ...identityProcessors(),
        "resourcedetection/ecs": { detectors: ["env", "ecs"], timeout: "5s", override: false },
        "resource/self": {
            attributes: [
                // Every replica scrapes itself at 127.0.0.1:8888; the task ARN tells replicas apart.
                { key: "service.instance.id", from_attribute: "aws.ecs.task.arn", action: "upsert" },
                { key: SOURCE_LABELS.account, value: o.account, action: "upsert" },
                { key: SOURCE_LABELS.region, value: o.region, action: "upsert" },
                { key: SOURCE_LABELS.sourceRole, value: "hub", action: "upsert" },
            ],
        },
    };
}

function hubPipelines(primary: RemoteWriteTarget, secondaries: readonly RemoteWriteTarget[]): Record<string, unknown> {
    const ingestReceivers = ["otlp"];
    return {
        // No batch processor: it answers the receiver once the data is in its buffer
        // (batchprocessor@v0.117.0 batch_processor.go:285-287 hands the data to the shard's channel and
        // returns nil; sendItems, lines 258-264, only logs the export's error), which would acknowledge before AMP has it.
        metrics: { receivers: ingestReceivers, processors: ["memory_limiter", ...INGEST_LABEL_PROCESSORS], exporters: [`prometheusremotewrite/${primary.name}`] },
        "metrics/self": { receivers: ["prometheus/self"], processors: ["memory_limiter", "resourcedetection/ecs", "resource/self", "batch"], exporters: [`prometheusremotewrite/${primary.name}`] },
        ...Object.fromEntries(secondaries.flatMap((t) => secondaryPipelines(t.name, ingestReceivers))),
    };
}

/**
 * The hub ADOT collector's configuration: OTLP in on loopback behind the tenant proxy, source labels
 * normalised and the identity labels overwritten from the proxy's headers, remote-written with SigV4
 * to every AMP workspace, plus the collector's own telemetry so its health is alertable.
 */
export function renderHubCollectorConfig(o: HubCollectorConfigOptions): string {
    validateRemoteWrite(o.remoteWrite);
    const listen = hubListen(o.listen);
    const receivers = hubReceivers(listen);
    const extensions: Record<string, unknown> = {
        // Checked by the proxy's health frontend (monitor fail), which the NLB checks over TLS.
        health_check: { endpoint: `${listen.host}:${listen.ports.health}` },
    };
    const exporters: Record<string, unknown> = {};
    const [primary, ...secondaries] = o.remoteWrite;
    for (const t of o.remoteWrite) {
        extensions[`sigv4auth/${t.name}`] = { region: t.region, service: "aps" };
        exporters[`prometheusremotewrite/${t.name}`] = remoteWriteExporter(o, t, t === primary);
    }
    const config = {
        extensions,
        receivers,
        processors: hubProcessors(o, secondaries.length > 0),
        exporters,
        service: {
            extensions: Object.keys(extensions),
            pipelines: hubPipelines(primary, secondaries),
            telemetry: selfTelemetry(listen.selfMetricsPort),
        },
    };
    return stringify(config, { lineWidth: 0 });
}
