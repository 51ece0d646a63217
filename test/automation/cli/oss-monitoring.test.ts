import * as assert from "assert";
import { spawnSync, SpawnSyncReturns } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/**
 * The installed command, run as an operator runs it: the real launcher (package.json `bin`) in a
 * subprocess, from a folder outside the checkout, with real pipes.
 */
const ROOT = path.resolve(__dirname, "../../..");
const BIN = path.join(ROOT, (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { bin: Record<string, string> }).bin["oss-monitoring"]);
const GOOD_PLAN = path.join(ROOT, "test/policy/fixtures/good-plan.json");
const BAD_PLAN = path.join(ROOT, "test/policy/fixtures/bad-plan.json");

function run(cwd: string, args: string[]): SpawnSyncReturns<string> {
    return spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
}

/** Runs the command with its stdout piped into `head -c 1`, which closes the pipe after one byte; returns the command's own exit code. */
function runIntoHead(cwd: string, args: string[]): { code: number; stderr: string } {
    const quoted = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
    const r = spawnSync("bash", ["-c", `${quoted} 2>"$ERRFILE" | head -c 1 >/dev/null; exit \${PIPESTATUS[0]}`], { cwd, encoding: "utf8", env: { ...process.env, ERRFILE: path.join(cwd, "stderr.txt") } });
    return { code: r.status ?? -1, stderr: fs.readFileSync(path.join(cwd, "stderr.txt"), "utf8") };
}

describe("oss-monitoring: the installed command (tools/oss-monitoring.js)", function () {
    this.timeout(120_000);
    let dir: string;
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "ossmon-cli-"));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("is declared as package.json bin and starts with a node shebang, so npm link / npm install -g install it", () => {
        assert.ok(fs.readFileSync(BIN, "utf8").startsWith("#!/usr/bin/env node\n"));
        assert.ok((fs.statSync(BIN).mode & 0o111) !== 0, "executable");
    });

    it("--version prints the package version, the Pulumi SDK version and the Node.js runtime it runs on, exit 0", () => {
        const r = run(dir, ["--version"]);
        const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string; dependencies: Record<string, string> };
        assert.strictEqual(r.status, 0, r.stderr);
        assert.strictEqual(r.stdout, `oss-monitoring ${pkg.version} (@pulumi/pulumi ${pkg.dependencies["@pulumi/pulumi"]}, Node.js ${process.version})\n`);
    });

    it("keeps V8's compile cache inside its own build folder, so later runs skip compiling what they load and a pruned build takes its cache along", () => {
        const env = { ...process.env };
        delete env.NODE_COMPILE_CACHE;
        delete env.NODE_DISABLE_COMPILE_CACHE;
        const r = spawnSync(process.execPath, [BIN, "--version"], { cwd: dir, encoding: "utf8", env });
        assert.strictEqual(r.status, 0, r.stderr);
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const build = (require(path.join(ROOT, "tools/dist.js")) as { freshBuild(root: string): string | undefined }).freshBuild(ROOT);
        assert.ok(build !== undefined, "the run left a complete build");
        const cache = path.join(build, ".node-compile-cache");
        const entries = fs.readdirSync(cache, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
        assert.ok(entries.length > 0, `compile cache entries in ${cache}`);
        assert.deepStrictEqual(fs.readdirSync(dir), [], "nothing written where the operator runs it");
    });

    it("plan --json - from another folder: only the plan JSON on stdout, the report on stderr, no file named -", () => {
        const r = run(dir, ["plan", "-s", "hub", "--json", "-"]);
        assert.strictEqual(r.status, 0, r.stderr);
        const plan = JSON.parse(r.stdout) as { version: number; stacks: { stack: string }[] };
        assert.deepStrictEqual(plan.stacks.map((s) => s.stack), ["hub"]);
        assert.match(r.stderr, /✔ hub \(hub, 111111111111\/us-east-1\)/);
        assert.deepStrictEqual(fs.readdirSync(dir), []);
    });

    it("plan --json - | head -c 1 ends quietly with exit 0: no EPIPE, no failed or skipped stack", () => {
        const r = runIntoHead(dir, ["plan", "--json", "-"]);
        assert.strictEqual(r.code, 0, r.stderr);
        assert.doesNotMatch(r.stderr, /EPIPE|✘|skipped|FAILED/);
    });

    it("plan --tree | head -c 1 (the human report on stdout) also ends quietly with exit 0", () => {
        const r = runIntoHead(dir, ["plan", "--tree"]);
        assert.strictEqual(r.code, 0, r.stderr);
        assert.doesNotMatch(r.stderr, /EPIPE|✘|skipped|FAILED|internal error/);
    });

    it("policy check --sarif -: stdout is the SARIF alone, the human report goes to stderr", () => {
        const r = run(dir, ["policy", "check", GOOD_PLAN, "--sarif", "-"]);
        assert.strictEqual(r.status, 0, r.stderr);
        const sarif = JSON.parse(r.stdout) as { version: string };
        assert.strictEqual(sarif.version, "2.1.0");
        assert.match(r.stderr, /0 mandatory, \d+ other violation\(s\) in \d+ stack\(s\)\./);
    });

    it("policy check --sarif - | head -c 1 keeps the gate's verdict (exit 1 on mandatory violations)", () => {
        const r = runIntoHead(dir, ["policy", "check", BAD_PLAN, "--sarif", "-"]);
        assert.strictEqual(r.code, 1, r.stderr);
        assert.doesNotMatch(r.stderr, /EPIPE|internal error/);
    });

    it("status --json - with a relative --state-dir: JSON on stdout, never-deployed stacks exit 0, nothing written", () => {
        const r = run(dir, ["status", "--state-dir", "state", "--json", "-"]);
        assert.strictEqual(r.status, 0, r.stderr);
        const status = JSON.parse(r.stdout) as { stacks: { stack: string; result: string }[] };
        assert.deepStrictEqual([...new Set(status.stacks.map((s) => s.result))], ["never deployed"]);
        assert.match(r.stderr, /^STACK +ACCOUNT/m);
        assert.deepStrictEqual(fs.readdirSync(dir), [], "neither a file named - nor a state folder");
    });

    it("status --json FILE resolves the path against the working directory", () => {
        const r = run(dir, ["status", "--state-dir", "state", "--json", "status.json"]);
        assert.strictEqual(r.status, 0, r.stderr);
        assert.strictEqual((JSON.parse(fs.readFileSync(path.join(dir, "status.json"), "utf8")) as { version: number }).version, 1);
    });

    it("per-command help lists that command's flags only; help up is the same page as up --help", () => {
        const up = run(dir, ["up", "--help"]);
        const status = run(dir, ["status", "--help"]);
        assert.strictEqual(up.status, 0);
        assert.match(up.stdout, /^Usage: oss-monitoring up \[flags\]/);
        assert.match(up.stdout, /--yes, -y/);
        assert.match(up.stdout, /--failure-tolerance/);
        assert.match(status.stdout, /--state-dir/);
        assert.doesNotMatch(status.stdout, /--yes|--failure-tolerance|--policy-pack/);
        assert.strictEqual(run(dir, ["help", "up"]).stdout, up.stdout);
    });

    it("--dry-run is refused in one line pointing to preview, exit 2", () => {
        const r = run(dir, ["up", "--dry-run"]);
        assert.strictEqual(r.status, 2);
        assert.strictEqual(r.stdout, "");
        assert.match(r.stderr, /^unknown flag --dry-run; a dry run is its own command: .*preview/);
        assert.strictEqual(r.stderr.trim().split("\n").length, 1);
    });

    it("the top-level help lists the fleet, policy and content commands", () => {
        const r = run(dir, []);
        assert.strictEqual(r.status, 0, r.stderr);
        for (const c of ["plan", "config", "preview", "up", "status", "policy", "content"]) {
            assert.match(r.stdout, new RegExp(`^  ${c} `, "m"), c);
        }
    });
});
