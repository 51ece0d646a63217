import * as assert from "assert";
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { JournalStore } from "../../../automation/driver/record/journal";
import { checkSettingsPaths } from "../../../automation/driver/settings";
import { AtomicWriter, checkOutputTarget, checkStateDir, pendingTemporaryFiles, writeOutput } from "../../../automation/io/output";
import { runPlanCommand } from "../../../automation/plan/command";
import { configureStacks, runConfigCommand } from "../../../automation/fleet/stackFiles";
import { journalShapeProblem } from "../../../automation/driver/record/journalShape";
import { main as policyMain } from "../../../automation/cli/policyCli";
import { ConfigError } from "../../../stacks/config/common";

const ROOT = path.resolve(__dirname, "../../..");
const FLEET = path.join(ROOT, "stacks/fleet.yaml");

/** Runs fn with console.error captured. */
async function captureErr<T>(fn: () => Promise<T>): Promise<{ value: T; err: string }> {
    const lines: string[] = [];
    const original = console.error;
    console.error = (...a: unknown[]) => void lines.push(a.join(" "));
    try {
        return { value: await fn(), err: lines.join("\n") };
    } finally {
        console.error = original;
    }
}

describe("outputs: checked first, written atomically, never clobbering", function () {
    this.timeout(180_000);
    let dir: string;
    beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "outputs-"))));
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("refuses a missing folder, a folder, a device and an empty name before any work", () => {
        assert.throws(() => checkOutputTarget(path.join(dir, "nope", "plan.json"), "--json"), /--json .*nope\/plan\.json: folder .*nope does not exist; fix: create it/);
        assert.throws(() => checkOutputTarget(dir, "--json"), /is a folder; fix: name a regular file inside it/);
        assert.throws(() => checkOutputTarget("/dev/null", "--json"), /\/dev\/null: is a device; fix: name a regular file.*or - for standard output/);
        assert.throws(() => checkOutputTarget(`${dir}/`, "--json"), /expected a file name/);
        assert.deepStrictEqual(checkOutputTarget("-", "--json"), { kind: "stdout" });
        const file = path.join(dir, "ok.json");
        assert.deepStrictEqual(checkOutputTarget(file, "--json"), { kind: "file", path: file });
    });

    it("replaces the target only on commit, keeps its mode, and leaves no temporary file on abort", () => {
        const file = path.join(dir, "secret.yaml");
        fs.writeFileSync(file, "old\n", { mode: 0o600 });
        const w = new AtomicWriter(checkOutputTarget(file, "test"));
        w.write("new\n");
        assert.strictEqual(fs.readFileSync(file, "utf8"), "old\n", "readers see the old file until commit");
        assert.strictEqual(pendingTemporaryFiles().length, 1);
        w.commit();
        assert.strictEqual(fs.readFileSync(file, "utf8"), "new\n");
        assert.strictEqual(fs.statSync(file).mode & 0o777, 0o600);
        const aborted = new AtomicWriter(checkOutputTarget(file, "test"));
        aborted.write("half");
        aborted.abort();
        assert.strictEqual(fs.readFileSync(file, "utf8"), "new\n");
        assert.deepStrictEqual(fs.readdirSync(dir), ["secret.yaml"]);
        assert.deepStrictEqual(pendingTemporaryFiles(), []);
        writeOutput(path.join(dir, "b.bin"), Buffer.from([1, 2, 3]));
        assert.deepStrictEqual([...fs.readFileSync(path.join(dir, "b.bin"))], [1, 2, 3]);
    });

    it("plan --json to a missing folder or a folder exits 2 in one line, before planning, writing nothing", async () => {
        const missing = await captureErr(() => runPlanCommand(["--manifest", FLEET, "--json", path.join(dir, "no", "plan.json")]));
        assert.strictEqual(missing.value, 2);
        assert.strictEqual(missing.err.split("\n").length, 1, missing.err);
        assert.match(missing.err, /^--json .*: folder .* does not exist; fix:/);
        const folder = await captureErr(() => runPlanCommand(["--manifest", FLEET, "--json", dir, "--graph", path.join(dir, "g.svg")]));
        assert.strictEqual(folder.value, 2);
        assert.match(folder.err, /is a folder/);
        const diff = await captureErr(() => runPlanCommand(["--manifest", FLEET, "--diff", path.join(dir, "old.json")]));
        assert.strictEqual(diff.value, 2);
        assert.match(diff.err, /^--diff .*old\.json: cannot read it \(ENOENT\)/);
        assert.deepStrictEqual(fs.readdirSync(dir), []);
    });

    it("plan --json - writes the plan to standard output and the report to stderr", () => {
        const r = spawnSync("npm", ["run", "-s", "fleet", "--", "plan", "--stacks", "hub", "--json", "-"], { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
        assert.strictEqual(r.status, 0, r.stderr);
        const plan = JSON.parse(r.stdout);
        assert.deepStrictEqual(plan.stacks.map((s: { stack: string }) => s.stack), ["hub"]);
        assert.match(r.stderr, /✔ hub \(hub, 111111111111\/us-east-1\): \d+ to create/);
        assert.ok(!fs.existsSync(path.join(ROOT, "-")), "no file named -");
    });

    it("Ctrl-C during a plan exits 130 and leaves neither the target nor a temporary file", async () => {
        const target = path.join(dir, "plan.json");
        const child = spawn("npm", ["run", "-s", "fleet", "--", "plan", "--json", target], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], detached: true });
        const code = await new Promise<number | null>((resolve) => {
            child.stdout.on("data", (chunk: Buffer) => {
                // The hub is planned and written: the temporary file exists now.
                if (chunk.toString().includes("✔ hub")) {
                    assert.strictEqual(fs.readdirSync(dir).filter((f) => f.endsWith(".tmp")).length, 1);
                    process.kill(-child.pid!, "SIGINT");
                }
            });
            child.on("exit", (c, signal) => resolve(c ?? (signal === "SIGINT" ? 130 : null)));
        });
        assert.strictEqual(code, 130);
        assert.deepStrictEqual(fs.readdirSync(dir), []);
    });

    it("policy check --sarif to a missing folder exits 2 before evaluating", async () => {
        const err: string[] = [];
        const code = await policyMain(["check", path.join(ROOT, "test/policy/fixtures/good-plan.json"), "--sarif", path.join(dir, "x", "out.sarif")], { out: () => undefined, err: (l) => err.push(l) });
        assert.strictEqual(code, 2);
        assert.match(err.join("\n"), /^policy check: --sarif .*out\.sarif: folder .*x does not exist/);
    });

    it("refuses a state folder that is a file, and a report path in a missing folder, before any stack runs", () => {
        const file = path.join(dir, "state");
        fs.writeFileSync(file, "");
        assert.throws(() => checkStateDir(file), /--state-dir .*state: is not a folder/);
        assert.throws(() => checkStateDir(path.join(file, "sub")), /state is not a folder/);
        assert.strictEqual(checkStateDir(path.join(dir, "new", ".fleet")), path.join(dir, "new", ".fleet"));
        assert.ok(!fs.existsSync(path.join(dir, "new")), "checking creates nothing");
        assert.throws(() => checkSettingsPaths({ stateDir: dir, jsonReport: path.join(dir, "missing", "r.json") }), (e: unknown) => e instanceof ConfigError && /--json .*r\.json: folder/.test(e.message));
        assert.doesNotThrow(() => checkSettingsPaths({ stateDir: dir, jsonReport: "-" }));
    });

    it("refuses a journal whose JSON parses but has the wrong shape, naming the field", () => {
        assert.strictEqual(journalShapeProblem({ version: 1, stacks: {} }, 1), undefined);
        assert.match(journalShapeProblem({ version: 1, stacks: { hub: { last: "up" } } }, 1) ?? "", /^stacks\.hub: expected \{ last, ops \}/);
        assert.match(journalShapeProblem({ version: 1, stacks: { hub: { last: "up", ops: { up: 3 } } } }, 1) ?? "", /^stacks\.hub\.ops\.up: expected an entry/);
        assert.match(journalShapeProblem({ version: 1, stacks: {}, rollouts: { r1: { operation: "up" } } }, 1) ?? "", /^rollouts\.r1/);
        assert.match(journalShapeProblem({ version: 1, stacks: {}, runs: {} }, 1) ?? "", /^runs: expected a list/);
        const file = path.join(dir, "journal.json");
        fs.writeFileSync(file, JSON.stringify({ version: 1, stacks: { hub: { last: "up" } } }));
        assert.throws(() => new JournalStore(file).load(), /journal .*journal\.json: stacks\.hub: expected \{ last, ops \}; fix: delete it/);
    });

    it("fleet config exits 2 on a missing or broken manifest, and rewrites secret-holding stack files atomically", async () => {
        const missing = await captureErr(() => runConfigCommand(["--manifest", path.join(dir, "fleet.yaml")]));
        assert.strictEqual(missing.value, 2);
        assert.match(missing.err, /Cannot read fleet manifest .*fleet\.yaml: ENOENT/);
        fs.writeFileSync(path.join(dir, "fleet.yaml"), "version: 1\nstacks: [\n");
        const broken = await captureErr(() => runConfigCommand(["--manifest", path.join(dir, "fleet.yaml")]));
        assert.strictEqual(broken.value, 2);
        assert.match(broken.err, /fleet\.yaml: not valid YAML/);
        assert.strictEqual(broken.err.split("\n").length, 1, broken.err);

        const manifest = path.join(dir, "fleet.yaml");
        fs.copyFileSync(FLEET, manifest);
        const hubFile = path.join(dir, "Pulumi.hub.yaml");
        fs.writeFileSync(hubFile, "encryptionsalt: v1:salt\nconfig:\n  oss-monitoring:grafanaToken:\n    secure: v1:cipher\n", { mode: 0o600 });
        const out: string[] = [];
        assert.strictEqual(configureStacks({ manifest }, (l) => out.push(l), () => undefined), 0);
        assert.strictEqual(out.length, 6);
        const hub = parse(fs.readFileSync(hubFile, "utf8"));
        assert.strictEqual(hub.encryptionsalt, "v1:salt");
        assert.deepStrictEqual(hub.config["oss-monitoring:grafanaToken"], { secure: "v1:cipher" });
        assert.strictEqual(fs.statSync(hubFile).mode & 0o777, 0o600, "permissions of a file with secrets are kept");
        assert.deepStrictEqual(fs.readdirSync(dir).filter((f) => f.includes(".tmp")), []);
    });
});
