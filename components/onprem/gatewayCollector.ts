import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { collectorLabels, KubernetesCollector } from "../agent/kubernetesCollector";
import { TlsSecretData } from "../spoke/clientTlsFiles";
import { clientTlsVolume } from "../spoke/tenantIdentity";
import { GATEWAY_PATHS, StaticScrapeTarget } from "./gatewayCollectorConfig";

export interface GatewayCollectorArgs {
    /** Namespace the collector runs in (created). */
    readonly namespace: string;
    /** Collector image, pinned. */
    readonly image: string;
    /** Rendered by renderGatewayCollectorConfig. */
    readonly configYaml: pulumi.Input<string>;
    /** Replicas, each with its own queue volume. */
    readonly replicas: number;
    /**
     * The site's certificate and key as the hub issued them (tenantIdentityTls): mounted read-only
     * from a `kubernetes.io/tls` Secret in the gateway's namespace. A Pulumi secret.
     */
    readonly identity: pulumi.Input<TlsSecretData>;
    /** The landing VPC CIDR (hub endpoint ENIs) and the hub port. */
    readonly hubCidrs: readonly string[];
    /** The hub's OTLP/HTTP listener (4318). */
    readonly hubPort: number;
    /** Who may send OTLP. */
    readonly otlpClientCidrs: readonly string[];
    /** Cluster namespaces whose pods may send OTLP. */
    readonly otlpClientNamespaces: readonly string[];
    /** Scrape annotated pods (needs the API server's addresses). Default: off. */
    readonly podDiscovery?: { readonly apiServerCidrs: readonly string[]; readonly namespaces?: readonly string[] };
    /** Site hosts scraped directly; their ports are opened towards `staticTargetCidrs`. Default none. */
    readonly staticTargets?: readonly StaticScrapeTarget[];
    /** Networks the static targets live in (the site CIDRs). */
    readonly staticTargetCidrs: readonly string[];
    /** Queue volume per replica (GiB, checked against the outage by the config) and its StorageClass (default: the cluster's). */
    readonly queue: { readonly storageGi: number; readonly storageClassName?: string };
    /** CPU and memory per replica, used as both request and limit (no overcommit on a queueing node). */
    readonly resources: { readonly cpu: string; readonly memory: string };
}

/** Distinct ports of the static scrape targets. */
export function staticTargetPorts(targets: readonly StaticScrapeTarget[]): number[] {
    return [...new Set(targets.flatMap((t) => t.targets.map((h) => Number(h.slice(h.lastIndexOf(":") + 1)))))].sort((a, b) => a - b);
}

/**
 * The gateway collector on the site's Kubernetes: the shared KubernetesCollector (hardened
 * StatefulSet with a queue volume per replica, PDB, NetworkPolicy) with the site's certificate
 * mounted from a `kubernetes.io/tls` Secret, plus an additive NetworkPolicy that lets it reach the site hosts it
 * scrapes (NetworkPolicies are allow-lists that add up).
 */
export class GatewayCollector extends pulumi.ComponentResource {
    public readonly namespace: pulumi.Output<string>;
    public readonly serviceName: pulumi.Output<string>;
    public readonly workloadName: pulumi.Output<string>;

    constructor(name: string, args: GatewayCollectorArgs, opts?: pulumi.ComponentResourceOptions) {
        super("oss-monitoring:onprem:GatewayCollector", name, {}, opts);
        const collectorName = `${name}-otel`;
        const collector = new KubernetesCollector(collectorName, {
            namespace: args.namespace,
            image: args.image,
            configYaml: args.configYaml,
            replicas: args.replicas,
            resources: { requests: { cpu: args.resources.cpu, memory: args.resources.memory }, limits: { cpu: args.resources.cpu, memory: args.resources.memory } },
            ingress: { cidrs: [...args.otlpClientCidrs], namespaces: args.otlpClientNamespaces },
            egress: {
                hubCidrs: [...args.hubCidrs],
                hubPorts: [args.hubPort],
                ...(args.podDiscovery !== undefined ? { apiServerCidrs: [...args.podDiscovery.apiServerCidrs] } : {}),
            },
            ...(args.podDiscovery !== undefined ? { podDiscovery: { namespaces: args.podDiscovery.namespaces }, shardedScrape: true } : {}),
            persistentQueue: { mountPath: GATEWAY_PATHS.queue, sizeGi: args.queue.storageGi, storageClassName: args.queue.storageClassName },
            secretVolumes: [clientTlsVolume(args.identity)],
        }, { parent: this });
        const ports = staticTargetPorts(args.staticTargets ?? []);
        if (ports.length > 0) {
            const labels = collectorLabels(collectorName);
            new k8s.networking.v1.NetworkPolicy(`${name}-scrape-egress`, {
                metadata: { name: `${collectorName}-scrape-egress`, namespace: args.namespace, labels },
                spec: {
                    podSelector: { matchLabels: { "app.kubernetes.io/name": labels["app.kubernetes.io/name"], "app.kubernetes.io/instance": labels["app.kubernetes.io/instance"] } },
                    policyTypes: ["Egress"],
                    egress: [{ to: args.staticTargetCidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: ports.map((port) => ({ protocol: "TCP", port })) }],
                },
            }, { parent: this, dependsOn: [collector] });
        }
        this.namespace = collector.namespace;
        this.serviceName = collector.serviceName;
        this.workloadName = collector.workloadName;
        this.registerOutputs({ namespace: this.namespace, serviceName: this.serviceName, workloadName: this.workloadName });
    }
}
