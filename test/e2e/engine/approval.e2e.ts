/**
 * Approvals on the real Pulumi engine: `preview --save-plan` shows every resource change and saves
 * Pulumi update plans; `up --plan` runs exactly them, and refuses when the program changed since
 * (the engine's plan check: https://www.pulumi.com/docs/iac/concepts/update-plans/). The fixture
 * fleet (test/e2e/engine/fixture) on a file:// backend; each Work resource is replaced when its
 * stack's cues change, which is how these scenarios make "the fleet changed since the preview".
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import type { StackReport } from "../../../automation/driver/record/report";
import { recordScenario } from "../report";
import { FixtureFleet, toolsBin } from "./harness";

const byStack = (stacks: readonly StackReport[]) => new Map(stacks.map((s) => [s.stack, s]));

describe("e2e: approvals with saved Pulumi plans (real engine)", function () {
    this.timeout(900_000);
    let fleet: FixtureFleet;

    before(function () {
        this.timeout(3_600_000);
        fleet = new FixtureFleet(toolsBin());
    });

    after(() => fleet.cleanup());

    function record(name: string, passed: boolean, seconds: number, details: Record<string, unknown>): void {
        // Engine scenarios count no samples: null, never a made-up 0 (test/e2e/report.ts).
        recordScenario({ name: `engine: ${name}`, passed, sent: null, stored: null, lost: null, seconds: Math.round(seconds * 10) / 10, details });
    }

    it("preview --save-plan lists every resource to create and saves its plan; up --plan runs exactly it (hub, then a spoke)", async () => {
        const dir = path.join(fleet.dir, "plans-hub");
        const p = await fleet.fleet("preview", ["--stacks", "hub", "--save-plan", dir]);
        assert.strictEqual(p.code, 0, p.stdout + p.stderr);
        const hub = byStack(p.report!.stacks).get("hub")!;
        assert.ok((hub.resources ?? []).some((r) => r.op === "create" && r.type === "command:local:Command"), JSON.stringify(hub.resources));
        assert.ok((hub.resources ?? []).every((r) => r.op === "create"), "a new stack only creates");
        assert.strictEqual(hub.resources!.length, hub.changes.create, "one line per resource the engine counts");
        assert.match(p.stdout, /^ {6}\+ {2}create {3}command:local:Command {2}hub-run$/m);
        assert.match(p.stdout, /saved 1 of 1 plan\(s\) in .*plans-hub; run exactly them with up --plan/);
        assert.ok(fs.existsSync(path.join(dir, "hub.json")));

        const u = await fleet.fleet("up", ["--stacks", "hub", "--plan", dir]);
        assert.strictEqual(u.code, 0, u.stdout + u.stderr);
        const ran = byStack(u.report!.stacks).get("hub")!;
        assert.strictEqual(ran.result, "succeeded");
        assert.strictEqual(ran.changes.create, hub.changes.create, "up created what the preview showed");

        // A spoke reads the hub's outputs: its preview works once the hub is deployed.
        const spokeDir = path.join(fleet.dir, "plans-spoke");
        const sp = await fleet.fleet("preview", ["--stacks", "spoke-01", "--save-plan", spokeDir]);
        assert.strictEqual(sp.code, 0, sp.stdout + sp.stderr);
        const su = await fleet.fleet("up", ["--stacks", "spoke-01", "--plan", spokeDir]);
        assert.strictEqual(su.code, 0, su.stdout + su.stderr);
        assert.strictEqual(byStack(su.report!.stacks).get("spoke-01")!.result, "succeeded");
        record("preview --save-plan, then up --plan", true, p.seconds + u.seconds + sp.seconds + su.seconds, { created: ran.changes.create });
    });

    it("a replacement is listed first; up --plan refuses when the program wants something else since, changing nothing", async () => {
        const dir = path.join(fleet.dir, "plans-2");
        fleet.cue("spoke-01", "sleep", "1");
        const p = await fleet.fleet("preview", ["--stacks", "spoke-01", "--save-plan", dir]);
        assert.strictEqual(p.code, 0, p.stdout + p.stderr);
        const resources = byStack(p.report!.stacks).get("spoke-01")!.resources ?? [];
        assert.strictEqual(resources[0]?.op, "replace", JSON.stringify(resources));
        assert.match(p.stdout, /^ {6}\+- replace {2}command:local:Command {2}spoke-01-run {2}\(triggers\)$/m);

        // The fleet changes after the approval: the same resource now needs other inputs.
        fleet.cue("spoke-01", "sleep", "2");
        fleet.resetEvents();
        const u = await fleet.fleet("up", ["--stacks", "spoke-01", "--plan", dir]);
        fleet.clearCue("spoke-01", "sleep");
        assert.strictEqual(u.code, 1, u.stdout + u.stderr);
        const s = byStack(u.report!.stacks).get("spoke-01")!;
        assert.strictEqual(s.result, "failed");
        assert.match(s.error ?? "", /plan/i);
        assert.deepStrictEqual(fleet.events().filter((e) => e.stack === "spoke-01"), [], "the work command did not run");
        record("up --plan refuses a changed program", true, p.seconds + u.seconds, { error: s.error });
    });

    it("up --plan refuses before running anything when a selected stack has no saved plan", async () => {
        const dir = path.join(fleet.dir, "plans-spoke");
        const u = await fleet.fleet("up", ["--stacks", "spoke-01,spoke-02", "--plan", dir]);
        assert.strictEqual(u.code, 2, u.stdout + u.stderr);
        assert.match(u.stderr, /^--plan .*plans-spoke: no saved plan for spoke-02 \(not previewed, or its preview failed\)/m);
        assert.deepStrictEqual(u.report, undefined, "refused before any run: no report");
        record("up --plan refuses a stack without a plan", true, u.seconds, {});
    });
});
