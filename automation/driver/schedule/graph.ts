import type { FleetStack } from "../../fleet/types";
import { UsageError } from "../../io/cliKit";

/**
 * Rejects dependency cycles (the manifest loader checks names, not cycles), naming the manifest
 * field and the loop so the fix is obvious.
 */
export function assertAcyclic(stacks: readonly FleetStack[]): void {
    const index = new Map(stacks.map((s, i) => [s.name, i]));
    const byName = new Map(stacks.map((s) => [s.name, s]));
    const state = new Map<string, "visiting" | "done">();
    const path: string[] = [];
    const visit = (name: string): void => {
        if (state.get(name) === "done") {
            return;
        }
        if (state.get(name) === "visiting") {
            const loop = [...path.slice(path.indexOf(name)), name];
            throw new UsageError(`stacks[${index.get(loop[0])}].dependsOn: dependency cycle ${loop.join(" -> ")}; remove one of these dependsOn entries (spokes depend on the hub implicitly)`);
        }
        state.set(name, "visiting");
        path.push(name);
        for (const dep of byName.get(name)?.dependsOn ?? []) {
            if (byName.has(dep)) {
                visit(dep);
            }
        }
        path.pop();
        state.set(name, "done");
    };
    stacks.forEach((s) => visit(s.name));
}

/**
 * Prerequisites of each stack inside the run: what must succeed before it starts. For destroy the
 * edges flip, so a stack goes only after everything that depends on it is gone. Stacks outside
 * the run (not selected, or already done in a resumed rollout) count as satisfied.
 */
export function prerequisites(run: readonly FleetStack[], reverse: boolean): Map<string, string[]> {
    const inRun = new Set(run.map((s) => s.name));
    const prereqs = new Map<string, string[]>(run.map((s) => [s.name, []]));
    for (const s of run) {
        for (const dep of s.dependsOn) {
            if (!inRun.has(dep)) {
                continue;
            }
            if (reverse) {
                prereqs.get(dep)!.push(s.name);
            } else {
                prereqs.get(s.name)!.push(dep);
            }
        }
    }
    return prereqs;
}

/** Inverts a prerequisite map: who waits on each stack. */
export function dependentsOf(prereqs: ReadonlyMap<string, readonly string[]>): Map<string, string[]> {
    const out = new Map<string, string[]>([...prereqs.keys()].map((k) => [k, []]));
    for (const [name, reqs] of prereqs) {
        for (const r of reqs) {
            out.get(r)?.push(name);
        }
    }
    return out;
}
