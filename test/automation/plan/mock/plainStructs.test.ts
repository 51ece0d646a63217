import * as assert from "assert";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import { loadManifest } from "../../../../automation/fleet/manifest";
import { defaultManifest } from "../../../../automation/io/paths";
import { PlainStruct, usePlainStructs, withProtobufStructs } from "../../../../automation/plan/mock/plainStructs";
import { planStacksOneAtATime } from "../../../../automation/plan/mock/runStackProgram";
import { planFleet, PlanStack } from "../../../../automation/plan/plan";

const real = (v: Record<string, unknown>) => withProtobufStructs(() => structproto.Struct.fromJavaScript(v as never));

describe("plain Structs: the offline plan's google.protobuf.Struct without Value messages", () => {
    afterEach(() => usePlainStructs(false));

    it("read back exactly what the protobuf message gives: values, key order at every level, a new copy each time", () => {
        const source: Record<string, unknown> = { z: [1, { b: "b", a: null }], a: { "10": true, "2": -0, é: 1e21 }, m: "m" };
        const plain = new PlainStruct(source);
        const expected = real(source).toJavaScript();
        const [first, second] = [plain.toJavaScript(), plain.toJavaScript()];
        for (const got of [first, second]) {
            assert.deepStrictEqual(got, expected);
            assert.strictEqual(JSON.stringify(got), JSON.stringify(expected));
        }
        assert.notStrictEqual(first, second);
        assert.notStrictEqual(first.a, second.a);
    });

    it("keep what they were given: a change to the source after building is not seen, as in the message", () => {
        const source: Record<string, unknown> = { tags: { A: "1" } };
        const plain = new PlainStruct(source);
        const message = real(source);
        (source.tags as Record<string, string>).A = "changed";
        assert.deepStrictEqual(plain.toJavaScript(), message.toJavaScript());
        assert.deepStrictEqual(plain.toJavaScript(), { tags: { A: "1" } });
    });

    it("refuse what the message refuses, when built", () => {
        for (const bad of [{ u: undefined }, { f: () => 1 }, { nested: [{ s: Symbol("s") }] }]) {
            assert.throws(() => real(bad), /Unexpected struct type/);
            assert.throws(() => new PlainStruct(bad), /Unexpected struct type/);
        }
    });

    it("refuse to be serialized: they only travel to the in-process plan monitor", () => {
        assert.throws(() => new PlainStruct({ a: 1 }).serializeBinary(), /cannot be serialized/);
    });

    it("replace Struct.fromJavaScript only while on; the protobuf one is still reachable for comparisons", () => {
        usePlainStructs();
        assert.ok(structproto.Struct.fromJavaScript({ a: 1 }) instanceof PlainStruct);
        assert.ok(!(real({ a: 1 }) instanceof PlainStruct));
        assert.ok(structproto.Struct.fromJavaScript({ a: 1 }) instanceof PlainStruct);
        usePlainStructs(false);
        assert.ok(!(structproto.Struct.fromJavaScript({ a: 1 }) instanceof PlainStruct));
    });

    it("plan the example fleet byte-identically to protobuf messages", async function () {
        this.timeout(120_000);
        const manifest = loadManifest(defaultManifest());
        const planAll = async () => {
            const stacks: PlanStack[] = [];
            const r = await planFleet(manifest, { onStack: (s) => void stacks.push(s) });
            assert.deepStrictEqual(r, { failed: [], skipped: [] });
            return JSON.stringify(stacks, null, 2);
        };
        planStacksOneAtATime();
        try {
            usePlainStructs(false);
            const messages = await planAll();
            usePlainStructs();
            assert.strictEqual(await planAll(), messages);
        } finally {
            planStacksOneAtATime(false);
        }
    });
});
