import { siteNameOf } from "../../components/agent/logGroups";
import { tenantKey, tenantSecretName } from "../../components/identity/tenants";
import { FleetManifest } from "../manifest";
import { mockResourceState } from "./mockState";

/** The hub output spokes read their identity secret ARNs from (stacks/monitored.ts HUB_IDENTITY_OUTPUT). */
const OUTPUT = "tenantIdentitySecretArns";

/**
 * TRANSITIONAL (issue 14, spoke branch): until the hub stack exports `tenantIdentitySecretArns`
 * (the proxy/pki branches add it), the offline plan gives the planned hub's outputs the ARNs its
 * TenantIdentities secrets will have (same names, same mocked ARN shape as
 * aws:secretsmanager/secret:Secret), so the spokes' plans run end to end. Inert once the hub exports
 * the output (its value is kept as is, even if it lacks a tenant, so a missing identity still fails
 * the spoke); delete this file and its call in plan.ts after the merge.
 */
export function withPendingHubIdentity(manifest: FleetManifest, hubOutputs: Record<string, unknown>): Record<string, unknown> {
    if (OUTPUT in hubOutputs) {
        return hubOutputs;
    }
    const hub = manifest.hub;
    const ctx = { account: hub.account, region: hub.region, stackOutputs: new Map<string, Record<string, unknown>>() };
    const arns: Record<string, string> = {};
    for (const s of manifest.stacks) {
        const tenant = s.parsed.role === "monitored"
            ? { kind: "monitored" as const, account: s.account }
            : s.parsed.role === "onprem"
                ? { kind: "onprem" as const, account: s.account, site: siteNameOf(s.parsed.onprem.siteName, s.name) }
                : undefined;
        if (tenant !== undefined) {
            const name = tenantSecretName(tenant);
            arns[tenantKey(tenant)] = String(mockResourceState("aws:secretsmanager/secret:Secret", name, { name }, ctx).state.arn);
        }
    }
    return { ...hubOutputs, [OUTPUT]: arns };
}
