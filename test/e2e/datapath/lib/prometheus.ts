import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";
import { PROMETHEUS_WORKSPACE_DEFAULTS } from "../../../../components/hub/prometheusWorkspaceSettings";
import { Proc, waitFor } from "./procs";
import { request } from "./http";
import { RunPki } from "./tls";

/**
 * AMP's stand-in: Debian's Prometheus with the remote-write receiver on, serving HTTPS with the
 * run's certificate (the hub's renderer only accepts https:// remote-write URLs). The receiver
 * ignores the SigV4 signature the collector adds.
 */
export class Prometheus {
    readonly proc: Proc;
    readonly url: string;
    /**
     * `outOfOrderWindowSeconds`: the TSDB's out_of_order_time_window (Prometheus >= 2.39, storage.tsdb
     * in the configuration file). Default the hub workspace's (PROMETHEUS_WORKSPACE_DEFAULTS), as AMP runs it.
     */
    constructor(readonly name: string, dir: string, readonly port: number, private readonly pki: RunPki, opts: { ruleFiles?: string[]; alertmanagerPort?: number; evaluationSeconds?: number; lookbackDelta?: string; outOfOrderWindowSeconds?: number } = {}) {
        const home = path.join(dir, name);
        fs.mkdirSync(home, { recursive: true });
        const web = path.join(home, "web.yml");
        fs.writeFileSync(web, stringify({ tls_server_config: { cert_file: pki.store.cert, key_file: pki.store.key, min_version: "TLS12" } }));
        const cfg = path.join(home, "prometheus.yml");
        fs.writeFileSync(cfg, stringify({
            global: { evaluation_interval: `${opts.evaluationSeconds ?? 60}s`, scrape_interval: "60s" },
            rule_files: opts.ruleFiles ?? [],
            storage: { tsdb: { out_of_order_time_window: `${opts.outOfOrderWindowSeconds ?? PROMETHEUS_WORKSPACE_DEFAULTS.outOfOrderTimeWindowSeconds}s` } },
            ...(opts.alertmanagerPort !== undefined ? {
                alerting: { alertmanagers: [{ scheme: "http", static_configs: [{ targets: [`127.0.0.1:${opts.alertmanagerPort}`] }] }] },
            } : {}),
        }));
        this.url = `https://127.0.0.1:${port}`;
        this.proc = new Proc(`prometheus-${name}`, "prometheus", [
            `--config.file=${cfg}`, `--storage.tsdb.path=${path.join(home, "data")}`, `--web.listen-address=127.0.0.1:${port}`,
            `--web.config.file=${web}`, "--web.enable-remote-write-receiver", "--web.enable-lifecycle",
            ...(opts.lookbackDelta !== undefined ? [`--query.lookback-delta=${opts.lookbackDelta}`] : []),
        ], path.join(dir, `${name}.log`));
    }

    get remoteWriteUrl(): string { return `${this.url}/api/v1/write`; }

    async start(): Promise<this> {
        this.proc.start();
        await waitFor(`${this.name} ready`, async () => ((await request(`${this.url}/-/ready`, { ca: this.pki.ca })).status === 200 ? true : undefined), 60_000);
        return this;
    }

    async query(expr: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
        const r = await request(`${this.url}/api/v1/query?query=${encodeURIComponent(expr)}`, { ca: this.pki.ca });
        const body = JSON.parse(r.body) as { status: string; error?: string; data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
        if (body.status !== "success") throw new Error(`query ${expr}: ${body.error ?? r.body}`);
        return body.data.result;
    }

    /** The sum of a scalar-ish query (0 when empty). */
    async value(expr: string): Promise<number> {
        return (await this.query(expr)).reduce((s, r) => s + Number(r.value[1]), 0);
    }

    /** Samples stored for a selector over the last `range`. */
    async samples(selector: string, range = "1h"): Promise<number> {
        return this.value(`sum(count_over_time(${selector}[${range}]))`);
    }

    /** Every stored sample of each series matching `selector` over the last `range`, in milliseconds (a range query's raw matrix). */
    async rawSamples(selector: string, range = "1h"): Promise<Array<{ metric: Record<string, string>; samples: Array<{ ms: number; value: number }> }>> {
        const r = await request(`${this.url}/api/v1/query?query=${encodeURIComponent(`${selector}[${range}]`)}`, { ca: this.pki.ca });
        const body = JSON.parse(r.body) as { status: string; error?: string; data: { result: Array<{ metric: Record<string, string>; values: Array<[number, string]> }> } };
        if (body.status !== "success") throw new Error(`query ${selector}[${range}]: ${body.error ?? r.body}`);
        return body.data.result.map((s) => ({ metric: s.metric, samples: s.values.map(([t, v]) => ({ ms: Math.round(t * 1000), value: Number(v) })) }));
    }

    /**
     * Samples stored for a selector that may match several metric names: count_over_time drops the
     * name, so one query over many names would see duplicate label sets; count per name instead.
     */
    async samplesAcrossNames(selector: string, range = "1h"): Promise<number> {
        const names = [...new Set((await this.series(selector)).map((s) => s.__name__))];
        const inner = selector.replace(/^\{/, "").replace(/\}$/, "");
        let n = 0;
        for (const name of names) n += await this.samples(`{__name__="${name}", ${inner}}`, range);
        return n;
    }

    /** Label sets of the series matching a selector. */
    async series(selector: string): Promise<Array<Record<string, string>>> {
        const r = await request(`${this.url}/api/v1/series?match[]=${encodeURIComponent(selector)}&start=${Math.floor(Date.now() / 1000) - 3600}`, { ca: this.pki.ca });
        return (JSON.parse(r.body) as { data: Array<Record<string, string>> }).data;
    }

    /** Prometheus' own counters (e.g. prometheus_tsdb_out_of_order_samples_total). */
    async selfMetrics(): Promise<string> {
        return (await request(`${this.url}/metrics`, { ca: this.pki.ca })).body;
    }
}
