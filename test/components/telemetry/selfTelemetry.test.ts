import * as assert from "assert";
import { parse } from "yaml";
import { renderHubCollectorConfig } from "../../../components/hub/collector/hubCollectorConfig";
import { renderSpokeCollectorConfig } from "../../../components/agent/spokeCollectorConfig";

describe("collectors' own telemetry (selfTelemetry)", () => {
    const hub = parse(renderHubCollectorConfig({ account: "111111111111", region: "us-east-1", remoteWrite: [{ name: "primary", url: "https://aps-workspaces.us-east-1.amazonaws.com/workspaces/ws-1/api/v1/remote_write", region: "us-east-1" }] }));
    const spoke = parse(renderSpokeCollectorConfig({
        source: { account: "222222222222", region: "us-east-1", sourceRole: "monitored", cluster: "analytics" },
        exporter: { kind: "otlp", endpoint: "collector.monitoring.internal:4317", caPem: "-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n", clientCert: { certFile: "/c.crt", keyFile: "/c.key" } },
    }));
    for (const [who, c] of [["hub", hub], ["spoke", spoke]] as const) {
        it(`${who}: publishes no telemetry resource, so target_info cannot replace the scrape's job and instance`, () => {
            assert.deepStrictEqual(c.service.telemetry.resource, { "service.name": null, "service.instance.id": null, "service.version": null });
            const port = c.service.telemetry.metrics.readers[0].pull.exporter.prometheus.port;
            assert.deepStrictEqual(c.receivers["prometheus/self"].config.scrape_configs[0].static_configs[0].targets, [`127.0.0.1:${port}`], "the self scrape reads that endpoint");
        });
    }
});
