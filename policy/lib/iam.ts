/**
 * IAM policy documents, normalised. Inputs can be JSON strings (what `JSON.stringify` or
 * `aws.iam.getPolicyDocument` produce) or plain objects, `Statement`/`Action`/`Resource`/principal
 * values can be scalars or arrays, and condition operators/keys are case-insensitive in IAM.
 */
import { asArray, asString, globMatch, isRecord, parseJsonish, Props } from "./values";

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
    raw.forEach((s, index) => {
        if (!isRecord(s)) {
            return;
        }
        statements.push({
            index,
            sid: asString(s.Sid),
            effect: typeof s.Effect === "string" && s.Effect.toLowerCase() === "deny" ? "Deny" : "Allow",
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

/**
 * Condition keys that actually constrain: positive operators only. `...IfExists` passes when the key
 * is absent and `Null`/`Not...` operators do not pin a value, so they do not count; nor does a
 * value that is only `*`.
 */
export function hasConstrainingCondition(s: Statement, keys: readonly string[]): boolean {
    const wanted = keys.map((k) => k.toLowerCase());
    return s.conditions.some((c) => {
        const op = c.operator.toLowerCase().replace(/^for(any|all)value:/, "");
        if (op.endsWith("ifexists") || op === "null" || op.includes("not")) {
            return false;
        }
        return wanted.includes(c.key.toLowerCase()) && c.values.length > 0 && c.values.some((v) => v !== "*");
    });
}

/** Condition keys whose name ends with one of `suffixes` (e.g. `<oidc-provider>:sub`). */
export function hasConditionKeySuffix(s: Statement, suffixes: readonly string[]): boolean {
    return s.conditions.some((c) => suffixes.some((suf) => c.key.toLowerCase().endsWith(suf.toLowerCase())) && c.values.length > 0);
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
        case "aws:iam/role:Role":
            return asArray(props.inlinePolicies).flatMap((p, i) =>
                isRecord(p) ? [{ where: `inlinePolicies[${i}].policy`, document: p.policy }] : [],
            );
        default:
            return [];
    }
}

