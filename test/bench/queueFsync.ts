/**
 * `npm run bench:queue-fsync`: figures, never pass/fail. What syncing the site gateway's persistent queue
 * costs (file_storage `fsync`, PERSISTENT_QUEUE_DEFAULTS): the gateway as rendered for a site, with its hub
 * unreachable so every accepted push only goes to disk, loaded closed-loop by site applications pushing
 * SERIES-point requests over OTLP/HTTP for BENCH_SECONDS (default 15) per row. Prints accepted samples and
 * pushes per second and the answer time per push (median, p99), with fsync off and on, 1 and 4 senders.
 * The figure depends on the disk under the queue directory (OSSMON_E2E_DIR, default the OS temp dir): the
 * README records which one was measured.
 */
import * as fs from "fs";
import * as path from "path";
import { runDir } from "../e2e/datapath/lib/env";
import { OtlpSender } from "../e2e/datapath/lib/otlp";
import { freePort, stopAll } from "../e2e/datapath/lib/procs";
import { generatePki } from "../e2e/datapath/lib/tls";
import { DOMAIN, gatewayCollector, spokePorts } from "../e2e/datapath/lib/topology";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const SERIES = 250;

interface Row { fsync: boolean; senders: number; samplesPerSecond: number; pushesPerSecond: number; medianMs: number; p99Ms: number }

function quantile(sorted: readonly number[], q: number): number {
    return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function row(dir: string, pki: ReturnType<typeof generatePki>, fsync: boolean, senders: number): Promise<Row> {
    const name = `gw-${fsync ? "fsync" : "nosync"}-${senders}`;
    const unreachableHub = await freePort();
    const ports = await spokePorts();
    const gw = await gatewayCollector(name, dir, pki, unreachableHub, ports, { outageMinutes: 30, samplesPerSecond: 20_000, storageGi: 40, fsync }).start();
    try {
        const url = `http://127.0.0.1:${ports.otlpHttp}/v1/metrics`;
        const apps = Array.from({ length: senders }, (_, i) => new OtlpSender(url, { metric: "bench_fsync", series: SERIES, resource: { "service.name": `site-app-${i}` } }));
        const started = Date.now();
        const latencies: number[] = [];
        await Promise.all(apps.map(async (a) => {
            while (Date.now() - started < SECONDS * 1000) {
                const t0 = process.hrtime.bigint();
                await a.round();
                latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
            }
        }));
        const elapsed = (Date.now() - started) / 1000;
        const accepted = apps.reduce((n, a) => n + a.accepted, 0);
        latencies.sort((x, y) => x - y);
        return { fsync, senders, samplesPerSecond: Math.round(accepted / elapsed), pushesPerSecond: Math.round(accepted / SERIES / elapsed), medianMs: Number(quantile(latencies, 0.5).toFixed(2)), p99Ms: Number(quantile(latencies, 0.99).toFixed(2)) };
    } finally {
        await gw.stop();
    }
}

async function main(): Promise<void> {
    const dir = runDir("bench-fsync");
    const pki = generatePki(path.join(dir, "pki"), DOMAIN);
    const rows: Row[] = [];
    try {
        for (const senders of [1, 4]) {
            for (const fsync of [false, true]) {
                rows.push(await row(dir, pki, fsync, senders));
            }
        }
    } finally {
        await stopAll();
    }
    const fsType = fs.readFileSync("/proc/mounts", "utf8").split("\n").map((l) => l.split(" ")).filter((f) => f.length > 2 && dir.startsWith(f[1])).sort((a, b) => b[1].length - a[1].length)[0];
    console.log(`queue directory ${dir} on ${fsType?.[2] ?? "?"} (${fsType?.[0] ?? "?"}); ${SECONDS} s per row, ${SERIES} samples per push, load average ${fs.readFileSync("/proc/loadavg", "utf8").split(" ")[0]}`);
    console.table(rows);
}

void main().catch((e: unknown) => { console.error(e); process.exitCode = 1; });
