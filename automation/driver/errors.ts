import { EXIT_CODES, UsageError } from "../io/cliKit";

/**
 * Exit codes of `npm run fleet`; documented in automation/README.md. The shared ones come from
 * EXIT_CODES: ok 0; failed 1 (a stack failed, was skipped or did not run); usage 2 (bad flags,
 * manifest or environment, e.g. no Pulumi CLI: nothing was touched).
 */
export const EXIT = {
    ...EXIT_CODES,
    /** drift: every stack was checked and at least one drifted. */
    drift: 3,
    /** Ctrl-C / SIGTERM. */
    cancelled: 130,
} as const;

export class PulumiCliMissingError extends UsageError {
    constructor(message: string) {
        super(message);
        this.name = "PulumiCliMissingError";
    }
}

export class OperationTimeoutError extends Error {
    constructor(readonly timeoutMs: number) {
        super(`timed out after ${formatDuration(timeoutMs)} (raise rollout.timeoutMinutes or --timeout-minutes)`);
        this.name = "OperationTimeoutError";
    }
}

export class OperationCancelledError extends Error {
    constructor() {
        super("cancelled");
        this.name = "OperationCancelledError";
    }
}

/** A stack whose operation never began because the run was stopping. */
export class NotStartedError extends Error {
    constructor() {
        super("cancelled before it started");
        this.name = "NotStartedError";
    }
}

export function formatDuration(ms: number): string {
    const s = Math.max(0, Math.round(ms / 1000));
    if (s < 60) {
        return `${s}s`;
    }
    const m = Math.floor(s / 60);
    if (m < 60) {
        return `${m}m${String(s % 60).padStart(2, "0")}s`;
    }
    return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}
