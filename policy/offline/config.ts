/**
 * Policy-pack configuration, reconciled the way the Pulumi engine does it (pkg/resource/analyzer
 * ReconcilePolicyPackConfig): schema defaults first, then an `all` enforcement level, then each
 * policy's level and properties, then validation against the policy's configSchema. The file format
 * is the one `pulumi preview --policy-pack-config FILE` reads. Unlike the CLI, unknown policy names
 * and unknown properties are errors here, so a typo cannot silently switch a rule back to defaults.
 */
import { EnforcementLevel, Policies, PolicyPackConfig } from "@pulumi/policy";
import { validateSchema } from "./schema";
import { InputError } from "./types";

export const ENFORCEMENT_LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

export interface ResolvedPolicyConfig {
    enforcementLevel: EnforcementLevel;
    /** Properties handed to the policy's getConfig(): defaults with overrides applied, no enforcementLevel. */
    properties: Record<string, unknown>;
}

function isLevel(value: unknown): value is EnforcementLevel {
    return typeof value === "string" && (ENFORCEMENT_LEVELS as readonly string[]).includes(value);
}

/** Splits one config entry into its level and properties, reporting malformed entries. */
function parseEntry(name: string, entry: unknown, errors: string[]): { level?: EnforcementLevel; properties: Record<string, unknown> } {
    if (typeof entry === "string") {
        if (!isLevel(entry)) {
            errors.push(`${name}: "${entry}" is not an enforcement level (use one of ${ENFORCEMENT_LEVELS.join(", ")})`);
        }
        return { level: isLevel(entry) ? entry : undefined, properties: {} };
    }
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
        errors.push(`${name}: must be an enforcement level string or an object of properties`);
        return { properties: {} };
    }
    const { enforcementLevel, ...properties } = entry as Record<string, unknown>;
    if (enforcementLevel !== undefined && !isLevel(enforcementLevel)) {
        errors.push(`${name}.enforcementLevel: ${JSON.stringify(enforcementLevel)} is not one of ${ENFORCEMENT_LEVELS.join(", ")}`);
    }
    return { level: isLevel(enforcementLevel) ? enforcementLevel : undefined, properties };
}

/** Resolved config of every policy; throws InputError listing every problem at once. */
export function resolveConfig(
    policies: Policies,
    packLevel: EnforcementLevel,
    config: PolicyPackConfig | Record<string, unknown> = {},
): Map<string, ResolvedPolicyConfig> {
    const errors: string[] = [];
    const byName = new Map(policies.map((p) => [p.name, p]));
    const result = new Map<string, ResolvedPolicyConfig>();
    for (const p of policies) {
        const defaults = Object.entries(p.configSchema?.properties ?? {}).flatMap(([k, s]) =>
            typeof s === "object" && s.default !== undefined ? [[k, structuredClone(s.default)] as const] : []);
        result.set(p.name, { enforcementLevel: p.enforcementLevel ?? packLevel, properties: Object.fromEntries(defaults) });
    }
    const entries = Object.entries(config);
    const all = entries.find(([k]) => k === "all");
    if (all) {
        const { level, properties } = parseEntry("all", all[1], errors);
        if (Object.keys(properties).length > 0) {
            errors.push("all: only an enforcement level can be set for all policies");
        }
        for (const r of result.values()) {
            r.enforcementLevel = level ?? r.enforcementLevel;
        }
    }
    for (const [name, entry] of entries.filter(([k]) => k !== "all")) {
        const target = result.get(name);
        if (target === undefined) {
            errors.push(`${name}: no such policy in the pack (known: ${[...byName.keys()].join(", ")})`);
            continue;
        }
        const { level, properties } = parseEntry(name, entry, errors);
        target.enforcementLevel = level ?? target.enforcementLevel;
        const schemaProps = byName.get(name)?.configSchema?.properties ?? {};
        for (const [key, value] of Object.entries(properties)) {
            if (!(key in schemaProps)) {
                errors.push(`${name}.${key}: unknown property (known: ${Object.keys(schemaProps).join(", ") || "none"})`);
            }
            target.properties[key] = value;
        }
    }
    for (const p of policies) {
        const schema = p.configSchema;
        if (schema) {
            const props = result.get(p.name)?.properties ?? {};
            errors.push(...validateSchema(props, { type: "object", properties: schema.properties, required: schema.required }, p.name));
        }
    }
    if (errors.length > 0) {
        throw new InputError(`Invalid policy configuration:\n  ${errors.join("\n  ")}`);
    }
    return result;
}
