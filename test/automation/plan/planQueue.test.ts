import * as assert from "assert";
import { ChildProcess } from "child_process";
import { EventEmitter } from "events";
import { FleetManifest, FleetStack } from "../../../automation/fleet/types";
import { PlanQueue } from "../../../automation/plan/parallel";
import { FromWorker, ToWorker } from "../../../automation/plan/protocol";
import { PlanStack, StackSummary } from "../../../automation/plan/plan";

/** A worker process stand-in: records what the queue sends it and lets the test answer. */
class FakeWorker extends EventEmitter {
    readonly sent: ToWorker[] = [];
    private scriptDone = false;
    send(msg: ToWorker): boolean {
        this.sent.push(msg);
        this.exitIfDone();
        return true;
    }
    /** Exits once asked to and once the test has sent every reply (so none arrives after the plan ended). */
    done(): void {
        this.scriptDone = true;
        this.exitIfDone();
    }
    private exitIfDone(): void {
        if (this.scriptDone && this.sent.some((m) => m.type === "exit") && this.listenerCount("exit") > 0) {
            setImmediate(() => this.emit("exit", 0));
            this.scriptDone = false;
        }
    }
    /** Delivers `msg` as IPC does: in a later turn of the event loop, after the previous one was handled. */
    async reply(msg: FromWorker): Promise<void> {
        await new Promise((resolve) => setImmediate(resolve));
        this.emit("message", msg);
    }
}

const stack = (name: string, role: FleetStack["role"], dependsOn: string[] = []): FleetStack =>
    ({ name, role, account: "111111111111", region: "us-east-1", regulated: false, dependsOn, secrets: [], tags: {}, config: {} }) as unknown as FleetStack;

describe("parallel plan queue", () => {
    const hub = stack("hub", "hub");
    const spokes = [stack("a", "monitored", ["hub"]), stack("b", "monitored", ["hub"])];
    const manifest = { path: "fleet.yaml", pulumiOrganization: "org", stacks: [hub, ...spokes], hub } as unknown as FleetManifest;

    function run(script: (w: FakeWorker) => Promise<void>): Promise<{ reports: string[]; failed: string[]; skipped: string[] }> {
        const reports: string[] = [];
        const w = new FakeWorker();
        return new Promise((resolve, reject) => {
            const queue = new PlanQueue(manifest, [hub, ...spokes], {
                onStack: (p: PlanStack) => { reports.push(`planned ${p.stack}`); },
                onFailure: (s, e) => { reports.push(`failed ${s.name}: ${e.message}`); },
            }, (r) => resolve({ reports, failed: r.failed, skipped: r.skipped }));
            queue.start(() => w as unknown as ChildProcess, 1, reject);
            script(w).then(() => w.done(), reject);
        });
    }

    // The 2,000-account bench printed "[2052/2051]": the hub's failure reported twice by its worker
    // (a stray rejection of the aborted program, then the program's own rejection).
    it("counts a stack reported failed twice by its worker once, and skips its dependants once each", async () => {
        const r = await run(async (w) => {
            await w.reply({ type: "ready" });
            await w.reply({ type: "failed", stack: "hub", message: "stray rejection" });
            await w.reply({ type: "failed", stack: "hub", message: "tenants: too many" });
        });
        assert.deepStrictEqual(r.reports, [
            "failed hub: stray rejection",
            "failed a: skipped: depends on hub which did not plan",
            "failed b: skipped: depends on hub which did not plan",
        ]);
        assert.deepStrictEqual([r.failed, r.skipped], [["hub"], ["a", "b"]]);
    });

    it("ignores a late report of a stack that does not free the worker from its next stack", async () => {
        const plan = (name: string): FromWorker => ({ type: "planned", stack: name, summary: { stack: name } as StackSummary, json: JSON.stringify({ stack: name }), outputs: {} });
        let worker: FakeWorker | undefined;
        const r = await run(async (w) => {
            worker = w;
            await w.reply({ type: "ready" });
            await w.reply(plan("hub"));
            // Late duplicate of the hub while the worker plans "a": must not free it for "b".
            await w.reply({ type: "failed", stack: "hub", message: "late stray rejection" });
            const sentStacks = w.sent.flatMap((m) => (m.type === "plan" ? [m.stack] : []));
            assert.deepStrictEqual(sentStacks, ["hub", "a"], "one stack at a time per worker");
            await w.reply(plan("a"));
            await w.reply(plan("b"));
        });
        assert.deepStrictEqual(r.reports, ["planned hub", "planned a", "planned b"]);
        assert.deepStrictEqual([r.failed, r.skipped], [[], []]);
        assert.deepStrictEqual(worker?.sent.map((m) => (m.type === "plan" ? m.stack : m.type)), ["hub", "a", "b", "exit"]);
    });
});
