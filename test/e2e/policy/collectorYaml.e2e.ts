import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parseConfigText } from "../../../policy/lib/telemetry/collector";
import { collectorExporterTls } from "../../../policy/rules/tls";
import { runResource } from "../../policy/helpers";
import { validate } from "../datapath/lib/collector";
import { collectorBinaries, runDir } from "../datapath/lib/env";

/**
 * The pack reads collector configuration the way the collector does: merge keys (`<<: *anchor`) and
 * aliases expanded (confmap reads the file with gopkg.in/yaml.v3, which resolves merge keys while
 * decoding). The real collector's `validate` is the judge: a merged key the collector does not know
 * makes it fail, so it reads the merge; a configuration it accepts is the one the pack judges.
 */
const BASE = [
    "receivers:",
    "  otlp:",
    "    protocols:",
    "      grpc:",
    "        endpoint: 127.0.0.1:4317",
    "exporters:",
    "  otlp/base: &hub",
    "    endpoint: hub.example.com:4317",
    "    tls:",
    "      insecure: true",
    "  otlp/hub:",
    "    <<: *hub",
    "    compression: gzip",
    "service:",
    "  pipelines:",
    "    metrics: &pipeline",
    "      receivers: [otlp]",
    "      exporters: [otlp/hub]",
    "    traces: *pipeline",
    "",
].join("\n");

describe("policy: collector YAML read as the collector reads it", function () {
    before(function () {
        this.timeout(3_600_000);
        collectorBinaries();
    });

    function check(name: string, text: string): Promise<{ ok: boolean; output: string }> {
        const file = path.join(runDir("policy-yaml"), `${name}.yaml`);
        fs.writeFileSync(file, text);
        return validate(file, { PATH: process.env.PATH ?? "" });
    }

    it("the collector accepts a merged exporter and aliased pipeline, and the pack judges them expanded", async () => {
        const text = BASE;
        const r = await check("merged", text);
        assert.ok(r.ok, r.output);
        const doc = parseConfigText(text) as { exporters: Record<string, unknown>; service: { pipelines: Record<string, unknown> } };
        assert.deepStrictEqual(doc.exporters["otlp/hub"], { endpoint: "hub.example.com:4317", tls: { insecure: true }, compression: "gzip" });
        assert.deepStrictEqual(doc.service.pipelines.traces, doc.service.pipelines.metrics);
        const messages = runResource(collectorExporterTls, "aws:ssm/parameter:Parameter", { name: "/collector/config", type: "String", value: text }).messages;
        assert.ok(messages.some((m) => m.includes("otlp/hub")), messages.join("\n"));
    });

    it("the collector reads a merged key it does not know, so it does not ignore the merge", async () => {
        const text = BASE.replace("    <<: *hub\n", "    <<: [*hub, { not_an_otlp_setting: 1 }]\n");
        const r = await check("unknown-merged-key", text);
        assert.ok(!r.ok, "validate accepted an unknown key brought in by a merge");
        assert.match(r.output, /not_an_otlp_setting/);
        const doc = parseConfigText(text) as { exporters: Record<string, Record<string, unknown>> };
        assert.equal(doc.exporters["otlp/hub"].not_an_otlp_setting, 1);
    });

    it("the collector reads through unknown local tags (on an exporter and its endpoint), and so does the pack: the insecure exporter is reported", async () => {
        const text = [
            "receivers:",
            "  otlp:",
            "    protocols:",
            "      grpc:",
            "        endpoint: 127.0.0.1:4317",
            "exporters:",
            "  otlp/hub: !cfg",
            "    endpoint: !host hub.example.com:4317",
            "    tls:",
            "      insecure: true",
            "service:",
            "  pipelines:",
            "    metrics:",
            "      receivers: [otlp]",
            "      exporters: [otlp/hub]",
            "",
        ].join("\n");
        const r = await check("unknown-tags", text);
        assert.ok(r.ok, r.output);
        // The tagged mapping's contents are decoded, not skipped: a value of the wrong type inside it is refused.
        const bad = await check("unknown-tags-bad-value", text.replace("insecure: true", "insecure: tru"));
        assert.ok(!bad.ok, "validate accepted a string for tls.insecure inside a tagged mapping");
        assert.match(bad.output, /tls\.insecure/);
        const doc = parseConfigText(text) as { exporters: Record<string, unknown> };
        assert.deepStrictEqual(doc.exporters["otlp/hub"], { endpoint: "hub.example.com:4317", tls: { insecure: true } });
        const messages = runResource(collectorExporterTls, "aws:ssm/parameter:Parameter", { name: "/collector/config", type: "String", value: text }).messages;
        assert.ok(messages.some((m) => m.includes("otlp/hub")), messages.join("\n"));
    });
});
