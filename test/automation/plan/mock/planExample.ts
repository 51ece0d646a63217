import * as assert from "assert";
import { loadManifest } from "../../../../automation/fleet/manifest";
import { defaultManifest } from "../../../../automation/io/paths";
import { planFleet, PlanStack } from "../../../../automation/plan/plan";

/** The example fleet planned in this process, as the text the plan's stacks print to: what the runtime variants must not change. */
export async function planExampleFleet(): Promise<string> {
    const stacks: PlanStack[] = [];
    const r = await planFleet(loadManifest(defaultManifest()), { onStack: (s) => void stacks.push(s) });
    assert.deepStrictEqual(r, { failed: [], skipped: [] });
    return JSON.stringify(stacks, null, 2);
}
