import type { PlanDocument, PlanResource } from "./plan";

/** One changed input: its path inside `inputs` and the two values. */
export interface InputChange {
    readonly path: string;
    readonly before: unknown;
    readonly after: unknown;
}

export interface ResourceDiff {
    readonly stack: string;
    readonly urn: string;
    readonly type: string;
    readonly kind: "create" | "delete" | "update";
    readonly changes: readonly InputChange[];
}

function isObject(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** JSON text inside inputs (IAM policies, collector configs) is compared as data, so key order is no change. */
function decoded(v: unknown): unknown {
    if (typeof v === "string" && /^\s*[[{]/.test(v)) {
        try {
            return JSON.parse(v);
        } catch {
            return v;
        }
    }
    return v;
}

/** Leaf-level differences between two input trees, as dotted paths (`policy.Statement[0].Action`). */
export function inputChanges(before: unknown, after: unknown, at = ""): InputChange[] {
    const a = decoded(before);
    const b = decoded(after);
    if (isObject(a) && isObject(b)) {
        const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
        return keys.flatMap((k) => inputChanges(a[k], b[k], at === "" ? k : `${at}.${k}`));
    }
    if (Array.isArray(a) && Array.isArray(b)) {
        if (a.length === b.length) {
            return a.flatMap((x, i) => inputChanges(x, b[i], `${at}[${i}]`));
        }
        // Lists that grew or shrank (allow-lists, CIDRs): name the elements added and removed, not the whole list.
        const key = (x: unknown) => JSON.stringify(x);
        const before = new Set(a.map(key));
        const after = new Set(b.map(key));
        return [
            ...a.filter((x) => !after.has(key(x))).map((x) => ({ path: `${at}[-]`, before: x, after: undefined })),
            ...b.filter((x) => !before.has(key(x))).map((x) => ({ path: `${at}[+]`, before: undefined, after: x })),
        ];
    }
    return JSON.stringify(a) === JSON.stringify(b) ? [] : [{ path: at, before: a, after: b }];
}

/** What changes between two offline plans, stack by stack and resource by resource (by URN). */
export function diffPlans(before: PlanDocument, after: PlanDocument): ResourceDiff[] {
    const index = (d: PlanDocument) => new Map(d.stacks.map((s) => [s.stack, new Map(s.resources.map((r) => [r.urn, r] as [string, PlanResource]))]));
    const old = index(before);
    const now = index(after);
    const stacks = [...new Set([...old.keys(), ...now.keys()])];
    const out: ResourceDiff[] = [];
    for (const stack of stacks) {
        const a = old.get(stack) ?? new Map<string, PlanResource>();
        const b = now.get(stack) ?? new Map<string, PlanResource>();
        for (const urn of [...new Set([...a.keys(), ...b.keys()])].sort()) {
            const x = a.get(urn);
            const y = b.get(urn);
            if (x === undefined && y !== undefined) {
                out.push({ stack, urn, type: y.type, kind: "create", changes: [] });
            } else if (y === undefined && x !== undefined) {
                out.push({ stack, urn, type: x.type, kind: "delete", changes: [] });
            } else if (x !== undefined && y !== undefined) {
                const changes = inputChanges(x.inputs, y.inputs);
                if (changes.length > 0) {
                    out.push({ stack, urn, type: y.type, kind: "update", changes });
                }
            }
        }
    }
    return out;
}

function short(v: unknown): string {
    const s = v === undefined ? "(unset)" : JSON.stringify(v);
    return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** `pulumi preview --diff`-like text: + create, - delete, ~ update with the changed inputs. */
export function formatDiff(diffs: readonly ResourceDiff[]): string[] {
    const lines: string[] = [];
    let stack = "";
    for (const d of diffs) {
        if (d.stack !== stack) {
            stack = d.stack;
            lines.push(`${stack}:`);
        }
        const name = d.urn.split("::").pop();
        lines.push(`  ${d.kind === "create" ? "+" : d.kind === "delete" ? "-" : "~"} ${d.type}  ${name}`);
        for (const c of d.changes) {
            lines.push(`      ${c.path}: ${short(c.before)} => ${short(c.after)}`);
        }
    }
    const n = (k: ResourceDiff["kind"]) => diffs.filter((d) => d.kind === k).length;
    lines.push(`Diff: ${n("create")} to create, ${n("update")} to update, ${n("delete")} to delete${diffs.length === 0 ? " (the plans match)" : ""}`);
    return lines;
}
