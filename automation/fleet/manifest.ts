import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { accountId, ConfigError, formatIssues, orgId, PROJECT, region, ROLES, Role, tags } from "../stacks/config/common";
import { EC2_AGENT_NAMESPACE } from "../components/agent/hostMetrics";
import { monitoredLogGroupPrefix, siteLogGroupPrefix, siteNameOf } from "../components/agent/logGroups";
import { parseStackConfig, StackConfig } from "../stacks/config";
import { DEFAULT_ONPREM_NAMESPACE } from "../stacks/config/onprem";
import { checkRawManifest, checkResolvedFleet } from "./validate/fleetChecks";
import { unknownStackFileKeys } from "./validate/stackFileKeys";

/**
 * The fleet manifest (stacks/fleet.yaml) is the single source of truth for every stack's
 * configuration: stack config files are generated from it, the offline plan and the fleet
 * driver read it. Validation reuses the stack config schemas, so a bad value fails here
 * with the manifest path before any stack is touched.
 */

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
        /** Pre-flight: assume every stack's deploy role once before any stack starts (automation/driver/preflight.ts). */
        checkDeployRoles: z.boolean().default(true),
        /** Health gate after the canary wave (automation/driver/gate.ts). */
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
            })
            .strict(),
        rollout: rolloutSchema.prefault({}),
        /** The Pulumi project the driver deploys, relative to this file; default the repository root. */
        program: z.string().min(1).optional(),
        stacks: z.array(stackEntry).min(1),
    })
    .strict();

export type RawManifest = z.infer<typeof manifestSchema>;
export type Rollout = z.infer<typeof rolloutSchema>;

/** A manifest member with everything resolved: the config the stack program will read. */
export interface FleetStack {
    readonly name: string;
    readonly role: Role;
    readonly account: string;
    readonly region: string;
    readonly regulated: boolean;
    /** Stacks that must succeed first (the hub for every spoke, plus explicit dependsOn). */
    readonly dependsOn: readonly string[];
    readonly secrets: readonly string[];
    readonly tags: Record<string, string>;
    /** Stack config as Pulumi keys (`aws:region`, `oss-monitoring:hub`, ...), values as YAML-able data. */
    readonly config: Record<string, unknown>;
    /** The validated, typed form of `config`. */
    readonly parsed: StackConfig;
}

export interface FleetManifest {
    readonly path: string;
    /** Absolute path of the Pulumi project to deploy (manifest `program`), when not the repository root. */
    readonly program?: string;
    readonly pulumiOrganization: string;
    readonly rollout: Rollout;
    readonly stacks: readonly FleetStack[];
    readonly hub: FleetStack;
}

export function hubStackName(m: Pick<FleetManifest, "pulumiOrganization" | "hub">): string {
    return `${m.pulumiOrganization}/${PROJECT}/${m.hub.name}`;
}

/** One line per problem, each naming the file and the field, so CI logs and editors can point at it. */
function fail(file: string, lines: string[]): never {
    throw new ConfigError(lines.map((l) => `${file}: ${l}`).join("\n"));
}

/** Every spoke's CloudWatch agents as the hub reads them: account, region, namespace, log groups. */
function cloudwatchSources(raw: RawManifest): Record<string, unknown>[] {
    return raw.stacks.filter((s) => s.role !== "hub").map((s) => {
        const region = s.region ?? raw.defaults.region;
        if (s.role === "monitored") {
            return { stack: s.name, kind: "monitored", account: s.account, region, namespace: EC2_AGENT_NAMESPACE, logGroupPrefix: monitoredLogGroupPrefix(s.name) };
        }
        const c = s.config as { siteName?: unknown; agent?: { namespace?: unknown } };
        const site = typeof c.siteName === "string" ? c.siteName : siteNameOf(undefined, s.name);
        const namespace = typeof c.agent?.namespace === "string" ? c.agent.namespace : DEFAULT_ONPREM_NAMESPACE;
        return { stack: s.name, kind: "onprem", account: s.account, region, namespace, logGroupPrefix: siteLogGroupPrefix(site), site };
    });
}

/** Role config the manifest derives from other members, so nothing is repeated by hand. */
function derivedRoleConfig(raw: RawManifest, entry: RawManifest["stacks"][number], hubRef: string): Record<string, unknown> {
    if (entry.role !== "hub") {
        return { hubStack: hubRef };
    }
    // Tenants (components/identity/tenants.ts): every monitored account, and every site under its
    // landing account. Nothing here comes from a site's auth settings: identity is the hub's to issue.
    const sites = raw.stacks
        .filter((s) => s.role === "onprem")
        .map((s) => {
            const c = s.config as { siteCidrs?: unknown; siteName?: unknown };
            return { name: s.name, site: typeof c.siteName === "string" ? c.siteName : siteNameOf(undefined, s.name), account: s.account, cidrs: c.siteCidrs };
        });
    const cloudwatch = (entry.config as { cloudwatch?: Record<string, unknown> }).cloudwatch ?? {};
    return {
        hub: {
            ...entry.config,
            monitoredAccounts: [...new Set(raw.stacks.filter((s) => s.role === "monitored").map((s) => s.account))].sort(),
            onpremSites: sites,
            spokeDeployRoleName: raw.defaults.deployRoleName,
            cloudwatch: { ...cloudwatch, sources: cloudwatchSources(raw) },
        },
    };
}

/** Validates a parsed manifest document and resolves every stack's configuration. */
export function resolveManifest(doc: unknown, file = "stacks/fleet.yaml"): FleetManifest {
    const parsed = manifestSchema.safeParse(doc);
    if (!parsed.success) {
        fail(file, formatIssues(parsed.error, "").split("\n").map((l) => l.replace(/^\s*-\s*/, "")));
    }
    const raw = parsed.data;
    const problems: string[] = [];
    const names = new Set<string>();
    for (const [i, s] of raw.stacks.entries()) {
        if (names.has(s.name)) {
            problems.push(`stacks[${i}].name: "${s.name}" is used twice; stack names must be unique`);
        }
        names.add(s.name);
    }
    const hubs = raw.stacks.filter((s) => s.role === "hub");
    if (hubs.length !== 1) {
        problems.push(`stacks: expected exactly one stack with role: hub, found ${hubs.length}`);
    }
    for (const [i, s] of raw.stacks.entries()) {
        for (const d of s.dependsOn) {
            if (!names.has(d)) {
                problems.push(`stacks[${i}].dependsOn: "${d}" is not a stack of this manifest`);
            }
        }
    }
    for (const c of raw.rollout.canary) {
        if (!names.has(c)) {
            problems.push(`rollout.canary: "${c}" is not a stack of this manifest`);
        }
    }
    if (problems.length > 0) {
        fail(file, problems);
    }
    problems.push(...checkRawManifest(raw));
    if (problems.length > 0) {
        fail(file, problems);
    }
    const hubEntry = hubs[0];
    const hubRef = `${raw.pulumiOrganization}/${PROJECT}/${hubEntry.name}`;
    const stacks: FleetStack[] = [];
    for (const [i, s] of raw.stacks.entries()) {
        const stackRegion = s.region ?? raw.defaults.region;
        if (s.role === "monitored" && "regulated" in s.config) {
            problems.push(`stacks[${i}] (${s.name}): config.regulated: set regulated on the stack entry (one place), not in its config`);
            fail(file, problems);
        }
        // The entry's `regulated` is the single source: the stack checks it, the policy pack reads it as a stack tag.
        const roleSettings = s.role === "monitored" ? { ...s.config, regulated: s.regulated } : s.config;
        const roleConfig = s.role === "hub" ? derivedRoleConfig(raw, s, hubRef) : { ...derivedRoleConfig(raw, s, hubRef), [s.role]: roleSettings };
        const raw_: Record<string, unknown> = {
            role: s.role,
            account: s.account,
            region: stackRegion,
            organizationId: raw.awsOrganizationId,
            deployRole: {
                roleArn: `arn:aws:iam::${s.account}:role/${raw.defaults.deployRoleName}`,
                ...(raw.defaults.externalId !== undefined ? { externalId: raw.defaults.externalId } : {}),
                sessionName: `${PROJECT}-${s.name}`,
            },
            tags: { ...raw.defaults.tags, ...s.tags, MonitoringRole: s.role },
            ...roleConfig,
        };
        let typed: StackConfig;
        try {
            typed = parseStackConfig(raw_, `stacks[${i}] (${s.name}): `);
        } catch (e) {
            if (e instanceof ConfigError) {
                // Re-point role-specific keys at where they live in the manifest.
                fail(file, e.message.split("\n").filter((l) => l.startsWith("  - ")).map((l) => l.slice(4).replace(`(${s.name}): ${s.role}.`, `(${s.name}): config.`)));
            }
            throw e;
        }
        const config: Record<string, unknown> = { "aws:region": stackRegion };
        for (const [k, v] of Object.entries(raw_)) {
            if (k !== "region") {
                config[`${PROJECT}:${k}`] = v;
            }
        }
        stacks.push({
            name: s.name,
            role: s.role,
            account: s.account,
            region: stackRegion,
            regulated: s.regulated,
            dependsOn: s.role === "hub" ? s.dependsOn : [...new Set([hubEntry.name, ...s.dependsOn])],
            secrets: s.secrets,
            tags: raw_.tags as Record<string, string>,
            config,
            parsed: typed,
        });
    }
    const fleetProblems = checkResolvedFleet(stacks);
    if (fleetProblems.length > 0) {
        fail(file, fleetProblems);
    }
    return {
        path: file,
        ...(raw.program !== undefined ? { program: path.resolve(path.dirname(file), raw.program) } : {}),
        pulumiOrganization: raw.pulumiOrganization,
        rollout: raw.rollout,
        stacks,
        hub: stacks.find((s) => s.role === "hub")!,
    };
}

export function loadManifest(file: string): FleetManifest {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (e) {
        throw new ConfigError(`Cannot read fleet manifest ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}. Pass --manifest <path to fleet.yaml>.`);
    }
    let doc: unknown;
    try {
        // merge: YAML 1.1 merge keys (`<<: *defaults`) are plain YAML to most users; resolve them.
        doc = parseYaml(text, { merge: true });
    } catch (e) {
        throw new ConfigError(`${file}: not valid YAML: ${(e as Error).message.split("\n")[0]}; fix the syntax at that line`);
    }
    const rel = path.relative(process.cwd(), file);
    const manifest = resolveManifest(doc, rel === "" || rel.startsWith("..") || path.isAbsolute(rel) ? file : rel);
    const stale = unknownStackFileKeys(manifest);
    if (stale.length > 0) {
        throw new ConfigError(stale.join("\n"));
    }
    return manifest;
}
