import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";
import { VirtualClock } from "../../../automation/driver/schedule/clock";
import { EXIT } from "../../../automation/driver/errors";
import type { JournalData } from "../../../automation/driver/record/journal";
import type { FleetReport } from "../../../automation/driver/record/report";
import { runFleetCommand } from "../../../automation/driver/run";
import { loadManifest } from "../../../automation/fleet/manifest";
import { Behaviour, FakeEngine, fleet, fleetDoc, namedError, spokeNames, tempDir, testDeps } from "./fixtures";

const readJson = <T>(file: string): T => JSON.parse(fs.readFileSync(file, "utf8")) as T;

function setup(spokes: Parameters<typeof fleet>[0], rollout: Record<string, unknown>, behave?: (stack: string, op: string, attempt: number) => Behaviour) {
    const clock = new VirtualClock(Date.parse("2025-01-01T00:00:00Z"));
    const engine = new FakeEngine(clock, behave);
    const manifest = fleet(spokes, rollout);
    const workDir = tempDir();
    const { deps, captured } = testDeps(clock, engine, manifest, workDir);
    const journal = () => readJson<JournalData>(path.join(workDir, ".fleet", "journal.json"));
    return { clock, engine, manifest, workDir, deps, captured, journal, run: (argv: string[], extra = {}) => runFleetCommand(argv, { ...deps, ...extra }) };
}

describe("fleet driver (fake engine)", () => {
    it("deploys hub → canary → the rest and records journal, logs, summary and JSON report", async () => {
        const t = setup(spokeNames(5), { canaryCount: 1, concurrency: 2 });
        const code = await t.run(["up", "--yes", "--json", "report.json"]);
        assert.strictEqual(code, EXIT.ok);
        assert.deepStrictEqual(t.engine.started(), ["hub", "spoke-001", "spoke-002", "spoke-003", "spoke-004", "spoke-005"]);
        assert.deepStrictEqual(t.engine.prepared, ["up"]);
        assert.strictEqual(t.engine.maxInFlight, 2);

        const report = readJson<FleetReport>(path.join(t.workDir, "report.json"));
        assert.deepStrictEqual(report.counts, { succeeded: 6, "up-to-date": 0, failed: 0, skipped: 0, "not-run": 0, cancelled: 0 });
        const hub = report.stacks.find((s) => s.stack === "hub")!;
        assert.deepStrictEqual([hub.wave, hub.result, hub.resourcesChanged, hub.durationMs, hub.account], ["hub", "succeeded", 3, 1000, "111111111111"]);
        assert.deepStrictEqual(hub.policyViolations, { mandatory: 0, advisory: 1 });
        assert.strictEqual(report.stacks.find((s) => s.stack === "spoke-001")!.wave, "canary");
        assert.strictEqual(report.exitCode, 0);

        const j = t.journal();
        assert.strictEqual(j.rollouts.up?.complete, true);
        assert.deepStrictEqual(Object.keys(j.stacks).sort(), ["hub", ...spokeNames(5)]);
        assert.deepStrictEqual([j.stacks.hub.ops.up?.result, j.stacks.hub.ops.up?.durationMs, j.stacks.hub.ops.up?.resourcesChanged], ["succeeded", 1000, 3]);

        const log = fs.readFileSync(path.join(t.workDir, ".fleet", "logs", "spoke-003.log"), "utf8");
        assert.match(log, /attempt 1: up spoke-003/);
        assert.match(log, /fake up spoke-003/);

        const out = t.captured.out.join("\n");
        assert.match(out, /up: 6 stack\(s\) selected; 6 to run: hub wave \[hub\] → canary wave \[spoke-001\] → main wave 4 stacks; concurrency 2/);
        assert.match(out, /▶ spoke-002 started \(main wave, 200000000002\/us-east-1\)/);
        assert.match(out, /✔ hub succeeded \(1s, 3 changed\) {2}\(done 1\/6, failed 0, running 0\)/);
        assert.match(out, /STACK\s+ACCOUNT\s+REGION\s+RESULT\s+CHANGED\s+DURATION\s+POLICY\s+NOTE/);
        assert.match(out, /spoke-005\s+200000000005\s+us-east-1\s+succeeded\s+3\s+1s\s+1 advisory/);
        assert.match(out, /up: 6 succeeded in 4s/);
    });

    it("stops at a failed canary, then resumes with only what failed or never ran", async () => {
        let canaryBroken = true;
        const t = setup(spokeNames(4), { canary: ["spoke-002"], concurrency: 4, failureTolerance: 1 }, (stack) =>
            stack === "spoke-002" && canaryBroken ? { error: namedError("CommandError", "code: 255\n stderr: error: creating Role: AccessDenied\n") } : {},
        );
        assert.strictEqual(await t.run(["up", "--yes", "--json", "r1.json"]), EXIT.failed);
        assert.deepStrictEqual(t.engine.started(), ["hub", "spoke-002"]);
        const r1 = readJson<FleetReport>(path.join(t.workDir, "r1.json"));
        assert.strictEqual(r1.stopReason, "canary stack spoke-002 failed");
        assert.deepStrictEqual(r1.stacks.map((s) => [s.stack, s.result]), [["hub", "succeeded"], ["spoke-001", "not-run"], ["spoke-002", "failed"], ["spoke-003", "not-run"], ["spoke-004", "not-run"]]);
        assert.strictEqual(r1.stacks[2].error, "error: creating Role: AccessDenied");
        assert.strictEqual(t.journal().rollouts.up?.complete, false);

        canaryBroken = false;
        t.engine.calls.length = 0;
        assert.strictEqual(await t.run(["up", "--yes", "--json", "r2.json"]), EXIT.ok);
        assert.deepStrictEqual(t.engine.started(), ["spoke-002", "spoke-001", "spoke-003", "spoke-004"], "the hub is not redeployed; the canary goes first again");
        const r2 = readJson<FleetReport>(path.join(t.workDir, "r2.json"));
        assert.strictEqual(r2.resumed, true);
        assert.strictEqual(r2.rolloutId, r1.rolloutId);
        assert.strictEqual(r2.stacks[0].result, "up-to-date");
        assert.strictEqual(t.journal().rollouts.up?.complete, true);

        // The rollout is complete: the next up is a fresh one over every stack.
        t.engine.calls.length = 0;
        assert.strictEqual(await t.run(["up", "--yes"]), EXIT.ok);
        assert.strictEqual(t.engine.started().length, 5);
    });

    it("warns when resuming a rollout after the source changed", async () => {
        const t = setup(spokeNames(2), { canaryCount: 0, failureTolerance: 5 }, (stack) => (stack === "spoke-002" ? { error: new Error("boom") } : {}));
        fs.mkdirSync(path.join(t.workDir, ".git", "refs", "heads"), { recursive: true });
        fs.writeFileSync(path.join(t.workDir, ".git", "HEAD"), "ref: refs/heads/main\n");
        fs.writeFileSync(path.join(t.workDir, ".git", "refs", "heads", "main"), "1111111111111111111111111111111111111111\n");
        await t.run(["up", "--yes"]);
        fs.writeFileSync(path.join(t.workDir, ".git", "refs", "heads", "main"), "2222222222222222222222222222222222222222\n");
        await t.run(["up", "--yes"]);
        assert.match(t.captured.out.join("\n"), /warning: the source changed since rollout \S+ started \(11111111 → 22222222\); stacks it already finished keep the older version/);
        assert.strictEqual(t.journal().rollouts.up?.revision, "1111111111111111111111111111111111111111", "the rollout keeps the revision it started from");
    });

    it("re-runs everything with --force even while a rollout is incomplete", async () => {
        const t = setup(spokeNames(3), { canaryCount: 0, failureTolerance: 5 }, (stack) => (stack === "spoke-003" ? { error: new Error("boom") } : {}));
        assert.strictEqual(await t.run(["up", "--yes"]), EXIT.failed);
        t.engine.calls.length = 0;
        assert.strictEqual(await t.run(["up", "--yes", "--force"]), EXIT.failed);
        assert.deepStrictEqual(t.engine.started().sort(), ["hub", ...spokeNames(3)]);
    });

    it("tolerates main-wave failures within the budget and skips only dependents", async () => {
        const t = setup(["net", { name: "app", dependsOn: ["net"] }, "solo-a", "solo-b"], { canaryCount: 0, failureTolerance: 1, concurrency: 4 }, (stack) =>
            stack === "net" ? { error: new Error("error: VPC limit exceeded") } : {},
        );
        assert.strictEqual(await t.run(["up", "--yes", "--json", "r.json"]), EXIT.failed);
        const r = readJson<FleetReport>(path.join(t.workDir, "r.json"));
        assert.deepStrictEqual(Object.fromEntries(r.stacks.map((s) => [s.stack, s.result])), { hub: "succeeded", net: "failed", app: "skipped", "solo-a": "succeeded", "solo-b": "succeeded" });
        assert.strictEqual(r.stacks.find((s) => s.stack === "app")!.reason, "depends on net, which failed");
        assert.strictEqual(r.stopReason, undefined);
        assert.strictEqual(t.journal().stacks.app.ops.up?.result, "skipped");
    });

    it("destroys spokes before the hub and refuses to orphan spokes the journal shows deployed", async () => {
        const t = setup(spokeNames(3), { canaryCount: 1, concurrency: 3 });
        assert.strictEqual(await t.run(["up", "--yes"]), EXIT.ok);

        t.engine.calls.length = 0;
        assert.strictEqual(await t.run(["destroy", "--yes", "--stacks", "role:hub"]), EXIT.usage);
        assert.match(t.captured.err.join("\n"), /destroy: hub is used by spoke-001, spoke-002, spoke-003, which the journal does not show as destroyed/);
        assert.strictEqual(t.engine.calls.length, 0);

        assert.strictEqual(await t.run(["destroy", "--yes"]), EXIT.ok);
        const destroy = t.engine.calls.filter((c) => c.operation === "destroy");
        assert.deepStrictEqual(destroy.map((c) => c.stack), ["spoke-001", "spoke-002", "spoke-003", "hub"]);
        const hubStart = destroy.find((c) => c.stack === "hub")!.start;
        assert.ok(destroy.filter((c) => c.stack !== "hub").every((c) => c.end! <= hubStart));
    });

    it("fails fast with install instructions when the Pulumi CLI is missing, touching nothing", async () => {
        const t = setup(spokeNames(2), {});
        let engineCreated = false;
        const code = await t.run(["up", "--yes"], {
            locatePulumi: () => Promise.reject(new Error("code: -2\n stderr: Command failed with ENOENT: pulumi version\nspawn pulumi ENOENT")),
            createEngine: () => {
                engineCreated = true;
                return t.engine;
            },
        });
        assert.strictEqual(code, EXIT.usage);
        const err = t.captured.err.join("\n");
        assert.match(err, /Pulumi CLI was not found/);
        assert.match(err, /ENOENT/);
        assert.match(err, /https:\/\/www\.pulumi\.com\/docs\/install\//);
        assert.match(err, /No stack was touched/);
        assert.strictEqual(engineCreated, false);
        assert.strictEqual(fs.existsSync(path.join(t.workDir, ".fleet", "journal.json")), false);
    });

    it("asks before changing stacks and requires --yes without a terminal", async () => {
        const t = setup(spokeNames(1), {});
        assert.strictEqual(await t.run(["up"]), EXIT.usage);
        assert.match(t.captured.err.join("\n"), /up changes 2 stack\(s\); pass --yes/);
        const questions: string[] = [];
        let shownBeforeQuestion = "";
        assert.strictEqual(await t.run(["up"], { confirm: async (q: string) => ((shownBeforeQuestion = t.captured.out.join("\n")), questions.push(q), false) }), EXIT.usage);
        assert.deepStrictEqual(questions, ["Run up on 2 stack(s), exactly as previewed above?"]);
        // The operator sees what would change first: a preview of the same stacks, nothing else ran.
        assert.deepStrictEqual(t.engine.calls.map((c) => c.operation), ["preview", "preview"]);
        assert.match(shownBeforeQuestion, /^preview: .* across 2 stack\(s\)/m);
        assert.strictEqual(await t.run(["preview"]), EXIT.ok, "preview needs no confirmation");
    });

    it("an approved interactive up runs exactly the plans its preview saved, one per stack", async () => {
        const t = setup(spokeNames(1), {});
        assert.strictEqual(await t.run(["up"], { confirm: async () => true }), EXIT.ok, t.captured.err.join("\n"));
        const previews = t.engine.calls.filter((c) => c.operation === "preview");
        const ups = t.engine.calls.filter((c) => c.operation === "up");
        assert.deepStrictEqual(ups.map((c) => c.stack).sort(), previews.map((c) => c.stack).sort());
        for (const up of ups) {
            const saved = previews.find((p) => p.stack === up.stack)!.planFile!;
            assert.match(saved, /\.fleet\/plans\/[^/]+\/(hub|spoke-001)\.json$/);
            assert.strictEqual(up.planFile, saved, `${up.stack} runs the plan its preview saved`);
            assert.ok(fs.existsSync(saved));
        }
    });

    it("up --plan refuses before touching anything when a stack has no saved plan, and runs exactly the saved ones", async () => {
        const t = setup(spokeNames(2), {});
        assert.strictEqual(await t.run(["preview", "--save-plan", "plans", "--stacks", "hub,spoke-001"]), EXIT.ok, t.captured.err.join("\n"));
        assert.match(t.captured.out.join("\n"), /saved 2 of 2 plan\(s\) in .*plans; run exactly them with up --plan/);
        const before = t.engine.calls.length;
        assert.strictEqual(await t.run(["up", "--plan", "plans", "--yes"]), EXIT.usage);
        assert.match(t.captured.err.join("\n"), /--plan .*plans: no saved plan for spoke-002 \(not previewed, or its preview failed\); fix: run preview --save-plan/);
        assert.strictEqual(t.engine.calls.length, before, "nothing ran");
        assert.strictEqual(await t.run(["up", "--plan", "plans", "--yes", "--stacks", "hub,spoke-001"]), EXIT.ok, t.captured.err.join("\n"));
        assert.deepStrictEqual(t.engine.calls.slice(before).map((c) => [c.operation, c.stack, path.basename(c.planFile ?? "")]).sort(), [["up", "hub", "hub.json"], ["up", "spoke-001", "spoke-001.json"]]);
    });

    it("on cancel starts nothing new, lets running stacks finish, journals the rest and exits 130", async () => {
        const stop = new AbortController();
        const t = setup(spokeNames(6), { canaryCount: 0, concurrency: 2 }, (stack) => {
            if (stack === "spoke-002") {
                stop.abort();
            }
            return {};
        });
        assert.strictEqual(await t.run(["up", "--yes", "--json", "r.json"], { stop: stop.signal }), EXIT.cancelled);
        assert.deepStrictEqual(t.engine.started(), ["hub", "spoke-001", "spoke-002"]);
        const r = readJson<FleetReport>(path.join(t.workDir, "r.json"));
        assert.deepStrictEqual(r.stacks.map((s) => s.result), ["succeeded", "succeeded", "succeeded", "not-run", "not-run", "not-run", "not-run"]);
        assert.strictEqual(t.journal().stacks["spoke-006"].ops.up?.reason, "cancelled before it started");
        assert.match(t.captured.out.join("\n"), /4 stack\(s\) not run: cancelled/);
    });

    it("signals running operations on abort and records them as cancelled", async () => {
        const abort = new AbortController();
        const t = setup(spokeNames(2), { canaryCount: 0, concurrency: 2 }, (stack) => ({ durationMs: stack === "hub" ? 1000 : 3_600_000 }));
        const run = t.run(["up", "--yes", "--json", "r.json"], { abort: abort.signal });
        await t.clock.sleep(5_000);
        abort.abort();
        assert.strictEqual(await run, EXIT.cancelled);
        const r = readJson<FleetReport>(path.join(t.workDir, "r.json"));
        assert.deepStrictEqual(r.stacks.map((s) => [s.stack, s.result]), [["hub", "succeeded"], ["spoke-001", "cancelled"], ["spoke-002", "cancelled"]]);
        assert.ok(t.engine.calls.filter((c) => c.stack !== "hub").every((c) => c.outcome === "aborted" && c.end === t.clock.now()));
        assert.strictEqual(t.journal().stacks["spoke-001"].ops.up?.result, "cancelled");
    });

    it("fails a stack that exceeds the timeout and retries only retryable errors", async () => {
        const t = setup(spokeNames(3), { canaryCount: 0, failureTolerance: 5, timeoutMinutes: 30, retries: 2 }, (stack, _op, attempt) => {
            if (stack === "spoke-001") {
                return { durationMs: 45 * 60_000 };
            }
            if (stack === "spoke-002" && attempt === 1) {
                return { error: namedError("ConcurrentUpdateError", "[409] Conflict: Another update is currently in progress.") };
            }
            if (stack === "spoke-003") {
                return { error: namedError("CommandError", "error: mandatory policy violation") };
            }
            return {};
        });
        assert.strictEqual(await t.run(["up", "--yes", "--json", "r.json"]), EXIT.failed);
        const r = readJson<FleetReport>(path.join(t.workDir, "r.json"));
        const by = Object.fromEntries(r.stacks.map((s) => [s.stack, s]));
        assert.strictEqual(by["spoke-001"].result, "failed");
        assert.match(by["spoke-001"].error!, /timed out after 30m00s/);
        assert.deepStrictEqual([by["spoke-002"].result, by["spoke-002"].attempts], ["succeeded", 2]);
        assert.deepStrictEqual([by["spoke-003"].result, by["spoke-003"].attempts], ["failed", 1]);
        assert.strictEqual(t.engine.calls.filter((c) => c.stack === "spoke-003").length, 1);
        assert.match(t.captured.out.join("\n"), /↻ spoke-002 attempt 1 failed \(another update is running on this stack\); retrying in/);
    });

    it("exits 3 from drift when a stack drifted, and prints masked outputs as JSON", async () => {
        const t = setup(spokeNames(2), {}, (stack, op): Behaviour => {
            if (op === "drift") {
                const changes: Record<string, number> = stack === "spoke-002" ? { update: 1, same: 4 } : { same: 5 };
                return { result: { changes, drifted: stack === "spoke-002" } };
            }
            return op === "outputs" ? { result: { outputs: { endpoint: `${stack}.internal`, token: "[secret]" } } } : {};
        });
        assert.strictEqual(await t.run(["drift"]), EXIT.drift);
        assert.match(t.captured.out.join("\n"), /spoke-002\s+\S+\s+us-east-1\s+succeeded \(drift\)/);
        t.captured.out.length = 0;
        assert.strictEqual(await t.run(["outputs", "--stacks", "spoke-001"]), EXIT.ok);
        assert.deepStrictEqual(JSON.parse(t.captured.out.join("\n")), { "spoke-001": { endpoint: "spoke-001.internal", token: "[secret]" } });
    });

    it("reports status from the journal, offline", async () => {
        const t = setup(spokeNames(2), { canaryCount: 0, failureTolerance: 2 }, (stack) => (stack === "spoke-002" ? { error: new Error("error: quota exceeded") } : {}));
        await t.run(["up", "--yes"]);
        t.captured.out.length = 0;
        let located = false;
        const code = await t.run(["status", "--json", "status.json"], { locatePulumi: async () => ((located = true), Promise.reject(new Error("unused"))) });
        assert.strictEqual(code, EXIT.failed);
        assert.strictEqual(located, false, "status needs no CLI");
        const out = t.captured.out.join("\n");
        // CHANGED, POLICY, CERT DAYS and VERSIONS are "-" (the fake engine's stacks export no certificate expiry or versions).
        assert.match(out, /spoke-002\s+200000000002\s+us-east-1\s+up\s+failed\s+\S+\s+1s\s+-\s+-\s+-\s+-\s+error: quota exceeded/);
        assert.match(out, /up rollout \S+: incomplete, 1 of 3 stacks not done; `npm run fleet -- up` resumes it/);
        const status = readJson<{ stacks: { stack: string; result: string }[] }>(path.join(t.workDir, "status.json"));
        assert.deepStrictEqual(status.stacks.map((s) => s.result), ["succeeded", "succeeded", "failed"]);
    });

    it("reports manifest errors naming the field, and dependency cycles, before touching anything", async () => {
        const workDir = tempDir();
        const doc = fleetDoc(["alpha", "beta"]) as { stacks: Record<string, unknown>[] };
        doc.stacks[2].account = "12345";
        fs.writeFileSync(path.join(workDir, "fleet.yaml"), stringify(doc));
        const clock = new VirtualClock();
        const engine = new FakeEngine(clock);
        const { deps, captured } = testDeps(clock, engine, fleet([]), workDir, { loadManifest });
        assert.strictEqual(await runFleetCommand(["up", "--yes", "--manifest", "fleet.yaml"], deps), EXIT.usage);
        assert.match(captured.err.join("\n"), /stacks\[2\]\.account: expected a 12-digit AWS account ID/);
        fs.writeFileSync(path.join(workDir, "rollout.yaml"), stringify({ ...fleetDoc(["alpha"]), rollout: { concurrency: 0 } }));
        assert.strictEqual(await runFleetCommand(["up", "--yes", "--manifest", "rollout.yaml"], deps), EXIT.usage);
        assert.match(captured.err.join("\n"), /rollout\.concurrency/);

        const cyclic = fleet([{ name: "ring-a", dependsOn: ["ring-b"] }, { name: "ring-b", dependsOn: ["ring-a"] }]);
        assert.strictEqual(await runFleetCommand(["up", "--yes"], { ...deps, loadManifest: () => cyclic }), EXIT.usage);
        assert.match(captured.err.join("\n"), /stacks\[\d\]\.dependsOn: dependency cycle ring-(a|b) -> ring-(a|b) -> ring-(a|b)/);

        assert.strictEqual(await runFleetCommand(["up", "--yes", "--manifest", "missing.yaml"], deps), EXIT.usage);
        assert.match(captured.err.join("\n"), /Cannot read fleet manifest .*missing\.yaml/);
        assert.strictEqual(engine.calls.length, 0);
    });

    it("rejects bad flags with exit 2 naming the flag", async () => {
        const t = setup(spokeNames(1), {});
        assert.strictEqual(await t.run(["up", "--failure-tolerance", "abc"]), EXIT.usage);
        assert.match(t.captured.err.join("\n"), /--failure-tolerance: expected a number of failures \(3\) or a percentage/);
        assert.strictEqual(await t.run(["up", "--stacks", "role:hubb"]), EXIT.usage);
        assert.match(t.captured.err.join("\n"), /selector "role:hubb" matches no stack/);
    });
});
