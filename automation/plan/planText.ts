import { PlanStack, StackSummary } from "./plan";

export function stackSummary(s: PlanStack): StackSummary {
    const mandatory = s.violations.filter((v) => v.enforcementLevel === "mandatory").length;
    return { stack: s.stack, role: s.role, account: s.account, region: s.region, resources: s.resources.length, violations: s.violations.length, mandatory };
}

/**
 * A stack as it stands in the plan file: pretty-printed (so `git diff` of two plans shows one input per line)
 * and indented as an element of `stacks`. `JSON.parse` of it gives the stack back. A plan worker makes this
 * text and the parent writes it as it is: the parent no longer parses every stack and prints it again.
 */
export function stackJson(s: PlanStack): string {
    return JSON.stringify(s, null, 2).replace(/^/gm, "    ");
}
