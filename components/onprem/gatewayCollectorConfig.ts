/**
 * The on-prem gateway collector's configuration: the shared spoke renderer
 * (components/agent/spokeCollectorConfig.ts) with the otlphttp exporter to the hub (mutual TLS
 * with the site's certificate, which the hub issues), a persistent queue sized for the configured WAN outage, plus static
 * scrape targets outside Kubernetes (site hosts), which the shared renderer does not cover.
 */
import { parse, stringify } from "yaml";
import { renderSpokeCollectorConfig, SHARD_INDEX_ENV, SPOKE_BATCH, SpokeCollectorConfigOptions } from "../agent/spokeCollectorConfig";
import { CLIENT_TLS_MOUNT } from "../spoke/clientTlsFiles";
import { queueSizing } from "./queueSizing";

/**
 * The batches the gateway's exporter forms after its persistent queue (the shared renderer's
 * SPOKE_BATCH; checked on render): the queue, counted in samples, holds at least one.
 */
export const GATEWAY_BATCH = { size: SPOKE_BATCH.minSize, timeoutSeconds: SPOKE_BATCH.timeoutSeconds } as const;

/** Where the gateway's files live inside the pod. */
export const GATEWAY_PATHS = {
    queue: "/var/lib/otelcol/queue",
    clientCert: CLIENT_TLS_MOUNT.certFile,
    clientKey: CLIENT_TLS_MOUNT.keyFile,
} as const;

export interface StaticScrapeTarget {
    readonly jobName: string;
    /** host:port */
    readonly targets: readonly string[];
    readonly scrapeInterval: string;
    readonly metricsPath: string;
}

export interface GatewayCollectorConfigOptions {
    /** The landing account and region (stamped as the source of every series). */
    readonly account: string;
    readonly region: string;
    readonly site: string;
    readonly cluster: string;
    /** `https://<collectorDomain>:4318`, the hub's OTLP/HTTP mutual-TLS listener. */
    readonly hubUrl: string;
    /** PEM of the CA that issued the hub's certificate. Default: system roots. */
    readonly hubCaPem?: string;
    readonly replicas: number;
    /** `fsync`: see QueueOptions.persistent.fsync (default PERSISTENT_QUEUE_DEFAULTS.fsync). */
    readonly queue: { readonly outageMinutes: number; readonly samplesPerSecond: number; readonly storageGi: number; readonly fsync?: boolean };
    /** Scrape annotated pods of these namespaces (all when empty). Default: no pod discovery. */
    readonly podDiscovery?: { readonly namespaces?: readonly string[] };
    /** Site hosts scraped directly. Default none. */
    readonly staticTargets?: readonly StaticScrapeTarget[];
    /** Name the hub certificate is verified against when hubUrl's host differs. Default: hubUrl's host. */
    readonly hubServerName?: string;
    /** File locations. Default GATEWAY_PATHS (the pod's mounts). */
    readonly paths?: Partial<Record<keyof typeof GATEWAY_PATHS, string>>;
    /** Ports of the local receivers, health check and self-telemetry. Default SPOKE_PORTS. */
    readonly ports?: SpokeCollectorConfigOptions["ports"];
}

/** A receiver for static targets, sharded like pod scraping when several replicas run. */
function staticReceiver(targets: readonly StaticScrapeTarget[], replicas: number): Record<string, unknown> {
    const shard = replicas > 1
        ? [
            { source_labels: ["__address__"], action: "hashmod", modulus: replicas, target_label: "__tmp_shard" },
            { source_labels: ["__tmp_shard"], action: "keep", regex: `\${env:${SHARD_INDEX_ENV}}` },
        ]
        : [];
    return {
        config: {
            scrape_configs: targets.map((t) => ({
                job_name: t.jobName,
                scrape_interval: t.scrapeInterval,
                metrics_path: t.metricsPath,
                static_configs: [{ targets: [...t.targets] }],
                ...(shard.length > 0 ? { relabel_configs: shard } : {}),
            })),
        },
    };
}

export function renderGatewayCollectorConfig(o: GatewayCollectorConfigOptions): string {
    const sizing = queueSizing({ outageMinutes: o.queue.outageMinutes, samplesPerSecond: o.queue.samplesPerSecond, batchSize: GATEWAY_BATCH.size });
    if (o.queue.storageGi < sizing.minStorageGi) {
        throw new Error(`renderGatewayCollectorConfig: queue.storageGi: ${o.queue.storageGi}Gi is below the ${sizing.minStorageGi}Gi the outage needs`);
    }
    const paths = { ...GATEWAY_PATHS, ...(o.paths ?? {}) };
    const yaml = renderSpokeCollectorConfig({
        source: { account: o.account, region: o.region, sourceRole: "onprem", site: o.site, cluster: o.cluster },
        exporter: {
            kind: "otlphttp",
            endpoint: o.hubUrl,
            clientCert: { certFile: paths.clientCert, keyFile: paths.clientKey },
            ...(o.hubServerName !== undefined ? { serverName: o.hubServerName } : {}),
            ...(o.hubCaPem !== undefined ? { caPem: o.hubCaPem } : {}),
            queue: { size: sizing.queueSize, persistent: { directory: paths.queue, volumeGi: o.queue.storageGi, ...(o.queue.fsync !== undefined ? { fsync: o.queue.fsync } : {}) } },
        },
        podScrape: o.podDiscovery !== undefined ? { namespaces: o.podDiscovery.namespaces, shards: o.replicas } : false,
        ...(o.ports !== undefined ? { ports: o.ports } : {}),
    });
    const doc = parse(yaml);
    const queue = doc.exporters?.["otlphttp/hub"]?.sending_queue;
    if (queue?.sizer !== "items" || queue?.batch?.min_size !== GATEWAY_BATCH.size || queue?.batch?.flush_timeout !== `${GATEWAY_BATCH.timeoutSeconds}s` || doc.processors?.batch !== undefined) {
        // The queue size above counts samples and assumes these batches after the queue; a change in the shared renderer must be reflected here.
        throw new Error(`renderGatewayCollectorConfig: the shared renderer's queue or batch settings changed (${JSON.stringify(queue)}); update GATEWAY_BATCH and queueSizing`);
    }
    const targets = o.staticTargets ?? [];
    if (targets.length === 0) {
        return yaml;
    }
    doc.receivers["prometheus/site"] = staticReceiver(targets, o.replicas);
    doc.service.pipelines.metrics.receivers.push("prometheus/site");
    return stringify(doc, { lineWidth: 0 });
}
