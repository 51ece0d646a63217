import * as assert from "assert";
import { ChildProcess } from "child_process";
import { EventEmitter } from "events";
import { FleetManifest, FleetStack, hubStackName } from "../../../automation/fleet/types";
import { concurrentPeakKiB, PlanQueue } from "../../../automation/plan/parallel";
import { FromWorker, ToWorker } from "../../../automation/plan/protocol";
import { PlanStack, StackSummary } from "../../../automation/plan/plan";

/**
 * A worker process stand-in: records what the queue sends it and lets the test answer. Asked to exit, it says goodbye
 * with its peak and exits in a later turn, as a worker does.
 */
class FakeWorker extends EventEmitter {
    readonly sent: ToWorker[] = [];
    constructor(private readonly peakKiB: number) {
        super();
    }
    send(msg: ToWorker): boolean {
        this.sent.push(msg);
        if (msg.type === "exit") {
            setImmediate(() => {
                this.emit("message", { type: "bye", maxRssKiB: this.peakKiB } satisfies FromWorker);
                setImmediate(() => this.emit("exit", 0));
            });
        }
        return true;
    }
    /** Delivers `msg` as IPC does: in a later turn of the event loop, after the previous one was handled. */
    async reply(msg: FromWorker): Promise<void> {
        await new Promise((resolve) => setImmediate(resolve));
        this.emit("message", msg);
    }
    /** What the queue sent, as stack names and message types. */
    get log(): string[] {
        return this.sent.map((m) => (m.type === "plan" ? m.member.name : m.type));
    }
}

const stack = (name: string, role: FleetStack["role"], dependsOn: string[] = []): FleetStack =>
    ({ name, role, account: "111111111111", region: "us-east-1", regulated: false, dependsOn, secrets: [], tags: {}, config: {} }) as unknown as FleetStack;
const planned = (name: string, peakKiB = 0): FromWorker => ({ type: "planned", stack: name, summary: { stack: name } as StackSummary, json: JSON.stringify({ stack: name }), outputs: {}, maxRssKiB: peakKiB });
const failed = (name: string, message: string): FromWorker => ({ type: "failed", stack: name, message, maxRssKiB: 0 });
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe("parallel plan queue", () => {
    const hub = stack("hub", "hub");
    const spokes = ["a", "b", "c"].map((n) => stack(n, "monitored", ["hub"]));
    const manifest = { path: "fleet.yaml", pulumiOrganization: "org", stacks: [hub, ...spokes], hub } as unknown as FleetManifest;

    interface Run {
        /** SpawnWorker's forHub, per worker in spawn order. */
        forHub: boolean[];
        reports: string[];
        failed: string[];
        skipped: string[];
        workersPeakKiB: number;
        workers: FakeWorker[];
    }

    /** Runs the queue with `count` fake workers (the i-th spawned has peaks[i]); `script` answers for them. */
    function run(count: number, peaks: number[], script: (spawned: FakeWorker[]) => Promise<void>): Promise<Run> {
        const reports: string[] = [];
        const workers: FakeWorker[] = [];
        const forHub: boolean[] = [];
        let clock = 0;
        return new Promise((resolve, reject) => {
            const queue = new PlanQueue(manifest, [hub, ...spokes], {
                onStack: (p: PlanStack) => { reports.push(`planned ${p.stack}`); },
                onFailure: (s, e) => { reports.push(`failed ${s.name}: ${e.message}`); },
            }, (r) => resolve({ reports, workers, forHub, ...r }), () => ++clock);
            queue.start((i, hubWorker) => {
                forHub.push(hubWorker);
                workers.push(new FakeWorker(peaks[i] ?? 0));
                return workers[i] as unknown as ChildProcess;
            }, count, reject);
            script(workers).catch(reject);
        });
    }

    // The 2,000-account bench printed "[2052/2051]": the hub's failure reported twice by its worker
    // (a stray rejection of the aborted program, then the program's own rejection).
    it("counts a stack reported failed twice by its worker once, and skips its dependants once each", async () => {
        const r = await run(1, [], async ([w]) => {
            await w.reply({ type: "ready" });
            await w.reply(failed("hub", "stray rejection"));
            await w.reply(failed("hub", "tenants: too many"));
        });
        assert.deepStrictEqual(r.reports, [
            "failed hub: stray rejection",
            "failed a: skipped: depends on hub which did not plan",
            "failed b: skipped: depends on hub which did not plan",
            "failed c: skipped: depends on hub which did not plan",
        ]);
        assert.deepStrictEqual([r.failed, r.skipped], [["hub"], ["a", "b", "c"]]);
        assert.deepStrictEqual(r.workers.map((w) => w.log), [["hub", "exit"]], "a failed hub retires no worker: nothing is left to plan");
    });

    it("ignores a late report of a stack that does not free the worker from its next stack", async () => {
        const r = await run(1, [], async (spawned) => {
            await spawned[0].reply({ type: "ready" });
            await spawned[0].reply(planned("hub"));
            while (spawned.length < 2) {
                await turn();
            }
            const w = spawned[1];
            await w.reply({ type: "ready" });
            await w.reply(planned("a"));
            // Late duplicate of "a" while the worker plans "b": must not free it for "c".
            await w.reply(failed("a", "late stray rejection"));
            assert.deepStrictEqual(w.log, ["a", "b"], "one stack at a time per worker");
            await w.reply(planned("b"));
            await w.reply(planned("c"));
        });
        assert.deepStrictEqual(r.reports, ["planned hub", "planned a", "planned b", "planned c"]);
        assert.deepStrictEqual([r.failed, r.skipped], [[], []]);
        assert.deepStrictEqual(r.workers[1].log, ["a", "b", "c", "exit"]);
    });

    it("sends the hub only to the worker started for it, though its peer is ready first; the replacement is an ordinary worker", async () => {
        const r = await run(2, [], async (spawned) => {
            const [hubWorker, peer] = spawned;
            await peer.reply({ type: "ready" });
            assert.deepStrictEqual(peer.log, [], "the peer is not the hub's worker");
            await hubWorker.reply({ type: "ready" });
            assert.deepStrictEqual(hubWorker.log, ["hub"]);
            await hubWorker.reply(planned("hub"));
            while (spawned.length < 3) {
                await turn();
            }
            await spawned[2].reply({ type: "ready" });
            await peer.reply(planned("a"));
            await spawned[2].reply(planned("b"));
            await peer.reply(planned("c"));
        });
        assert.deepStrictEqual(r.forHub, [true, false, false]);
        assert.deepStrictEqual(r.workers.map((w) => w.log), [["hub", "exit"], ["a", "c", "exit"], ["b", "exit"]]);
    });

    it("starts the spokes on the hub's early outputs and reports them after the hub, with those outputs as upstream", async () => {
        const hubOutputs = { tenantIdentity: { a: "arn:aws:iam::111111111111:role/a" } };
        const r = await run(2, [], async (spawned) => {
            const [hubWorker, peer] = spawned;
            await hubWorker.reply({ type: "ready" });
            await peer.reply({ type: "ready" });
            await hubWorker.reply({ type: "outputs", stack: "hub", outputs: hubOutputs, maxRssKiB: 0 });
            assert.deepStrictEqual([hubWorker.log, peer.log], [["hub"], ["a"]], "the peer starts while the hub's worker finishes the hub");
            const sent = peer.sent[0];
            assert.deepStrictEqual(sent.type === "plan" ? sent.upstream : undefined, [[hubStackName(manifest), hubOutputs]]);
            await peer.reply(planned("a"));
            assert.deepStrictEqual(peer.log, ["a", "b"], "a held result frees its worker");
            await hubWorker.reply(planned("hub"));
            while (spawned.length < 3) {
                await turn();
            }
            await spawned[2].reply({ type: "ready" });
            await peer.reply(planned("b"));
            await spawned[2].reply(planned("c"));
        });
        assert.deepStrictEqual(r.reports, ["planned hub", "planned a", "planned b", "planned c"], "the spoke that finished first is reported after the hub it read");
        assert.deepStrictEqual([r.failed, r.skipped], [[], []]);
    });

    it("skips a spoke planned on the hub's early outputs when the hub then fails, and never reports it planned", async () => {
        const r = await run(2, [], async ([hubWorker, peer]) => {
            await hubWorker.reply({ type: "ready" });
            await peer.reply({ type: "ready" });
            await hubWorker.reply({ type: "outputs", stack: "hub", outputs: {}, maxRssKiB: 0 });
            await peer.reply(planned("a"));
            await hubWorker.reply(failed("hub", "policy evaluation threw"));
            await peer.reply(planned("b"));
        });
        assert.deepStrictEqual(r.reports, [
            "failed hub: policy evaluation threw",
            "failed a: skipped: depends on hub which did not plan",
            "failed c: skipped: depends on hub which did not plan",
            "failed b: skipped: depends on hub which did not plan",
        ]);
        assert.deepStrictEqual([r.failed, [...r.skipped].sort()], [["hub"], ["a", "b", "c"]]);
    });

    it("starts no spoke on outputs that come after the hub was reported failed, and skips every spoke once", async () => {
        const r = await run(2, [], async ([hubWorker, peer]) => {
            await hubWorker.reply({ type: "ready" });
            await peer.reply({ type: "ready" });
            await hubWorker.reply(failed("hub", "stray rejection"));
            await hubWorker.reply({ type: "outputs", stack: "hub", outputs: {}, maxRssKiB: 0 });
            assert.deepStrictEqual(peer.log.filter((m) => m !== "exit"), [], "nothing was sent to plan");
        });
        assert.deepStrictEqual([r.failed, r.skipped], [["hub"], ["a", "b", "c"]]);
    });

    it("retires the worker that planned the hub and starts its replacement only once it has exited", async () => {
        const r = await run(2, [900, 300, 350], async (spawned) => {
            const [hubWorker, peer] = spawned;
            await hubWorker.reply({ type: "ready" });
            await peer.reply({ type: "ready" });
            assert.deepStrictEqual([hubWorker.log, peer.log], [["hub"], []], "spokes wait for the hub's outputs");
            await hubWorker.reply(planned("hub", 900));
            assert.deepStrictEqual([hubWorker.log, peer.log], [["hub", "exit"], ["a"]], "the peer starts on the spokes at once");
            assert.strictEqual(spawned.length, 2, "no replacement while the hub's worker still holds its memory");
            while (spawned.length < 3) {
                await turn();
            }
            assert.ok(hubWorker.listenerCount("exit") > 0 && hubWorker.log.includes("exit"));
            const fresh = spawned[2];
            await fresh.reply({ type: "ready" });
            assert.deepStrictEqual(fresh.log, ["b"]);
            await peer.reply(planned("a", 300));
            await fresh.reply(planned("b", 350));
            await peer.reply(planned("c", 300));
        });
        assert.deepStrictEqual(r.reports, ["planned hub", "planned a", "planned b", "planned c"]);
        assert.deepStrictEqual(r.workers.map((w) => w.log), [["hub", "exit"], ["a", "c", "exit"], ["b", "exit"]]);
        // The hub's worker (900) overlapped the peer while the peer had reported 300 at most; the fresh worker (350)
        // overlapped only the peer: max(900 + 300, 300 + 350), not the sum of all three peaks (1,550).
        assert.strictEqual(r.workersPeakKiB, 1200);
    });

    it("asks the hub's worker to leave before the hub's result is written, so its replacement does not wait for the write", async () => {
        let finishWrite: (() => void) | undefined;
        const writes: string[] = [];
        const workers: FakeWorker[] = [];
        const finished = new Promise<void>((resolve, reject) => {
            const queue = new PlanQueue(manifest, [hub, ...spokes], {
                onStackJson: async (summary) => {
                    writes.push(summary.stack);
                    if (summary.stack === "hub") {
                        await new Promise<void>((r) => { finishWrite = r; });
                    }
                },
            }, () => resolve(), () => 0);
            queue.start((i) => {
                workers.push(new FakeWorker(0));
                return workers[i] as unknown as ChildProcess;
            }, 2, reject);
        });
        const [hubWorker, peer] = workers;
        await hubWorker.reply({ type: "ready" });
        await peer.reply({ type: "ready" });
        await hubWorker.reply(planned("hub"));
        assert.deepStrictEqual(writes, ["hub"]);
        assert.ok(finishWrite !== undefined && hubWorker.log.includes("exit"), "asked to exit while its result is being written");
        while (workers.length < 3) {
            await turn();
        }
        assert.deepStrictEqual(writes, ["hub"], "the replacement was started with the hub's result still being written");
        finishWrite();
        const fresh = workers[2];
        await fresh.reply({ type: "ready" });
        await peer.reply(planned(peer.log[0]));
        await fresh.reply(planned(fresh.log[0]));
        await (peer.log.length > 1 ? peer : fresh).reply(planned("c"));
        await finished;
        assert.deepStrictEqual([...writes].sort(), ["a", "b", "c", "hub"]);
    });
});

describe("concurrentPeakKiB", () => {
    it("bounds each instant by the next report of every worker alive then", () => {
        const spans = [
            { startedAt: 0, exitedAt: 10, peaks: [{ at: 5, peakKiB: 800 }, { at: 9, peakKiB: 820 }] },
            { startedAt: 1, peaks: [{ at: 6, peakKiB: 200 }, { at: 20, peakKiB: 400 }] },
            { startedAt: 11, exitedAt: 30, peaks: [{ at: 15, peakKiB: 380 }, { at: 29, peakKiB: 390 }] },
        ];
        // From 6 the second worker's next report is 400 (at 20) while the first still holds up to 820: 1,220. After
        // the first left at 10, 400 + 390 = 790; the sum of every peak (1,610) never happened.
        assert.strictEqual(concurrentPeakKiB(spans), 1220);
        assert.strictEqual(concurrentPeakKiB([]), 0);
    });

    it("counts a worker between its last report and its exit at its last peak", () => {
        assert.strictEqual(concurrentPeakKiB([{ startedAt: 0, exitedAt: 10, peaks: [{ at: 2, peakKiB: 100 }] }, { startedAt: 5, exitedAt: 8, peaks: [{ at: 7, peakKiB: 50 }] }]), 150);
    });
});
