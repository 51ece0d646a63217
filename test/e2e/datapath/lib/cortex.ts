import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";
import { PROMETHEUS_WORKSPACE_DEFAULTS } from "../../../../components/hub/prometheusWorkspaceSettings";
import { LimitsPerLabelSet } from "../../../../components/hub/tenantLimits";
import { builtTool } from "./env";
import { request } from "./http";
import { Proc, freePorts, waitFor } from "./procs";
import { RunPki } from "./tls";

/**
 * The engine AMP is built on: "Amazon Managed Service for Prometheus is built on top of Cortex"
 * (https://aws.amazon.com/blogs/mt/amazon-managed-service-for-prometheus-adds-support-for-200m-active-metrics/).
 * Cortex runs here as its single binary (`-target=all`, tools/cortex/build.sh), one ingester, blocks
 * storage on the local filesystem, so the store enforces AMP's per-label-set series limits with the
 * engine's own code instead of a model of it.
 */

/** The Cortex binary built by tools/cortex/build.sh (cached: instant after the first build). */
export function cortexBinary(): string {
    return builtTool("cortex", 3_600_000);
}

/** How often the ingester refreshes its active-series and per-label-set usage gauges (default 60 s; shorter so a test can read them). */
export const ACTIVE_SERIES_UPDATE_SECONDS = 5;

/** One entry of Cortex's `limits.limits_per_label_set` (pkg/util/validation/limits.go LimitsPerLabelSet, v1.21.1). */
export interface CortexLabelSetLimit {
    readonly label_set: Record<string, string>;
    readonly limits: { readonly max_series: number };
}

/**
 * AMP's workspace configuration `limitsPerLabelSets` (what the hub deploys: components/hub/tenantLimits.ts)
 * as Cortex's `limits_per_label_set`. Same meaning field for field: a label set matches a series that
 * carries every label of the set (validation.LimitsPerLabelSetsForSeries), `max_series` is the active
 * series it may hold, and 0 sets no limit in both (AMP: API_LimitsPerLabelSetEntry; Cortex:
 * Limiter.maxByLocalAndGlobal turns 0 into no limit).
 */
export function cortexLabelSetLimits(limits: readonly LimitsPerLabelSet[]): CortexLabelSetLimit[] {
    return limits.map((l) => ({ label_set: { ...l.labelSet }, limits: { max_series: l.limits.maxSeries } }));
}

/**
 * The single-binary configuration: loopback only, HTTPS with the run's store certificate (the hub's
 * renderer only accepts https:// remote-write URLs), authentication off (tenant `fake`: the hub writes
 * one workspace, as it writes one AMP workspace), in-memory rings, every directory inside `home`, and
 * the alertmanager's cluster listener off (its default binds 0.0.0.0:9094).
 */
export function renderCortexConfig(o: { home: string; httpPort: number; grpcPort: number; tls: { cert: string; key: string }; limits: readonly CortexLabelSetLimit[]; outOfOrderWindowSeconds?: number } & CortexOptions): string {
    const inmemory = { kvstore: { store: "inmemory" } };
    // Each ring's member reads its address from an interface (default eth0, en0): loopback here.
    const dir = (d: string): string => path.join(o.home, d);
    return stringify({
        target: "all",
        auth_enabled: o.authEnabled ?? false,
        server: {
            http_listen_address: "127.0.0.1", http_listen_port: o.httpPort,
            grpc_listen_address: "127.0.0.1", grpc_listen_port: o.grpcPort,
            http_tls_config: { cert_file: o.tls.cert, key_file: o.tls.key },
            log_level: "info",
        },
        distributor: { shard_by_all_labels: true, pool: { health_check_ingesters: true }, ring: { ...inmemory, instance_interface_names: ["lo"] } },
        ingester_client: { grpc_client_config: { max_recv_msg_size: 104857600, max_send_msg_size: 104857600 } },
        ingester: {
            lifecycler: { address: "127.0.0.1", min_ready_duration: "0s", final_sleep: "0s", num_tokens: 512, ring: { ...inmemory, replication_factor: 1 } },
            // cortex_ingester_usage_per_labelset is refreshed with the active-series metrics
            // (ingester.go updateActiveSeries → labelSetCounter.UpdateMetric); default every 1m.
            active_series_metrics_update_period: `${ACTIVE_SERIES_UPDATE_SECONDS}s`,
        },
        blocks_storage: {
            backend: "filesystem",
            tsdb: { dir: dir("tsdb") },
            bucket_store: { sync_dir: dir("tsdb-sync") },
            filesystem: { dir: dir("blocks") },
        },
        compactor: { data_dir: dir("compactor"), sharding_ring: { ...inmemory, instance_interface_names: ["lo"] } },
        store_gateway: { sharding_ring: { ...inmemory, instance_interface_names: ["lo"] } },
        frontend_worker: { match_max_concurrent: true },
        // Default ./active-query-tracker: relative to the suite's working directory, the repository.
        querier: { active_query_tracker_dir: dir("active-query-tracker") },
        ruler: { rule_path: dir("ruler"), ring: { ...inmemory, instance_interface_names: ["lo"] } },
        ruler_storage: { backend: "local", local: { directory: dir("rules") } },
        alertmanager: { data_dir: dir("alertmanager"), external_url: "http://127.0.0.1/alertmanager", cluster: { listen_address: "" }, sharding_ring: { ...inmemory, instance_interface_names: ["lo"] } },
        alertmanager_storage: { backend: "local", local: { path: dir("alerts") } },
        limits: {
            limits_per_label_set: o.limits,
            // The hub workspace's out-of-order window, as AMP runs it (PROMETHEUS_WORKSPACE_DEFAULTS).
            out_of_order_time_window: `${o.outOfOrderWindowSeconds ?? PROMETHEUS_WORKSPACE_DEFAULTS.outOfOrderTimeWindowSeconds}s`,
            // The workspace's rule query offset: AMP's ruleQueryOffsetInSeconds is this per-tenant limit
            // (cortex@v1.21.1 pkg/util/validation/limits.go:215, handed to the rule manager in pkg/ruler/compat.go:393-395).
            ruler_query_offset: `${PROMETHEUS_WORKSPACE_DEFAULTS.ruleQueryOffsetSeconds}s`,
        },
        // Per-tenant limits that differ from the above (Cortex's runtime configuration file, `overrides`).
        ...(o.tenantOverrides !== undefined ? { runtime_config: { file: path.join(o.home, "runtime.yaml"), period: "10s" } } : {}),
    });
}

/** What a test may change in the single binary's configuration. */
export interface CortexOptions {
    /** Tenants from X-Scope-OrgID (each AMP workspace is one). Default false: one tenant, `fake`. */
    readonly authEnabled?: boolean;
    /** Per-tenant limits overriding the defaults (written to `<home>/runtime.yaml`). Default none. */
    readonly tenantOverrides?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
    /** Rules files per tenant and namespace, as the ruler's local storage reads them (`<rules>/<tenant>/<namespace>`). Default none. */
    readonly rules?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/** Cortex on loopback: the remote-write endpoint, the Prometheus API under /prometheus, and its own metrics. */
export class Cortex {
    readonly proc: Proc;
    readonly url: string;
    constructor(readonly name: string, dir: string, readonly ports: { http: number; grpc: number }, private readonly pki: RunPki, limits: readonly CortexLabelSetLimit[], opts: CortexOptions = {}) {
        const home = path.join(dir, name);
        for (const d of ["", "rules", "alerts"]) fs.mkdirSync(path.join(home, d), { recursive: true });
        for (const [tenant, namespaces] of Object.entries(opts.rules ?? {})) {
            fs.mkdirSync(path.join(home, "rules", tenant), { recursive: true });
            for (const [ns, text] of Object.entries(namespaces)) fs.writeFileSync(path.join(home, "rules", tenant, ns), text);
        }
        if (opts.tenantOverrides !== undefined) fs.writeFileSync(path.join(home, "runtime.yaml"), stringify({ overrides: opts.tenantOverrides }));
        const cfg = path.join(home, "cortex.yaml");
        fs.writeFileSync(cfg, renderCortexConfig({ home, httpPort: ports.http, grpcPort: ports.grpc, tls: pki.store, limits, ...opts }));
        this.url = `https://127.0.0.1:${ports.http}`;
        this.proc = new Proc(`cortex-${name}`, cortexBinary(), [`-config.file=${cfg}`], path.join(dir, `${name}.log`));
    }

    /** Cortex's remote-write (push) endpoint (pkg/api/api.go: /api/v1/push). */
    get remoteWriteUrl(): string { return `${this.url}/api/v1/push`; }

    /** Ready when /ready answers 200: the ingester is ACTIVE in the ring and every module is running. */
    async start(): Promise<this> {
        this.proc.start();
        await waitFor(`${this.name} ready`, async () => {
            if (!this.proc.alive) throw new Error(`${this.name} exited:\n${this.proc.logTail()}`);
            return (await request(`${this.url}/ready`, { ca: this.pki.ca })).status === 200 ? true : undefined;
        }, 120_000, 1_000);
        return this;
    }

    /** `tenant`: the X-Scope-OrgID to read as, when authentication is on. */
    private async api<T>(p: string, tenant?: string): Promise<T> {
        const r = await request(`${this.url}/prometheus/api/v1/${p}`, { ca: this.pki.ca, ...(tenant !== undefined ? { headers: { "X-Scope-OrgID": tenant } } : {}) });
        const body = JSON.parse(r.body) as { status: string; error?: string; data: T };
        if (body.status !== "success") throw new Error(`${this.name} ${p}: ${body.error ?? r.body}`);
        return body.data;
    }

    async query(expr: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
        return (await this.api<{ result: Array<{ metric: Record<string, string>; value: [number, string] }> }>(`query?query=${encodeURIComponent(expr)}`)).result;
    }

    /** The raw samples of a selector over the last `range`, read as `tenant`: [seconds, value] pairs per series. */
    async rawSamples(selector: string, range: string, tenant?: string): Promise<Array<{ metric: Record<string, string>; values: Array<[number, string]> }>> {
        return (await this.api<{ result: Array<{ metric: Record<string, string>; values: Array<[number, string]> }> }>(`query?query=${encodeURIComponent(`${selector}[${range}]`)}`, tenant)).result;
    }

    /** The sum of a query's values (0 when empty). */
    async value(expr: string): Promise<number> {
        return (await this.query(expr)).reduce((s, r) => s + Number(r.value[1]), 0);
    }

    /** Samples stored for a selector over the last `range`. */
    async samples(selector: string, range = "1h"): Promise<number> {
        return this.value(`sum(count_over_time(${selector}[${range}]))`);
    }

    /** Label sets of the series matching a selector (the last hour). */
    async series(selector: string): Promise<Array<Record<string, string>>> {
        return this.api<Array<Record<string, string>>>(`series?match[]=${encodeURIComponent(selector)}&start=${Math.floor(Date.now() / 1000) - 3600}`);
    }

    async selfMetrics(): Promise<string> {
        return (await request(`${this.url}/metrics`, { ca: this.pki.ca })).body;
    }

    /**
     * Sum of one of Cortex's own metrics over the series whose labels contain `contains`. Cortex's
     * per-label-set metrics carry `{...}` inside a label value (labelset="{account=\"…\"}"), which
     * parseExposition's label pattern does not span, so the value is the line's last field here.
     */
    async metric(name: string, contains = ""): Promise<number> {
        return (await this.selfMetrics()).split("\n")
            .filter((l) => (l.startsWith(`${name}{`) || l.startsWith(`${name} `)) && l.includes(contains))
            .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(" ") + 1)), 0);
    }
}

/** A started Cortex on free loopback ports. */
export async function startCortex(name: string, dir: string, pki: RunPki, limits: readonly CortexLabelSetLimit[], opts: CortexOptions = {}): Promise<Cortex> {
    const [http, grpc] = await freePorts(2);
    return new Cortex(name, dir, { http, grpc }, pki, limits, opts).start();
}
