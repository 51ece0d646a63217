import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import { HEAP_HEADROOM_DEFAULTS, headroomCollector, overHeadroom } from "../../../automation/plan/heapHeadroom";

const MIB = 1024 * 1024;

describe("plan worker heap headroom (collect between stacks)", () => {
    it("is over its headroom only past headroomMiB above the live heap (128 MiB by default)", () => {
        assert.equal(HEAP_HEADROOM_DEFAULTS.headroomMiB, 128);
        assert.equal(overHeadroom(100 * MIB + 128 * MIB, 100 * MIB), false);
        assert.equal(overHeadroom(100 * MIB + 128 * MIB + 1, 100 * MIB), true);
        assert.equal(overHeadroom(150 * MIB, 100 * MIB, 32), true);
    });

    it("collects only when over the headroom, then measures the headroom from what the collection left", () => {
        let used = 100 * MIB;
        let collections = 0;
        const collect = headroomCollector(() => {
            collections++;
            used = 110 * MIB; // what the collection leaves: more live data than before
        }, () => used, 64);
        used = 160 * MIB;
        assert.equal(collect(), false, "56 MiB over: below the headroom");
        used = 170 * MIB;
        assert.equal(collect(), true);
        assert.equal(collections, 1);
        used = 174 * MIB;
        assert.equal(collect(), false, "64 MiB over the 110 MiB left, not over the 100 MiB before");
        used = 175 * MIB;
        assert.equal(collect(), true);
        assert.equal(collections, 2);
    });

    it("never collects without gc (a process started without --expose-gc)", () => {
        const collect = headroomCollector(undefined, () => 10_000 * MIB);
        assert.equal(collect(), false);
    });

    it("collects for real in a process started with --expose-gc, as the plan workers are", function () {
        this.timeout(60_000);
        const script = [
            "require('ts-node/register/transpile-only');",
            "const { headroomCollector } = require('./automation/plan/heapHeadroom');",
            "const collect = headroomCollector(undefined, undefined, 16);",
            "let junk = Array.from({ length: 400000 }, (_, i) => ({ i, s: 'x'.repeat(20) + i }));",
            "junk = undefined;",
            "const before = process.memoryUsage().heapUsed;",
            "const did = collect();",
            "console.log(JSON.stringify({ did, freedMiB: (before - process.memoryUsage().heapUsed) / 1048576 }));",
        ].join("\n");
        const out = JSON.parse(execFileSync(process.execPath, ["--expose-gc", "-e", script], { encoding: "utf8" })) as { did: boolean; freedMiB: number };
        assert.equal(out.did, true);
        assert.ok(out.freedMiB > 16, `a collection frees the garbage (freed ${out.freedMiB.toFixed(1)} MiB)`);
    });
});
