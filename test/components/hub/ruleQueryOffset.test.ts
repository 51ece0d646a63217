import * as assert from "assert";
import { parse, stringify } from "yaml";
import { renderSpokeCollectorConfig } from "../../../components/agent/spokeCollectorConfig";
import { renderRuleNamespaces } from "../../../components/content/index";
import { resolveContentOptions } from "../../../components/content/options";
import { PRW_RETRY_BUDGET, renderHubCollectorConfig } from "../../../components/hub/collector/hubCollectorConfig";
import { PROMETHEUS_WORKSPACE_DEFAULTS } from "../../../components/hub/prometheusWorkspaceSettings";
import { PROMETHEUS_DEFAULT_SCRAPE_TIMEOUT_SECONDS, durationSeconds, hubExportPart, liveDeliveryDelay, pipelineHoldParts } from "../../../components/hub/ruleQueryOffset";
import { renderGatewayCollectorConfig } from "../../../components/onprem/gatewayCollectorConfig";

const CA = "-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n";
const cert = { certFile: "/c.crt", keyFile: "/c.key" };

/** Every kind of sender the fleet renders: a monitored account (in-memory queue), a spoke with a persistent queue, a site gateway with static targets. */
function senders(): Array<{ name: string; yaml: string }> {
    return [
        { name: "spoke", yaml: renderSpokeCollectorConfig({ source: { account: "222222222222", region: "us-east-1", sourceRole: "monitored", cluster: "analytics" }, exporter: { kind: "otlp", endpoint: "collector.monitoring.internal:4317", caPem: CA, clientCert: cert } }) },
        { name: "spoke-persistent", yaml: renderSpokeCollectorConfig({ source: { account: "222222222222", region: "us-east-1", sourceRole: "monitored", cluster: "analytics" }, exporter: { kind: "otlp", endpoint: "collector.monitoring.internal:4317", caPem: CA, clientCert: cert, queue: { persistent: { directory: "/q", volumeGi: 5 } } } }) },
        {
            name: "gateway", yaml: renderGatewayCollectorConfig({
                account: "777777777777", region: "us-east-1", site: "dc1", cluster: "dc1-k8s", hubUrl: "https://collector.monitoring.internal:4318", replicas: 2,
                queue: { outageMinutes: 240, samplesPerSecond: 2000, storageGi: 20 }, staticTargets: [{ jobName: "hosts", targets: ["10.0.0.1:9100"], scrapeInterval: "30s", metricsPath: "/metrics" }],
            }),
        },
    ];
}

const hub = (): string => renderHubCollectorConfig({
    account: "111111111111", region: "us-east-1",
    remoteWrite: [
        { name: "primary", url: "https://aps-workspaces.us-east-1.amazonaws.com/workspaces/ws-1/api/v1/remote_write", region: "us-east-1" },
        { name: "dr", url: "https://aps-workspaces.us-west-2.amazonaws.com/workspaces/ws-2/api/v1/remote_write", region: "us-west-2" },
    ],
});

/** A rendered config with one value changed, as a later edit of a renderer would change it. */
function edited(yamlText: string, edit: (doc: any) => void): string {
    const doc = parse(yamlText);
    edit(doc);
    return stringify(doc);
}

describe("rule query offset vs the data path's live delivery delay", () => {
    it("the workspace's offset covers the worst-case delay of live data read from the rendered spoke, gateway and hub configs", () => {
        const d = liveDeliveryDelay(senders(), hub());
        assert.ok(PROMETHEUS_WORKSPACE_DEFAULTS.ruleQueryOffsetSeconds >= d.seconds,
            `ruleQueryOffsetSeconds ${PROMETHEUS_WORKSPACE_DEFAULTS.ruleQueryOffsetSeconds} is below the live delivery delay ${d.seconds}s: ${d.parts.map((p) => `${p.seconds}s ${p.from}`).join("; ")}`);
        // The slowest path is a scraped sample: scrape, the sender's batch, the hub's whole retry budget.
        assert.deepStrictEqual(d.parts.map((p) => p.seconds), [PROMETHEUS_DEFAULT_SCRAPE_TIMEOUT_SECONDS, 5, durationSeconds(PRW_RETRY_BUDGET, "PRW_RETRY_BUDGET")]);
        assert.match(d.parts[0].from, /scrape_timeout/);
        assert.match(d.parts[2].from, /prometheusremotewrite\/primary\.timeout/);
    });

    it("reads each sender's batch wait where its renderer puts it: the batch processor (in-memory queue) or the batcher after a persistent queue", () => {
        const [spoke, persistent, gateway] = senders();
        assert.deepStrictEqual(pipelineHoldParts(spoke.yaml, "metrics", "spoke").map((p) => p.from), ["spoke: receivers.prometheus/self job adot-spoke-collector scrape_timeout (Prometheus default)", "spoke: processors.batch.timeout"]);
        assert.match(pipelineHoldParts(persistent.yaml, "metrics", "p").map((p) => p.from).join(), /exporters\.otlp\/hub\.sending_queue\.batch\.flush_timeout/);
        assert.match(pipelineHoldParts(gateway.yaml, "metrics", "g").map((p) => p.from).join(), /exporters\.otlphttp\/hub\.sending_queue\.batch\.flush_timeout/);
        // The hub's ingest pipeline holds nothing: it exports in the receiver's call (no batch processor).
        assert.deepStrictEqual(pipelineHoldParts(hub(), "metrics", "hub"), []);
    });

    it("fails the check when a renderer makes live data later: a longer hub retry budget, a stated scrape timeout, a batch in the hub's ingest pipeline", () => {
        const offset = PROMETHEUS_WORKSPACE_DEFAULTS.ruleQueryOffsetSeconds;
        const longer = edited(hub(), (d) => { d.exporters["prometheusremotewrite/primary"].timeout = "30s"; d.exporters["prometheusremotewrite/primary"].retry_on_failure.max_elapsed_time = "30s"; });
        assert.ok(liveDeliveryDelay(senders(), longer).seconds > offset);
        const slowScrape = senders().map((s) => (s.name !== "gateway" ? s : { ...s, yaml: edited(s.yaml, (d) => { d.receivers["prometheus/site"].config.scrape_configs[0].scrape_timeout = "25s"; }) }));
        assert.ok(liveDeliveryDelay(slowScrape, hub()).seconds > offset);
        const batched = edited(hub(), (d) => { d.service.pipelines.metrics.processors.push("batch"); });
        assert.strictEqual(liveDeliveryDelay(senders(), batched).seconds, liveDeliveryDelay(senders(), hub()).seconds + 5);
    });

    it("refuses a hub exporter whose retries outlast its timeout, or that states no timeout", () => {
        assert.throws(() => hubExportPart(edited(hub(), (d) => { d.exporters["prometheusremotewrite/primary"].retry_on_failure.max_elapsed_time = "1m"; })), /max_elapsed_time 1m outlasts its timeout 20s/);
        assert.throws(() => hubExportPart(edited(hub(), (d) => { delete d.exporters["prometheusremotewrite/primary"].timeout; })), /timeout is not stated/);
    });

    it("parses Go durations as the configs write them and names the field of one it cannot read", () => {
        assert.strictEqual(durationSeconds("1m30s", "f"), 90);
        assert.strictEqual(durationSeconds("250ms", "f"), 0.25);
        assert.throws(() => durationSeconds("5 s", "exporters.x.timeout"), /exporters\.x\.timeout: "5 s" is not a duration like 5s or 1m/);
        assert.throws(() => durationSeconds("", "f"), /not a duration/);
    });

    it("no rule group the hub deploys sets its own query_offset, so the workspace's offset applies to every one (a group's own takes priority)", () => {
        // Read from the rules files AMP stores (the namespaces' data), not from the model.
        const groups = renderRuleNamespaces(resolveContentOptions({})).flatMap((ns) => (parse(ns.yaml) as { groups: Array<Record<string, unknown>> }).groups);
        assert.ok(groups.length > 0);
        for (const g of groups) assert.deepStrictEqual(Object.keys(g).filter((k) => !["name", "interval", "rules"].includes(k)), [], String(g.name));
    });
});
