import * as assert from "assert";
import { VirtualClock } from "../../../../automation/driver/schedule/clock";
import { effectiveConcurrency, runSchedule, SchedulerPolicy, TaskOutcome } from "../../../../automation/driver/schedule/scheduler";
import { planWaves, WavePlan } from "../../../../automation/driver/schedule/waves";
import type { Operation, StackState } from "../../../../automation/driver/types";
import { fleet, spokeNames } from "../fixtures";

interface Trace {
    readonly starts: { name: string; at: number; inFlight: number; failures: number }[];
    readonly ends: { name: string; at: number; outcome: TaskOutcome }[];
    readonly states: [string, StackState, string | undefined][];
}

/** Runs a plan with tasks that take `duration(name)` virtual ms and fail when `fails(name)`. */
async function simulate(
    plan: WavePlan,
    policy: SchedulerPolicy,
    opts: { duration?: (n: string) => number; fails?: (n: string) => boolean; stop?: AbortSignal; onStart?: (name: string) => void } = {},
) {
    const clock = new VirtualClock();
    const trace: Trace = { starts: [], ends: [], states: [] };
    // Counted from the scheduler's own notifications, i.e. what it knew when it started a stack.
    let failures = 0;
    const result = await runSchedule(
        plan,
        policy,
        async (name) => {
            opts.onStart?.(name);
            await clock.sleep(opts.duration?.(name) ?? 1000);
            const outcome: TaskOutcome = opts.fails?.(name) ? "failed" : "succeeded";
            trace.ends.push({ name, at: clock.now(), outcome });
            return outcome;
        },
        {
            stop: opts.stop,
            hooks: {
                onState: (n, s, i) => {
                    trace.states.push([n, s, i.reason]);
                    if (s === "running") {
                        trace.starts.push({ name: n, at: clock.now(), inFlight: i.running, failures });
                    } else if (s === "failed" && i.wave === "main") {
                        failures++;
                    }
                },
            },
        },
    );
    return { result, trace, clock };
}

function planFor(op: Operation, spokes: Parameters<typeof fleet>[0], rollout: { canary?: string[]; canaryCount?: number } = {}) {
    const m = fleet(spokes);
    return planWaves(m.stacks, { operation: op, canary: rollout.canary ?? [], canaryCount: rollout.canaryCount ?? 1, regionOrder: [] });
}

const state = (r: Awaited<ReturnType<typeof simulate>>["result"], name: string) => r.stacks.get(name)!.state;

describe("fleet scheduler", () => {
    it("finishes the hub before any spoke starts, and the canary before the main wave", async () => {
        const plan = planFor("up", spokeNames(6));
        const { trace } = await simulate(plan, { concurrency: 4, failureTolerance: 0, mode: "strict" });
        const end = (n: string) => trace.ends.find((e) => e.name === n)!.at;
        const start = (n: string) => trace.starts.find((s) => s.name === n)!.at;
        assert.strictEqual(trace.starts[0].name, "hub");
        for (const s of spokeNames(6)) {
            assert.ok(start(s) >= end("hub"), `${s} started before the hub finished`);
        }
        for (const s of spokeNames(6).slice(1)) {
            assert.ok(start(s) >= end("spoke-001"), `${s} started before the canary finished`);
        }
    });

    it("destroys every spoke before the hub", async () => {
        const plan = planFor("destroy", spokeNames(5));
        const { trace } = await simulate(plan, { concurrency: 3, failureTolerance: 0, mode: "soft" });
        const hubStart = trace.starts.find((s) => s.name === "hub")!.at;
        assert.strictEqual(trace.starts[trace.starts.length - 1].name, "hub");
        assert.ok(trace.ends.filter((e) => e.name !== "hub").every((e) => e.at <= hubStart));
    });

    it("never exceeds the concurrency cap and fills it when there is work", async () => {
        const plan = planFor("up", spokeNames(23), { canaryCount: 0 });
        const { result, trace } = await simulate(plan, { concurrency: 5, failureTolerance: 0, mode: "strict" }, { duration: (n) => 500 + (n.charCodeAt(n.length - 1) % 7) * 100 });
        assert.strictEqual(result.maxInFlight, 5);
        assert.ok(trace.starts.every((s) => s.inFlight <= 5));
        // Every start of the main wave before the last four found a full complement running.
        const mainStarts = trace.starts.filter((s) => s.name !== "hub");
        assert.deepStrictEqual(mainStarts.slice(0, 5).map((s) => s.inFlight), [1, 2, 3, 4, 5]);
        assert.strictEqual(trace.ends.filter((e) => e.outcome === "succeeded").length, 24);
    });

    it("stops the rollout when a canary fails: nothing in the main wave starts", async () => {
        const plan = planFor("up", spokeNames(5), { canary: ["spoke-003"] });
        const { result, trace } = await simulate(plan, { concurrency: 5, failureTolerance: 10, mode: "soft" }, { fails: (n) => n === "spoke-003" });
        assert.deepStrictEqual(trace.starts.map((s) => s.name), ["hub", "spoke-003"]);
        assert.strictEqual(result.stopReason, "canary stack spoke-003 failed");
        for (const s of ["spoke-001", "spoke-002", "spoke-004", "spoke-005"]) {
            assert.strictEqual(state(result, s), "not-run");
            assert.strictEqual(result.stacks.get(s)!.reason, "canary stack spoke-003 failed");
        }
    });

    it("skips every spoke when the hub fails", async () => {
        const plan = planFor("up", spokeNames(3));
        const { result, trace } = await simulate(plan, { concurrency: 5, failureTolerance: 10, mode: "soft" }, { fails: (n) => n === "hub" });
        assert.deepStrictEqual(trace.starts.map((s) => s.name), ["hub"]);
        assert.ok(spokeNames(3).every((s) => state(result, s) === "skipped" && result.stacks.get(s)!.reason === "depends on hub, which failed"));
    });

    it("skips the dependents of a failed stack and carries on with independent ones", async () => {
        const plan = planFor("up", ["base-net", { name: "app", dependsOn: ["base-net"] }, { name: "app-ui", dependsOn: ["app"] }, "other-a", "other-b"], { canaryCount: 0 });
        const { result } = await simulate(plan, { concurrency: 2, failureTolerance: 5, mode: "soft" }, { fails: (n) => n === "base-net" });
        assert.strictEqual(state(result, "base-net"), "failed");
        assert.strictEqual(state(result, "app"), "skipped");
        assert.strictEqual(state(result, "app-ui"), "skipped");
        assert.strictEqual(result.stacks.get("app-ui")!.reason, "depends on base-net, which failed");
        assert.strictEqual(state(result, "other-a"), "succeeded");
        assert.strictEqual(state(result, "other-b"), "succeeded");
        assert.strictEqual(result.mainFailures, 1, "skipped dependents do not spend the failure budget");
    });

    it("stops starting new stacks once failures exceed the tolerance; running ones finish", async () => {
        const names = spokeNames(20);
        const plan = planFor("up", names, { canaryCount: 0 });
        const failing = new Set(names.slice(0, 8));
        const { result, trace } = await simulate(plan, { concurrency: 4, failureTolerance: 2, mode: "soft" }, { fails: (n) => failing.has(n) });
        // Four start together and fail: the first two failures are tolerated and their slots
        // refilled (spoke-005, spoke-006); the third exceeds the budget and stops new starts.
        assert.strictEqual(result.stopReason, "failure tolerance exceeded: 3 failed in the main wave, 2 tolerated");
        assert.deepStrictEqual(trace.starts.filter((s) => s.name !== "hub").map((s) => s.name), names.slice(0, 6));
        assert.strictEqual(trace.ends.filter((e) => e.outcome === "failed").length, 6, "stacks in flight at the stop still finish");
        assert.ok(names.slice(6).every((n) => state(result, n) === "not-run"));
    });

    it("strict mode lowers concurrency as failures mount while soft mode keeps it", async () => {
        const names = spokeNames(40);
        const plan = planFor("up", names, { canaryCount: 0 });
        // Every fifth spoke fails, at staggered times, so failures arrive while work remains.
        const index = (n: string) => (n === "hub" ? 0 : Number(n.slice(-3)));
        const fails = (n: string) => index(n) % 5 === 0 && n !== "hub";
        const duration = (n: string) => 1000 + (index(n) % 3) * 250;
        const policy = { concurrency: 8, failureTolerance: 3 };
        const strict = await simulate(plan, { ...policy, mode: "strict" }, { fails, duration });
        const soft = await simulate(plan, { ...policy, mode: "soft" }, { fails, duration });
        for (const s of strict.trace.starts.filter((x) => x.name !== "hub")) {
            assert.ok(s.inFlight <= effectiveConcurrency(8, 3, s.failures, "strict"), `strict started ${s.name} with ${s.inFlight} in flight after ${s.failures} failures`);
        }
        const afterFailures = (t: Trace) => Math.max(...t.starts.filter((s) => s.failures >= 2).map((s) => s.inFlight));
        assert.ok(afterFailures(strict.trace) <= 4, `strict ran ${afterFailures(strict.trace)} in flight after two failures`);
        assert.strictEqual(afterFailures(soft.trace), 8, "soft keeps the full width after failures");
        for (const r of [strict, soft]) {
            assert.match(r.result.stopReason ?? "", /failure tolerance exceeded: \d+ failed in the main wave, 3 tolerated/);
        }
        assert.ok(strict.result.mainFailures <= soft.result.mainFailures, "strict never burns more of the budget than soft");
    });

    it("computes strict concurrency from the remaining failure budget", () => {
        assert.deepStrictEqual([0, 1, 2, 3, 4].map((f) => effectiveConcurrency(20, 3, f, "strict")), [20, 15, 10, 5, 0]);
        assert.deepStrictEqual([0, 1].map((f) => effectiveConcurrency(3, 0, f, "strict")), [3, 0]);
        assert.strictEqual(effectiveConcurrency(4, 9, 9, "strict"), 1);
        assert.strictEqual(effectiveConcurrency(20, 3, 3, "soft"), 20);
        assert.strictEqual(effectiveConcurrency(20, Number.POSITIVE_INFINITY, 50, "strict"), 20);
    });

    it("starts nothing new after a stop, lets running stacks finish and reports the rest as not run", async () => {
        const names = spokeNames(10);
        const plan = planFor("up", names, { canaryCount: 0 });
        const stop = new AbortController();
        const { result, trace } = await simulate(plan, { concurrency: 3, failureTolerance: 0, mode: "soft" }, {
            stop: stop.signal,
            onStart: (n) => n === "spoke-002" && stop.abort(),
        });
        assert.deepStrictEqual(trace.starts.map((s) => s.name), ["hub", "spoke-001", "spoke-002"]);
        assert.strictEqual(state(result, "spoke-001"), "succeeded");
        assert.strictEqual(state(result, "spoke-002"), "succeeded");
        assert.ok(names.slice(2).every((n) => state(result, n) === "not-run"));
        assert.strictEqual(result.stopReason, "cancelled");
    });

    it("does not gate or skip for read-only operations", async () => {
        const plan = planFor("drift", spokeNames(4));
        const { result } = await simulate(plan, { concurrency: 2, failureTolerance: Number.POSITIVE_INFINITY, mode: "strict" }, { fails: (n) => n === "hub" || n === "spoke-001" });
        assert.deepStrictEqual(["hub", ...spokeNames(4)].map((n) => state(result, n)), ["failed", "failed", "succeeded", "succeeded", "succeeded"]);
        assert.strictEqual(result.stopReason, undefined);
    });
});
