import { Tenant, tenantKey } from "../identity/tenants";
import { TenantSeriesLimit } from "../content/options";

/**
 * Per-tenant active-series limits on the AMP workspace (UpdateWorkspaceConfiguration
 * `limitsPerLabelSet`, https://docs.aws.amazon.com/prometheus/latest/userguide/AMP-workspace-configuration.html):
 * "if the number of ingested time series that match that label set exceed the limit, then only the
 * time series that match the label set are throttled", so one tenant's runaway exporter is held to
 * its own limit while the others keep writing. The label sets use the identity labels the hub sets
 * from the sender's certificate (README "Tenant identity"), which no sender can forge:
 * `{account}` for a monitored account, `{account, site}` for an on-prem site.
 */

/** Label names of the tenant label sets: the hub's identity labels (components/content SOURCE_LABELS). */
export const TENANT_LIMIT_LABELS = { account: "account", site: "site" } as const;

/** What the hub config says: a fleet default and per-tenant overrides (tenantKey → limit). */
export interface TenantLimitsConfig {
    /** Active series each tenant may have; 0 = no limit but AMP vends the tenant's usage metrics. Default: no label sets at all. */
    readonly maxActiveSeries?: number;
    /** tenantKey (`account-<id>`, `site-<name>`) → limit, overriding maxActiveSeries. Default none. */
    readonly overrides?: Readonly<Record<string, number>>;
}

/** One entry of the workspace configuration's limitsPerLabelSets (@pulumi/aws amp.WorkspaceConfiguration). */
export interface LimitsPerLabelSet {
    readonly labelSet: Record<string, string>;
    readonly limits: { readonly maxSeries: number };
}

/** The label set that selects exactly one tenant's series. */
export function tenantLabelSet(t: Pick<Tenant, "kind" | "account" | "site">): Record<string, string> {
    return t.kind === "monitored" ? { [TENANT_LIMIT_LABELS.account]: t.account } : { [TENANT_LIMIT_LABELS.account]: t.account, [TENANT_LIMIT_LABELS.site]: t.site ?? "" };
}

/** Each tenant's limit (undefined: no label set for it), in tenant order. */
export function tenantLimitOf(t: Pick<Tenant, "kind" | "account" | "site">, c: TenantLimitsConfig): number | undefined {
    return c.overrides?.[tenantKey(t)] ?? c.maxActiveSeries;
}

/** The workspace configuration's limitsPerLabelSets for the fleet; undefined when no tenant has a limit. */
export function tenantSeriesLimits(tenants: readonly Tenant[], c: TenantLimitsConfig): LimitsPerLabelSet[] | undefined {
    const out = tenants.flatMap((t) => {
        const maxSeries = tenantLimitOf(t, c);
        return maxSeries === undefined ? [] : [{ labelSet: tenantLabelSet(t), limits: { maxSeries } }];
    });
    return out.length > 0 ? out : undefined;
}

// API_LimitsPerLabelSet (https://docs.aws.amazon.com/prometheus/latest/APIReference/API_LimitsPerLabelSet.html):
// keys match [a-zA-Z_][a-zA-Z0-9_]*, values are ASCII with at least one non-whitespace character and
// no control characters; maxSeries is a Long of at least 0 (API_LimitsPerLabelSetEntry.html).
const LABEL_KEY = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const LABEL_VALUE = /^[\x20-\x7e]*[\x21-\x7e][\x20-\x7e]*$/;

/**
 * Every problem with the limits, one line each naming the field: AMP's own constraints, overrides
 * that name no tenant, limits above the workspace quota (they could never hold), and a landing
 * account whose own limit is below its sites' (a site's series carry the landing account too, so
 * they match the account's label set as well as the site's: the account's limit must leave room).
 */
export function tenantLimitProblems(tenants: readonly Tenant[], c: TenantLimitsConfig, workspaceActiveSeries: number): string[] {
    const problems: string[] = [];
    const check = (field: string, v: number) => {
        if (!Number.isSafeInteger(v) || v < 0) {
            problems.push(`${field}: expected a whole number of active series, 0 or more (got ${v})`);
        } else if (v > workspaceActiveSeries) {
            problems.push(`${field}: ${v} is above the workspace's active-series quota (${workspaceActiveSeries}, quotas.activeSeries); a tenant limit can only hold below it`);
        }
    };
    if (c.maxActiveSeries !== undefined) {
        check("tenantLimits.maxActiveSeries", c.maxActiveSeries);
    }
    const keys = new Set(tenants.map(tenantKey));
    for (const [key, v] of Object.entries(c.overrides ?? {})) {
        if (!keys.has(key)) {
            problems.push(`tenantLimits.overrides.${key}: no tenant of the fleet has this key (tenants: ${[...keys].sort().join(", ") || "none"})`);
        }
        check(`tenantLimits.overrides.${key}`, v);
    }
    for (const t of tenants) {
        for (const [k, v] of Object.entries(tenantLabelSet(t))) {
            if (!LABEL_KEY.test(k) || !LABEL_VALUE.test(v)) {
                problems.push(`tenantLimits: tenant ${tenantKey(t)}: label ${k}="${v}" is not a label AMP accepts in a label set`);
            }
        }
    }
    // Sites grouped by landing account once: filtering every tenant per account was quadratic (4 M tests at 2,000 + 50).
    const sitesOf = new Map<string, Tenant[]>();
    for (const t of tenants) {
        if (t.kind === "onprem") {
            const held = sitesOf.get(t.account);
            if (held === undefined) {
                sitesOf.set(t.account, [t]);
            } else {
                held.push(t);
            }
        }
    }
    for (const account of new Set(tenants.filter((t) => t.kind === "monitored").map((t) => t.account))) {
        const own = tenantLimitOf({ kind: "monitored", account }, c);
        const sites = sitesOf.get(account) ?? [];
        const siteLimits = sites.map((s) => tenantLimitOf(s, c));
        if (own === undefined || own === 0 || siteLimits.length === 0) {
            continue;
        }
        if (siteLimits.some((l) => l === undefined || l === 0)) {
            problems.push(`tenantLimits: account ${account} is also the landing account of ${sites.map(tenantKey).join(", ")}, which have no limit: their series count against account-${account}'s ${own}; give them limits`);
            continue;
        }
        const sum = siteLimits.reduce((a: number, b) => a + (b ?? 0), 0);
        if (own <= sum) {
            problems.push(`tenantLimits: account-${account} (${own}) is also the landing account of ${sites.map(tenantKey).join(", ")} (together ${sum}); their series count against both, so raise account-${account}'s limit above ${sum}`);
        }
    }
    return problems;
}

/** Each limited tenant's limit with its identity labels, for the tenant-limit alert (components/content/tenantRules.ts). */
export function tenantLimitSignals(tenants: readonly Tenant[], c: TenantLimitsConfig): TenantSeriesLimit[] {
    return tenants.flatMap((t) => {
        const maxSeries = tenantLimitOf(t, c);
        return maxSeries === undefined ? [] : [{ account: t.account, ...(t.kind === "onprem" ? { site: t.site } : {}), maxSeries }];
    });
}
