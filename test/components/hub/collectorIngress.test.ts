import * as assert from "assert";
import { ingressListeners, targetGroupSettings, targetGroupStickinessProblem } from "../../../components/hub/collectorIngress";

describe("hub ingress target groups", () => {
    it("refuses stickiness on TLS target groups (NLB user guide: not supported with TLS target groups)", () => {
        assert.match(String(targetGroupStickinessProblem("TLS", { enabled: true, type: "source_ip" }, false)), /not supported with TLS target groups/);
    });

    it("refuses source-IP stickiness behind PrivateLink (source is always an NLB node IP)", () => {
        assert.match(String(targetGroupStickinessProblem("TCP", { enabled: true, type: "source_ip" }, true)), /PrivateLink/);
        assert.strictEqual(targetGroupStickinessProblem("TCP", { enabled: true, type: "source_ip" }, false), undefined);
    });

    it("accepts absent or disabled stickiness", () => {
        assert.strictEqual(targetGroupStickinessProblem("TLS", undefined, true), undefined);
        assert.strictEqual(targetGroupStickinessProblem("TLS", { enabled: false, type: "source_ip" }, true), undefined);
    });

    it("passes TLS through on both OTLP ports, so the tasks' proxy sees the client certificate", () => {
        assert.deepStrictEqual(ingressListeners(), [{ port: 4317, protocol: "TCP" }, { port: 4318, protocol: "TCP" }]);
    });

    it("builds every listener's target group without stickiness", () => {
        for (const l of ingressListeners()) {
            const tg = targetGroupSettings(l);
            assert.deepStrictEqual(Object.keys(tg).sort(), ["deregistrationDelay", "port", "protocol"]);
            assert.strictEqual(targetGroupStickinessProblem(tg.protocol, undefined, true), undefined);
        }
    });
});
