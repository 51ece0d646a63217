import type { FleetStack } from "./types";
import { UsageError } from "../io/cliKit";

const KINDS = ["name", "role", "tag", "account", "region"] as const;

function glob(pattern: string): RegExp {
    return new RegExp(`^${pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
}

/** Compiles one selector (`role:monitored`, `tag:Environment=prod`, `account:…`, `region:…`, a name glob). */
export function compileSelector(selector: string): (s: FleetStack) => boolean {
    const colon = selector.indexOf(":");
    const kind = colon < 0 ? "name" : selector.slice(0, colon);
    const arg = colon < 0 ? selector : selector.slice(colon + 1);
    if (arg === "") {
        throw new UsageError(`--stacks: selector "${selector}" has no value, e.g. --stacks role:monitored`);
    }
    switch (kind) {
        case "name": {
            const re = glob(arg);
            return (s) => re.test(s.name);
        }
        case "role":
            return (s) => s.role === arg;
        case "account":
            return (s) => s.account === arg;
        case "region": {
            const re = glob(arg);
            return (s) => re.test(s.region);
        }
        case "tag": {
            const eq = arg.indexOf("=");
            const key = eq < 0 ? arg : arg.slice(0, eq);
            const value = eq < 0 ? undefined : arg.slice(eq + 1);
            return (s) => Object.prototype.hasOwnProperty.call(s.tags, key) && (value === undefined || s.tags[key] === value);
        }
        default:
            throw new UsageError(`--stacks: unknown selector kind "${kind}" in "${selector}"; use a name or ${KINDS.slice(1).map((k) => `${k}:`).join(", ")}, e.g. --stacks tag:Environment=prod`);
    }
}

/**
 * The union of the selectors, in manifest order; no selector selects everything. A selector that
 * matches nothing is an error: a typo must not silently shrink a rollout.
 */
export function selectStacks(stacks: readonly FleetStack[], selectors: readonly string[]): FleetStack[] {
    if (selectors.length === 0) {
        return [...stacks];
    }
    const chosen = new Set<string>();
    for (const selector of selectors) {
        const match = compileSelector(selector);
        const hits = stacks.filter(match);
        if (hits.length === 0) {
            throw new UsageError(`--stacks: selector "${selector}" matches no stack in the manifest; stacks are ${stacks.slice(0, 5).map((s) => s.name).join(", ")}${stacks.length > 5 ? ", …" : ""}`);
        }
        hits.forEach((s) => chosen.add(s.name));
    }
    return stacks.filter((s) => chosen.has(s.name));
}
