import * as assert from "assert";
import { VirtualClock } from "../../../../automation/driver/schedule/clock";
import { failureGroups, Progress } from "../../../../automation/driver/record/report";

describe("failures grouped by cause", () => {
    it("masks stack names, account IDs and durations so one cause is one line", () => {
        const base = { role: "monitored", region: "us-east-1", attempts: 1, changes: {}, resourcesChanged: 0, policyViolations: { mandatory: 0, advisory: 0 } };
        const groups = failureGroups([
            { ...base, stack: "s1", account: "200000000001", result: "failed", error: "s1: AccessDenied for 200000000001 after 3s" },
            { ...base, stack: "s2", account: "200000000002", result: "failed", error: "s2: AccessDenied for 200000000002 after 41s" },
            { ...base, stack: "s3", account: "200000000003", result: "failed", error: "program crashed" },
            { ...base, stack: "s4", account: "200000000004", result: "succeeded" },
        ]);
        assert.deepStrictEqual(groups, [
            { cause: "<stack>: AccessDenied for <account> after <n>", stacks: ["s1", "s2"] },
            { cause: "program crashed", stacks: ["s3"] },
        ]);
    });
});

describe("live progress", () => {
    it("prints done N/M and each running stack with its elapsed time, longest first", async () => {
        const clock = new VirtualClock(0);
        const lines: string[] = [];
        const p = new Progress((l) => lines.push(l), clock, 3);
        p.started("a", "main", "x");
        await clock.sleep(65_000);
        p.started("b", "main", "x");
        await clock.sleep(5_000);
        assert.strictEqual(p.statusLine(), "[01:10] 0/3 done, 0 failed; running 2: a 1m10s, b 5s");
        assert.strictEqual(p.statusLine(1), "[01:10] 0/3 done, 0 failed; running 2: a 1m10s, +1 more");
    });
});
