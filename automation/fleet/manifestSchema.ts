import { z } from "zod";
import { accountId, orgId, region, ROLES, tags } from "../../stacks/config/common";
import { costModelSchema } from "./costModel";
import { enrolmentSchema } from "./enrol/schema";

/** The schema of stacks/fleet.yaml as written (before resolution: see manifest.ts). */

const stackName = z.string().regex(/^[a-z][a-z0-9-]{1,62}$/, { error: "stack names are lower-case letters, digits and dashes, e.g. monitored-payments" });

const failureTolerance = z.union([
    z.number().int().min(0),
    z.string()
        .regex(/^\d{1,3}%$/, { error: "expected a count (3) or a percentage (\"10%\")" })
        .refine((v) => Number(v.slice(0, -1)) <= 100, { error: (iss) => `${String(iss.input)} is more than the whole main wave; fix: a percentage from 0% to 100%, or a count such as 3` }),
]);

/**
 * PromQL health gate between the canary and the main wave: every query must pass (return a series,
 * and with `perAccount` one for each canary account) before `timeoutSeconds`, or the rollout stops.
 */
export const gateSchema = z
    .object({
        /** Query endpoint: an AMP workspace URL (https://aps-workspaces.<region>.amazonaws.com/workspaces/<id>) or a Prometheus base URL. */
        endpoint: z.url({ error: "expected a URL, e.g. https://aps-workspaces.us-east-1.amazonaws.com/workspaces/ws-0123abcd" }),
        /** SigV4 signing region for AMP; omit for a Prometheus that takes unsigned queries. */
        region: region.optional(),
        queries: z
            .array(
                z
                    .object({
                        name: z.string().regex(/^[\w.-]+$/, { error: "a short name, e.g. canary-heartbeat" }),
                        /** `{{accounts}}` becomes a regex alternation of the canary accounts. */
                        expr: z.string().min(1),
                        /** Label carrying the account ID: the result must have a series for every canary account. */
                        perAccount: z.string().regex(/^[a-zA-Z_]\w*$/).optional(),
                    })
                    .strict(),
            )
            .min(1, { error: "give at least one query" }),
        timeoutSeconds: z.number().int().min(1).max(6 * 3600).default(600),
        intervalSeconds: z.number().int().min(1).max(600).default(15),
    })
    .strict();

export const rolloutSchema = z
    .object({
        /** Stacks deployed (after the hub) before everything else; a failure stops the rollout. */
        canary: z.array(stackName).default([]),
        /** When `canary` is empty, the first N spokes (in region order) are the canary wave. Default 1. */
        canaryCount: z.number().int().min(0).default(1),
        concurrency: z.number().int().min(1).max(200).default(10),
        failureTolerance: failureTolerance.default(0),
        mode: z.enum(["strict", "soft"]).default("strict"),
        regionOrder: z.array(region).default([]),
        retries: z.number().int().min(0).max(10).default(2),
        /** Per-operation timeout in minutes. Default 60. */
        timeoutMinutes: z.number().int().min(1).max(24 * 60).default(60),
        /** Pre-flight: assume every stack's deploy role once before any stack starts (automation/driver/engine/preflight.ts). */
        checkDeployRoles: z.boolean().default(true),
        /** Health gate after the canary wave (automation/driver/schedule/gate.ts). */
        gate: gateSchema.optional(),
    })
    .strict();

const stackEntry = z
    .object({
        name: stackName,
        role: z.enum(ROLES, { error: `expected one of ${ROLES.join(", ")}` }),
        account: accountId,
        region: region.optional(),
        tags: tags,
        /** Regulated accounts only accept private connectivity (checked by the stack and the policy pack). */
        regulated: z.boolean().default(false),
        /** Other stacks that must be deployed first (the hub is implied for spokes). */
        dependsOn: z.array(stackName).default([]),
        /** Names of secret config keys the operator sets with `pulumi config set --secret` (never in this file). */
        secrets: z.array(z.string().regex(/^[a-zA-Z][\w]*$/)).default([]),
        /**
         * Monitored and on-prem stacks: this tenant's active-series limit in the hub's AMP workspace,
         * overriding defaults.maxActiveSeries (0: no limit, usage metrics only). Default: the fleet default.
         */
        maxActiveSeries: z.number().int().min(0).optional(),
        /** Set by `fleet enrol`: the enrolment profile this entry was built from; enrol retires only such entries. */
        profile: z.string().optional(),
        /**
         * Monitored and on-prem stacks: the account is leaving (set by `fleet enrol --write` for an account
         * that left the enrolled OUs, or by hand). The hub keeps admitting the tenant and `up`/`preview` leave
         * the spoke as it is, until `fleet retire --stacks <name>` destroys it, removes this entry, then
         * updates the hub. Default false.
         */
        retiring: z.boolean().default(false),
        /** Role-specific settings, validated by the role's schema (`oss-monitoring:<role>`). */
        config: z.record(z.string(), z.unknown()).default({}),
    })
    .strict();

export const manifestSchema = z
    .object({
        version: z.literal(1, { error: "expected version: 1" }),
        /** Pulumi organization (Pulumi Cloud) or `organization` for self-managed backends. */
        pulumiOrganization: z.string().regex(/^[\w.-]+$/).default("organization"),
        awsOrganizationId: orgId,
        defaults: z
            .object({
                region: region,
                deployRoleName: z.string().regex(/^[\w+=,.@-]{1,64}$/).default("OrganizationMonitoringDeploy"),
                externalId: z.string().min(2).optional(),
                tags: tags,
                /**
                 * Active series each tenant (monitored account, on-prem site) may have in the hub's AMP
                 * workspace before AMP throttles only its new series (README "Tenant limits"). Default: no limits.
                 */
                maxActiveSeries: z.number().int().min(0).optional(),
            })
            .strict(),
        /**
         * The regions the fleet's spokes may live in (README "One fleet across regions"). The hub offers
         * its ingest endpoint service to the others (cross-region PrivateLink) and keeps an OAM sink in
         * each. Default: the hub's region only.
         */
        regions: z.array(region).min(1, { error: "list at least the hub's region" }).optional(),
        rollout: rolloutSchema.prefault({}),
        /** The Pulumi project the driver deploys, relative to this file; default the repository root. */
        program: z.string().min(1).optional(),
        stacks: z.array(stackEntry).min(1),
        /** The load the cost estimate prices (automation/fleet/costModel.ts); every field has a default. */
        costModel: costModelSchema.prefault({}),
        /** Enrolment from AWS Organizations (`fleet enrol`, automation/fleet/enrol/schema.ts). Default: none. */
        enrolment: enrolmentSchema.optional(),
    })
    .strict();

export type RawManifest = z.infer<typeof manifestSchema>;
export type Rollout = z.infer<typeof rolloutSchema>;
