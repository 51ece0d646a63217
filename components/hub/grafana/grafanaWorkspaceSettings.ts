/**
 * The defaults and argument checks of GrafanaWorkspace, apart from the component so the stack config schemas and the
 * fleet manifest's validation read them without loading a provider SDK (a plan's parent process loads no program).
 */
import { GRAFANA_WORKSPACE_VERSION_DEFAULT, GrafanaVersion } from "../../telemetry/ampDataSource";

/** Where the Grafana provider (data source, folders, dashboards) reaches the workspace API from. */
export const GRAFANA_API_ACCESS = ["hubVpcEndpoint", "prefixList", "none"] as const;
export type GrafanaApiAccess = (typeof GRAFANA_API_ACCESS)[number];

/** Defaults of GrafanaWorkspaceArgs; the hub config's `hub.grafana` schema uses the same values. */
export const GRAFANA_WORKSPACE_DEFAULTS = {
    authentication: "AWS_SSO",
    samlAdminRoleValues: ["grafana-admins"],
    apiAccess: "hubVpcEndpoint",
    /** Each token lives two periods; Managed Grafana caps tokens at 30 days. */
    tokenRotationDays: 15,
    grafanaVersion: GRAFANA_WORKSPACE_VERSION_DEFAULT,
} as const satisfies {
    authentication: "AWS_SSO" | "SAML";
    samlAdminRoleValues: readonly string[];
    apiAccess: GrafanaApiAccess;
    tokenRotationDays: number;
    grafanaVersion: GrafanaVersion;
};

/** The Grafana settings the cross-field rules read. */
export interface GrafanaRuleInput {
    readonly authentication: "AWS_SSO" | "SAML";
    readonly samlMetadataUrl?: string;
    readonly adminGroupIds: readonly string[];
    readonly editorGroupIds?: readonly string[];
    readonly apiAccess: GrafanaApiAccess;
    readonly apiAccessPrefixListId?: string;
    readonly allowedVpceIds: readonly string[];
    readonly allowedPrefixListIds: readonly string[];
}

/** One broken rule: the settings key to fix (relative to the Grafana settings) and why. */
export interface GrafanaProblem {
    readonly key: keyof GrafanaRuleInput;
    readonly message: string;
}

/**
 * Every cross-field rule of the Grafana settings, stated once: the hub config schema reports each
 * as an issue on its key, the component throws on the first. Network access control admits only
 * the listed VPC endpoints and public IPv4 prefix lists, "If both are passed as empty arrays, no
 * traffic is allowed" (https://docs.aws.amazon.com/grafana/latest/APIReference/API_NetworkAccessConfiguration.html),
 * and the @pulumiverse/grafana provider calls the workspace URL from the deploying machine.
 */
export function grafanaProblems(a: GrafanaRuleInput): GrafanaProblem[] {
    const problems: GrafanaProblem[] = [];
    if (a.authentication === "SAML" && !a.samlMetadataUrl) {
        problems.push({ key: "samlMetadataUrl", message: "required when authentication is SAML, e.g. https://idp.example.com/metadata.xml" });
    }
    return [...problems, ...accessProblems(a)];
}

/** The sign-in and network access rules (all of grafanaProblems but the SAML metadata URL). */
function accessProblems(a: Omit<GrafanaRuleInput, "samlMetadataUrl">): GrafanaProblem[] {
    const problems: GrafanaProblem[] = [];
    if (a.authentication === "AWS_SSO" && a.adminGroupIds.length === 0) {
        problems.push({
            key: "adminGroupIds",
            message: "an AWS_SSO workspace without a role association lets nobody sign in: list at least one IAM Identity Center group ID, e.g. [90677e8d-a0d1-70e1-1234-5678abcdef01]",
        });
    }
    if (a.authentication === "SAML" && a.adminGroupIds.length + (a.editorGroupIds ?? []).length > 0) {
        problems.push({ key: "adminGroupIds", message: "Identity Center group IDs apply to AWS_SSO only; with SAML map roles with samlAdminRoleValues" });
    }
    if (a.apiAccess === "prefixList" && a.apiAccessPrefixListId === undefined) {
        problems.push({
            key: "apiAccessPrefixListId",
            message: "required when apiAccess is prefixList: the managed prefix list of the deploy runner's public egress IPv4 addresses (without it the runner gets 403 from the workspace)",
        });
    }
    if (a.apiAccess !== "prefixList" && a.apiAccessPrefixListId !== undefined) {
        problems.push({ key: "apiAccessPrefixListId", message: `only used with apiAccess: prefixList (apiAccess is ${a.apiAccess}); remove it or set apiAccess: prefixList` });
    }
    if (a.apiAccess === "none" && a.allowedVpceIds.length + a.allowedPrefixListIds.length === 0) {
        problems.push({
            key: "allowedVpceIds",
            message: "with apiAccess none, network access control with no VPC endpoint ID and no prefix list admits no one: list at least one, otherwise no one can reach the workspace",
        });
    }
    return problems;
}

/** Why a Grafana sign-in and access combination cannot work (`<key>: <why>`, the first rule broken), or undefined. */
export function grafanaAccessProblem(a: Omit<GrafanaRuleInput, "samlMetadataUrl">): string | undefined {
    const first = accessProblems(a)[0];
    return first === undefined ? undefined : `${first.key}: ${first.message}`;
}
