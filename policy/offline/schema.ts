/**
 * The subset of JSON Schema that policy configSchemas use (type, enum, const, numeric and length
 * bounds, pattern, items, properties, required, additionalProperties). The Pulumi CLI validates
 * policy config with a full JSON Schema validator; this keeps the offline path free of dev-only
 * dependencies. Unknown keywords are ignored, as a validator ignores unknown vocabularies.
 */
import { PolicyConfigJSONSchema, PolicyConfigJSONSchemaDefinition } from "@pulumi/policy/schema";

function typeOf(value: unknown): string {
    if (value === null) {
        return "null";
    }
    if (Array.isArray(value)) {
        return "array";
    }
    return typeof value;
}

function hasType(value: unknown, type: string): boolean {
    switch (type) {
        case "integer":
            return typeof value === "number" && Number.isInteger(value);
        case "object":
            return typeOf(value) === "object";
        default:
            return typeOf(value) === type;
    }
}

/** Errors of `value` against `schema`, each prefixed with its path (e.g. `allowedPorts[2]`). */
export function validateSchema(value: unknown, schema: PolicyConfigJSONSchemaDefinition, path: string): string[] {
    if (schema === true) {
        return [];
    }
    if (schema === false) {
        return [`${path} is not allowed`];
    }
    const s: PolicyConfigJSONSchema = schema;
    const errors: string[] = [];
    const types = s.type === undefined ? [] : Array.isArray(s.type) ? s.type : [s.type];
    if (types.length > 0 && !types.some((t) => hasType(value, t))) {
        return [`${path} must be of type ${types.join(" or ")} (got ${typeOf(value)})`];
    }
    if (s.enum !== undefined && !s.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
        errors.push(`${path} must be one of ${s.enum.map((e) => JSON.stringify(e)).join(", ")}`);
    }
    if (s.const !== undefined && JSON.stringify(s.const) !== JSON.stringify(value)) {
        errors.push(`${path} must be ${JSON.stringify(s.const)}`);
    }
    if (typeof value === "number") {
        if (s.minimum !== undefined && value < s.minimum) errors.push(`${path} must be >= ${s.minimum}`);
        if (s.maximum !== undefined && value > s.maximum) errors.push(`${path} must be <= ${s.maximum}`);
        if (s.exclusiveMinimum !== undefined && value <= s.exclusiveMinimum) errors.push(`${path} must be > ${s.exclusiveMinimum}`);
        if (s.exclusiveMaximum !== undefined && value >= s.exclusiveMaximum) errors.push(`${path} must be < ${s.exclusiveMaximum}`);
    }
    if (typeof value === "string") {
        if (s.minLength !== undefined && value.length < s.minLength) errors.push(`${path} must be at least ${s.minLength} characters`);
        if (s.maxLength !== undefined && value.length > s.maxLength) errors.push(`${path} must be at most ${s.maxLength} characters`);
        if (s.pattern !== undefined && !new RegExp(s.pattern, "u").test(value)) errors.push(`${path} must match ${s.pattern}`);
    }
    if (Array.isArray(value)) {
        if (s.minItems !== undefined && value.length < s.minItems) errors.push(`${path} must have at least ${s.minItems} item(s)`);
        if (s.maxItems !== undefined && value.length > s.maxItems) errors.push(`${path} must have at most ${s.maxItems} item(s)`);
        if (s.uniqueItems && new Set(value.map((v) => JSON.stringify(v))).size !== value.length) errors.push(`${path} must not repeat items`);
        if (s.items !== undefined && !Array.isArray(s.items)) {
            const itemSchema = s.items;
            value.forEach((v, i) => errors.push(...validateSchema(v, itemSchema, `${path}[${i}]`)));
        }
    }
    if (typeOf(value) === "object") {
        const obj = value as Record<string, unknown>;
        for (const key of s.required ?? []) {
            if (!(key in obj)) errors.push(`${path}.${key} is required`);
        }
        for (const [key, v] of Object.entries(obj)) {
            const propSchema = s.properties?.[key] ?? s.additionalProperties;
            if (propSchema !== undefined) {
                errors.push(...validateSchema(v, propSchema, `${path}.${key}`));
            }
        }
    }
    return errors;
}
