// Before anything loads @pulumi/pulumi (fastRuntime does): modules it requires but a plan never calls load on first use.
import { deferSdkModules } from "./mock/deferredModules";
deferSdkModules();
import { disableSourcePositions } from "./mock/fastRuntime";
import { usePlainStructs } from "./mock/plainStructs";
import { planStacksOneAtATime } from "./mock/runStackProgram";
disableSourcePositions({ stackTraces: false });
usePlainStructs();
// The parent sends a worker one stack at a time.
planStacksOneAtATime();

import { headroomCollector } from "./heapHeadroom";
import { planStack } from "./plan";
import { stackJson, stackSummary } from "./planText";
import { FromWorker, ToWorker } from "./protocol";
import { sendFlushed } from "./sendFlushed";

/**
 * A plan worker: plans the stacks its parent sends, one at a time, and returns each result
 * as soon as it is done so the parent can stream it to the plan file.
 */
/** Outputs of planned stacks, as last sent by the parent (only when they changed). */
let upstream = new Map<string, Record<string, unknown>>();

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** `msg` with this process's peak memory so far on every report (the parent bounds the plan's total with it). */
function message(msg: DistributiveOmit<FromWorker, "maxRssKiB">): FromWorker {
    return msg.type === "ready" ? msg : ({ ...msg, maxRssKiB: process.resourceUsage().maxRSS });
}

function send(msg: DistributiveOmit<FromWorker, "maxRssKiB">): void {
    process.send?.(message(msg));
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
        send({ type: "bye" });
        process.disconnect?.();
        return;
    }
    void (async () => {
        // Set first: a stack is reported once, by whichever of the stray-rejection handler and this
        // function sees its failure first (both used to report it: the plan counted it twice).
        const stack = msg.member;
        current = stack.name;
        try {
            if (msg.upstream !== undefined) {
                upstream = new Map(msg.upstream);
            }
            // The hub's outputs go as soon as its program has run (the parent starts spokes on them), unless a stray
            // rejection has already reported the hub failed; all of them before its evaluation holds this process.
            const sendOutputs = (outputs: Record<string, unknown>) =>
                current === stack.name ? sendFlushed(process, message({ type: "outputs", stack: stack.name, outputs })) : undefined;
            const planned = await planStack(stack, upstream, stack.role === "hub" ? sendOutputs : undefined);
            if (current !== stack.name) {
                return;
            }
            current = undefined;
            send({ type: "planned", stack: stack.name, summary: stackSummary(planned.plan), json: stackJson(planned.plan), outputs: {} });
            // The hub's worker leaves after the hub (PlanQueue.retire): collecting its heap (half a second at 2,000
            // tenants) would only hold back the rest of the hub's result, and the replacement that waits for its exit.
            if (stack.role !== "hub") {
                collectBetweenStacks();
            }
        } catch (e) {
            if (current !== stack.name) {
                return; // already reported by the stray-rejection handler
            }
            current = undefined;
            send({ type: "failed", stack: stack.name, message: e instanceof Error ? e.message : String(e) });
        }
    })();
});

send({ type: "ready" });
