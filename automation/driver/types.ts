import type { DeployedVersions } from "../../stacks/outputs";
import type { FleetStack } from "../fleet/types";
import type { ResourceChange } from "./record/changes";

/** Commands that run one Pulumi operation per stack. `plan`, `config` and `status` do not touch stacks. */
export const STACK_OPERATIONS = ["preview", "up", "refresh", "destroy", "drift", "outputs"] as const;
export type Operation = (typeof STACK_OPERATIONS)[number];

/** Operations that change cloud resources: they run in waves behind the hub and canary gates. */
export const ROLLOUT_OPERATIONS: readonly Operation[] = ["up", "destroy"];

export function isRollout(op: Operation): boolean {
    return ROLLOUT_OPERATIONS.includes(op);
}

/** Final state of a stack in one run. `up-to-date` means a resumed rollout found it already done. */
export type StackResult = "succeeded" | "failed" | "skipped" | "not-run" | "cancelled" | "up-to-date";
export type StackState = "pending" | "running" | Exclude<StackResult, "up-to-date">;

export type FailureMode = "strict" | "soft";
export type ExecutorKind = "local" | "remote";

/** Resource operation counts as the engine reports them (`create`, `update`, `same`, ...). */
export type ChangeCounts = Record<string, number>;

export interface PolicyViolations {
    readonly mandatory: number;
    readonly advisory: number;
}

/** What a stack operation produced; everything optional so a fake or remote engine can report less. */
export interface OperationResult {
    readonly changes: ChangeCounts;
    readonly policyViolations: PolicyViolations;
    /** drift: true when a refresh preview found differences between state and the cloud. */
    readonly drifted?: boolean;
    /** outputs: stack outputs with secret values replaced by "[secret]". */
    readonly outputs?: Record<string, unknown>;
    /** Stack version after the update (backend history), when known. */
    readonly version?: number;
    /** up: expiry (ISO 8601) of the tenant certificate the stack holds or issued (record/certificates.ts). */
    readonly certificateExpiresAt?: string;
    /** up: release, collector image and Grafana version the stack's outputs say it deployed (record/versions.ts). */
    readonly deployedVersions?: DeployedVersions;
    /** A remark for the summary, e.g. "stack does not exist; nothing to destroy". */
    readonly note?: string;
    /** preview: every resource that would change, with its changed properties; drift: every resource that drifted, with the outputs that differ. */
    readonly resources?: readonly ResourceChange[];
}

/** Where an engine writes the per-stack log (.fleet/logs/<stack>.log). */
export interface StackLog {
    line(text: string): void;
    /** Raw engine output, possibly partial lines. */
    chunk(text: string): void;
}

export interface OperationRequest {
    readonly stack: FleetStack;
    readonly operation: Operation;
    /** Aborted on timeout or cancellation: the engine must stop the running update gracefully. */
    readonly signal: AbortSignal;
    readonly log: StackLog;
    readonly attempt: number;
    /** Recorded as the update message so the backend's history links back to the fleet run. */
    readonly runId: string;
    /**
     * The run's graceful stop (first Ctrl-C). An engine checks it after any queueing of its own
     * (workspace selection) and, when set, throws NotStartedError instead of starting the operation.
     */
    readonly stop?: AbortSignal;
    /**
     * Pulumi update plan: preview saves the proposed operations there (`preview --save-plan`); up runs
     * only them (`up --plan`) and fails when the program now wants anything else.
     */
    readonly planFile?: string;
    /** Called once, right before the Pulumi operation itself starts: durations are measured from here. */
    readonly onStarted?: () => void;
}

/**
 * The seam between the scheduler and whatever runs Pulumi: the Automation API locally, Pulumi
 * Deployments remotely, or a fake in tests and benchmarks.
 */
export interface FleetEngine {
    readonly kind: string;
    /** Runs once before fan-out (plugins, policy pack); a failure stops before any stack is touched. */
    prepare(stacks: readonly FleetStack[], operation: Operation, signal: AbortSignal): Promise<void>;
    /**
     * Checks before anything runs (who the CLI is logged in as, deploy roles): returns lines to
     * show, throws a UsageError when the run cannot succeed.
     */
    preflight?(stacks: readonly FleetStack[], operation: Operation): Promise<string[]>;
    run(request: OperationRequest): Promise<OperationResult>;
}

export const NO_VIOLATIONS: PolicyViolations = { mandatory: 0, advisory: 0 };

/** Resource operations that count as a change in the summary. */
const CHANGE_OPS = new Set(["create", "update", "delete", "replace", "create-replacement", "delete-replaced", "import", "import-replacement"]);

export function changedResources(changes: ChangeCounts): number {
    return Object.entries(changes).reduce((n, [op, count]) => (CHANGE_OPS.has(op) ? n + count : n), 0);
}
