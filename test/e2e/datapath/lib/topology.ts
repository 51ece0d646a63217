import * as fs from "fs";
import * as path from "path";
import { renderSpokeCollectorConfig } from "../../../../components/agent/spokeCollectorConfig";
import { renderRuleNamespaces } from "../../../../components/content/index";
import { ContentOptions, resolveContentOptions } from "../../../../components/content/options";
import { renderGatewayCollectorConfig } from "../../../../components/onprem/gatewayCollectorConfig";
import { Collector, collectorEnv } from "./collector";
import { ACCOUNTS, DOMAIN, KEYS, REGION, SITES } from "./fleet";
import { PARAMS, collectorBinaries, runDir } from "./env";
import { Prometheus } from "./prometheus";
import { freePort, freePorts } from "./procs";
import { stampCollector } from "./report";
import { KeyPair, RunPki, generatePki } from "./tls";

export { ACCOUNTS, DOMAIN, KEYS, REGION, SITES, TENANTS } from "./fleet";
export { Hub, HubPorts, hubCollector, hubPorts, startHub } from "./hub";

/** Every scenario's start: the built collector, the report stamp, a run directory and its PKI. */
export async function prepareRun(name: string): Promise<{ dir: string; pki: RunPki }> {
    collectorBinaries();
    await stampCollector();
    const dir = runDir(name);
    return { dir, pki: generatePki(path.join(dir, "pki"), DOMAIN) };
}

/** A started AMP stand-in on a free port. */
export async function startStore(name: string, dir: string, pki: RunPki, opts: ConstructorParameters<typeof Prometheus>[4] = {}): Promise<Prometheus> {
    return new Prometheus(name, dir, await freePort(), pki, opts).start();
}

/**
 * The content's recording and alerting rules (components/content) with the suite's shortened
 * timings (PARAMS), written as Prometheus rule files: what AMP's rule groups evaluate.
 */
export function contentRules(dir: string): { options: ContentOptions; ruleFiles: string[] } {
    const options = resolveContentOptions({ silentAfterMinutes: PARAMS.silentAfterMinutes, alertForScale: PARAMS.alertForScale, ruleIntervalSeconds: PARAMS.ruleIntervalSeconds, minHubCollectorReplicas: 1 });
    const ruleFiles = renderRuleNamespaces(options).map((ns) => { const file = path.join(dir, `${ns.kind}.rules.yml`); fs.writeFileSync(file, ns.yaml); return file; });
    return { options, ruleFiles };
}

export interface SpokePorts { otlpGrpc: number; otlpHttp: number; health: number; selfMetrics: number }

export async function spokePorts(): Promise<SpokePorts> {
    const [otlpGrpc, otlpHttp, health, selfMetrics] = await freePorts(4);
    return { otlpGrpc, otlpHttp, health, selfMetrics };
}

/**
 * The monitored account's EKS collector as components/monitored/monitoredAccount.ts renders it,
 * pointed at `localhost:<hub gRPC port>`, verifying the hub certificate for the collector domain and
 * presenting the tenant certificate `cert` (the mounted kubernetes.io/tls Secret's files in the pod).
 * Pod discovery is off: it needs a Kubernetes API server, which this host does not run.
 */
export function spokeCollector(name: string, dir: string, pki: RunPki, account: string, cluster: string, hubGrpcPort: number, ports: SpokePorts, cert: KeyPair = pki.tenants[`account-${account}`], region: string = REGION): Collector {
    const yaml = renderSpokeCollectorConfig({
        source: { account, region, sourceRole: "monitored", cluster },
        exporter: { kind: "otlp", endpoint: `localhost:${hubGrpcPort}`, caPem: fs.readFileSync(pki.ca, "utf8"), serverName: DOMAIN, clientCert: { certFile: cert.cert, keyFile: cert.key } },
        podScrape: false,
        ports,
    });
    return new Collector(name, dir, yaml, ports.selfMetrics, collectorEnv(pki));
}

/** The on-prem site gateway as components/onprem/onpremGateway.ts renders it (site certificate, persistent queue). */
export function gatewayCollector(name: string, dir: string, pki: RunPki, hubHttpPort: number, ports: SpokePorts, queue: { outageMinutes: number; samplesPerSecond: number; storageGi: number; fsync?: boolean }, clientCert: KeyPair = pki.tenants[KEYS.dc1], region: string = REGION): Collector {
    const queueDir = path.join(dir, `${name}-queue`);
    fs.mkdirSync(queueDir, { recursive: true });
    const yaml = renderGatewayCollectorConfig({
        account: ACCOUNTS.site, region, site: SITES.dc1, cluster: "dc1-k8s",
        hubUrl: `https://localhost:${hubHttpPort}`, hubServerName: DOMAIN,
        hubCaPem: fs.readFileSync(pki.ca, "utf8"), replicas: 1, queue,
        paths: { queue: queueDir, clientCert: clientCert.cert, clientKey: clientCert.key },
        ports,
    });
    return new Collector(name, dir, yaml, ports.selfMetrics, collectorEnv(pki));
}
