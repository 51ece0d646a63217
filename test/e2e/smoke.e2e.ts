import * as assert from "assert";
import { execFileSync } from "child_process";
import { recordScenario } from "./report";

// Placeholder until the data-path suite lands: proves the e2e runner finds and runs *.e2e.ts files
// and that tools/setup.sh installed the real Prometheus tooling the suites start.
describe("e2e: tools installed by tools/setup.sh", () => {
    it("promtool, amtool and haproxy are on the PATH and report their versions", () => {
        const start = Date.now();
        const versions = ["promtool", "amtool", "haproxy"].map((t) =>
            execFileSync(t, t === "haproxy" ? ["-v"] : ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).split("\n")[0]);
        assert.match(versions[0], /promtool, version \d+\.\d+/);
        assert.match(versions[1], /amtool, version \d+\.\d+/);
        assert.match(versions[2], /HAProxy version \d+\.\d+/);
        recordScenario({ name: "tools", passed: true, sent: null, stored: null, lost: null, seconds: (Date.now() - start) / 1000, details: { versions } });
    });
});
