import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { Collector } from "./lib/collector";
import { StoredSample, assertSeriesStored, compareSeries, telemetrygenLog } from "./lib/counting";
import { DROPPED_RESOURCE_ATTRIBUTES } from "../../../components/hub/collector/hubCollectorConfig";
import { PARAMS, collectorBinaries } from "./lib/env";
import { OtlpSender } from "./lib/otlp";
import { OtlpTap } from "./lib/otlpTap";
import { request } from "./lib/http";
import { Prometheus } from "./lib/prometheus";
import { Proc, stopAll, waitFor } from "./lib/procs";
import { scenario } from "./lib/report";
import { RunPki } from "./lib/tls";
import { ACCOUNTS, REGION, SpokePorts, prepareRun, spokeCollector, spokePorts, startHub, startStore } from "./lib/topology";

/** telemetrygen's --metrics with one worker: the points it generates. */
const TELEMETRYGEN_POINTS = 200;

/** Label names that would come from a resource attribute the hub's deny-list drops (dots become underscores). */
function deniedLabel(label: string): boolean {
    const attr = new RegExp(DROPPED_RESOURCE_ATTRIBUTES.replace(/\\\./g, "_"));
    return attr.test(label);
}

describe("data path 1: monitored spoke (EKS collector config) → hub (tenant proxy + collector) over gRPC/mutual TLS → primary store", function () {
    let dir: string;
    let pki: RunPki;
    let prom: Prometheus;
    let sp: SpokePorts;
    let spoke: Collector;

    before(async function () {
        this.timeout(3_600_000);
        ({ dir, pki } = await prepareRun("s1"));
        prom = await startStore("primary", dir, pki);
        const hub = await startHub("hub", dir, pki, [{ name: "primary", url: prom.remoteWriteUrl }]);
        sp = await spokePorts();
        // The spoke presents its tenant certificate (account-222…); the hub labels from it.
        spoke = await spokeCollector("spoke-analytics", dir, pki, ACCOUNTS.spokeA, "analytics", hub.ports.otlpGrpc, sp).start();
    });
    after(stopAll);

    it("stores every sample once, labelled account/region/cluster, with no deny-listed attribute as a label", async () => scenario("1-spoke-to-hub", async (f) => {
        const metric = "e2e_spoke_gauge";
        const app = new OtlpSender(`http://127.0.0.1:${sp.otlpHttp}/v1/metrics`, {
            metric, series: 25,
            // An application's SDK resource: semantic-convention noise the hub must drop, and a
            // spoofed account the spoke must overwrite with its own.
            resource: {
                "service.name": "checkout", "service.instance.id": "checkout-1", "service.version": "1.2.3",
                "host.name": "ip-10-0-1-2", "process.pid": "4242", "k8s.pod.name": "checkout-7d9f", "k8s.namespace.name": "shop",
                "telemetry.sdk.language": "go", "os.type": "linux", "cloud.account.id": "999999999999", "container.id": "abc123",
            },
        });
        await app.run(PARAMS.sampleIntervalSeconds * 1000, Date.now() + 20_000);

        // telemetrygen: the contrib load generator, an OTLP/gRPC client independent of this project's
        // code. It sends through a tap that records its points as they left it (the true source
        // count) and forwards the bytes unchanged to the spoke's gRPC receiver.
        const tap = await new OtlpTap(`127.0.0.1:${sp.otlpGrpc}`).start();
        const tgLog = path.join(dir, "telemetrygen.log");
        const tg = new Proc("telemetrygen", collectorBinaries().telemetrygen, [
            "metrics", "--otlp-endpoint", `127.0.0.1:${tap.port}`, "--otlp-insecure", "--metrics", String(TELEMETRYGEN_POINTS), "--rate", "50", "--workers", "1",
            "--otlp-attributes", 'service.name="telemetrygen"', "--otlp-attributes", 'host.name="tg-host"',
        ], tgLog);
        tg.start();
        await waitFor("telemetrygen to finish", async () => (tg.alive ? undefined : true), 60_000);
        tap.stop();
        const tgOwn = telemetrygenLog(fs.readFileSync(tgLog, "utf8"));
        const tgPoints = tap.points.filter((p) => p.metric === "gen");

        const selector = `{__name__=~"${metric}|gen", account="${ACCOUNTS.spokeA}"}`;
        const storedGen = async (): Promise<StoredSample[]> => (await prom.rawSamples(`gen{account="${ACCOUNTS.spokeA}"}`)).flatMap((s) => s.samples);
        // Settled when the app's samples and every distinct millisecond telemetrygen sent are in.
        const representable = compareSeries(tgPoints, []).representable;
        await waitFor("every sample in the primary store", async () => {
            const [a, g] = [await prom.samples(`${metric}{account="${ACCOUNTS.spokeA}"}`), (await storedGen()).length];
            return a >= app.accepted && g >= representable ? true : undefined;
        }, 60_000).catch(() => undefined);
        const tgCmp = compareSeries(tgPoints, await storedGen());
        const byMetric = { [metric]: await prom.samples(`${metric}{account="${ACCOUNTS.spokeA}"}`), gen: tgCmp.stored };
        f.sent = app.accepted + tgCmp.sentPoints;
        f.stored = byMetric[metric] + byMetric.gen;
        f.lost = f.sent - f.stored;
        const series = await prom.series(selector);
        const labelNames = [...new Set(series.flatMap((s) => Object.keys(s)))].sort();
        f.details = {
            appSamples: app.accepted, appFailedRounds: app.failedRequests, storedByMetric: byMetric, series: series.length, labelNames,
            telemetrygen: { ownLog: tgOwn, spokeGrpcAccepted: await spoke.metric("otelcol_receiver_accepted_metric_points", 'transport="grpc"'), tapRequests: tap.requests, tapRefused: tap.refused, ...tgCmp },
        };

        // The hub's own telemetry as it lands in the store (prometheus/self → remote write): the names
        // the rules in components/content must use (metrics.ts OTELCOL).
        await waitFor("the hub's self-telemetry in the store", async () => ((await prom.value(`count(up{job="adot-hub-collector"})`)) > 0 ? true : undefined), 90_000, 2_000);
        const names = JSON.parse((await request(`${prom.url}/api/v1/label/__name__/values`, { ca: pki.ca })).body) as { data: string[] };
        f.details.hubSelfMetricNames = names.data.filter((n) => n.startsWith("otelcol_"));
        assert.strictEqual(app.failedRequests, 0, `the spoke accepted every application round (${app.lastError})`);
        assert.strictEqual(byMetric[metric], app.accepted, "every application sample stored once");
        // telemetrygen's own log and the tap agree with its flags: 200 points, every batch exported.
        assert.deepStrictEqual(tgOwn, { generated: TELEMETRYGEN_POINTS, exported: TELEMETRYGEN_POINTS, failedBatches: 0 }, "telemetrygen's log");
        assert.strictEqual(tap.refused, 0, "the spoke refused no telemetrygen request");
        assert.strictEqual(tgCmp.sentPoints, TELEMETRYGEN_POINTS, "the tap saw every point telemetrygen logged");
        // Every millisecond telemetrygen stamped is stored once with a value sent at it. telemetrygen
        // stamps a point before it waits on its rate limiter (worker.go: clock.Now() then
        // limiter.Wait), so after a pause (the first point, the first export's connection set-up)
        // two consecutive points share a millisecond; Prometheus keeps one sample per series and
        // timestamp. Those are counted at the tap (sameMillisecond), not assumed.
        assertSeriesStored(tgCmp, "telemetrygen");
        assert.strictEqual(f.stored, f.sent - tgCmp.sameMillisecond, "stored == sent, less only the points that share a sent point's millisecond");
        assert.strictEqual(series.length, 25 + 1, "25 app series and telemetrygen's one");
        for (const s of series) {
            assert.strictEqual(s.account, ACCOUNTS.spokeA, "the spoke's account, not the spoofed one");
            assert.strictEqual(s.region, REGION);
            assert.strictEqual(s.cluster, "analytics");
            assert.strictEqual(s.source_role, "monitored");
        }
        assert.deepStrictEqual(labelNames.filter(deniedLabel), [], "no deny-listed resource attribute reaches the store");
        assert.ok(series.some((s) => s.job === "checkout" && s.instance === "checkout-1"), "service.name/instance.id become job/instance");
    }));
});
