import * as fs from "fs";
import Mocha from "mocha";
import * as os from "os";
import * as path from "path";

/**
 * The end-to-end report: every scenario records one entry, and `npm run e2e -- --report FILE`
 * writes them as `{ collector: { version, adot }, scenarios: [...] }` when the run ends.
 * Figures are what the real components stored or did, never values a test assumed: a figure the
 * scenario did not measure (it failed first, or nothing flows in it) is null, never a made-up 0.
 * Every test that ran appears, passed or failed: one without an entry of its own gets one from
 * the runner (`reconcile`), and an entry's `passed` is the test's outcome as mocha saw it.
 */
export interface ScenarioResult {
    readonly name: string;
    readonly passed: boolean;
    /** Samples (or operations) the scenario sent, counted at the sender; null when not measured. */
    readonly sent: number | null;
    /** Samples (or operations) the store (Prometheus, the engine's state) holds afterwards; null when not measured. */
    readonly stored: number | null;
    /** sent - stored; null when either is. */
    readonly lost: number | null;
    readonly seconds: number;
    readonly details: Record<string, unknown>;
    /** The mocha test (full title) the entry was recorded in. */
    readonly test?: string;
    /** Why the test failed (first line of the error), when it did. */
    readonly error?: string;
}

/** Where and when the run happened: figures from a loaded 2-core machine read differently from an idle one. */
export interface RunInfo {
    readonly startedAt: string;
    readonly seconds: number;
    readonly node: string;
    readonly cpus: number;
    /** The 1-minute load average when the run ended. */
    readonly loadAverage: number;
    /** The pattern the run was limited to; absent for a whole-suite run. */
    readonly grep?: string;
}

export interface E2eReport {
    collector: { version: string; adot: string };
    run?: RunInfo;
    scenarios: ScenarioResult[];
}

const report: E2eReport = { collector: { version: "", adot: "" }, scenarios: [] };
const startedAt = new Date();
let currentTest: string | undefined;

export function setCollector(version: string, adot: string): void {
    report.collector = { version, adot };
}

/** The runner says which test is running, so entries are tied to the test whose outcome they report. */
export function setCurrentTest(fullTitle: string | undefined): void {
    currentTest = fullTitle;
}

export function recordScenario(result: ScenarioResult): void {
    report.scenarios.push({ ...result, test: result.test ?? currentTest });
}

export function currentReport(): E2eReport {
    return report;
}

/** Figures a scenario fills in as it measures them; whatever it measured is recorded even if it then fails. */
export interface Figures { sent: number | null; stored: number | null; lost: number | null; details: Record<string, unknown> }

/**
 * Runs one scenario and records its entry whether its assertions pass or not: `body` fills the
 * figures as it measures them, then asserts. Unmeasured figures stay null.
 */
export async function measured(name: string, body: (figures: Figures) => Promise<void>): Promise<void> {
    const start = Date.now();
    const f: Figures = { sent: null, stored: null, lost: null, details: {} };
    let passed = false;
    let error: string | undefined;
    try {
        await body(f);
        passed = true;
    } catch (e) {
        error = firstLine(e);
        throw e;
    } finally {
        const lost = f.lost ?? (f.sent !== null && f.stored !== null ? f.sent - f.stored : null);
        recordScenario({ name, passed, sent: f.sent, stored: f.stored, lost, seconds: Math.round((Date.now() - start) / 100) / 10, details: f.details, ...(error !== undefined ? { error } : {}) });
        console.log(`      [${name}] sent=${f.sent} stored=${f.stored} lost=${lost} ${JSON.stringify(f.details)}`);
    }
}

export function firstLine(e: unknown): string {
    return (e instanceof Error ? e.message : String(e)).split("\n")[0];
}

/** A test's outcome as mocha reported it. */
export interface TestOutcome { readonly title: string; readonly passed: boolean; readonly seconds: number; readonly error?: string }

/**
 * The report's entries made consistent with what mocha saw: an entry of a failed test (a timeout,
 * an assertion after the entry was recorded) is failed; a test that ran (or was stopped by a
 * failing hook) without an entry of its own gets one, with no figures. Entries recorded outside
 * any test stay as they are.
 */
export function reconcile(entries: readonly ScenarioResult[], outcomes: readonly TestOutcome[]): ScenarioResult[] {
    const byTitle = new Map(outcomes.map((o) => [o.title, o]));
    const out = entries.map((e) => {
        const o = e.test !== undefined ? byTitle.get(e.test) : undefined;
        if (o === undefined || o.passed || !e.passed) return e;
        return { ...e, passed: false, error: e.error ?? o.error };
    });
    for (const o of outcomes) {
        if (entries.some((e) => e.test === o.title)) continue;
        out.push({ name: o.title, test: o.title, passed: o.passed, sent: null, stored: null, lost: null, seconds: o.seconds, details: {}, ...(o.error !== undefined ? { error: o.error } : {}) });
    }
    return out;
}

/**
 * Every test's outcome for the report, including the tests a failing `before` hook kept from
 * running (mocha reports only the hook): they failed, with the hook's error.
 */
export function trackOutcomes(runner: Mocha.Runner, pattern: RegExp | undefined, outcomes: Map<string, TestOutcome>): void {
    const C = Mocha.Runner.constants;
    runner.on(C.EVENT_TEST_BEGIN, (t: Mocha.Test) => setCurrentTest(t.fullTitle()));
    runner.on(C.EVENT_TEST_PASS, (t: Mocha.Test) => outcomes.set(t.fullTitle(), { title: t.fullTitle(), passed: true, seconds: (t.duration ?? 0) / 1000 }));
    runner.on(C.EVENT_TEST_END, () => setCurrentTest(undefined));
    runner.on(C.EVENT_TEST_FAIL, (t: Mocha.Runnable, err: unknown) => {
        if (!(t instanceof Mocha.Hook)) {
            outcomes.set(t.fullTitle(), { title: t.fullTitle(), passed: false, seconds: (t.duration ?? 0) / 1000, error: firstLine(err) });
            return;
        }
        t.parent?.eachTest((test) => {
            const title = test.fullTitle();
            if (outcomes.has(title) || (pattern !== undefined && !pattern.test(title))) return;
            outcomes.set(title, { title, passed: false, seconds: 0, error: `${t.title}: ${firstLine(err)}` });
        });
    });
}

/** Writes the report atomically (temporary file + rename) so a reader never sees half of it. */
export function writeReport(file: string, outcomes: readonly TestOutcome[] = [], grep?: string): void {
    const target = path.resolve(file);
    const tmp = `${target}.${process.pid}.tmp`;
    const run: RunInfo = {
        startedAt: startedAt.toISOString(), seconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
        node: process.version, cpus: os.cpus().length, loadAverage: Math.round(os.loadavg()[0] * 10) / 10,
        ...(grep !== undefined ? { grep } : {}),
    };
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(tmp, JSON.stringify({ collector: report.collector, run, scenarios: reconcile(report.scenarios, outcomes) }, null, 2) + "\n");
    fs.renameSync(tmp, target);
}
