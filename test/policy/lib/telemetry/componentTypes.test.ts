import * as assert from "assert";
import { componentTypeKey, isOfType, typeKey } from "../../../../policy/lib/telemetry/componentTypes";
import { DEPRECATED_TYPE_ALIASES } from "../../../../components/telemetry/adotComponents";

describe("policy/lib/telemetry/componentTypes", () => {
    it("gives every deprecated alias of ADOT v0.49.0 and its new name one key", () => {
        for (const aliases of Object.values(DEPRECATED_TYPE_ALIASES)) {
            for (const [old, now] of Object.entries(aliases)) {
                assert.strictEqual(typeKey(now), typeKey(old), `${old} / ${now}`);
            }
        }
    });

    it("reads the type part of an ID and keeps distinct types apart", () => {
        assert.strictEqual(componentTypeKey("prometheus_remote_write/primary"), "prometheusremotewrite");
        assert.strictEqual(componentTypeKey("otlp_grpc/hub"), "otlp");
        assert.ok(isOfType("otlp_http/hub", ["otlphttp"]));
        assert.ok(isOfType("splunkhec", ["splunk_hec"]));
        assert.ok(!isOfType("otlp_http/hub", ["otlp"]), "OTLP/HTTP is not OTLP/gRPC");
        assert.ok(!isOfType("prometheus/self", ["prometheusremotewrite"]));
        assert.ok(!isOfType("OTLP", ["otlp"]), "types are case-sensitive for the collector");
    });
});
