import * as assert from "assert";
import { Policies } from "@pulumi/policy";
import { resolveConfig } from "../../../policy/offline/config";
import { validateSchema } from "../../../policy/offline/schema";
import { InputError } from "../../../policy/offline/types";

// A policy whose configSchema uses keywords the former hand-written subset ignored
// (multipleOf, format, oneOf, propertyNames, minProperties, not); the Pulumi CLI enforces them all.
const policy = {
    name: "strict-config",
    description: "test policy",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            batch: { type: "integer", multipleOf: 50, default: 100 },
            sourceIp: { type: "string", format: "ipv4", default: "10.0.0.1" },
            window: { oneOf: [{ type: "integer", minimum: 1 }, { type: "string", pattern: "^\\d+[smh]$" }], default: 5 },
            owners: { type: "object", propertyNames: { pattern: "^[a-z-]+$" }, minProperties: 1, default: { platform: "x" } },
            mode: { type: "string", not: { const: "off" }, default: "on" },
        },
    },
    validateResource: () => undefined,
} as unknown as Policies[number];

function rejection(config: Record<string, unknown>): string {
    try {
        resolveConfig([policy], "mandatory", { "strict-config": config });
    } catch (e) {
        assert.ok(e instanceof InputError, `expected InputError, got ${String(e)}`);
        return e.message;
    }
    assert.fail("the config was accepted");
}

describe("policy config validation (ajv, full JSON Schema as the Pulumi CLI)", () => {
    it("accepts the defaults and valid overrides", () => {
        const resolved = resolveConfig([policy], "mandatory", { "strict-config": { batch: 250, window: "30s", owners: { "team-a": "x" } } });
        assert.deepStrictEqual(resolved.get("strict-config")?.properties, { batch: 250, sourceIp: "10.0.0.1", window: "30s", owners: { "team-a": "x" }, mode: "on" });
    });

    it("rejects each keyword the old subset ignored, naming the field", () => {
        assert.match(rejection({ batch: 120 }), /strict-config\.batch must be multiple of 50/);
        assert.match(rejection({ sourceIp: "010.0.0.1x" }), /strict-config\.sourceIp must match format "ipv4"/);
        assert.match(rejection({ window: "5 minutes" }), /strict-config\.window must match exactly one schema in oneOf/);
        assert.match(rejection({ owners: {} }), /strict-config\.owners must have at least 1 property/);
        assert.match(rejection({ owners: { Team: "x" } }), /strict-config\.owners property name must be valid/);
        assert.match(rejection({ mode: "off" }), /strict-config\.mode must NOT be valid/);
    });

    it("lists every problem at once and keeps the unknown-property check", () => {
        const msg = rejection({ batch: 7, mode: "off", bogus: 1 });
        assert.match(msg, /^Invalid policy configuration:/);
        assert.match(msg, /strict-config\.bogus: unknown property/);
        assert.match(msg, /strict-config\.batch must be multiple of 50/);
        assert.match(msg, /strict-config\.mode must NOT be valid/);
    });

    it("names nested array items and escaped keys", () => {
        assert.deepStrictEqual(validateSchema({ "a/b": [1, "x"] }, { type: "object", properties: { "a/b": { type: "array", items: { type: "integer" } } } }, "p"),
            ["p.a/b[1] must be of type integer (got string)"]);
    });

    it("says which policy carries a schema that is not JSON Schema", () => {
        assert.throws(() => validateSchema({}, { type: "object", properties: { x: { type: "nonsense" } } } as never, "broken"), /broken: the policy's configSchema is not valid JSON Schema/);
    });
});
