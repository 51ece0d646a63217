import { z } from "zod";
import { parseCidr } from "../../components/network/cidr";
import { DEFAULT_LOG_RETENTION_DAYS, logRetentionProblem } from "../../components/security/logRetention";

/** The Pulumi project name, which is also the stack-config namespace (`oss-monitoring:<key>`). */
export const PROJECT = "oss-monitoring";

export const ROLES = ["hub", "monitored", "onprem"] as const;
export type Role = (typeof ROLES)[number];

export const accountId = z
    .string({ error: "expected a 12-digit AWS account ID as a quoted string, e.g. \"111111111111\"" })
    .regex(/^\d{12}$/, { error: "expected a 12-digit AWS account ID as a quoted string, e.g. \"111111111111\"" });

export const region = z
    .string({ error: "expected an AWS region name, e.g. us-east-1" })
    .regex(/^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/, { error: "expected an AWS region name, e.g. us-east-1" });

export const cidr = z.string({ error: "expected an IPv4 CIDR, e.g. 10.20.0.0/16" }).superRefine((v, ctx) => {
    const parsed = parseCidr(v);
    if (typeof parsed === "string") {
        ctx.addIssue({ code: "custom", message: parsed });
    } else if (parsed.prefix === 0) {
        ctx.addIssue({ code: "custom", message: `"${v}" admits every address; list the networks that send telemetry` });
    }
});

/**
 * A CloudWatch Logs retention in days, at least the audit minimum (components/security/logRetention.ts):
 * every schema's log retention, so a config that validates also passes the policy pack. Default 365.
 */
export const logRetentionDays = z
    .number({ error: "expected a number of days, e.g. 365" })
    .superRefine((d, ctx) => {
        const problem = logRetentionProblem(d);
        if (problem !== undefined) {
            ctx.addIssue({ code: "custom", message: problem });
        }
    })
    .default(DEFAULT_LOG_RETENTION_DAYS);

export const routeTableId = z.string({ error: "expected a route table ID, e.g. rtb-0123456789abcdef0" })
    .regex(/^rtb-[0-9a-f]{8,17}$/, { error: "expected a route table ID, e.g. rtb-0123456789abcdef0" });

/** An AZ ID (not a name: names map to different zones in every account), e.g. use1-az1. */
export function availabilityZoneId(sample: string) {
    return z.string().regex(/^[a-z]{3,6}\d-az\d+$/, { error: `expected an AZ ID, e.g. ${sample} (aws ec2 describe-availability-zones --query 'AvailabilityZones[].ZoneId')` });
}

export const prefixListId = example("a managed prefix list ID", "pl-0123456789abcdef0").regex(/^pl-[0-9a-f]{8,17}$/, { error: "expected a managed prefix list ID, e.g. pl-0123456789abcdef0" });
export const vpcId = example("a VPC ID", "vpc-0123456789abcdef0").regex(/^vpc-[0-9a-f]{8,17}$/, { error: "expected a VPC ID, e.g. vpc-0123456789abcdef0" });
export const subnetId = example("a subnet ID", "subnet-0123456789abcdef0").regex(/^subnet-[0-9a-f]{8,17}$/, { error: "expected a subnet ID, e.g. subnet-0123456789abcdef0" });
export const orgId = example("an AWS Organizations ID", "o-a1b2c3d4e5").regex(/^o-[a-z0-9]{10,32}$/, { error: "expected an AWS Organizations ID, e.g. o-a1b2c3d4e5" });

/** A string schema whose "missing" and "malformed" errors both carry an example value. */
export function example(what: string, sample: string) {
    return z.string({ error: (iss) => (iss.input === undefined ? `required: ${what}, e.g. ${sample}` : `expected ${what}, e.g. ${sample}`) });
}

export function arnOf(service: string, sample: string) {
    const re = new RegExp(`^arn:aws[a-z-]*:${service}:`);
    return example(`an ${service} ARN`, sample).regex(re, { error: `expected an ${service} ARN, e.g. ${sample}` });
}

export const tags = z
    .record(z.string().regex(/^[\w .:/=+@-]{1,128}$/, { error: "tag keys are 1-128 characters of letters, digits, spaces and _.:/=+-@" }), z.string().max(256))
    .default({});

/** Role assumed by the deploying provider in the target account. */
export const deployRole = z
    .object({
        /** Full role ARN; the manifest derives it from `defaults.deployRoleName` and the account. */
        roleArn: arnOf("iam", "arn:aws:iam::222222222222:role/OrganizationMonitoringDeploy"),
        /** Optional sts:ExternalId the role's trust policy requires. */
        externalId: z.string().min(2).max(1224).optional(),
        /** Session name shown in CloudTrail; defaults to `oss-monitoring-<stack>`. */
        sessionName: z.string().regex(/^[\w+=,.@-]{2,64}$/).optional(),
    })
    .strict();

/** Keys every role shares, read from `oss-monitoring:<key>`. */
export const commonConfig = z.object({
    role: z.enum(ROLES, { error: `expected one of ${ROLES.join(", ")}` }),
    account: accountId,
    region,
    /** AWS Organizations ID used in every cross-account trust condition. */
    organizationId: orgId,
    deployRole: deployRole.optional(),
    tags,
});
export type CommonConfig = z.infer<typeof commonConfig>;

/** Formats zod issues as `<prefix><path>: <message>` lines so the error names the key to fix. */
export function formatIssues(error: z.ZodError, prefix: string): string {
    return error.issues
        .map((i) => {
            const path = i.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("");
            return `  - ${prefix}${path.replace(/^\./, "")}: ${i.message}`;
        })
        .join("\n");
}

export class ConfigError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ConfigError";
    }
}

/**
 * The one shape of a configuration error about one key: `Invalid configuration:` and a line
 * `  - <key>: <message>`, then the fix when there is a general one.
 */
export function configError(key: string, message: string, fix?: string): ConfigError {
    return new ConfigError(`Invalid configuration:\n  - ${key}: ${message}${fix !== undefined ? `\n${fix}` : ""}`);
}

/** Parses `value` with `schema`, throwing a ConfigError that names every offending key. */
export function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown, prefix: string, fix: string): z.infer<T> {
    const result = schema.safeParse(value);
    if (!result.success) {
        throw new ConfigError(`Invalid configuration:\n${formatIssues(result.error, prefix)}\n${fix}`);
    }
    return result.data;
}
