/**
 * The fleet follows its organisation, end to end: moto's Organizations emulator (test/e2e/enrol/moto.ts)
 * holds the organisation, `fleet enrol --write` edits the fixture fleet's manifest from it, and the
 * real Pulumi engine (test/e2e/engine/harness.ts) deploys and retires what enrol proposed.
 *   1. Three accounts join the enrolled OUs (one nested, one regulated by its profile tag): enrol
 *      proposes exactly them with their profiles; `fleet up` deploys the hub (whose tenants now name
 *      them), then the canary, then the three.
 *   2. One of them moves out of the OUs: enrol marks it `retiring: true`; `up` leaves it running and
 *      the hub keeps its tenant; `fleet retire` destroys it, removes its entry, updates the hub, and
 *      leaves no stack file, no backend stack and nothing in the hub that names it.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { MoveAccountCommand, OrganizationsClient } from "@aws-sdk/client-organizations";
import { parse, parseDocument } from "yaml";
import type { StackReport } from "../../../automation/driver/record/report";
import { MotoServer } from "../enrol/moto";
import { account as orgAccount, createOrg, Org, PROFILES, run } from "../enrol/org";
import { CANARY, FixtureFleet, toolsBin } from "./harness";

interface Entry { name: string; account: string; profile?: string; regulated?: boolean; retiring?: boolean }
const entries = (file: string): Entry[] => (parse(fs.readFileSync(file, "utf8")) as { stacks: Entry[] }).stacks;

describe("the fleet follows its organisation: enrol on moto, then rollout and retirement on the real engine", function () {
    this.timeout(1_200_000);
    let moto: MotoServer;
    let c: OrganizationsClient;
    let org: Org;
    let fleet: FixtureFleet;
    const joined = new Map<string, string>();

    const pulumi = (args: readonly string[]): string => {
        const r = spawnSync(path.join(fleet.bin, "pulumi"), [...args, "--non-interactive"], { cwd: fleet.program, env: fleet.env, encoding: "utf8" });
        assert.strictEqual(r.status, 0, r.stderr);
        return r.stdout;
    };
    const hubState = (): string => pulumi(["stack", "export", "--stack", "organization/oss-monitoring/hub"]);
    const backendStacks = (): string[] => (JSON.parse(pulumi(["stack", "ls", "--json"])) as { name: string }[]).map((s) => s.name.split("/").pop()!).sort();

    before(async () => {
        moto = await MotoServer.start();
        c = moto.client();
        org = await createOrg(c);
        fleet = new FixtureFleet(toolsBin());
        // The fixture fleet cut to the hub and its canary, pointed at the emulated organisation, enrolling its workloads OU.
        const doc = parseDocument(fs.readFileSync(fleet.manifest, "utf8"));
        doc.set("awsOrganizationId", org.orgId);
        doc.set("stacks", doc.createNode(entries(fleet.manifest).filter((s) => s.name === "hub" || s.name === CANARY)));
        doc.set("enrolment", doc.createNode({ organizationalUnits: [org.workloads], profiles: PROFILES }));
        fs.writeFileSync(fleet.manifest, doc.toString({ lineWidth: 0 }));
        const config = await fleet.fleetRaw(["config", "--manifest", fleet.manifest]);
        assert.strictEqual(config.code, 0, config.stderr);
        const up = await fleet.fleet("up");
        assert.strictEqual(up.code, 0, up.stdout + up.stderr);
    });
    after(async () => {
        c?.destroy();
        await moto?.stop();
        fleet?.cleanup();
    });

    it("three accounts join: enrol proposes exactly them with their profiles, and up deploys the hub, then the canary, then them", async () => {
        joined.set("monitored-team-alpha", await orgAccount(c, org, org.workloads, "Team Alpha"));
        joined.set("monitored-team-beta", await orgAccount(c, org, org.prod, "Team Beta", { "monitoring-profile": "regulated" }));
        joined.set("monitored-team-gamma", await orgAccount(c, org, org.prod, "Team Gamma"));
        await orgAccount(c, org, org.sandbox, "Sandbox One"); // outside the enrolled OUs

        const enrol = await run(moto, ["--manifest", fleet.manifest, "--write"]);
        assert.strictEqual(enrol.code, 0, enrol.err.join("\n"));
        const added = entries(fleet.manifest).filter((e) => e.profile !== undefined);
        assert.deepStrictEqual(added.map((e) => [e.name, e.account, e.profile, e.regulated === true]).sort(), [
            ["monitored-team-alpha", joined.get("monitored-team-alpha"), "default", false],
            ["monitored-team-beta", joined.get("monitored-team-beta"), "regulated", true],
            ["monitored-team-gamma", joined.get("monitored-team-gamma"), "default", false],
        ]);

        const config = await fleet.fleetRaw(["config", "--manifest", fleet.manifest]);
        assert.strictEqual(config.code, 0, config.stderr);
        fleet.resetEvents();
        const up = await fleet.fleet("up");
        assert.strictEqual(up.code, 0, up.stdout + up.stderr);
        const rep = new Map<string, StackReport>(up.report!.stacks.map((s) => [s.stack, s]));
        assert.deepStrictEqual([...joined.keys()].map((n) => [n, rep.get(n)?.wave, rep.get(n)?.result]), [...joined.keys()].map((n) => [n, "main", "succeeded"]));
        assert.deepStrictEqual([rep.get("hub")?.result, rep.get(CANARY)?.wave], ["succeeded", "canary"]);
        const at = (s: string, k: "start" | "end") => fleet.events().filter((e) => e.stack === s && e.kind === k).map((e) => e.at);
        const newStarts = [...joined.keys()].flatMap((n) => at(n, "start"));
        assert.strictEqual(newStarts.length, 3, "each new account's work ran once");
        assert.ok(Math.max(...at("hub", "end")) <= Math.min(...at(CANARY, "start"), ...newStarts), "the hub first");
        assert.ok(Date.parse(rep.get(CANARY)!.finishedAt!) <= Math.min(...newStarts), "then the canary, then the new accounts");
        const hub = hubState();
        for (const id of joined.values()) {
            assert.ok(hub.includes(id), `the hub's tenants name ${id}`);
        }
    });

    it("one moves out of the OUs: enrol marks it retiring, up leaves it, retire destroys it, removes its entry, updates the hub, and leaves nothing behind", async () => {
        const gone = "monitored-team-gamma";
        await c.send(new MoveAccountCommand({ AccountId: joined.get(gone)!, SourceParentId: org.prod, DestinationParentId: org.sandbox }));
        // One of four enrolled-or-not stacks is above the default 10% retire share: confirm the count, as an operator would.
        const enrol = await run(moto, ["--manifest", fleet.manifest, "--write", "--confirm-retire", "1"]);
        assert.strictEqual(enrol.code, 0, enrol.err.join("\n"));
        assert.deepStrictEqual(entries(fleet.manifest).filter((e) => e.retiring === true).map((e) => e.name), [gone]);

        const up = await fleet.fleet("up");
        assert.strictEqual(up.code, 0, up.stdout + up.stderr);
        assert.match(up.stdout, new RegExp(`${gone}: retiring, left as it is by up`));
        assert.ok(!up.report!.stacks.some((s) => s.stack === gone), "up did not touch the retiring stack");
        assert.ok(hubState().includes(joined.get(gone)!), "while retiring, the hub keeps its tenant");

        const r = await fleet.fleetRaw(["retire", "--stacks", gone, "--manifest", fleet.manifest, "--state-dir", fleet.stateDir, "--backend", fleet.backend, "--policy-pack", path.join(fleet.program, "policy"), "--yes"]);
        assert.strictEqual(r.code, 0, r.stdout + r.stderr);
        assert.ok(!entries(fleet.manifest).some((e) => e.name === gone), "the entry is gone from the manifest");
        assert.ok(!hubState().includes(joined.get(gone)!), "nothing in the hub names the account");
        assert.deepStrictEqual(backendStacks(), ["hub", CANARY, "monitored-team-alpha", "monitored-team-beta"].sort());
        assert.deepStrictEqual([path.join(fleet.dir, `Pulumi.${gone}.yaml`), path.join(fleet.program, "stacks", `Pulumi.${gone}.yaml`)].filter((f) => fs.existsSync(f)), []);
        const check = await fleet.fleetRaw(["config", "--check", "--manifest", fleet.manifest]);
        assert.strictEqual(check.code, 0, check.stderr);
        const again = await run(moto, ["--manifest", fleet.manifest]);
        assert.strictEqual(again.code, 0, again.err.join("\n"));
        assert.match(again.out.join("\n"), /^no change: /, "the organisation and the manifest agree again");
    });
});
