import * as assert from "assert";
import { hubSizing } from "../../components/hubSizing";

describe("hub sizing rule", () => {
    it("divides samples/s (series / interval) by the per-task capacity at the CPU target", () => {
        const s = hubSizing({ activeSeries: 6_000_000, scrapeIntervalSeconds: 60, taskVcpu: 1, targetCpuPercent: 50, samplesPerVcpu: 20_000 });
        assert.strictEqual(s.samplesPerSecond, 100_000);
        assert.strictEqual(s.perTaskSamplesPerSecond, 20_000);
        assert.strictEqual(s.tasks, 10);
        assert.strictEqual(s.maxTasks, 20);
    });

    it("never goes below the high-availability floor", () => {
        const s = hubSizing({ activeSeries: 1000, scrapeIntervalSeconds: 60, taskVcpu: 1, targetCpuPercent: 60, samplesPerVcpu: 20_000 });
        assert.strictEqual(s.tasks, 2);
        assert.strictEqual(s.maxTasks, 3);
    });

    it("refuses non-positive input, naming the field", () => {
        assert.throws(() => hubSizing({ activeSeries: 0, scrapeIntervalSeconds: 60, taskVcpu: 1, targetCpuPercent: 60 }), /activeSeries must be a positive number/);
    });
});
