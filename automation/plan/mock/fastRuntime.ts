import * as pulumi from "@pulumi/pulumi";
import { debuggable, getStore } from "./sdkInternals";

type Tracked = Promise<unknown>;
type DebuggablePromise = (p: Tracked, ctx: unknown) => Tracked;

/**
 * The SDK's debuggablePromise (@pulumi/pulumi 3.248.0 runtime/debuggable.js:80) without what only its
 * PULUMI_DEBUG_PROMISE_LEAKS report reads: three non-enumerable properties and a captured stack per
 * promise (`_debugId`, `_debugCtx`, `_debugStackTrace`, read by promiseDebugString alone). The SDK
 * wraps four promises per output property of every resource (rpc.js transferProperties), and that
 * bookkeeping was a tenth of a planned spoke's CPU. What the runtime relies on is kept as it is: the
 * promise is a leak candidate of the current store until it settles, and a rejection carries it as
 * `err.promise`.
 *
 * The SDK's exit-time leak report is armed here, once, by a call to the SDK's own function with a settled
 * promise, outside any stack. Its `process.on("exit")` listener keeps the runtime store it was armed in for
 * the life of the process (runtime/debuggable.js:81-115 reads `localStore.terminated` from it; the leaks it
 * reports come from the store current at exit), and that store's `stackResource` holds the whole stack's
 * resource tree. Armed by the first stack's first promise, as before, it kept the hub's 12,570 resources
 * (the 2,000 + 50 fleet) alive in the hub's worker for the whole plan: about 225 MiB of live heap that every
 * later headroom collection marked again (about 370 ms each against 100 ms in the other worker).
 */
export function leanDebuggablePromise(original: DebuggablePromise): DebuggablePromise {
    void original(Promise.resolve(), "offline plan: arms the SDK's exit-time leak report");
    return (p) => {
        const store = getStore() as unknown as { leakCandidates: Set<Tracked> };
        store.leakCandidates.add(p);
        return p
            .then((val) => {
                store.leakCandidates.delete(p);
                return val;
            })
            .catch((err: { promise?: Tracked }) => {
                store.leakCandidates.delete(p);
                err.promise = p;
                throw err;
            });
    };
}

/**
 * Offline plans never show source positions, yet the SDK captures a full stack trace (with
 * every frame source-mapped when ts-node is loaded) for each resource and each internal
 * promise. Dropping both makes a mocked resource several times cheaper. Only for processes
 * that plan offline: a real `pulumi up` keeps its source positions. The promise-leak debug
 * report keeps them too: with PULUMI_DEBUG_PROMISE_LEAKS set, the SDK's own tracking stays.
 */
export function disableSourcePositions(opts: { stackTraces: boolean }): void {
    (pulumi.Resource as unknown as { callsites: () => unknown[] }).callsites = () => [];
    if (!opts.stackTraces) {
        Error.stackTraceLimit = 0;
    }
    if (!debuggable.debugPromiseLeaks && !leanTracking.has(debuggable.debuggablePromise)) {
        const lean = leanDebuggablePromise(debuggable.debuggablePromise);
        leanTracking.add(lean);
        // The SDK's modules call it through the module object (debuggable_1.debuggablePromise), so this reaches them all.
        debuggable.debuggablePromise = lean;
    }
}

const leanTracking = new WeakSet<DebuggablePromise>();
