/**
 * The defaults and argument checks of RolesAnywhereAccess, apart from the component so the stack config schemas and
 * the fleet manifest's validation read them without loading a provider SDK (a plan's parent process loads no program).
 */

/**
 * Why the trust anchor's CA is not exactly one of a PEM bundle and an ACM Private CA (the key to fix
 * and why), or undefined: the on-prem schema and OnPremGateway both ask.
 */
export function trustAnchorCaProblem(c: { readonly caBundle?: string; readonly acmPcaArn?: string }): { key: "caBundle" | "acmPcaArn"; message: string } | undefined {
    if (c.caBundle === undefined && c.acmPcaArn === undefined) {
        return { key: "caBundle", message: "required for IAM Roles Anywhere: the site CA's PEM bundle (or set acmPcaArn for an ACM Private CA)" };
    }
    if (c.caBundle !== undefined && c.acmPcaArn !== undefined) {
        return { key: "acmPcaArn", message: "set caBundle or acmPcaArn, not both: a trust anchor has one source" };
    }
    return undefined;
}

/** Defaults of RolesAnywhereAccessArgs; the on-prem `credentials` schema uses the same values. */
export const ROLES_ANYWHERE_DEFAULTS = { sessionDurationSeconds: 3600 } as const;
