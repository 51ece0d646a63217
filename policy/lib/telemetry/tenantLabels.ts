/**
 * Judges whether a collector configuration binds the tenant labels it writes to a metrics store to
 * an identity the sender cannot forge. Collector semantics relied on (contrib/core v0.117.0; the
 * attraction, pdata and resourcetotelemetry points re-read at contrib v0.156.0 / pdata v1.62.0 for ADOT v0.49.0):
 * - resource/attributes processors run their actions in order; insert/update/upsert whose source
 *   (from_context, from_attribute, value) is missing do nothing, so the sender's value survives;
 *   insert never overwrites, update only overwrites (opentelemetry-collector-contrib
 *   internal/coreinternal@v0.117.0 attraction/attraction.go:287-330; @v0.156.0 :304-348);
 * - an OTLP request may repeat an attribute key and pdata keeps every copy (opentelemetry-collector
 *   issue #6169); a `key` delete, update and upsert touch only the first copy (pdata@v1.23.0
 *   pcommon/map.go:63-86 Get/Remove; @v1.62.0 :65-88), a `pattern` delete removes every copy of every
 *   matching key (attraction.go:294-299 with getMatchingKeys, :436-450; @v0.156.0 :312-318, RemoveIf over
 *   every entry), and the exporter copies resource attributes onto data points with the last copy winning
 *   (pkg/resourcetotelemetry@v0.117.0 resource_to_telemetry.go:107-112; @v0.156.0 :147-152);
 * - keys that get one label name are merged into it (promLabels.ts: otlptranslator v1.0.0 LabelNamer as
 *   contrib v0.156.0's exporter builds it, including its translation_strategy and the target_info namer),
 *   so every key of the label's class must go, not only the label's own name;
 * - from_context `metadata.<k>` reads client.Info.Metadata, `auth.<k>` the authenticator's
 *   attributes, any other value falls back to metadata, `client.address` is the peer address
 *   (attraction.go:344-385); metadata lookups are case-insensitive (go.opentelemetry.io/collector/client@v1.23.0
 *   client.go:151-158);
 * - receivers fill client metadata from request headers only with include_metadata: true
 *   (config/confighttp@v0.117.0 confighttp.go:295 + clientinfohandler.go, config/configgrpc@v0.117.0 configgrpc.go:529-541);
 * - the batch processor exports from a new context that carries only the metadata_keys it was told
 *   to keep (case-insensitive) and no auth data (processor/batchprocessor@v0.117.0 batch_processor.go:151-160, config.go:31-41).
 */
import { goRegExp } from "./goRegexp";
import { componentTypeKey, isOfType, typeKey } from "./componentTypes";
import { keyNamesLabel, keysNamingLabel, LabelNamer, namersForStrategy, showKey, TARGET_INFO_NAMER } from "./promLabels";
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

// Aliased type names (prometheus_remote_write, otlp_http, metrics_transform, ...) judged as their type.
const typeOf = (id: string) => componentTypeKey(id);

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
    const isStore = (e: string) => o.metricsStoreExporters.some((g) => globMatch(typeKey(g), typeOf(e)));
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
    for (const p of pipelines.filter((x) => x.receivers.some((r) => isOfType(r, o.ingestReceivers)))) {
        walk([p]);
    }
    return out;
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
type Statement = { context?: string; statement: string; conditional: boolean };

/** Paths a transform statement may use for the attributes of `scope`. */
function attrPaths(scope: Scope, context: string | undefined): string[] {
    if (scope === "resource") {
        return context === "resource" ? ["attributes", "resource.attributes"] : ["resource.attributes"];
    }
    return context === "datapoint" ? ["attributes", "datapoint.attributes"] : ["datapoint.attributes"];
}

/** An OTTL string literal's content (escapes resolved). */
const ottlString = (raw: string) => raw.replace(/\\(.)/g, "$1");

/** Keys a transform statement writes on `scope`'s attributes; "*" for any key (a whole-map set or merge). */
function transformSetKeys(s: Statement, scope: Scope): string[] {
    return attrPaths(scope, s.context).flatMap((p) => {
        const keyed = new RegExp(`(?:set|replace_pattern|replace_match|replace_all_matches|replace_all_patterns)\\(\\s*${esc(p)}\\[\\s*"((?:[^"\\\\]|\\\\.)*)"\\s*\\]`, "g");
        const keys = [...s.statement.matchAll(keyed)].map((m) => ottlString(m[1]));
        const whole = new RegExp(`(?:merge_maps|set)\\(\\s*${esc(p)}\\s*,`).test(s.statement);
        return whole ? [...keys, "*"] : keys;
    });
}

/**
 * What an unconditional transform statement removes from `scope`'s attributes, as OTTL does it
 * (pkg/ottl@v0.117.0 ottlfuncs: delete_key calls pcommon.Map.Remove, first copy only; delete_matching_keys,
 * keep_keys and keep_matching_keys call RemoveIf, every copy).
 */
function transformRemoval(s: Statement, scope: Scope): { firstCopyOf?: string; every?: (k: string) => boolean } | undefined {
    if (s.conditional) return undefined;
    for (const p of attrPaths(scope, s.context)) {
        const str = `"((?:[^"\\\\]|\\\\.)*)"`;
        const byKey = new RegExp(`delete_key\\(\\s*${esc(p)}\\s*,\\s*${str}\\s*\\)`).exec(s.statement);
        if (byKey !== null) return { firstCopyOf: ottlString(byKey[1]) };
        const matching = new RegExp(`(delete|keep)_matching_keys\\(\\s*${esc(p)}\\s*,\\s*${str}\\s*\\)`).exec(s.statement);
        if (matching !== null) {
            const re = goRegExp(ottlString(matching[2]));
            if (re === undefined) return undefined;
            return { every: matching[1] === "delete" ? (k) => re.test(k) : (k) => !re.test(k) };
        }
        const keep = new RegExp(`keep_keys\\(\\s*${esc(p)}\\s*,\\s*\\[([^\\]]*)\\]\\s*\\)`).exec(s.statement);
        if (keep !== null) {
            const kept = keep[1].split(",").map((x) => ottlString(x.trim().replace(/^"|"$/g, "")));
            return { every: (k) => !kept.includes(k) };
        }
    }
    return undefined;
}

const SETTING = new Set(["insert", "upsert", "update"]);

/** A Go pattern as a key predicate, compiled once; a pattern without a faithful translation matches nothing. */
function matcher(pattern: string): (k: string) => boolean {
    const re = goRegExp(pattern);
    return (k) => re?.test(k) ?? false;
}

/** Named groups of an extract pattern: the attributes it sets. */
const extractedKeys = (pattern: string) => [...pattern.matchAll(/\(\?P?<([^>]+)>/g)].map((m) => m[1]);

/**
 * metricstransform operations that write a data-point label: add_label / update_label with new_label
 * (opentelemetry-collector-contrib processor/metricstransformprocessor@v0.117.0 config.go:109, Operation.NewLabel).
 */
function metricstransformNewLabels(cfg: Record<string, unknown>): string[] {
    return asArray(cfg.transforms).filter(isRecord).flatMap((t) => asArray(t.operations).filter(isRecord)
        .map((op) => asString(op.new_label)).filter((l): l is string => l !== undefined));
}

function isIdentitySource(fromContext: string | undefined): fromContext is string {
    return fromContext !== undefined && fromContext !== "client.address" && fromContext.trim() !== "";
}

/**
 * Where one tenant label stands at one level (resource or data point) while a chain of processors
 * runs: which keys that become the label a sender's copies may still occupy (a finite sample of the
 * class, keysNamingLabel), and whether the label now holds the identity.
 */
class LabelState {
    readonly remaining: Set<string>;
    identity: { proc: string; index: number; key: string } | undefined;
    overriddenBy: string | undefined;
    readonly notes: string[] = [];
    constructor(readonly label: string, readonly namers: readonly LabelNamer[]) {
        this.remaining = new Set(keysNamingLabel(label, namers));
    }

    /** True when a key becomes (or joins) this label under the exporters' namers. */
    names(key: string): boolean {
        return keyNamesLabel(key, this.label, this.namers);
    }

    get clean(): boolean {
        return this.remaining.size === 0;
    }

    /** Every copy of every key `every` selects is gone (a pattern delete, RemoveIf). */
    removeEvery(every: (k: string) => boolean, how: string): void {
        if (every(this.label)) this.identity = undefined;
        const before = this.remaining.size;
        for (const k of [...this.remaining]) if (every(k)) this.remaining.delete(k);
        if (this.remaining.size > 0 && this.remaining.size < before) {
            const missed = [...this.remaining].slice(0, 2);
            this.notes.push(`${how} misses ${missed.map(showKey).join(" and ")}, which also ${missed.length > 1 ? "become" : "becomes"} "${this.label}"`);
        }
    }

    /** pcommon.Map.Remove: the first copy only; a sender's repeated copies stay. */
    removeFirstCopy(key: string, proc: string): void {
        if (!this.names(key)) return;
        if (key === this.label) this.identity = undefined;
        if (!this.clean) {
            this.notes.push(`${proc} deletes ${showKey(key)} by key, which removes only the first copy of a key an OTLP request may repeat (delete with a pattern instead)`);
        }
    }

    /** Sender data written under `key` ("*": any key). */
    senderSet(key: string, what: string): void {
        if (key !== "*" && !this.names(key)) return;
        if (this.identity !== undefined) this.overriddenBy = what;
        this.identity = undefined;
        this.remaining.add(key === "*" ? this.label : key);
    }

    /** The label set from_context: an identity only once no sender copy can remain. */
    identitySet(action: string, proc: string, index: number, fc: string): void {
        if (!this.clean) {
            this.notes.push(action === "insert"
                ? `${proc} inserts it from_context ${fc} without deleting it first, and insert keeps the sender's value`
                : `${proc} ${action}s it from_context ${fc} without first deleting every copy, and ${action} changes only the first of the copies a sender may repeat`);
        } else if (action === "update" && this.identity === undefined) {
            this.notes.push(`${proc} updates it from_context ${fc} after deleting it, and update only changes an existing value`);
        } else if (action !== "insert" || this.identity === undefined) {
            this.identity = { proc, index, key: fc };
            this.overriddenBy = undefined;
        }
    }
}

/** Resource level: the label must end up set from the client identity, alone. */
function resourceLevel(label: string, chain: { id: string; cfg: Record<string, unknown> }[], namers: readonly LabelNamer[]): LabelState {
    const st = new LabelState(label, namers);
    chain.forEach(({ id, cfg }, index) => {
        const type = typeOf(id);
        if (type === "resource") {
            for (const a of asArray(cfg.attributes).filter(isRecord)) {
                const action = (asString(a.action) ?? "").toLowerCase();
                const key = asString(a.key);
                const pattern = asString(a.pattern);
                if (action === "delete") {
                    // attraction.go:294-299: Remove(key), then Remove once per entry the pattern matches.
                    if (key !== undefined) st.removeFirstCopy(key, id);
                    if (pattern !== undefined) st.removeEvery(matcher(pattern), `${id} deletes by pattern ${pattern} but`);
                } else if (key !== undefined && SETTING.has(action)) {
                    const fc = asString(a.from_context);
                    if (key === label && isIdentitySource(fc) && a.value === undefined && a.from_attribute === undefined) {
                        st.identitySet(action, id, index, fc);
                    } else {
                        st.senderSet(key, `${id} (${a.from_attribute !== undefined ? `from_attribute ${asString(a.from_attribute) ?? JSON.stringify(a.from_attribute)}` : fc === "client.address" ? "from_context client.address" : `${action} value`})`);
                    }
                } else if (action === "extract" && pattern !== undefined) {
                    for (const k of extractedKeys(pattern)) st.senderSet(k, `${id} (extract from ${key ?? "an attribute"})`);
                }
            }
        } else if (type === "transform") {
            applyTransform(st, id, cfg, "resource");
        } else if (type === "groupbyattrs") {
            for (const k of asStringArray(cfg.keys)) st.senderSet(k, `${id} (groupbyattrs moves the data-point attribute onto the resource)`);
        }
    });
    return st;
}

function applyTransform(st: LabelState, id: string, cfg: Record<string, unknown>, scope: Scope): void {
    for (const s of transformStatements(cfg)) {
        for (const k of transformSetKeys(s, scope)) st.senderSet(k, `${id} (transform \`${s.statement}\`)`);
        const removal = transformRemoval(s, scope);
        if (removal?.firstCopyOf !== undefined) st.removeFirstCopy(removal.firstCopyOf, `${id} (transform delete_key)`);
        if (removal?.every !== undefined) st.removeEvery(removal.every, `${id} \`${s.statement}\``);
    }
}

/** Data-point level: no sender copy of a key that becomes the label may reach the exporter. */
function dataPointLevel(label: string, chain: { id: string; cfg: Record<string, unknown> }[], namers: readonly LabelNamer[]): LabelState {
    const st = new LabelState(label, namers);
    for (const { id, cfg } of chain) {
        const type = typeOf(id);
        if (type === "attributes") {
            const filtered = cfg.include !== undefined || cfg.exclude !== undefined;
            for (const a of asArray(cfg.actions).filter(isRecord)) {
                const action = (asString(a.action) ?? "").toLowerCase();
                const key = asString(a.key);
                const pattern = asString(a.pattern);
                if (action === "delete" && filtered) {
                    if ((key !== undefined && st.names(key)) || (pattern !== undefined && matcher(pattern)(label))) {
                        st.notes.push(`${id} deletes it only for data its include/exclude selects`);
                    }
                } else if (action === "delete") {
                    if (key !== undefined) st.removeFirstCopy(key, id);
                    if (pattern !== undefined) st.removeEvery(matcher(pattern), `${id} deletes by pattern ${pattern} but`);
                } else if (key !== undefined && SETTING.has(action) && !(key === label && isIdentitySource(asString(a.from_context)))) {
                    if (st.names(key)) st.notes.push(`${id} sets it again after the delete`);
                    st.senderSet(key, id);
                } else if (action === "extract" && pattern !== undefined) {
                    for (const k of extractedKeys(pattern).filter((x) => st.names(x))) {
                        st.notes.push(`${id} extracts it again after the delete`);
                        st.senderSet(k, id);
                    }
                }
            }
        } else if (type === "metricstransform") {
            for (const k of metricstransformNewLabels(cfg).filter((x) => st.names(x))) {
                st.notes.push(`${id} adds or renames a data-point label to it after the delete`);
                st.senderSet(k, id);
            }
        } else if (type === "transform") {
            applyTransform(st, id, cfg, "datapoint");
        }
    }
    return st;
}

/** The identity must survive to the processor that reads it: batch and receivers. */
function identityTransportProblems(label: string, id: { proc: string; index: number; key: string }, chain: { id: string; cfg: Record<string, unknown> }[], receivers: { id: string; cfg: unknown }[]): string[] {
    const problems: string[] = [];
    const isAuth = id.key.startsWith("auth.");
    const mdKey = id.key.replace(/^metadata\./, "").toLowerCase();
    chain.forEach(({ id: bid, cfg }, index) => {
        if (typeOf(bid) !== "batch" || index >= id.index) return;
        const keys = asStringArray(cfg.metadata_keys).map((k) => k.toLowerCase());
        if (isAuth || !keys.includes(mdKey)) {
            problems.push(`label "${label}" is set from_context ${id.key} in ${id.proc} after ${bid}, which drops ${isAuth ? "auth data" : `client metadata (${mdKey} is not in its metadata_keys)`}`);
        }
    });
    for (const r of receivers) {
        const protocols = isRecord(r.cfg) && isRecord(r.cfg.protocols) ? r.cfg.protocols : {};
        for (const [p, s] of Object.entries(protocols)) {
            if (isAuth && !(isRecord(s) && isRecord(s.auth) && asString(s.auth.authenticator) !== undefined)) {
                problems.push(`receiver ${r.id} protocol ${p} has no auth.authenticator, so ${id.key} is empty for its requests`);
            } else if (!isAuth && !(isRecord(s) && (s.include_metadata === true || s.include_metadata === "true"))) {
                problems.push(`receiver ${r.id} protocol ${p} does not set include_metadata: true, so ${id.key} is empty for its requests`);
            }
        }
    }
    return problems;
}

function judgeLabel(label: string, chain: { id: string; cfg: Record<string, unknown> }[], receivers: { id: string; cfg: unknown }[], namers: { resource: readonly LabelNamer[]; dataPoint: readonly LabelNamer[] }): string[] {
    const problems: string[] = [];
    const res = resourceLevel(label, chain, namers.resource);
    if (res.identity === undefined) {
        problems.push(res.overriddenBy !== undefined
            ? `label "${label}" is set from the client identity but ${res.overriddenBy} sets it again afterwards from sender data`
            : `no resource processor sets label "${label}" from_context metadata.<key> or auth.<key> after deleting every copy of it${res.notes.length > 0 ? ` (${[...new Set(res.notes)].join("; ")})` : ""}`);
    } else {
        problems.push(...identityTransportProblems(label, res.identity, chain, receivers));
    }
    // A data-point attribute that becomes the label survives beside or instead of the resource's.
    const dp = dataPointLevel(label, chain, namers.dataPoint);
    if (!dp.clean) {
        const why = dp.notes.length > 0 ? [...new Set(dp.notes)].join("; ")
            : `every copy of every key that becomes it must go; still kept: ${[...dp.remaining].slice(0, 2).map(showKey).join(", ")}`;
        problems.push(`no attributes processor (or transform) deletes the data-point attribute "${label}" before export (${why})`);
    }
    return problems;
}

/**
 * The label namers of the metrics-store exporters a path writes to (union: a key is judged by every
 * name it can get), per level: data-point attributes get the data-point namer; resource attributes get
 * it too (resource_to_telemetry_conversion) and the target_info namer (escaping, whatever the strategy:
 * prometheusremotewrite@v0.156.0 helper.go:571). translation_strategy NoUTF8EscapingWithSuffixes or
 * NoTranslation names data-point labels by the raw key (UTF-8 allowed), which the model follows.
 * Any other value fails the exporter's Validate, so the collector refuses to start
 * (exporter/prometheusremotewriteexporter@v0.156.0 config.go:163-168); it is reported, not modelled.
 */
export function exporterLabelNamers(doc: Record<string, unknown>, exporters: readonly string[]): { resource: LabelNamer[]; dataPoint: LabelNamer[]; problems: string[] } {
    const defs = isRecord(doc.exporters) ? doc.exporters : {};
    const namers = new Set<LabelNamer>();
    const problems: string[] = [];
    for (const id of exporters) {
        const cfg = defs[id];
        const raw = isRecord(cfg) ? cfg.translation_strategy : undefined;
        const strategy = raw === undefined || raw === null ? undefined : typeof raw === "string" ? raw : JSON.stringify(raw);
        const found = namersForStrategy(strategy);
        if (found === undefined) {
            problems.push(`exporter ${id} sets translation_strategy ${JSON.stringify(strategy)}, which the collector refuses at start-up ` +
                "(one of UnderscoreEscapingWithSuffixes, UnderscoreEscapingWithoutSuffixes, NoUTF8EscapingWithSuffixes, NoTranslation, or leave it unset)");
        } else {
            found.forEach((n) => namers.add(n));
        }
    }
    const dataPoint = [...namers].filter((n) => n !== TARGET_INFO_NAMER);
    return { resource: [...namers], dataPoint, problems };
}

/** One message per ingest path that does not bind every tenant label to the client identity. */
export function tenantLabelFindings(doc: Record<string, unknown>, o: TenantLabelOptions): string[] {
    const processors = isRecord(doc.processors) ? doc.processors : {};
    const receiverDefs = isRecord(doc.receivers) ? doc.receivers : {};
    const out: string[] = [];
    for (const { path, exporters } of ingestPaths(doc, o)) {
        const chain = path.flatMap((p) => p.processors.map((id) => ({ id, cfg: isRecord(processors[id]) ? processors[id] : {} })));
        const receivers = path[0].receivers.filter((r) => isOfType(r, o.ingestReceivers)).map((id) => ({ id, cfg: receiverDefs[id] }));
        const naming = exporterLabelNamers(doc, exporters);
        const problems = [...naming.problems, ...o.tenantLabels.flatMap((label) => judgeLabel(label, chain, receivers, naming))];
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
                "every processor that sets the labels from sender data, delete with a pattern every key that becomes a tenant label " +
                "(e.g. `^(?:account|site|source[^0-9A-Za-z]+role)$`: the exporter turns every run of other runes into one `_`, and a key " +
                "delete removes only the first of repeated copies) and then upsert " +
                "each label from_context metadata.<header the TLS terminator sets from the client certificate>, delete the same keys " +
                "from data points by pattern, and set include_metadata: true on its OTLP receivers.");
        }
    }
    return out;
}
