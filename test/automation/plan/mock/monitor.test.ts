import * as assert from "assert";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { deserializeProperties } from "@pulumi/pulumi/runtime/rpc";
import { mockResourceState } from "../../../../automation/plan/mock/mockState";
import { PlanMonitor, structRoundTrip } from "../../../../automation/plan/mock/monitor";
import { withProtobufStructs } from "../../../../automation/plan/mock/plainStructs";
// eslint-disable-next-line @typescript-eslint/no-require-imports -- generated protobuf JS without typings
const resproto = require("@pulumi/pulumi/proto/resource_pb");

/** The wire form the SDK's monitor protocol uses: the oracle the plan monitor's shortcut must match. */
const viaProtobuf = (v: Record<string, unknown>) => withProtobufStructs(() => structproto.Struct.fromJavaScript(v as never).toJavaScript());

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

describe("plan monitor: reads (StackReference) without the protobuf response", () => {
    const upstream = { tenants: { "222222222222": { arn: "arn:aws:secretsmanager:us-east-1:111111111111:secret:t", tags: { Z: "1", A: "2" } } }, list: [3, 1, 2], n: 1.5, flag: false, none: null };
    const ctx = { account: "333333333333", region: "eu-west-1", stackOutputs: new Map([["organization/oss-monitoring/hub", upstream]]) };
    /** A ReadResourceRequest as the SDK builds one (@pulumi/pulumi 3.248.0 runtime/resource.js readResource). */
    const request = (name: string) => {
        const req = new resproto.ReadResourceRequest();
        req.setType("pulumi:pulumi:StackReference");
        req.setName(name);
        req.setId("organization/oss-monitoring/hub");
        req.setParent("urn:pulumi:s::oss-monitoring::pulumi:pulumi:Stack::oss-monitoring-s");
        req.setProperties(structproto.Struct.fromJavaScript({ name: "organization/oss-monitoring/hub" }));
        return req;
    };
    const read = (monitor: MockMonitor, name: string) =>
        new Promise<any>((resolve, reject) => void monitor.readResource(request(name), (err: unknown, resp: unknown) => (err ? reject(err instanceof Error ? err : new Error(JSON.stringify(err))) : resolve(resp))));

    it("answers what the SDK's mock monitor answers: URN, properties (values and key order) and the state kept for getResource", async () => {
        const plan = new PlanMonitor(ctx);
        const sdk = new MockMonitor({ newResource: (a) => mockResourceState(a.type, a.name, a.inputs, ctx), call: () => ({}) });
        for (const name of ["hub", "hub-again"]) {
            const [mine, theirs] = [await read(plan, name), await read(sdk, name)];
            assert.strictEqual(mine.getUrn(), theirs.getUrn());
            const [a, b] = [deserializeProperties(mine.getProperties()), deserializeProperties(theirs.getProperties())];
            assert.deepStrictEqual(a, b);
            assert.strictEqual(JSON.stringify(a), JSON.stringify(b));
            assert.deepStrictEqual(plan.getRegisteredResources().get(mine.getUrn()), sdk.getRegisteredResources().get(theirs.getUrn()));
        }
    });

    it("hands each read its own copy: what one stack changes in what it read, the next read and the upstream do not see", async () => {
        const before = JSON.stringify(upstream);
        const first = deserializeProperties((await read(new PlanMonitor(ctx), "hub")).getProperties());
        first.outputs.tenants["222222222222"].tags.A = "changed";
        first.outputs.list.push(4);
        delete first.outputs.n;
        const second = deserializeProperties((await read(new PlanMonitor(ctx), "hub")).getProperties());
        assert.deepStrictEqual(second.outputs, JSON.parse(before));
        assert.strictEqual(JSON.stringify(upstream), before);
    });

    it("reads a changed upstream (a new outputs object) as changed", async () => {
        const changed = { ...upstream, n: 2 };
        const r = deserializeProperties((await read(new PlanMonitor({ ...ctx, stackOutputs: new Map([["organization/oss-monitoring/hub", changed]]) }), "hub")).getProperties());
        assert.strictEqual(r.outputs.n, 2);
    });
});
