import * as fs from "fs";
import * as path from "path";

/**
 * The end-to-end report: every scenario records one entry, and `npm run e2e -- --report FILE`
 * writes them as `{ collector: { version, adot }, scenarios: [...] }` when the run ends.
 * Figures are what the real components stored or did, never values a test assumed.
 */
export interface ScenarioResult {
    readonly name: string;
    readonly passed: boolean;
    /** Samples (or operations) the scenario sent; 0 where nothing is sent. */
    readonly sent: number;
    /** Samples (or operations) the store (Prometheus, the engine's state) holds afterwards. */
    readonly stored: number;
    /** sent - stored where a loss is expected or possible; 0 otherwise. */
    readonly lost: number;
    readonly seconds: number;
    readonly details: Record<string, unknown>;
}

export interface E2eReport {
    collector: { version: string; adot: string };
    scenarios: ScenarioResult[];
}

const report: E2eReport = { collector: { version: "", adot: "" }, scenarios: [] };

export function setCollector(version: string, adot: string): void {
    report.collector = { version, adot };
}

export function recordScenario(result: ScenarioResult): void {
    report.scenarios.push(result);
}

export function currentReport(): E2eReport {
    return report;
}

/** Writes the report atomically (temporary file + rename) so a reader never sees half of it. */
export function writeReport(file: string): void {
    const target = path.resolve(file);
    const tmp = `${target}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(report, null, 2) + "\n");
    fs.renameSync(tmp, target);
}
