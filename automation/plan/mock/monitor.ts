import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { deserializeProperties, serializeProperties, specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
// eslint-disable-next-line @typescript-eslint/no-require-imports -- generated protobuf JS without typings
const resproto = require("@pulumi/pulumi/proto/resource_pb");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const provproto = require("@pulumi/pulumi/proto/provider_pb");
import { deepFreeze } from "../../../policy/lib/memo";
import { MockContext, mockInvoke, mockResourceState } from "./mockState";

/** One registration as the engine would have received it. */
export interface RecordedResource {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly parent: string | null;
    readonly custom: boolean;
    /** Provider reference (`<provider urn>::<id>`) when one was passed explicitly or inherited. */
    readonly provider: string | null;
    /** Inputs in the SDK's camelCase shape; secret values are replaced by SECRET_PLACEHOLDER. */
    readonly inputs: Record<string, unknown>;
    /** URNs of the resources this one waits for (dependsOn and input dependencies, components expanded). */
    readonly dependencies: string[];
    /**
     * Lifecycle options as registered: `protect` (the engine refuses to delete or replace the
     * resource), `retainOnDelete` and `ignoreChanges`. Only set when given.
     */
    readonly options?: { readonly protect?: boolean; readonly retainOnDelete?: boolean; readonly ignoreChanges?: readonly string[] };
    /**
     * The URNs this resource was known by before (its `aliases` option, resolved as the engine does),
     * so an upgrade check can tell a rename that keeps the resource from a delete and a create.
     */
    readonly aliases?: readonly string[];
}

export const SECRET_PLACEHOLDER = "[secret]";

function isSecretWrapper(v: unknown): v is { value: unknown } {
    return typeof v === "object" && v !== null && (v as Record<string, unknown>)[specialSigKey] === specialSecretSig;
}

/** Removes secret wrappers: `reveal` keeps values (for mock state), otherwise they are redacted. */
export function unwrapSecrets(v: unknown, reveal: boolean): unknown {
    if (isSecretWrapper(v)) {
        return reveal ? unwrapSecrets(v.value, reveal) : SECRET_PLACEHOLDER;
    }
    if (Array.isArray(v)) {
        return v.map((x) => unwrapSecrets(x, reveal));
    }
    if (typeof v === "object" && v !== null) {
        const out: Record<string, unknown> = {};
        for (const [k, x] of Object.entries(v)) {
            out[k] = unwrapSecrets(x, reveal);
        }
        return out;
    }
    return v;
}

/**
 * Marks the named outputs secret, as the engine does for a registration's additionalSecretOutputs
 * (the SDK only forwards the list: @pulumi/pulumi runtime/resource.js setAdditionalsecretoutputsList),
 * so e.g. tls.PrivateKey.privateKeyPem is a secret in the plan as in a deployment.
 */
export function markSecretOutputs(state: Record<string, unknown>, names: readonly string[]): Record<string, unknown> {
    const out = { ...state };
    for (const k of names) {
        if (k in out && !isSecretWrapper(out[k])) {
            out[k] = { [specialSigKey]: specialSecretSig, value: out[k] };
        }
    }
    return out;
}

/** The lifecycle options of a RegisterResourceRequest that were set (undefined when none). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- generated protobuf request class without typings
function lifecycleOptions(req: any): RecordedResource["options"] {
    const ignoreChanges = (req.getIgnorechangesList?.() ?? []) as string[];
    const options = {
        ...(req.getProtect?.() === true ? { protect: true } : {}),
        ...(req.getRetainondelete?.() === true ? { retainOnDelete: true } : {}),
        ...(ignoreChanges.length > 0 ? { ignoreChanges: [...ignoreChanges] } : {}),
    };
    return Object.keys(options).length > 0 ? options : undefined;
}

/**
 * Resolves a registration's alias specs to URNs as the engine does: a spec's unset name, type and
 * parent default to the resource's own (@pulumi/pulumi runtime/resource.js mapAliasesForRequest sends
 * the resource's parent when the alias names none; `noParent` means a root resource). Aliases into
 * another stack or project cannot match anything in this stack's plan and are kept as given.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- generated protobuf Alias class without typings
export function aliasUrns(aliases: any[], type: string, name: string, parent: string, newUrn: (parent: string, type: string, name: string) => string): string[] {
    const out: string[] = [];
    for (const a of aliases) {
        const urn: string = a.getUrn?.() ?? "";
        if (urn !== "") {
            out.push(urn);
            continue;
        }
        const spec = a.getSpec?.();
        if (spec === undefined || spec === null) {
            continue;
        }
        const aliasParent: string = spec.getNoparent() ? "" : spec.getParenturn() || parent;
        out.push(newUrn(aliasParent, spec.getType() || type, spec.getName() || name));
    }
    return [...new Set(out)].sort();
}

/**
 * What a value becomes after google.protobuf.Struct.fromJavaScript and back (the monitor's response
 * wire form, google-protobuf struct_pb.js Value.fromJavaScript / Struct.toJavaScript): a deep copy whose
 * object keys (for-in keys, inherited enumerable ones included) come back in code-unit order, because
 * the Struct's field map iterates its keys sorted; `undefined`, functions and symbols are refused as
 * there. Building the protobuf message only for the SDK to take it apart again (and to print it into a
 * debug line nobody reads) was most of this monitor's CPU.
 */
export function structRoundTrip(value: unknown): unknown {
    if (value === null || typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
        return value;
    }
    if (Array.isArray(value)) {
        return value.map(structRoundTrip);
    }
    if (typeof value !== "object") {
        throw new Error("Unexpected struct type.");
    }
    const keys: string[] = [];
    for (const k in value) {
        keys.push(k);
    }
    const out: Record<string, unknown> = {};
    for (const k of keys.sort()) {
        out[k] = structRoundTrip((value as Record<string, unknown>)[k]);
    }
    return out;
}

/**
 * The RegisterResourceResponse fields the SDK reads (runtime/resource.js registerResource: getUrn, getId,
 * getPropertydependenciesMap, getResult, getObject().toJavaScript() in rpc.js deserializeProperties),
 * answered without the protobuf message, as the SDK's own test-mode response does.
 */
function registerResponse(urn: string, id: string | undefined, state: Record<string, unknown>) {
    const object = structRoundTrip(state) as Record<string, unknown>;
    return {
        getUrn: () => urn,
        // An unset protobuf string reads as ""; the SDK turns either into undefined (`resp.getId() || undefined`).
        getId: () => id ?? "",
        getObject: () => ({ toJavaScript: () => object }),
        getPropertydependenciesMap: () => new Map<string, never>(),
        getResult: () => resproto.Result.SUCCESS as number,
    };
}

/**
 * A StackReference's state in wire form, by the upstream outputs object it reads (one per upstream stack and
 * version in a worker: automation/plan/worker.ts). The hub's outputs list every tenant (about 350 KB at 2,050
 * tenants), and serializing them (rpc.js serializeProperties awaits every property) and building the protobuf
 * Struct for each spoke cost about 10 ms of the spoke's CPU at 2,000 tenants, growing with the fleet. The SDK
 * copies what it reads (rpc.js deserializeProperty builds new objects and arrays), and the shared form is frozen,
 * so no stack can change what the next one reads.
 */
const stackReferenceStates = new WeakMap<object, Map<string, Promise<Record<string, unknown>>>>();

function readState(type: string, state: Record<string, unknown>): Promise<Record<string, unknown>> {
    const outputs = state.outputs;
    const wire = async () => deepFreeze(structRoundTrip(await serializeProperties("", state)) as Record<string, unknown>);
    if (type !== "pulumi:pulumi:StackReference" || outputs === null || typeof outputs !== "object") {
        return wire();
    }
    const byName = stackReferenceStates.get(outputs) ?? new Map<string, Promise<Record<string, unknown>>>();
    stackReferenceStates.set(outputs, byName);
    const key = JSON.stringify([state.name, state.secretOutputNames]);
    const cached = byName.get(key) ?? wire();
    byName.set(key, cached);
    return cached;
}

/**
 * A mock resource monitor that, unlike the SDK's, records each registration's parent and
 * URN (the policy pack and the plan JSON need both) and answers with realistic state.
 */
export class PlanMonitor extends MockMonitor {
    readonly recorded: RecordedResource[] = [];
    /** Region each explicit provider targets, so resources in a DR region get DR-region ARNs. */
    private readonly providerRegions = new Map<string, string>();

    constructor(private readonly ctx: MockContext) {
        super({
            call: (args) => mockInvoke(args.token, unwrapSecrets(args.inputs, true) as Record<string, unknown>, ctx, args.provider),
            newResource: (args) => mockResourceState(args.type, args.name, unwrapSecrets(args.inputs, true) as Record<string, unknown>, ctx),
        } satisfies pulumi.runtime.Mocks);
    }

    /**
     * A failing invoke answers like a provider does, with failures in the response, so programs see
     * the SDK's "Invoke of '<token>' failed: <reason>" instead of a message-less gRPC error.
     */
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- generated protobuf request/response classes without typings
    async invoke(req: any, callback: (err: any, resp?: any) => void): Promise<void> {
        await super.invoke(req, (err: unknown, resp?: unknown) => {
            if (err === null || err === undefined) {
                callback(null, resp);
                return;
            }
            const failure = new provproto.CheckFailure();
            failure.setProperty("");
            failure.setReason(err instanceof Error ? err.message : JSON.stringify(err));
            const failed = new provproto.InvokeResponse();
            failed.setFailuresList([failure]);
            callback(null, failed);
        });
    }

    /**
     * ReadResource (StackReferences, `get` reads) as the SDK's MockMonitor answers it (@pulumi/pulumi 3.248.0
     * runtime/mocks.js readResource: the mock's state, serialized, stored for getResource), with the fields the
     * SDK reads (runtime/resource.js readResource: getUrn, getProperties().toJavaScript()) instead of a protobuf
     * ReadResourceResponse, and a StackReference's state in wire form built once per upstream (readState).
     */
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- generated protobuf request/response classes without typings
    async readResource(req: any, callback: (err: any, resp?: any) => void): Promise<void> {
        try {
            const type: string = req.getType();
            const name: string = req.getName();
            const inputs = unwrapSecrets(deserializeProperties(req.getProperties()), true) as Record<string, unknown>;
            const result = mockResourceState(type, name, inputs, this.ctx);
            // eslint-disable-next-line @typescript-eslint/no-explicit-any -- MockMonitor.newUrn is private in its typings
            const urn: string = (this as any).newUrn(req.getParent(), type, name);
            const state = await readState(type, result.state);
            this.resources.set(urn, { urn, id: result.id ?? null, state });
            callback(null, { getUrn: () => urn, getProperties: () => ({ toJavaScript: () => state }) });
        } catch (err) {
            callback(err, undefined);
        }
    }

    // The generated protobuf request/response classes ship without typings (see the require above).
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    async registerResource(req: any, callback: (err: any, resp?: any) => void): Promise<void> {
        try {
            const type: string = req.getType();
            const name: string = req.getName();
            const parent: string = req.getParent();
            const rawInputs = deserializeProperties(req.getObject());
            // eslint-disable-next-line @typescript-eslint/no-explicit-any -- MockMonitor.newUrn is private in its typings
            const urn: string = (this as any).newUrn(parent, type, name);
            const provider: string = req.getProvider();
            const providerRegion = provider ? this.providerRegions.get(provider.split("::").slice(0, -1).join("::")) : undefined;
            const ctx = providerRegion !== undefined ? { ...this.ctx, region: providerRegion } : this.ctx;
            const revealed = unwrapSecrets(rawInputs, true) as Record<string, unknown>;
            if (type.startsWith("pulumi:providers:") && typeof revealed.region === "string") {
                this.providerRegions.set(urn, revealed.region);
            }
            const result = mockResourceState(type, name, revealed, ctx);
            // eslint-disable-next-line @typescript-eslint/no-explicit-any -- MockMonitor.newUrn is private in its typings
            const aliases = aliasUrns(req.getAliasesList?.() ?? [], type, name, parent, (p, t, n) => (this as any).newUrn(p, t, n));
            this.recorded.push({
                urn,
                type,
                name,
                parent: parent || null,
                custom: req.getCustom(),
                provider: provider || null,
                inputs: unwrapSecrets(rawInputs, false) as Record<string, unknown>,
                dependencies: [...new Set<string>(req.getDependenciesList() as string[])].sort(),
                options: lifecycleOptions(req),
                ...(aliases.length > 0 ? { aliases } : {}),
            });
            const serializedState = await serializeProperties("", markSecretOutputs(result.state, req.getAdditionalsecretoutputsList() as string[]));
            this.resources.set(urn, { urn, id: result.id ?? null, state: serializedState });
            callback(null, registerResponse(urn, result.id, serializedState));
        } catch (err) {
            callback(err, undefined);
        }
    }
}
