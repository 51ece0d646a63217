import * as assert from "assert";
import * as k8s from "@pulumi/kubernetes";
import { parse } from "yaml";
import { KubernetesCollector, KubernetesCollectorArgs } from "../../../components/agent/kubernetesCollector";
import { renderSpokeCollectorConfig } from "../../../components/agent/spokeCollectorConfig";
import { CLIENT_TLS_MOUNT } from "../../../components/spoke/clientTlsFiles";
import { clientTlsVolume } from "../../../components/spoke/tenantIdentity";
import { runProgram } from "../../harness";

const configYaml = renderSpokeCollectorConfig({
    source: { account: "222222222222", region: "us-east-1", sourceRole: "monitored", cluster: "c1" },
    exporter: { kind: "otlp", endpoint: "collector.monitoring.internal:4317", clientCert: { certFile: CLIENT_TLS_MOUNT.certFile, keyFile: CLIENT_TLS_MOUNT.keyFile } },
});
const base: KubernetesCollectorArgs = {
    namespace: "oss-monitoring",
    image: "public.ecr.aws/aws-observability/aws-otel-collector:v0.43.3",
    configYaml,
    serviceAccountRoleArn: "arn:aws:iam::222222222222:role/collector",
    ingress: { cidrs: ["10.20.0.0/16"] },
    egress: { hubCidrs: ["10.20.0.0/16"], hubPorts: [4317], apiServerCidrs: ["172.20.0.1/32"] },
    podDiscovery: {},
};

function withProvider(args: KubernetesCollectorArgs) {
    return () => {
        const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
        return new KubernetesCollector("adot", args, { providers: [provider] });
    };
}

describe("KubernetesCollector", () => {
    it("runs two hardened replicas of a Deployment with the config mounted read-only", async () => {
        const r = await runProgram(withProvider(base));
        const d = r.one("kubernetes:apps/v1:Deployment");
        assert.strictEqual(r.ofType("kubernetes:apps/v1:StatefulSet").length, 0);
        const spec = d.inputs.spec as any;
        assert.strictEqual(spec.replicas, 2);
        const pod = spec.template.spec;
        assert.deepStrictEqual(pod.securityContext, { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: "RuntimeDefault" } });
        const c = pod.containers[0];
        assert.strictEqual(c.securityContext.allowPrivilegeEscalation, false);
        assert.strictEqual(c.securityContext.readOnlyRootFilesystem, true);
        assert.strictEqual(c.securityContext.runAsNonRoot, true);
        assert.strictEqual(c.securityContext.privileged, false);
        assert.deepStrictEqual(c.securityContext.capabilities, { drop: ["ALL"] });
        assert.deepStrictEqual(c.resources, { requests: { cpu: "200m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } });
        assert.ok(c.volumeMounts.some((m: any) => m.name === "config" && m.readOnly === true));
        assert.deepStrictEqual(pod.topologySpreadConstraints.map((t: any) => t.topologyKey), ["topology.kubernetes.io/zone", "kubernetes.io/hostname"]);
        assert.strictEqual(pod.automountServiceAccountToken, true);
        const cm = r.one("kubernetes:core/v1:ConfigMap");
        assert.deepStrictEqual(parse((cm.inputs.data as any)["collector.yaml"]), parse(configYaml));
        assert.match(String((cm.inputs.metadata as any).name), /^adot-config-[0-9a-f]{8}$/);
        assert.strictEqual(pod.volumes.find((v: any) => v.name === "config").configMap.name, (cm.inputs.metadata as any).name);
    });

    it("annotates the service account for IRSA and grants only pod discovery", async () => {
        const r = await runProgram(withProvider(base));
        const sa = r.one("kubernetes:core/v1:ServiceAccount");
        assert.strictEqual((sa.inputs.metadata as any).annotations["eks.amazonaws.com/role-arn"], "arn:aws:iam::222222222222:role/collector");
        const role = r.one("kubernetes:rbac.authorization.k8s.io/v1:ClusterRole");
        assert.deepStrictEqual(role.inputs.rules, [{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch"] }]);
        assert.strictEqual(r.ofType("kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding").length, 1);
        const ns = r.one("kubernetes:core/v1:Namespace");
        assert.strictEqual((ns.inputs.metadata as any).labels["pod-security.kubernetes.io/enforce"], "restricted");
    });

    it("adds a Service on the OTLP ports and a PodDisruptionBudget keeping one replica", async () => {
        const r = await runProgram(withProvider(base));
        const svc = r.one("kubernetes:core/v1:Service");
        assert.deepStrictEqual((svc.inputs.spec as any).ports.map((p: any) => p.port), [4317, 4318]);
        assert.strictEqual((svc.inputs.spec as any).type, "ClusterIP");
        const pdb = r.one("kubernetes:policy/v1:PodDisruptionBudget");
        assert.strictEqual((pdb.inputs.spec as any).minAvailable, 1);
    });

    it("network policy: OTLP in from the given CIDR only; out only to DNS, hub, API server and pods", async () => {
        const r = await runProgram(withProvider(base));
        const np = r.one("kubernetes:networking.k8s.io/v1:NetworkPolicy").inputs.spec as any;
        assert.deepStrictEqual(np.policyTypes, ["Ingress", "Egress"]);
        assert.deepStrictEqual(np.ingress, [{ from: [{ ipBlock: { cidr: "10.20.0.0/16" } }], ports: [{ protocol: "TCP", port: 4317 }, { protocol: "TCP", port: 4318 }] }]);
        assert.deepStrictEqual(np.egress[0].ports, [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }]);
        assert.deepStrictEqual(np.egress[1], { to: [{ ipBlock: { cidr: "10.20.0.0/16" } }], ports: [{ protocol: "TCP", port: 4317 }] });
        assert.deepStrictEqual(np.egress[2], { to: [{ ipBlock: { cidr: "172.20.0.1/32" } }], ports: [{ protocol: "TCP", port: 443 }] });
        assert.deepStrictEqual(np.egress[3], { to: [{ namespaceSelector: {} }] });
        assert.strictEqual(np.egress.length, 4);
    });

    it("uses a StatefulSet with one retained PVC per replica for a persistent queue, and mounts secrets", async () => {
        const r = await runProgram(withProvider({
            ...base,
            podDiscovery: undefined,
            shardedScrape: undefined,
            persistentQueue: { mountPath: "/var/lib/otelcol/queue", sizeGi: 10, storageClassName: "gp3" },
            secretVolumes: [{ name: "client-tls", mountPath: "/etc/otel/client", data: { "tls.crt": "CERT", "tls.key": "KEY" } }],
        }));
        assert.strictEqual(r.ofType("kubernetes:apps/v1:Deployment").length, 0);
        const sts = r.one("kubernetes:apps/v1:StatefulSet").inputs.spec as any;
        assert.strictEqual(sts.replicas, 2);
        assert.deepStrictEqual(sts.volumeClaimTemplates[0].spec, { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "10Gi" } }, storageClassName: "gp3" });
        assert.deepStrictEqual(sts.persistentVolumeClaimRetentionPolicy, { whenDeleted: "Retain", whenScaled: "Retain" });
        const c = sts.template.spec.containers[0];
        assert.ok(c.volumeMounts.some((m: any) => m.name === "queue" && m.mountPath === "/var/lib/otelcol/queue"));
        assert.ok(c.volumeMounts.some((m: any) => m.name === "client-tls" && m.readOnly === true));
        assert.strictEqual(sts.template.spec.automountServiceAccountToken, false);
        const secret = r.one("kubernetes:core/v1:Secret");
        assert.strictEqual(secret.inputs.stringData, "[secret]");
        assert.strictEqual(secret.inputs.type, "Opaque");
        assert.ok(r.one("kubernetes:core/v1:Service", "headless"));
    });

    it("mounts the tenant certificate from a kubernetes.io/tls Secret in its namespace, read-only, at the files the exporter reads", async () => {
        const r = await runProgram(withProvider({ ...base, secretVolumes: [clientTlsVolume({ "tls.crt": "CERT", "tls.key": "KEY" })] }));
        const secret = r.one("kubernetes:core/v1:Secret");
        assert.strictEqual(secret.inputs.type, "kubernetes.io/tls");
        assert.strictEqual(secret.inputs.stringData, "[secret]", "the certificate and key stay Pulumi secrets");
        assert.deepStrictEqual(secret.inputs.metadata, { name: "adot-client-tls", namespace: "oss-monitoring", labels: (secret.inputs.metadata as any).labels, annotations: {} });
        const pod = (r.one("kubernetes:apps/v1:Deployment").inputs.spec as any).template.spec;
        assert.deepStrictEqual(pod.containers[0].volumeMounts.find((m: any) => m.name === CLIENT_TLS_MOUNT.volume), { name: "client-tls", mountPath: "/etc/otel/client", readOnly: true });
        assert.deepStrictEqual(pod.volumes.find((v: any) => v.name === CLIENT_TLS_MOUNT.volume), { name: "client-tls", secret: { secretName: "adot-client-tls", defaultMode: 0o440 } });
        const tls = parse(configYaml).exporters["otlp/hub"].tls;
        assert.deepStrictEqual([tls.cert_file, tls.key_file], [`${CLIENT_TLS_MOUNT.directory}/tls.crt`, `${CLIENT_TLS_MOUNT.directory}/tls.key`]);
        await assert.rejects(runProgram(withProvider({ ...base, secretVolumes: [{ name: "x", mountPath: "/x", existingSecretName: "s", type: "kubernetes.io/tls" }] })), /secretVolumes\[0\]\.type: only for a Secret created from data/);
    });

    it("sharded scraping gives each StatefulSet replica its pod index", async () => {
        const r = await runProgram(withProvider({ ...base, shardedScrape: true }));
        const c = (r.one("kubernetes:apps/v1:StatefulSet").inputs.spec as any).template.spec.containers[0];
        assert.deepStrictEqual(c.env.find((e: any) => e.name === "SHARD_INDEX").valueFrom, { fieldRef: { fieldPath: "metadata.labels['apps.kubernetes.io/pod-index']" } });
    });

    it("refuses to run without an explicit Kubernetes provider, and bad args name the field", async () => {
        await assert.rejects(runProgram(() => new KubernetesCollector("adot", base)), /pass a Kubernetes provider/);
        await assert.rejects(runProgram(withProvider({ ...base, ingress: {} })), /ingress: list the CIDRs or namespaces/);
        await assert.rejects(runProgram(withProvider({ ...base, egress: { hubCidrs: ["10.0.0.0/8"], hubPorts: [4317] } })), /egress.apiServerCidrs/);
    });
});
