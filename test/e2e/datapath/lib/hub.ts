import * as fs from "fs";
import * as path from "path";
import { identityMapChunks, revokedSerialsFile } from "../../../../components/identity/proxyFiles";
import { hubFeatureGateArgs, renderHubCollectorConfig } from "../../../../components/hub/collector/hubCollectorConfig";
import { renderHaproxyConfig } from "../../../../components/identity/haproxyConfig";
import { CertSeenOptions, renderCertSeenLua } from "../../../../components/identity/certSeen";
import { Tenant } from "../../../../components/identity/tenants";
import { Collector, collectorEnv } from "./collector";
import { ACCOUNTS, DOMAIN, REGION, TENANTS } from "./fleet";
import { request } from "./http";
import { SenderTls } from "./otlp";
import { Proc, freePorts, waitFor } from "./procs";
import { KeyPair, RunPki } from "./tls";

/** Loopback ports of one hub task: the proxy's public ones and the collector's internal ones. */
export interface HubPorts {
    /** The proxy (HAProxy): the task's public ports (4317 / 4318 / 13133 roles). */
    readonly otlpGrpc: number;
    readonly otlpHttp: number;
    readonly health: number;
    /** The collector behind it (COLLECTOR_INTERNAL_PORTS roles). */
    readonly internal: { readonly otlpGrpc: number; readonly otlpHttp: number; readonly health: number };
    readonly selfMetrics: number;
    /** The proxy's presented-certificate metrics (loopback; the collector scrapes it). */
    readonly proxyMetrics: number;
}

export async function hubPorts(): Promise<HubPorts> {
    const [otlpGrpc, otlpHttp, health, iGrpc, iHttp, iHealth, selfMetrics, proxyMetrics] = await freePorts(8);
    return { otlpGrpc, otlpHttp, health, internal: { otlpGrpc: iGrpc, otlpHttp: iHttp, health: iHealth }, selfMetrics, proxyMetrics };
}

/**
 * The hub collector alone, from renderHubCollectorConfig as stacks/hub.ts renders it, on its loopback
 * (internal) ports: no TLS, identity from the proxy's headers.
 */
export function hubCollector(name: string, dir: string, pki: RunPki, ports: HubPorts, remoteWrite: Array<{ name: string; url: string }>, env: Record<string, string> = {}): Collector {
    const yaml = renderHubCollectorConfig({
        account: ACCOUNTS.hub, region: REGION,
        remoteWrite: remoteWrite.map((t) => ({ ...t, region: REGION })),
        listen: { host: "127.0.0.1", ports: ports.internal, selfMetricsPort: ports.selfMetrics, proxyMetricsPort: ports.proxyMetrics },
    });
    // The feature gates the ECS task passes (collectorTask.ts command).
    return new Collector(name, dir, yaml, ports.selfMetrics, collectorEnv(pki, env), hubFeatureGateArgs());
}

export interface HubOptions {
    /** Tenants the maps are rendered from. Default the e2e fleet (TENANTS). */
    readonly tenants?: readonly Tenant[];
    /** identity.revokedSerials. Default the run's revoked certificate (pki.revokedSerials). */
    readonly revokedSerials?: readonly string[];
    readonly ports?: HubPorts;
    /** Extra environment of the collector. */
    readonly env?: Record<string, string>;
    /** The presented-certificate table's options (a short ttlSeconds shows eviction within a test). Default the hub's. */
    readonly certSeen?: CertSeenOptions;
}

/**
 * One hub task: HAProxy from renderHaproxyConfig (the `tenant-proxy` container) in front of the
 * collector, with the files the init container writes in the task (maps, revoked serials, server
 * PEM, tenant CA) written from the same functions stacks/hub.ts uses.
 */
export class Hub {
    readonly proxy: Proc;
    readonly collector: Collector;
    readonly files: { accountMap: string; siteMap: string; revokedSerials: string; serverPem: string; tenantCa: string; certSeenLua: string; haproxyCfg: string };
    constructor(readonly name: string, dir: string, private readonly pki: RunPki, readonly ports: HubPorts, remoteWrite: Array<{ name: string; url: string }>, o: HubOptions = {}) {
        const home = path.join(dir, `${name}-task`);
        fs.mkdirSync(home, { recursive: true });
        // What the init container writes (collectorTask.ts: `printf '%s\n'` per SSM chunk): the map
        // chunks joined again, and the revoked-serials file as the hub renders it.
        const maps = identityMapChunks(o.tenants ?? TENANTS);
        const joined = (chunks: string[]): string => chunks.map((c) => `${c}\n`).join("");
        this.files = {
            accountMap: path.join(home, "tenant-account.map"),
            siteMap: path.join(home, "tenant-site.map"),
            revokedSerials: path.join(home, "revoked-serials.lst"),
            serverPem: pki.hubPem,
            tenantCa: pki.tenantCa,
            certSeenLua: path.join(home, "cert-seen.lua"),
            haproxyCfg: path.join(home, "haproxy.cfg"),
        };
        fs.writeFileSync(this.files.certSeenLua, renderCertSeenLua(o.certSeen));
        fs.writeFileSync(this.files.accountMap, joined(maps.account));
        fs.writeFileSync(this.files.siteMap, joined(maps.site));
        fs.writeFileSync(this.files.revokedSerials, revokedSerialsFile(o.revokedSerials ?? pki.revokedSerials));
        const { haproxyCfg: _cfg, ...files } = this.files;
        fs.writeFileSync(this.files.haproxyCfg, renderHaproxyConfig({
            host: "127.0.0.1",
            ports: { otlpGrpc: ports.otlpGrpc, otlpHttp: ports.otlpHttp, health: ports.health },
            backends: { otlpGrpc: `127.0.0.1:${ports.internal.otlpGrpc}`, otlpHttp: `127.0.0.1:${ports.internal.otlpHttp}`, health: `127.0.0.1:${ports.internal.health}` },
            files,
            certSeenPort: ports.proxyMetrics,
        }));
        this.collector = hubCollector(`${name}-collector`, dir, pki, ports, remoteWrite, o.env ?? {});
        // -db: foreground without daemon mode (HAProxy 2.6 management guide, section 3), so the suite
        // owns the process; `log stdout` (the renderer's) then lands in the log file.
        this.proxy = new Proc(`${name}-proxy`, "haproxy", ["-f", this.files.haproxyCfg, "-db"], path.join(dir, `${name}-proxy.log`));
    }

    /** Collector first, then the proxy; ready when the proxy's health frontend answers 200 (as the NLB's check would). */
    async start(): Promise<this> {
        await this.collector.start();
        this.proxy.start();
        await waitFor(`${this.name} health frontend`, async () => {
            if (!this.proxy.alive) throw new Error(`${this.name} proxy exited:\n${this.proxy.logTail()}`);
            return (await this.health()) === 200 ? true : undefined;
        }, 60_000);
        return this;
    }

    async stop(): Promise<void> { await Promise.all([this.proxy.stop(), this.collector.stop()]); }

    async restart(): Promise<void> { await this.stop(); await this.start(); }

    /** Status of the health frontend for a client without a certificate (the NLB health checker). */
    async health(): Promise<number> {
        return (await request(`https://127.0.0.1:${this.ports.health}/`, { ca: this.pki.ca, servername: DOMAIN, timeoutMs: 3_000 })).status;
    }

    /** The proxy's presented-certificate table, as the collector scrapes it. */
    async certificatesSeen(): Promise<string> {
        return (await request(`http://127.0.0.1:${this.ports.proxyMetrics}/metrics`, { timeoutMs: 3_000 })).body;
    }

    get grpcEndpoint(): string { return `127.0.0.1:${this.ports.otlpGrpc}`; }
    get httpUrl(): string { return `https://127.0.0.1:${this.ports.otlpHttp}/v1/metrics`; }

    /** TLS of a sender verifying the hub as spokes do, presenting `cert` (none: no client certificate). */
    senderTls(cert?: KeyPair): SenderTls {
        return { ca: this.pki.ca, servername: DOMAIN, ...(cert !== undefined ? { cert: cert.cert, key: cert.key } : {}) };
    }
}

/** Starts a hub task (proxy + collector) writing to `remoteWrite`. */
export async function startHub(name: string, dir: string, pki: RunPki, remoteWrite: Array<{ name: string; url: string }>, o: HubOptions = {}): Promise<Hub> {
    return new Hub(name, dir, pki, o.ports ?? await hubPorts(), remoteWrite, o).start();
}
