import * as assert from "assert";
import { outageCoveredMinutes, queueSizing } from "../../../components/onprem/queueSizing";

describe("gateway queue sizing", () => {
    it("counts the outage's samples with headroom (sizer items) and sizes the disk by samples", () => {
        const s = queueSizing({ outageMinutes: 240, samplesPerSecond: 2000, batchSize: 2048 });
        // By hand: 2,000/s × 240 min × 60 s = 28,800,000 samples; + 25 % headroom = 36,000,000 samples
        // queued. Disk: 28.8M × 1.25 × 200 B per sample (the sizing's documented bound) × 2 (bbolt
        // compaction copies the file) = 14,400,000,000 B ÷ 1,073,741,824 = 13.41 → 14 GiB.
        assert.strictEqual(s.samples, 28_800_000);
        assert.strictEqual(s.queueSize, 36_000_000);
        assert.strictEqual(s.minStorageGi, 14);
    });

    it("counts samples however they arrive: a low rate needs no more than its samples", () => {
        const s = queueSizing({ outageMinutes: 60, samplesPerSecond: 10, batchSize: 2048 });
        // 3,600 s × 10/s = 36,000 samples, + 25 % = 45,000, whatever the senders' push sizes.
        assert.strictEqual(s.queueSize, 45_000);
        assert.strictEqual(s.minStorageGi, 1);
    });

    it("holds at least one batch, the smallest queue the collector accepts (min_size <= queue_size)", () => {
        // 1 min × 10/s = 600 samples, + 25 % = 750: below one batch of 2,048, which the collector
        // refuses (exporterhelper@v0.156.0/internal/queuebatch/config.go:81-86).
        assert.strictEqual(queueSizing({ outageMinutes: 1, samplesPerSecond: 10, batchSize: 2048 }).queueSize, 2048);
    });

    it("reports the outage a volume covers consistently with the minimum size", () => {
        const s = queueSizing({ outageMinutes: 240, samplesPerSecond: 2000, batchSize: 2048 });
        assert.ok(outageCoveredMinutes(s.minStorageGi, 2000) >= 240);
        assert.ok(outageCoveredMinutes(s.minStorageGi - 1, 2000) < 240);
    });

    it("rejects non-positive inputs by name", () => {
        assert.throws(() => queueSizing({ outageMinutes: 0, samplesPerSecond: 1, batchSize: 1 }), /outageMinutes must be a positive number/);
        assert.throws(() => queueSizing({ outageMinutes: 1, samplesPerSecond: Number.NaN, batchSize: 1 }), /samplesPerSecond/);
        assert.throws(() => queueSizing({ outageMinutes: 1, samplesPerSecond: 1, batchSize: 0 }), /batchSize must be a positive number/);
    });
});
