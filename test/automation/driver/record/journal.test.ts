import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { spawnSync } from "child_process";
import { acquireLock, decideResume, durationPrior, JournalData, JournalStore, recordEntry, rolloutComplete, stackFingerprint } from "../../../../automation/driver/record/journal";
import { UsageError } from "../../../../automation/io/cliKit";
import { fleet, tempDir } from "../fixtures";

describe("fleet journal", () => {
    it("writes atomically: a crash between write and rename leaves the previous journal", async () => {
        const dir = tempDir();
        const file = path.join(dir, "journal.json");
        const store = new JournalStore(file);
        store.load();
        store.update((j) => j.runs.push({ id: "run-1", command: "up", pid: 1, startedAt: "2024-01-01T00:00:00.000Z" }));
        await store.flush();
        // A second write that died half way: only its temporary file exists.
        fs.writeFileSync(`${file}.4242-deadbeef.tmp`, '{"version":1,"stacks":{"hub":');
        const reloaded = new JournalStore(file).load();
        assert.deepStrictEqual(reloaded.runs.map((r) => r.id), ["run-1"]);
        assert.deepStrictEqual(fs.readdirSync(dir), ["journal.json"], "leftover temporary files are removed");
    });

    it("coalesces a burst of updates and persists the last state", async () => {
        const file = path.join(tempDir(), "journal.json");
        const store = new JournalStore(file);
        store.load();
        for (let i = 0; i < 50; i++) {
            store.update((j) => (j.runs = [{ id: `run-${i}`, command: "up", pid: 1, startedAt: "x" }]));
        }
        await store.flush();
        assert.deepStrictEqual((JSON.parse(fs.readFileSync(file, "utf8")) as JournalData).runs.map((r) => r.id), ["run-49"]);
    });

    it("rejects a corrupt journal, naming the file and the fix", () => {
        const file = path.join(tempDir(), "journal.json");
        fs.writeFileSync(file, "{not json");
        assert.throws(() => new JournalStore(file).load(), (e: unknown) => e instanceof UsageError && e.message.includes(file) && /delete it/.test(e.message));
    });

    describe("resume", () => {
        const m = fleet(["alpha", "beta", "gamma"]);
        const [hub, alpha, beta, gamma] = m.stacks;
        const journal = (): JournalData => {
            const j: JournalData = { version: 1, stacks: {}, rollouts: {}, runs: [] };
            j.rollouts.up = { id: "R1", operation: "up", startedAt: "t0", stacks: m.stacks.map((s) => s.name), complete: false };
            const entry = (s: typeof hub, result: "succeeded" | "failed") => ({ operation: "up" as const, result, rolloutId: "R1", runId: "run-1", fingerprint: stackFingerprint(s) });
            recordEntry(j, "hub", entry(hub, "succeeded"));
            recordEntry(j, "alpha", entry(alpha, "succeeded"));
            recordEntry(j, "beta", entry(beta, "failed"));
            return j; // gamma never ran
        };

        it("skips only stacks that succeeded in the interrupted rollout", () => {
            const d = decideResume(journal(), "up", m.stacks, false, "R2");
            assert.strictEqual(d.resumed, true);
            assert.strictEqual(d.rolloutId, "R1");
            assert.deepStrictEqual([...d.done.keys()], ["hub", "alpha"]);
        });

        it("re-runs a succeeded stack whose manifest entry changed", () => {
            const changed = m.stacks.map((s) => (s.name === "alpha" ? { ...s, config: { ...s.config, "aws:region": "eu-west-1" } } : s));
            assert.deepStrictEqual([...decideResume(journal(), "up", changed, false, "R2").done.keys()], ["hub"]);
        });

        it("starts afresh with --force, after a complete rollout, and for another operation", () => {
            assert.strictEqual(decideResume(journal(), "up", m.stacks, true, "R2").done.size, 0);
            const complete = journal();
            complete.rollouts.up = { ...complete.rollouts.up!, complete: true };
            assert.deepStrictEqual(decideResume(complete, "up", m.stacks, false, "R2"), { rolloutId: "R2", resumed: false, done: new Map() });
            assert.strictEqual(decideResume(journal(), "destroy", m.stacks, false, "R3").done.size, 0);
            assert.strictEqual(decideResume(journal(), "preview", m.stacks, false, "R4").resumed, false);
        });

        it("considers a rollout complete only when every stack in it succeeded in it", () => {
            const j = journal();
            assert.strictEqual(rolloutComplete(j, j.rollouts.up!), false);
            recordEntry(j, "beta", { operation: "up", result: "succeeded", rolloutId: "R1", runId: "run-2", fingerprint: stackFingerprint(beta) });
            recordEntry(j, "gamma", { operation: "up", result: "succeeded", rolloutId: "R1", runId: "run-2", fingerprint: stackFingerprint(gamma) });
            assert.strictEqual(rolloutComplete(j, j.rollouts.up!), true);
        });
    });

    describe("lock", () => {
        it("refuses a second run while the first holds the lock, and releases it", () => {
            const file = path.join(tempDir(), "lock");
            // A live process that is not this one (our parent) holds the lock.
            fs.writeFileSync(file, JSON.stringify({ pid: process.ppid, runId: "other", startedAt: "t" }));
            assert.throws(() => acquireLock(file, "mine", new Date()), /another fleet run \(pid \d+/);
            fs.rmSync(file);
            const release = acquireLock(file, "mine", new Date());
            assert.strictEqual((JSON.parse(fs.readFileSync(file, "utf8")) as { runId: string }).runId, "mine");
            release();
            assert.strictEqual(fs.existsSync(file), false);
        });

        it("takes over a lock whose process is gone", () => {
            const file = path.join(tempDir(), "lock");
            const gone = spawnSync(process.execPath, ["-e", "console.log(process.pid)"], { encoding: "utf8" });
            fs.writeFileSync(file, JSON.stringify({ pid: Number(gone.stdout.trim()), runId: "crashed", startedAt: "t" }));
            const release = acquireLock(file, "mine", new Date());
            assert.strictEqual((JSON.parse(fs.readFileSync(file, "utf8")) as { runId: string }).runId, "mine");
            release();
        });
    });
});

describe("duration prior for a first rollout", () => {
    it("ranks stacks without up history by their journaled preview, scaled by the fleet's up/preview ratio, else their role's median", () => {
        const entry = (ms: number) => ({ lastSuccessMs: ms });
        const journal = {
            version: 1,
            stacks: {
                a: { ops: { up: entry(400), preview: entry(100) } },
                b: { ops: { preview: entry(50) } },
                c: { ops: {} },
                hub: { ops: { up: entry(900) } },
            },
            rollouts: {},
            runs: [],
        } as unknown as JournalData;
        const prior = durationPrior(journal, "up", [
            { name: "a", role: "monitored" },
            { name: "b", role: "monitored" },
            { name: "c", role: "monitored" },
            { name: "hub", role: "hub" },
        ]);
        assert.deepStrictEqual(Object.fromEntries(prior), { a: 400, hub: 900, b: 200, c: 400 });
    });
});
