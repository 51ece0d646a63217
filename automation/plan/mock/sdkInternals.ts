/**
 * SDK runtime functions the Automation API's inline-program server uses but the public
 * typings hide (marked @internal). Pinned to @pulumi/pulumi 3.248.0 in package.json; the
 * plan tests fail loudly if an upgrade moves them.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- these runtime modules are not in the package exports map typings */
const state = require("@pulumi/pulumi/runtime/state");
const settings = require("@pulumi/pulumi/runtime/settings");
/**
 * runtime/debuggable: `debuggablePromise` (replaced by untrackedPromise in offline plan processes, see
 * fastRuntime.ts; the SDK's modules call it through this module object) and `debugPromiseLeaks`.
 */
export const debuggable: { debuggablePromise: (p: Promise<unknown>, ctx: unknown) => Promise<unknown>; debugPromiseLeaks: boolean } = require("@pulumi/pulumi/runtime/debuggable");
/** The SDK's own debuggablePromise, as loaded (tests compare plans made with it and without). */
export const sdkDebuggablePromise = debuggable.debuggablePromise;

export interface RuntimeStore {
    supportsSecrets: boolean;
    supportsResourceReferences: boolean;
    supportsOutputValues: boolean;
    supportsDeletedWith: boolean;
    supportsAliasSpecs: boolean;
}

export const withLocalStorage: <T>(fn: () => Promise<T>) => Promise<T> = state.withLocalStorage;

/**
 * Runs `fn` on a fresh process-wide runtime store instead of an async-local one. The SDK's
 * getStore() falls back to the global store outside AsyncLocalStorage.run (runtime/state.js), so
 * this is the same runtime without async hooks: on Node 20, AsyncLocalStorage installs a promise hook
 * that gives every promise an async id and trigger id (a property array and two boxed numbers), and a
 * planned resource keeps hundreds of promises pending until it registers. Only valid while no other
 * stack runs in this process (see runStackProgram).
 */
export async function withFreshGlobalStore<T>(fn: () => Promise<T>): Promise<T> {
    const global = globalThis as { globalStore?: unknown };
    global.globalStore = new state.LocalStore();
    const result = await fn();
    // Left behind once done, as an async-local store is: the SDK's exit-time leak report reads the
    // process-wide store. A failed stack's store stays in place: its unfinished chains still reach it,
    // and it must remain the store nobody else uses (runStackProgram switches to async-local stores).
    global.globalStore = new state.LocalStore();
    return result;
}
export const getStore: () => RuntimeStore = state.getStore;
export const waitForRPCs: () => Promise<void> = settings.waitForRPCs;

for (const [name, fn] of Object.entries({ withLocalStorage, getStore, waitForRPCs, LocalStore: state.LocalStore, debuggablePromise: debuggable.debuggablePromise })) {
    if (typeof fn !== "function") {
        throw new Error(`@pulumi/pulumi no longer exports runtime ${name}; the offline plan needs updating for this SDK version`);
    }
}
