import * as assert from "assert";
import type { WirePoint } from "./otlpTap";

/**
 * telemetrygen's own account of a metrics run, from its log (cmd/telemetrygen v0.149.0
 * pkg/metrics/worker.go): in batch mode (the default, 100 per batch) every flush logs
 * `exported batch {"count": N}` or `failed to export batch` (and carries on), and each worker ends
 * with `metrics generated {"metrics": N}`.
 */
export function telemetrygenLog(log: string): { generated: number; exported: number; failedBatches: number } {
    const sum = (re: RegExp): number => [...log.matchAll(re)].reduce((s, m) => s + Number(m[1]), 0);
    return {
        generated: sum(/metrics generated\s+\{[^}]*"metrics": (\d+)/g),
        exported: sum(/exported batch\s+\{[^}]*"count": (\d+)/g),
        failedBatches: (log.match(/failed to export batch/g) ?? []).length,
    };
}

/**
 * Milliseconds of an OTLP time_unix_nano as the remote-write exporter stamps a sample: integer
 * division by 1e6 (contrib v0.117.0 pkg/translator/prometheusremotewrite/helper.go:572 convertTimeStamp).
 */
export function millis(timeUnixNano: string): number {
    return Number(BigInt(timeUnixNano) / 1_000_000n);
}

/** A sample as the store returns it: milliseconds and value. */
export interface StoredSample { readonly ms: number; readonly value: number }

export interface SeriesComparison {
    /** Distinct points the client sent (a retried request's copies counted once). */
    readonly sentPoints: number;
    /**
     * Sent points whose millisecond another point of the series already has. Prometheus keeps one
     * sample per series and timestamp (another value at a stored one is
     * storage.ErrDuplicateSampleForTimestamp, prometheus/prometheus storage/interface.go; Cortex and
     * Mimir, which AMP is built on, discard it as "new-value-for-timestamp"), so these cannot be
     * stored as separate samples.
     */
    readonly sameMillisecond: number;
    /** The values sent at each millisecond that has more than one (e.g. telemetrygen's loop counter). */
    readonly sameMillisecondValues: number[][];
    /** Distinct milliseconds sent: what a store that loses nothing holds. */
    readonly representable: number;
    readonly stored: number;
    /** Milliseconds sent and not stored: loss on the path. */
    readonly missing: number[];
    /** Milliseconds stored that no sent point has. */
    readonly unexpected: number[];
    /** Milliseconds stored with a value no sent point of that millisecond has. */
    readonly wrongValue: number[];
}

/** Compares one series' points as the client sent them with the samples the store holds for it. */
export function compareSeries(sent: readonly WirePoint[], stored: readonly StoredSample[]): SeriesComparison {
    const distinct = new Map<string, WirePoint>();
    for (const p of sent) distinct.set(`${p.series}|${p.timeUnixNano}|${p.value}`, p);
    const byMs = new Map<number, number[]>();
    for (const p of distinct.values()) {
        const ms = millis(p.timeUnixNano);
        byMs.set(ms, [...(byMs.get(ms) ?? []), p.value]);
    }
    const storedMs = new Map<number, number>();
    for (const s of stored) storedMs.set(s.ms, s.value);
    return {
        sentPoints: distinct.size,
        sameMillisecond: distinct.size - byMs.size,
        sameMillisecondValues: [...byMs.values()].filter((v) => v.length > 1),
        representable: byMs.size,
        stored: stored.length,
        missing: [...byMs.keys()].filter((ms) => !storedMs.has(ms)).sort((a, b) => a - b),
        unexpected: [...storedMs.keys()].filter((ms) => !byMs.has(ms)).sort((a, b) => a - b),
        wrongValue: [...storedMs].filter(([ms, v]) => byMs.has(ms) && !byMs.get(ms)!.includes(v)).map(([ms]) => ms).sort((a, b) => a - b),
    };
}

/**
 * The strict check of one series: every millisecond sent is stored once, nothing else is, with a
 * value sent at that millisecond. Only points sharing a millisecond with another sent point (which
 * no Prometheus-compatible store can hold apart) are exempt, and those are counted, not assumed.
 */
export function assertSeriesStored(c: SeriesComparison, what: string): void {
    assert.deepStrictEqual({ missing: c.missing, unexpected: c.unexpected, wrongValue: c.wrongValue }, { missing: [], unexpected: [], wrongValue: [] }, `${what}: samples sent and stored differ`);
    assert.strictEqual(c.stored, c.representable, `${what}: ${c.stored} stored, ${c.representable} distinct milliseconds sent`);
    assert.strictEqual(c.stored, c.sentPoints - c.sameMillisecond, `${what}: stored == sent less the ${c.sameMillisecond} points sharing a millisecond`);
}
