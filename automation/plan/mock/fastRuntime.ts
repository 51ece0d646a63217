import * as pulumi from "@pulumi/pulumi";
import { debuggable } from "./sdkInternals";

/**
 * The SDK's debuggablePromise (@pulumi/pulumi 3.248.0 runtime/debuggable.js:80-130), for offline plan processes: the
 * promise itself. The SDK wraps four promises per output property of every resource (rpc.js transferProperties) and
 * most of its internal ones; each wrapper records the promise in the runtime store's `leakCandidates` and chains a
 * `then` and a `catch` that take it out again when it settles. Those sets have two readers, and an offline plan has
 * neither: the Automation API's language server (automation/server.js, not run by an offline plan) and the exit-time
 * report (debuggable.js:88-115), which reads the store current at exit, while a plan gives each stack a fresh store
 * and drops it when the stack is done (withFreshGlobalStore) or runs it in an async-local one. A failed stack's store
 * stays in place, but its unfinished chains are that stack's failure, already reported as such.
 * What the wrappers cost: the hub creates its resources at once, so every one of its pending promises sat in one set
 * with two live chains; planned alone in one process, alternating, the 500 + 20 hub took 2.0-2.6 s of CPU with them
 * and 1.6-2.2 s without, the 2,000 + 50 hub 6.1-7.0 and 5.4-5.8 s (README "Scale"). A spoke's few hundred promises
 * cost nothing measurable. A rejection reaches the same handlers with the same error; it no longer carries
 * `err.promise`, which only the SDK's own debug report read. The plans are the same with and without (tests).
 */
export function untrackedPromise<T>(p: Promise<T>): Promise<T> {
    return p;
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
    if (!debuggable.debugPromiseLeaks) {
        // The SDK's modules call it through the module object (debuggable_1.debuggablePromise), so this reaches them all.
        debuggable.debuggablePromise = untrackedPromise;
    }
}
