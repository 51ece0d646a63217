/**
 * The fleet driver against the real Pulumi engine (CLI built by tools/pulumi/build.sh): the
 * fixture fleet (hub + 21 spokes of command resources and components) on a file:// backend with
 * passphrase secrets. Scenarios share one fleet and run in order.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import type { StackReport } from "../../../automation/driver/record/report";
import { recordScenario } from "../report";
import { account, CANARY, FixtureFleet, maxInFlight, SPOKES, toolsBin, waitFor } from "./harness";

const byStack = (stacks: readonly StackReport[]) => new Map(stacks.map((s) => [s.stack, s]));

describe("e2e: fleet driver on the real Pulumi engine", function () {
    this.timeout(900_000);
    let fleet: FixtureFleet;

    before(function () {
        this.timeout(3_600_000);
        fleet = new FixtureFleet(toolsBin());
    });

    after(() => {
        if (process.env.FLEET_E2E_KEEP === undefined) {
            fleet.cleanup();
        } else {
            console.log(`fixture kept in ${fleet.dir}`);
        }
    });

    function record(name: string, passed: boolean, seconds: number, details: Record<string, unknown>, ops = 0): void {
        recordScenario({ name: `engine: ${name}`, passed, sent: ops, stored: ops, lost: 0, seconds, details });
    }

    it("preview --policy-pack policy runs the real analyzer and fails on a violating fixture resource, naming the rule", async () => {
        fleet.cue("hub", "violate");
        const r = await fleet.fleet("preview", ["--stacks", "hub", "--policy-pack", "policy"]);
        fleet.clearCue("hub", "violate");
        assert.strictEqual(r.code, 1, r.stdout + r.stderr);
        const hub = byStack(r.report!.stacks).get("hub")!;
        assert.strictEqual(hub.result, "failed");
        const log = fs.readFileSync(path.join(fleet.stateDir, "logs", "hub.log"), "utf8");
        assert.match(log, /cost-allocation-tags/);
        assert.match(log, /mandatory/);
        record("preview with the project's policy pack", true, r.seconds, { error: hub.error, exit: r.code });
    });

    it("up: hub → canary → main in order, at most --concurrency in flight, strict budget stops at the first main-wave failure", async () => {
        fleet.cue("spoke-02", "sleep", "4");
        fleet.cue("spoke-03", "sleep", "4");
        fleet.cue("spoke-09", "fail");
        const r = await fleet.fleet("up", ["--failure-tolerance", "0", "--mode", "strict"]);
        assert.strictEqual(r.code, 1, r.stdout + r.stderr);
        const rep = byStack(r.report!.stacks);
        assert.strictEqual(rep.get("hub")!.result, "succeeded");
        assert.strictEqual(rep.get(CANARY)!.result, "succeeded");
        assert.strictEqual(rep.get("spoke-09")!.result, "failed");
        assert.match(r.report!.stopReason ?? "", /failure tolerance exceeded/);
        assert.ok(r.report!.counts["not-run"] > 0, "the stop leaves stacks not run");
        assert.match(r.stdout, /failures by cause:\n\s+1× error: fixture: <stack> fails on cue \(exit code 1\) \(spoke-09\)/);

        const ev = fleet.events();
        const ends = (s: string) => ev.filter((e) => e.stack === s && e.kind === "end").map((e) => e.at);
        const starts = (s: string) => ev.filter((e) => e.stack === s && e.kind === "start").map((e) => e.at);
        const mainStarts = ev.filter((e) => e.kind === "start" && e.stack !== "hub" && e.stack !== CANARY).map((e) => e.at);
        assert.ok(Math.max(...ends("hub")) <= Math.min(...starts(CANARY)), "the canary starts after the hub finished");
        assert.ok(Math.max(...ends(CANARY)) <= Math.min(...mainStarts), "the main wave starts after the canary finished");
        const inFlight = maxInFlight(ev);
        assert.ok(inFlight <= 4, `at most 4 in flight, saw ${inFlight}`);
        assert.ok(inFlight >= 2, `the main wave runs in parallel, saw ${inFlight}`);
        // Stacks that never ran did no work.
        for (const s of r.report!.stacks.filter((x) => x.result === "not-run")) {
            assert.strictEqual(starts(s.stack).length, 0, `${s.stack} did not run`);
        }
        record("up strict, first main-wave failure stops", true, r.seconds, { maxInFlight: inFlight, counts: r.report!.counts, stopReason: r.report!.stopReason }, r.report!.stacks.length);
    });

    it("a second up resumes: only the failed and never-run stacks run", async () => {
        fleet.clearCue("spoke-09", "fail");
        const before = byStack((JSON.parse(fs.readFileSync(path.join(fleet.dir, "report-2.json"), "utf8")) as { stacks: StackReport[] }).stacks);
        fleet.resetEvents();
        const r = await fleet.fleet("up");
        assert.strictEqual(r.code, 0, r.stdout + r.stderr);
        assert.strictEqual(r.report!.resumed, true);
        const ran = new Set(fleet.events().filter((e) => e.kind === "start").map((e) => e.stack));
        for (const [name, prev] of before) {
            const now = byStack(r.report!.stacks).get(name)!;
            if (prev.result === "succeeded") {
                assert.strictEqual(now.result, "up-to-date", name);
                assert.ok(!ran.has(name), `${name} did not run again`);
            } else {
                assert.strictEqual(now.result, "succeeded", name);
                assert.ok(ran.has(name), `${name} ran`);
            }
        }
        const inFlight = maxInFlight(fleet.events());
        assert.ok(inFlight <= 4);
        record("resume", true, r.seconds, { reran: [...ran].sort(), maxInFlight: inFlight }, ran.size);
    });

    it("outputs shows secrets as [secret]; status reads the journal", async () => {
        const r = await fleet.fleet("outputs", ["--stacks", `hub,${CANARY}`]);
        assert.strictEqual(r.code, 0, r.stderr);
        const outputs = Object.fromEntries(r.report!.stacks.map((s) => [s.stack, s.outputs!]));
        assert.strictEqual(outputs.hub.ingestToken, "[secret]");
        assert.strictEqual(outputs.hub.endpoint, "collector.hub.fixture.internal");
        assert.strictEqual(outputs[CANARY].tokenFingerprint, "[secret]");
        assert.strictEqual(outputs[CANARY].registration, `${CANARY}->collector.hub.fixture.internal`);
        assert.doesNotMatch(r.stdout, /token-hub-0123456789/);
        const st = await fleet.fleet("status");
        assert.strictEqual(st.code, 0, st.stdout + st.stderr);
        assert.match(st.stdout, /spoke-21/);
        record("outputs and status", true, r.seconds + st.seconds, { hubOutputs: outputs.hub });
    });

    it("drift: an out-of-band change exits 3 naming the stack; refresh records it, up repairs it", async () => {
        fs.writeFileSync(fleet.registrationFile("spoke-04"), "edited out of band\n");
        const d = await fleet.fleet("drift", ["--stacks", "hub,spoke-03,spoke-04"]);
        assert.strictEqual(d.code, 3, d.stdout + d.stderr);
        const drifted = d.report!.stacks.filter((s) => s.drifted).map((s) => s.stack);
        assert.deepStrictEqual(drifted, ["spoke-04"]);
        assert.match(d.stdout, /spoke-04.*DRIFTED|spoke-04 .*\(drift\)/);
        const r = await fleet.fleet("refresh", ["--stacks", "spoke-04"]);
        assert.strictEqual(r.code, 0, r.stdout + r.stderr);
        assert.strictEqual(byStack(r.report!.stacks).get("spoke-04")!.result, "succeeded");
        // Pulumi 3.248 diffs refreshed outputs against the program, so the stack stays drifted until `up` restores it.
        const up = await fleet.fleet("up", ["--stacks", "spoke-04", "--force"]);
        assert.strictEqual(up.code, 0, up.stdout + up.stderr);
        assert.strictEqual(fs.readFileSync(fleet.registrationFile("spoke-04"), "utf8"), "spoke-04->collector.hub.fixture.internal\n");
        const again = await fleet.fleet("drift", ["--stacks", "spoke-04"]);
        assert.strictEqual(again.code, 0, again.stdout + again.stderr);
        record("drift, refresh, repair", true, d.seconds + r.seconds + up.seconds + again.seconds, { drifted });
    });

    it("failure budget soft: failures within the tolerance do not stop the rollout; --force starts anew", async () => {
        const subset = ["--stacks", "hub,spoke-04,spoke-05,spoke-06,spoke-07", "--force"];
        fleet.cue("spoke-05", "fail");
        fleet.cue("spoke-06", "fail");
        fleet.resetEvents();
        const soft = await fleet.fleet("up", [...subset, "--mode", "soft", "--failure-tolerance", "2"]);
        assert.strictEqual(soft.code, 1);
        assert.strictEqual(soft.report!.resumed, false);
        assert.strictEqual(soft.report!.stopReason, undefined, "two failures are within the budget");
        assert.strictEqual(soft.report!.counts.failed, 2);
        assert.strictEqual(soft.report!.counts.succeeded, 3, "every other selected stack ran again");
        assert.match(soft.stdout, /2× error: fixture: <stack> fails on cue \(exit code 1\) \((spoke-05, spoke-06|spoke-06, spoke-05)\)/);

        const strict = await fleet.fleet("up", [...subset, "--mode", "strict", "--failure-tolerance", "1", "--concurrency", "1"]);
        assert.strictEqual(strict.code, 1);
        assert.match(strict.report!.stopReason ?? "", /failure tolerance exceeded: 2 failed in the main wave, 1 tolerated/);
        fleet.clearCues();
        record("failure budget soft and strict", true, soft.seconds + strict.seconds, { soft: soft.report!.counts, strict: strict.report!.counts, strictStop: strict.report!.stopReason });
    });

    it("Ctrl-C: queued stacks do not start, running ones are cancelled, the journal says so, exit 130", async () => {
        for (const s of SPOKES) {
            fleet.cue(s, "sleep", "6");
        }
        fleet.resetEvents();
        const run = fleet.start("up", ["--force", "--concurrency", "3", "--canary-count", "0"]);
        // Interrupt once three main-wave stacks are working.
        await waitFor(() => fleet.events().filter((e) => e.kind === "start" && e.stack !== "hub").length >= 3, 300_000, "three spokes to start");
        const interruptedAt = Date.now();
        run.interrupt();
        const r = await run.done;
        fleet.clearCues();
        assert.strictEqual(r.code, 130, r.stdout + r.stderr);
        const ev = fleet.events();
        const lateStarts = ev.filter((e) => e.kind === "start" && e.at > interruptedAt + 500);
        assert.deepStrictEqual(lateStarts, [], "nothing starts after Ctrl-C");
        const rep = byStack(r.report!.stacks);
        const started = new Set(ev.filter((e) => e.kind === "start").map((e) => e.stack));
        for (const s of SPOKES) {
            const res = rep.get(s)!.result;
            if (started.has(s)) {
                assert.ok(res === "cancelled" || res === "succeeded", `${s} was running: ${res}`);
            } else {
                assert.ok(res === "not-run" || res === "up-to-date", `${s} was queued: ${res}`);
            }
        }
        const journal = JSON.parse(fs.readFileSync(path.join(fleet.stateDir, "journal.json"), "utf8")) as { stacks: Record<string, { ops: { up?: { result: string; durationMs?: number; startedAt?: string } } }> };
        const notRun = SPOKES.filter((s) => journal.stacks[s].ops.up?.result === "not-run");
        const cancelled = SPOKES.filter((s) => journal.stacks[s].ops.up?.result === "cancelled");
        assert.ok(notRun.length >= 10, `queued stacks journaled not-run: ${notRun.length}`);
        // Recorded start and duration are the operation's: the start precedes the stack's work and
        // start + duration covers it (the start is taken when the Pulumi operation begins).
        for (const s of [...started].filter((x) => x !== "hub")) {
            const e = journal.stacks[s].ops.up!;
            if (e.durationMs !== undefined && e.startedAt !== undefined) {
                const firstWork = Math.min(...ev.filter((x) => x.stack === s && x.kind === "start").map((x) => x.at));
                assert.ok(Date.parse(e.startedAt) <= firstWork, `${s} start precedes its work`);
            }
        }
        record("Ctrl-C", true, r.seconds, { started: [...started].sort(), cancelled, notRun: notRun.length, exit: r.code });
    });

    it("a real lock conflict (ConcurrentUpdateError) is retried, then reported with how to clear it", async () => {
        fleet.cue("spoke-03", "sleep", "40");
        fleet.resetEvents();
        // Another process holds the stack: a plain `pulumi up` of the same stack.
        const holder = fleet.pulumi(["up", "--yes", "--skip-preview", "--stack", "organization/oss-monitoring/spoke-03", "--refresh=false"]);
        let holderOut = "";
        holder.stdout!.on("data", (b: Buffer) => (holderOut += b.toString()));
        holder.stderr!.on("data", (b: Buffer) => (holderOut += b.toString()));
        await waitFor(() => fleet.events().some((e) => e.stack === "spoke-03" && e.kind === "start"), 300_000, "the holder's update to start");
        const r = await fleet.fleet("up", ["--stacks", "spoke-03", "--force", "--retries", "1"]);
        await new Promise((resolve) => holder.on("close", resolve));
        fleet.clearCues();
        assert.strictEqual(r.code, 1, r.stdout + r.stderr + holderOut);
        const s = byStack(r.report!.stacks).get("spoke-03")!;
        assert.strictEqual(s.attempts, 2, "retried once");
        assert.match(s.error ?? "", /currently locked/);
        assert.match(s.error ?? "", /stale: `pulumi cancel`|\.pulumi\/locks/);
        record("lock conflict", true, r.seconds, { attempts: s.attempts, error: s.error });
    });

    it("a timeout is enforced", async () => {
        fleet.cue("spoke-07", "sleep", "75");
        const r = await fleet.fleet("up", ["--stacks", "spoke-07", "--force", "--timeout-minutes", "1", "--retries", "0"]);
        fleet.clearCues();
        assert.strictEqual(r.code, 1, r.stdout + r.stderr);
        const s = byStack(r.report!.stacks).get("spoke-07")!;
        assert.strictEqual(s.result, "failed");
        assert.match(s.error ?? "", /timed out after 1m00s/);
        record("timeout", true, r.seconds, { error: s.error, durationMs: s.durationMs });
    });

    it("destroy runs in reverse: spokes first, the hub last", async () => {
        // Earlier scenarios left some stacks failed or cancelled: they are destroyed all the same.
        const r = await fleet.fleet("destroy", ["--concurrency", "6", "--force"]);
        assert.strictEqual(r.code, 0, r.stdout + r.stderr);
        const rep = byStack(r.report!.stacks);
        const hubStart = Date.parse(rep.get("hub")!.startedAt!);
        for (const s of SPOKES) {
            assert.strictEqual(rep.get(s)!.result, "succeeded", s);
            assert.ok(Date.parse(rep.get(s)!.finishedAt!) <= hubStart, `${s} destroyed before the hub`);
            assert.ok(!fs.existsSync(fleet.registrationFile(s)), `${s}'s delete command ran`);
        }
        assert.ok(Date.parse(rep.get(CANARY)!.finishedAt!) <= Math.min(...SPOKES.filter((s) => s !== CANARY).map((s) => Date.parse(rep.get(s)!.startedAt!))), "the canary goes first");
        assert.ok(!fs.existsSync(fleet.registrationFile("hub")));
        record("destroy in reverse", true, r.seconds, { accounts: SPOKES.map(account).length }, r.report!.stacks.length);
    });
});
