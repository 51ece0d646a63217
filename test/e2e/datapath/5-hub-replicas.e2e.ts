import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { PARAMS } from "./lib/env";
import { parseExposition } from "./lib/http";
import { OtlpSender } from "./lib/otlp";
import { Proc, freePorts, portOpen, sleep, stopAll, waitFor } from "./lib/procs";
import { scenario } from "./lib/report";
import { RunPki } from "./lib/tls";
import { ACCOUNTS, DOMAIN, Hub, HubPorts, KEYS, gatewayCollector, prepareRun, spokeCollector, spokePorts, startHub, startStore } from "./lib/topology";

/**
 * HAProxy in TCP mode standing in for the NLB in front of two hub tasks (each = tenant proxy +
 * collector): the mutual TLS passes through to the task's proxy on 4317 and 4318 (TCP listeners,
 * identity-design.md), each new connection goes to the next healthy task (round robin, no
 * source-IP stickiness), and the health check is HTTPS on the task's health port without a client
 * certificate, as the NLB's target-group check (HAProxy 2.6 manual 5.2: `check-ssl`, `port`,
 * `check-sni`; `verifyhost` checks the task certificate for the collector domain).
 */
function frontConfig(front: { grpc: number; http: number }, tasks: HubPorts[], pki: RunPki): string {
    const backend = (name: string, port: (h: HubPorts) => number): string[] => [
        `backend ${name}`, "    mode tcp", "    balance roundrobin", "    option httpchk GET /",
        ...tasks.map((h, i) => `    server task${i} 127.0.0.1:${port(h)} check port ${h.health} check-ssl check-sni ${DOMAIN} ca-file ${pki.ca} verifyhost ${DOMAIN} inter 1s fall 1 rise 1`),
    ];
    return [
        "global", "    maxconn 2000",
        "defaults", "    mode tcp", "    timeout connect 2s", "    timeout client 5m", "    timeout server 5m",
        `frontend grpc`, `    bind 127.0.0.1:${front.grpc}`, "    default_backend grpc",
        `frontend http`, `    bind 127.0.0.1:${front.http}`, "    default_backend http",
        ...backend("grpc", (h) => h.otlpGrpc), ...backend("http", (h) => h.otlpHttp), "",
    ].join("\n");
}

describe("data path 5: two hub replicas behind a TCP load balancer, with churn", function () {
    it("stores every sample once: no out-of-order or duplicate rejections across replicas", async function () {
        this.timeout(3_600_000);
        const { dir, pki } = await prepareRun("s5");
        await scenario("5-hub-replicas", async (f) => {
            const prom = await startStore("primary", dir, pki);
            const rw = [{ name: "primary", url: prom.remoteWriteUrl }];
            const hubs: Hub[] = [await startHub("hub-a", dir, pki, rw), await startHub("hub-b", dir, pki, rw)];
            const [fg, fm] = await freePorts(2);
            const cfg = path.join(dir, "nlb.cfg");
            fs.writeFileSync(cfg, frontConfig({ grpc: fg, http: fm }, hubs.map((h) => h.ports), pki));
            new Proc("nlb", "haproxy", ["-f", cfg, "-db"], path.join(dir, "nlb.log")).start();
            await waitFor("the load balancer", async () => ((await portOpen(fg)) && (await portOpen(fm)) ? true : undefined), 20_000);

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
            // Every round tried, accepted or not (issue 30): the spoke and the gateway must refuse none.
            f.sent = senders.reduce((n, s) => n + (s.rounds + s.failedRequests) * 50, 0);
            f.stored = await waitFor("every sample", async () => { const n = await prom.samples(metric); return n >= f.sent ? n : undefined; }, 120_000, 2_000).catch(async () => prom.samples(metric));
            f.lost = f.sent - f.stored;
            // Whichever task took a connection, the labels come from the sender's certificate.
            const byTenant = [await prom.samples(`${metric}{account="${ACCOUNTS.spokeA}", job="eks-app"}`), await prom.samples(`${metric}{account="${ACCOUNTS.site}", site="dc1", job="site-app"}`)];
            const self = await prom.selfMetrics();
            const log = prom.proc.logTail(100_000);
            const ooo = parseExposition(self, "prometheus_tsdb_out_of_order_samples_total");
            const rejectedRequests = (log.match(/[Oo]ut of order sample|duplicate sample/g) ?? []).length;
            f.details = {
                replicas: 2, churn, sampleIntervalSeconds: PARAMS.sampleIntervalSeconds,
                outOfOrderSamples: ooo, rejectedWriteLogLines: rejectedRequests,
                tooOldSamples: parseExposition(self, "prometheus_tsdb_too_old_samples_total"),
                storedByTenant: { [KEYS.spokeA]: byTenant[0], [KEYS.dc1]: byTenant[1] },
                senderFailedRounds: senders.map((s) => s.failedRequests),
            };
            assert.deepStrictEqual(senders.map((s) => s.failedRequests), [0, 0], "the spoke and the gateway accepted every round");
            assert.strictEqual(ooo, 0, "no out-of-order samples");
            assert.strictEqual(rejectedRequests, 0, "no rejected remote writes");
            assert.strictEqual(f.stored, f.sent, "stored == sent");
            assert.strictEqual(byTenant[0] + byTenant[1], f.stored, "every sample under its sender's tenant");
        });
    });
    after(stopAll);
});
