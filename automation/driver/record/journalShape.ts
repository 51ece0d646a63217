/**
 * The shape of .fleet/journal.json beyond "it parses": a hand-edited or foreign file must be refused
 * with the path of the bad field, not crash later with "Cannot read properties of undefined".
 */
function isObject(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function journalShapeProblem(j: unknown, version: number): string | undefined {
    if (!isObject(j)) {
        return "expected a JSON object";
    }
    if (j.version !== version) {
        return `version: expected ${version}, got ${JSON.stringify(j.version)}`;
    }
    if (!isObject(j.stacks)) {
        return "stacks: expected a map of stack name to its operations";
    }
    for (const [name, s] of Object.entries(j.stacks)) {
        if (!isObject(s) || typeof s.last !== "string" || !isObject(s.ops)) {
            return `stacks.${name}: expected { last, ops }`;
        }
        for (const [op, e] of Object.entries(s.ops)) {
            if (!isObject(e) || typeof e.result !== "string" || typeof e.rolloutId !== "string" || typeof e.fingerprint !== "string") {
                return `stacks.${name}.ops.${op}: expected an entry with result, rolloutId and fingerprint`;
            }
        }
    }
    if (j.rollouts !== undefined) {
        if (!isObject(j.rollouts)) {
            return "rollouts: expected a map of rollout id to record";
        }
        for (const [id, r] of Object.entries(j.rollouts)) {
            if (!isObject(r) || typeof r.operation !== "string" || !Array.isArray(r.stacks) || typeof r.complete !== "boolean") {
                return `rollouts.${id}: expected a record with operation, stacks and complete`;
            }
        }
    }
    if (j.runs !== undefined && (!Array.isArray(j.runs) || j.runs.some((r) => !isObject(r)))) {
        return "runs: expected a list of run records";
    }
    return undefined;
}
