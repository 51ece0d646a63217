/** What `npm run bench` reads from its environment: BENCH_SIZES (monitored accounts per row) and BENCH_RUNS. */
export interface BenchOptions {
    /** Monitored accounts of each fleet, in row order. */
    readonly sizes: readonly number[];
    /** How many times each fleet is planned and checked (a row per run). */
    readonly runs: number;
}

export const BENCH_DEFAULTS: BenchOptions = { sizes: [10, 100, 500, 850, 2000], runs: 1 };

/** An environment variable that is not what the bench takes; its message is the one line printed (exit 2). */
export class BenchOptionError extends Error {}

const WHOLE = /^[1-9][0-9]*$/;

/** Whether the variable was given a value (unset and empty both mean its default). */
const given = (text: string | undefined): text is string => text !== undefined && text !== "";

/** The bench's options from `env`; BenchOptionError naming the variable and the fix for anything else. */
export function benchOptions(env: Readonly<Record<string, string | undefined>>): BenchOptions {
    const sizesText = env.BENCH_SIZES;
    const runsText = env.BENCH_RUNS;
    const sizes = !given(sizesText) ? BENCH_DEFAULTS.sizes : sizesText.split(",").map((size) => {
        if (!WHOLE.test(size)) {
            throw new BenchOptionError(`BENCH_SIZES=${sizesText}: "${size}" is not a number of monitored accounts; give positive whole numbers separated by commas, e.g. BENCH_SIZES=500,2000`);
        }
        return Number(size);
    });
    if (given(runsText) && !WHOLE.test(runsText)) {
        throw new BenchOptionError(`BENCH_RUNS=${runsText}: expected a positive whole number, e.g. BENCH_RUNS=3`);
    }
    return { sizes, runs: given(runsText) ? Number(runsText) : BENCH_DEFAULTS.runs };
}
