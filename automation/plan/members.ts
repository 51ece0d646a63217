/** Which fleet members a plan covers, in which order, and what of each it reads. */
import type { FleetManifest, FleetStack } from "../fleet/types";

/** Plans order: the hub first (spokes read its outputs), then everything else in manifest order. */
export function planOrder(manifest: FleetManifest, selected?: ReadonlySet<string>): FleetStack[] {
    const chosen = manifest.stacks.filter((s) => selected === undefined || selected.has(s.name) || s.role === "hub");
    return [...chosen.filter((s) => s.role === "hub"), ...chosen.filter((s) => s.role !== "hub")];
}

/** What planning a stack reads of its manifest entry: plain data, so a parent hands it to a plan worker as it is. */
export type StackToPlan = Pick<FleetStack, "name" | "role" | "account" | "region" | "regulated" | "secrets" | "config">;

/** The manifest entry as a plan worker receives it: what planStack reads, nothing else (not the typed config). */
export function stackToPlan(s: FleetStack): StackToPlan {
    return { name: s.name, role: s.role, account: s.account, region: s.region, regulated: s.regulated, secrets: s.secrets, config: s.config };
}
