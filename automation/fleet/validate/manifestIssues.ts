import type { z } from "zod";
import { closest } from "./suggest";

/**
 * Turns schema issues into one line per mistake: the field (with the stack's name), what was
 * expected and the fix, with the closest valid key or value when there is one. A mistyped key
 * (`concurency`) and the required key it was meant to be (`concurrency` "missing") are one
 * mistake, so they make one line.
 */

type Schema = z.ZodType;
type Path = ReadonlyArray<PropertyKey>;

interface Def {
    readonly type: string;
    readonly shape?: Record<string, Schema>;
    readonly innerType?: Schema;
    readonly element?: Schema;
    readonly valueType?: Schema;
    readonly in?: Schema;
}

function defOf(s: Schema): Def {
    return (s as unknown as { _zod: { def: Def } })._zod.def;
}

/** The object schema at `path` (through optional, default, prefault, nullable, pipe, array and record), if any. */
export function schemaAt(schema: Schema, path: Path): Schema | undefined {
    let s: Schema | undefined = schema;
    let rest = [...path];
    for (;;) {
        if (s === undefined) {
            return undefined;
        }
        const d = defOf(s);
        if (d.innerType !== undefined) {
            s = d.innerType;
            continue;
        }
        if (d.type === "pipe" && d.in !== undefined) {
            s = d.in;
            continue;
        }
        if (rest.length === 0) {
            return s;
        }
        const [head, ...tail] = rest;
        rest = tail;
        s = d.type === "object" ? d.shape?.[String(head)] : d.type === "array" ? d.element : d.type === "record" ? d.valueType : undefined;
    }
}

/** The keys an object schema at `path` accepts. */
export function keysAt(schema: Schema, path: Path): string[] {
    const s = schemaAt(schema, path);
    const shape = s === undefined ? undefined : defOf(s).shape;
    return shape === undefined ? [] : Object.keys(shape);
}

function valueAt(doc: unknown, path: Path): unknown {
    let v = doc;
    for (const p of path) {
        if (v === null || typeof v !== "object") {
            return undefined;
        }
        v = (v as Record<PropertyKey, unknown>)[p];
    }
    return v;
}

/** `stacks[1].config.vpc`: the field as the schema's other messages name it (indexes as [i]). */
export function fieldName(path: Path, base = ""): string {
    let out = base;
    path.forEach((p) => {
        if (typeof p === "number") {
            out += `[${p}]`;
        } else {
            out += `${out === "" ? "" : "."}${String(p)}`;
        }
    });
    return out === "" ? "(top level)" : out;
}

/** What a missing block or key looks like, for the fix; keyed by the key's name. */
const EXAMPLES: Record<string, string> = {
    version: "version: 1",
    awsOrganizationId: "awsOrganizationId: o-a1b2c3d4e5 (aws organizations describe-organization)",
    defaults: "a defaults: block with at least region, e.g. defaults: { region: us-east-1 }",
    region: "region: us-east-1",
    stacks: "a stacks: list with one role: hub entry and its spokes (see the example stacks/fleet.yaml)",
    name: "name: monitored-payments",
    role: "role: monitored (hub, monitored or onprem)",
    account: "account: \"111111111111\" (quoted: 12 digits)",
};

function expected(issue: z.core.$ZodIssue): string {
    // Custom messages already say what is expected; zod's generic one does not read well.
    const kind = (issue as { expected?: string }).expected;
    return /^Invalid input/.test(issue.message) ? `expected ${kind === "object" ? "a mapping" : kind === "array" ? "a list" : (kind ?? "a value")}` : issue.message;
}

/** One line per mistake, each `<field>: <what is wrong>; fix: <what to do>`. */
export function issueLines(issues: readonly z.core.$ZodIssue[], doc: unknown, schema: Schema, base = ""): string[] {
    const lines: string[] = [];
    // Required keys a mistyped key stands for: their "missing" issue is the same mistake.
    const explained = new Set<string>();
    for (const issue of issues) {
        if (issue.code !== "unrecognized_keys") {
            continue;
        }
        const known = keysAt(schema, issue.path);
        const present = valueAt(doc, issue.path);
        for (const key of issue.keys) {
            const field = fieldName([...issue.path, key], base);
            const free = known.filter((k) => present === null || typeof present !== "object" || !(k in present));
            const hint = closest(key, free) ?? closest(key, known);
            if (hint !== undefined) {
                explained.add(JSON.stringify([...issue.path, hint]));
                lines.push(`${field}: unknown key; did you mean ${hint}? fix: rename ${key} to ${hint}`);
            } else {
                lines.push(`${field}: unknown key; expected one of ${known.join(", ")}; fix: remove it or use one of those keys`);
            }
        }
    }
    for (const issue of issues) {
        if (issue.code === "unrecognized_keys" || explained.has(JSON.stringify(issue.path))) {
            continue;
        }
        const field = fieldName(issue.path, base);
        const key = String(issue.path[issue.path.length - 1] ?? "");
        if (issue.code === "invalid_type" && valueAt(doc, issue.path) === undefined && issue.path.length > 0) {
            lines.push(`${field}: missing; ${expected(issue)}; fix: add ${EXAMPLES[key] ?? key}`);
        } else if (issue.code === "invalid_value" && issue.values.every((v) => typeof v === "string")) {
            const got = valueAt(doc, issue.path);
            const hint = typeof got === "string" ? closest(got, issue.values) : undefined;
            lines.push(`${field}: ${JSON.stringify(got)} is not valid; ${issue.message}${hint !== undefined ? `; did you mean ${hint}? fix: write ${hint}` : "; fix: use one of them"}`);
        } else {
            lines.push(`${field}: ${issue.message}`);
        }
    }
    return lines;
}

/** The problem with a manifest whose top level is not a mapping (empty file, a list, a scalar), or undefined. */
export function topLevelProblem(doc: unknown): string | undefined {
    const what = "expected a mapping with version: 1, awsOrganizationId, defaults (region) and stacks";
    if (doc === null || doc === undefined) {
        return `the file is empty; ${what}; fix: start from the example stacks/fleet.yaml of the repository`;
    }
    if (typeof doc !== "object" || Array.isArray(doc)) {
        return `the top level is ${Array.isArray(doc) ? "a list" : `the ${typeof doc} ${JSON.stringify(doc)}`}; ${what}; fix: start from the example stacks/fleet.yaml of the repository`;
    }
    return undefined;
}
