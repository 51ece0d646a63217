import type { PlanStack } from "./plan";

/** The resource tree of one stack, children under their parent, as `pulumi preview` prints it. */
export function resourceTree(stack: PlanStack): string[] {
    const children = new Map<string | null, PlanStack["resources"]>();
    const urns = new Set(stack.resources.map((r) => r.urn));
    for (const r of stack.resources) {
        const parent = r.parent !== null && urns.has(r.parent) ? r.parent : null;
        children.set(parent, [...(children.get(parent) ?? []), r]);
    }
    const lines: string[] = [];
    const walk = (parent: string | null, depth: number) => {
        for (const r of children.get(parent) ?? []) {
            lines.push(`    + ${"  ".repeat(depth)}${r.type}  ${r.name}`);
            walk(r.urn, depth + 1);
        }
    };
    walk(null, 0);
    return lines;
}
