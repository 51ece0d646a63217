/**
 * Judges whether a collector configuration binds the tenant labels it writes to a metrics store to
 * an identity the sender cannot forge. Collector semantics relied on (contrib/core v0.117.0):
 * - resource/attributes processors run their actions in order; insert/update/upsert whose source
 *   (from_context, from_attribute, value) is missing do nothing, so the sender's value survives;
 *   insert never overwrites, update only overwrites, delete also removes `pattern` matches
 *   (opentelemetry-collector-contrib internal/coreinternal@v0.117.0 attraction/attraction.go:287-330);
 * - from_context `metadata.<k>` reads client.Info.Metadata, `auth.<k>` the authenticator's
 *   attributes, any other value falls back to metadata, `client.address` is the peer address
 *   (attraction.go:344-385); metadata lookups are case-insensitive (go.opentelemetry.io/collector/client@v1.23.0
 *   client.go:151-158);
 * - receivers fill client metadata from request headers only with include_metadata: true
 *   (config/confighttp@v0.117.0 confighttp.go:295 + clientinfohandler.go, config/configgrpc@v0.117.0 configgrpc.go:529-541);
 * - the batch processor exports from a new context that carries only the metadata_keys it was told
 *   to keep (case-insensitive) and no auth data (processor/batchprocessor@v0.117.0 batch_processor.go:151-160, config.go:31-41).
 */
import { asArray, asString, asStringArray, globMatch, isRecord } from "../values";

export interface TenantLabelOptions {
    tenantLabels: readonly string[];
    ingestReceivers: readonly string[];
    metricsStoreExporters: readonly string[];
}

interface Pipeline {
    id: string;
    receivers: string[];
    processors: string[];
    exporters: string[];
}

const typeOf = (id: string) => id.split("/")[0];

function pipelinesOf(doc: Record<string, unknown>): Pipeline[] {
    const service = isRecord(doc.service) ? doc.service : {};
    const pipelines = isRecord(service.pipelines) ? service.pipelines : {};
    return Object.entries(pipelines).filter(([, p]) => isRecord(p)).map(([id, p]) => {
        const r = p as Record<string, unknown>;
        return { id, receivers: asStringArray(r.receivers), processors: asStringArray(r.processors), exporters: asStringArray(r.exporters) };
    });
}

/** Pipeline chains from a pipeline with an ingest receiver, through connectors, to one with a metrics-store exporter. */
function ingestPaths(doc: Record<string, unknown>, o: TenantLabelOptions): { path: Pipeline[]; exporters: string[] }[] {
    const pipelines = pipelinesOf(doc);
    const connectors = new Set(isRecord(doc.connectors) ? Object.keys(doc.connectors) : []);
    const isStore = (e: string) => o.metricsStoreExporters.some((g) => globMatch(g, typeOf(e)));
    const out: { path: Pipeline[]; exporters: string[] }[] = [];
    const walk = (path: Pipeline[]) => {
        const last = path[path.length - 1];
        const stores = last.exporters.filter((e) => !connectors.has(e) && isStore(e));
        if (stores.length > 0) {
            out.push({ path, exporters: stores });
        }
        if (path.length > 6) return;
        for (const c of last.exporters.filter((e) => connectors.has(e))) {
            for (const next of pipelines.filter((p) => p.receivers.includes(c) && !path.includes(p))) {
                walk([...path, next]);
            }
        }
    };
    for (const p of pipelines.filter((x) => x.receivers.some((r) => o.ingestReceivers.includes(typeOf(r))))) {
        walk([p]);
    }
    return out;
}

function regexOf(pattern: string): RegExp | undefined {
    try {
        return new RegExp(pattern.replace(/\(\?P</g, "(?<"));
    } catch {
        return undefined;
    }
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** transform statements with their context (`resource`, `datapoint`, ... or undefined for flat path-prefixed statements). */
function transformStatements(cfg: Record<string, unknown>): { context?: string; statement: string; conditional: boolean }[] {
    const out: { context?: string; statement: string; conditional: boolean }[] = [];
    for (const key of ["metric_statements", "trace_statements", "log_statements", "statements"]) {
        for (const entry of asArray(cfg[key])) {
            if (typeof entry === "string") {
                out.push({ statement: entry, conditional: / where /.test(entry) });
            } else if (isRecord(entry)) {
                const context = asString(entry.context);
                const conditional = asArray(entry.conditions).length > 0;
                for (const s of asStringArray(entry.statements)) {
                    out.push({ context, statement: s, conditional: conditional || / where /.test(s) });
                }
            }
        }
    }
    return out;
}

type Scope = "resource" | "datapoint";

/** Paths a transform statement may use for the attributes of `scope`. */
function attrPaths(scope: Scope, context: string | undefined): string[] {
    if (scope === "resource") {
        return context === "resource" ? ["attributes", "resource.attributes"] : ["resource.attributes"];
    }
    return context === "datapoint" ? ["attributes", "datapoint.attributes"] : ["datapoint.attributes"];
}

function transformSets(s: { context?: string; statement: string }, scope: Scope, label: string): boolean {
    return attrPaths(scope, s.context).some((p) => new RegExp(`(set|replace_pattern|replace_match|replace_all_matches|replace_all_patterns)\\(\\s*${esc(p)}\\[\\s*["']${esc(label)}["']\\s*\\]`).test(s.statement)
        || new RegExp(`merge_maps\\(\\s*${esc(p)}\\s*,`).test(s.statement) || new RegExp(`set\\(\\s*${esc(p)}\\s*,`).test(s.statement));
}

function transformDeletes(s: { context?: string; statement: string; conditional: boolean }, scope: Scope, label: string): boolean {
    if (s.conditional) return false;
    return attrPaths(scope, s.context).some((p) => {
        const del = new RegExp(`delete_key\\(\\s*${esc(p)}\\s*,\\s*["']${esc(label)}["']\\s*\\)`).test(s.statement);
        const m = new RegExp(`delete_matching_keys\\(\\s*${esc(p)}\\s*,\\s*"((?:[^"\\\\]|\\\\.)*)"\\s*\\)`).exec(s.statement);
        const matching = m !== null && (regexOf(m[1].replace(/\\\\/g, "\\"))?.test(label) ?? false);
        const keep = new RegExp(`keep_keys\\(\\s*${esc(p)}\\s*,\\s*\\[([^\\]]*)\\]\\s*\\)`).exec(s.statement);
        const kept = keep !== null && !keep[1].split(",").map((x) => x.trim().replace(/^["']|["']$/g, "")).includes(label);
        return del || matching || kept;
    });
}

const SETTING = new Set(["insert", "upsert", "update"]);

/**
 * metricstransform operations that write a data-point label: add_label / update_label with new_label
 * (opentelemetry-collector-contrib processor/metricstransformprocessor@v0.117.0 config.go:109, Operation.NewLabel).
 */
function metricstransformSets(cfg: Record<string, unknown>, label: string): boolean {
    return asArray(cfg.transforms).filter(isRecord).some((t) => asArray(t.operations).filter(isRecord)
        .some((op) => asString(op.new_label) === label));
}

function isIdentitySource(fromContext: string | undefined): fromContext is string {
    return fromContext !== undefined && fromContext !== "client.address" && fromContext.trim() !== "";
}

interface LabelResult {
    problems: string[];
}

function judgeLabel(label: string, chain: { id: string; cfg: Record<string, unknown> }[], receivers: { id: string; cfg: unknown }[]): LabelResult {
    const problems: string[] = [];
    // Resource level.
    let identity: { proc: string; index: number; key: string } | undefined;
    let overriddenBy: string | undefined;
    let deleted = false;
    const notes: string[] = [];
    const batches: { id: string; index: number; keys: string[] }[] = [];
    chain.forEach(({ id, cfg }, index) => {
        const type = typeOf(id);
        if (type === "batch") {
            batches.push({ id, index, keys: asStringArray(cfg.metadata_keys).map((k) => k.toLowerCase()) });
        }
        const setter = (what: string) => {
            if (identity !== undefined) overriddenBy = `${id} (${what})`;
            identity = undefined;
            deleted = false;
        };
        if (type === "resource") {
            for (const a of asArray(cfg.attributes).filter(isRecord)) {
                const action = (asString(a.action) ?? "").toLowerCase();
                const key = asString(a.key);
                const pattern = asString(a.pattern);
                if (action === "delete" && (key === label || (pattern !== undefined && (regexOf(pattern)?.test(label) ?? false)))) {
                    identity = undefined;
                    deleted = true;
                } else if (key === label && SETTING.has(action)) {
                    const fc = asString(a.from_context);
                    if (isIdentitySource(fc) && (a.value === undefined && a.from_attribute === undefined)) {
                        if (action === "upsert" || (action === "insert" && deleted) || (action === "update" && !deleted)) {
                            identity = { proc: id, index, key: fc };
                            overriddenBy = undefined;
                        } else if (action === "insert") {
                            notes.push(`${id} inserts it from_context ${fc} without deleting it first, and insert keeps the sender's value`);
                        } else {
                            notes.push(`${id} updates it from_context ${fc} after deleting it, and update only changes an existing value`);
                        }
                    } else {
                        setter(a.from_attribute !== undefined ? `from_attribute ${asString(a.from_attribute) ?? JSON.stringify(a.from_attribute)}` : fc === "client.address" ? "from_context client.address" : `${action} value`);
                    }
                } else if (action === "extract" && pattern !== undefined && new RegExp(`\\(\\?P?<${esc(label)}>`).test(pattern)) {
                    setter(`extract from ${key ?? "an attribute"}`);
                }
            }
        } else if (type === "transform") {
            for (const s of transformStatements(cfg)) {
                if (transformSets(s, "resource", label)) {
                    setter(`transform \`${s.statement}\``);
                } else if (transformDeletes(s, "resource", label)) {
                    identity = undefined;
                    deleted = true;
                }
            }
        } else if (type === "groupbyattrs" && asStringArray(cfg.keys).includes(label)) {
            setter("groupbyattrs moves the data-point attribute onto the resource");
        }
    });
    if (identity === undefined) {
        problems.push(overriddenBy !== undefined
            ? `label "${label}" is set from the client identity but ${overriddenBy} sets it again afterwards from sender data`
            : `no resource processor sets label "${label}" from_context metadata.<key> or auth.<key>${notes.length > 0 ? ` (${notes.join("; ")})` : ""}`);
    } else {
        const id = identity;
        const isAuth = id.key.startsWith("auth.");
        const mdKey = id.key.replace(/^metadata\./, "").toLowerCase();
        for (const b of batches.filter((x) => x.index < id.index)) {
            if (isAuth || !b.keys.includes(mdKey)) {
                problems.push(`label "${label}" is set from_context ${id.key} in ${id.proc} after ${b.id}, which drops ${isAuth ? "auth data" : `client metadata (${mdKey} is not in its metadata_keys)`}`);
            }
        }
        if (isAuth) {
            for (const r of receivers) {
                const protocols = isRecord(r.cfg) && isRecord(r.cfg.protocols) ? r.cfg.protocols : {};
                for (const [p, s] of Object.entries(protocols)) {
                    if (!(isRecord(s) && isRecord(s.auth) && asString(s.auth.authenticator) !== undefined)) {
                        problems.push(`receiver ${r.id} protocol ${p} has no auth.authenticator, so ${id.key} is empty for its requests`);
                    }
                }
            }
        } else {
            for (const r of receivers) {
                const protocols = isRecord(r.cfg) && isRecord(r.cfg.protocols) ? r.cfg.protocols : {};
                for (const [p, s] of Object.entries(protocols)) {
                    if (!(isRecord(s) && (s.include_metadata === true || s.include_metadata === "true"))) {
                        problems.push(`receiver ${r.id} protocol ${p} does not set include_metadata: true, so ${id.key} is empty for its requests`);
                    }
                }
            }
        }
    }
    // Data-point level: a data-point attribute with the label's name becomes the series label where the resource has none.
    let dpDeleted = false;
    let dpNote = "";
    for (const { id, cfg } of chain) {
        const type = typeOf(id);
        if (type === "attributes") {
            const filtered = cfg.include !== undefined || cfg.exclude !== undefined;
            for (const a of asArray(cfg.actions).filter(isRecord)) {
                const action = (asString(a.action) ?? "").toLowerCase();
                const key = asString(a.key);
                const pattern = asString(a.pattern);
                if (action === "delete" && (key === label || (pattern !== undefined && (regexOf(pattern)?.test(label) ?? false)))) {
                    if (filtered) {
                        dpNote = ` (${id} deletes it only for data its include/exclude selects)`;
                    } else {
                        dpDeleted = true;
                    }
                } else if (key === label && SETTING.has(action) && !isIdentitySource(asString(a.from_context))) {
                    dpDeleted = false;
                    dpNote = ` (${id} sets it again after the delete)`;
                } else if (action === "extract" && pattern !== undefined && new RegExp(`\\(\\?P?<${esc(label)}>`).test(pattern)) {
                    dpDeleted = false;
                    dpNote = ` (${id} extracts it again after the delete)`;
                }
            }
        } else if (type === "metricstransform" && metricstransformSets(cfg, label)) {
            dpDeleted = false;
            dpNote = ` (${id} adds or renames a data-point label to it after the delete)`;
        } else if (type === "transform") {
            for (const s of transformStatements(cfg)) {
                if (transformDeletes(s, "datapoint", label)) {
                    dpDeleted = true;
                } else if (transformSets(s, "datapoint", label)) {
                    dpDeleted = false;
                    dpNote = ` (${id} sets it again after the delete)`;
                }
            }
        }
    }
    if (!dpDeleted) {
        problems.push(`no attributes processor (or transform) deletes the data-point attribute "${label}" before export${dpNote}`);
    }
    return { problems };
}

/** One message per ingest path that does not bind every tenant label to the client identity. */
export function tenantLabelFindings(doc: Record<string, unknown>, o: TenantLabelOptions): string[] {
    const processors = isRecord(doc.processors) ? doc.processors : {};
    const receiverDefs = isRecord(doc.receivers) ? doc.receivers : {};
    const out: string[] = [];
    for (const { path, exporters } of ingestPaths(doc, o)) {
        const chain = path.flatMap((p) => p.processors.map((id) => ({ id, cfg: isRecord(processors[id]) ? processors[id] : {} })));
        const receivers = path[0].receivers.filter((r) => o.ingestReceivers.includes(typeOf(r))).map((id) => ({ id, cfg: receiverDefs[id] }));
        const problems = o.tenantLabels.flatMap((label) => judgeLabel(label, chain, receivers).problems);
        // Two tenant labels read from one context key name one identity twice: one of them is not what the terminator vouches for.
        const sources = new Map<string, string[]>();
        for (const { cfg } of chain) {
            for (const a of asArray(cfg.attributes).filter(isRecord)) {
                const key = asString(a.key);
                const fc = asString(a.from_context)?.toLowerCase();
                if (key !== undefined && fc !== undefined && o.tenantLabels.includes(key) && !(sources.get(fc) ?? []).includes(key)) {
                    sources.set(fc, [...(sources.get(fc) ?? []), key]);
                }
            }
        }
        for (const [fc, labels] of sources) {
            if (labels.length > 1) {
                problems.push(`labels ${labels.map((l) => `"${l}"`).join(" and ")} are all set from_context ${fc}, so they cannot each name their own tenant`);
            }
        }
        if (problems.length > 0) {
            out.push(`pipeline ${path.map((p) => p.id).join(" -> ")} receives ${receivers.map((r) => r.id).join(", ")} and writes to ` +
                `${exporters.join(", ")}, but ${[...new Set(problems)].join("; ")}. Fix: in this pipeline, before any batch and after ` +
                "every processor that sets the labels from sender data, delete and then upsert each label from_context metadata.<header " +
                "the TLS terminator sets from the client certificate>, delete the same data-point attributes, and set include_metadata: " +
                "true on its OTLP receivers.");
        }
    }
    return out;
}
