import type { FleetStack } from "../../fleet/types";
import { dependentsOf, prerequisites } from "./graph";
import { isRollout, Operation } from "../types";

/**
 * gate: any failure stops the rollout (hub, canary). main: governed by the failure tolerance.
 * final: the hub when destroying, after every spoke.
 */
export type WaveKind = "gate" | "main" | "final";

export interface Wave {
    readonly name: "hub" | "canary" | "main" | "all";
    readonly kind: WaveKind;
    /** Stack names in start priority order. */
    readonly stacks: readonly string[];
}

export interface WavePlan {
    readonly waves: readonly Wave[];
    /** What must succeed before each stack starts (within this run). */
    readonly prerequisites: ReadonlyMap<string, readonly string[]>;
}

export interface WaveOptions {
    readonly operation: Operation;
    /** rollout.canary: named canary stacks. */
    readonly canary: readonly string[];
    /** rollout.canaryCount: used when `canary` is empty. */
    readonly canaryCount: number;
    readonly regionOrder: readonly string[];
    /** Durations (ms) of the previous run from the journal: long stacks and chains start first. */
    readonly history?: ReadonlyMap<string, number>;
}

/** Region rank: listed regions in order, then the others in order of first appearance. */
export function regionRanks(stacks: readonly FleetStack[], regionOrder: readonly string[]): Map<string, number> {
    const ranks = new Map<string, number>(regionOrder.map((r, i) => [r, i]));
    for (const s of stacks) {
        if (!ranks.has(s.region)) {
            ranks.set(s.region, ranks.size);
        }
    }
    return ranks;
}

function median(values: number[]): number {
    if (values.length === 0) {
        return 1;
    }
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
}

/**
 * Critical-path length of each stack (its expected duration plus the longest chain waiting on
 * it). Starting the longest paths first is what keeps the makespan near the ideal once the
 * journal knows durations; without history every stack is assumed equal, so chain heads win.
 */
export function criticalPaths(run: readonly FleetStack[], prereqs: ReadonlyMap<string, readonly string[]>, history?: ReadonlyMap<string, number>): Map<string, number> {
    const known = run.map((s) => history?.get(s.name)).filter((d): d is number => d !== undefined);
    const fallback = median(known);
    const dependents = dependentsOf(prereqs);
    const memo = new Map<string, number>();
    const cp = (name: string): number => {
        const cached = memo.get(name);
        if (cached !== undefined) {
            return cached;
        }
        const own = history?.get(name) ?? fallback;
        const value = own + Math.max(0, ...(dependents.get(name) ?? []).map(cp));
        memo.set(name, value);
        return value;
    };
    return new Map(run.map((s) => [s.name, cp(s.name)]));
}

/**
 * Region rank for start order, where a stack that a stack of an earlier region waits on (in the
 * same wave) inherits that earlier rank: otherwise a dependency placed in the last region would
 * hold its dependent back until the very end of the rollout.
 */
export function inheritedRanks(members: ReadonlySet<string>, byName: ReadonlyMap<string, FleetStack>, prereqs: ReadonlyMap<string, readonly string[]>, ranks: ReadonlyMap<string, number>): Map<string, number> {
    const dependents = dependentsOf(prereqs);
    const memo = new Map<string, number>();
    const rank = (name: string): number => {
        const cached = memo.get(name);
        if (cached !== undefined) {
            return cached;
        }
        const waiting = (dependents.get(name) ?? []).filter((d) => members.has(d));
        const value = Math.min(ranks.get(byName.get(name)!.region)!, ...waiting.map(rank));
        memo.set(name, value);
        return value;
    };
    return new Map([...members].map((n) => [n, rank(n)]));
}

/**
 * Splits the run into waves. up: hub → canary → main. destroy: canary → main → hub (spokes go
 * first). Other operations change nothing in the cloud (refresh only rewrites state), so they run
 * as one wave without gates. A stack's prerequisites are pulled into its wave when they were
 * planned later, so a canary that depends on another spoke brings that spoke along.
 */
export function planWaves(run: readonly FleetStack[], opts: WaveOptions): WavePlan {
    const index = new Map(run.map((s, i) => [s.name, i]));
    const ranks = regionRanks(run, opts.regionOrder);
    const byName = new Map(run.map((s) => [s.name, s]));
    if (!isRollout(opts.operation)) {
        const prereqs = new Map(run.map((s) => [s.name, [] as string[]]));
        const cps = criticalPaths(run, prereqs, opts.history);
        const order = [...run].sort((a, b) => ranks.get(a.region)! - ranks.get(b.region)! || cps.get(b.name)! - cps.get(a.name)! || index.get(a.name)! - index.get(b.name)!);
        return { waves: order.length > 0 ? [{ name: "all", kind: "main", stacks: order.map((s) => s.name) }] : [], prerequisites: prereqs };
    }
    const destroy = opts.operation === "destroy";
    const prereqs = prerequisites(run, destroy);
    const cps = criticalPaths(run, prereqs, opts.history);
    const hubs = run.filter((s) => s.role === "hub").map((s) => s.name);
    const spokes = run.filter((s) => s.role !== "hub");
    const regionFirst = [...spokes].sort((a, b) => ranks.get(a.region)! - ranks.get(b.region)! || index.get(a.name)! - index.get(b.name)!);
    const canary = opts.canary.length > 0 ? regionFirst.filter((s) => opts.canary.includes(s.name)).map((s) => s.name) : regionFirst.slice(0, opts.canaryCount).map((s) => s.name);
    const canarySet = new Set(canary);
    const main = regionFirst.filter((s) => !canarySet.has(s.name)).map((s) => s.name);

    const draft: { name: Wave["name"]; kind: WaveKind; members: Set<string> }[] = destroy
        ? [
              { name: "canary", kind: "gate", members: new Set(canary) },
              { name: "main", kind: "main", members: new Set(main) },
              { name: "hub", kind: "final", members: new Set(hubs) },
          ]
        : [
              { name: "hub", kind: "gate", members: new Set(hubs) },
              { name: "canary", kind: "gate", members: new Set(canary) },
              { name: "main", kind: "main", members: new Set(main) },
          ];
    const waveOf = (name: string) => draft.findIndex((w) => w.members.has(name));
    const pull = (name: string, into: number): void => {
        for (const p of prereqs.get(name) ?? []) {
            const at = waveOf(p);
            if (at > into) {
                draft[at].members.delete(p);
                draft[into].members.add(p);
                pull(p, into);
            }
        }
    };
    draft.forEach((w, i) => [...w.members].forEach((name) => pull(name, i)));

    const waves = draft
        .filter((w) => w.members.size > 0)
        .map((w) => {
            const rank = inheritedRanks(w.members, byName, prereqs, ranks);
            const priority = (a: string, b: string) => rank.get(a)! - rank.get(b)! || cps.get(b)! - cps.get(a)! || index.get(a)! - index.get(b)!;
            return { name: w.name, kind: w.kind, stacks: [...w.members].sort(priority) };
        });
    return { waves, prerequisites: prereqs };
}
