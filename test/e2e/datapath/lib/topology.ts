import * as fs from "fs";
import * as path from "path";
import { renderSpokeCollectorConfig } from "../../../../components/agent/spokeCollectorConfig";
import { renderHubCollectorConfig } from "../../../../components/hubCollectorConfig";
import { renderGatewayCollectorConfig } from "../../../../components/onprem/gatewayCollectorConfig";
import { Collector, collectorEnv } from "./collector";
import { freePorts } from "./procs";
import { RunPki } from "./tls";

/** The collector domain of the example fleet (stacks/config/hub.ts default): the hub certificate's only name. */
export const DOMAIN = "collector.monitoring.internal";
export const ACCOUNTS = { hub: "111111111111", spokeA: "222222222222", spokeB: "333333333333", site: "777777777777" } as const;
export const REGION = "us-east-1";

export interface HubPorts { otlpGrpc: number; otlpHttp: number; otlpHttpMtls: number; otlpHttpToken: number; health: number; selfMetrics: number }

export async function hubPorts(): Promise<HubPorts> {
    const [otlpGrpc, otlpHttp, otlpHttpMtls, otlpHttpToken, health, selfMetrics] = await freePorts(6);
    return { otlpGrpc, otlpHttp, otlpHttpMtls, otlpHttpToken, health, selfMetrics };
}

/** A hub collector from renderHubCollectorConfig, as stacks/hub.ts renders it, on loopback ports. */
// Compile-only adaptation to the loopback collector (issue 14, proxy helper): the hub collector no
// longer terminates TLS; the e2e helper puts the tenant proxy (renderHaproxyConfig) in front of it.
export function hubCollector(name: string, dir: string, pki: RunPki, ports: HubPorts, remoteWrite: Array<{ name: string; url: string }>, _mtls = true, env: Record<string, string> = {}): Collector {
    const { selfMetrics, otlpGrpc, otlpHttp, health } = ports;
    const yaml = renderHubCollectorConfig({
        account: ACCOUNTS.hub, region: REGION,
        remoteWrite: remoteWrite.map((t) => ({ ...t, region: REGION })),
        listen: { host: "127.0.0.1", ports: { otlpGrpc, otlpHttp, health }, selfMetricsPort: selfMetrics },
    });
    return new Collector(name, dir, yaml, selfMetrics, collectorEnv(pki, env));
}

export interface SpokePorts { otlpGrpc: number; otlpHttp: number; health: number; selfMetrics: number }

export async function spokePorts(): Promise<SpokePorts> {
    const [otlpGrpc, otlpHttp, health, selfMetrics] = await freePorts(4);
    return { otlpGrpc, otlpHttp, health, selfMetrics };
}

/**
 * The monitored account's EKS collector as components/monitored/monitoredAccount.ts renders it,
 * pointed at `localhost:<hub gRPC port>` and verifying the hub certificate for the collector domain.
 * Pod discovery is off: it needs a Kubernetes API server, which this host does not run.
 */
export function spokeCollector(name: string, dir: string, pki: RunPki, account: string, cluster: string, hubGrpcPort: number, ports: SpokePorts, clientCert = pki.siteClient): Collector {
    const yaml = renderSpokeCollectorConfig({
        source: { account, region: REGION, sourceRole: "monitored", cluster },
        exporter: {
            kind: "otlp", endpoint: `localhost:${hubGrpcPort}`, caPem: fs.readFileSync(pki.ca, "utf8"), serverName: DOMAIN,
            clientCert: { certFile: clientCert.cert, keyFile: clientCert.key },
        },
        podScrape: false,
        ports,
    });
    return new Collector(name, dir, yaml, ports.selfMetrics, collectorEnv(pki));
}

/** The on-prem site gateway as components/onpremGateway.ts renders it (mutual TLS, persistent queue). */
export function gatewayCollector(name: string, dir: string, pki: RunPki, hubMtlsPort: number, ports: SpokePorts, queue: { outageMinutes: number; samplesPerSecond: number; storageGi: number }, clientCert = pki.siteClient): Collector {
    const queueDir = path.join(dir, `${name}-queue`);
    fs.mkdirSync(queueDir, { recursive: true });
    const yaml = renderGatewayCollectorConfig({
        account: ACCOUNTS.site, region: REGION, site: "dc1", cluster: "dc1-k8s",
        hubUrl: `https://localhost:${hubMtlsPort}`, hubServerName: DOMAIN,
        hubCaPem: fs.readFileSync(pki.ca, "utf8"), replicas: 1, queue,
        paths: { queue: queueDir, clientCert: clientCert.cert, clientKey: clientCert.key },
        ports,
    });
    return new Collector(name, dir, yaml, ports.selfMetrics, collectorEnv(pki));
}
