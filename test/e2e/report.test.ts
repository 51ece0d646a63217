import * as assert from "assert";
import Mocha from "mocha";
import { ScenarioResult, TestOutcome, currentReport, measured, reconcile, trackOutcomes } from "./report";

const entry = (over: Partial<ScenarioResult>): ScenarioResult => ({ name: "s", passed: true, sent: 10, stored: 10, lost: 0, seconds: 1, details: {}, ...over });

/** Runs a suite in a separate mocha instance and returns what trackOutcomes saw. */
async function outcomesOf(build: (root: Mocha.Suite) => void, grep?: string): Promise<TestOutcome[]> {
    // A silent reporter: the inner run must not print into this one's output.
    const mocha = new Mocha({ reporter: class { constructor() { /* silent */ } } as unknown as string });
    build(mocha.suite);
    if (grep !== undefined) mocha.grep(grep);
    const outcomes = new Map<string, TestOutcome>();
    await new Promise<void>((resolve) => {
        const runner = mocha.run(() => resolve());
        trackOutcomes(runner, mocha.options.grep instanceof RegExp ? mocha.options.grep : undefined, outcomes);
    });
    return [...outcomes.values()].sort((a, b) => a.title.localeCompare(b.title));
}

describe("e2e report: every scenario appears, passed or failed, with measured figures only", () => {
    it("a scenario that fails after measuring is recorded failed with what it measured and nulls for the rest", async () => {
        const before = currentReport().scenarios.length;
        await assert.rejects(measured("report-test-fails", async (f) => {
            f.sent = 200;
            assert.strictEqual(199, 200, "a dropped sample");
        }), /a dropped sample/);
        const e = currentReport().scenarios.slice(before).find((s) => s.name === "report-test-fails")!;
        currentReport().scenarios.splice(before);
        assert.deepStrictEqual({ passed: e.passed, sent: e.sent, stored: e.stored, lost: e.lost }, { passed: false, sent: 200, stored: null, lost: null });
        assert.match(e.error ?? "", /a dropped sample/);
    });

    it("reconcile: an entry recorded as passed by a test mocha failed (e.g. a timeout) becomes failed", () => {
        const out = reconcile([entry({ test: "t1" })], [{ title: "t1", passed: false, seconds: 600, error: "Timeout of 600000ms exceeded" }]);
        assert.deepStrictEqual([out[0].passed, out[0].error], [false, "Timeout of 600000ms exceeded"]);
    });

    it("reconcile: a test without an entry gets one with null figures; an entry of a passed test is unchanged", () => {
        const out = reconcile([entry({ test: "t1" })], [{ title: "t1", passed: true, seconds: 1 }, { title: "t2", passed: false, seconds: 2, error: "boom" }]);
        assert.deepStrictEqual(out, [entry({ test: "t1" }), { name: "t2", test: "t2", passed: false, sent: null, stored: null, lost: null, seconds: 2, details: {}, error: "boom" }]);
    });

    it("trackOutcomes: tests a failing before hook kept from running are failed with the hook's error; grep-excluded ones are absent", async () => {
        const outcomes = await outcomesOf((root) => {
            const ok = Mocha.Suite.create(root, "ok");
            ok.addTest(new Mocha.Test("passes", () => undefined));
            ok.addTest(new Mocha.Test("fails", () => { throw new Error("stored 198 of 200"); }));
            const broken = Mocha.Suite.create(root, "broken");
            broken.beforeAll("start the hub", () => { throw new Error("hub exited"); });
            broken.addTest(new Mocha.Test("never runs", () => undefined));
            broken.addTest(new Mocha.Test("excluded by grep", () => undefined));
        }, "^ok |never runs");
        assert.deepStrictEqual(outcomes.map((o) => [o.title, o.passed, o.error]), [
            ["broken never runs", false, '"before all" hook: start the hub for "never runs": hub exited'],
            ["ok fails", false, "stored 198 of 200"],
            ["ok passes", true, undefined],
        ]);
    });
});
