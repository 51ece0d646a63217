import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadManifest } from "../../../automation/fleet/manifest";
import { runPlanCommand } from "../../../automation/plan/command";
import { PlanDocument, planStack } from "../../../automation/plan/plan";

const FLEET = path.resolve(__dirname, "../../../stacks/fleet.yaml");

describe("offline plan", function () {
    let plan: PlanDocument;
    let exit: number;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-"));
    const file = path.join(dir, "plan.json");

    before(async () => {
        exit = await runPlanCommand(["--manifest", FLEET, "--json", file]);
        plan = JSON.parse(fs.readFileSync(file, "utf8"));
    });

    it("plans every stack of the example fleet, hub first, and exits 0", () => {
        const m = loadManifest(FLEET);
        assert.strictEqual(exit, 0);
        assert.strictEqual(plan.version, 1);
        assert.deepStrictEqual(plan.stacks.map((s) => s.stack), [m.hub.name, ...m.stacks.filter((s) => s.role !== "hub").map((s) => s.name)]);
        assert.deepStrictEqual(plan.stacks[0].role, "hub");
        assert.strictEqual(plan.stacks[0].account, "111111111111");
    });

    it("writes the contract shape: urn, type, name, parent, camelCase inputs", () => {
        const hub = plan.stacks[0];
        const urns = new Set(hub.resources.map((r) => r.urn));
        for (const r of hub.resources) {
            // `aliases` only when the resource has some (the @pulumi/aws SDK adds type aliases to renamed types).
            assert.deepStrictEqual(Object.keys(r), r.aliases !== undefined ? ["urn", "type", "name", "parent", "inputs", "aliases"] : ["urn", "type", "name", "parent", "inputs"]);
            assert.ok(r.aliases === undefined || (r.aliases.length > 0 && r.aliases.every((a) => a.startsWith(`urn:pulumi:${hub.stack}::`))), `${r.urn} aliases`);
            assert.ok(r.parent === null || urns.has(r.parent), `${r.urn} parent is a planned resource`);
        }
        const ws = hub.resources.find((r) => r.type === "aws:amp/workspace:Workspace" && r.name === "hub-amp-workspace");
        assert.ok(ws && typeof ws.inputs.kmsKeyArn === "string");
        assert.deepStrictEqual(Object.keys(plan.stacks[0]), ["stack", "role", "account", "region", "regulated", "resources", "outputs", "violations"]);
    });

    it("feeds the hub's outputs to the spokes' StackReferences", () => {
        const hub = plan.stacks[0];
        for (const s of plan.stacks.slice(1)) {
            const endpoint = s.resources.find((r) => r.type === "aws:ec2/vpcEndpoint:VpcEndpoint" && r.inputs.serviceName === hub.outputs.endpointServiceName);
            assert.ok(endpoint, `${s.stack} has an endpoint to the hub's endpoint service`);
        }
    });

    it("redacts secret values and never writes a partial file", async () => {
        assert.ok(!fs.readFileSync(file, "utf8").includes("glsa_"), "Grafana token is redacted");
        const bad = path.join(dir, "bad.yaml");
        fs.writeFileSync(bad, fs.readFileSync(FLEET, "utf8").replace("tlsSecretArn: arn:aws:secretsmanager", "tlsSecretArn: arn:aws:nope"));
        const out = path.join(dir, "bad.json");
        assert.strictEqual(await runPlanCommand(["--manifest", bad, "--json", out]), 2);
        assert.ok(!fs.existsSync(out) && !fs.existsSync(`${out}.partial`));
    });

    it("fails the stack, names it, and skips its dependants when a program throws", async () => {
        const m = loadManifest(FLEET);
        const broken = { ...m.hub, config: { ...m.hub.config, "oss-monitoring:hub": { bogus: true } } };
        await assert.rejects(planStack(broken, new Map()), /oss-monitoring:hub/);
    });

    it("rejects unknown flags naming them", async () => {
        assert.strictEqual(await runPlanCommand(["--frobnicate"]), 2);
    });
});
