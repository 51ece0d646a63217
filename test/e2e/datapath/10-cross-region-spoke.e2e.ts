import * as assert from "assert";
import { PARAMS } from "./lib/env";
import { OtlpSender } from "./lib/otlp";
import { Prometheus } from "./lib/prometheus";
import { sleep, stopAll, waitFor } from "./lib/procs";
import { scenario } from "./lib/report";
import { RunPki } from "./lib/tls";
import { ACCOUNTS, Hub, KEYS, REGION, SITES, gatewayCollector, prepareRun, spokeCollector, spokePorts, startHub, startStore } from "./lib/topology";

/**
 * Spokes in another region than the hub (README "One fleet across regions"). In AWS the only difference
 * on the wire is the cross-region interface endpoint, which this host cannot run: the endpoint is
 * loopback here, as in every scenario. What is real: the collectors rendered for a second region, the
 * hub's tenant proxy and collector, and an outage of the hub while they send.
 */
const SECOND_REGION = "us-west-2";
const SERIES = 20;

describe("data path 10: spokes in a second region → the hub's region", function () {
    let dir: string;
    let pki: RunPki;
    let prom: Prometheus;
    let hub: Hub;

    before(async function () {
        this.timeout(3_600_000);
        assert.notStrictEqual(SECOND_REGION, REGION);
        ({ dir, pki } = await prepareRun("s10"));
        prom = await startStore("primary", dir, pki);
        hub = await startHub("hub", dir, pki, [{ name: "primary", url: prom.remoteWriteUrl }]);
    });
    after(stopAll);

    it("labels a second-region account's and site's series with that region and their certificates' identities, and loses nothing through a hub outage", async () => scenario("10-cross-region-spoke", async (f) => {
        const rate = SERIES / PARAMS.sampleIntervalSeconds;
        const sp = await spokePorts();
        const spoke = await spokeCollector("spoke-west", dir, pki, ACCOUNTS.spokeB, "web-west", hub.ports.otlpGrpc, sp, pki.tenants[KEYS.spokeB], SECOND_REGION).start();
        const gp = await spokePorts();
        const gw = await gatewayCollector("gateway-west", dir, pki, hub.ports.otlpHttp, gp, { outageMinutes: Math.ceil(PARAMS.outageSeconds / 60) + 1, samplesPerSecond: rate, storageGi: 1 }, pki.tenants[KEYS.dc1], SECOND_REGION).start();
        const [accountMetric, siteMetric] = ["e2e_west_account_gauge", "e2e_west_site_gauge"];
        // The sender claims another account: the hub must overwrite it from the certificate.
        const account = new OtlpSender(`http://127.0.0.1:${sp.otlpHttp}/v1/metrics`, { metric: accountMetric, series: SERIES, resource: { "service.name": "web", "cloud.account.id": "999999999999" } });
        const site = new OtlpSender(`http://127.0.0.1:${gp.otlpHttp}/v1/metrics`, { metric: siteMetric, series: SERIES, resource: { "service.name": "site-app" } });
        const until = Date.now() + 3_600_000;
        const sending = [account.run(PARAMS.sampleIntervalSeconds * 1000, until), site.run(PARAMS.sampleIntervalSeconds * 1000, until)];
        await sleep(10_000);
        await hub.stop();
        await sleep(PARAMS.outageSeconds * 1000);
        await hub.start();
        await sleep(10_000);
        account.stop();
        site.stop();
        await Promise.all(sending);
        // Every round each application tried, accepted or not: the spokes must refuse none during the outage.
        const sent = { [accountMetric]: (account.rounds + account.failedRequests) * SERIES, [siteMetric]: (site.rounds + site.failedRequests) * SERIES };
        f.sent = sent[accountMetric] + sent[siteMetric];
        const stored = async () => ({ [accountMetric]: await prom.samples(accountMetric), [siteMetric]: await prom.samples(siteMetric) });
        const byMetric = await waitFor("both backlogs to drain into the store", async () => {
            const s = await stored();
            return s[accountMetric] >= sent[accountMetric] && s[siteMetric] >= sent[siteMetric] ? s : undefined;
        }, 240_000, 2_000).catch(stored);
        f.stored = byMetric[accountMetric] + byMetric[siteMetric];
        f.lost = f.sent - f.stored;
        const accountSeries = await prom.series(accountMetric);
        const siteSeries = await prom.series(siteMetric);
        f.details = { region: SECOND_REGION, hubRegion: REGION, outageSeconds: PARAMS.outageSeconds, sent, stored: byMetric, failedRounds: { account: account.failedRequests, site: site.failedRequests } };
        assert.strictEqual(account.failedRequests, 0, `the account's collector accepted every round (${account.lastError})`);
        assert.strictEqual(site.failedRequests, 0, `the site gateway accepted every round (${site.lastError})`);
        assert.deepStrictEqual(byMetric, sent, "sent == stored for each spoke");
        assert.strictEqual(accountSeries.length, SERIES);
        for (const s of accountSeries) {
            assert.strictEqual(s.region, SECOND_REGION);
            assert.strictEqual(s.account, ACCOUNTS.spokeB, "the certificate's account, not the claimed one");
            assert.strictEqual(s.source_role, "monitored");
        }
        assert.strictEqual(siteSeries.length, SERIES);
        for (const s of siteSeries) {
            assert.strictEqual(s.region, SECOND_REGION);
            assert.strictEqual(s.account, ACCOUNTS.site);
            assert.strictEqual(s.site, SITES.dc1);
            assert.strictEqual(s.source_role, "onprem");
        }
        await Promise.all([spoke.stop(), gw.stop()]);
    }));
});
