import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { main } from "../../../automation/cli/policyCli";
import { runPlanCommand } from "../../../automation/plan/command";
import { Worker } from "worker_threads";
import { defaultThreads, evaluateStacks, PARALLEL_CHECK_DEFAULTS, runTexts, splitPoints, stacksOfText, ThreadPool, threadsToPrestart } from "../../../policy/offline/parallel";
import { InputError, PlanStack } from "../../../policy/offline/types";
import { generateFleet } from "../../bench/fleetGen";

const ROOT = path.join(__dirname, "..", "..", "..");
const FIXTURES = path.join(ROOT, "test", "policy", "fixtures");
const fixture = (name: string) => JSON.parse(fs.readFileSync(path.join(FIXTURES, name), "utf8")) as { version: 1; stacks: PlanStack[] };

/** `policy check` with every output captured: stdout lines, stderr lines, exit code and the SARIF file. */
async function check(plan: string, workers: number, ...extra: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const sarif = `${plan}.${workers}.sarif`;
    const code = await main(["check", plan, "--no-progress", "--workers", String(workers), "--sarif", sarif, ...extra], { out: (l) => out.push(l), err: (l) => err.push(l) });
    const text = fs.existsSync(sarif) ? fs.readFileSync(sarif, "utf8") : undefined;
    fs.rmSync(sarif, { force: true });
    // The report names the SARIF file, whose name carries the worker count.
    return { code, out: out.map((l) => l.replace(sarif, "SARIF")), err, sarif: text };
}

describe("policy check on threads (policy/offline/parallel.ts)", function () {
    this.timeout(120_000);
    let dir: string;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-parallel-"));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("splits stacks into contiguous runs of about equal resources, each at least one stack", () => {
        assert.deepEqual(splitPoints([10, 10, 10, 10], 2), [2]);
        assert.deepEqual(splitPoints([100, 1, 1, 1, 1], 2), [1], "a heavy first stack (the hub) is a run of its own");
        assert.deepEqual(splitPoints([5], 4), [], "one stack is one run");
        assert.deepEqual(splitPoints([1, 1, 1], 8), [1, 2], "no more runs than stacks");
        assert.deepEqual(splitPoints([0, 0, 0, 0, 0, 0], 3), [2, 4], "empty stacks still count");
        assert.deepEqual(splitPoints([3, 3, 3], 1), []);
    });

    it("uses one thread per core from the threshold up, one below it", () => {
        assert.equal(defaultThreads(PARALLEL_CHECK_DEFAULTS.minStacks - 1, 2), 1);
        assert.equal(defaultThreads(PARALLEL_CHECK_DEFAULTS.minStacks, 2), 2);
        assert.equal(defaultThreads(2051, 4), 4);
    });

    it("reports the pack's fixtures identically on 1, 2 and 3 threads: violations, order, summary, SARIF, exit code", async () => {
        // The fixtures' stacks repeated under other names: violations in many stacks of every run.
        const stacks = [fixture("good-plan.json"), fixture("bad-plan.json"), fixture("semantic-plan.json")].flatMap((p) => p.stacks);
        const many = Array.from({ length: 12 }, (_, i) => stacks.map((s) => ({ ...s, stack: `${s.stack}-${i}` }))).flat();
        const plans = ["good-plan.json", "bad-plan.json", "semantic-plan.json"].map((f) => path.join(FIXTURES, f));
        plans.push(path.join(dir, "many.json"));
        fs.writeFileSync(plans[3], JSON.stringify({ version: 1, stacks: many }));
        for (const plan of plans) {
            const serial = await check(plan, 1);
            assert.ok(serial.sarif !== undefined);
            for (const workers of plan === plans[3] ? [2, 3] : [2]) {
                assert.deepEqual(await check(plan, workers), serial, `${path.basename(plan)} on ${workers} threads`);
            }
        }
        const r = await check(plans[3], 3);
        assert.equal(r.code, 1);
        const m = /\n(\d+) mandatory, (\d+) other violation\(s\) in 60 stack\(s\)\.\nSARIF written to SARIF$/.exec(r.out.join("\n"));
        assert.ok(m !== null && Number(m[1]) > 0 && Number(m[1]) % 12 === 0 && Number(m[2]) % 12 === 0, "each copy of the fixtures reports the same violations");
    });

    it("exits 2 with the same line on an invalid config, on any number of threads", async () => {
        const badConfig = path.join(dir, "bad-config.json");
        fs.writeFileSync(badConfig, JSON.stringify({ "lb-internal": "never" }));
        const plan = path.join(FIXTURES, "good-plan.json");
        const serial = await check(plan, 1, "--config", badConfig);
        assert.equal(serial.code, 2);
        assert.match(serial.err.join("\n"), /lb-internal: "never" is not an enforcement level/);
        assert.deepEqual(await check(plan, 2, "--config", badConfig), serial);
        await assert.rejects(evaluateStacks(fixture("good-plan.json").stacks, { "lb-internal": "never" }, 2), InputError);
    });

    it("reports a generated fleet's plan identically on 1 and 2 threads", async () => {
        const manifest = path.join(dir, "fleet.yaml");
        const example = parse(fs.readFileSync(path.join(ROOT, "stacks/fleet.yaml"), "utf8"));
        fs.writeFileSync(manifest, stringify(generateFleet(example, 6, 2)));
        const plan = path.join(dir, "plan.json");
        const write = process.stdout.write;
        process.stdout.write = () => true;
        try {
            assert.equal(await runPlanCommand(["--manifest", manifest, "--workers", "1", "--no-progress", "--json", plan]), 0);
        } finally {
            process.stdout.write = write;
        }
        const serial = await check(plan, 1);
        assert.equal(serial.code, 0);
        assert.match(serial.out.join("\n"), /in 9 stack\(s\)\./);
        assert.deepEqual(await check(plan, 2), serial);

        // The threads parse their runs from the plan file's text; any other layout, or a text that does not
        // hold exactly the run's stacks, is evaluated from the parsed stacks instead, with the same result.
        const text = fs.readFileSync(plan, "utf8");
        const stacks = (JSON.parse(text) as { stacks: PlanStack[] }).stacks;
        const [rest] = runTexts(text, stacks, [0, 4])!;
        assert.deepEqual(stacksOfText(rest, stacks.slice(4).map((s) => s.stack)), stacks.slice(4));
        assert.equal(stacksOfText(rest, stacks.slice(5).map((s) => s.stack)), undefined);
        assert.equal(runTexts(JSON.stringify({ version: 1, stacks }), stacks, [0, 4]), undefined, "a compact plan has no stack headers");
        const serialFound = await evaluateStacks(stacks, undefined, 1);
        // The last stack is always in the last run: its text then holds one stack too few.
        const last = text.indexOf(`,\n    {\n      "stack": ${JSON.stringify(stacks[stacks.length - 1].stack)},\n`);
        const missingOne = text.slice(0, last) + text.slice(text.lastIndexOf("\n  ]\n}"));
        assert.equal(JSON.parse(missingOne).stacks.length, stacks.length - 1);
        assert.deepEqual(await evaluateStacks(stacks, undefined, 2, undefined, { text: missingOne }), serialFound);
        assert.deepEqual(await evaluateStacks(stacks, undefined, 2, undefined, { text }), serialFound);
    });

    it("starts threads before reading the plan only when asked for more than one or when the file is large", () => {
        assert.deepEqual([threadsToPrestart(10, 3, 2), threadsToPrestart(10, 1, 2), threadsToPrestart(10, undefined, 2)], [2, 0, 0]);
        const big = PARALLEL_CHECK_DEFAULTS.prestartBytes;
        assert.deepEqual([threadsToPrestart(big, undefined, 2), threadsToPrestart(big - 1, undefined, 4), threadsToPrestart(big, undefined, 1)], [1, 0, 0]);
    });

    it("requires the pool's setup module in every thread before the pack, in started threads and in new ones alike", async () => {
        const [one] = fixture("bad-plan.json").stacks;
        const stacks = ["a", "b", "c"].map((name) => ({ ...one, stack: `${one.stack}-${name}` }));
        const serial = await evaluateStacks(stacks, undefined, 1);
        const marks = fs.mkdtempSync(path.join(dir, "setup-"));
        process.env.OSSMON_THREAD_SETUP_DIR = marks;
        try {
            // One started before the plan is read, one started when taken (3 runs, one of them this thread's).
            const pool = new ThreadPool(1, path.join(FIXTURES, "threadSetup.ts"));
            assert.deepEqual(await evaluateStacks(stacks, undefined, 3, undefined, {}, pool), serial);
        } finally {
            delete process.env.OSSMON_THREAD_SETUP_DIR;
        }
        const seen = fs.readdirSync(marks).map((f) => JSON.parse(fs.readFileSync(path.join(marks, f), "utf8")) as { packLoaded: boolean });
        assert.deepEqual(seen, [{ packLoaded: false }, { packLoaded: false }]);
    });

    it("evaluates with started threads as with new ones, ends those not taken, and never hands out one that has exited", async () => {
        const stacks = fixture("bad-plan.json").stacks;
        const serial = await evaluateStacks(stacks, undefined, 1);
        const pool = new ThreadPool(3);
        assert.deepEqual(await evaluateStacks(stacks, undefined, 2, undefined, {}, pool), serial);
        // The two threads nobody took are ended (the taken one ends once it reported).
        const spare = pool as unknown as { idle: Worker[] };
        assert.equal(spare.idle.length, 0);
        const dead = new ThreadPool(1);
        const [first] = (dead as unknown as { idle: Worker[] }).idle;
        await first.terminate();
        await new Promise((resolve) => setImmediate(resolve));
        const taken = dead.take();
        assert.notEqual(taken, first);
        await taken.terminate();
        dead.close();
    });
});
