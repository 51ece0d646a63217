import type { StackToPlan } from "./members";
import type { StackSummary } from "./plan";

/** Parent → worker. */
export type ToWorker =
    /**
     * `upstream` (outputs of planned stacks by qualified name) is sent only when the worker's copy is out
     * of date: the hub's outputs grow with the tenants, and resending them with every stack made IPC
     * quadratic in the fleet size. A worker keeps the last upstream it received.
     */
    /**
     * `member`: the stack's manifest entry, validated by the parent; a worker plans it as it is rather than loading and
     * validating the whole manifest again (which cost every worker the manifest's memory and time).
     */
    | { type: "plan"; member: StackToPlan; upstream?: Array<[string, Record<string, unknown>]> }
    | { type: "exit" };

/** Worker → parent. Every report but `ready` carries the worker's peak resident memory so far (KiB). */
export type FromWorker =
    | { type: "ready" }
    /**
     * `json` is the stack as the plan file holds it (planText.ts stackJson), written by the parent as it is;
     * `summary` is what the parent's report line needs. Sending the plan object instead cost the parent a
     * parse of every stack and a second pretty-print (README "Scale").
     */
    /**
     * The hub's outputs, sent as soon as its program has run: the parent starts the spokes on them while the hub's
     * worker still evaluates the policies over the hub and writes its plan text (1 s of the 2,000 + 50 plan).
     */
    | { type: "outputs"; stack: string; outputs: Record<string, unknown>; maxRssKiB: number }
    /** `outputs`: the hub's, unless an `outputs` report sent them already ({} then, and for every other stack). */
    | { type: "planned"; stack: string; summary: StackSummary; json: string; outputs: Record<string, unknown>; maxRssKiB: number }
    | { type: "failed"; stack: string; message: string; maxRssKiB: number }
    | { type: "bye"; maxRssKiB: number };
