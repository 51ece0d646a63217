import * as pulumi from "@pulumi/pulumi";
import { setAllConfig } from "@pulumi/pulumi/runtime/config";
import { setMockOptions } from "@pulumi/pulumi/runtime/settings";
import { runInPulumiStack } from "@pulumi/pulumi/runtime/stack";
import { getStore, waitForRPCs, withFreshGlobalStore, withLocalStorage } from "./sdkInternals";
import { MockContext } from "./mockState";
import { PlanMonitor, RecordedResource, SECRET_PLACEHOLDER } from "./monitor";

export interface StackRunOptions {
    readonly project: string;
    readonly stack: string;
    /** Pulumi config keys (`ns:key`) to values; objects are passed as structured config. */
    readonly config: Record<string, unknown>;
    /** Keys whose values the program must treat as secrets. */
    readonly secretKeys?: readonly string[];
    readonly context: MockContext;
    readonly program: () => Promise<Record<string, unknown> | void> | Record<string, unknown> | void;
}

export interface StackRunResult {
    readonly resources: RecordedResource[];
    /** Stack outputs with secrets revealed: only ever fed to dependent StackReferences. */
    readonly outputs: Record<string, unknown>;
    /** Stack outputs as a report may show them: secret outputs redacted. */
    readonly publicOutputs: Record<string, unknown>;
}

function configValue(v: unknown): string {
    return typeof v === "string" ? v : JSON.stringify(v);
}

async function resolveOutputs(raw: Record<string, unknown> | undefined): Promise<{ all: Record<string, unknown>; shown: Record<string, unknown> }> {
    const all: Record<string, unknown> = {};
    const shown: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(raw ?? {})) {
        // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Output.promise() and isSecret are @internal in the SDK typings
        const o = pulumi.output(v) as any;
        const value = await o.promise();
        const secret = await o.isSecret;
        all[k] = value;
        shown[k] = secret ? SECRET_PLACEHOLDER : value;
    }
    return { all, shown };
}

let sequentialProcess = false;
let running = 0;
let globalStoreTainted = false;

/**
 * Declares that this process plans one stack at a time (the plan workers, the in-process fleet plan):
 * a stack then runs on a fresh process-wide runtime store rather than an async-local one, which
 * cuts the memory of a pending resource by about a quarter and its CPU by a few percent (figures in
 * README "Scale"). A stack started while another runs, or any stack after one failed (its
 * unfinished promise chains may still reach the global store), still gets its own async-local store.
 */
export function planStacksOneAtATime(on = true): void {
    sequentialProcess = on;
}

/**
 * Runs a stack program in-process against the plan monitor, isolated in its own
 * async-local runtime store (the same mechanism the Automation API uses for inline
 * programs), so several stacks can be planned one after another in one process.
 */
export async function runStackProgram(opts: StackRunOptions): Promise<StackRunResult> {
    const onGlobalStore = sequentialProcess && running === 0 && !globalStoreTainted;
    running++;
    try {
        return await runIsolated(opts, onGlobalStore ? withFreshGlobalStore : withLocalStorage);
    } catch (e) {
        globalStoreTainted ||= onGlobalStore;
        throw e;
    } finally {
        running--;
    }
}

async function runIsolated(opts: StackRunOptions, isolate: <T>(fn: () => Promise<T>) => Promise<T>): Promise<StackRunResult> {
    // An error thrown inside an apply (or a failed read such as a StackReference) surfaces only
    // as an unhandled rejection while the stack's outputs wait forever: fail the run with it.
    let onUnhandled: ((e: unknown) => void) | undefined;
    const failure = new Promise<never>((_, reject) => {
        onUnhandled = (e: unknown) => reject(e instanceof Error ? e : new Error(String(e)));
    });
    process.on("unhandledRejection", onUnhandled!);
    try {
        return await Promise.race([run(opts, isolate), failure]);
    } finally {
        // A program that throws leaves the SDK's stack-outputs promise rejected with the same error;
        // Node reports it as unhandled only after this turn, so keep listening one more turn or the
        // next stack planned in this process would fail with this stack's error.
        await new Promise((resolve) => setImmediate(resolve));
        process.off("unhandledRejection", onUnhandled!);
    }
}

function run(opts: StackRunOptions, isolate: <T>(fn: () => Promise<T>) => Promise<T>): Promise<StackRunResult> {
    return isolate(async () => {
        const monitor = new PlanMonitor(opts.context);
        setMockOptions(monitor, opts.project, opts.stack, true);
        const store = getStore();
        store.supportsSecrets = true;
        // Plain references keep recorded inputs JSON-serialisable (IDs/URNs, not live objects).
        store.supportsResourceReferences = false;
        store.supportsOutputValues = false;
        store.supportsDeletedWith = true;
        store.supportsAliasSpecs = true;
        const config: Record<string, string> = {};
        for (const [k, v] of Object.entries(opts.config)) {
            config[k] = configValue(v);
        }
        setAllConfig(config, [...(opts.secretKeys ?? [])]);
        // Keep the program's own return value: the stack's massaged outputs lose secretness.
        let returned: Record<string, unknown> | undefined;
        await runInPulumiStack(async () => {
            returned = (await opts.program()) ?? undefined;
            return returned;
        });
        await waitForRPCs();
        const { all, shown } = await resolveOutputs(returned);
        await waitForRPCs();
        return { resources: monitor.recorded, outputs: all, publicOutputs: shown };
    });
}
