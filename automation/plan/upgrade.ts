import { inputChanges } from "./diff";
import { forceNewRule, STATEFUL_TYPES } from "./forceNew";
import type { PlanDocument, PlanResource } from "./plan";

/**
 * What an upgrade from one offline plan to another would destroy. A URN missing from the new plan
 * is a delete unless a new resource carries it in `aliases` (the engine then moves the state,
 * https://www.pulumi.com/docs/iac/concepts/options/aliases/); a stateful resource (forceNew.ts) is
 * also lost when an input the provider documents as forcing replacement changes.
 */
export interface UpgradeFinding {
    readonly stack: string;
    readonly urn: string;
    readonly type: string;
    readonly kind: "delete" | "replace";
    readonly detail: string;
}

function stackIndex(doc: PlanDocument): Map<string, PlanResource[]> {
    return new Map(doc.stacks.map((s) => [s.stack, s.resources]));
}

function replacements(stack: string, before: PlanResource, after: PlanResource): UpgradeFinding[] {
    if (STATEFUL_TYPES[after.type] === undefined) {
        return [];
    }
    const out: UpgradeFinding[] = [];
    for (const c of inputChanges(before.inputs, after.inputs)) {
        const rule = forceNewRule(after.type, c.path);
        if (rule !== undefined && (rule.when === undefined || rule.when(c.before, c.after))) {
            const renamed = before.urn !== after.urn ? ` (renamed from ${before.urn})` : "";
            out.push({
                stack, urn: after.urn, type: after.type, kind: "replace",
                detail: `${c.path}: ${JSON.stringify(c.before)} => ${JSON.stringify(c.after)} forces replacement${rule.why !== undefined ? ` (${rule.why})` : ""}${renamed}; ${STATEFUL_TYPES[after.type].holds} would be lost`,
            });
        }
    }
    return out;
}

/** Every delete and every stateful replacement planned when `before` (the deployed release) moves to `after`. */
export function upgradeFindings(before: PlanDocument, after: PlanDocument): UpgradeFinding[] {
    const old = stackIndex(before);
    const now = stackIndex(after);
    const out: UpgradeFinding[] = [];
    for (const [stack, oldResources] of old) {
        const newResources = now.get(stack);
        if (newResources === undefined) {
            out.push(...oldResources.map((r) => ({ stack, urn: r.urn, type: r.type, kind: "delete" as const, detail: `stack ${stack} is no longer planned` })));
            continue;
        }
        const byUrn = new Map(newResources.map((r) => [r.urn, r]));
        const byAlias = new Map<string, PlanResource>();
        for (const r of newResources) {
            for (const a of r.aliases ?? []) {
                byAlias.set(a, r);
            }
        }
        for (const r of oldResources) {
            // A current resource at the same URN wins: an alias to a URN still in use moves nothing.
            const successor = byUrn.get(r.urn) ?? byAlias.get(r.urn);
            if (successor === undefined) {
                const stateful = STATEFUL_TYPES[r.type];
                out.push({
                    stack, urn: r.urn, type: r.type, kind: "delete",
                    detail: `no resource at this URN or aliasing it${stateful !== undefined ? `; ${stateful.holds} would be lost` : ""} (a rename needs \`aliases: [<old URN or { name, parent }>]\`)`,
                });
            } else if (successor.type !== r.type) {
                out.push({ stack, urn: r.urn, type: r.type, kind: "replace", detail: `aliased by ${successor.urn} of another type (${successor.type}): a different resource` });
            } else {
                out.push(...replacements(stack, r, successor));
            }
        }
    }
    return out;
}

/** One line per finding, for an assertion message or a CLI report. */
export function formatFindings(findings: readonly UpgradeFinding[]): string[] {
    return findings.map((f) => `${f.kind === "delete" ? "-" : "+-"} ${f.stack}: ${f.type} ${f.urn.split("::").pop()}: ${f.detail}`);
}
