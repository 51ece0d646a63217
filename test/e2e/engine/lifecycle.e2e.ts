/**
 * Retiring an account on the real engine (the fixture fleet, test/e2e/engine/harness.ts): an
 * account removed from the manifest by hand (`config --check` reports its stack file with the retire
 * command) or marked `retiring: true` (`up` leaves it and the hub keeps its tenant), then `fleet
 * retire` destroys the spoke, removes the entry, updates the hub (its tenants no longer name the
 * account), and leaves no backend stack and no stack file.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { spawn } from "child_process";
import { parse, stringify } from "yaml";
import { account, FixtureFleet, ROOT, toolsBin } from "./harness";

function collect(child: import("child_process").ChildProcess): Promise<{ code: number; stdout: string }> {
    let stdout = "";
    child.stdout!.on("data", (b: Buffer) => (stdout += b.toString()));
    return new Promise((resolve) => child.on("close", (code) => resolve({ code: code ?? -1, stdout })));
}

describe("fleet lifecycle on the real engine: retiring an account removed from the manifest", function () {
    this.timeout(900_000);
    let fleet: FixtureFleet;
    const keep = ["hub", "spoke-01", "spoke-02"];

    /** The fixture manifest cut down to the hub and the given spokes (three stacks keep the run short). */
    function writeManifest(stacks: readonly string[]): void {
        const doc = parse(fs.readFileSync(fleet.manifest, "utf8")) as { stacks: { name: string }[]; rollout: { canary: string[] } };
        doc.stacks = doc.stacks.filter((s) => stacks.includes(s.name));
        doc.rollout.canary = doc.rollout.canary.filter((c) => stacks.includes(c));
        fs.writeFileSync(fleet.manifest, stringify(doc));
    }

    /** Marks a spoke `retiring: true` (as fleet enrol --write does) and takes it out of the canary wave. */
    function markRetiring(name: string): void {
        const doc = parse(fs.readFileSync(fleet.manifest, "utf8")) as { stacks: { name: string; retiring?: boolean }[]; rollout: { canary: string[] } };
        doc.stacks.find((s) => s.name === name)!.retiring = true;
        doc.rollout.canary = doc.rollout.canary.filter((c) => c !== name);
        fs.writeFileSync(fleet.manifest, stringify(doc));
    }
    const manifestNames = () => (parse(fs.readFileSync(fleet.manifest, "utf8")) as { stacks: { name: string }[] }).stacks.map((s) => s.name);

    const backendStacks = async () => JSON.parse((await collect(fleet.pulumi(["stack", "ls", "--json"]))).stdout) as { name: string }[];
    const hubState = async () => (await collect(fleet.pulumi(["stack", "export", "--stack", "organization/oss-monitoring/hub"]))).stdout;
    const stackFiles = (name: string) => [path.join(fleet.dir, `Pulumi.${name}.yaml`), path.join(fleet.program, "stacks", `Pulumi.${name}.yaml`)].filter((f) => fs.existsSync(f));

    before(async () => {
        fleet = new FixtureFleet(toolsBin());
        writeManifest(keep);
        const config = await fleet.fleetRaw(["config", "--manifest", fleet.manifest]);
        assert.strictEqual(config.code, 0, config.stderr);
        const up = await fleet.fleet("up");
        assert.strictEqual(up.code, 0, up.stdout + up.stderr);
    });
    after(() => fleet?.cleanup());

    it("the hub cannot be retired while spokes exist", async () => {
        const r = await fleet.fleetRaw(["retire", "--stacks", "hub", "--manifest", fleet.manifest, "--state-dir", fleet.stateDir, "--backend", fleet.backend, "--yes"]);
        assert.strictEqual(r.code, 2, r.stdout + r.stderr);
        assert.match(r.stderr.trim(), /^retire hub: the hub cannot be retired while spokes exist \(spoke-01, spoke-02\); fix: retire them first$/);
        assert.ok((await backendStacks()).some((s) => s.name.endsWith("hub")));
    });

    it("config --check reports the removed account's stack file, and retire destroys the spoke, updates the hub, and leaves no stack file and no backend stack", async () => {
        const gone = account("spoke-02");
        assert.ok((await hubState()).includes(gone), "before: the hub names the account");
        assert.ok(fs.existsSync(fleet.registrationFile("spoke-02")), "before: the spoke's resource exists");
        writeManifest(["hub", "spoke-01"]);
        const regen = await fleet.fleetRaw(["config", "--manifest", fleet.manifest]);
        assert.match(regen.stderr, /Pulumi\.spoke-02\.yaml: no entry of .* explains it; fix: retire it with `npm run fleet -- retire --stacks spoke-02`/);
        const check = await fleet.fleetRaw(["config", "--check", "--manifest", fleet.manifest]);
        assert.strictEqual(check.code, 1);

        const r = await fleet.fleetRaw(["retire", "--stacks", "spoke-02", "--manifest", fleet.manifest, "--state-dir", fleet.stateDir, "--backend", fleet.backend, "--policy-pack", path.join(fleet.program, "policy"), "--yes"]);
        assert.strictEqual(r.code, 0, r.stdout + r.stderr);
        // Order: the spoke's destroy finished before the hub update started.
        const destroyAt = r.stdout.indexOf("destroy: 1 stack(s) selected");
        const upAt = r.stdout.indexOf("up: 1 stack(s) selected");
        assert.ok(destroyAt >= 0 && upAt > destroyAt, r.stdout);
        assert.ok(!fs.existsSync(fleet.registrationFile("spoke-02")), "the spoke's resources are destroyed");
        assert.ok(!(await hubState()).includes(gone), "nothing in the hub's state names the account");
        assert.deepStrictEqual((await backendStacks()).map((s) => s.name.split("/").pop()).sort(), ["hub", "spoke-01"]);
        assert.deepStrictEqual(stackFiles("spoke-02"), []);
        assert.deepStrictEqual(JSON.parse(fs.readFileSync(path.join(fleet.stateDir, "retire.json"), "utf8")), {}, "the retire journal is empty once done");
        const after = await fleet.fleetRaw(["config", "--check", "--manifest", fleet.manifest]);
        assert.strictEqual(after.code, 0, after.stderr);
    });

    it("a spoke marked retiring: up leaves it and the hub keeps its tenant; Ctrl-C during retire stops after the running step, the same command resumes and finishes it", async () => {
        markRetiring("spoke-01");
        const up = await fleet.fleet("up");
        assert.strictEqual(up.code, 0, up.stdout + up.stderr);
        assert.match(up.stdout, /spoke-01: retiring, left as it is by up; finish it with `fleet retire --stacks spoke-01`/);
        assert.ok((await hubState()).includes(account("spoke-01")), "while retiring, the hub still names the account");
        assert.ok(fs.existsSync(fleet.registrationFile("spoke-01")), "while retiring, the spoke still runs");
        // The hub update takes 20 s (its work command re-runs and sleeps on cue): time to press Ctrl-C in it.
        fleet.cue("hub", "sleep", "20");
        fleet.resetEvents();
        const argv = ["retire", "--stacks", "spoke-01", "--manifest", fleet.manifest, "--state-dir", fleet.stateDir, "--backend", fleet.backend, "--policy-pack", path.join(fleet.program, "policy"), "--yes"];
        // As a terminal runs it: its own process group, so SIGINT reaches the driver and Pulumi together.
        const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "automation/cli/launch.ts", "automation/cli/fleetCli", ...argv], { cwd: ROOT, env: fleet.env, stdio: ["ignore", "pipe", "pipe"], detached: true });
        let out = "";
        child.stdout.on("data", (b: Buffer) => (out += b.toString()));
        child.stderr.on("data", (b: Buffer) => (out += b.toString()));
        let code: number | undefined;
        const exited = new Promise<number>((resolve) => child.on("close", (c) => resolve((code = c ?? -1))));
        for (let i = 0; i < 1200 && code === undefined && !fleet.events().some((e) => e.kind === "start" && e.stack === "hub"); i++) {
            await new Promise((r) => setTimeout(r, 250));
        }
        assert.ok(fleet.events().some((e) => e.kind === "start" && e.stack === "hub"), `the hub update never started:\n${out}`);
        process.kill(-child.pid!, "SIGINT");
        assert.strictEqual(await exited, 130, out);
        const journal = JSON.parse(fs.readFileSync(path.join(fleet.stateDir, "retire.json"), "utf8")) as Record<string, Record<string, string>>;
        assert.deepStrictEqual(Object.keys(journal["spoke-01"]), ["destroyed", "entry-removed"], "the destroy and the entry's removal are recorded as done, the hub update is not");
        assert.deepStrictEqual(manifestNames(), ["hub"], "the entry left the manifest before the hub update");
        assert.ok((await backendStacks()).some((s) => s.name.endsWith("spoke-01")), "the backend stack is still there");

        fleet.clearCue("hub", "sleep");
        const r = await fleet.fleetRaw(argv);
        assert.strictEqual(r.code, 0, r.stdout + r.stderr);
        assert.match(r.stdout, /retire spoke-01: destroyed already/);
        assert.ok(!r.stdout.includes("destroy: 1 stack(s) selected"), "the resumed run does not destroy again");
        assert.ok(!(await hubState()).includes(account("spoke-01")));
        assert.deepStrictEqual((await backendStacks()).map((s) => s.name.split("/").pop()), ["hub"]);
        assert.deepStrictEqual(stackFiles("spoke-01"), []);
    });
});
