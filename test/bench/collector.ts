/**
 * `npm run bench:collector`: figures, never pass/fail. The built collector (tools/collector) with
 * the hub configuration (TLS in, memory limiter, resource processor, batch, SigV4 remote write out
 * to a Prometheus remote-write receiver over TLS) beside the same collector with a pass-through
 * configuration (plain OTLP in, remote write out, nothing between: the ceiling), at GOMAXPROCS 1
 * and 2. Prints samples/s, samples per collector CPU-second, RSS per 100k active series, the
 * queue's replay rate after an outage, and the hub sizing rule's answers.
 * BENCH_SECONDS (default 20) sets each load phase.
 */
import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";
import { hubSizing } from "../../components/hubSizing";
import { Collector, collectorEnv } from "../e2e/datapath/lib/collector";
import { collectorBinaries, runDir } from "../e2e/datapath/lib/env";
import { OtlpSender } from "../e2e/datapath/lib/otlp";
import { Prometheus } from "../e2e/datapath/lib/prometheus";
import { freePort, sleep, stopAll, waitFor } from "../e2e/datapath/lib/procs";
import { RunPki, generatePki } from "../e2e/datapath/lib/tls";
import { DOMAIN, hubCollector, hubPorts } from "../e2e/datapath/lib/topology";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const BATCH = 1000;

function cpuSeconds(pid: number): number {
    const f = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(f[11]) + Number(f[12])) / 100; // utime + stime, clock ticks (USER_HZ 100)
}

async function passThrough(dir: string, pki: RunPki, promUrl: string, env: Record<string, string>): Promise<{ c: Collector; url: string }> {
    const [http, self] = [await freePort(), await freePort()];
    const yaml = stringify({
        receivers: { otlp: { protocols: { http: { endpoint: `127.0.0.1:${http}` } } } },
        exporters: { prometheusremotewrite: { endpoint: promUrl, tls: { min_version: "1.2" }, remote_write_queue: { enabled: true, queue_size: 10000, num_consumers: 5 } } },
        service: {
            pipelines: { metrics: { receivers: ["otlp"], exporters: ["prometheusremotewrite"] } },
            telemetry: { metrics: { level: "detailed", readers: [{ pull: { exporter: { prometheus: { host: "127.0.0.1", port: self } } } }] } },
        },
    });
    return { c: new Collector(`passthrough-${env.GOMAXPROCS}`, dir, yaml, self, collectorEnv(pki, env)), url: `http://127.0.0.1:${http}/v1/metrics` };
}

/** Closed-loop load from `workers` concurrent senders of BATCH-series requests for `seconds`. */
async function load(url: string, pki: RunPki, tls: boolean, seconds: number, workers: number, seriesOffset = 0): Promise<number> {
    const senders = Array.from({ length: workers }, (_, w) => new OtlpSender(url, {
        metric: "bench_gauge", series: BATCH, resource: { "service.name": `bench-${w + seriesOffset}`, "cloud.account.id": "222222222222", "cloud.region": "us-east-1" },
        ...(tls ? { tls: { ca: pki.ca, servername: DOMAIN } } : {}),
    }));
    await Promise.all(senders.map((s) => s.run(0, Date.now() + seconds * 1000)));
    return senders.reduce((n, s) => n + s.accepted, 0);
}

interface Row { config: string; gomaxprocs: number; samplesPerSecond: number; samplesPerCpuSecond: number; cpuUtilisation: number; rssMiB: number }

async function measure(name: string, c: Collector, url: string, pki: RunPki, tls: boolean, procs: number): Promise<Row> {
    await c.start();
    await load(url, pki, tls, 3, 4); // warm-up
    const pid = c.proc.pid as number;
    const [sent0, cpu0, t0] = [await c.metric("otelcol_exporter_sent_metric_points"), cpuSeconds(pid), Date.now()];
    await load(url, pki, tls, SECONDS, 4);
    const [sent1, cpu1, t1] = [await c.metric("otelcol_exporter_sent_metric_points"), cpuSeconds(pid), Date.now()];
    const rss = await c.metric("otelcol_process_memory_rss");
    await c.stop();
    const wall = (t1 - t0) / 1000;
    return {
        config: name, gomaxprocs: procs,
        samplesPerSecond: Math.round((sent1 - sent0) / wall),
        samplesPerCpuSecond: Math.round((sent1 - sent0) / (cpu1 - cpu0)),
        cpuUtilisation: Math.round(((cpu1 - cpu0) / wall) * 100) / 100,
        rssMiB: Math.round(rss / 1048576),
    };
}

async function main(): Promise<void> {
    collectorBinaries();
    const dir = runDir("bench");
    const pki = generatePki(path.join(dir, "pki"), DOMAIN);
    const prom = await new Prometheus("sink", dir, await freePort(), pki).start();
    const rw = [{ name: "primary", url: prom.remoteWriteUrl }];
    const rows: Row[] = [];
    for (const procs of [1, 2]) {
        const env = { GOMAXPROCS: String(procs) };
        const hp = await hubPorts();
        const hub = hubCollector(`hub-${procs}`, dir, pki, hp, rw, false, env);
        rows.push(await measure("hub", hub, `https://127.0.0.1:${hp.otlpHttp}/v1/metrics`, pki, true, procs));
        const pt = await passThrough(dir, pki, prom.remoteWriteUrl, env);
        rows.push(await measure("pass-through", pt.c, pt.url, pki, false, procs));
    }
    console.log("\nthroughput (closed loop, 4 senders x 1000-series OTLP/HTTP JSON requests, remote write to Prometheus over TLS)");
    console.table(rows);

    // Memory per 100k active series: 100k distinct series every 10 s (a 10 s scrape interval).
    const hp = await hubPorts();
    const hub = await hubCollector("hub-mem", dir, pki, hp, rw, false).start();
    const url = `https://127.0.0.1:${hp.otlpHttp}/v1/metrics`;
    await sleep(5_000);
    const idle = await hub.metric("otelcol_process_memory_rss");
    let peak = idle;
    for (let round = 0; round < 4; round++) {
        const t = Date.now();
        await Promise.all(Array.from({ length: 10 }, (_, w) => load(url, pki, true, 0.001, 10, w * 10)));
        peak = Math.max(peak, await hub.metric("otelcol_process_memory_rss"));
        await sleep(Math.max(0, 10_000 - (Date.now() - t)));
    }
    const activeSeries = await prom.value(`count(count_over_time(bench_gauge{job=~"bench-.*"}[1m]))`);
    const mibPer100k = Math.round(((peak - idle) / 1048576) / (Math.max(activeSeries, 1) / 100_000));
    console.log(`\nmemory: idle RSS ${Math.round(idle / 1048576)} MiB, peak ${Math.round(peak / 1048576)} MiB with ${activeSeries} active series: ${mibPer100k} MiB per 100k series`);

    // Queue replay: the store down for 30 s under a steady 5k samples/s, then the backlog's drain rate.
    const steady = (async (): Promise<void> => {
        const s = new OtlpSender(url, { metric: "bench_replay", series: BATCH, resource: { "service.name": "replay" }, tls: { ca: pki.ca, servername: DOMAIN } });
        await s.run(200, Date.now() + 45_000);
    })();
    await sleep(5_000);
    await prom.proc.stop();
    await sleep(30_000);
    const queued = await hub.metric("otelcol_exporter_queue_size");
    const before = await hub.metric("otelcol_exporter_sent_metric_points");
    const back = Date.now();
    await prom.start();
    await waitFor("the queue to drain", async () => ((await hub.metric("otelcol_exporter_queue_size")) <= 1 ? true : undefined), 300_000, 500);
    const drainSeconds = (Date.now() - back) / 1000;
    const replayed = (await hub.metric("otelcol_exporter_sent_metric_points")) - before;
    await steady;
    console.log(`replay: ${queued} batches queued after a 30 s outage at ~5k samples/s; drained in ${drainSeconds.toFixed(1)} s (${Math.round(replayed / drainSeconds)} samples/s including live traffic)`);

    const perCpu = rows.filter((r) => r.config === "hub").map((r) => r.samplesPerCpuSecond);
    const perVcpu = Math.min(...perCpu);
    console.log(`\nsizing rule: tasks = ceil(active series / scrape interval / (${perVcpu} samples/s per vCPU x task vCPU x CPU target))`);
    for (const [name, series] of [["example fleet (3 accounts x 50k series, 1 site at 2,000 samples/s)", 3 * 50_000 + 2_000 * 60], ["500 accounts x 50k series", 500 * 50_000]] as const) {
        const s = hubSizing({ activeSeries: series, scrapeIntervalSeconds: 60, taskVcpu: 1, targetCpuPercent: 60, samplesPerVcpu: perVcpu });
        console.log(`  ${name}: ${Math.round(s.samplesPerSecond)} samples/s -> ${s.tasks} tasks of 1 vCPU (maxTasks ${s.maxTasks})`);
    }
    await stopAll();
}

main().catch(async (e: unknown) => { console.error(e); await stopAll(); process.exitCode = 1; });
