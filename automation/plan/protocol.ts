import { PlanStack } from "./plan";

/** Parent → worker. */
export type ToWorker =
    | { type: "plan"; manifest: string; stack: string; upstream: Array<[string, Record<string, unknown>]> }
    | { type: "exit" };

/** Worker → parent. */
export type FromWorker =
    | { type: "ready" }
    | { type: "planned"; stack: string; plan: PlanStack; outputs: Record<string, unknown> }
    | { type: "failed"; stack: string; message: string }
    | { type: "bye"; maxRssKiB: number };
