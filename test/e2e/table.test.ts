import * as assert from "assert";
import { BEGIN, END, currentBlock, renderReportTable, replaceBlock } from "./table";
import { E2eReport } from "./report";

const report = (over: Partial<E2eReport> = {}): E2eReport => ({
    collector: { version: "0.43.3", adot: "v0.43.3" },
    run: { startedAt: "2026-12-06T11:00:00.000Z", seconds: 1740, node: "v20.19.0", cpus: 2, loadAverage: 3.2 },
    scenarios: [
        { name: "1-spoke", test: "data path 1: stores every sample once", passed: true, sent: 4600, stored: 4600, lost: 0, seconds: 61.2, details: {} },
        { name: "engine: resume", test: "engine resume | picks up", passed: false, sent: null, stored: null, lost: null, seconds: 3.0000000001, details: {}, error: "expected 2 | got 1" },
        { name: "suite a test", test: "suite a test", passed: true, sent: null, stored: null, lost: null, seconds: 0.25, details: {} },
    ],
    ...over,
});

describe("e2e table: the README's figures rendered from one report", () => {
    it("renders measured figures with thousands separators, unmeasured ones as a dash, and a failure with its error", () => {
        const t = renderReportTable(report()).split("\n");
        assert.match(t[0], /whole suite, started 2026-12-06T11:00:00.000Z, 29 min on 2 CPUs \(load average 3.2 at the end\), Node.js v20.19.0, collector 0.43.3 \(ADOT v0.43.3\): 2 of 3 entries passed\./);
        assert.strictEqual(t[4], "| `1-spoke` | data path 1: stores every sample once | passed | 4,600 | 4,600 | 0 | 61.2 |");
        assert.strictEqual(t[5], "| `engine: resume` | engine resume \\| picks up | **failed**: expected 2 \\| got 1 | — | — | — | 3 |");
        assert.strictEqual(t[6], "| — | suite a test | passed | — | — | — | 0.3 |", "an entry the runner made for a test is named once; seconds to a tenth");
    });

    it("says when the report is of a partial run", () => {
        const r = report();
        assert.match(renderReportTable({ ...r, run: { ...r.run!, grep: "data path 9" } }), /limited to `data path 9`/);
    });

    it("replaces only the block between the markers, and refuses a README without exactly one block", () => {
        const readme = `intro\n${BEGIN}\nold\n${END}\nafter\n`;
        const next = replaceBlock(readme, "NEW");
        assert.strictEqual(next, `intro\n${BEGIN}\nNEW\n${END}\nafter\n`);
        assert.strictEqual(currentBlock(next), "NEW");
        assert.throws(() => replaceBlock("no markers", "x"), /expected one/);
        assert.throws(() => replaceBlock(`${readme}${BEGIN}\n${END}\n`, "x"), /expected one/);
    });
});
