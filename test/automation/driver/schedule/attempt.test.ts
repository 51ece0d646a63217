import * as assert from "assert";
import { ConcurrentUpdateError } from "@pulumi/pulumi/automation";
import { AttemptError, backoffDelay, classifyError, runWithRetries } from "../../../../automation/driver/schedule/attempt";
import { VirtualClock } from "../../../../automation/driver/schedule/clock";
import { OperationCancelledError, OperationTimeoutError } from "../../../../automation/driver/errors";
import { namedError } from "../fixtures";

const backoff = { baseMs: 1000, maxMs: 8000 };

async function attempts(errors: (Error | undefined)[], opts: { retries: number; random?: () => number }) {
    const clock = new VirtualClock();
    const calls: number[] = [];
    const retries: [number, number, string][] = [];
    const outcome = await runWithRetries(
        async (_signal, attempt) => {
            calls.push(clock.now());
            await clock.sleep(10);
            const e = errors[attempt - 1];
            if (e) {
                throw e;
            }
            return `ok on ${attempt}`;
        },
        { retries: opts.retries, timeoutMs: 60_000, clock, random: opts.random ?? (() => 0.5), backoff, onRetry: (n, _e, d, reason) => retries.push([n, d, reason]) },
    ).catch((e: unknown) => e);
    return { outcome, calls, retries };
}

describe("fleet retries and timeouts", () => {
    it("classifies concurrent updates and throttling as retryable, everything else not", () => {
        // The Automation API's own class, built the way createCommandError builds it.
        const Ctor = ConcurrentUpdateError as unknown as new (result: { toString(): string }) => Error;
        const concurrent = new Ctor({ toString: () => "stderr: [409] Conflict: Another update is currently in progress." });
        assert.strictEqual(classifyError(concurrent).retryable, true);
        assert.strictEqual(classifyError(namedError("CommandError", "error: operation error CloudWatch: PutMetricAlarm, ThrottlingException: Rate exceeded")).retryable, true);
        assert.strictEqual(classifyError(namedError("CommandError", "error: 429 Too Many Requests from api.pulumi.com")).retryable, true);
        assert.strictEqual(classifyError(namedError("CommandError", "error: creating IAM Role: AccessDenied")).retryable, false);
        assert.strictEqual(classifyError(namedError("CommandError", "mandatory policy violation: tls-listener-policy")).retryable, false);
        assert.strictEqual(classifyError(new OperationTimeoutError(1000)).retryable, false);
        assert.strictEqual(classifyError(new OperationCancelledError()).retryable, false);
    });

    it("retries a retryable error with growing, jittered backoff and then succeeds", async () => {
        const busy = namedError("ConcurrentUpdateError", "the stack is currently locked by 1 lock(s)");
        const { outcome, calls, retries } = await attempts([busy, busy, undefined], { retries: 2, random: () => 1 });
        assert.deepStrictEqual(outcome, { value: "ok on 3", attempts: 3 });
        assert.deepStrictEqual(retries.map(([n, d]) => [n, d]), [[1, 1000], [2, 2000]]);
        // Second attempt starts after the first (10ms) plus its backoff; third likewise.
        assert.deepStrictEqual(calls, [0, 1010, 3020]);
    });

    it("keeps every backoff between half and all of its exponential step, capped", () => {
        assert.strictEqual(backoffDelay(1, backoff, () => 0), 500);
        assert.strictEqual(backoffDelay(1, backoff, () => 1), 1000);
        assert.strictEqual(backoffDelay(3, backoff, () => 0.5), 3000);
        assert.strictEqual(backoffDelay(10, backoff, () => 1), 8000);
    });

    it("does not retry other errors", async () => {
        const denied = namedError("CommandError", "error: AccessDenied");
        const { outcome, calls } = await attempts([denied], { retries: 5 });
        assert.ok(outcome instanceof AttemptError);
        assert.strictEqual(outcome.attempts, 1);
        assert.strictEqual(outcome.error, denied);
        assert.strictEqual(calls.length, 1);
    });

    it("gives up after the configured number of retries", async () => {
        const throttled = namedError("CommandError", "Throttling: Rate exceeded");
        const { outcome, calls } = await attempts([throttled, throttled, throttled, throttled], { retries: 2 });
        assert.ok(outcome instanceof AttemptError);
        assert.strictEqual(outcome.attempts, 3);
        assert.strictEqual(calls.length, 3);
        assert.strictEqual(outcome.classification.reason, "throttled");
    });

    it("aborts the operation's signal on timeout and reports a timeout, without retrying", async () => {
        const clock = new VirtualClock();
        let seen: AbortSignal | undefined;
        let calls = 0;
        const outcome = await runWithRetries(
            async (signal) => {
                calls++;
                seen = signal;
                await clock.sleep(3_600_000, signal);
                throw signal.reason;
            },
            { retries: 3, timeoutMs: 60_000, clock, random: () => 0.5, backoff },
        ).catch((e: unknown) => e);
        assert.ok(outcome instanceof AttemptError);
        assert.ok(outcome.error instanceof OperationTimeoutError);
        assert.match(outcome.message, /timed out after 1m00s/);
        assert.strictEqual(seen?.aborted, true);
        assert.strictEqual(calls, 1);
        assert.strictEqual(clock.now(), 60_000);
    });

    it("stops waiting for an operation that ignores the timeout signal after the grace period", async () => {
        const clock = new VirtualClock();
        const outcome = await runWithRetries(() => clock.sleep(10 * 3_600_000).then(() => "late"), {
            retries: 0,
            timeoutMs: 60_000,
            graceMs: 30_000,
            clock,
            random: () => 0.5,
            backoff,
        }).catch((e: unknown) => e);
        assert.ok(outcome instanceof AttemptError && outcome.error instanceof OperationTimeoutError);
        assert.strictEqual(clock.now(), 90_000);
    });

    it("signals the running attempt on cancellation and does not retry", async () => {
        const clock = new VirtualClock();
        const abort = new AbortController();
        let calls = 0;
        const run = runWithRetries(
            async (signal) => {
                calls++;
                await clock.sleep(3_600_000, signal);
                throw namedError("ConcurrentUpdateError", "interrupted");
            },
            { retries: 3, timeoutMs: 7_200_000, clock, random: () => 0.5, backoff, abort: abort.signal },
        ).catch((e: unknown) => e);
        await clock.sleep(5_000);
        abort.abort();
        const outcome = await run;
        assert.ok(outcome instanceof AttemptError);
        assert.strictEqual(outcome.classification.reason, "cancelled");
        assert.strictEqual(calls, 1);
        assert.strictEqual(clock.now(), 5_000);
    });
});
