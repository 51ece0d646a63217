/**
 * Retiring an account on the real engine (the fixture fleet, test/e2e/engine/harness.ts): the
 * account leaves the manifest, `config --check` reports its stack file with the retire command,
 * and `fleet retire` destroys the spoke, updates the hub (its tenants no longer name the account),
 * and leaves no backend stack and no stack file.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse, stringify } from "yaml";
import { account, FixtureFleet, toolsBin } from "./harness";

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
        const doc = parse(fs.readFileSync(fleet.manifest, "utf8")) as { stacks: { name: string }[] };
        doc.stacks = doc.stacks.filter((s) => stacks.includes(s.name));
        fs.writeFileSync(fleet.manifest, stringify(doc));
    }

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
});
