import * as assert from "assert";
import * as path from "path";
import { PARAMS, collectorBinaries, runDir } from "./lib/env";
import { request } from "./lib/http";
import { OtlpSender } from "./lib/otlp";
import { Prometheus } from "./lib/prometheus";
import { freePort, stopAll, waitFor } from "./lib/procs";
import { scenario, stampCollector } from "./lib/report";
import { KeyPair, RunPki, generatePki } from "./lib/tls";
import { ACCOUNTS, DOMAIN, HubPorts, SpokePorts, gatewayCollector, hubCollector, hubPorts, spokePorts } from "./lib/topology";

describe("data path 2: on-prem gateway → hub over mutual TLS (OTLP/HTTP)", function () {
    let dir: string;
    let pki: RunPki;
    let prom: Prometheus;
    let hp: HubPorts;
    let gp: SpokePorts;

    before(async function () {
        this.timeout(3_600_000);
        collectorBinaries();
        await stampCollector();
        dir = runDir("s2");
        pki = generatePki(path.join(dir, "pki"), DOMAIN);
        prom = await new Prometheus("primary", dir, await freePort(), pki).start();
        hp = await hubPorts();
        await hubCollector("hub", dir, pki, hp, [{ name: "primary", url: prom.remoteWriteUrl }]).start();
        gp = await spokePorts();
        await gatewayCollector("gateway-dc1", dir, pki, hp.otlpHttpMtls, gp, { outageMinutes: 10, samplesPerSecond: 100, storageGi: 1 }).start();
    });
    after(stopAll);

    it("stores the site's samples with `site`, and refuses clients without a valid site certificate", async () => scenario("2-gateway-mtls", async (f) => {
        const metric = "e2e_site_gauge";
        const host = new OtlpSender(`http://127.0.0.1:${gp.otlpHttp}/v1/metrics`, { metric, series: 20, resource: { "service.name": "node-exporter", "host.name": "dc1-host-1" } });
        await host.run(PARAMS.sampleIntervalSeconds * 1000, Date.now() + 15_000);

        // Straight to the hub's mutual-TLS listener, as a client on the site network would.
        const direct = (cert?: KeyPair): OtlpSender => new OtlpSender(`https://127.0.0.1:${hp.otlpHttpMtls}/v1/metrics`, {
            metric: "e2e_direct_gauge", series: 1, resource: { "service.name": "intruder" },
            tls: { ca: pki.ca, servername: DOMAIN, ...(cert !== undefined ? { cert: cert.cert, key: cert.key } : {}) },
        });
        const attempts: Record<string, boolean> = {};
        for (const [name, cert] of [["no certificate", undefined], ["expired certificate", pki.expiredClient], ["another site's CA", pki.otherCaClient], ["the site's certificate (control)", pki.siteClient]] as const) {
            attempts[name] = await direct(cert).round();
        }
        // The listener answers plain TLS clients' requests with a handshake failure, not a 401: nothing is read.
        const health = await request(`https://127.0.0.1:${hp.health}/`, { ca: pki.ca, servername: DOMAIN }).then((r) => r.status);

        f.sent = host.accepted;
        const selector = `${metric}{site="dc1"}`;
        f.stored = await waitFor("the site's samples", async () => { const n = await prom.samples(selector); return n >= f.sent ? n : undefined; }, 60_000).catch(async () => prom.samples(selector));
        f.lost = f.sent - f.stored;
        const series = await prom.series(metric);
        const intruder = await prom.samples(`e2e_direct_gauge{job="intruder"}`);
        f.details = { directAttemptsAccepted: attempts, storedFromDirectClients: intruder, healthCheckStatus: health };

        assert.strictEqual(f.stored, f.sent);
        assert.ok(series.length === 20 && series.every((s) => s.site === "dc1" && s.account === ACCOUNTS.site && s.source_role === "onprem" && s.cluster === "dc1-k8s"), JSON.stringify(series[0]));
        assert.deepStrictEqual(attempts, { "no certificate": false, "expired certificate": false, "another site's CA": false, "the site's certificate (control)": true });
        await waitFor("the control sample", async () => ((await prom.samples(`e2e_direct_gauge{job="intruder"}`)) === 1 ? true : undefined), 30_000);
    }));
});
