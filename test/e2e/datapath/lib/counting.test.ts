import * as assert from "assert";
import { BinaryWriter } from "google-protobuf";
import { assertSeriesStored, compareSeries, millis, telemetrygenLog } from "./counting";
import { encodeRequest } from "./otlp";
import { WirePoint, decodeExportRequest } from "./otlpTap";

/** 200 points 20 ms apart starting at an arbitrary instant, value = loop counter (telemetrygen's gauge). */
const T0 = 1_765_000_000_000;
const point = (i: number, ms = T0 + i * 20, extraNs = 123_456): WirePoint => ({ metric: "gen", series: "service.name=tg", timeUnixNano: `${BigInt(ms) * 1_000_000n + BigInt(extraNs)}`, value: i });
const sent = Array.from({ length: 200 }, (_, i) => point(i));
const stored = (points: WirePoint[]) => points.map((p) => ({ ms: millis(p.timeUnixNano), value: p.value }));

describe("e2e counting: what a client sent against what the store holds", () => {
    it("millis truncates nanoseconds as the remote-write exporter does (1,765,000,000,000,999,999 ns is ms …000)", () => {
        assert.strictEqual(millis("1765000000000999999"), 1_765_000_000_000);
    });

    it("everything stored once: the strict check passes and sent == stored", () => {
        const c = compareSeries(sent, stored(sent));
        assert.deepStrictEqual([c.sentPoints, c.sameMillisecond, c.representable, c.stored], [200, 0, 200, 200]);
        assertSeriesStored(c, "all");
    });

    it("a dropped batch (points 100-199 never stored) fails the strict check, naming the missing milliseconds", () => {
        const c = compareSeries(sent, stored(sent.slice(0, 100)));
        assert.strictEqual(c.missing.length, 100);
        assert.strictEqual(c.missing[0], T0 + 100 * 20);
        assert.throws(() => assertSeriesStored(c, "dropped batch"), /samples sent and stored differ/);
    });

    it("one lost sample among 200 fails it too (the old 99 % floor would have passed)", () => {
        const c = compareSeries(sent, stored(sent.filter((p) => p.value !== 57)));
        assert.deepStrictEqual(c.missing, [T0 + 57 * 20]);
        assert.throws(() => assertSeriesStored(c, "one lost"));
    });

    it("two points in one millisecond with different values are one representable sample; either value may be stored", () => {
        // telemetrygen's first two points: stamped before the first rate-limiter wait, 0.3 ms apart.
        const pts = [point(0, T0, 100_000), point(1, T0, 400_000), ...sent.slice(2)];
        const c = compareSeries(pts, stored([pts[1], ...pts.slice(2)]));
        assert.deepStrictEqual([c.sentPoints, c.sameMillisecond, c.representable], [200, 1, 199]);
        assert.deepStrictEqual(c.sameMillisecondValues, [[0, 1]]);
        assertSeriesStored(c, "same millisecond");
    });

    it("a stored value that was never sent at that millisecond fails (a label collision merging two series would)", () => {
        const s = stored(sent);
        s[10] = { ms: s[10].ms, value: 9_999 };
        const c = compareSeries(sent, s);
        assert.deepStrictEqual(c.wrongValue, [T0 + 10 * 20]);
        assert.throws(() => assertSeriesStored(c, "wrong value"));
    });

    it("a sample stored at a millisecond nothing was sent at fails", () => {
        const c = compareSeries(sent, [...stored(sent), { ms: T0 - 1, value: 0 }]);
        assert.deepStrictEqual(c.unexpected, [T0 - 1]);
        assert.throws(() => assertSeriesStored(c, "unexpected"));
    });

    it("a retried request's copies are one point each", () => {
        const c = compareSeries([...sent, ...sent.slice(0, 100)], stored(sent));
        assert.strictEqual(c.sentPoints, 200);
        assertSeriesStored(c, "retried");
    });

    it("telemetrygen's log: exported batch counts, failed batches and the generated total (lines of a v0.149.0 run)", () => {
        const log = [
            "2026-12-06T06:30:17.113Z\tDEBUG\tmetrics/worker.go:273\texported batch\t{\"worker\": 0, \"count\": 100}",
            "2026-12-06T06:30:18.100Z\tERROR\tmetrics/worker.go:271\tfailed to export batch\t{\"worker\": 0, \"error\": \"rpc error: code = Unavailable\", \"count\": 100}",
            "2026-12-06T06:30:19.106Z\tDEBUG\tmetrics/worker.go:273\texported batch\t{\"worker\": 0, \"count\": 100}",
            "2026-12-06T06:30:19.106Z\tINFO\tmetrics/worker.go:243\tmetrics generated\t{\"worker\": 0, \"metrics\": 300}",
        ].join("\n");
        assert.deepStrictEqual(telemetrygenLog(log), { generated: 300, exported: 200, failedBatches: 1 });
    });

    it("decodeExportRequest reads a gauge's double points with resource and point attributes", () => {
        const bytes = encodeRequest("e2e_g", { "service.name": "svc" }, undefined, [
            { time: 1_765_000_000_123, value: 2.5, attributes: [["series", "0"]] },
            { time: 1_765_000_000_124, value: 3, attributes: [["series", "1"]] },
        ]);
        assert.deepStrictEqual(decodeExportRequest(bytes), [
            { metric: "e2e_g", series: "series=0,service.name=svc", timeUnixNano: "1765000000123000000", value: 2.5 },
            { metric: "e2e_g", series: "series=1,service.name=svc", timeUnixNano: "1765000000124000000", value: 3 },
        ]);
    });

    it("decodeExportRequest reads as_int (sfixed64, field 6): telemetrygen's int64 gauge", () => {
        // Hand-built: resource_metrics(1){ scope_metrics(2){ metrics(2){ name(1)="gen", gauge(5){ data_points(1){ time(3), as_int(6) } } } } }
        const w = new BinaryWriter();
        const msg = (f: number, body: () => void): void => w.writeMessage(f, {}, body);
        msg(1, () => msg(2, () => msg(2, () => {
            w.writeString(1, "gen");
            msg(5, () => msg(1, () => { w.writeFixed64String(3, "1765000000000500000"); w.writeSfixed64String(6, "41"); }));
        })));
        assert.deepStrictEqual(decodeExportRequest(w.getResultBuffer()), [{ metric: "gen", series: "", timeUnixNano: "1765000000000500000", value: 41 }]);
    });
});
