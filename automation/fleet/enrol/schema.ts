import { z } from "zod";
import { region, tags } from "../../../stacks/config/common";

/**
 * The manifest's `enrolment:` section: which part of the AWS organisation `fleet enrol` reads and
 * how it turns an account there into a stack entry. Every default is stated here once and reused by
 * the schema below.
 */
export const ENROLMENT_DEFAULTS = {
    /** Account tag whose value names the profile an account is built from; untagged accounts get `default`. */
    profileTag: "monitoring-profile",
    /** The profile of accounts without profileTag. */
    defaultProfile: "default",
    /** A run that would retire more than this share of the enrolled stacks stops and asks (exit 4). */
    maxRetireShare: 0.1,
    /** Prefix of the stack names enrol gives new accounts (then the account name, slugged). */
    stackPrefix: "monitored-",
    /**
     * Account tags holding the per-account settings a profile cannot know (monitored config keys, dotted,
     * to tag key). List values are separated by spaces: Organizations tag values allow letters, digits,
     * spaces and _.:/=+-@ (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_tagging.html).
     */
    accountTags: {
        "vpc.vpcId": "monitoring-vpc-id",
        "vpc.subnetIds": "monitoring-subnet-ids",
        "workloads.cidrs": "monitoring-workload-cidrs",
    } as Readonly<Record<string, string>>,
} as const;

/** An Organizations OU ID (https://docs.aws.amazon.com/organizations/latest/APIReference/API_OrganizationalUnit.html: ^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$) or a root (r-xxxx). */
const ouId = z.string().regex(/^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$/, { error: "expected an OU ID (ou-ab12-cd34ef56) or a root ID (r-ab12)" });

/** What every stack built from this profile shares; per-account values come from the account's tags. */
export const profileSchema = z
    .object({
        /** Regulated accounts accept only private connectivity (see the stack entry's `regulated`). Default false. */
        regulated: z.boolean().default(false),
        /** Region of the stacks; default the manifest's defaults.region. */
        region: region.optional(),
        /** Stack tags added to defaults.tags. Default none. */
        tags: tags,
        /** Monitored role config shared by the profile's stacks (vpc and workloads come from account tags). Default {}. */
        config: z.record(z.string(), z.unknown()).default({}),
        /** Accounts pinned to this profile whatever their tag says. Default none. */
        accounts: z.array(z.string().regex(/^\d{12}$/, { error: "expected a 12-digit account ID" })).default([]),
    })
    .strict();

export const enrolmentSchema = z
    .object({
        /** OUs (or the root) whose accounts, recursively, are monitored. */
        organizationalUnits: z.array(ouId).min(1, { error: "name at least one OU, e.g. [ou-ab12-cd34ef56]" }),
        profiles: z.record(z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, { error: "profile names are lower-case, e.g. regulated" }), profileSchema),
        profileTag: z.string().min(1).max(128).default(ENROLMENT_DEFAULTS.profileTag),
        defaultProfile: z.string().min(1).default(ENROLMENT_DEFAULTS.defaultProfile),
        maxRetireShare: z.number().min(0).max(1).default(ENROLMENT_DEFAULTS.maxRetireShare),
        stackPrefix: z.string().regex(/^[a-z][a-z0-9-]{0,30}$/).default(ENROLMENT_DEFAULTS.stackPrefix),
        accountTags: z.record(z.string().regex(/^[a-zA-Z][\w.]*$/), z.string().min(1).max(128)).default(ENROLMENT_DEFAULTS.accountTags),
        /** Accounts under the OUs that are never enrolled (e.g. the security tooling account). */
        exclude: z.array(z.string().regex(/^\d{12}$/, { error: "expected a 12-digit account ID" })).default([]),
    })
    .strict();

export type Enrolment = z.infer<typeof enrolmentSchema>;
export type Profile = z.infer<typeof profileSchema>;
