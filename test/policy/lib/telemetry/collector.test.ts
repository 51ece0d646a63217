import { strict as assert } from "assert";
import { isConfigTextCached, parseConfigText, PARSED_CONFIG_CACHE_SIZE, scanAgentConfig } from "../../../../policy/lib/telemetry/collector";

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
        describe("parseConfigText memo (shared by the rules that read one resource's configuration)", () => {
            it("gives the parse of the text it is given: a changed text is parsed again, never answered from the memo", () => {
                const first = parseConfigText("exporters:\n  otlphttp:\n    endpoint: https://a:4318\n") as { exporters: { otlphttp: { endpoint: string } } };
                const changed = parseConfigText("exporters:\n  otlphttp:\n    endpoint: http://b:4318\n") as { exporters: { otlphttp: { endpoint: string } } };
                assert.equal(first.exporters.otlphttp.endpoint, "https://a:4318");
                assert.equal(changed.exporters.otlphttp.endpoint, "http://b:4318");
                // A finding depends on the text, so it must follow the change too.
                const yaml = (ep: string) => `receivers: {}\nexporters:\n  otlphttp:\n    endpoint: ${ep}\nservice: {}\n`;
                assert.equal(scanAgentConfig(yaml("https://c:4318"), opts).findings.length, 0);
                assert.equal(scanAgentConfig(yaml("http://c:4318"), opts).findings.length, 1);
                assert.equal(scanAgentConfig(yaml("https://c:4318"), opts).findings.length, 0);
            });
            it("shares one frozen document per text, so no caller can change what the next one reads", () => {
                const text = "receivers: {}\nexporters:\n  otlp:\n    tls:\n      insecure: false\nservice: {}\n";
                const a = parseConfigText(text) as { exporters: { otlp: { tls: { insecure: boolean } } } };
                assert.equal(parseConfigText(text), a);
                assert.throws(() => {
                    a.exporters.otlp.tls.insecure = true;
                }, TypeError);
                assert.equal((parseConfigText(text) as typeof a).exporters.otlp.tls.insecure, false);
                assert.equal(parseConfigText("notconfig"), undefined);
                assert.equal(parseConfigText("notconfig"), undefined);
            });
            it(`keeps the last ${PARSED_CONFIG_CACHE_SIZE} texts, dropping the least recently used`, () => {
                const texts = Array.from({ length: PARSED_CONFIG_CACHE_SIZE + 1 }, (_, i) => `memo-test: ${i}\n`);
                texts.slice(0, PARSED_CONFIG_CACHE_SIZE).forEach((t) => parseConfigText(t));
                parseConfigText(texts[0]); // used again: now the most recent
                parseConfigText(texts[PARSED_CONFIG_CACHE_SIZE]);
                assert.equal(isConfigTextCached(texts[0]), true);
                assert.equal(isConfigTextCached(texts[1]), false);
                assert.equal(isConfigTextCached(texts[PARSED_CONFIG_CACHE_SIZE]), true);
                assert.deepEqual(parseConfigText(texts[1]), { "memo-test": 1 });
            });
        });
    });
});
