/**
 * `npm run bench:collector`: figures, never pass/fail. The hub task as deployed: the tenant proxy
 * (HAProxy, mutual TLS, identity headers) in front of the built collector (tools/collector) with the hub
 * configuration (loopback OTLP with client metadata, memory limiter, identity and resource processors,
 * synchronous SigV4 remote write out to a Prometheus remote-write receiver over TLS), beside the same task
 * with the old batch processor + queue (acknowledging on enqueue) and the same collector with a pass-through
 * configuration (plain OTLP in, remote write out, nothing between: the ceiling), at GOMAXPROCS 1
 * and 2. Prints samples/s, samples per collector CPU-second (and the proxy's CPU beside it), RSS per 100k active series, the
 * replay rate of a site gateway (1 and 4 queue consumers) through the hub after a store outage, and the hub sizing rule's answers.
 * BENCH_SECONDS (default 20) sets each load phase.
 */
import * as fs from "fs";
import * as path from "path";
import { parse, stringify } from "yaml";
import { SPOKE_BATCH } from "../../components/agent/spokeCollectorConfig";
import { hubSizing } from "../../components/hub/collector/hubSizing";
import { Collector, collectorEnv } from "../e2e/datapath/lib/collector";
import { collectorBinaries, runDir } from "../e2e/datapath/lib/env";
import { OtlpSender, SenderTls } from "../e2e/datapath/lib/otlp";
import { Prometheus } from "../e2e/datapath/lib/prometheus";
import { Proc, freePort, sleep, stopAll, waitFor } from "../e2e/datapath/lib/procs";
import { RunPki, generatePki } from "../e2e/datapath/lib/tls";
import { DOMAIN, Hub, gatewayCollector, hubPorts } from "../e2e/datapath/lib/topology";

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
async function load(url: string, tls: SenderTls | undefined, seconds: number, workers: number, seriesOffset = 0): Promise<number> {
    const senders = Array.from({ length: workers }, (_, w) => new OtlpSender(url, {
        metric: "bench_gauge", series: BATCH, resource: { "service.name": `bench-${w + seriesOffset}`, "cloud.account.id": "222222222222", "cloud.region": "us-east-1" },
        ...(tls !== undefined ? { tls } : {}),
    }));
    await Promise.all(senders.map((s) => s.run(0, Date.now() + seconds * 1000)));
    return senders.reduce((n, s) => n + s.accepted, 0);
}

interface Row { config: string; gomaxprocs: number; samplesPerSecond: number; samplesPerCpuSecond: number; cpuUtilisation: number; rssMiB: number; proxySamplesPerCpuSecond?: number }

/** What is loaded: the collector (whose exporter counts the samples), optionally the proxy in front of it. */
interface Target { readonly collector: Collector; readonly proxy?: Proc; readonly url: string; readonly tls?: SenderTls; start(): Promise<unknown>; stop(): Promise<void> }

/**
 * The hub's primary path as it was before issue 31: a batch processor and an in-memory remote-write
 * queue between the receiver and AMP, so the sender was answered once the data was in memory. Kept
 * only here, to measure what acknowledging only what is stored costs.
 */
function acknowledgeOnEnqueue(yaml: string): string {
    const c = parse(yaml);
    c.service.pipelines.metrics.processors.push("batch");
    c.exporters["prometheusremotewrite/primary"].remote_write_queue = { enabled: true, queue_size: 10000, num_consumers: 5 };
    c.exporters["prometheusremotewrite/primary"].timeout = "10m";
    return stringify(c);
}

function hubTarget(name: string, dir: string, pki: RunPki, ports: Awaited<ReturnType<typeof hubPorts>>, rw: Array<{ name: string; url: string }>, env: Record<string, string> = {}, ackOnEnqueue = false): Target {
    const hub = new Hub(name, dir, pki, ports, rw, { env });
    if (ackOnEnqueue) fs.writeFileSync(hub.collector.configFile, acknowledgeOnEnqueue(fs.readFileSync(hub.collector.configFile, "utf8")));
    // A monitored account's certificate: the proxy sets its identity, the collector keeps the data.
    return { collector: hub.collector, proxy: hub.proxy, url: hub.httpUrl, tls: hub.senderTls(pki.tenants["account-222222222222"]), start: () => hub.start(), stop: () => hub.stop() };
}

async function measure(name: string, t: Target, procs: number): Promise<Row> {
    await t.start();
    await load(t.url, t.tls, 3, 4); // warm-up
    const pid = t.collector.proc.pid as number;
    const proxyPid = t.proxy?.pid;
    const [sent0, cpu0, pcpu0, t0] = [await t.collector.metric("otelcol_exporter_sent_metric_points"), cpuSeconds(pid), proxyPid !== undefined ? cpuSeconds(proxyPid) : 0, Date.now()];
    await load(t.url, t.tls, SECONDS, 4);
    const [sent1, cpu1, pcpu1, t1] = [await t.collector.metric("otelcol_exporter_sent_metric_points"), cpuSeconds(pid), proxyPid !== undefined ? cpuSeconds(proxyPid) : 0, Date.now()];
    const rss = await t.collector.metric("otelcol_process_memory_rss");
    await t.stop();
    const wall = (t1 - t0) / 1000;
    return {
        config: name, gomaxprocs: procs,
        samplesPerSecond: Math.round((sent1 - sent0) / wall),
        samplesPerCpuSecond: Math.round((sent1 - sent0) / (cpu1 - cpu0)),
        cpuUtilisation: Math.round(((cpu1 - cpu0) / wall) * 100) / 100,
        rssMiB: Math.round(rss / 1048576),
        ...(proxyPid !== undefined ? { proxySamplesPerCpuSecond: Math.round((sent1 - sent0) / Math.max(pcpu1 - pcpu0, 0.01)) } : {}),
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
        rows.push(await measure("hub (proxy + collector)", hubTarget(`hub-${procs}`, dir, pki, await hubPorts(), rw, env), procs));
        rows.push(await measure("hub, ack on enqueue (before issue 31)", hubTarget(`hub-enqueue-${procs}`, dir, pki, await hubPorts(), rw, env, true), procs));
        const pt = await passThrough(dir, pki, prom.remoteWriteUrl, env);
        rows.push(await measure("pass-through", { collector: pt.c, url: pt.url, start: () => pt.c.start(), stop: () => pt.c.stop() }, procs));
    }
    console.log("\nthroughput (closed loop, 4 senders x 1000-series OTLP/HTTP JSON requests over mutual TLS to the proxy, remote write to Prometheus over TLS)");
    console.log("samplesPerCpuSecond counts the collector's CPU; proxySamplesPerCpuSecond the proxy's (HAProxy) beside it");
    console.table(rows);

    // Memory per 100k active series: 100k distinct series every 10 s (a 10 s scrape interval).
    const hubT = hubTarget("hub-mem", dir, pki, await hubPorts(), rw);
    await hubT.start();
    const hub = hubT.collector;
    const url = hubT.url;
    await sleep(5_000);
    const idle = await hub.metric("otelcol_process_memory_rss");
    let peak = idle;
    for (let round = 0; round < 4; round++) {
        const t = Date.now();
        await Promise.all(Array.from({ length: 10 }, (_, w) => load(url, hubT.tls, 0.001, 10, w * 10)));
        peak = Math.max(peak, await hub.metric("otelcol_process_memory_rss"));
        await sleep(Math.max(0, 10_000 - (Date.now() - t)));
    }
    const activeSeries = await prom.value(`count(count_over_time(bench_gauge{job=~"bench-.*"}[1m]))`);
    const mibPer100k = Math.round(((peak - idle) / 1048576) / (Math.max(activeSeries, 1) / 100_000));
    console.log(`\nmemory: idle RSS ${Math.round(idle / 1048576)} MiB, peak ${Math.round(peak / 1048576)} MiB with ${activeSeries} active series: ${mibPer100k} MiB per 100k series`);

    // Replay: the hub holds nothing now, so a backlog replays from the senders' queues. A site gateway
    // (persistent queue, as rendered) through the hub task; the store down for 30 s under a steady
    // ~5k samples/s; then the drain rate, with 1 and with 4 concurrent exports (num_consumers: with the
    // batcher after the queue, the queue has one reader and the batcher that many exports: queue_batch.go:43-57).
    for (const consumers of [1, 4]) {
        const gp = { otlpGrpc: await freePort(), otlpHttp: await freePort(), health: await freePort(), selfMetrics: await freePort() };
        const gw = gatewayCollector(`gateway-${consumers}`, dir, pki, Number(new URL(url).port), gp, { outageMinutes: 5, samplesPerSecond: 5_000, storageGi: 1 });
        const c = parse(fs.readFileSync(gw.configFile, "utf8"));
        c.exporters["otlphttp/hub"].sending_queue.num_consumers = consumers;
        fs.writeFileSync(gw.configFile, stringify(c));
        await gw.start();
        const steady = new OtlpSender(`http://127.0.0.1:${gp.otlpHttp}/v1/metrics`, { metric: "bench_replay", series: BATCH, resource: { "service.name": `replay-${consumers}` } });
        const running = steady.run(200, Date.now() + 3_600_000);
        await sleep(5_000);
        await prom.proc.stop();
        await sleep(30_000);
        const queued = await gw.metric("otelcol_exporter_queue_size");
        const before = await gw.metric("otelcol_exporter_sent_metric_points");
        const back = Date.now();
        await prom.start();
        // The queue counts samples not yet taken by the hub; live traffic keeps at most the batch being
        // formed (under min_size, plus one push) and the one being sent (max_size) there.
        await waitFor("the gateway's queue to drain", async () => ((await gw.metric("otelcol_exporter_queue_size")) <= SPOKE_BATCH.minSize + BATCH + SPOKE_BATCH.maxSize ? true : undefined), 600_000, 500);
        const drainSeconds = (Date.now() - back) / 1000;
        const replayed = (await gw.metric("otelcol_exporter_sent_metric_points")) - before;
        steady.stop();
        await running;
        await gw.stop();
        console.log(`replay with ${consumers} consumer(s): ${queued} samples queued at the gateway after a 30 s store outage at ~5k samples/s; drained in ${drainSeconds.toFixed(1)} s (${Math.round(replayed / drainSeconds)} samples/s including live traffic)`);
    }

    // The proxy and the collector share the task's vCPUs: a sample costs the CPU of both.
    const perCpu = rows.filter((r) => r.config === "hub (proxy + collector)").map((r) => Math.round(1 / (1 / r.samplesPerCpuSecond + 1 / (r.proxySamplesPerCpuSecond ?? Infinity))));
    const perVcpu = Math.min(...perCpu);
    console.log(`\nhub task (proxy + collector): ${perCpu.join(" / ")} samples per task CPU-second (GOMAXPROCS 1 / 2)`);
    console.log(`\nsizing rule: tasks = ceil(active series / scrape interval / (${perVcpu} samples/s per vCPU x task vCPU x CPU target))`);
    for (const [name, series] of [["example fleet (3 accounts x 50k series, 1 site at 2,000 samples/s)", 3 * 50_000 + 2_000 * 60], ["500 accounts x 50k series", 500 * 50_000]] as const) {
        const s = hubSizing({ activeSeries: series, scrapeIntervalSeconds: 60, taskVcpu: 1, targetCpuPercent: 60, samplesPerVcpu: perVcpu });
        console.log(`  ${name}: ${Math.round(s.samplesPerSecond)} samples/s -> ${s.tasks} tasks of 1 vCPU (maxTasks ${s.maxTasks})`);
    }
    await stopAll();
}

main().catch(async (e: unknown) => { console.error(e); await stopAll(); process.exitCode = 1; });
