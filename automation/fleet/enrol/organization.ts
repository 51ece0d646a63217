import {
    DescribeOrganizationCommand,
    OrganizationsClient,
    paginateListAccountsForParent,
    paginateListOrganizationalUnitsForParent,
    paginateListTagsForResource,
} from "@aws-sdk/client-organizations";
import { UsageError } from "../../io/cliKit";

/** One account as enrol sees it: where it sits, whether it is open, and its tags. */
export interface OrgAccount {
    readonly id: string;
    readonly name: string;
    /** ACTIVE, or SUSPENDED / PENDING_CLOSURE / CLOSED for an account being or having been closed. */
    readonly state: string;
    /** The OU named in the manifest this account sits under (directly or in a nested OU). */
    readonly ou: string;
    readonly tags: Readonly<Record<string, string>>;
}

export interface OrgSnapshot {
    readonly organizationId: string;
    readonly accounts: readonly OrgAccount[];
}

/**
 * The Organizations calls enrol makes, all read-only, from the management account or a delegated
 * administrator (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_delegate_policies.html):
 * organizations:DescribeOrganization, ListOrganizationalUnitsForParent, ListAccountsForParent, ListTagsForResource.
 */
export const ENROL_ACTIONS = [
    "organizations:DescribeOrganization",
    "organizations:ListOrganizationalUnitsForParent",
    "organizations:ListAccountsForParent",
    "organizations:ListTagsForResource",
] as const;

/** The one-line cause and fix of an Organizations error that is the operator's to fix. */
function inputError(e: unknown, ou: string | undefined): Error {
    const name = (e as { name?: string }).name ?? "";
    if (name === "ParentNotFoundException" || name === "OrganizationalUnitNotFoundException") {
        return new UsageError(`enrolment.organizationalUnits: ${ou ?? "an OU"} does not exist in the organisation; fix: use an OU ID from \`aws organizations list-organizational-units-for-parent\``);
    }
    // Organizations answers AccessDeniedException (API_ListAccountsForParent.html, "Errors"); a signing layer
    // that refuses the request (an SCP-less gateway, moto's IAM enforcement) answers HTTP 403 with another body.
    const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (name === "AccessDeniedException" || name === "AccessDenied" || status === 403) {
        return new UsageError(`Organizations refused the read (AccessDenied); fix: run enrol from the management or a delegated-administrator account with ${ENROL_ACTIONS.join(", ")} (README "Enrolling accounts")`);
    }
    if (name === "AWSOrganizationsNotInUseException") {
        return new UsageError("these credentials' account is in no organisation; fix: use the management or a delegated-administrator account's credentials");
    }
    if (name === "CredentialsProviderError") {
        return new UsageError(`no AWS credentials for Organizations (${(e as Error).message}); fix: set AWS_PROFILE or the AWS_* variables of the management or delegated-administrator account`);
    }
    return e as Error;
}

async function tagsOf(client: OrganizationsClient, id: string): Promise<Record<string, string>> {
    const tags: Record<string, string> = {};
    for await (const page of paginateListTagsForResource({ client }, { ResourceId: id })) {
        for (const t of page.Tags ?? []) {
            tags[t.Key!] = t.Value ?? "";
        }
    }
    return tags;
}

/** Every account under `root` (an OU or root ID), walking nested OUs depth-first. */
async function accountsUnder(client: OrganizationsClient, root: string): Promise<OrgAccount[]> {
    const out: OrgAccount[] = [];
    const queue = [root];
    while (queue.length > 0) {
        const parent = queue.shift()!;
        for await (const page of paginateListAccountsForParent({ client }, { ParentId: parent })) {
            for (const a of page.Accounts ?? []) {
                // State replaces the deprecated Status (API_Account.html); older partitions may only return Status.
                out.push({ id: a.Id!, name: a.Name ?? a.Id!, state: String(a.State ?? a.Status ?? "ACTIVE"), ou: root, tags: await tagsOf(client, a.Id!) });
            }
        }
        for await (const page of paginateListOrganizationalUnitsForParent({ client }, { ParentId: parent })) {
            queue.push(...(page.OrganizationalUnits ?? []).map((o) => o.Id!));
        }
    }
    return out;
}

/** Reads the accounts under the manifest's OUs; an account under two named OUs (one nested in the other) counts once. */
export async function readOrganization(client: OrganizationsClient, ous: readonly string[]): Promise<OrgSnapshot> {
    let organizationId: string;
    try {
        organizationId = (await client.send(new DescribeOrganizationCommand({}))).Organization?.Id ?? "";
    } catch (e) {
        throw inputError(e, undefined);
    }
    const seen = new Map<string, OrgAccount>();
    for (const ou of ous) {
        let accounts: OrgAccount[];
        try {
            accounts = await accountsUnder(client, ou);
        } catch (e) {
            throw inputError(e, ou);
        }
        for (const a of accounts) {
            if (!seen.has(a.id)) {
                seen.set(a.id, a);
            }
        }
    }
    return { organizationId, accounts: [...seen.values()].sort((a, b) => a.id.localeCompare(b.id)) };
}
