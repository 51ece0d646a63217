/**
 * Validates policy config against each policy's configSchema with a full JSON Schema validator,
 * as the Pulumi CLI does: pkg/resource/analyzer/config.go in pulumi/pulumi (validatePolicyConfig)
 * wraps the schema as `{type: "object", properties, required}` and runs gojsonschema over it,
 * which implements drafts 4 to 7 including `format`. Ajv (draft-07, the dialect of
 * @pulumi/policy's PolicyConfigJSONSchema typings) with ajv-formats covers the same keywords.
 */
import Ajv, { ErrorObject, ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { PolicyConfigJSONSchemaDefinition } from "@pulumi/policy/schema";

// allErrors: report every problem at once, as the CLI lists every gojsonschema error.
// strict false: a configSchema may carry annotations (description, default, examples, titles of
// the policy's own) that are not validation keywords; gojsonschema ignores them too.
// verbose: errors carry the offending value, so a type error can say what it got.
const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
addFormats(ajv);

const compiled = new Map<string, ValidateFunction>();

function validatorFor(schema: PolicyConfigJSONSchemaDefinition, path: string): ValidateFunction {
    const key = JSON.stringify(schema);
    let v = compiled.get(key);
    if (v === undefined) {
        try {
            v = ajv.compile(schema);
        } catch (e) {
            // A broken schema is the pack's bug, not the user's config: say which policy.
            throw new Error(`${path}: the policy's configSchema is not valid JSON Schema: ${(e as Error).message}`, { cause: e });
        }
        compiled.set(key, v);
    }
    return v;
}

/** `/allowedPorts/2` → `.allowedPorts[2]` (JSON Pointer escapes decoded). */
function fieldPath(pointer: string): string {
    return pointer
        .split("/")
        .slice(1)
        .map((seg) => seg.replace(/~1/g, "/").replace(/~0/g, "~"))
        .map((seg) => (/^\d+$/.test(seg) ? `[${seg}]` : `.${seg}`))
        .join("");
}

function typeOf(value: unknown): string {
    if (value === null) {
        return "null";
    }
    return Array.isArray(value) ? "array" : typeof value;
}

function describe(e: ErrorObject, path: string): string {
    const at = `${path}${fieldPath(e.instancePath)}`;
    const params = e.params as Record<string, unknown>;
    switch (e.keyword) {
        case "type":
            return `${at} must be of type ${String(params.type).split(",").join(" or ")} (got ${typeOf(e.data)})`;
        case "required":
            return `${at}.${String(params.missingProperty)} is required`;
        case "additionalProperties":
            return `${at}.${String(params.additionalProperty)} is not allowed`;
        // Bounds in the words the offline checker has always used (ajv says "must NOT have fewer than").
        case "minItems":
            return `${at} must have at least ${String(params.limit)} item(s)`;
        case "maxItems":
            return `${at} must have at most ${String(params.limit)} item(s)`;
        case "minLength":
            return `${at} must be at least ${String(params.limit)} characters`;
        case "maxLength":
            return `${at} must be at most ${String(params.limit)} characters`;
        case "minProperties":
            return `${at} must have at least ${String(params.limit)} propert${params.limit === 1 ? "y" : "ies"}`;
        case "maxProperties":
            return `${at} must have at most ${String(params.limit)} propert${params.limit === 1 ? "y" : "ies"}`;
        case "enum":
            return `${at} must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`;
        case "const":
            return `${at} must be ${JSON.stringify(params.allowedValue)}`;
        default:
            return `${at} ${e.message ?? `fails ${e.keyword}`}`;
    }
}

/** Errors of `value` against `schema`, each naming its field (e.g. `policy.allowedPorts[2] must be <= 65535`). */
export function validateSchema(value: unknown, schema: PolicyConfigJSONSchemaDefinition, path: string): string[] {
    const validate = validatorFor(schema, path);
    if (validate(value)) {
        return [];
    }
    // anyOf/oneOf/if report their branch errors and then their own; the branch details name the field.
    return [...new Set((validate.errors ?? []).map((e) => describe(e, path)))];
}
