import type { FleetManifest } from "../fleet/types";
import { disableSourcePositions } from "./mock/fastRuntime";
import { usePlainStructs } from "./mock/plainStructs";
import { planStacksOneAtATime } from "./mock/runStackProgram";
import { planFleet, PlanEvents } from "./plan";

/**
 * Plans the fleet in this process (small fleets, `--workers 1`): the stack program, the SDK and the providers' SDKs
 * load here, so the plan command loads this module only on that path, and a parallel plan's parent never loads them.
 */
export function planInProcess(manifest: FleetManifest, events: PlanEvents, selected?: ReadonlySet<string>): Promise<{ failed: string[]; skipped: string[] }> {
    disableSourcePositions({ stackTraces: false });
    usePlainStructs();
    // planFleet awaits each stack before the next.
    planStacksOneAtATime();
    return planFleet(manifest, events, selected);
}
