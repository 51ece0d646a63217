/**
 * The fleet driver against the real Pulumi engine (CLI built by tools/pulumi/build.sh): the
 * fixture fleet (hub + 21 spokes of command resources and components) on a file:// backend with
 * passphrase secrets. Scenarios share one fleet and run in order.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import type { StackReport } from "../../../automation/driver/record/report";
import { measured } from "../report";
import { CANARY, FixtureFleet, maxInFlight, SPOKES, toolsBin, waitFor } from "./harness";

const byStack = (stacks: readonly StackReport[]) => new Map(stacks.map((s) => [s.stack, s]));

/** One operation's entry in .fleet/journal.json (automation/driver/stackTask.ts, rollout.ts recordUnscheduled). */
interface JournalEntry { readonly result: string; readonly startedAt?: string; readonly finishedAt?: string; readonly durationMs?: number; readonly reason?: string }

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

    it("preview --policy-pack policy runs the real analyzer and fails on a violating fixture resource, naming the rule", async () => measured("engine: preview with the project's policy pack", async (f) => {
        fleet.cue("hub", "violate");
        const r = await fleet.fleet("preview", ["--stacks", "hub", "--policy-pack", "policy"]);
        fleet.clearCue("hub", "violate");
        const hub = byStack(r.report!.stacks).get("hub")!;
        f.details = { exit: r.code, result: hub.result, error: hub.error };
        assert.strictEqual(r.code, 1, r.stdout + r.stderr);
        assert.strictEqual(hub.result, "failed");
        const log = fs.readFileSync(path.join(fleet.stateDir, "logs", "hub.log"), "utf8");
        assert.match(log, /cost-allocation-tags/);
        assert.match(log, /mandatory/);
    }));

    it("the engine ran the stack program on the Node.js that runs the tests (the language host takes node from PATH)", () => {
        assert.strictEqual(fs.readFileSync(path.join(fleet.cues, "runtime", "hub"), "utf8"), process.version);
    });

    it("up: hub → canary → main in order, at most --concurrency in flight, strict budget stops at the first main-wave failure", async () => measured("engine: up strict, first main-wave failure stops", async (f) => {
        fleet.cue("spoke-02", "sleep", "4");
        fleet.cue("spoke-03", "sleep", "4");
        fleet.cue("spoke-09", "fail");
        const r = await fleet.fleet("up", ["--failure-tolerance", "0", "--mode", "strict"]);
        const ev = fleet.events();
        const inFlight = maxInFlight(ev);
        f.details = { exit: r.code, counts: r.report?.counts, stopReason: r.report?.stopReason, maxInFlight: inFlight };
        assert.strictEqual(r.code, 1, r.stdout + r.stderr);
        const rep = byStack(r.report!.stacks);
        assert.strictEqual(rep.get("hub")!.result, "succeeded");
        assert.strictEqual(rep.get(CANARY)!.result, "succeeded");
        assert.strictEqual(rep.get("spoke-09")!.result, "failed");
        assert.match(r.report!.stopReason ?? "", /failure tolerance exceeded/);
        assert.ok(r.report!.counts["not-run"] > 0, "the stop leaves stacks not run");
        assert.match(r.stdout, /failures by cause:\n\s+1× error: fixture: <stack> fails on cue \(exit code 1\) \(spoke-09\)/);

        const ends = (s: string) => ev.filter((e) => e.stack === s && e.kind === "end").map((e) => e.at);
        const starts = (s: string) => ev.filter((e) => e.stack === s && e.kind === "start").map((e) => e.at);
        const mainStarts = ev.filter((e) => e.kind === "start" && e.stack !== "hub" && e.stack !== CANARY).map((e) => e.at);
        assert.ok(Math.max(...ends("hub")) <= Math.min(...starts(CANARY)), "the canary starts after the hub finished");
        assert.ok(Math.max(...ends(CANARY)) <= Math.min(...mainStarts), "the main wave starts after the canary finished");
        assert.ok(inFlight <= 4, `at most 4 in flight, saw ${inFlight}`);
        assert.ok(inFlight >= 2, `the main wave runs in parallel, saw ${inFlight}`);
        // Stacks that never ran did no work.
        for (const s of r.report!.stacks.filter((x) => x.result === "not-run")) {
            assert.strictEqual(starts(s.stack).length, 0, `${s.stack} did not run`);
        }
    }));

    it("a second up resumes: only the failed and never-run stacks run", async () => measured("engine: resume", async (f) => {
        fleet.clearCue("spoke-09", "fail");
        const before = byStack((JSON.parse(fs.readFileSync(path.join(fleet.dir, "report-2.json"), "utf8")) as { stacks: StackReport[] }).stacks);
        fleet.resetEvents();
        const r = await fleet.fleet("up");
        const ran = new Set(fleet.events().filter((e) => e.kind === "start").map((e) => e.stack));
        const inFlight = maxInFlight(fleet.events());
        f.details = { exit: r.code, resumed: r.report?.resumed, counts: r.report?.counts, reran: [...ran].sort(), maxInFlight: inFlight };
        assert.strictEqual(r.code, 0, r.stdout + r.stderr);
        assert.strictEqual(r.report!.resumed, true);
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
        assert.ok(inFlight <= 4);
    }));

    it("outputs shows secrets as [secret]; status reads the journal", async () => measured("engine: outputs and status", async (f) => {
        const r = await fleet.fleet("outputs", ["--stacks", `hub,${CANARY}`]);
        const outputs = Object.fromEntries((r.report?.stacks ?? []).map((s) => [s.stack, s.outputs!]));
        f.details = { exit: r.code, hubOutputs: outputs.hub };
        assert.strictEqual(r.code, 0, r.stderr);
        assert.strictEqual(outputs.hub.ingestToken, "[secret]");
        assert.strictEqual(outputs.hub.endpoint, "collector.hub.fixture.internal");
        assert.strictEqual(outputs[CANARY].tokenFingerprint, "[secret]");
        assert.strictEqual(outputs[CANARY].registration, `${CANARY}->collector.hub.fixture.internal`);
        assert.doesNotMatch(r.stdout, /token-hub-0123456789/);
        const st = await fleet.fleet("status");
        f.details.statusExit = st.code;
        assert.strictEqual(st.code, 0, st.stdout + st.stderr);
        assert.match(st.stdout, /spoke-21/);
    }));

    it("drift: an out-of-band change exits 3 naming the stack; refresh records it, up repairs it", async () => measured("engine: drift, refresh, repair", async (f) => {
        fs.writeFileSync(fleet.registrationFile("spoke-04"), "edited out of band\n");
        const d = await fleet.fleet("drift", ["--stacks", "hub,spoke-03,spoke-04"]);
        const drifted = (d.report?.stacks ?? []).filter((s) => s.drifted).map((s) => s.stack);
        f.details = { driftExit: d.code, drifted };
        assert.strictEqual(d.code, 3, d.stdout + d.stderr);
        assert.deepStrictEqual(drifted, ["spoke-04"]);
        assert.match(d.stdout, /spoke-04.*DRIFTED|spoke-04 .*\(drift\)/);
        const r = await fleet.fleet("refresh", ["--stacks", "spoke-04"]);
        f.details.refreshExit = r.code;
        assert.strictEqual(r.code, 0, r.stdout + r.stderr);
        assert.strictEqual(byStack(r.report!.stacks).get("spoke-04")!.result, "succeeded");
        // Pulumi 3.248 diffs refreshed outputs against the program, so the stack stays drifted until `up` restores it.
        const up = await fleet.fleet("up", ["--stacks", "spoke-04", "--force"]);
        f.details.upExit = up.code;
        assert.strictEqual(up.code, 0, up.stdout + up.stderr);
        assert.strictEqual(fs.readFileSync(fleet.registrationFile("spoke-04"), "utf8"), "spoke-04->collector.hub.fixture.internal\n");
        const again = await fleet.fleet("drift", ["--stacks", "spoke-04"]);
        f.details.driftAfterRepairExit = again.code;
        assert.strictEqual(again.code, 0, again.stdout + again.stderr);
    }));

    it("failure budget soft: failures within the tolerance do not stop the rollout; --force starts anew", async () => measured("engine: failure budget soft and strict", async (f) => {
        const subset = ["--stacks", "hub,spoke-04,spoke-05,spoke-06,spoke-07", "--force"];
        fleet.cue("spoke-05", "fail");
        fleet.cue("spoke-06", "fail");
        fleet.resetEvents();
        const soft = await fleet.fleet("up", [...subset, "--mode", "soft", "--failure-tolerance", "2"]);
        f.details = { softExit: soft.code, soft: soft.report?.counts, softStop: soft.report?.stopReason };
        assert.strictEqual(soft.code, 1);
        assert.strictEqual(soft.report!.resumed, false);
        assert.strictEqual(soft.report!.stopReason, undefined, "two failures are within the budget");
        assert.strictEqual(soft.report!.counts.failed, 2);
        assert.strictEqual(soft.report!.counts.succeeded, 3, "every other selected stack ran again");
        assert.match(soft.stdout, /2× error: fixture: <stack> fails on cue \(exit code 1\) \((spoke-05, spoke-06|spoke-06, spoke-05)\)/);

        const strict = await fleet.fleet("up", [...subset, "--mode", "strict", "--failure-tolerance", "1", "--concurrency", "1"]);
        Object.assign(f.details, { strictExit: strict.code, strict: strict.report?.counts, strictStop: strict.report?.stopReason });
        assert.strictEqual(strict.code, 1);
        assert.match(strict.report!.stopReason ?? "", /failure tolerance exceeded: 2 failed in the main wave, 1 tolerated/);
        fleet.clearCues();
    }));

    it("Ctrl-C: queued stacks do not start, running ones are cancelled, the journal says so, exit 130", async () => measured("engine: Ctrl-C", async (f) => {
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
        const ev = fleet.events();
        const started = [...new Set(ev.filter((e) => e.kind === "start" && e.stack !== "hub").map((e) => e.stack))].sort();
        const lateStarts = ev.filter((e) => e.kind === "start" && e.at > interruptedAt + 500).map((e) => e.stack);
        const rep = byStack(r.report?.stacks ?? []);
        const journal = JSON.parse(fs.readFileSync(path.join(fleet.stateDir, "journal.json"), "utf8")) as { stacks: Record<string, { ops: { up?: JournalEntry } }> };
        const entry = (s: string): JournalEntry | undefined => journal.stacks[s]?.ops.up;
        const tally = (results: Array<string | undefined>) => results.reduce<Record<string, number>>((t, x) => ({ ...t, [x ?? "absent"]: (t[x ?? "absent"] ?? 0) + 1 }), {});
        f.details = {
            exit: r.code, started, lateStarts,
            reportResults: tally(SPOKES.map((s) => rep.get(s)?.result)), journalResults: tally(SPOKES.map((s) => entry(s)?.result)),
        };
        assert.strictEqual(r.code, 130, r.stdout + r.stderr);
        assert.deepStrictEqual(lateStarts, [], "nothing starts after Ctrl-C");
        assert.ok(started.length >= 3, `three spokes were working when interrupted: ${started.join(", ")}`);
        for (const s of SPOKES) {
            const j = entry(s);
            if (!started.includes(s)) {
                assert.strictEqual(rep.get(s)?.result, "not-run", `${s} was queued`);
                assert.strictEqual(j?.result, "not-run", `${s}: the journal says not-run (${JSON.stringify(j)})`);
                assert.match(j.reason ?? "", /cancelled before it started/, `${s}: the journal says why`);
                continue;
            }
            // Running when interrupted (each sleeps 6 s in its work command): cancelled, never succeeded.
            assert.strictEqual(rep.get(s)?.result, "cancelled", `${s} was running`);
            assert.strictEqual(j?.result, "cancelled", `${s}: the journal says cancelled (${JSON.stringify(j)})`);
            assert.ok(j.startedAt !== undefined && j.finishedAt !== undefined && j.durationMs !== undefined, `${s}: the journal has the operation's start, end and duration: ${JSON.stringify(j)}`);
            // The recorded operation is the one that ran: it began before the stack's work and lasted until the interrupt.
            const firstWork = Math.min(...ev.filter((x) => x.stack === s && x.kind === "start").map((x) => x.at));
            assert.ok(Date.parse(j.startedAt) <= firstWork, `${s}: recorded start ${j.startedAt} precedes its work (${new Date(firstWork).toISOString()})`);
            assert.ok(Date.parse(j.finishedAt) >= interruptedAt && Date.parse(j.startedAt) + j.durationMs >= interruptedAt, `${s}: recorded end ${j.finishedAt} is after the interrupt`);
        }
    }));

    it("a real lock conflict (ConcurrentUpdateError) is retried, then reported with how to clear it", async () => measured("engine: lock conflict", async (f) => {
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
        const s = byStack(r.report?.stacks ?? []).get("spoke-03");
        f.details = { exit: r.code, result: s?.result, attempts: s?.attempts, error: s?.error };
        assert.strictEqual(r.code, 1, r.stdout + r.stderr + holderOut);
        assert.ok(s !== undefined, "spoke-03 in the report");
        assert.strictEqual(s.attempts, 2, "retried once");
        assert.match(s.error ?? "", /currently locked/);
        assert.match(s.error ?? "", /stale: `pulumi cancel`|\.pulumi\/locks/);
    }));

    it("a timeout is enforced", async () => measured("engine: timeout", async (f) => {
        fleet.cue("spoke-07", "sleep", "75");
        const r = await fleet.fleet("up", ["--stacks", "spoke-07", "--force", "--timeout-minutes", "1", "--retries", "0"]);
        fleet.clearCues();
        const s = byStack(r.report?.stacks ?? []).get("spoke-07");
        f.details = { exit: r.code, result: s?.result, error: s?.error, durationMs: s?.durationMs };
        assert.strictEqual(r.code, 1, r.stdout + r.stderr);
        assert.ok(s !== undefined, "spoke-07 in the report");
        assert.strictEqual(s.result, "failed");
        assert.match(s.error ?? "", /timed out after 1m00s/);
    }));

    it("destroy runs in reverse: spokes first, the hub last", async () => measured("engine: destroy in reverse", async (f) => {
        // Earlier scenarios left some stacks failed or cancelled: they are destroyed all the same.
        const r = await fleet.fleet("destroy", ["--concurrency", "6", "--force"]);
        const left = [...SPOKES, "hub"].filter((s) => fs.existsSync(fleet.registrationFile(s)));
        f.details = { exit: r.code, counts: r.report?.counts, registrationsLeft: left };
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
    }));
});
