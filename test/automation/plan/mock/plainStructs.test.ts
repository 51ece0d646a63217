import * as assert from "assert";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import { PlainStruct, usePlainStructs, withProtobufStructs } from "../../../../automation/plan/mock/plainStructs";
import { planStacksOneAtATime } from "../../../../automation/plan/mock/runStackProgram";
import { planExampleFleet } from "./planExample";

// eslint-disable-next-line @typescript-eslint/no-require-imports -- generated protobuf JS without typings
const resproto = require("@pulumi/pulumi/proto/resource_pb");
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

    it("are the protobuf message to anything that reads its fields: the same bytes and object form, also nested in a request", () => {
        const source: Record<string, unknown> = { z: [1, { b: "b", a: null }], a: { n: 1.5, t: true } };
        const plain = new PlainStruct(source);
        const message = real(source);
        assert.deepStrictEqual(Buffer.from(plain.serializeBinary()), Buffer.from(message.serializeBinary()));
        assert.deepStrictEqual(plain.toObject(), message.toObject());
        const request = (struct: unknown) => {
            const req = new resproto.RegisterResourceRequest();
            req.setType("aws:s3/bucket:Bucket");
            req.setObject(struct);
            return Buffer.from(req.serializeBinary());
        };
        assert.deepStrictEqual(request(new PlainStruct(source)), request(real(source)));
        assert.deepStrictEqual(plain.toJavaScript(), message.toJavaScript());
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
        planStacksOneAtATime();
        try {
            usePlainStructs(false);
            const messages = await planExampleFleet();
            usePlainStructs();
            assert.strictEqual(await planExampleFleet(), messages);
        } finally {
            planStacksOneAtATime(false);
        }
    });
});
