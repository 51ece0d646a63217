import type { Clock } from "./clock";
import { OperationCancelledError, OperationTimeoutError } from "../errors";

/** Throttling as AWS and the Pulumi Cloud API report it. */
const THROTTLING = /\b(Throttling(Exception)?|ThrottledException|Rate exceeded|TooManyRequests(Exception)?|RequestLimitExceeded|SlowDown|429 Too Many Requests|\[429\])/i;

export interface Classification {
    readonly retryable: boolean;
    readonly reason: string;
}

/**
 * Only errors that a later attempt can fix are retried: another update holding the stack
 * (ConcurrentUpdateError) and API throttling. Everything else (a bad program, a policy
 * violation, a timeout) would fail the same way again or needs a human.
 */
export function classifyError(err: unknown): Classification {
    if (err instanceof OperationTimeoutError) {
        return { retryable: false, reason: "timeout" };
    }
    if (err instanceof OperationCancelledError) {
        return { retryable: false, reason: "cancelled" };
    }
    const name = err instanceof Error ? err.name : "";
    if (name === "ConcurrentUpdateError") {
        return { retryable: true, reason: "another update is running on this stack" };
    }
    const text = err instanceof Error ? err.message : String(err);
    if (THROTTLING.test(text)) {
        return { retryable: true, reason: "throttled" };
    }
    return { retryable: false, reason: name || "error" };
}

export interface BackoffOptions {
    /** First retry waits about this long (ms). */
    readonly baseMs: number;
    /** No wait is longer than this (ms). */
    readonly maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 5_000, maxMs: 120_000 };

/**
 * "Equal jitter": half the exponential step plus a random half, so retries from many stacks hit
 * by the same throttling spread out but never retry immediately.
 */
export function backoffDelay(retry: number, backoff: BackoffOptions, random: () => number): number {
    const step = Math.min(backoff.maxMs, backoff.baseMs * 2 ** (retry - 1));
    return Math.round(step / 2 + random() * (step / 2));
}

export interface AttemptOptions {
    readonly retries: number;
    readonly timeoutMs: number;
    readonly clock: Clock;
    readonly random: () => number;
    readonly backoff: BackoffOptions;
    /** Cancellation of the whole run: signals the running attempt, prevents further ones. */
    readonly abort?: AbortSignal;
    /**
     * After a timeout has signalled the operation, how long to wait for it to wind down (Pulumi
     * finishes in-flight resource operations) before giving up on it.
     */
    readonly graceMs?: number;
    readonly onRetry?: (retry: number, err: unknown, delayMs: number, reason: string) => void;
}

export interface AttemptResult<T> {
    readonly value: T;
    readonly attempts: number;
}

export class AttemptError extends Error {
    constructor(
        readonly error: unknown,
        readonly attempts: number,
        readonly classification: Classification,
    ) {
        super(error instanceof Error ? error.message : String(error));
        this.name = "AttemptError";
    }
}

/** One attempt with a timeout: the operation gets a signal that aborts on timeout or cancellation. */
async function once<T>(fn: (signal: AbortSignal) => Promise<T>, opts: AttemptOptions): Promise<T> {
    const controller = new AbortController();
    const timerStop = new AbortController();
    const onAbort = () => controller.abort(new OperationCancelledError());
    opts.abort?.addEventListener("abort", onAbort, { once: true });
    let timedOut = false;
    const work = fn(controller.signal);
    const timeout = opts.clock.sleep(opts.timeoutMs, timerStop.signal).then(async () => {
        if (timerStop.signal.aborted) {
            return;
        }
        timedOut = true;
        controller.abort(new OperationTimeoutError(opts.timeoutMs));
        // Give the engine time to cancel cleanly, but do not hang on one that ignores the signal.
        await Promise.race([work.catch(() => undefined), opts.clock.sleep(opts.graceMs ?? 120_000, timerStop.signal)]);
        throw new OperationTimeoutError(opts.timeoutMs);
    });
    try {
        const value = await Promise.race([work, timeout as Promise<never>]);
        return value;
    } catch (err) {
        if (timedOut) {
            throw new OperationTimeoutError(opts.timeoutMs);
        }
        if (opts.abort?.aborted) {
            throw new OperationCancelledError();
        }
        throw err;
    } finally {
        timerStop.abort();
        opts.abort?.removeEventListener("abort", onAbort);
        timeout.catch(() => undefined);
    }
}

/** Runs `fn` with a per-attempt timeout, retrying retryable errors with jittered backoff. */
export async function runWithRetries<T>(fn: (signal: AbortSignal, attempt: number) => Promise<T>, opts: AttemptOptions): Promise<AttemptResult<T>> {
    for (let attempt = 1; ; attempt++) {
        if (opts.abort?.aborted) {
            throw new AttemptError(new OperationCancelledError(), attempt - 1, { retryable: false, reason: "cancelled" });
        }
        try {
            const value = await once((signal) => fn(signal, attempt), opts);
            return { value, attempts: attempt };
        } catch (err) {
            const c = classifyError(err);
            if (!c.retryable || attempt > opts.retries || opts.abort?.aborted) {
                throw new AttemptError(err, attempt, opts.abort?.aborted && c.reason !== "timeout" ? { retryable: false, reason: "cancelled" } : c);
            }
            const delay = backoffDelay(attempt, opts.backoff, opts.random);
            opts.onRetry?.(attempt, err, delay, c.reason);
            await opts.clock.sleep(delay, opts.abort);
        }
    }
}
