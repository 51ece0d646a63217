/**
 * IAM policy documents, normalised. Inputs can be JSON strings (what `JSON.stringify` or
 * `aws.iam.getPolicyDocument` produce) or plain objects, `Statement`/`Action`/`Resource`/principal
 * values can be scalars or arrays, and condition operators/keys are case-insensitive in IAM.
 */
import { resourceProbes, servicesFullyGranted } from "./iamCatalog";
import { asArray, asString, globMatch, isRecord, parseJsonish, Props } from "../values";
import { memoByKey } from "../memo";

export type PrincipalKind = "*" | "AWS" | "Service" | "Federated" | "CanonicalUser";

export interface Principal {
    kind: PrincipalKind;
    value: string;
}

export interface Condition {
    /** Operator as written, e.g. `StringEquals`, `ForAnyValue:StringLike`, `BoolIfExists`. */
    operator: string;
    /** Condition key as written, e.g. `aws:SourceAccount`. */
    key: string;
    values: string[];
}

export interface Statement {
    /** Position in the document, for messages. */
    index: number;
    sid?: string;
    effect: "Allow" | "Deny";
    actions: string[];
    notActions: string[];
    resources: string[];
    notResources: string[];
    principals: Principal[];
    notPrincipals: Principal[];
    conditions: Condition[];
}

export type ParsedDocument = { ok: true; statements: Statement[] } | { ok: false; error: string };

function strings(value: unknown): string[] {
    return asArray(value).map((v) => (typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : ""))
        .filter((v) => v !== "");
}

function principals(value: unknown): Principal[] {
    if (value === undefined || value === null) {
        return [];
    }
    if (typeof value === "string") {
        return [{ kind: value === "*" ? "*" : "AWS", value }];
    }
    if (!isRecord(value)) {
        return [];
    }
    const out: Principal[] = [];
    for (const [kind, vals] of Object.entries(value)) {
        for (const v of strings(vals)) {
            const k = (["AWS", "Service", "Federated", "CanonicalUser"] as const).find((x) => x.toLowerCase() === kind.toLowerCase());
            out.push({ kind: k === "AWS" && v === "*" ? "*" : k ?? "AWS", value: v });
        }
    }
    return out;
}

function conditions(value: unknown): Condition[] {
    if (!isRecord(value)) {
        return [];
    }
    const out: Condition[] = [];
    for (const [operator, block] of Object.entries(value)) {
        if (!isRecord(block)) {
            continue;
        }
        for (const [key, vals] of Object.entries(block)) {
            out.push({ operator, key, values: strings(vals) });
        }
    }
    return out;
}

/** Parses a policy document; `undefined` when there is no document at all. */
export function parseDocument(input: unknown): ParsedDocument | undefined {
    const parsed = parseJsonish(input);
    if (!parsed.ok) {
        return { ok: false, error: parsed.error };
    }
    if (parsed.value === undefined || parsed.value === null) {
        return undefined;
    }
    if (!isRecord(parsed.value)) {
        return { ok: false, error: "the document is not a JSON object" };
    }
    const raw = asArray(parsed.value.Statement ?? parsed.value.statement);
    const statements: Statement[] = [];
    // "Valid values for Effect are Allow and Deny. The Effect value is case sensitive."
    // (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_effect.html): IAM refuses
    // `allow`/`DENY`, so such a statement is reported instead of being read as an Allow or a Deny it is not.
    const badEffect = raw.findIndex((s) => isRecord(s) && s.Effect !== "Allow" && s.Effect !== "Deny");
    if (badEffect >= 0) {
        const effect = (raw[badEffect] as Record<string, unknown>).Effect;
        return { ok: false, error: `statement ${badEffect} has Effect ${effect === undefined ? "missing" : JSON.stringify(effect)}, which AWS rejects (Allow or Deny, case-sensitive)` };
    }
    raw.forEach((s, index) => {
        if (!isRecord(s)) {
            return;
        }
        statements.push({
            index,
            sid: asString(s.Sid),
            effect: s.Effect === "Deny" ? "Deny" : "Allow",
            actions: strings(s.Action),
            notActions: strings(s.NotAction),
            resources: strings(s.Resource),
            notResources: strings(s.NotResource),
            principals: principals(s.Principal),
            notPrincipals: principals(s.NotPrincipal),
            conditions: conditions(s.Condition),
        });
    });
    return { ok: true, statements };
}

export function describeStatement(s: Statement): string {
    return s.sid ? `statement ${s.index} (Sid "${s.sid}")` : `statement ${s.index}`;
}

/** `*` or `service:*` — a whole service or everything. */
export function isWildcardAction(action: string): boolean {
    return action === "*" || /^[a-z0-9-]+:\*$/i.test(action);
}

/** Does the statement's action pattern grant `action` (e.g. `iam:*` grants `iam:PassRole`)? */
export function actionGrants(statementAction: string, action: string): boolean {
    return globMatch(statementAction, action);
}

/**
 * Is the statement's action pattern within an allow-list pattern? Treating the statement's own `*`
 * literally makes `ec2:Describe*` fall within `ec2:Describe*` but `ec2:*` not.
 */
export function actionWithin(statementAction: string, allowPattern: string): boolean {
    return globMatch(allowPattern, statementAction);
}

/** A condition operator split into its parts (IAM operators and keys are case-insensitive). */
interface OperatorParts {
    /** `forallvalues`, `foranyvalue` or undefined. */
    setOperator?: "forallvalues" | "foranyvalue";
    /** Base operator, lower case, without `IfExists` (e.g. `stringlike`). */
    base: string;
    ifExists: boolean;
}

function operatorParts(operator: string): OperatorParts {
    const lower = operator.toLowerCase();
    const m = /^(forallvalues|foranyvalue):(.*)$/.exec(lower);
    const rest = m ? m[2] : lower;
    const ifExists = rest.endsWith("ifexists");
    return {
        setOperator: m ? (m[1] as OperatorParts["setOperator"]) : undefined,
        base: ifExists ? rest.slice(0, -"ifexists".length) : rest,
        ifExists,
    };
}

const WILDCARD_ONLY = /^[*?]*$/;

/** Literal text of a `*Like` pattern before its first wildcard. */
function literalPrefix(value: string): string {
    const i = value.search(/[*?]/);
    return i < 0 ? value : value.slice(0, i);
}

/**
 * Does one value pin the key to something narrower than "any value the key can take"? Judged per key
 * family, because a wildcard that still leaves a real choice for one key (`repo:my-org/*` for a
 * GitHub `sub`) admits everything for another (`o-*` for an organization ID, which every ID matches).
 */
function valuePins(key: string, value: string, like: boolean): boolean {
    const k = key.toLowerCase();
    // A policy variable naming the key itself is always equal to it.
    if (value.toLowerCase().includes(`\${${k}}`)) {
        return false;
    }
    if (!like || !/[*?]/.test(value)) {
        return value !== "";
    }
    if (k === "aws:principalorgid" || k === "aws:resourceorgid" || k === "aws:sourceorgid") {
        return false; // an organization ID has no structure a wildcard could keep: any wildcard admits other orgs
    }
    if (k.endsWith("orgpaths")) {
        return /^o-[a-z0-9]{10,32}\//i.test(literalPrefix(value)); // the path must start with one whole org ID
    }
    if (k === "aws:sourceaccount" || k === "aws:principalaccount" || k === "aws:resourceaccount") {
        return false;
    }
    if (k === "aws:sourcearn" || k === "aws:principalarn" || k === "aws:sourceowner") {
        const fields = value.split(":");
        if (fields.length >= 6) {
            return /^\d{12}$/.test(fields[4]) || (fields[4] === "" && !WILDCARD_ONLY.test(fields.slice(5).join(":")));
        }
        return false;
    }
    if (k.endsWith(":sub")) {
        // Generic prefixes every subject of the provider carries (EKS service accounts, GitHub, GitLab).
        const rest = value.replace(/^(system:serviceaccount:|repo:|project_path:)/i, "");
        return rest.replace(/[*?:/]/g, "") !== "";
    }
    return !WILDCARD_ONLY.test(value);
}

/**
 * Does this condition limit its key to a narrower set of values than everything the key admits?
 * What a condition admits, not whether a key is present: `...IfExists` is true when the key is missing,
 * `ForAllValues:` is true when the key is missing or empty (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html),
 * `Null` and negated operators exclude rather than pin, and `*Like` values are judged by `valuePins`.
 * `nullChecked` says a sibling `Null: { key: "false" }` requires the key, which makes `ForAllValues:` bite.
 */
export function conditionPins(c: Condition, nullChecked = false): boolean {
    const op = operatorParts(c.operator);
    if (op.ifExists || op.base === "null" || op.base.includes("not")) {
        return false;
    }
    if (op.setOperator === "forallvalues" && !nullChecked) {
        return false;
    }
    if (c.values.length === 0) {
        return false;
    }
    if (!/^(string|arn)/.test(op.base)) {
        return true; // numeric, date, bool and IP operators compare with literal values
    }
    const like = op.base.endsWith("like");
    // Values of one key are ORed: one value that admits everything makes the whole condition admit everything.
    return c.values.every((v) => valuePins(c.key, v, like));
}

function nullCheckedKeys(s: Statement): Set<string> {
    return new Set(s.conditions.filter((c) => operatorParts(c.operator).base === "null" && c.values.every((v) => v.toLowerCase() === "false"))
        .map((c) => c.key.toLowerCase()));
}

/**
 * Does the statement carry a condition that pins one of `keys`? (Conditions of one statement are ANDed,
 * so one pinning condition is enough.)
 */
export function hasConstrainingCondition(s: Statement, keys: readonly string[]): boolean {
    const wanted = keys.map((k) => k.toLowerCase());
    const required = nullCheckedKeys(s);
    return s.conditions.some((c) => wanted.includes(c.key.toLowerCase()) && conditionPins(c, required.has(c.key.toLowerCase())));
}

/** True when no condition of the statement narrows anything (no conditions, or only ones that admit everything). */
export function conditionsAdmitEverything(s: Statement): boolean {
    const required = nullCheckedKeys(s);
    return !s.conditions.some((c) => conditionPins(c, required.has(c.key.toLowerCase())));
}

/** A pinning condition on a key whose name ends with one of `suffixes` (e.g. `<oidc-provider>:sub`). */
export function hasConditionKeySuffix(s: Statement, suffixes: readonly string[]): boolean {
    const required = nullCheckedKeys(s);
    return s.conditions.some((c) => suffixes.some((suf) => c.key.toLowerCase().endsWith(suf.toLowerCase()))
        && conditionPins(c, required.has(c.key.toLowerCase())));
}

/** 12-digit account of an AWS principal (`123456789012` or any IAM ARN), if it names one. */
export function principalAccount(value: string): string | undefined {
    if (/^\d{12}$/.test(value)) {
        return value;
    }
    const m = /^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):/.exec(value);
    return m ? m[1] : undefined;
}

/** Name (with path) of an AWS-managed policy ARN, e.g. `service-role/AmazonECSTaskExecutionRolePolicy`. */
export function awsManagedPolicyName(arn: string): string | undefined {
    const m = /^arn:aws[a-z-]*:iam::aws:policy\/(.+)$/.exec(arn);
    return m ? m[1] : undefined;
}

export interface LocatedDocument {
    /** Which input holds the document, for messages (`policy`, `inlinePolicies[0].policy`). */
    where: string;
    document: unknown;
}

/** Identity-based permission documents (not trust or resource policies) of an IAM resource's inputs. */
export function identityPolicyDocuments(type: string, props: Props): LocatedDocument[] {
    switch (type) {
        case "aws:iam/policy:Policy":
        case "aws:iam/rolePolicy:RolePolicy":
        case "aws:iam/userPolicy:UserPolicy":
        case "aws:iam/groupPolicy:GroupPolicy":
            return [{ where: "policy", document: props.policy }];
        case "aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy":
            return [{ where: "inlinePolicy", document: props.inlinePolicy }];
        case "aws:iam/role:Role":
            return asArray(props.inlinePolicies).flatMap((p, i) =>
                isRecord(p) ? [{ where: `inlinePolicies[${i}].policy`, document: p.policy }] : [],
            );
        default:
            return [];
    }
}


/**
 * Does glob `outer` match every string glob `inner` matches? IAM globs: `*` any run, `?` one character,
 * case-insensitive. A `*` of `inner` can only be absorbed by a `*` of `outer`, a `?` by `?` or `*`.
 * Used to ask whether a statement's Resource covers `arn:aws:s3:::bucket/*`.
 */
export function globCovers(outer: string, inner: string): boolean {
    const o = outer.toLowerCase();
    const i = inner.toLowerCase();
    const memo = new Map<number, boolean>();
    const go = (a: number, b: number): boolean => {
        const key = a * (i.length + 1) + b;
        const hit = memo.get(key);
        if (hit !== undefined) {
            return hit;
        }
        let r: boolean;
        if (a === o.length) {
            r = b === i.length;
        } else if (o[a] === "*") {
            r = go(a + 1, b) || (b < i.length && go(a, b + 1));
        } else if (b === i.length || i[b] === "*") {
            r = false;
        } else if (o[a] === "?") {
            r = go(a + 1, b + 1);
        } else {
            r = i[b] !== "?" && o[a] === i[b] && go(a + 1, b + 1);
        }
        memo.set(key, r);
        return r;
    };
    return go(0, 0);
}

/** Service part of an ARN pattern (`s3` in `arn:aws:s3:::b/*`), or undefined for `*` and non-ARNs. */
function arnService(pattern: string): string | undefined {
    const m = /^arn:[^:]*:([^:]*):/i.exec(pattern);
    return m ? m[1].toLowerCase() : undefined;
}

const SERVICES_FOR_WILDCARD_PROBES = ["s3", "iam", "ssm", "logs", "kms", "secretsmanager", "aps", "ec2"];

/**
 * Does a Resource pattern cover every resource of some kind, in every account: `*`, `arn:*:*:*:*:*`,
 * `arn:aws:s3:::*` + `/*` (every object of every bucket), `arn:aws:ssm:*:*:parameter/` + `*`,
 * `arn:aws:iam::*:role/*`? Judged against the ARN formats of the IAM catalogue: the pattern covers a
 * kind when it matches that kind's ARN with an account, region and names it cannot know. A pattern
 * pinned to an account or to a name prefix (`arn:aws:s3:::my-bucket-*`) does not.
 */
// A function of the pattern and the catalogue (fixed for the process), and every role of every stack
// repeats a few patterns against hundreds of ARN probes: remembered per pattern.
export const resourceCoversAllOfAKind: (pattern: string) => boolean = memoByKey(4096, (pattern) => coversAllOfAKind(pattern));

/** A service's probes, each with its lower-cased form (probePrefix's filter). */
const probesWithLowerCase = memoByKey(1024, (service) => resourceProbes(service).map((probe) => ({ probe, lower: probe.toLowerCase() })));

/**
 * The pattern's text before its first wildcard, lower-cased, when that text is ASCII (else undefined: no filter).
 * globMatch's expression is anchored and case-insensitive without the `u` flag, under which an ASCII character
 * matches only itself in either case (a non-ASCII character never canonicalizes to an ASCII one:
 * https://tc39.es/ecma262/#sec-runtime-semantics-canonicalize-ch), so a probe that does not start with this text,
 * ignoring ASCII case, cannot match. Most patterns are pinned to an account or a name, unique per stack, and the
 * memo above never sees them twice: the filter spares testing each against every probe of its service (the 500 + 20
 * plan's evaluation spent 188-194 ms in resourceCoversAllOfAKind before, 26-31 ms after).
 */
function probePrefix(pattern: string): string | undefined {
    const prefix = literalPrefix(pattern);
    // eslint-disable-next-line no-control-regex
    return /^[\x00-\x7f]*$/.test(prefix) ? prefix.toLowerCase() : undefined;
}

/** Exported for the test that compares it with and without probePrefix's filter. */
export function coversAllOfAKind(pattern: string, filter = true): boolean {
    if (WILDCARD_ONLY.test(pattern) && pattern.includes("*")) {
        return true;
    }
    const service = arnService(pattern);
    const services = service === undefined || /[*?]/.test(service)
        ? (pattern.toLowerCase().startsWith("arn:") || /^[*?]/.test(pattern) ? SERVICES_FOR_WILDCARD_PROBES : [])
        : [service];
    const prefix = filter ? probePrefix(pattern) : undefined;
    return services.some((svc) => probesWithLowerCase(svc).some(({ probe, lower }) => (prefix === undefined || lower.startsWith(prefix)) && globMatch(pattern, probe)));
}

/** Every action of every service the patterns grant in full, for messages and rules that mean "full access". */
export function fullServiceGrants(patterns: readonly string[]): string[] {
    return patterns.filter((p) => servicesFullyGranted(p).length > 0);
}
