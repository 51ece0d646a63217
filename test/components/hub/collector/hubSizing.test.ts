import * as assert from "assert";
import { hubSizing } from "../../../../components/hub/collector/hubSizing";

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
    it("maxTasks fits 500 accounts x 50k series at 60 s on 1-vCPU tasks at the default CPU target", async () => {
        // The defaults live once, in COLLECTOR_SERVICE_DEFAULTS; the hub config schema reuses them (issue 22).
        const src = (await import("fs")).readFileSync(require.resolve("../../../../components/hub/collector/collectorService"), "utf8");
        const schema = (await import("fs")).readFileSync(require.resolve("../../../../stacks/config/hub"), "utf8");
        const s = hubSizing({ activeSeries: 500 * 50_000, scrapeIntervalSeconds: 60, taskVcpu: 1, targetCpuPercent: 60 });
        assert.strictEqual(s.tasks, 7);
        assert.strictEqual(s.maxTasks, 14);
        assert.match(src, new RegExp(`\\n    maxTasks: ${s.maxTasks},\\n`));
        assert.match(src, /\n {4}targetCpuPercent: 60,\n/);
        assert.match(schema, /maxTasks: z\.number\(\)\.int\(\)\.min\(2\)\.max\(100\)\.default\(COLLECTOR_SERVICE_DEFAULTS\.maxTasks\)/);
        assert.match(schema, /targetCpuPercent: z\.number\(\)\.min\(10\)\.max\(90\)\.default\(COLLECTOR_SERVICE_DEFAULTS\.targetCpuPercent\)/);
    });
});
