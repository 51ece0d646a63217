import * as assert from "assert";
import { hubSizing } from "../../../../components/hub/collector/hubSizing";
import { hubConfig } from "../../../stacks/fixtures/hub";

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

describe("hub collector defaults come from the sizing rule", () => {
    it("maxTasks fits 500 accounts x 50k series at 60 s on 1-vCPU tasks at the default CPU target", () => {
        // By hand: 500 × 50,000 = 25,000,000 series ÷ 60 s = 416,666.7 samples/s. A 1-vCPU task carries
        // 130,000 samples/s (measured: `npm run bench:collector`, README "Scale"), 78,000 at a 60 % CPU
        // target: ceil(416,666.7 ÷ 78,000) = ceil(5.34) = 6 tasks steady, 2 × 6 = 12 for a backlog drain.
        const s = hubSizing({ activeSeries: 500 * 50_000, scrapeIntervalSeconds: 60, taskVcpu: 1, targetCpuPercent: 60, samplesPerVcpu: 130_000 });
        assert.deepStrictEqual([s.tasks, s.maxTasks], [6, 12]);
        // What a hub stack gets when its config says nothing about the collector: the schema's defaults.
        const c = hubConfig().hub.collector;
        assert.deepStrictEqual({ cpu: c.cpu, maxTasks: c.maxTasks, targetCpuPercent: c.targetCpuPercent }, { cpu: 1024, maxTasks: 12, targetCpuPercent: 60 });
    });
});
