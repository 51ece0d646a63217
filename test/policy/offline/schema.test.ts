import { strict as assert } from "assert";
import { validateSchema } from "../../../policy/offline/schema";

describe("policy/offline", () => {
    describe("config schema validation", () => {
        it("checks the keywords config schemas use", () => {
            const schema = { type: "object" as const, properties: { ports: { type: "array" as const, items: { type: "integer" as const, minimum: 0, maximum: 65535 } },
                mode: { enum: ["a", "b"] }, id: { type: "string" as const, pattern: "^\\d{12}$" } }, required: ["mode"] };
            assert.deepEqual(validateSchema({ ports: [1, 2], mode: "a", id: "111111111111" }, schema, "p"), []);
            assert.deepEqual(validateSchema({ ports: [1.5, 70000], id: "x" }, schema, "p"), [
                "p.mode is required", "p.ports[0] must be of type integer (got number)", "p.ports[1] must be <= 65535", "p.id must match pattern \"^\\d{12}$\""]);
            assert.deepEqual(validateSchema("x", { type: ["integer", "null"] }, "q"), ["q must be of type integer or null (got string)"]);
        });
    });
});
