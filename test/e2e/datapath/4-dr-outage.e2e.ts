import * as assert from "assert";
import { PARAMS } from "./lib/env";
import { OtlpSender } from "./lib/otlp";
import { sleep, stopAll, waitFor } from "./lib/procs";
import { scenario } from "./lib/report";
import { KEYS, prepareRun, startHub, startStore } from "./lib/topology";

/** Freshness bound of the primary while DR is down: the hub's batch timeout (5s) + a send interval + query slack. */
const PRIMARY_LAG_BOUND_SECONDS = 15;

describe("data path 4: the DR workspace is down for the outage", function () {
    it("keeps the primary complete and fresh, and DR catches up from its queue", async function () {
        this.timeout(3_600_000);
        const { dir, pki } = await prepareRun("s4");
        await scenario("4-dr-outage", async (f) => {
            const primary = await startStore("primary", dir, pki);
            const dr = await startStore("dr", dir, pki);
            const hub = await startHub("hub", dir, pki, [{ name: "primary", url: primary.remoteWriteUrl }, { name: "dr", url: dr.remoteWriteUrl }]);
            const metric = "e2e_dr_gauge";
            // A monitored account's OTLP/HTTP straight to the hub's mutual-TLS port with its tenant certificate.
            const app = new OtlpSender(hub.httpUrl, {
                metric, series: 50, resource: { "service.name": "svc", "cloud.account.id": "222222222222", "cloud.region": "us-east-1" },
                tls: hub.senderTls(pki.tenants[KEYS.spokeA]),
            });
            const sending = app.run(PARAMS.sampleIntervalSeconds * 1000, Date.now() + 3_600_000);
            // Seconds since the primary's newest sample; null while it has none (an empty store has no freshness).
            const lag = async (): Promise<number | null> => {
                const r = await primary.query(`max(timestamp(${metric}))`);
                return r.length === 0 ? null : Date.now() / 1000 - Number(r[0].value[1]);
            };
            await waitFor("the first samples in the primary", async () => ((await lag()) !== null ? true : undefined), 60_000);
            const lagBefore: Array<number | null> = [];
            const lagDuring: Array<number | null> = [];
            for (let i = 0; i < 5; i++) { await sleep(3_000); lagBefore.push(await lag()); }
            await dr.proc.stop();
            const until = Date.now() + PARAMS.outageSeconds * 1000;
            while (Date.now() < until) { await sleep(3_000); lagDuring.push(await lag()); }
            await dr.start();
            await sleep(5_000);
            app.stop();
            await sending;
            f.sent = app.accepted;
            const back = Date.now();
            const primaryStored = await waitFor("primary complete", async () => { const n = await primary.samples(metric); return n >= f.sent ? n : undefined; }, 60_000).catch(async () => primary.samples(metric));
            f.stored = await waitFor("DR to catch up", async () => { const n = await dr.samples(metric); return n >= f.sent ? n : undefined; }, 180_000, 2_000).catch(async () => dr.samples(metric));
            const catchUpSeconds = Math.round((Date.now() - back) / 1000);
            f.lost = f.sent - f.stored;
            // Any probe that found the primary empty makes the maximum infinite: it cannot pass a bound.
            const max = (a: Array<number | null>): number => (a.length === 0 || a.includes(null) ? Infinity : Math.round(Math.max(...(a as number[])) * 10) / 10);
            const drLog = dr.proc.logTail(2000);
            f.details = {
                outageSeconds: PARAMS.outageSeconds, rounds: app.rounds, senderFailedRounds: app.failedRequests, primaryStored, drStored: f.stored, drCatchUpSeconds: catchUpSeconds,
                primaryMaxLagBeforeSeconds: max(lagBefore), primaryMaxLagDuringSeconds: max(lagDuring), lagProbesDuring: lagDuring.length, lagBoundSeconds: PRIMARY_LAG_BOUND_SECONDS,
                drOutOfOrderLogLines: (drLog.match(/[Oo]ut of order sample/g) ?? []).length,
            };
            assert.ok(f.sent > 0, "the monitored account sent samples");
            assert.strictEqual(app.failedRequests, 0, `the hub accepted every round (${app.lastError})`);
            assert.strictEqual(primaryStored, f.sent, "the primary lost nothing");
            assert.ok(lagDuring.length >= Math.floor(PARAMS.outageSeconds / 3) - 1, `the primary's freshness was probed through the outage (${lagDuring.length} probes)`);
            assert.ok(max(lagDuring) <= PRIMARY_LAG_BOUND_SECONDS, `primary freshness stayed within ${PRIMARY_LAG_BOUND_SECONDS}s while DR was down (max ${max(lagDuring)}s)`);
            assert.strictEqual(f.stored, f.sent, "DR caught up with everything");
        });
    });
    after(stopAll);
});
