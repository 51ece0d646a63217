import * as assert from "assert";
import * as path from "path";
import { Collector } from "./lib/collector";
import { DROPPED_RESOURCE_ATTRIBUTES } from "../../../components/hub/collector/hubCollectorConfig";
import { PARAMS, collectorBinaries } from "./lib/env";
import { OtlpSender } from "./lib/otlp";
import { request } from "./lib/http";
import { Prometheus } from "./lib/prometheus";
import { Proc, stopAll, waitFor } from "./lib/procs";
import { scenario } from "./lib/report";
import { RunPki } from "./lib/tls";
import { ACCOUNTS, REGION, SpokePorts, prepareRun, spokeCollector, spokePorts, startHub, startStore } from "./lib/topology";

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

        // telemetrygen: the contrib load generator, an OTLP/gRPC client independent of this project's code.
        const tg = new Proc("telemetrygen", collectorBinaries().telemetrygen, [
            "metrics", "--otlp-endpoint", `127.0.0.1:${sp.otlpGrpc}`, "--otlp-insecure", "--metrics", "200", "--rate", "50", "--workers", "1",
            "--otlp-attributes", 'service.name="telemetrygen"', "--otlp-attributes", 'host.name="tg-host"',
        ], path.join(dir, "telemetrygen.log"));
        tg.start();
        await waitFor("telemetrygen to finish", async () => (tg.alive ? undefined : true), 60_000);
        // telemetrygen's SDK aggregates per export interval, so what entered the data path is what
        // the spoke's gRPC receiver accepted (the app used OTLP/HTTP).
        const tgSent = await spoke.metric("otelcol_receiver_accepted_metric_points", 'transport="grpc"');

        f.sent = app.accepted + tgSent;
        const selector = `{__name__=~"${metric}|gen", account="${ACCOUNTS.spokeA}"}`;
        f.stored = await waitFor("every sample in the primary store", async () => {
            const n = await prom.samples(selector);
            return n >= f.sent ? n : undefined;
        }, 60_000).catch(async () => prom.samples(selector));
        f.lost = f.sent - f.stored;
        const series = await prom.series(selector);
        const labelNames = [...new Set(series.flatMap((s) => Object.keys(s)))].sort();
        const byMetric = { [metric]: await prom.samples(`${metric}{account="${ACCOUNTS.spokeA}"}`), gen: await prom.samples(`gen{account="${ACCOUNTS.spokeA}"}`) };
        f.details = { appSamples: app.accepted, telemetrygenSamples: tgSent, storedByMetric: byMetric, series: series.length, labelNames };

        // The hub's own telemetry as it lands in the store (prometheus/self → remote write): the names
        // the rules in components/content must use (metrics.ts OTELCOL).
        await waitFor("the hub's self-telemetry in the store", async () => ((await prom.value(`count(up{job="adot-hub-collector"})`)) > 0 ? true : undefined), 90_000, 2_000);
        const names = JSON.parse((await request(`${prom.url}/api/v1/label/__name__/values`, { ca: pki.ca })).body) as { data: string[] };
        f.details.hubSelfMetricNames = names.data.filter((n) => n.startsWith("otelcol_"));
        assert.strictEqual(byMetric[metric], app.accepted, "every application sample stored once");
        // telemetrygen stamps points itself; two with the same millisecond and value are one sample
        // to Prometheus, so its figure is a floor, not an identity.
        assert.ok(byMetric.gen >= tgSent * 0.99 && byMetric.gen <= tgSent, `telemetrygen: ${byMetric.gen} of ${tgSent} stored`);
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
