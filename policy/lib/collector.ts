/**
 * Finds plain-text or unverified TLS settings in rendered telemetry-agent configuration: OpenTelemetry
 * Collector / ADOT YAML (scanned in the sections that talk to the network as a client) and
 * CloudWatch agent JSON (scanned whole). Text that is neither is ignored, so any string input can be
 * passed in.
 */
import * as YAML from "yaml";
import { isPlainHttpToNetwork, isRecord } from "./values";

export interface ConfigFinding {
    /** Dotted path inside the document, e.g. `exporters.otlphttp/hub.tls.insecure`. */
    path: string;
    problem: string;
}

export interface ScanOptions {
    /** Collector sections to scan (client-side settings live in exporters and auth extensions). */
    collectorSections: readonly string[];
    /** Keys whose `true` value disables TLS or its verification. */
    insecureKeys: readonly string[];
    /** `http://localhost` style endpoints stay on the host, so they are not network plain text. */
    allowLoopbackHttp: boolean;
}

export type DocumentKind = "collector" | "cloudwatch-agent";

const ENDPOINT_KEY = /endpoint|url$|proxy/i;
const AGENT_TOP_LEVEL = ["agent", "metrics", "logs", "traces"];

function walk(node: unknown, path: string, opts: ScanOptions, out: ConfigFinding[]): void {
    if (Array.isArray(node)) {
        node.forEach((v, i) => walk(v, `${path}[${i}]`, opts, out));
        return;
    }
    if (!isRecord(node)) {
        return;
    }
    for (const [key, value] of Object.entries(node)) {
        const here = path ? `${path}.${key}` : key;
        if (opts.insecureKeys.includes(key) && (value === true || value === "true")) {
            out.push({ path: here, problem: `${key} is true (TLS disabled or not verified)` });
        } else if (typeof value === "string" && ENDPOINT_KEY.test(key) && isPlainHttpToNetwork(value, opts.allowLoopbackHttp)) {
            out.push({ path: here, problem: `plain-text endpoint ${value}` });
        } else {
            walk(value, here, opts, out);
        }
    }
}

function parse(text: string): unknown {
    const trimmed = text.trim();
    if (trimmed.startsWith("{")) {
        try {
            return JSON.parse(trimmed);
        } catch {
            return undefined;
        }
    }
    try {
        return YAML.parse(text, { logLevel: "silent" });
    } catch {
        return undefined;
    }
}

/** Which kind of agent configuration `text` is, if any. */
export function classifyConfig(doc: unknown): DocumentKind | undefined {
    if (!isRecord(doc)) {
        return undefined;
    }
    if ("exporters" in doc && ("receivers" in doc || "service" in doc)) {
        return "collector";
    }
    return AGENT_TOP_LEVEL.some((k) => k in doc) ? "cloudwatch-agent" : undefined;
}

/** Scans one rendered configuration; returns `[]` for text that is not an agent configuration. */
export function scanAgentConfig(text: string, opts: ScanOptions): { kind?: DocumentKind; findings: ConfigFinding[] } {
    const doc = parse(text);
    const kind = classifyConfig(doc);
    const findings: ConfigFinding[] = [];
    if (kind === "collector" && isRecord(doc)) {
        for (const section of opts.collectorSections) {
            walk(doc[section], section, opts, findings);
        }
    } else if (kind === "cloudwatch-agent") {
        walk(doc, "", opts, findings);
    }
    return { kind, findings };
}
