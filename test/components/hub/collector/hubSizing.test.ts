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
        // 100,000 samples/s on the synchronous (acknowledge-when-stored) path (measured: `npm run bench:collector`,
        // README "Scale"), 60,000 at a 60 % CPU target: ceil(416,666.7 ÷ 60,000) = ceil(6.94) = 7 tasks steady,
        // 2 × 7 = 14 for a backlog drain.
        const s = hubSizing({ activeSeries: 500 * 50_000, scrapeIntervalSeconds: 60, taskVcpu: 1, targetCpuPercent: 60, samplesPerVcpu: 100_000 });
        assert.deepStrictEqual([s.tasks, s.maxTasks], [7, 14]);
        // What a hub stack gets when its config says nothing about the collector: the schema's defaults.
        const c = hubConfig().hub.collector;
        assert.deepStrictEqual({ cpu: c.cpu, maxTasks: c.maxTasks, targetCpuPercent: c.targetCpuPercent }, { cpu: 1024, maxTasks: 14, targetCpuPercent: 60 });
    });
});
