/**
 * How late live data can reach the workspace, read from the rendered collector configurations, so
 * the workspace's rule query offset (PROMETHEUS_WORKSPACE_DEFAULTS.ruleQueryOffsetSeconds) can be
 * checked against it instead of against a number someone remembered.
 *
 * AMP's `ruleQueryOffsetInSeconds` is Cortex's per-tenant limit `ruler_query_offset` (AMP is built on
 * Cortex; cortex v1.21.1 pkg/util/validation/limits.go:215, read per tenant at :982-990 and handed to
 * the rule manager as DefaultRuleQueryOffset, pkg/ruler/compat.go:393-395). A rule evaluated at `t`
 * queries at `t - offset` and records at `t - offset` (prometheus v0.308.1 rules/recording.go:83,
 * rules/group.go:507), so a sample is seen by every evaluation that should see it when it lands
 * less than `offset` after its timestamp. A group's own `query_offset` takes priority
 * (rules/group.go:692-702; AMP: "A query offset configured at the rule group level takes priority over
 * this workspace-level setting", AMP-workspace-configuration.md); the hub's content sets none.
 */
import { parse } from "yaml";

/**
 * Prometheus's default scrape timeout, used by a scrape config that states none (prometheus v0.312.0,
 * the collector's prometheusreceiver at contrib v0.156.0: config/config.go:175 DefaultGlobalConfig).
 */
export const PROMETHEUS_DEFAULT_SCRAPE_TIMEOUT_SECONDS = 10;

/** One stage's worst-case share of the delay, and where in which config it was read. */
export interface DelayPart { readonly seconds: number; readonly from: string }

/** The worst-case delay of live data from its timestamp to the store, stage by stage. */
export interface LiveDeliveryDelay {
    /** Slowest path: a sender's (or the hub's own telemetry's) stages plus the hub's primary export. */
    readonly seconds: number;
    readonly parts: readonly DelayPart[];
}

/** Go duration strings as the collector configs write them ("5s", "1m", "250ms", "1m30s"). */
export function durationSeconds(d: string, field: string): number {
    const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
    const unit: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };
    let total = 0;
    let consumed = 0;
    for (const m of d.matchAll(re)) {
        total += Number(m[1]) * unit[m[2]];
        consumed += m[0].length;
    }
    if (d.length === 0 || consumed !== d.length) throw new Error(`${field}: "${d}" is not a duration like 5s or 1m`);
    return total;
}

/** The parts of a collector configuration the delay is read from. */
interface Doc {
    readonly receivers?: Record<string, { readonly config?: { readonly global?: { readonly scrape_timeout?: string }; readonly scrape_configs?: ReadonlyArray<{ readonly job_name?: string; readonly scrape_timeout?: string }> } }>;
    readonly processors?: Record<string, { readonly timeout?: string }>;
    readonly exporters?: Record<string, { readonly timeout?: string; readonly retry_on_failure?: { readonly max_elapsed_time?: string }; readonly sending_queue?: { readonly batch?: { readonly flush_timeout?: string } } }>;
    readonly service?: { readonly pipelines?: Record<string, { readonly receivers?: string[]; readonly processors?: string[]; readonly exporters?: string[] }> };
}

function pipelineOf(doc: Doc, pipeline: string, config: string): { receivers: string[]; processors: string[]; exporters: string[] } {
    const p = doc.service?.pipelines?.[pipeline];
    if (p === undefined) throw new Error(`${config}: no pipeline ${pipeline}`);
    return { receivers: p.receivers ?? [], processors: p.processors ?? [], exporters: p.exporters ?? [] };
}

/**
 * A pipeline's own worst-case holding time before its exporter sends: the longest scrape of its
 * Prometheus receivers (a scraped sample is stamped when the scrape starts and handed on after the
 * body is read, up to scrape_timeout later: prometheus v0.312.0 scrape/scrape.go:1309, 1408-1413, 1446),
 * its batch processors' timeouts, and the batcher after a sending queue (`sending_queue.batch.flush_timeout`).
 */
export function pipelineHoldParts(yamlText: string, pipeline: string, config: string): DelayPart[] {
    const doc = parse(yamlText) as Doc;
    const p = pipelineOf(doc, pipeline, config);
    const parts: DelayPart[] = [];
    let scrape: DelayPart | undefined;
    for (const r of p.receivers.filter((n) => n === "prometheus" || n.startsWith("prometheus/"))) {
        const cfg = doc.receivers?.[r]?.config;
        const global = cfg?.global?.scrape_timeout;
        for (const job of cfg?.scrape_configs ?? []) {
            const t = job.scrape_timeout ?? global;
            const seconds = t === undefined ? PROMETHEUS_DEFAULT_SCRAPE_TIMEOUT_SECONDS : durationSeconds(t, `${config} receivers.${r} ${job.job_name} scrape_timeout`);
            if (scrape === undefined || seconds > scrape.seconds) {
                scrape = { seconds, from: `${config}: receivers.${r} job ${job.job_name} scrape_timeout ${t ?? "(Prometheus default)"}` };
            }
        }
    }
    if (scrape !== undefined) parts.push(scrape);
    for (const name of p.processors.filter((n) => n === "batch" || n.startsWith("batch/"))) {
        const t = doc.processors?.[name]?.timeout;
        // The batch processor's default timeout is 200ms (processor/batchprocessor config.go); every config here states it.
        parts.push({ seconds: t === undefined ? 0.2 : durationSeconds(t, `${config} processors.${name}.timeout`), from: `${config}: processors.${name}.timeout` });
    }
    let flush: DelayPart | undefined;
    for (const e of p.exporters) {
        const t = doc.exporters?.[e]?.sending_queue?.batch?.flush_timeout;
        if (t === undefined) continue;
        const seconds = durationSeconds(t, `${config} exporters.${e}.sending_queue.batch.flush_timeout`);
        if (flush === undefined || seconds > flush.seconds) flush = { seconds, from: `${config}: exporters.${e}.sending_queue.batch.flush_timeout` };
    }
    if (flush !== undefined) parts.push(flush);
    return parts;
}

/**
 * The hub's primary export: synchronous in the receiver's call, so the sender's request lands in the
 * store at the latest when the exporter's `timeout` (which bounds the export call, retries included:
 * exporterhelper TimeoutConfig) ends; its retries' max_elapsed_time must not outlast it.
 */
export function hubExportPart(hubYaml: string, pipeline = "metrics"): DelayPart {
    const doc = parse(hubYaml) as Doc;
    const p = pipelineOf(doc, pipeline, "hub");
    let worst: DelayPart | undefined;
    for (const e of p.exporters) {
        const x = doc.exporters?.[e] ?? {};
        if (x.timeout === undefined) throw new Error(`hub: exporters.${e}.timeout is not stated; the delay of a write would be unbounded`);
        const timeout = durationSeconds(x.timeout, `hub exporters.${e}.timeout`);
        const elapsed = x.retry_on_failure?.max_elapsed_time;
        if (elapsed !== undefined && durationSeconds(elapsed, `hub exporters.${e}.retry_on_failure.max_elapsed_time`) > timeout) {
            throw new Error(`hub: exporters.${e}.retry_on_failure.max_elapsed_time ${elapsed} outlasts its timeout ${x.timeout}`);
        }
        if (worst === undefined || timeout > worst.seconds) worst = { seconds: timeout, from: `hub: exporters.${e}.timeout (retries included)` };
    }
    if (worst === undefined) throw new Error(`hub: pipeline ${pipeline} has no exporter`);
    return worst;
}

const sum = (parts: readonly DelayPart[]): number => parts.reduce((s, p) => s + p.seconds, 0);

/**
 * Worst-case delay of LIVE data: one sample held by its sender's stages, then by the hub's ingest
 * pipeline, then by one primary export that uses its whole retry budget; or the hub's own telemetry
 * held by its self pipeline and exported the same way. Not covered, on purpose: a backlog replayed
 * after an outage (the sender's retries after the hub answered "retry later"), which arrives later
 * than any sensible offset and within the out-of-order window instead; two consecutive requests of one
 * sender's single consumer that each spend the whole retry budget (AMP degraded for that long is an
 * outage too); and how long an application's own OTLP SDK holds points before it pushes them to a
 * spoke, which no rendered config states.
 */
export function liveDeliveryDelay(senders: ReadonlyArray<{ readonly name: string; readonly yaml: string }>, hubYaml: string): LiveDeliveryDelay {
    if (senders.length === 0) throw new Error("liveDeliveryDelay: no sender configs");
    const ingest = pipelineHoldParts(hubYaml, "metrics", "hub");
    const exportPart = hubExportPart(hubYaml);
    const paths: DelayPart[][] = senders.map((s) => [...pipelineHoldParts(s.yaml, "metrics", s.name), ...ingest, exportPart]);
    const doc = parse(hubYaml) as Doc;
    if (doc.service?.pipelines?.["metrics/self"] !== undefined) {
        paths.push([...pipelineHoldParts(hubYaml, "metrics/self", "hub"), hubExportPart(hubYaml, "metrics/self")]);
    }
    const worst = paths.reduce((a, b) => (sum(b) > sum(a) ? b : a));
    return { seconds: sum(worst), parts: worst };
}
