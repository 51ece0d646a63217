/**
 * Turns `aws.iam.getPolicyDocument` arguments (as the SDK passes them to the provider)
 * into the IAM JSON the provider would return, so offline plans and policy checks see
 * real documents.
 */
interface StatementArgs {
    sid?: string;
    effect?: string;
    actions?: string[];
    notActions?: string[];
    resources?: string[];
    notResources?: string[];
    principals?: Array<{ type: string; identifiers: string[] }>;
    notPrincipals?: Array<{ type: string; identifiers: string[] }>;
    conditions?: Array<{ test: string; variable: string; values: string[] }>;
}

const one = <T>(xs: T[]): T | T[] => (xs.length === 1 ? xs[0] : xs);

function principals(ps: NonNullable<StatementArgs["principals"]>): unknown {
    if (ps.length === 1 && ps[0].type === "*" ) {
        return "*";
    }
    const out: Record<string, unknown> = {};
    for (const p of ps) {
        out[p.type] = one(p.identifiers);
    }
    return out;
}

export function iamPolicyFromDocumentArgs(args: { version?: string; policyId?: string; statements?: StatementArgs[] }): Record<string, unknown> {
    const statements = (args.statements ?? []).map((s) => {
        const st: Record<string, unknown> = {};
        if (s.sid) st.Sid = s.sid;
        st.Effect = s.effect ?? "Allow";
        if (s.actions?.length) st.Action = one(s.actions);
        if (s.notActions?.length) st.NotAction = one(s.notActions);
        if (s.resources?.length) st.Resource = one(s.resources);
        if (s.notResources?.length) st.NotResource = one(s.notResources);
        if (s.principals?.length) st.Principal = principals(s.principals);
        if (s.notPrincipals?.length) st.NotPrincipal = principals(s.notPrincipals);
        if (s.conditions?.length) {
            const cond: Record<string, Record<string, unknown>> = {};
            for (const c of s.conditions) {
                cond[c.test] = { ...(cond[c.test] ?? {}), [c.variable]: one(c.values) };
            }
            st.Condition = cond;
        }
        return st;
    });
    return { Version: args.version ?? "2012-10-17", ...(args.policyId ? { Id: args.policyId } : {}), Statement: statements };
}
