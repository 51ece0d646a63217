import * as assert from "assert";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import { structRoundTrip } from "../../../../automation/plan/mock/monitor";

/** The wire form the SDK's monitor protocol uses: the oracle the plan monitor's shortcut must match. */
const viaProtobuf = (v: Record<string, unknown>) => structproto.Struct.fromJavaScript(v as never).toJavaScript();

describe("plan monitor: the register response's state, without the protobuf message", () => {
    it("is exactly what the protobuf Struct round trip gives: values, key order at every level, copies", () => {
        class WithInherited {
            y = 1;
            x = 2;
        }
        (WithInherited.prototype as unknown as { inherited: number }).inherited = 3;
        const state: Record<string, unknown> = {
            zeta: "z", alpha: 1.5, Beta: true, _u: null, "a10": [], "a2": [{ y: 1, x: [2, { d: "d", c: "c" }] }], "é": -0, "10": 1, "2": 2,
            nested: { arn: "arn:aws:kms:us-east-1:111111111111:key/x", tags: { Z: "1", A: "2" } },
            secret: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: { b: 1, a: 2 } },
            numbers: [0, 1e21, Number.MAX_SAFE_INTEGER, -1.25], instance: new WithInherited(),
        };
        const expected = viaProtobuf(state);
        const actual = structRoundTrip(state);
        assert.deepStrictEqual(actual, expected);
        // Key order is what JSON.stringify (and so the plan file) shows: compare it, not just the contents.
        assert.strictEqual(JSON.stringify(actual), JSON.stringify(expected));
        assert.ok(Object.is((actual as { "é": number })["é"], (expected as { "é": number })["é"]));
        // A copy: the monitor keeps the state it answered with, and the SDK must not share its objects.
        assert.notStrictEqual((actual as { nested: unknown }).nested, state.nested);
    });

    it("refuses what the protobuf Struct refuses", () => {
        for (const bad of [{ u: undefined }, { f: () => 1 }, { nested: { s: Symbol("s") } }]) {
            assert.throws(() => viaProtobuf(bad), /Unexpected struct type/);
            assert.throws(() => structRoundTrip(bad), /Unexpected struct type/);
        }
    });
});
