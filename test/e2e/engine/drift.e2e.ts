/**
 * Drift detection with a real provider: the fleet driver's `drift` (a refresh preview per stack,
 * automation/driver/engine/engine.ts) on the dynamic fixture fleet (test/e2e/engine/dynamic-fixture),
 * whose program Pulumi's own Node.js language host runs (pulumi-language-nodejs from
 * github.com/pulumi/pulumi/sdk/v3 v3.68.0) and whose resources the SDK's own dynamic provider serves
 * (pulumi-resource-pulumi-nodejs → @pulumi/pulumi/cmd/dynamic-provider). No project-made provider
 * and no project-made program host is on PATH for it (tools/pulumi/nodejs-host/build.sh); the
 * project's host serves only the policy pack, under the runtime name `nodejs-policy`.
 *
 * What `drift` sees is whatever the provider's `read` reports (https://www.pulumi.com/docs/iac/cli/commands/pulumi_refresh/:
 * refresh "compares the current stack's resource state with the state known to exist in the
 * actual cloud provider"): here, each stack's registration file outside the state file.
 */
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import type { StackReport } from "../../../automation/driver/record/report";
import { measured } from "../report";
import { DYNAMIC_FIXTURE, FixtureFleet, pulumiNodeHostBin, toolsBin } from "./harness";

const byStack = (stacks: readonly StackReport[]) => new Map(stacks.map((s) => [s.stack, s]));
const STACKS = ["hub", "spoke-01", "spoke-02", "spoke-03"];
const DRIFTED = "spoke-02";
const expected = (stack: string) => (stack === "hub" ? "collector.hub.fixture.internal\n" : `${stack}->collector.hub.fixture.internal\n`);

/** One resource of `pulumi stack export` (apitype.ResourceV3). */
interface StateResource { readonly urn: string; readonly type: string; readonly provider?: string; readonly outputs?: Record<string, unknown> }

describe("e2e: drift on a real provider (Pulumi's Node.js language host, the SDK's dynamic provider)", function () {
    this.timeout(900_000);
    let fleet: FixtureFleet;

    before(function () {
        this.timeout(3_600_000);
        // What the program and its policy pack import (plus Node's types for the SDK's ts-node type check): no provider packages.
        fleet = new FixtureFleet(pulumiNodeHostBin(toolsBin()), DYNAMIC_FIXTURE, ["@pulumi/pulumi", "@pulumi/policy", "@types/node"]);
    });

    after(() => {
        if (process.env.FLEET_E2E_KEEP === undefined) {
            fleet.cleanup();
        } else {
            console.log(`fixture kept in ${fleet.dir}`);
        }
    });

    const pulumiJson = <T>(args: readonly string[]): T =>
        JSON.parse(execFileSync(path.join(fleet.bin, "pulumi"), [...args, "--non-interactive"], { cwd: fleet.program, env: fleet.env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] })) as T;
    const stateOf = (stack: string) =>
        pulumiJson<{ deployment: { resources?: StateResource[] } }>(["stack", "export", "--stack", `organization/oss-monitoring/${stack}`]).deployment.resources ?? [];

    it("up: Pulumi's language host v3.68.0 runs the program and every stack's registration is a dynamic resource the SDK's provider created", async () => measured("engine (real provider): up with pulumi-language-nodejs 3.68.0 and dynamic resources", async (f) => {
        const r = await fleet.fleet("up", ["--stacks", STACKS.join(",")]);
        const about = pulumiJson<{ plugins?: { name: string; kind: string; version: string }[] }>(["about", "--json"]);
        const language = (about.plugins ?? []).find((p) => p.kind === "language" && p.name === "nodejs");
        f.details = { exit: r.code, counts: r.report?.counts, languageHost: language?.version, seconds: r.seconds };
        assert.strictEqual(r.code, 0, r.stdout + r.stderr);
        assert.deepStrictEqual(r.report!.stacks.map((s) => [s.stack, s.result]).sort(), STACKS.map((s) => [s, "succeeded"]));
        // The engine resolved the language host it ran from PATH: Pulumi's, at the version built.
        assert.strictEqual(language?.version, "3.68.0", JSON.stringify(about.plugins));
        assert.ok(!fs.existsSync(path.join(fleet.bin, "pulumi-resource-command")), "the project's command provider is not reachable");
        for (const stack of STACKS) {
            assert.strictEqual(fs.readFileSync(fleet.registrationFile(stack), "utf8"), expected(stack), `${stack} created its file`);
            const custom = stateOf(stack).filter((x) => !x.type.startsWith("pulumi:"));
            assert.deepStrictEqual(custom.map((x) => x.type), ["pulumi-nodejs:dynamic:Resource"], `${stack}: ${JSON.stringify(custom.map((x) => x.urn))}`);
            assert.match(custom[0].provider ?? "", /::pulumi:providers:pulumi-nodejs::default::/);
            // The provider the SDK serialized into the state is what read/update run later.
            assert.strictEqual(typeof custom[0].outputs?.__provider, "string");
        }
    }));

    it("drift: an out-of-band edit of one stack's file exits 3 naming exactly that stack, its resource and the changed output, the others clean; refresh + up repair it", async () => measured("engine (real provider): drift, refresh, repair", async (f) => {
        fs.writeFileSync(fleet.registrationFile(DRIFTED), "edited out of band\n");
        const d = await fleet.fleet("drift", ["--stacks", STACKS.join(",")]);
        const rep = byStack(d.report?.stacks ?? []);
        const drifted = (d.report?.stacks ?? []).filter((s) => s.drifted).map((s) => s.stack);
        f.details = { driftExit: d.code, drifted, changes: Object.fromEntries([...rep].map(([k, v]) => [k, v.changes])), driftSeconds: d.seconds };
        assert.strictEqual(d.code, 3, d.stdout + d.stderr);
        assert.deepStrictEqual(drifted, [DRIFTED]);
        for (const stack of STACKS) {
            assert.strictEqual(rep.get(stack)!.result, "succeeded", `${stack} was checked`);
            assert.strictEqual(rep.get(stack)!.drifted, stack === DRIFTED, `${stack} drifted flag`);
        }
        assert.deepStrictEqual(rep.get(DRIFTED)!.changes.update, 1, "one resource drifted");
        // The driver names the resource and the output the provider's read changed; the clean stacks name none.
        f.details.resources = Object.fromEntries([...rep].map(([k, v]) => [k, (v.resources ?? []).map((x) => `${x.urn.split("::").pop()} ${x.op} [${x.diffs.join(",")}]`)]));
        assert.deepStrictEqual(rep.get(DRIFTED)!.resources, [
            { urn: `urn:pulumi:${DRIFTED}::oss-monitoring::pulumi-nodejs:dynamic:Resource::${DRIFTED}-registration`, type: "pulumi-nodejs:dynamic:Resource", op: "update", diffs: ["content"] },
        ]);
        for (const stack of STACKS.filter((s) => s !== DRIFTED)) {
            assert.deepStrictEqual(rep.get(stack)!.resources, [], `${stack} has no drifted resource`);
        }
        assert.match(d.stdout, new RegExp(`${DRIFTED} succeeded \\(.*DRIFTED: ${DRIFTED}-registration update \\[content\\]`));
        // The stack's engine log says the same.
        const log = fs.readFileSync(path.join(fleet.stateDir, "logs", `${DRIFTED}.log`), "utf8");
        assert.match(log, new RegExp(`~ +pulumi-nodejs:dynamic:Resource +${DRIFTED}-registration`));

        const r = await fleet.fleet("refresh", ["--stacks", DRIFTED]);
        f.details.refreshExit = r.code;
        assert.strictEqual(r.code, 0, r.stdout + r.stderr);
        const refreshed = stateOf(DRIFTED).find((x) => x.type === "pulumi-nodejs:dynamic:Resource")!;
        assert.strictEqual(refreshed.outputs?.content, "edited out of band\n", "refresh recorded what the provider read");
        const up = await fleet.fleet("up", ["--stacks", DRIFTED, "--force"]);
        f.details.upExit = up.code;
        f.details.upChanges = byStack(up.report?.stacks ?? []).get(DRIFTED)?.changes;
        assert.strictEqual(up.code, 0, up.stdout + up.stderr);
        assert.strictEqual(fs.readFileSync(fleet.registrationFile(DRIFTED), "utf8"), expected(DRIFTED), "up restored the file");
        const again = await fleet.fleet("drift", ["--stacks", STACKS.join(",")]);
        f.details.driftAfterRepairExit = again.code;
        f.details.driftedAfterRepair = (again.report?.stacks ?? []).filter((s) => s.drifted).map((s) => s.stack);
        assert.strictEqual(again.code, 0, again.stdout + again.stderr);
        assert.deepStrictEqual(f.details.driftedAfterRepair, []);
    }));

    it("drift: a stack whose file was deleted out of band is drifted, its resource named as deleted (the provider's read reports it gone)", async () => measured("engine (real provider): drift on a deleted resource", async (f) => {
        fs.rmSync(fleet.registrationFile("spoke-03"));
        const d = await fleet.fleet("drift", ["--stacks", STACKS.join(",")]);
        const drifted = (d.report?.stacks ?? []).filter((s) => s.drifted).map((s) => s.stack);
        f.details = { driftExit: d.code, drifted, changes: byStack(d.report?.stacks ?? []).get("spoke-03")?.changes };
        assert.strictEqual(d.code, 3, d.stdout + d.stderr);
        assert.deepStrictEqual(drifted, ["spoke-03"]);
        assert.strictEqual(byStack(d.report!.stacks).get("spoke-03")!.changes.delete, 1, "the refresh would drop the vanished resource from the state");
        assert.deepStrictEqual(byStack(d.report!.stacks).get("spoke-03")!.resources?.map((x) => [x.urn.split("::").pop(), x.op]), [["spoke-03-registration", "delete"]]);
    }));
});
