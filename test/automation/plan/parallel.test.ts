import * as assert from "assert";
import { ChildProcess } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { loadManifest } from "../../../automation/fleet/manifest";
import { runPlanCommand } from "../../../automation/plan/command";
import { planFleetParallel } from "../../../automation/plan/parallel";
import { forkWorker, WorkerPool, workerEntry } from "../../../automation/plan/workerPool";
import { resourceTree } from "../../../automation/plan/tree";
import { PlanStack, planFleet } from "../../../automation/plan/plan";
import { projectRoot } from "../../../automation/io/paths";
import { generateFleet } from "../../bench/fleetGen";

describe("parallel offline plan", function () {
    this.timeout(180_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fleet-"));
    const file = path.join(dir, "fleet.yaml");

    before(() => {
        const example = parse(fs.readFileSync(path.join(projectRoot(), "stacks/fleet.yaml"), "utf8"));
        fs.writeFileSync(file, stringify(generateFleet(example, 5, 2)));
    });

    it("produces the same stacks as the single-process path (ignoring stack order)", async () => {
        const manifest = loadManifest(file);
        const single: PlanStack[] = [];
        const parallel: PlanStack[] = [];
        const r1 = await planFleet(manifest, { onStack: (s) => { single.push(s); } });
        const r2 = await planFleetParallel(manifest, { workers: 2, root: projectRoot() }, { onStack: (s) => { parallel.push(s); } });
        assert.deepStrictEqual([r1.failed, r1.skipped], [[], []]);
        assert.deepStrictEqual([r2.failed, r2.skipped], [[], []]);
        assert.strictEqual(single.length, 8);
        const byName = (xs: PlanStack[]) => [...xs].sort((a, b) => a.stack.localeCompare(b.stack));
        assert.deepStrictEqual(JSON.parse(JSON.stringify(byName(parallel))), JSON.parse(JSON.stringify(byName(single))));
        assert.strictEqual(parallel[0].stack, "hub", "the hub is planned before any spoke");
        assert.ok(r2.peakRssKiB > 0);
    });

    it("plans the hub on the worker forked before the manifest was read, whose ready came before anyone listened", async () => {
        const forked: ChildProcess[] = [];
        const pool = new WorkerPool(workerEntry(projectRoot()), 1, (entry, forHub) => {
            forked.push(forkWorker(entry, forHub));
            return forked[forked.length - 1];
        });
        let exitCode: number | null | undefined;
        forked[0].once("exit", (code) => (exitCode = code));
        await new Promise((resolve) => forked[0].once("message", resolve)); // its ready, held by the pool
        const stacks: PlanStack[] = [];
        const r = await planFleetParallel(loadManifest(file), { workers: 2, root: projectRoot(), pool }, { onStack: (s) => { stacks.push(s); } });
        // Taken and retired after the hub by the plan (an untaken one lives until close() kills it).
        assert.strictEqual(exitCode, 0);
        pool.close();
        assert.deepStrictEqual([r.failed, r.skipped, stacks.length, stacks[0].stack], [[], [], 8, "hub"]);
    });

    // The workers send each stack as its plan-file text and the parent writes it as it is (README "Scale").
    it("writes every stack's text as the single-process plan does, and --tree and --diff read the workers' stacks", async () => {
        const single = path.join(dir, "single.json");
        const parallel = path.join(dir, "parallel.json");
        /** Runs the plan command with its report lines captured (stdoutLine writes to process.stdout). */
        const captured = async (argv: string[]) => {
            const out: string[] = [];
            const write = process.stdout.write;
            process.stdout.write = ((chunk: string) => out.push(...chunk.split("\n").filter((l) => l !== ""))) as unknown as typeof process.stdout.write;
            try {
                return { code: await runPlanCommand(argv), out };
            } finally {
                process.stdout.write = write;
            }
        };
        assert.strictEqual((await captured(["--manifest", file, "--workers", "1", "--no-progress", "--json", single])).code, 0);
        const { code, out } = await captured(["--manifest", file, "--workers", "2", "--no-progress", "--json", parallel, "--tree", "--diff", single]);
        assert.strictEqual(code, 0);
        // Stack order is completion order on workers; each stack's text is byte-for-byte the same.
        const chunks = (f: string) => {
            const text = fs.readFileSync(f, "utf8");
            const body = text.slice('{\n  "version": 1,\n  "stacks": [\n'.length, -"\n  ]\n}\n".length);
            return body.split(/,\n(?= {4}\{\n {6}"stack": )/).sort();
        };
        const a = chunks(single);
        assert.strictEqual(a.length, 8);
        assert.deepStrictEqual(chunks(parallel), a);
        assert.ok(out.includes("Diff: 0 to create, 0 to update, 0 to delete (the plans match)"), out.slice(-3).join("\n"));
        const plan = JSON.parse(fs.readFileSync(single, "utf8")) as { stacks: PlanStack[] };
        for (const s of plan.stacks) {
            const tree = resourceTree(s);
            const at = out.findIndex((l) => l.includes(`✔ ${s.stack} (`));
            assert.ok(at >= 0, `no report line for ${s.stack}`);
            assert.deepStrictEqual(out.slice(at + 1, at + 1 + tree.length), tree, `the tree of ${s.stack} follows its line`);
        }
    });

    it("gives every generated member a unique account and non-overlapping site networks", () => {
        const manifest = loadManifest(file);
        const accounts = manifest.stacks.map((s) => s.account);
        assert.strictEqual(new Set(accounts).size, accounts.length);
        const hub = manifest.hub.parsed;
        assert.ok(hub.role === "hub");
        assert.strictEqual(hub.hub.onpremSites.length, 2);
        assert.strictEqual(hub.hub.monitoredAccounts.length, 5);
        assert.deepStrictEqual(hub.hub.onpremSites.map((s) => s.site), ["gen0", "gen1"], "each generated site is its own tenant");
    });
});
