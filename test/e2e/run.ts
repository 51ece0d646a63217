import Mocha from "mocha";
import * as path from "path";
import * as fs from "fs";
import { TestOutcome, trackOutcomes, writeReport } from "./report";

/**
 * `npm run e2e [-- --report FILE] [-- --grep PATTERN]`: the end-to-end suite against real
 * components on loopback (test/e2e/**\/*.e2e.ts). Tools are installed or built by tools/setup.sh.
 */
function main(argv: string[]): number | Promise<number> {
    let reportFile: string | undefined;
    let grep: string | undefined;
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if ((a === "--report" || a === "--grep") && argv[i + 1] !== undefined && !argv[i + 1].startsWith("--")) {
            if (a === "--report") reportFile = argv[++i];
            else grep = argv[++i];
        } else {
            console.error(`e2e: unknown or incomplete argument '${a}'; usage: npm run e2e -- [--report FILE] [--grep PATTERN]`);
            return 2;
        }
    }
    const root = path.resolve(__dirname, "../..");
    const mocha = new Mocha({ timeout: 600_000, reporter: path.join(root, "test/support/reporter.ts") });
    if (grep !== undefined) mocha.grep(grep);
    // The pattern as mocha compiled it, to know which tests a failing hook kept from running.
    const pattern = mocha.options.grep instanceof RegExp ? mocha.options.grep : undefined;
    const dir = path.join(root, "test/e2e");
    const files = (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith(".e2e.ts")).sort();
    for (const f of files) mocha.addFile(path.join(dir, f));
    return new Promise((resolve) => {
        const outcomes = new Map<string, TestOutcome>();
        const runner = mocha.run((failures) => {
            if (reportFile !== undefined) writeReport(reportFile, [...outcomes.values()], grep);
            resolve(failures > 0 ? 1 : 0);
        });
        trackOutcomes(runner, pattern, outcomes);
    });
}

void Promise.resolve(main(process.argv.slice(2))).then((code) => { process.exitCode = code; });
