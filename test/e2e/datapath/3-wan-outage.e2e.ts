import * as assert from "assert";
import { GATEWAY_BATCH } from "../../../components/onprem/gatewayCollectorConfig";
import { queueSizing } from "../../../components/onprem/queueSizing";
import { PARAMS } from "./lib/env";
import { OtlpSender } from "./lib/otlp";
import { Prometheus } from "./lib/prometheus";
import { sleep, stopAll, waitFor } from "./lib/procs";
import { scenario } from "./lib/report";
import { RunPki } from "./lib/tls";
import { Hub, gatewayCollector, prepareRun, spokePorts, startHub, startStore } from "./lib/topology";

const SERIES = 50;

describe("data path 3: WAN outage between an on-prem gateway and the hub", function () {
    let dir: string;
    let pki: RunPki;
    let prom: Prometheus;
    /** The hub task (proxy + collector): the outage stops both, as a lost WAN link or a stopped task would. */
    let hub: Hub;

    before(async function () {
        this.timeout(3_600_000);
        ({ dir, pki } = await prepareRun("s3"));
        prom = await startStore("primary", dir, pki);
        hub = await startHub("hub", dir, pki, [{ name: "primary", url: prom.remoteWriteUrl }]);
    });
    after(stopAll);

    it("loses nothing when the hub is down for the outage and the gateway restarts meanwhile", async () => scenario("3-wan-outage", async (f) => {
        const rate = SERIES / PARAMS.sampleIntervalSeconds;
        const gp = await spokePorts();
        const gw = await gatewayCollector("gateway", dir, pki, hub.ports.otlpHttp, gp, { outageMinutes: Math.ceil(PARAMS.outageSeconds / 60) + 1, samplesPerSecond: rate, storageGi: 1 }).start();
        const metric = "e2e_wan_gauge";
        const app = new OtlpSender(`http://127.0.0.1:${gp.otlpHttp}/v1/metrics`, { metric, series: SERIES, resource: { "service.name": "site-app" } });
        const sending = app.run(PARAMS.sampleIntervalSeconds * 1000, Date.now() + 3_600_000);
        await sleep(10_000);
        await hub.stop();
        const outageStart = Date.now();
        await sleep(PARAMS.outageSeconds * 500);
        const pidBefore = gw.proc.pid;
        await gw.restart(); // the persistent queue must come back with what it held
        const gatewayRestarted = gw.proc.pid !== undefined && gw.proc.pid !== pidBefore;
        await sleep(Math.max(0, PARAMS.outageSeconds * 1000 - (Date.now() - outageStart)));
        const queuedAtRecovery = await gw.metric("otelcol_exporter_queue_size");
        await hub.start();
        await sleep(10_000);
        app.stop();
        await sending;
        // Every round the application tried, accepted or not (issue 30): the gateway must refuse none.
        f.sent = (app.rounds + app.failedRequests) * SERIES;
        const recovered = Date.now();
        f.stored = await waitFor("the backlog to drain into the store", async () => { const n = await prom.samples(metric); return n >= f.sent ? n : undefined; }, 240_000, 2_000).catch(async () => prom.samples(metric));
        f.lost = f.sent - f.stored;
        f.details = { outageSeconds: PARAMS.outageSeconds, samplesPerSecond: rate, queuedSamplesAtRecovery: queuedAtRecovery, drainSeconds: Math.round((Date.now() - recovered) / 1000), gatewayRestarted, senderFailedRounds: app.failedRequests };
        assert.ok(gatewayRestarted, "the gateway restarted during the outage");
        assert.strictEqual(app.failedRequests, 0, `the gateway accepted every round (${app.lastError})`);
        assert.strictEqual(f.stored, f.sent, "sent == stored");
        await gw.stop();
    }));

    it("when the outage outlasts the queue, loses what the sizing predicts and reports it in its own metrics", async () => scenario("3-outage-beyond-queue", async (f) => {
        // 125 samples/s, so that a third of the outage is more than one batch (GATEWAY_BATCH.size):
        // a queue holds at least one, and below that the sizing gives one batch whatever the outage.
        const series = 250;
        const rate = series / PARAMS.sampleIntervalSeconds;
        // A queue sized for a third of the outage: queueSizing is the rule the gateway config uses.
        const covered = PARAMS.outageSeconds / 3;
        const sizing = queueSizing({ outageMinutes: covered / 60, samplesPerSecond: rate, batchSize: GATEWAY_BATCH.size });
        const gp = await spokePorts();
        const gw = await gatewayCollector("gateway-small", dir, pki, hub.ports.otlpHttp, gp, { outageMinutes: covered / 60, samplesPerSecond: rate, storageGi: 1 }).start();
        const metric = "e2e_wan_small_gauge";
        const app = new OtlpSender(`http://127.0.0.1:${gp.otlpHttp}/v1/metrics`, { metric, series, resource: { "service.name": "site-app" } });
        await hub.stop();
        // What the gateway exported before the outage: only its own telemetry (the site starts after).
        const exportedBefore = await gw.metric("otelcol_exporter_sent_metric_points");
        const outageStart = Date.now();
        await app.run(PARAMS.sampleIntervalSeconds * 1000, Date.now() + PARAMS.outageSeconds * 1000);
        const sendingSeconds = (Date.now() - outageStart) / 1000;
        const queuedAtRecovery = await gw.metric("otelcol_exporter_queue_size");
        const selfAccepted = await gw.metric("otelcol_receiver_accepted_metric_points", 'receiver="prometheus/self"');
        const selfRefused = await gw.metric("otelcol_receiver_refused_metric_points", 'receiver="prometheus/self"');
        const refusedReported = await gw.metric("otelcol_receiver_refused_metric_points", 'receiver="otlp"');
        const dropped = await gw.metric("otelcol_exporter_enqueue_failed_metric_points");
        await hub.start();
        // sent: every sample the site tried; stored: that metric in the store (the gateway's
        // self-telemetry shares its queue but not these counts).
        f.sent = (app.rounds + app.failedRequests) * series;
        f.stored = await waitFor("the queue to drain", async () => {
            const [n, q] = [await prom.samples(metric), await gw.metric("otelcol_exporter_queue_size")];
            return q === 0 && n > 0 ? n : undefined;
        }, 240_000, 2_000).catch(async () => prom.samples(metric));
        await sleep(10_000);
        f.stored = await prom.samples(metric);
        f.lost = f.sent - f.stored;

        // The prediction from what the gateway runs: its queue capacity as it reports it, in samples
        // (sizer items), which counts every sample not yet taken by the hub, the batch being formed or
        // retried included (persistent_queue.go:132-141, 394-426, exporterhelper v0.156.0). A push that
        // would overflow it is refused to its sender (persistent_queue.go:277-284), so the gateway takes
        // what fits beside its own telemetry queued meanwhile, to within one push, and loses nothing it took.
        const capacity = await gw.metric("otelcol_exporter_queue_capacity");
        const selfQueued = selfAccepted - exportedBefore;
        const predictedLost = f.sent - (capacity - selfQueued);
        f.details = {
            outageSeconds: PARAMS.outageSeconds, sendingSeconds, samplesPerSecond: rate, queueSizedForSeconds: covered, queueSize: sizing.queueSize,
            queueCapacityReported: capacity, queuedAtRecovery, selfTelemetryQueued: selfQueued, predictedLost, tolerance: series,
            senderAccepted: app.accepted, senderFailedRounds: app.failedRequests, reportedRefusedPoints: refusedReported, reportedDroppedPoints: dropped, selfTelemetryRefused: selfRefused,
        };
        assert.strictEqual(capacity, sizing.queueSize, "the gateway runs the queue the sizing gave");
        assert.ok(f.sent > capacity, `the outage outlasts the queue (${f.sent} samples tried, ${capacity} queued at most)`);
        assert.strictEqual(f.stored, app.accepted, "every sample the gateway accepted is stored, once");
        assert.ok(f.lost - predictedLost >= 0 && f.lost - predictedLost < series, `lost ${f.lost} samples; the sizing predicts ${predictedLost} (+ less than one push of ${series})`);
        assert.ok(queuedAtRecovery > capacity - series && queuedAtRecovery <= capacity, `the queue was full: ${queuedAtRecovery} of ${capacity} samples`);
        assert.strictEqual(refusedReported, f.lost, "the gateway reports what it refused the site: otelcol_receiver_refused_metric_points");
        assert.ok(dropped >= f.lost && dropped <= f.lost + selfRefused, `otelcol_exporter_enqueue_failed_metric_points ${dropped} within [${f.lost}, ${f.lost + selfRefused}]`);
        await gw.stop();
    }));
});
