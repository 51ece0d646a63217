import * as assert from "assert";
import { ChildProcess } from "child_process";
import { EventEmitter } from "events";
import { FromWorker } from "../../../automation/plan/protocol";
import { WorkerPool } from "../../../automation/plan/workerPool";

/** A forked worker stand-in: emits what the test makes it send; records kill(). */
class FakeProcess extends EventEmitter {
    killed = false;
    constructor(readonly forHub: boolean) {
        super();
    }
    kill(): boolean {
        this.killed = true;
        setImmediate(() => this.emit("exit", null, "SIGTERM"));
        return true;
    }
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe("plan worker pool (workers forked before the manifest is read)", () => {
    function pool(count: number): { pool: WorkerPool; forked: FakeProcess[] } {
        const forked: FakeProcess[] = [];
        const p = new WorkerPool("worker.js", count, (_entry, forHub) => {
            forked.push(new FakeProcess(forHub));
            return forked[forked.length - 1] as unknown as ChildProcess;
        });
        return { pool: p, forked };
    }

    it("forks the hub's worker first and hands it out for the hub only", () => {
        const { pool: p, forked } = pool(2);
        assert.deepStrictEqual(forked.map((f) => f.forHub), [true, false]);
        assert.strictEqual(p.take(true), forked[0] as unknown as ChildProcess);
        assert.strictEqual(p.take(true), undefined, "one hub worker");
        assert.strictEqual(p.take(false), forked[1] as unknown as ChildProcess);
        assert.strictEqual(p.take(false), undefined);
    });

    it("gives the taker the ready its worker sent while nobody listened, once, before later messages", async () => {
        const { pool: p, forked } = pool(1);
        forked[0].emit("message", { type: "ready" } satisfies FromWorker);
        const taken = p.take(true)!;
        const seen: string[] = [];
        taken.on("message", (m: FromWorker) => seen.push(m.type));
        await turn();
        forked[0].emit("message", { type: "bye", maxRssKiB: 1 } satisfies FromWorker);
        assert.deepStrictEqual(seen, ["ready", "bye"]);
    });

    it("does not hand out a worker that exited while waiting, and close() kills only the workers nobody took", async () => {
        const { pool: p, forked } = pool(3);
        forked[1].emit("exit", 1, null);
        const taken = p.take(false);
        assert.strictEqual(taken, forked[2] as unknown as ChildProcess, "the exited one is skipped");
        p.close();
        assert.deepStrictEqual(forked.map((f) => f.killed), [true, false, false], "the hub's (untaken) is killed; the taken and the exited are not");
        p.close();
        assert.strictEqual(p.take(true), undefined, "nothing is handed out after close");
    });
});
