import * as assert from "assert";
import { PARAMS } from "./lib/env";
import { OtlpSender } from "./lib/otlp";
import { Prometheus } from "./lib/prometheus";
import { stopAll, waitFor } from "./lib/procs";
import { scenario } from "./lib/report";
import { ACCOUNTS, Hub, SITES, SpokePorts, gatewayCollector, prepareRun, spokePorts, startHub, startStore } from "./lib/topology";

/** Refused identities (expired, revoked, unmapped, foreign CA, none) on every hub port: scenario 8. */
describe("data path 2: on-prem gateway → hub over mutual TLS (OTLP/HTTP) with the site certificate", function () {
    let prom: Prometheus;
    let hub: Hub;
    let gp: SpokePorts;

    before(async function () {
        this.timeout(3_600_000);
        const { dir, pki } = await prepareRun("s2");
        prom = await startStore("primary", dir, pki);
        hub = await startHub("hub", dir, pki, [{ name: "primary", url: prom.remoteWriteUrl }]);
        gp = await spokePorts();
        // The gateway presents site dc1's certificate from the hub tenant CA.
        await gatewayCollector("gateway-dc1", dir, pki, hub.ports.otlpHttp, gp, { outageMinutes: 10, samplesPerSecond: 100, storageGi: 1 }).start();
    });
    after(stopAll);

    it("stores the site's samples with the site and landing account of its certificate", async () => scenario("2-gateway-mtls", async (f) => {
        const metric = "e2e_site_gauge";
        const host = new OtlpSender(`http://127.0.0.1:${gp.otlpHttp}/v1/metrics`, { metric, series: 20, resource: { "service.name": "node-exporter", "host.name": "dc1-host-1" } });
        await host.run(PARAMS.sampleIntervalSeconds * 1000, Date.now() + 15_000);

        f.sent = host.accepted;
        const selector = `${metric}{site="${SITES.dc1}"}`;
        f.stored = await waitFor("the site's samples", async () => { const n = await prom.samples(selector); return n >= f.sent ? n : undefined; }, 60_000).catch(async () => prom.samples(selector));
        f.lost = f.sent - f.stored;
        const series = await prom.series(metric);
        const storedAnyLabels = await prom.samples(metric);
        f.details = { rounds: host.rounds, senderFailedRounds: host.failedRequests, series: series.length, labels: series[0], storedUnderAnyLabels: storedAnyLabels, healthCheckStatus: await hub.health() };

        assert.ok(f.sent > 0, "the site sent samples");
        assert.strictEqual(host.failedRequests, 0, `the gateway accepted every round (${host.lastError})`);
        assert.strictEqual(f.stored, f.sent, "every sample stored once under the site");
        assert.strictEqual(storedAnyLabels, f.stored, "none stored under other labels");
        assert.ok(series.length === 20 && series.every((s) => s.site === SITES.dc1 && s.account === ACCOUNTS.site && s.source_role === "onprem" && s.cluster === "dc1-k8s"), JSON.stringify(series[0]));
    }));
});
