import * as assert from "assert";
import { BYTES_PER_SAMPLE, COMPACTION_FACTOR, outageCoveredMinutes, QUEUE_HEADROOM, queueSizing } from "../../../components/onprem/queueSizing";

const GIB = 1024 ** 3;

describe("gateway queue sizing", () => {
    it("counts batches by size at high rates and sizes the disk by samples", () => {
        const s = queueSizing({ outageMinutes: 240, samplesPerSecond: 2000, batchSize: 2048, batchTimeoutSeconds: 5 });
        assert.strictEqual(s.samples, 2000 * 240 * 60);
        // 28.8M samples / 2048 per batch = 14063 batches, plus 25% headroom.
        assert.strictEqual(s.queueSize, Math.ceil(Math.ceil(28_800_000 / 2048) * QUEUE_HEADROOM));
        assert.strictEqual(s.minStorageGi, Math.ceil((28_800_000 * QUEUE_HEADROOM * BYTES_PER_SAMPLE * COMPACTION_FACTOR) / GIB));
        assert.strictEqual(s.minStorageGi, 14);
    });

    it("counts batches by timeout at low rates, where batches close half-empty", () => {
        const s = queueSizing({ outageMinutes: 60, samplesPerSecond: 10, batchSize: 2048, batchTimeoutSeconds: 5 });
        // 36000 samples would fill 18 full batches, but one batch closes every 5 s: 720.
        assert.strictEqual(s.queueSize, Math.ceil(720 * QUEUE_HEADROOM));
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
