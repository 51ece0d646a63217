/**
 * `KubernetesCollector` (type `oss-monitoring:agent:KubernetesCollector`): a spoke ADOT collector
 * on any Kubernetes cluster (EKS or on-prem), locked down by default. Used unchanged by the
 * monitored-account and on-prem roles.
 *
 * Exported API
 * - `new KubernetesCollector(name, args: KubernetesCollectorArgs, { providers: [k8sProvider] })`.
 *   A Kubernetes provider MUST be passed (opts.providers/provider or a parent's): the constructor
 *   refuses to fall back to the ambient kubeconfig.
 *   Creates: Namespace (Pod Security `restricted`), ServiceAccount (IRSA annotation when
 *   `serviceAccountRoleArn`), RBAC to discover pods (when `podDiscovery`), ConfigMap (name carries
 *   a hash of the config so a change rolls the pods), optional Secrets, the workload, a ClusterIP
 *   Service, a PodDisruptionBudget (minAvailable 1) and a NetworkPolicy.
 *   Outputs: `namespace`, `serviceName`, `serviceAccountName`, `workloadKind`, `workloadName`,
 *   `configMapName`.
 * - Workload kind (`collectorWorkloadKind`): a Deployment, unless a replica needs its own state:
 *   a persistent queue (each replica needs its own volume: file_storage locks its database, a
 *   ReadWriteOnce PVC cannot be shared, and a replica must find its own backlog after a restart)
 *   or sharded scraping (each replica needs a stable index). Then a StatefulSet with one PVC per
 *   replica (volumeClaimTemplates, retained on scale-down so queued data is not lost) and the
 *   `apps.kubernetes.io/pod-index` label (Kubernetes 1.28+) as SHARD_INDEX.
 * - Pure builders tests use: `collectorWorkloadKind`, `collectorPodSpec`, `collectorNetworkPolicySpec`,
 *   `collectorLabels`, `CONTAINER_SECURITY_CONTEXT`, `POD_SECURITY_CONTEXT`.
 * Pods: runAsNonRoot, uid/gid 10001, readOnlyRootFilesystem, no privilege escalation, all
 * capabilities dropped, seccomp RuntimeDefault, requests and limits, spread over zones and nodes.
 * NetworkPolicy: ingress only on OTLP ports from `ingress`; egress only to cluster DNS, the hub
 * (`egress.hubCidrs` on `egress.hubPorts`), and with pod discovery the API server and pods.
 */
import * as crypto from "crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { POD_IP_ENV, SHARD_INDEX_ENV, SPOKE_PORTS } from "./spokeCollectorConfig";
import { KUBERNETES_COLLECTOR_DEFAULTS } from "./kubernetesCollectorSettings";

export type WorkloadKind = "Deployment" | "StatefulSet";

export interface ContainerResources {
    readonly requests: { readonly cpu: string; readonly memory: string };
    readonly limits: { readonly cpu: string; readonly memory: string };
}

export interface SecretVolume {
    /** Volume name (DNS label), e.g. `client-tls`. */
    readonly name: string;
    /** Where the files appear, e.g. `/etc/otel/client`. */
    readonly mountPath: string;
    /** Mount a Secret that already exists in the namespace. */
    readonly existingSecretName?: string;
    /** Or create one from these files (file name → content); stored as a Pulumi secret. */
    readonly data?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /**
     * Type of the created Secret. `kubernetes.io/tls` (data keys `tls.crt` and `tls.key`, which the
     * API server requires: https://kubernetes.io/docs/concepts/configuration/secret/#tls-secrets)
     * for a certificate. Default `Opaque`.
     */
    readonly type?: "Opaque" | "kubernetes.io/tls";
}

export interface KubernetesCollectorArgs {
    /** Namespace to run in. */
    readonly namespace: string;
    /** Create the namespace. Default true. */
    readonly createNamespace?: boolean;
    /** Collector image (pin a version). */
    readonly image: string;
    /** Rendered collector YAML (renderSpokeCollectorConfig). */
    readonly configYaml: pulumi.Input<string>;
    /** Replicas. Default 2 (survives a node or zone loss). */
    readonly replicas?: number;
    /** IAM role for the service account (IRSA). Default: no annotation. */
    readonly serviceAccountRoleArn?: pulumi.Input<string>;
    /** Requests and limits. Default requests 200m/512Mi, limits 1 CPU/1Gi. */
    readonly resources?: ContainerResources;
    /** Who may send OTLP: CIDRs and/or namespace names. At least one entry. */
    readonly ingress: { readonly cidrs?: pulumi.Input<string>[]; readonly namespaces?: readonly string[] };
    readonly egress: {
        /** Where the hub (endpoint ENIs, or the on-prem path to it) lives. */
        readonly hubCidrs: pulumi.Input<string>[];
        /** Hub ports the exporter uses, e.g. [4317]. */
        readonly hubPorts: readonly number[];
        /** Kubernetes API server addresses (needed for pod discovery). Default none. */
        readonly apiServerCidrs?: pulumi.Input<string>[];
        /** API server port. Default 443. */
        readonly apiServerPort?: number;
    };
    /** Discover and scrape pods (RBAC + egress to pods). Default: off. `namespaces` limits both. */
    readonly podDiscovery?: { readonly namespaces?: readonly string[] };
    /** Each replica scrapes a share of the pods (renderSpokeCollectorConfig podScrape.shards = replicas). Default false. */
    readonly shardedScrape?: boolean;
    /** Queue on disk: one PVC per replica mounted at `mountPath`. Default: no volume. */
    readonly persistentQueue?: { readonly mountPath: string; readonly sizeGi: number; readonly storageClassName?: string };
    /** Secret files to mount read-only (client certificate, CA). Default none. */
    readonly secretVolumes?: readonly SecretVolume[];
    /** Spread over zones: `preferred` (ScheduleAnyway; clusters without zone labels still schedule) or `required`. Default preferred. */
    readonly zoneSpread?: "preferred" | "required";
    /** Extra labels on every object. Default none. */
    readonly labels?: Readonly<Record<string, string>>;
}

export const COLLECTOR_UID = 10001;

export const POD_SECURITY_CONTEXT = {
    runAsNonRoot: true,
    runAsUser: COLLECTOR_UID,
    runAsGroup: COLLECTOR_UID,
    fsGroup: COLLECTOR_UID,
    seccompProfile: { type: "RuntimeDefault" },
} as const;

export const CONTAINER_SECURITY_CONTEXT = {
    runAsNonRoot: true,
    runAsUser: COLLECTOR_UID,
    runAsGroup: COLLECTOR_UID,
    privileged: false,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
} as const;

const DEFAULT_RESOURCES: ContainerResources = { requests: { cpu: "200m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } };
const CONFIG_DIR = "/conf";
const CONFIG_FILE = "collector.yaml";
const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export function collectorWorkloadKind(a: Pick<KubernetesCollectorArgs, "persistentQueue" | "shardedScrape" | "replicas">): WorkloadKind {
    const replicas = a.replicas ?? KUBERNETES_COLLECTOR_DEFAULTS.replicas;
    return a.persistentQueue !== undefined || (a.shardedScrape === true && replicas > 1) ? "StatefulSet" : "Deployment";
}

export function collectorLabels(name: string, extra: Readonly<Record<string, string>> = {}): Record<string, string> {
    return {
        ...extra,
        "app.kubernetes.io/name": "adot-collector",
        "app.kubernetes.io/instance": name,
        "app.kubernetes.io/component": "spoke-collector",
        "app.kubernetes.io/part-of": "oss-monitoring",
    };
}

function selector(name: string): Record<string, string> {
    return { "app.kubernetes.io/name": "adot-collector", "app.kubernetes.io/instance": name };
}

function validate(name: string, a: KubernetesCollectorArgs): void {
    const bad = (field: string, msg: string): never => {
        throw new Error(`${name}: ${field}: ${msg}`);
    };
    if (!DNS_LABEL.test(a.namespace)) {
        bad("namespace", `"${a.namespace}" is not a DNS label`);
    }
    if (!DNS_LABEL.test(name) || name.length > 40) {
        bad("name", `"${name}" must be a DNS label of at most 40 characters (Kubernetes object names derive from it)`);
    }
    const replicas = a.replicas ?? KUBERNETES_COLLECTOR_DEFAULTS.replicas;
    if (!Number.isInteger(replicas) || replicas < 1 || replicas > 20) {
        bad("replicas", "expected 1-20");
    }
    if ((a.ingress.cidrs ?? []).length === 0 && (a.ingress.namespaces ?? []).length === 0) {
        bad("ingress", "list the CIDRs or namespaces allowed to send OTLP; an empty list would admit nobody");
    }
    if (a.egress.hubCidrs.length === 0 || a.egress.hubPorts.length === 0) {
        bad("egress", "hubCidrs and hubPorts are required: the collector must reach the hub");
    }
    for (const p of [...a.egress.hubPorts, a.egress.apiServerPort ?? 443]) {
        if (!Number.isInteger(p) || p < 1 || p > 65535) {
            bad("egress", `port ${p} is out of range`);
        }
    }
    if (a.podDiscovery !== undefined && (a.egress.apiServerCidrs ?? []).length === 0) {
        bad("egress.apiServerCidrs", "pod discovery talks to the Kubernetes API; list its addresses");
    }
    if (a.shardedScrape === true && a.podDiscovery === undefined) {
        bad("shardedScrape", "only meaningful with podDiscovery");
    }
    if (a.persistentQueue !== undefined && (!a.persistentQueue.mountPath.startsWith("/") || !(a.persistentQueue.sizeGi >= 1))) {
        bad("persistentQueue", "needs an absolute mountPath and sizeGi of at least 1");
    }
    const names = new Set<string>();
    (a.secretVolumes ?? []).forEach((v, i) => {
        if (!DNS_LABEL.test(v.name) || names.has(v.name) || ["config", "tmp", "queue"].includes(v.name)) {
            bad(`secretVolumes[${i}].name`, `"${v.name}" must be a unique DNS label other than config, tmp, queue`);
        }
        names.add(v.name);
        if ((v.existingSecretName === undefined) === (v.data === undefined)) {
            bad(`secretVolumes[${i}]`, "set exactly one of existingSecretName or data");
        }
        if (!v.mountPath.startsWith("/")) {
            bad(`secretVolumes[${i}].mountPath`, "must be absolute");
        }
        if (v.type !== undefined && v.existingSecretName !== undefined) {
            bad(`secretVolumes[${i}].type`, "only for a Secret created from data; an existing Secret keeps its own type");
        }
    });
}

export interface PodSpecInput {
    readonly name: string;
    readonly image: string;
    readonly serviceAccountName: pulumi.Input<string>;
    readonly configMapName: pulumi.Input<string>;
    readonly resources: ContainerResources;
    readonly kind: WorkloadKind;
    readonly automountToken: boolean;
    readonly secretVolumes: readonly { name: string; mountPath: string; secretName: pulumi.Input<string> }[];
    readonly queueMountPath?: string;
    readonly zoneSpread: "preferred" | "required";
}

/** The collector pod: hardened container, config and secrets read-only, spread over zones. */
export function collectorPodSpec(p: PodSpecInput): k8s.types.input.core.v1.PodSpec {
    const env: k8s.types.input.core.v1.EnvVar[] = [
        { name: POD_IP_ENV, valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
        ...(p.kind === "StatefulSet" ? [{ name: SHARD_INDEX_ENV, valueFrom: { fieldRef: { fieldPath: "metadata.labels['apps.kubernetes.io/pod-index']" } } }] : []),
    ];
    const probe = { httpGet: { path: "/", port: SPOKE_PORTS.health }, periodSeconds: 10, failureThreshold: 3 };
    const spread = (topologyKey: string, whenUnsatisfiable: string) => ({ maxSkew: 1, topologyKey, whenUnsatisfiable, labelSelector: { matchLabels: selector(p.name) } });
    return {
        serviceAccountName: p.serviceAccountName,
        automountServiceAccountToken: p.automountToken,
        securityContext: { ...POD_SECURITY_CONTEXT },
        // Time for the exporter to drain its in-memory queue on shutdown.
        terminationGracePeriodSeconds: 60,
        topologySpreadConstraints: [
            spread("topology.kubernetes.io/zone", p.zoneSpread === "required" ? "DoNotSchedule" : "ScheduleAnyway"),
            spread("kubernetes.io/hostname", "ScheduleAnyway"),
        ],
        containers: [{
            name: "collector",
            image: p.image,
            imagePullPolicy: "IfNotPresent",
            args: [`--config=${CONFIG_DIR}/${CONFIG_FILE}`],
            env,
            ports: [
                { name: "otlp-grpc", containerPort: SPOKE_PORTS.otlpGrpc, protocol: "TCP" },
                { name: "otlp-http", containerPort: SPOKE_PORTS.otlpHttp, protocol: "TCP" },
                { name: "health", containerPort: SPOKE_PORTS.health, protocol: "TCP" },
            ],
            resources: { requests: { ...p.resources.requests }, limits: { ...p.resources.limits } },
            securityContext: { ...CONTAINER_SECURITY_CONTEXT, capabilities: { drop: ["ALL"] } },
            livenessProbe: { ...probe, initialDelaySeconds: 10 },
            readinessProbe: probe,
            volumeMounts: [
                { name: "config", mountPath: CONFIG_DIR, readOnly: true },
                { name: "tmp", mountPath: "/tmp" },
                ...p.secretVolumes.map((v) => ({ name: v.name, mountPath: v.mountPath, readOnly: true })),
                ...(p.queueMountPath !== undefined ? [{ name: "queue", mountPath: p.queueMountPath }] : []),
            ],
        }],
        volumes: [
            { name: "config", configMap: { name: p.configMapName, items: [{ key: CONFIG_FILE, path: CONFIG_FILE }] } },
            { name: "tmp", emptyDir: { medium: "Memory", sizeLimit: "16Mi" } },
            // 0440 + fsGroup: readable by the collector's group only.
            ...p.secretVolumes.map((v) => ({ name: v.name, secret: { secretName: v.secretName, defaultMode: 0o440 } })),
        ],
    };
}

export interface NetworkPolicyInput {
    readonly name: string;
    readonly ingress: KubernetesCollectorArgs["ingress"];
    readonly egress: KubernetesCollectorArgs["egress"];
    readonly podDiscovery?: KubernetesCollectorArgs["podDiscovery"];
}

function namespacePeer(ns: string): k8s.types.input.networking.v1.NetworkPolicyPeer {
    return { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ns } } };
}

/** Ingress only on the OTLP ports from the given clients; egress only to DNS, the hub, the API and pods. */
export function collectorNetworkPolicySpec(n: NetworkPolicyInput): k8s.types.input.networking.v1.NetworkPolicySpec {
    const tcp = (port: number) => ({ protocol: "TCP", port });
    const egress: k8s.types.input.networking.v1.NetworkPolicyEgressRule[] = [
        {
            to: [{ ...namespacePeer("kube-system"), podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
            ports: [{ protocol: "UDP", port: 53 }, tcp(53)],
        },
        { to: n.egress.hubCidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: n.egress.hubPorts.map(tcp) },
    ];
    if (n.podDiscovery !== undefined) {
        egress.push({ to: (n.egress.apiServerCidrs ?? []).map((cidr) => ({ ipBlock: { cidr } })), ports: [tcp(n.egress.apiServerPort ?? 443)] });
        // Scrape ports come from pod annotations, so the peer is the pods, not a port list.
        const namespaces = n.podDiscovery.namespaces;
        egress.push({ to: namespaces !== undefined ? namespaces.map(namespacePeer) : [{ namespaceSelector: {} }] });
    }
    return {
        podSelector: { matchLabels: selector(n.name) },
        policyTypes: ["Ingress", "Egress"],
        ingress: [{
            from: [
                ...(n.ingress.cidrs ?? []).map((cidr) => ({ ipBlock: { cidr } })),
                ...(n.ingress.namespaces ?? []).map(namespacePeer),
            ],
            ports: [tcp(SPOKE_PORTS.otlpGrpc), tcp(SPOKE_PORTS.otlpHttp)],
        }],
        egress,
    };
}

export class KubernetesCollector extends pulumi.ComponentResource {
    public readonly namespace: pulumi.Output<string>;
    public readonly serviceName: pulumi.Output<string>;
    public readonly serviceAccountName: pulumi.Output<string>;
    public readonly configMapName: pulumi.Output<string>;
    public readonly workloadName: pulumi.Output<string>;
    public readonly workloadKind: WorkloadKind;

    constructor(name: string, args: KubernetesCollectorArgs, opts?: pulumi.ComponentResourceOptions) {
        super("oss-monitoring:agent:KubernetesCollector", name, {}, opts);
        if (this.getProvider("kubernetes:core/v1:Namespace") === undefined) {
            throw new Error(`${name}: pass a Kubernetes provider in opts.providers; the ambient kubeconfig is never used`);
        }
        validate(name, args);
        const labels = collectorLabels(name, args.labels);
        const kind = collectorWorkloadKind(args);
        const ns = args.namespace;

        const namespace = this.namespaceResource(name, args, labels);
        const inNs = { parent: this, dependsOn: namespace !== undefined ? [namespace] : [] };
        const meta: MetaOf = (n, extra = {}) => ({ name: n, namespace: ns, labels, annotations: extra });

        const sa = new k8s.core.v1.ServiceAccount(`${name}-sa`, {
            metadata: meta(name, args.serviceAccountRoleArn !== undefined ? { "eks.amazonaws.com/role-arn": args.serviceAccountRoleArn } : {}),
            automountServiceAccountToken: false,
        }, inNs);
        this.podDiscoveryRbac(name, args, labels);

        const configName = pulumi.output(args.configYaml).apply((y) => `${name}-config-${crypto.createHash("sha256").update(y).digest("hex").slice(0, 8)}`);
        const config = new k8s.core.v1.ConfigMap(`${name}-config`, {
            metadata: { name: configName, namespace: ns, labels },
            immutable: true,
            data: { [CONFIG_FILE]: args.configYaml },
        }, inNs);

        const podSpec = collectorPodSpec({
            name,
            image: args.image,
            serviceAccountName: sa.metadata.name,
            configMapName: config.metadata.name,
            resources: args.resources ?? DEFAULT_RESOURCES,
            kind,
            automountToken: args.podDiscovery !== undefined,
            secretVolumes: this.secretVolumes(name, args, meta, inNs),
            queueMountPath: args.persistentQueue?.mountPath,
            zoneSpread: args.zoneSpread ?? "preferred",
        });
        const ports = [
            { name: "otlp-grpc", port: SPOKE_PORTS.otlpGrpc, targetPort: "otlp-grpc", protocol: "TCP" },
            { name: "otlp-http", port: SPOKE_PORTS.otlpHttp, targetPort: "otlp-http", protocol: "TCP" },
        ];
        const service = new k8s.core.v1.Service(`${name}-svc`, {
            metadata: meta(name),
            spec: { type: "ClusterIP", selector: selector(name), ports },
        }, inNs);
        const workload = this.workload(name, args, { kind, template: { metadata: { labels }, spec: podSpec }, ports, labels, meta, inNs });

        new k8s.policy.v1.PodDisruptionBudget(`${name}-pdb`, {
            metadata: meta(name),
            spec: { minAvailable: 1, selector: { matchLabels: selector(name) } },
        }, inNs);

        new k8s.networking.v1.NetworkPolicy(`${name}-netpol`, {
            metadata: meta(name),
            spec: collectorNetworkPolicySpec({ name, ingress: args.ingress, egress: args.egress, podDiscovery: args.podDiscovery }),
        }, inNs);

        this.namespace = pulumi.output(ns);
        this.serviceName = service.metadata.name;
        this.serviceAccountName = sa.metadata.name;
        this.configMapName = config.metadata.name;
        this.workloadName = workload.metadata.name;
        this.workloadKind = kind;
        this.registerOutputs({
            namespace: this.namespace,
            serviceName: this.serviceName,
            serviceAccountName: this.serviceAccountName,
            configMapName: this.configMapName,
            workloadName: this.workloadName,
            workloadKind: kind,
        });
    }

    /** The namespace, restricted Pod Security enforced (unless the caller's namespace is used). */
    private namespaceResource(name: string, args: KubernetesCollectorArgs, labels: Record<string, string>): k8s.core.v1.Namespace | undefined {
        if (!(args.createNamespace ?? true)) {
            return undefined;
        }
        return new k8s.core.v1.Namespace(`${name}-ns`, {
            metadata: {
                name: args.namespace,
                labels: {
                    ...labels,
                    "pod-security.kubernetes.io/enforce": "restricted",
                    "pod-security.kubernetes.io/audit": "restricted",
                    "pod-security.kubernetes.io/warn": "restricted",
                },
            },
        }, { parent: this });
    }

    /** Read access to pods, cluster-wide or only in the scraped namespaces. */
    private podDiscoveryRbac(name: string, args: KubernetesCollectorArgs, labels: Record<string, string>): void {
        if (args.podDiscovery === undefined) {
            return;
        }
        const child = { parent: this };
        const ns = args.namespace;
        const role = new k8s.rbac.v1.ClusterRole(`${name}-discovery`, {
            metadata: { name: `${ns}-${name}-pod-discovery`, labels },
            rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch"] }],
        }, child);
        const subject = { kind: "ServiceAccount", name, namespace: ns };
        const roleRef = { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role.metadata.name };
        const scoped = args.podDiscovery.namespaces;
        if (scoped === undefined) {
            new k8s.rbac.v1.ClusterRoleBinding(`${name}-discovery`, { metadata: { name: `${ns}-${name}-pod-discovery`, labels }, roleRef, subjects: [subject] }, child);
        } else {
            scoped.forEach((target) => {
                new k8s.rbac.v1.RoleBinding(`${name}-discovery-${target}`, {
                    metadata: { name: `${name}-pod-discovery`, namespace: target, labels }, roleRef, subjects: [subject],
                }, child);
            });
        }
    }

    /** Secrets mounted into the pods: existing ones by name, the others created here. */
    private secretVolumes(name: string, args: KubernetesCollectorArgs, meta: MetaOf, inNs: pulumi.CustomResourceOptions) {
        return (args.secretVolumes ?? []).map((v) => {
            if (v.existingSecretName !== undefined) {
                return { name: v.name, mountPath: v.mountPath, secretName: pulumi.output(v.existingSecretName) };
            }
            const secret = new k8s.core.v1.Secret(`${name}-${v.name}`, {
                metadata: meta(`${name}-${v.name}`),
                type: v.type ?? "Opaque",
                stringData: pulumi.secret(v.data as pulumi.Input<Record<string, pulumi.Input<string>>>),
            }, inNs);
            return { name: v.name, mountPath: v.mountPath, secretName: secret.metadata.name };
        });
    }

    /** A Deployment, or a StatefulSet (headless Service, one queue volume per replica) when the queue persists. */
    private workload(name: string, args: KubernetesCollectorArgs, w: WorkloadInput): k8s.apps.v1.Deployment | k8s.apps.v1.StatefulSet {
        const { meta, inNs, template, ports, labels } = w;
        const replicas = args.replicas ?? KUBERNETES_COLLECTOR_DEFAULTS.replicas;
        if (w.kind === "Deployment") {
            return new k8s.apps.v1.Deployment(`${name}-deploy`, {
                metadata: meta(name),
                spec: {
                    replicas,
                    selector: { matchLabels: selector(name) },
                    strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
                    template,
                },
            }, inNs);
        }
        const headless = new k8s.core.v1.Service(`${name}-headless`, {
            metadata: meta(`${name}-headless`),
            spec: { clusterIP: "None", selector: selector(name), ports },
        }, inNs);
        const q = args.persistentQueue;
        return new k8s.apps.v1.StatefulSet(`${name}-sts`, {
            metadata: meta(name),
            spec: {
                replicas,
                serviceName: headless.metadata.name,
                podManagementPolicy: "Parallel",
                selector: { matchLabels: selector(name) },
                updateStrategy: { type: "RollingUpdate" },
                template,
                ...(q !== undefined
                    ? {
                        volumeClaimTemplates: [{
                            metadata: { name: "queue", labels },
                            spec: {
                                accessModes: ["ReadWriteOnce"],
                                resources: { requests: { storage: `${q.sizeGi}Gi` } },
                                ...(q.storageClassName !== undefined ? { storageClassName: q.storageClassName } : {}),
                            },
                        }],
                        // A replica's PVC holds its unsent backlog: keep it when scaling down or deleting.
                        persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
                    }
                    : {}),
            },
        }, inNs);
    }
}

/** Metadata of a namespaced object of this collector. */
type MetaOf = (n: string, extra?: Record<string, pulumi.Input<string>>) => k8s.types.input.meta.v1.ObjectMeta;

interface WorkloadInput {
    readonly kind: WorkloadKind;
    readonly template: k8s.types.input.core.v1.PodTemplateSpec;
    readonly ports: k8s.types.input.core.v1.ServicePort[];
    readonly labels: Record<string, string>;
    readonly meta: MetaOf;
    readonly inNs: pulumi.CustomResourceOptions;
}
