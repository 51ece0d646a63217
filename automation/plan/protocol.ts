import { PlanStack } from "./plan";

/** Parent → worker. */
export type ToWorker =
    /**
     * `upstream` (outputs of planned stacks by qualified name) is sent only when the worker's copy is out
     * of date: the hub's outputs grow with the tenants, and resending them with every stack made IPC
     * quadratic in the fleet size. A worker keeps the last upstream it received.
     */
    | { type: "plan"; manifest: string; stack: string; upstream?: Array<[string, Record<string, unknown>]> }
    | { type: "exit" };

/** Worker → parent. */
export type FromWorker =
    | { type: "ready" }
    | { type: "planned"; stack: string; plan: PlanStack; outputs: Record<string, unknown> }
    | { type: "failed"; stack: string; message: string }
    | { type: "bye"; maxRssKiB: number };
