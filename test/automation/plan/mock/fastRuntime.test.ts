import * as assert from "assert";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { disableSourcePositions, untrackedPromise } from "../../../../automation/plan/mock/fastRuntime";
import { runStackProgram } from "../../../../automation/plan/mock/runStackProgram";
import { debuggable, getStore, sdkDebuggablePromise } from "../../../../automation/plan/mock/sdkInternals";
import { planExampleFleet } from "./planExample";

const candidates = () => (getStore() as unknown as { leakCandidates: Set<Promise<unknown>> }).leakCandidates;

/** Runs `fn` with `tracking` as the SDK's debuggablePromise (what its modules call), then puts back what was there. */
async function withTracking<T>(tracking: typeof debuggable.debuggablePromise, fn: () => Promise<T>): Promise<T> {
    const before = debuggable.debuggablePromise;
    debuggable.debuggablePromise = tracking;
    try {
        return await fn();
    } finally {
        debuggable.debuggablePromise = before;
    }
}

describe("offline plan runtime: untracked promises", function () {
    this.timeout(120_000);

    it("hands a promise back as it is: no wrapper, and no leak candidate in the store", async () => {
        const before = candidates().size;
        let resolve!: (v: string) => void;
        const pending = new Promise<string>((r) => (resolve = r));
        assert.strictEqual(untrackedPromise(pending), pending);
        assert.strictEqual(candidates().size, before);
        resolve("value");
        assert.strictEqual(await untrackedPromise(pending), "value");
    });

    it("is what the SDK's modules call once an offline plan process set it up, unless PULUMI_DEBUG_PROMISE_LEAKS asks for the SDK's report", () => {
        const callsites = (pulumi.Resource as unknown as { callsites: unknown }).callsites;
        const { debuggablePromise, debugPromiseLeaks } = debuggable;
        try {
            debuggable.debuggablePromise = sdkDebuggablePromise;
            debuggable.debugPromiseLeaks = true;
            disableSourcePositions({ stackTraces: true });
            assert.strictEqual(debuggable.debuggablePromise, sdkDebuggablePromise);
            debuggable.debugPromiseLeaks = false;
            disableSourcePositions({ stackTraces: true });
            assert.strictEqual(debuggable.debuggablePromise, untrackedPromise);
        } finally {
            Object.assign(debuggable, { debuggablePromise, debugPromiseLeaks });
            (pulumi.Resource as unknown as { callsites: unknown }).callsites = callsites;
        }
    });

    // Untracked only: a failed stack's pending promises, tracked by the SDK's own function, would be reported as leaks
    // when this test process exits.
    it("fails a stack with the error thrown inside an apply, untracked", async () => {
        const ctx = { account: "111111111111", region: "us-east-1", stackOutputs: new Map() };
        await withTracking(untrackedPromise as typeof sdkDebuggablePromise, () => assert.rejects(runStackProgram({
            project: "oss-monitoring",
            stack: "t",
            config: {},
            context: ctx,
            program: () => {
                const bad = pulumi.output("x").apply((): string => { throw new Error("boom in apply"); });
                return { arn: new aws.kms.Key("k", { description: bad }).arn };
            },
        }), /boom in apply/));
    });

    it("plans the example fleet byte-identically to the SDK's own promise tracking", async () => {
        const tracked = await withTracking(sdkDebuggablePromise, planExampleFleet);
        assert.strictEqual(await withTracking(untrackedPromise as typeof sdkDebuggablePromise, planExampleFleet), tracked);
    });
});
