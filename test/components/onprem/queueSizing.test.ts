import * as assert from "assert";
import { outageCoveredMinutes, queueSizing } from "../../../components/onprem/queueSizing";

describe("gateway queue sizing", () => {
    it("counts batches by size at high rates and sizes the disk by samples", () => {
        const s = queueSizing({ outageMinutes: 240, samplesPerSecond: 2000, batchSize: 2048, batchTimeoutSeconds: 5 });
        // By hand: 2,000/s × 240 min × 60 s = 28,800,000 samples; ÷ 2,048 per batch = 14,062.5 → 14,063
        // batches; + 25 % headroom = 17,578.75 → 17,579. Disk: 28.8M × 1.25 × 200 B per sample (the
        // sizing's documented bound) × 2 (bbolt compaction copies the file) = 14,400,000,000 B
        // ÷ 1,073,741,824 = 13.41 → 14 GiB.
        assert.strictEqual(s.samples, 28_800_000);
        assert.strictEqual(s.queueSize, 17_579);
        assert.strictEqual(s.minStorageGi, 14);
    });

    it("counts batches by timeout at low rates, where batches close half-empty", () => {
        const s = queueSizing({ outageMinutes: 60, samplesPerSecond: 10, batchSize: 2048, batchTimeoutSeconds: 5 });
        // 36,000 samples would fill 18 full batches, but one batch closes every 5 s: 3,600 s ÷ 5 = 720;
        // + 25 % headroom = 900.
        assert.strictEqual(s.queueSize, 900);
        assert.strictEqual(s.minStorageGi, 1);
    });

    it("reports the outage a volume covers consistently with the minimum size", () => {
        const s = queueSizing({ outageMinutes: 240, samplesPerSecond: 2000, batchSize: 2048, batchTimeoutSeconds: 5 });
        assert.ok(outageCoveredMinutes(s.minStorageGi, 2000) >= 240);
        assert.ok(outageCoveredMinutes(s.minStorageGi - 1, 2000) < 240);
    });

    it("rejects non-positive inputs by name", () => {
        assert.throws(() => queueSizing({ outageMinutes: 0, samplesPerSecond: 1, batchSize: 1, batchTimeoutSeconds: 1 }), /outageMinutes must be a positive number/);
        assert.throws(() => queueSizing({ outageMinutes: 1, samplesPerSecond: Number.NaN, batchSize: 1, batchTimeoutSeconds: 1 }), /samplesPerSecond/);
    });
});
