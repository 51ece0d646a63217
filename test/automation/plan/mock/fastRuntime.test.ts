import * as assert from "assert";
import { leanDebuggablePromise } from "../../../../automation/plan/mock/fastRuntime";
import { debuggable, getStore } from "../../../../automation/plan/mock/sdkInternals";

const candidates = () => (getStore() as unknown as { leakCandidates: Set<Promise<unknown>> }).leakCandidates;

describe("offline plan runtime: lean promise tracking", () => {
    it("calls the SDK's own function once, when made (arming the SDK's exit-time leak report outside any stack), and never for a stack's promises", async () => {
        const calls: unknown[] = [];
        const lean = leanDebuggablePromise((p, ctx) => {
            calls.push(ctx);
            return p;
        });
        assert.deepStrictEqual(calls, ["offline plan: arms the SDK's exit-time leak report"]);
        const first = Promise.resolve(1);
        assert.strictEqual(await lean(first, "first"), 1);
        await lean(Promise.resolve(2), "second");
        assert.strictEqual(calls.length, 1);
    });

    it("keeps a promise a leak candidate of the current store until it settles, and hands back its value", async () => {
        const lean = leanDebuggablePromise(debuggable.debuggablePromise);
        await lean(Promise.resolve("arm"), "arm");
        let resolve!: (v: string) => void;
        const pending = new Promise<string>((r) => (resolve = r));
        const tracked = lean(pending, "pending");
        assert.ok(candidates().has(pending), "a pending promise is a leak candidate, as the SDK's exit report expects");
        resolve("value");
        assert.strictEqual(await tracked, "value");
        assert.ok(!candidates().has(pending), "a settled promise is no longer a candidate");
    });

    it("rejects with the same error, carrying the promise as err.promise like the SDK's", async () => {
        const lean = leanDebuggablePromise(debuggable.debuggablePromise);
        await lean(Promise.resolve("arm"), "arm");
        const failing = Promise.reject(new Error("kaput"));
        const tracked = lean(failing, "failing");
        await assert.rejects(tracked, (e: Error & { promise?: unknown }) => e.message === "kaput" && e.promise === failing);
        assert.ok(!candidates().has(failing));
    });
});
