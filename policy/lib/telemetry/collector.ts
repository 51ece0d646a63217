/**
 * Finds plain-text or unverified TLS settings in telemetry-agent configuration wherever it lives:
 * OpenTelemetry Collector / ADOT YAML (whole files and `--config` fragments that hold only some
 * sections), CloudWatch agent JSON, OTLP SDK environment variables, and the places such text is kept:
 * SSM parameters, ConfigMaps and Secrets, Helm values, container environment variables
 * (AOT_CONFIG_CONTENT / CW_CONFIG_CONTENT in ECS task definitions, pod templates), S3 objects and
 * Secrets Manager versions (ADOT reads `--config` from env:, s3:, http(s): and file: URIs:
 * https://aws-otel.github.io/docs/components/confmap-providers).
 */
import * as YAML from "yaml";
import { containerDefinitions } from "../aws/secrets";
import { tokensWith } from "../aws/awsTypes";
import { asArray, asString, isPlainHttpToNetwork, isRecord, Props } from "../values";
import { deepFreeze, Memo, memoByKey } from "../memo";

export interface ConfigFinding {
    /** Dotted path inside the document, e.g. `exporters.otlphttp/hub.tls.insecure`. */
    path: string;
    problem: string;
}

export interface ScanOptions {
    /** Collector sections (dotted paths) holding client-side settings. */
    collectorSections: readonly string[];
    /** Keys whose `true` value disables TLS or its verification. */
    insecureKeys: readonly string[];
    /** `http://localhost` style endpoints stay on the host, so they are not network plain text. */
    allowLoopbackHttp: boolean;
}

export type DocumentKind = "collector" | "cloudwatch-agent";

/** Top-level sections of a collector configuration (https://opentelemetry.io/docs/collector/configuration/). */
const COLLECTOR_SECTIONS = ["receivers", "processors", "exporters", "extensions", "connectors", "service"];
const AGENT_TOP_LEVEL = ["agent", "metrics", "logs", "traces"];
/** Sections of the CloudWatch agent file whose children the agent documents (metrics_collected, logs_collected ...). */
const AGENT_MARKERS = /^(metrics_collected|logs_collected|traces_collected|append_dimensions|aggregation_dimensions|metrics_destinations|logs_destinations|endpoint_override|run_as_user|force_flush_interval|credentials|region|namespace|metrics_collection_interval)$/;

/** TLS versions below 1.2 (collector `tls.min_version` / `max_version`, configtls). */
const OLD_TLS = /^(1\.0|1\.1)$/;

function walk(node: unknown, path: string, opts: ScanOptions, out: ConfigFinding[]): void {
    if (Array.isArray(node)) {
        node.forEach((v, i) => walk(v, `${path}[${i}]`, opts, out));
        return;
    }
    if (typeof node === "string") {
        if (isPlainHttpToNetwork(node, opts.allowLoopbackHttp)) {
            out.push({ path, problem: `plain-text endpoint ${node}` });
        }
        return;
    }
    if (!isRecord(node)) {
        return;
    }
    for (const [key, value] of Object.entries(node)) {
        const here = path ? `${path}.${key}` : key;
        if (opts.insecureKeys.includes(key) && (value === true || value === "true")) {
            out.push({ path: here, problem: `${key} is true (TLS disabled or not verified)` });
        } else if ((key === "min_version" || key === "max_version") && OLD_TLS.test(String(value))) {
            out.push({ path: here, problem: `${key} ${String(value)} allows TLS older than 1.2` });
        } else {
            walk(value, here, opts, out);
        }
    }
}

/** How many distinct configuration texts parseConfigText keeps parsed (a stack holds a few dozen). */
export const PARSED_CONFIG_CACHE_SIZE = 256;

/**
 * Parses configuration text (JSON or YAML); undefined for text that is neither or is a single word.
 * Several rules read the same rendered configuration of a resource (the TLS, mTLS-terminator and tenant
 * label rules each look for collector documents), and YAML parsing was a third of the pack's CPU per
 * stack: the result is memoised by the text itself (so it cannot go stale) and deep-frozen, because it
 * is now shared by every caller; the last PARSED_CONFIG_CACHE_SIZE texts are kept.
 */
export const parseConfigText: (text: string) => unknown = memoByKey(PARSED_CONFIG_CACHE_SIZE, (text) => deepFreeze(parseUncached(text)));

/** Whether parseConfigText holds `text` parsed (tests of the memo). */
export function isConfigTextCached(text: string): boolean {
    return (parseConfigText as Memo<unknown>).has(text);
}

function parseUncached(text: string): unknown {
    const trimmed = text.trim();
    if (trimmed === "" || (!trimmed.includes("\n") && !trimmed.includes(":") && !trimmed.startsWith("{"))) {
        return undefined;
    }
    if (trimmed.startsWith("{")) {
        try {
            return JSON.parse(trimmed);
        } catch {
            // YAML flow style is also `{...}`; fall through.
        }
    }
    try {
        // The collector reads its configuration with gopkg.in/yaml.v3 into a plain map
        // (go.opentelemetry.io/collector/confmap/provider/internal NewRetrievedFromYAML), and yaml.v3 resolves
        // merge keys (`<<: *anchor`, `<<: [*a, *b]`, local keys win) while decoding; the `yaml` package only
        // does so when asked (YAML 1.2 dropped merge keys). Aliases are expanded by both.
        return YAML.parse(text, { logLevel: "silent", merge: true });
    } catch {
        return undefined;
    }
}

function looksLikeComponentMap(value: unknown): boolean {
    // Component IDs are `type` or `type/name`: exporters: { otlp: {...}, "otlphttp/hub": {...} }.
    return isRecord(value) && Object.keys(value).length > 0 && Object.keys(value).every((k) => /^[a-z0-9_]+(\/[^\s]*)?$/i.test(k));
}

/** Which kind of agent configuration a parsed document is, if any (whole file or fragment). */
export function classifyConfig(doc: unknown): DocumentKind | undefined {
    if (!isRecord(doc)) {
        return undefined;
    }
    const keys = Object.keys(doc);
    const collectorKeys = keys.filter((k) => COLLECTOR_SECTIONS.includes(k));
    if (collectorKeys.length > 0 && collectorKeys.some((k) => k === "service" ? isRecord(doc.service) : looksLikeComponentMap(doc[k]))) {
        return "collector";
    }
    const agentKeys = keys.filter((k) => AGENT_TOP_LEVEL.includes(k));
    if (agentKeys.length > 0 && agentKeys.every((k) => isRecord(doc[k]))
        && (agentKeys.includes("agent") || agentKeys.some((k) => Object.keys(doc[k] as object).some((c) => AGENT_MARKERS.test(c))))) {
        return "cloudwatch-agent";
    }
    return undefined;
}

function at(doc: Record<string, unknown>, dotted: string): unknown {
    return dotted.split(".").reduce<unknown>((node, k) => (isRecord(node) ? node[k] : undefined), doc);
}

/** Scans one parsed document; `[]` for anything that is not an agent configuration. */
export function scanParsedConfig(doc: unknown, opts: ScanOptions): { kind?: DocumentKind; findings: ConfigFinding[] } {
    const kind = classifyConfig(doc);
    const findings: ConfigFinding[] = [];
    if (kind === "collector" && isRecord(doc)) {
        for (const section of opts.collectorSections) {
            walk(at(doc, section), section, opts, findings);
        }
    } else if (kind === "cloudwatch-agent") {
        walk(doc, "", opts, findings);
    }
    return { kind, findings };
}

/** Scans one rendered configuration text; returns `[]` for text that is not an agent configuration. */
export function scanAgentConfig(text: string, opts: ScanOptions): { kind?: DocumentKind; findings: ConfigFinding[] } {
    return scanParsedConfig(parseConfigText(text), opts);
}

/** A place configuration was found: `where` names the input, `doc` is the parsed configuration. */
export interface FoundConfig {
    where: string;
    kind: DocumentKind;
    findings: ConfigFinding[];
}

const MAX_DEPTH = 12;

/**
 * Searches an arbitrary input tree (Helm values, ConfigMap data, env values) for agent configuration:
 * objects that are configurations (Helm charts take `config:` as an object), and strings that parse
 * as one. Stops descending once a configuration is found, so a config's own strings are not re-read.
 */
export function findConfigs(node: unknown, where: string, opts: ScanOptions, out: FoundConfig[] = [], depth = 0): FoundConfig[] {
    if (depth > MAX_DEPTH) {
        return out;
    }
    if (typeof node === "string") {
        const r = scanAgentConfig(node, opts);
        if (r.kind !== undefined) {
            out.push({ where, kind: r.kind, findings: r.findings });
        }
        return out;
    }
    if (Array.isArray(node)) {
        node.forEach((v, i) => findConfigs(v, `${where}[${i}]`, opts, out, depth + 1));
        return out;
    }
    if (!isRecord(node)) {
        return out;
    }
    const r = scanParsedConfig(node, opts);
    if (r.kind !== undefined) {
        out.push({ where, kind: r.kind, findings: r.findings });
        return out;
    }
    for (const [k, v] of Object.entries(node)) {
        findConfigs(v, where ? `${where}.${k}` : k, opts, out, depth + 1);
    }
    return out;
}

/**
 * OTLP exporter environment variables of the OpenTelemetry SDKs and the collector's own
 * (https://opentelemetry.io/docs/specs/otel/protocol/exporter/): an http:// endpoint or INSECURE=true
 * sends telemetry in plain text.
 */
export function otlpEnvFindings(name: string, value: string, allowLoopbackHttp: boolean): string | undefined {
    if (/^OTEL_EXPORTER_OTLP(_(TRACES|METRICS|LOGS))?_ENDPOINT$/i.test(name) && isPlainHttpToNetwork(value, allowLoopbackHttp)) {
        return `${name} is the plain-text endpoint ${value}`;
    }
    if (/^OTEL_EXPORTER_OTLP(_(TRACES|METRICS|LOGS))?_INSECURE$/i.test(name) && value.trim().toLowerCase() === "true") {
        return `${name} is true (TLS disabled)`;
    }
    return undefined;
}

export interface EnvVar {
    where: string;
    name: string;
    value: string;
}

/** Kubernetes workload kinds whose pod template carries containers (and the path to the pod spec). */
export function podSpecs(type: string, props: Props): { where: string; spec: Record<string, unknown> }[] {
    const spec = isRecord(props.spec) ? props.spec : undefined;
    if (spec === undefined) {
        return [];
    }
    if (type === "kubernetes:core/v1:Pod") {
        return [{ where: "spec", spec }];
    }
    if (type === "kubernetes:batch/v1:CronJob") {
        const pod = at(spec, "jobTemplate.spec.template.spec");
        return isRecord(pod) ? [{ where: "spec.jobTemplate.spec.template.spec", spec: pod }] : [];
    }
    const pod = at(spec, "template.spec");
    return isRecord(pod) ? [{ where: "spec.template.spec", spec: pod }] : [];
}

/** Environment variables with literal values of every container of a resource (ECS, Kubernetes, Lambda, Batch). */
export function environmentVariables(type: string, props: Props): { vars: EnvVar[]; error?: string } {
    const vars: EnvVar[] = [];
    const fromList = (list: unknown, where: string) => {
        for (const e of asArray(list).filter(isRecord)) {
            const name = asString(e.name);
            const value = asString(e.value);
            if (name !== undefined && value !== undefined) {
                vars.push({ where, name, value });
            }
        }
    };
    if (tokensWith(["ecs:containerDefinitions"]).includes(type)) {
        const { containers, error } = containerDefinitions(props.containerDefinitions);
        containers.forEach((c, i) => fromList(c.environment, typeof c.name === "string" ? `container "${c.name}"` : `container ${i}`));
        return { vars, error };
    }
    if (type === "aws:batch/jobDefinition:JobDefinition") {
        const { containers, error } = containerDefinitions(props.containerProperties);
        containers.forEach((c) => fromList(c.environment, "containerProperties"));
        return { vars, error };
    }
    if (type === "aws:lambda/function:Function") {
        const env = isRecord(props.environment) ? props.environment : undefined;
        const variables = env && isRecord(env.variables) ? env.variables : {};
        for (const [name, value] of Object.entries(variables)) {
            if (typeof value === "string") {
                vars.push({ where: "environment.variables", name, value });
            }
        }
        return { vars };
    }
    for (const { where, spec } of podSpecs(type, props)) {
        for (const list of ["containers", "initContainers"] as const) {
            asArray(spec[list]).filter(isRecord).forEach((c, i) =>
                fromList(c.env, `${where}.${list}[${typeof c.name === "string" ? c.name : i}]`));
        }
    }
    return { vars };
}

/** Kubernetes kinds with a pod template (their containers' env can carry a whole configuration). */
export const POD_TEMPLATE_TYPES = [
    "kubernetes:core/v1:Pod", "kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:StatefulSet", "kubernetes:apps/v1:DaemonSet",
    "kubernetes:apps/v1:ReplicaSet", "kubernetes:batch/v1:Job", "kubernetes:batch/v1:CronJob",
];

function entries(input: string, map: unknown): { where: string; value: unknown }[] {
    return isRecord(map) ? Object.entries(map).map(([k, v]) => ({ where: `${input}["${k}"]`, value: v })) : [];
}

/** Every place of a resource's inputs that can hold agent configuration text or objects. */
export function configLocations(type: string, props: Props): { where: string; value: unknown }[] {
    switch (type) {
        case "kubernetes:core/v1:ConfigMap":
        case "kubernetes:core/v1:ConfigMapPatch":
            return entries("data", props.data);
        case "kubernetes:core/v1:Secret":
        case "kubernetes:core/v1:SecretPatch":
            // Secret `data` is base64 (https://kubernetes.io/docs/concepts/configuration/secret/#restriction-names-data).
            return [...entries("stringData", props.stringData),
                ...entries("data", props.data).map((e) => ({ ...e, value: typeof e.value === "string" ? Buffer.from(e.value, "base64").toString("utf8") : e.value }))];
        case "kubernetes:helm.sh/v3:Release":
        case "kubernetes:helm.sh/v4:Chart":
        case "kubernetes:helm.sh/v3:Chart":
            return [{ where: "values", value: props.values }];
        case "aws:s3/bucketObject:BucketObject":
        case "aws:s3/bucketObjectv2:BucketObjectv2":
            return [{ where: "content", value: props.content }];
        case "aws:secretsmanager/secretVersion:SecretVersion":
            return [{ where: "secretString", value: props.secretString }];
        case "aws:ssm/parameter:Parameter":
            // `insecureValue` is how non-secret parameters (rendered configs) keep their diff visible.
            return [{ where: "value", value: props.value }, { where: "insecureValue", value: props.insecureValue }];
        default:
            return environmentVariables(type, props).vars.map((v) => ({ where: `${v.where} environment ${v.name}`, value: v.value }));
    }
}

/** A collector configuration found in an input tree, parsed. */
export interface CollectorDoc {
    where: string;
    doc: Record<string, unknown>;
}

/**
 * Like findConfigs, but returns the parsed collector configurations themselves (for rules that
 * reason about pipelines rather than single settings), and every other string it passes through
 * in `texts` (HAProxy and other non-YAML configuration).
 */
export function findCollectorDocs(node: unknown, where: string, out: { docs: CollectorDoc[]; texts: { where: string; text: string }[] } = { docs: [], texts: [] }, depth = 0): { docs: CollectorDoc[]; texts: { where: string; text: string }[] } {
    if (depth > MAX_DEPTH) {
        return out;
    }
    if (typeof node === "string") {
        const doc = parseConfigText(node);
        if (classifyConfig(doc) === "collector" && isRecord(doc)) {
            out.docs.push({ where, doc });
        } else {
            out.texts.push({ where, text: node });
            if (isRecord(doc) || Array.isArray(doc)) {
                // A JSON/YAML document holding configuration files as values (e.g. {"haproxy.cfg": "..."}).
                findCollectorDocs(doc, where, out, depth + 1);
            }
        }
        return out;
    }
    if (Array.isArray(node)) {
        node.forEach((v, i) => findCollectorDocs(v, `${where}[${i}]`, out, depth + 1));
        return out;
    }
    if (!isRecord(node)) {
        return out;
    }
    if (classifyConfig(node) === "collector") {
        out.docs.push({ where, doc: node });
        return out;
    }
    for (const [k, v] of Object.entries(node)) {
        findCollectorDocs(v, where ? `${where}.${k}` : k, out, depth + 1);
    }
    return out;
}
