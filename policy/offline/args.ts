/**
 * ResourceValidationArgs / StackValidationArgs built from plan entries the way @pulumi/policy's
 * analyzer server (server.js) builds them from the engine's requests: props wrapped in the SDK's
 * unknown-checking proxy, isType/asType comparing the class's __pulumiType (falling back to
 * isInstance), getConfig returning the policy's properties without enforcementLevel, notApplicable
 * throwing, stackTags a read-only map, stack resources with parent/dependencies resolved to objects.
 */
import { PolicyProviderResource, PolicyResource, PolicyResourceOptions, ResourceValidationArgs, StackValidationArgs } from "@pulumi/policy";
import { unknownCheckingProxy } from "../lib/values";
import { PlanResource } from "./types";

/** Thrown by notApplicable(); the evaluator records nothing for the policy (like the server's NotApplicableError). */
export class NotApplicableError extends Error {
    constructor(readonly reason?: string) {
        super(reason ?? "Policy does not apply");
        this.name = "NotApplicableError";
    }
}

function throwNotApplicable(reason?: string): never {
    // Control flow, not a failure: nobody reads its stack, and capturing one for every resource a policy
    // skips (cost-allocation-tags skips every non-AWS resource) was a twentieth of the check's CPU.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    let e: NotApplicableError;
    try {
        e = new NotApplicableError(reason);
    } finally {
        Error.stackTraceLimit = limit;
    }
    throw e;
}

const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG_VALUE = "1b47061264138c4ac30d75fd1eb44270";

/**
 * The engine hands policies plain values for secrets; a plan may still carry the wire form. Always a fresh copy
 * (each policy gets its own); written as loops because the check calls it for every policy that reads a
 * resource's props, and the entries/fromEntries form was a twelfth of the evaluation's CPU.
 */
export function unwrapSecrets(value: unknown): unknown {
    if (typeof value !== "object" || value === null) {
        return value;
    }
    if (Array.isArray(value)) {
        const out = new Array<unknown>(value.length);
        for (let i = 0; i < value.length; i++) {
            out[i] = unwrapSecrets(value[i]);
        }
        return out;
    }
    const obj = value as Record<string, unknown>;
    if (obj[SECRET_SIG_KEY] === SECRET_SIG_VALUE) {
        return unwrapSecrets(obj.value);
    }
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(obj)) {
        // defineProperty, not assignment: a key named __proto__ stays an own property (as fromEntries made it).
        if (k === "__proto__") {
            Object.defineProperty(out, k, { value: unwrapSecrets(obj[k]), enumerable: true, writable: true, configurable: true });
        } else {
            out[k] = unwrapSecrets(obj[k]);
        }
    }
    return out;
}

export function isTypeOf(type: string, resourceClass: unknown): boolean {
    const pulumiType = (resourceClass as { __pulumiType?: unknown } | undefined)?.__pulumiType;
    if (typeof pulumiType === "string" && pulumiType.length > 0) {
        return type === pulumiType;
    }
    const isInstance = (resourceClass as { isInstance?: unknown } | undefined)?.isInstance;
    return typeof isInstance === "function" && isInstance({ __pulumiType: type }) === true;
}

/** Same shape as the server's freezeMap: a read-only view that cannot be mutated by a policy. */
export function freezeMap(map: Map<string, string>): ReadonlyMap<string, string> {
    return Object.freeze({
        entries: map.entries.bind(map),
        forEach: map.forEach.bind(map),
        get: map.get.bind(map),
        has: map.has.bind(map),
        keys: map.keys.bind(map),
        size: map.size,
        values: map.values.bind(map),
        [Symbol.iterator]: map[Symbol.iterator].bind(map),
    });
}

function options(r: PlanResource): PolicyResourceOptions {
    const opts: PolicyResourceOptions = {
        protect: r.protect === true,
        ignoreChanges: [],
        aliases: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: [],
    };
    if (r.parent) {
        opts.parent = r.parent;
    }
    return opts;
}

// PolicyResource.props is Record<string, any> in @pulumi/policy's typings.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Props = Record<string, any>;

function props(r: PlanResource): Props {
    return unknownCheckingProxy(unwrapSecrets(r.inputs ?? {}) as Props);
}

/**
 * `{ type, props }` where `props` is the server's own copy of the resource's inputs (a fresh deserialization
 * per policy, so no policy sees another's changes), built the first time a policy reads it: most policies
 * return on the resource's type and never read it, and the copies were a fifth of the pack's CPU.
 * `asType` returns that copy, and assigning `props` replaces only the property, as on the server's plain object.
 * An object literal with an accessor, not defineProperty on a built object: the same own, enumerable,
 * configurable `props`, at a fraction of the cost (the check builds one per resource per policy).
 */
function lazyProps(r: PlanResource): { view: { type: string; props: Props }; read: () => Props } {
    let copy: Props | undefined;
    const read = () => (copy ??= props(r));
    let assigned: { value: Props } | undefined;
    const view = {
        type: r.type,
        get props(): Props {
            return assigned !== undefined ? assigned.value : read();
        },
        set props(value: Props) {
            assigned = { value };
        },
    };
    return { view, read };
}

/** Looks a provider reference (`<urn>::<id>` or a bare URN) up among the stack's resources. */
export function resolveProvider(ref: string | null | undefined, byUrn: ReadonlyMap<string, PlanResource>): PolicyProviderResource | undefined {
    if (!ref) {
        return undefined;
    }
    const p = byUrn.get(ref) ?? byUrn.get(ref.slice(0, ref.lastIndexOf("::")));
    if (p === undefined) {
        return undefined;
    }
    return Object.assign(lazyProps(p).view, { urn: p.urn, name: p.name });
}

export interface ArgsContext {
    stackTags: ReadonlyMap<string, string>;
    getConfig: () => Record<string, unknown>;
    byUrn: ReadonlyMap<string, PlanResource>;
}

/** What ResourceValidationArgs and a stack's PolicyResource share, built the same way for both. */
type View = Pick<PolicyResource, "type" | "props" | "urn" | "name" | "opts" | "isType" | "asType" | "provider">;

function resourceView(r: PlanResource, ctx: ArgsContext): View {
    // Keys in the server's order (type, props, urn, ...); the others are added to this very object, never
    // spread into a new one, which would read `props`.
    const { view, read } = lazyProps(r);
    const rest: Omit<View, "type" | "props"> = {
        urn: r.urn,
        name: r.name,
        opts: options(r),
        isType: (cls) => isTypeOf(r.type, cls),
        asType: ((cls: unknown) => (isTypeOf(r.type, cls) ? read() : undefined)) as PolicyResource["asType"],
    };
    const provider = resolveProvider(r.provider, ctx.byUrn);
    if (provider) {
        rest.provider = provider;
    }
    return Object.assign(view, rest);
}

export function resourceValidationArgs(r: PlanResource, ctx: ArgsContext): ResourceValidationArgs {
    const view = resourceView(r, ctx);
    const rest: Pick<ResourceValidationArgs, "asType" | "stackTags" | "getConfig" | "notApplicable"> = {
        // Same function; the SDK types it by the resource's args here and by its outputs on stacks.
        asType: view.asType as unknown as ResourceValidationArgs["asType"],
        stackTags: ctx.stackTags,
        getConfig: <T extends object>() => ctx.getConfig() as T,
        notApplicable: throwNotApplicable,
    };
    return Object.assign(view, rest);
}

export function stackValidationArgs(resources: readonly PlanResource[], ctx: ArgsContext): StackValidationArgs {
    const built = resources.map((r) => {
        const resource: PolicyResource = Object.assign(resourceView(r, ctx), { dependencies: [], propertyDependencies: {} });
        return { plan: r, resource };
    });
    const byUrn = new Map(built.map((b) => [b.resource.urn, b.resource]));
    for (const { plan, resource } of built) {
        const parent = plan.parent ? byUrn.get(plan.parent) : undefined;
        if (parent) {
            resource.parent = parent;
        }
        resource.dependencies = (plan.dependencies ?? []).flatMap((u) => byUrn.get(u) ?? []);
        for (const [k, urns] of Object.entries(plan.propertyDependencies ?? {})) {
            resource.propertyDependencies[k] = urns.flatMap((u) => byUrn.get(u) ?? []);
        }
    }
    return {
        resources: built.map((b) => b.resource),
        stackTags: ctx.stackTags,
        getConfig: <T extends object>() => ctx.getConfig() as T,
        notApplicable: throwNotApplicable,
    };
}
