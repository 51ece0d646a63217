import { strict as assert } from "assert";
import { scanAgentConfig } from "../../../../policy/lib/telemetry/collector";

describe("policy/lib/telemetry", () => {
    describe("collector", () => {
        const opts = { collectorSections: ["exporters"], insecureKeys: ["insecure"], allowLoopbackHttp: true };
        it("classifies collector YAML and agent JSON and ignores other text", () => {
            assert.equal(scanAgentConfig("receivers: {}\nexporters:\n  debug: {}\nservice: {}\n", opts).kind, "collector");
            assert.equal(scanAgentConfig(JSON.stringify({ agent: {}, metrics: {} }), opts).kind, "cloudwatch-agent");
            assert.equal(scanAgentConfig("groups:\n  - name: x\n", opts).kind, undefined);
            assert.equal(scanAgentConfig("key: [unclosed", opts).kind, undefined);
        });
        it("allows loopback http exporters, not network ones", () => {
            const yaml = (ep: string) => `receivers: {}\nexporters:\n  otlphttp:\n    endpoint: ${ep}\nservice: {}\n`;
            assert.deepEqual(scanAgentConfig(yaml("http://localhost:4318"), opts).findings, []);
            assert.equal(scanAgentConfig(yaml("http://127.0.0.1:4318"), { ...opts, allowLoopbackHttp: false }).findings.length, 1);
            assert.equal(scanAgentConfig(yaml("HTTP://collector.internal:4318"), opts).findings.length, 1);
        });
        it("finds http URLs in nested exporter lists", () => {
            const yaml = "receivers: {}\nexporters:\n  loadbalancing:\n    resolver:\n      static:\n        hostnames: [a]\n    protocol:\n      otlp:\n        endpoint: http://x:4317\nservice: {}\n";
            assert.deepEqual(scanAgentConfig(yaml, opts).findings, [{ path: "exporters.loadbalancing.protocol.otlp.endpoint", problem: "plain-text endpoint http://x:4317" }]);
        });
    });
});
