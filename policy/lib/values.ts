/**
 * Tolerant accessors for resource inputs. Policies see inputs exactly as the SDK serialised them
 * (nested documents may be JSON strings or objects, booleans may arrive as strings from provider
 * config, unknown values during preview throw from the SDK's proxy), so every rule reads through
 * these helpers instead of trusting the TypeScript Args shapes.
 */
import * as policySdk from "@pulumi/policy";
import { memoByKey } from "./memo";

export type Props = Record<string, unknown>;

/** The SDK exports these at runtime but strips them from its typings (they are marked internal). */
const sdkInternals = policySdk as unknown as {
    UnknownValueError: new (...args: never[]) => Error;
    unknownCheckingProxy<T>(value: T): T;
};

export const UnknownValueError = sdkInternals.UnknownValueError;
export const unknownCheckingProxy = sdkInternals.unknownCheckingProxy;

/** Sentinels the engine uses for values not known until apply (see @pulumi/pulumi runtime/rpc). */
const UNKNOWN_SENTINELS = new Set([
    "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
]);

export function isUnknownSentinel(value: unknown): boolean {
    return typeof value === "string" && UNKNOWN_SENTINELS.has(value);
}

export type Known<T> = { known: true; value: T } | { known: false };

/**
 * Runs `read` and reports whether the values it touched were known. Only the SDK's own
 * "unknown during preview" error is swallowed: any other error is a policy bug and propagates.
 */
export function whenKnown<T>(read: () => T): Known<T> {
    try {
        const value = read();
        return isUnknownSentinel(value) ? { known: false } : { known: true, value };
    } catch (e) {
        if (e instanceof UnknownValueError) {
            return { known: false };
        }
        throw e;
    }
}

/** The value `read` returns, or `undefined` when the preview cannot know it yet. */
export function knownValue<T>(read: () => T): T | undefined {
    const k = whenKnown(read);
    return k.known ? k.value : undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function asString(value: unknown): string | undefined {
    return typeof value === "string" && !isUnknownSentinel(value) ? value : undefined;
}

export function asBool(value: unknown): boolean | undefined {
    if (typeof value === "boolean") {
        return value;
    }
    if (value === "true" || value === "false") {
        return value === "true";
    }
    return undefined;
}

export function asNumber(value: unknown): number | undefined {
    if (typeof value === "number" && Number.isFinite(value)) {
        return value;
    }
    if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) {
        return Number(value);
    }
    return undefined;
}

/**
 * Values that mean "not set" although they are strings: empty or whitespace-only, the words people leave
 * in templates (none, null, undefined, default, TODO, changeme ...), and unexpanded template syntax
 * (`<key-arn>`, `${KMS_KEY}`, `{{ key }}`). Pulumi passes inputs to the provider verbatim (no template
 * expansion), and AWS treats an empty key id as "use the default key" (e.g. SSM PutParameter KeyId,
 * AMP CreateWorkspace kmsKeyArn, Logs CreateLogGroup kmsKeyId all fall back to an AWS-managed or
 * AWS-owned key when it is absent), so a rule that asks for a key, ARN, CIDR list or policy document
 * must not count one of these as "set".
 */
const PLACEHOLDER_WORDS = new Set([
    "none", "null", "nil", "undefined", "default", "todo", "tbd", "fixme", "changeme", "change-me", "change_me", "placeholder",
    "n/a", "na", "-", "xxx", "empty", "unset",
]);

export function isPlaceholder(value: unknown): boolean {
    if (value === undefined || value === null) {
        return true;
    }
    if (typeof value !== "string" || isUnknownSentinel(value)) {
        return false;
    }
    const t = value.trim();
    return t === "" || PLACEHOLDER_WORDS.has(t.toLowerCase()) || /^<[^<>]*>$/.test(t) || /^\$\{[^}]*\}$/.test(t) || /^\{\{[^}]*\}\}$/.test(t);
}

/** A string setting (key id, ARN, CIDR, principal) that is really set: placeholders read as absent. */
export function asSetting(value: unknown): string | undefined {
    const s = asString(value);
    return s === undefined || isPlaceholder(s) ? undefined : s.trim();
}

/** A list setting (CIDR blocks, subnet ids, principals) without its placeholder entries. */
export function asSettingArray(value: unknown): string[] {
    return isPlaceholder(value) ? [] : asStringArray(value).filter((v) => !isPlaceholder(v)).map((v) => v.trim());
}

/** `undefined`/`null` become `[]`, a scalar becomes a one-element array (IAM allows both shapes). */
export function asArray(value: unknown): unknown[] {
    if (value === undefined || value === null) {
        return [];
    }
    return Array.isArray(value) ? [...value] : [value];
}

export function asStringArray(value: unknown): string[] {
    return asArray(value).filter((v): v is string => typeof v === "string");
}

export type Parsed = { ok: true; value: unknown } | { ok: false; error: string };

/** Documents (IAM, container definitions, data-source JSON) arrive either as JSON strings or as objects. */
export function parseJsonish(value: unknown): Parsed {
    if (typeof value !== "string") {
        return { ok: true, value };
    }
    if (isPlaceholder(value)) {
        return { ok: true, value: undefined };
    }
    try {
        return { ok: true, value: JSON.parse(value) };
    } catch (e) {
        return { ok: false, error: `not valid JSON (${(e as Error).message})` };
    }
}

/** Compiled globs by pattern: IAM statements and exemptions repeat a few hundred patterns over a fleet. */
const GLOB_CACHE_SIZE = 4096;
// Without the g or y flag, test() keeps no state between calls, so one RegExp serves every caller.
const compiledGlob = memoByKey(GLOB_CACHE_SIZE, (pattern) =>
    new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, "i"));

/** Case-insensitive glob with `*` and `?`, the matching IAM uses for actions. */
export function globMatch(pattern: string, value: string): boolean {
    return compiledGlob(pattern).test(value);
}

/** Tags as a plain string map; anything that is not a string-valued object yields `{}`. */
export function asTags(value: unknown): Record<string, string> {
    const parsed = parseJsonish(value);
    const out: Record<string, string> = {};
    if (parsed.ok && Array.isArray(parsed.value)) {
        // aws.autoscaling.Group writes tags as [{ key, value, propagateAtLaunch }].
        for (const t of parsed.value) {
            if (isRecord(t) && typeof t.key === "string" && typeof t.value === "string") {
                out[t.key] = t.value;
            }
        }
        return out;
    }
    if (!parsed.ok || !isRecord(parsed.value)) {
        return out;
    }
    for (const [k, v] of Object.entries(parsed.value)) {
        if (typeof v === "string") {
            out[k] = v;
        }
    }
    return out;
}

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "::1", "[::1]", "0.0.0.0"]);

/** True for `http://` URLs that leave the host (plain-text traffic on the network). */
export function isPlainHttpToNetwork(url: string, allowLoopback: boolean): boolean {
    const m = /^http:\/\/(\[[^\]]+\]|[^/:?#]+)/i.exec(url.trim());
    if (!m) {
        return false;
    }
    return !(allowLoopback && LOOPBACK_HOSTS.has(m[1].toLowerCase()));
}
