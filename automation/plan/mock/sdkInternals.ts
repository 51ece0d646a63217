/**
 * SDK runtime functions the Automation API's inline-program server uses but the public
 * typings hide (marked @internal). Pinned to @pulumi/pulumi 3.248.0 in package.json; the
 * plan tests fail loudly if an upgrade moves them.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- these runtime modules are not in the package exports map typings */
const state = require("@pulumi/pulumi/runtime/state");
const settings = require("@pulumi/pulumi/runtime/settings");

export interface RuntimeStore {
    supportsSecrets: boolean;
    supportsResourceReferences: boolean;
    supportsOutputValues: boolean;
    supportsDeletedWith: boolean;
    supportsAliasSpecs: boolean;
}

export const withLocalStorage: <T>(fn: () => Promise<T>) => Promise<T> = state.withLocalStorage;
export const getStore: () => RuntimeStore = state.getStore;
export const waitForRPCs: () => Promise<void> = settings.waitForRPCs;

for (const [name, fn] of Object.entries({ withLocalStorage, getStore, waitForRPCs })) {
    if (typeof fn !== "function") {
        throw new Error(`@pulumi/pulumi no longer exports runtime ${name}; the offline plan needs updating for this SDK version`);
    }
}
