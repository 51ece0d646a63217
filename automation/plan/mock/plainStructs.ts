import { structRoundTrip } from "./monitor";
import { debuggable } from "./sdkInternals";
// eslint-disable-next-line @typescript-eslint/no-require-imports -- generated protobuf JS without typings
const structproto = require("google-protobuf/google/protobuf/struct_pb");

type FromJavaScript = (value: Record<string, unknown>) => unknown;

const protobufStructFromJavaScript: FromJavaScript = structproto.Struct.fromJavaScript;

/** Runs `fn` with google-protobuf's own Struct.fromJavaScript, whether or not this process replaced it: tests' oracle. */
export function withProtobufStructs<T>(fn: () => T): T {
    const current: FromJavaScript = structproto.Struct.fromJavaScript;
    structproto.Struct.fromJavaScript = protobufStructFromJavaScript;
    try {
        return fn();
    } finally {
        structproto.Struct.fromJavaScript = current;
    }
}

/**
 * A google.protobuf.Struct that holds its value as plain JavaScript instead of a tree of Value messages.
 * `toJavaScript` answers what the real message would (structRoundTrip: the same values, keys sorted, a new copy per
 * call), and building one refuses what the real one refuses, at the same moment. Anything that reads its fields
 * (every other protobuf path goes through `getFieldsMap`: serializeBinary, serializeBinaryToWriter, toObject) gets
 * the real message, built on first use, and from then on that message is what it holds.
 */
export class PlainStruct extends structproto.Struct {
    private readonly value: Record<string, unknown>;
    private message: { toJavaScript(): Record<string, unknown>; getFieldsMap(noLazyCreate?: boolean): unknown } | undefined;

    constructor(value: Record<string, unknown>) {
        super();
        // Copy now: the caller may change its object after handing it over, the real message would not see that.
        this.value = structRoundTrip(value) as Record<string, unknown>;
    }

    toJavaScript(): Record<string, unknown> {
        if (this.message !== undefined) {
            return this.message.toJavaScript();
        }
        return structRoundTrip(this.value) as Record<string, unknown>;
    }

    getFieldsMap(noLazyCreate?: boolean): unknown {
        this.message ??= withProtobufStructs(() => protobufStructFromJavaScript(this.value) as NonNullable<PlainStruct["message"]>);
        return this.message.getFieldsMap(noLazyCreate);
    }
}

/**
 * Offline plan processes: every Struct the SDK builds (resource.js: each registration's inputs, each component's
 * outputs, reads and invokes; @pulumi/pulumi 3.248.0) is handed straight to the in-process plan monitor, which reads
 * it back with `toJavaScript` (rpc.js deserializeProperties) or not at all (registerResourceOutputs). google-protobuf
 * was 7 % of the CPU of the 100 + 20 fleet's plan in one process (`--cpu-prof`, self time), most of it building and
 * taking apart these messages, before their garbage. The SDK prints
 * requests with `toObject` only under `excessiveDebugOutput`, a constant `false` in runtime/settings.js. With
 * PULUMI_DEBUG_PROMISE_LEAKS set the SDK's own runtime stays, as in fastRuntime.ts. `on = false` restores the real
 * messages (tests compare the two).
 */
export function usePlainStructs(on = true): void {
    if (!on || debuggable.debugPromiseLeaks) {
        structproto.Struct.fromJavaScript = protobufStructFromJavaScript;
        return;
    }
    structproto.Struct.fromJavaScript = plainStructFromJavaScript;
}

const plainStructFromJavaScript: FromJavaScript = (value) => new PlainStruct(value);
