import { strict as assert } from "assert";
import { asTags, isPlainHttpToNetwork, unknownCheckingProxy, whenKnown } from "../../../policy/lib/values";
import { UNKNOWN_STRING } from "../fixtures/unknown";

describe("policy/lib", () => {
    describe("values", () => {
        it("reports unknown preview values instead of throwing", () => {
            const props = unknownCheckingProxy({ a: UNKNOWN_STRING, b: "x" }) as Record<string, unknown>;
            assert.deepEqual(whenKnown(() => props.a), { known: false });
            assert.deepEqual(whenKnown(() => props.b), { known: true, value: "x" });
            assert.throws(() => whenKnown(() => { throw new TypeError("bug"); }), TypeError);
        });
        it("reads tag maps, JSON tag maps and tag lists", () => {
            assert.deepEqual(asTags({ A: "1", B: 2 }), { A: "1" });
            assert.deepEqual(asTags(JSON.stringify({ A: "1" })), { A: "1" });
            assert.deepEqual(asTags([{ key: "A", value: "1", propagateAtLaunch: true }]), { A: "1" });
            assert.deepEqual(asTags("nope"), {});
        });
        it("recognises plain http to the network", () => {
            assert.ok(isPlainHttpToNetwork("http://10.0.0.1:9090/api", true));
            assert.ok(!isPlainHttpToNetwork("https://x", true) && !isPlainHttpToNetwork("http://[::1]:9090", true));
        });
    });
});
