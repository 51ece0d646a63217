import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { Collector } from "./lib/collector";
import { PARAMS, collectorBinaries, runDir } from "./lib/env";
import { parseExposition } from "./lib/http";
import { OtlpSender } from "./lib/otlp";
import { Prometheus } from "./lib/prometheus";
import { Proc, freePorts, freePort, portOpen, sleep, stopAll, waitFor } from "./lib/procs";
import { scenario, stampCollector } from "./lib/report";
import { generatePki } from "./lib/tls";
import { ACCOUNTS, DOMAIN, HubPorts, gatewayCollector, hubCollector, hubPorts, spokeCollector, spokePorts } from "./lib/topology";

/**
 * HAProxy in TCP mode standing in for the NLB: TLS passes through to the replicas, each new
 * connection goes to the next healthy replica (round robin, no source-IP stickiness), and a
 * replica failing its TCP check leaves the rotation within a second.
 */
function haproxyConfig(front: { grpc: number; mtls: number }, replicas: HubPorts[]): string {
    const backend = (name: string, port: (h: HubPorts) => number): string[] => [
        `backend ${name}`, "    mode tcp", "    balance roundrobin",
        ...replicas.map((h, i) => `    server hub${i} 127.0.0.1:${port(h)} check inter 1s fall 1 rise 1`),
    ];
    return [
        "global", "    maxconn 2000",
        "defaults", "    mode tcp", "    timeout connect 2s", "    timeout client 5m", "    timeout server 5m",
        `frontend grpc`, `    bind 127.0.0.1:${front.grpc}`, "    default_backend grpc",
        `frontend mtls`, `    bind 127.0.0.1:${front.mtls}`, "    default_backend mtls",
        ...backend("grpc", (h) => h.otlpGrpc), ...backend("mtls", (h) => h.otlpHttpMtls), "",
    ].join("\n");
}

describe("data path 5: two hub replicas behind a TCP load balancer, with churn", function () {
    it("stores every sample once: no out-of-order or duplicate rejections across replicas", async function () {
        this.timeout(3_600_000);
        collectorBinaries();
        await stampCollector();
        await scenario("5-hub-replicas", async (f) => {
            const dir = runDir("s5");
            const pki = generatePki(path.join(dir, "pki"), DOMAIN);
            const prom = await new Prometheus("primary", dir, await freePort(), pki).start();
            const [pa, pb] = [await hubPorts(), await hubPorts()];
            const rw = [{ name: "primary", url: prom.remoteWriteUrl }];
            const hubs: Collector[] = [await hubCollector("hub-a", dir, pki, pa, rw).start(), await hubCollector("hub-b", dir, pki, pb, rw).start()];
            const [fg, fm] = await freePorts(2);
            const cfg = path.join(dir, "haproxy.cfg");
            fs.writeFileSync(cfg, haproxyConfig({ grpc: fg, mtls: fm }, [pa, pb]));
            new Proc("haproxy", "haproxy", ["-f", cfg, "-db"], path.join(dir, "haproxy.log")).start();
            await waitFor("haproxy", async () => ((await portOpen(fg)) && (await portOpen(fm)) ? true : undefined), 20_000);

            const sp = await spokePorts();
            await spokeCollector("spoke", dir, pki, ACCOUNTS.spokeA, "analytics", fg, sp).start();
            const gp = await spokePorts();
            await gatewayCollector("gateway", dir, pki, fm, gp, { outageMinutes: 10, samplesPerSecond: 100, storageGi: 1 }).start();
            const metric = "e2e_replicas_gauge";
            const senders = [
                new OtlpSender(`http://127.0.0.1:${sp.otlpHttp}/v1/metrics`, { metric, series: 50, resource: { "service.name": "eks-app" } }),
                new OtlpSender(`http://127.0.0.1:${gp.otlpHttp}/v1/metrics`, { metric, series: 50, resource: { "service.name": "site-app" } }),
            ];
            const runs = senders.map((s) => s.run(PARAMS.sampleIntervalSeconds * 1000, Date.now() + 3_600_000));
            const churn: string[] = [];
            const step = async (what: string, act: () => Promise<unknown>, waitS: number): Promise<void> => { await sleep(waitS * 1000); await act(); churn.push(what); };
            await step("restart hub-a", () => hubs[0].restart(), 15);
            await step("scale in: stop hub-b", () => hubs[1].stop(), 15);
            await step("scale out: start hub-b", () => hubs[1].start(), 15);
            await step("restart hub-b", () => hubs[1].restart(), 15);
            await sleep(15_000);
            senders.forEach((s) => s.stop());
            await Promise.all(runs);
            f.sent = senders.reduce((n, s) => n + s.accepted, 0);
            f.stored = await waitFor("every sample", async () => { const n = await prom.samples(metric); return n >= f.sent ? n : undefined; }, 120_000, 2_000).catch(async () => prom.samples(metric));
            f.lost = f.sent - f.stored;
            const self = await prom.selfMetrics();
            const log = prom.proc.logTail(100_000);
            const ooo = parseExposition(self, "prometheus_tsdb_out_of_order_samples_total");
            const rejectedRequests = (log.match(/[Oo]ut of order sample|duplicate sample/g) ?? []).length;
            f.details = {
                replicas: 2, churn, sampleIntervalSeconds: PARAMS.sampleIntervalSeconds,
                outOfOrderSamples: ooo, rejectedWriteLogLines: rejectedRequests,
                tooOldSamples: parseExposition(self, "prometheus_tsdb_too_old_samples_total"),
            };
            assert.strictEqual(ooo, 0, "no out-of-order samples");
            assert.strictEqual(rejectedRequests, 0, "no rejected remote writes");
            assert.strictEqual(f.stored, f.sent, "stored == sent");
        });
    });
    after(stopAll);
});
