import { disableSourcePositions } from "./mock/fastRuntime";
import { planStacksOneAtATime } from "./mock/runStackProgram";
disableSourcePositions({ stackTraces: false });
// The parent sends a worker one stack at a time.
planStacksOneAtATime();

import { loadManifest } from "../fleet/manifest";
import { FleetManifest } from "../fleet/types";
import { headroomCollector } from "./heapHeadroom";
import { planStack } from "./plan";
import { stackJson, stackSummary } from "./planText";
import { FromWorker, ToWorker } from "./protocol";

/**
 * A plan worker: plans the stacks its parent sends, one at a time, and returns each result
 * as soon as it is done so the parent can stream it to the plan file.
 */
const manifests = new Map<string, FleetManifest>();
/** Outputs of planned stacks, as last sent by the parent (only when they changed). */
let upstream = new Map<string, Record<string, unknown>>();

function send(msg: FromWorker): void {
    process.send?.(msg);
}

let current: string | undefined;
const collectBetweenStacks = headroomCollector();

// A program's stray async error belongs to the stack being planned; report it as that
// stack's failure rather than crashing the worker and losing the rest of its queue.
process.on("unhandledRejection", (e) => {
    if (current !== undefined) {
        send({ type: "failed", stack: current, message: e instanceof Error ? e.message : String(e) });
        current = undefined;
    }
});

process.on("message", (msg: ToWorker) => {
    if (msg.type === "exit") {
        send({ type: "bye", maxRssKiB: process.resourceUsage().maxRSS });
        process.disconnect?.();
        return;
    }
    void (async () => {
        // Set first: a stack is reported once, by whichever of the stray-rejection handler and this
        // function sees its failure first (both used to report it: the plan counted it twice).
        current = msg.stack;
        try {
            let manifest = manifests.get(msg.manifest);
            if (manifest === undefined) {
                manifest = loadManifest(msg.manifest);
                manifests.set(msg.manifest, manifest);
            }
            if (msg.upstream !== undefined) {
                upstream = new Map(msg.upstream);
            }
            const stack = manifest.stacks.find((s) => s.name === msg.stack);
            if (stack === undefined) {
                throw new Error(`stack ${msg.stack} is not in ${msg.manifest}`);
            }
            const planned = await planStack(manifest, stack, upstream);
            if (current !== msg.stack) {
                return;
            }
            current = undefined;
            send({ type: "planned", stack: msg.stack, summary: stackSummary(planned.plan), json: stackJson(planned.plan), outputs: stack.role === "hub" ? planned.outputs : {} });
            collectBetweenStacks();
        } catch (e) {
            if (current !== msg.stack) {
                return; // already reported by the stray-rejection handler
            }
            current = undefined;
            send({ type: "failed", stack: msg.stack, message: e instanceof Error ? e.message : String(e) });
        }
    })();
});

send({ type: "ready" });
