import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { ConfigError, PROJECT } from "../../stacks/config/common";
import { tenantKey } from "../../components/identity/tenants";
import { EC2_AGENT_NAMESPACE } from "../../components/agent/hostMetrics";
import { monitoredLogGroupPrefix, siteLogGroupPrefix, siteNameOf } from "../../components/agent/logGroups";
import { parseStackConfig, roleSchemas, StackConfig } from "../../stacks/config";
import { DEFAULT_ONPREM_NAMESPACE } from "../../stacks/config/onprem";
import { manifestSchema, RawManifest } from "./manifestSchema";
import type { FleetManifest, FleetStack } from "./types";
import { checkRawManifest, checkResolvedFleet } from "./validate/fleetChecks";
import { hubRegionOf, spokeRegions } from "./validate/fleetRegions";
import { unknownStackFileKeys } from "./validate/stackFileKeys";
import { issueLines, topLevelProblem } from "./validate/manifestIssues";
import { closest } from "./validate/suggest";

/**
 * The fleet manifest (stacks/fleet.yaml) is the single source of truth for every stack's
 * configuration: stack config files are generated from it, the offline plan and the fleet
 * driver read it. Validation reuses the stack config schemas, so a bad value fails here
 * with the manifest path before any stack is touched.
 */

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

/**
 * The hub's tenantLimits from the manifest: defaults.maxActiveSeries and each spoke's maxActiveSeries
 * keyed by its tenant (components/identity/tenants.ts tenantKey), merged over what the hub's own
 * config says. Each spoke is its own tenant: one monitored stack per account and region,
 * one site per onprem stack (both checked elsewhere in this file).
 */
function tenantLimitsConfig(raw: RawManifest, sites: readonly { name: string; site: string }[], hubConfig: Record<string, unknown>): Record<string, unknown> {
    const own = (hubConfig.tenantLimits ?? {}) as { maxActiveSeries?: unknown; overrides?: Record<string, unknown> };
    const overrides: Record<string, unknown> = { ...(own.overrides ?? {}) };
    for (const s of raw.stacks) {
        if (s.maxActiveSeries === undefined || s.role === "hub") {
            continue;
        }
        const key = s.role === "monitored" ? tenantKey({ kind: "monitored", account: s.account }) : tenantKey({ kind: "onprem", account: s.account, site: sites.find((x) => x.name === s.name)?.site });
        overrides[key] = s.maxActiveSeries;
    }
    const maxActiveSeries = own.maxActiveSeries ?? raw.defaults.maxActiveSeries;
    return { ...own, ...(maxActiveSeries !== undefined ? { maxActiveSeries } : {}), overrides };
}

/** Role config the manifest derives from other members, so nothing is repeated by hand. */
function derivedRoleConfig(raw: RawManifest, entry: RawManifest["stacks"][number], hubRef: string): Record<string, unknown> {
    if (entry.role !== "hub") {
        // A spoke outside the hub's region names the hub's region on its endpoint (serviceRegion);
        // same-region spokes get no key, so their stack files stay as they were.
        const hubRegion = hubRegionOf(raw);
        return { hubStack: hubRef, ...(hubRegion !== undefined && (entry.region ?? raw.defaults.region) !== hubRegion ? { hubRegion } : {}) };
    }
    const others = spokeRegions(raw);
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
            tenantLimits: tenantLimitsConfig(raw, sites, entry.config),
            monitoredAccounts: [...new Set(raw.stacks.filter((s) => s.role === "monitored").map((s) => s.account))].sort(),
            onpremSites: sites,
            spokeDeployRoleName: raw.defaults.deployRoleName,
            ...(others.length > 0 ? { spokeRegions: others } : {}),
            cloudwatch: { ...cloudwatch, sources: cloudwatchSources(raw) },
        },
    };
}

/** Names the manifest refers to that it does not define, names used twice, and the one hub. */
function referenceProblems(raw: RawManifest): string[] {
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
        if (s.role === "hub" && s.retiring) {
            problems.push(`stacks[${i}].retiring: the hub cannot be retiring (it admits the retiring spokes until they are gone); fix: remove retiring from ${s.name}, and retire it last with \`fleet retire --stacks ${s.name}\``);
        }
        if (s.retiring && raw.rollout.canary.includes(s.name)) {
            problems.push(`rollout.canary: "${s.name}" is retiring and is never deployed again; fix: name another canary`);
        }
    }
    const unknown = (field: string, name: string) => {
        const hint = closest(name, [...names]);
        problems.push(`${field}: "${name}" is not a stack of this manifest; ${hint !== undefined ? `did you mean ${hint}? fix: write ${hint}` : `expected one of ${[...names].join(", ")}; fix: use one of those names`}`);
    };
    for (const [i, s] of raw.stacks.entries()) {
        s.dependsOn.forEach((d) => names.has(d) || unknown(`stacks[${i}].dependsOn`, d));
    }
    raw.rollout.canary.forEach((c) => names.has(c) || unknown("rollout.canary", c));
    return problems;
}

/** One manifest entry resolved: defaults applied, derived config added, validated by its role's schema. */
function resolveStack(raw: RawManifest, s: RawManifest["stacks"][number], i: number, file: string, hubName: string): FleetStack {
    const hubRef = `${raw.pulumiOrganization}/${PROJECT}/${hubName}`;
    const stackRegion = s.region ?? raw.defaults.region;
    if (s.role === "monitored" && "regulated" in s.config) {
        fail(file, [`stacks[${i}] (${s.name}): config.regulated: set regulated on the stack entry (one place), not in its config`]);
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
        // The role's schema, parsed again for its structured issues: one line per mistake with the closest key.
        const again = roleSchemas[s.role].safeParse(raw_);
        if (e instanceof ConfigError && !again.success) {
            const configDoc = { [s.role]: roleSettings };
            const lines = issueLines(again.error.issues.filter((x) => x.path[0] === s.role), configDoc, roleSchemas[s.role]);
            if (lines.length > 0) {
                fail(file, lines.map((l) => `stacks[${i}] (${s.name}): config${l.slice(s.role.length)}`));
            }
        }
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
    return {
        name: s.name,
        role: s.role,
        account: s.account,
        region: stackRegion,
        regulated: s.regulated,
        ...(s.retiring ? { retiring: true } : {}),
        dependsOn: s.role === "hub" ? s.dependsOn : [...new Set([hubName, ...s.dependsOn])],
        secrets: s.secrets,
        tags: raw_.tags as Record<string, string>,
        config,
        parsed: typed,
    };
}

/** Validates a parsed manifest document and resolves every stack's configuration. */
export function resolveManifest(doc: unknown, file = "stacks/fleet.yaml"): FleetManifest {
    const top = topLevelProblem(doc);
    if (top !== undefined) {
        fail(file, [top]);
    }
    const parsed = manifestSchema.safeParse(doc);
    if (!parsed.success) {
        fail(file, issueLines(parsed.error.issues, doc, manifestSchema));
    }
    const raw = parsed.data;
    const problems = referenceProblems(raw);
    if (problems.length > 0) {
        fail(file, problems);
    }
    problems.push(...checkRawManifest(raw));
    if (problems.length > 0) {
        fail(file, problems);
    }
    const hubName = raw.stacks.find((s) => s.role === "hub")!.name;
    const stacks = raw.stacks.map((s, i) => resolveStack(raw, s, i, file, hubName));
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
        costModel: raw.costModel,
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
