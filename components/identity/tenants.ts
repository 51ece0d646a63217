/**
 * Tenant identity: who may write series under which `account` / `site` label, and the names
 * every part of the project uses for it (hub PKI, the hub's TLS-terminating proxy, the spokes
 * that present the certificates, the policy pack, the end-to-end tests).
 *
 * The hub derives a series' `account`, `site` and `source_role` from the client certificate the
 * sender presented, never from anything in the payload or headers the sender controls:
 * - the hub's own AWS Private CA issues one certificate per tenant; the subject is set by the
 *   hub from the fleet manifest (CN = tenantKey, OU = kind), never requested by a spoke;
 * - HAProxy in the hub task verifies it (the only trusted CA is the hub's), deletes any
 *   client-sent identity header, and sets TENANT_HEADERS from the certificate CN through the
 *   map files rendered by tenantMaps(); a CA-valid certificate whose CN is not in the map
 *   (a tenant removed from the manifest) is refused;
 * - the collector listens on loopback only, reads the headers with `include_metadata` and
 *   overwrites the labels before `batch` (which drops client metadata).
 * Why this design and not the PrivateLink endpoint ID or NLB mutual TLS: README "Tenant identity".
 */

export type TenantKind = "monitored" | "onprem";

export interface Tenant {
    readonly kind: TenantKind;
    /** 12-digit account the series are labelled with: the monitored account, or the site's landing account. */
    readonly account: string;
    /** Site name (label `site`); on-prem tenants only. */
    readonly site?: string;
    /**
     * The principal that may read the tenant's identity secret in the hub: the spoke stack's deploy
     * role (`arn:aws:iam::<account>:role/<defaults.deployRoleName>`), which copies it into the spoke.
     */
    readonly readerRoleArn: string;
}

/** Organization (O) of every tenant certificate subject. */
export const TENANT_ORGANIZATION = "oss-monitoring";

/**
 * Request headers HAProxy sets from the verified certificate (after deleting any the client sent)
 * and the collector reads as client metadata (`from_context: metadata.<header>`). Lower case:
 * HTTP/2 (gRPC) carries header names in lower case, and the collector keys metadata as received.
 */
export const TENANT_HEADERS = {
    account: "x-tenant-account",
    site: "x-tenant-site",
    role: "x-tenant-role",
} as const;

const ACCOUNT = /^\d{12}$/;
const SITE = /^[a-z][a-z0-9-]{1,30}$/;

/**
 * The tenant's stable key: certificate CN, map key, and the suffix of its resource and secret names.
 * `account-<12 digits>` or `site-<site name>`; both fit a CN (≤ 64) and a Pulumi/AWS resource name.
 */
export function tenantKey(t: Pick<Tenant, "kind" | "account" | "site">): string {
    if (t.kind === "monitored") {
        return `account-${t.account}`;
    }
    if (t.site === undefined) {
        throw new Error(`tenant of account ${t.account}: an on-prem tenant needs its site name`);
    }
    return `site-${t.site}`;
}

/** Subject of the tenant's certificate; the hub sets it, the sender cannot choose it. */
export function tenantSubject(t: Tenant): { commonName: string; organizationalUnit: TenantKind; organization: string } {
    return { commonName: tenantKey(t), organizationalUnit: t.kind, organization: TENANT_ORGANIZATION };
}

/** Prefix of every tenant identity secret in the hub account (IAM and KMS conditions use it). */
export const IDENTITY_SECRET_PREFIX = "oss-monitoring/identity/";

/** Secrets Manager name of the tenant's identity (certificate, chain and private key) in the hub account. */
export function tenantSecretName(t: Pick<Tenant, "kind" | "account" | "site">): string {
    return `${IDENTITY_SECRET_PREFIX}${tenantKey(t)}`;
}

/** JSON keys of the identity secret's SecretString (PEM values). */
export const IDENTITY_SECRET_KEYS = {
    certificate: "certificate",
    chain: "chain",
    privateKey: "privateKey",
} as const;

/** Every problem with a tenant list, one line each (empty when valid). */
export function tenantProblems(tenants: readonly Tenant[]): string[] {
    const problems: string[] = [];
    const seen = new Map<string, number>();
    tenants.forEach((t, i) => {
        if (!ACCOUNT.test(t.account)) {
            problems.push(`tenants[${i}].account: expected a 12-digit account ID (got ${t.account})`);
        }
        if (t.kind === "onprem" && (t.site === undefined || !SITE.test(t.site))) {
            problems.push(`tenants[${i}].site: an on-prem tenant needs a site name of lower-case letters, digits and dashes (got ${t.site ?? "nothing"})`);
        }
        if (t.kind === "monitored" && t.site !== undefined) {
            problems.push(`tenants[${i}].site: only on-prem tenants have a site; remove it`);
        }
        if (!/^arn:aws[\w-]*:iam::\d{12}:role\/.+$/.test(t.readerRoleArn) || !t.readerRoleArn.includes(`::${t.account}:`)) {
            problems.push(`tenants[${i}].readerRoleArn: expected a role of account ${t.account} (got ${t.readerRoleArn})`);
        }
        if (t.kind === "monitored" || t.site !== undefined) {
            const key = tenantKey(t);
            const first = seen.get(key);
            if (first !== undefined) {
                problems.push(`tenants[${i}]: ${key} is listed twice (first at tenants[${first}]); each account and site has one identity`);
            }
            seen.set(key, i);
        }
    });
    return problems;
}

/**
 * HAProxy map files (`<key> <value>` per line, sorted): certificate CN → account, and CN → site for
 * on-prem tenants. A CN missing from the account map is refused by the proxy.
 */
export function tenantMaps(tenants: readonly Tenant[]): { account: string; site: string } {
    const problems = tenantProblems(tenants);
    if (problems.length > 0) {
        throw new Error(problems.join("\n"));
    }
    const lines = (pairs: Array<[string, string]>) => pairs.sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k} ${v}\n`).join("");
    return {
        account: lines(tenants.map((t) => [tenantKey(t), t.account])),
        site: lines(tenants.flatMap((t): Array<[string, string]> => (t.site !== undefined ? [[tenantKey(t), t.site]] : []))),
    };
}

/**
 * Splits text into chunks of at most `maxBytes` UTF-8 bytes at line boundaries. SSM parameters hold
 * at most 8 KB (advanced tier; https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html),
 * and a 500-account map is ~17 KB, so the maps travel as several parameters joined again in the task.
 */
export function chunkLines(text: string, maxBytes = 8192): string[] {
    const chunks: string[] = [];
    let current = "";
    for (const line of text.split(/(?<=\n)/)) {
        if (Buffer.byteLength(line) > maxBytes) {
            throw new Error(`chunkLines: a line of ${Buffer.byteLength(line)} bytes exceeds the ${maxBytes}-byte chunk size`);
        }
        if (Buffer.byteLength(current + line) > maxBytes) {
            chunks.push(current);
            current = "";
        }
        current += line;
    }
    if (current !== "" || chunks.length === 0) {
        chunks.push(current);
    }
    return chunks;
}
