import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import type { AuditReport } from "../../../automation/driver/audit";
import { FixtureFleet, toolsBin } from "./harness";

/**
 * `fleet audit` on the real engine (Pulumi CLI 3.248, file backend): the project's policy pack over
 * what is deployed. The hub of the fixture fleet is deployed clean through the fleet (its preview/up
 * policy gate) with a spoke, both audited clean; then it is changed outside the fleet — a `pulumi up` run by hand
 * without the policy pack adds an untagged AWS-typed resource, and the file the registration command
 * manages is edited — and the next `fleet audit --refresh` reports the stack, the resource and the
 * policy, while the refresh brings the edited file into the audited state.
 */
describe("fleet audit: the policy pack over deployed state (real engine)", function () {
    this.timeout(900_000);
    let fleet: FixtureFleet;
    let config: string;

    before(async () => {
        fleet = new FixtureFleet(toolsBin());
        // The fixture's spokes have no network, so stack-private-path-to-hub cannot pass on them: the fleet's
        // policy configuration (the --policy-pack-config format) makes it advisory, and the audit applies it too.
        config = path.join(fleet.dir, "policy-config.json");
        fs.writeFileSync(config, JSON.stringify({ "stack-private-path-to-hub": "advisory" }));
        const up = await fleet.fleet("up", ["--stacks", "hub,spoke-01"]);
        assert.strictEqual(up.code, 0, up.stdout + up.stderr);
    });

    after(() => fleet?.cleanup());

    const audit = async (name: string, extra: readonly string[] = []) => {
        const json = path.join(fleet.dir, `${name}.json`);
        const sarif = path.join(fleet.dir, `${name}.sarif`);
        const r = await fleet.fleetRaw(["audit", "--manifest", fleet.manifest, "--backend", fleet.backend, "--stacks", "hub,spoke-01", "--config", config, "--json", json, "--sarif", sarif, ...extra]);
        return { ...r, json: JSON.parse(fs.readFileSync(json, "utf8")) as AuditReport, sarif: JSON.parse(fs.readFileSync(sarif, "utf8")) as { runs: Array<{ results: Array<{ ruleId: string; message: { text: string } }> }> } };
    };

    const exportedState = () => {
        const r = spawnSync(path.join(fleet.bin, "pulumi"), ["stack", "export", "--stack", "organization/oss-monitoring/hub", "--non-interactive"], { cwd: fleet.program, env: fleet.env, encoding: "utf8" });
        assert.strictEqual(r.status, 0, r.stderr);
        return r.stdout;
    };

    it("reports no mandatory violation on the stacks as the fleet deployed them, under the fleet's policy configuration", async () => {
        const r = await audit("clean", ["--refresh"]);
        assert.strictEqual(r.code, 0, r.stdout + r.stderr);
        assert.deepStrictEqual(r.json.stacks.map((s) => s.stack), ["hub", "spoke-01"]);
        for (const s of r.json.stacks) {
            assert.strictEqual(s.error, undefined);
            assert.ok(s.resources >= 5, `${s.stack}: audited ${s.resources} resources`);
        }
        const [hub, spoke] = r.json.stacks;
        assert.deepStrictEqual(hub.violations, []);
        assert.deepStrictEqual(spoke.violations.map((v) => `${v.policy} ${v.enforcementLevel}`), ["stack-private-path-to-hub advisory"]);
        assert.strictEqual(r.json.summary.mandatory, 0);
        assert.deepStrictEqual(r.sarif.runs[0].results.map((x) => x.ruleId), ["stack-private-path-to-hub"]);
        assert.match(r.stdout, /hub: 0 mandatory, 0 other violation\(s\) over \d+ deployed resource\(s\) \(refreshed\)/);
    });

    it("reports an out-of-band change a policy forbids, naming the stack, the resource and the policy", async () => {
        // Out of band: a hand-run `pulumi up` without the fleet's policy pack, and an edit of what a resource manages.
        fleet.cue("hub", "violate");
        const up = spawnSync(path.join(fleet.bin, "pulumi"), ["up", "--yes", "--skip-preview", "--stack", "organization/oss-monitoring/hub", "--non-interactive"], { cwd: fleet.program, env: fleet.env, encoding: "utf8" });
        fleet.clearCue("hub", "violate");
        assert.strictEqual(up.status, 0, up.stdout + up.stderr);
        fs.writeFileSync(fleet.registrationFile("hub"), "edited out of band\n");
        assert.ok(!exportedState().includes("edited out of band"), "the state does not know the edit before a refresh");

        const r = await audit("changed", ["--refresh"]);
        assert.strictEqual(r.code, 1, r.stdout + r.stderr);
        const [hub, spoke] = r.json.stacks;
        assert.ok(hub.refreshed && spoke.refreshed);
        assert.deepStrictEqual(spoke.violations.map((v) => v.policy), ["stack-private-path-to-hub"], "the change is attributed to the stack that has it");
        const found = hub.violations.filter((v) => v.policy === "cost-allocation-tags");
        assert.strictEqual(found.length, 1, JSON.stringify(hub.violations, null, 2));
        assert.strictEqual(found[0].stack, "hub");
        assert.match(found[0].urn, /::aws:s3\/bucket:Bucket::hub-untagged$/);
        assert.strictEqual(found[0].enforcementLevel, "mandatory");
        assert.deepStrictEqual(r.json.summary.byPolicy, { "cost-allocation-tags": 1, "stack-private-path-to-hub": 1 });
        assert.deepStrictEqual(hub.byPolicy, { "cost-allocation-tags": 1 });
        assert.match(r.stdout, /\[mandatory\] cost-allocation-tags {2}\(stack hub\)\n {2}resource: urn:pulumi:hub::oss-monitoring::aws:s3\/bucket:Bucket::hub-untagged/);
        assert.deepStrictEqual(r.sarif.runs[0].results.map((x) => x.ruleId).sort(), ["cost-allocation-tags", "stack-private-path-to-hub"]);
        // --refresh read the edited file into the state the audit judged.
        assert.ok(exportedState().includes("edited out of band"), "audit --refresh refreshed the stack");
    });

    it("lists a backend stack no manifest entry explains, with the command that retires or adopts it, and exits 1", async () => {
        const init = spawnSync(path.join(fleet.bin, "pulumi"), ["stack", "init", "organization/oss-monitoring/monitored-gone", "--non-interactive"], { cwd: fleet.program, env: fleet.env, encoding: "utf8" });
        assert.strictEqual(init.status, 0, init.stdout + init.stderr);
        try {
            // The spoke alone: its only finding is advisory, so exit 1 is the orphan's.
            const json = path.join(fleet.dir, "orphan.json");
            const r = await fleet.fleetRaw(["audit", "--manifest", fleet.manifest, "--backend", fleet.backend, "--stacks", "spoke-01", "--config", config, "--json", json]);
            const report = JSON.parse(fs.readFileSync(json, "utf8")) as AuditReport;
            assert.strictEqual(r.code, 1, r.stdout + r.stderr);
            assert.deepStrictEqual(report.orphans, [{ stack: "monitored-gone", where: "backend" }]);
            assert.deepStrictEqual([report.summary.mandatory, report.summary.failed, report.summary.orphans], [0, 0, 1]);
            assert.match(r.stdout, /^backend stack monitored-gone: no entry of .* explains it; fix: retire it with `npm run fleet -- retire --stacks monitored-gone`, or adopt it by adding an entry named monitored-gone to /m);
            assert.match(r.stdout, /1 backend stack\(s\) no entry explains\.$/m);
        } finally {
            spawnSync(path.join(fleet.bin, "pulumi"), ["stack", "rm", "organization/oss-monitoring/monitored-gone", "--yes", "--non-interactive"], { cwd: fleet.program, env: fleet.env, encoding: "utf8" });
        }
    });

    it("exits 2 on bad input and writes nothing", async () => {
        const json = path.join(fleet.dir, "bad.json");
        const r = await fleet.fleetRaw(["audit", "--manifest", fleet.manifest, "--backend", fleet.backend, "--stacks", "no-such-stack", "--json", json]);
        assert.strictEqual(r.code, 2, r.stdout + r.stderr);
        assert.match(r.stderr, /--stacks: selector "no-such-stack" matches no stack/);
        assert.ok(!fs.existsSync(json));
    });
});
