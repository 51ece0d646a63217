import * as pulumi from "@pulumi/pulumi";

/**
 * Registering the hub's per-tenant resources in batches (issue 26, README "Scale").
 *
 * A Pulumi program normally constructs every resource synchronously. Under the offline plan's mock
 * monitor a registration's answer is a promise continuation, so none arrives before the whole
 * program has been constructed: every resource is pending at once, and a pending resource holds
 * about 15 Outputs of about 25 promises each. The hub has six resources per tenant, so its plan
 * memory was a peak that grew with the fleet. Constructed in batches, each batch one event-loop
 * turn after the previous, the continuations of a batch (and of everything else constructed so far)
 * run before the next batch exists: at most one batch is pending at a time.
 *
 * Against the real engine the yield is a turn of the event loop (`setImmediate`), not a wait for
 * the engine's answers (those arrive as gRPC I/O callbacks, later): the batches are all
 * constructed within milliseconds of each other and the engine sees the same registrations with
 * the same URNs, parents, options and dependencies as before, only in a different order.
 *
 * Not ComponentResource's async `initialize()` (@pulumi/pulumi 3.248.0 resource.ts, ComponentResource
 * constructor): it receives the `args` the constructor passes to `super`, and those are registered
 * as the component's inputs (unless PULUMI_NODEJS_SKIP_COMPONENT_INPUTS is set), so using it would
 * change what the engine stores for the component. The component instead starts the batches from
 * its constructor and exposes each later tenant's outputs through the SDK's `deferredOutput`
 * (@pulumi/pulumi 3.248.0 output.ts), which carries the value, secretness, known-ness and the
 * resources it depends on from the real output once it exists.
 */

/** Tenants constructed per batch. Default 50 (300 resources): measured in README "Scale". */
export const REGISTRATION_BATCH_DEFAULTS = { tenants: 50, min: 1 } as const;

/** `items` cut into consecutive runs of at most `size` (the last may be shorter); order kept. */
export function batchesOf<T>(items: readonly T[], size: number): T[][] {
    if (!Number.isInteger(size) || size < REGISTRATION_BATCH_DEFAULTS.min) {
        throw new Error(`registrationBatch: expected a whole number of tenants, at least ${REGISTRATION_BATCH_DEFAULTS.min} (got ${size})`);
    }
    const out: T[][] = [];
    for (let i = 0; i < items.length; i += size) {
        out.push(items.slice(i, i + size));
    }
    return out;
}

/**
 * Resolves one event-loop turn later (`setImmediate` runs after every queued promise continuation
 * and process.nextTick callback: https://nodejs.org/api/process.html#when-to-use-queuemicrotask-vs-processnexttick).
 * It keeps the async-local context (https://nodejs.org/api/async_context.html#class-asynclocalstorage),
 * so a stack planned in its own runtime store keeps it across batches.
 */
export function nextTurn(): Promise<void> {
    return new Promise((resolve) => setImmediate(resolve));
}

type Outputs<K extends string> = Record<K, pulumi.Output<string>>;

/**
 * Calls `build` for every item, the first batch now and each later batch one turn (nextTurn) after
 * the previous one, and returns every item's outputs at once, in item order: the first batch's as
 * built, the later ones as deferred outputs resolved from what `build` returns. If a later `build`
 * throws, the outputs of that item and of every item after it reject with its error, so whatever
 * waits on them (the component's registerOutputs, the stack's outputs) fails the program.
 */
export function inBatches<T, K extends string>(items: readonly T[], size: number, keys: readonly K[], build: (item: T) => Outputs<K>): Outputs<K>[] {
    const [first = [], ...later] = batchesOf(items, size);
    const out = first.map(build);
    const pending = later.map((batch) => batch.map(() => deferred(keys)));
    out.push(...pending.flat().map((d) => d.outputs));
    void resolveLater(later, pending, build);
    return out;
}

interface Deferred<K extends string> {
    readonly outputs: Outputs<K>;
    readonly resolve: (source: Outputs<K>) => void;
}

function deferred<K extends string>(keys: readonly K[]): Deferred<K> {
    const outputs = {} as Outputs<K>;
    const resolvers = {} as Record<K, (source: pulumi.Output<string>) => void>;
    for (const k of keys) {
        [outputs[k], resolvers[k]] = pulumi.deferredOutput<string>();
    }
    return { outputs, resolve: (source) => keys.forEach((k) => resolvers[k](source[k])) };
}

async function resolveLater<T, K extends string>(batches: T[][], pending: Deferred<K>[][], build: (item: T) => Outputs<K>): Promise<void> {
    const flat = pending.flat();
    let next = 0;
    try {
        for (const batch of batches) {
            await nextTurn();
            for (const item of batch) {
                flat[next].resolve(build(item));
                next++;
            }
        }
    } catch (e) {
        const failed = pulumi.output(Promise.reject<string>(e instanceof Error ? e : new Error(String(e))));
        for (const d of flat.slice(next)) {
            d.resolve(Object.fromEntries(Object.keys(d.outputs).map((k) => [k, failed])) as Outputs<K>);
        }
    }
}
