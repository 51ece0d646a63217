import { strict as assert } from "assert";
import { BENCH_DEFAULTS, BenchOptionError, benchOptions } from "./options";

describe("bench options (BENCH_SIZES, BENCH_RUNS)", () => {
    it("defaults to every row once when neither is set or both are empty", () => {
        assert.deepEqual(benchOptions({}), BENCH_DEFAULTS);
        assert.deepEqual(benchOptions({ BENCH_SIZES: "", BENCH_RUNS: "" }), BENCH_DEFAULTS);
    });

    it("reads the sizes in the order given and the runs per size", () => {
        assert.deepEqual(benchOptions({ BENCH_SIZES: "2000,500", BENCH_RUNS: "3" }), { sizes: [2000, 500], runs: 3 });
    });

    for (const [value, named] of [["500,x", `"x"`], ["500,,2000", `""`], ["0", `"0"`], ["-5", `"-5"`], ["1.5", `"1.5"`], ["500, 2000", `" 2000"`]] as const) {
        it(`refuses BENCH_SIZES=${value} naming the variable, the bad entry and the fix`, () => {
            assert.throws(() => benchOptions({ BENCH_SIZES: value }), (e: unknown) => {
                assert.ok(e instanceof BenchOptionError);
                assert.ok(e.message.startsWith(`BENCH_SIZES=${value}: ${named} is not a number`), e.message);
                assert.ok(e.message.includes("e.g. BENCH_SIZES=500,2000"), e.message);
                assert.equal(e.message.includes("\n"), false);
                return true;
            });
        });
    }

    for (const value of ["0", "two", "-1", "2.5", "3 "]) {
        it(`refuses BENCH_RUNS=${JSON.stringify(value)} naming the variable and the fix`, () => {
            assert.throws(() => benchOptions({ BENCH_RUNS: value }), (e: unknown) => {
                assert.ok(e instanceof BenchOptionError);
                assert.equal(e.message, `BENCH_RUNS=${value}: expected a positive whole number, e.g. BENCH_RUNS=3`);
                return true;
            });
        });
    }
});
