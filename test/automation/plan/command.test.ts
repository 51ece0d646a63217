import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runPlanCommand } from "../../../automation/plan/command";
import { diffPlans, formatDiff, inputChanges } from "../../../automation/plan/diff";
import { renderGraph, topologyDot } from "../../../automation/plan/graph";
import { PlanDocument } from "../../../automation/plan/plan";
import { resourceTree } from "../../../automation/plan/tree";

const FLEET = path.resolve(__dirname, "../../../stacks/fleet.yaml");

async function capture(argv: string[]): Promise<{ code: number; out: string; err: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    const origErr = console.error;
    process.stdout.write = ((s: string) => (out.push(String(s)), true));
    console.error = (...a: unknown[]) => void err.push(a.join(" "));
    try {
        const code = await runPlanCommand(argv);
        return { code, out: out.join(""), err: err.join("\n") };
    } finally {
        process.stdout.write = write;
        console.error = origErr;
    }
}

describe("plan output", function () {
    this.timeout(180_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-out-"));
    const file = path.join(dir, "plan.json");
    let run: { code: number; out: string; err: string };
    let plan: PlanDocument;

    before(async () => {
        run = await capture(["--manifest", FLEET, "--stacks", "role:monitored", "--only=hub", "--tree", "--progress", "--json", file, "--graph", path.join(dir, "fleet.svg")]);
        plan = JSON.parse(fs.readFileSync(file, "utf8"));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("selects stacks with the driver's selector grammar (role:, =, repeated flags)", () => {
        assert.strictEqual(run.code, 0, run.err);
        assert.deepStrictEqual(plan.stacks.map((s) => s.stack), ["hub", "monitored-payments", "monitored-analytics", "monitored-legacy", "monitored-web-west"]);
    });

    it("prints N to create per stack with a progress counter, and the total", () => {
        for (const s of plan.stacks) {
            assert.match(run.out, new RegExp(`\\[\\d/5 \\d+\\.\\ds\\] ✔ ${s.stack} \\(${s.role}, ${s.account}/${s.region}\\): ${s.resources.length} to create, no policy violations`));
        }
        const total = plan.stacks.reduce((n, s) => n + s.resources.length, 0);
        assert.match(run.out, new RegExp(`Plan: ${total} to create in 5 stacks`));
    });

    it("prints the resource tree, children indented under their parent", () => {
        const tree = resourceTree(plan.stacks[0]);
        assert.strictEqual(tree.length, plan.stacks[0].resources.length);
        assert.match(tree[0], /^ {4}\+ pulumi:pulumi:Stack {2}oss-monitoring-hub$/);
        assert.ok(tree.some((l) => /^ {4}\+ {3}oss-monitoring:/.test(l)), "components one level down");
        assert.ok(run.out.includes(tree[1]));
    });

    it("writes pretty-printed JSON, one input per line, so git diff is readable", () => {
        const text = fs.readFileSync(file, "utf8");
        assert.ok(text.split("\n").length > 2000, "one value per line");
        assert.match(text, /^\{\n {2}"version": 1,\n {2}"stacks": \[\n {4}\{\n {6}"stack": "hub",/);
    });

    it("--diff names created, deleted and updated resources and the changed inputs", async () => {
        const old: PlanDocument = JSON.parse(JSON.stringify(plan));
        const hub = old.stacks[0];
        const ws = hub.resources.find((r) => r.type === "aws:amp/workspace:Workspace")!;
        ws.inputs = { ...ws.inputs, alias: "renamed" };
        hub.resources = hub.resources.filter((r) => r.type !== "aws:grafana/workspace:Workspace");
        hub.resources.push({ urn: "urn:pulumi:hub::oss-monitoring::aws:s3/bucket:Bucket::gone", type: "aws:s3/bucket:Bucket", name: "gone", parent: null, inputs: {} });
        const diffs = diffPlans(old, plan);
        assert.deepStrictEqual(diffs.map((d) => `${d.kind} ${d.type}`).sort(), ["create aws:grafana/workspace:Workspace", "delete aws:s3/bucket:Bucket", "update aws:amp/workspace:Workspace"]);
        const update = diffs.find((d) => d.kind === "update")!;
        assert.deepStrictEqual(update.changes.map((c) => [c.path, c.before]), [["alias", "renamed"]]);
        const text = formatDiff(diffs);
        assert.strictEqual(text[text.length - 1], "Diff: 1 to create, 1 to update, 1 to delete");
        assert.ok(text.includes("      alias: \"renamed\" => " + JSON.stringify(update.changes[0].after)));
        assert.deepStrictEqual(inputChanges({ policy: '{"a":1,"b":[1,2]}' }, { policy: '{"b":[1,3],"a":1}' }), [{ path: "policy.b[1]", before: 2, after: 3 }]);
        assert.deepStrictEqual(inputChanges({ allowed: ["a", "b"] }, { allowed: ["a", "b", "c"] }), [{ path: "allowed[+]", before: undefined, after: "c" }]);
        assert.deepStrictEqual(inputChanges({ allowed: ["a", "b"] }, { allowed: ["b"] }), [{ path: "allowed[-]", before: "a", after: undefined }]);
        const oldFile = path.join(dir, "old.json");
        fs.writeFileSync(oldFile, JSON.stringify(old));
        const r = await capture(["--manifest", FLEET, "--stacks", "hub", "--diff", oldFile]);
        assert.strictEqual(r.code, 0, r.err);
        assert.match(r.out, /^hub:$/m);
        assert.match(r.out, /^ {2}\+ aws:grafana\/workspace:Workspace {2}\S+$/m);
        assert.match(r.out, /~ aws:amp\/workspace:Workspace {2}\S+\n {6}alias: "renamed" => /);
    });

    it("--graph draws hub, spokes, sites and the private paths with Graphviz", () => {
        const dot = topologyDot(plan);
        assert.match(dot, /subgraph cluster_hub/);
        for (const s of plan.stacks.filter((x) => x.role === "monitored")) {
            assert.ok(dot.includes(s.stack), s.stack);
        }
        assert.strictEqual((dot.match(/-> hub_eps \[label="interface endpoint\\nOTLP\/mTLS 4317-4318"\]/g) ?? []).length, 3);
        // The second-region account's path says it crosses regions, and which way.
        assert.match(dot, /n\d+ -> hub_eps \[label="cross-region interface endpoint\nus-west-2 → us-east-1\nOTLP\/mTLS 4317-4318"\]/);
        const svg = fs.readFileSync(path.join(dir, "fleet.svg"), "utf8");
        assert.match(svg, /<svg/);
        assert.match(svg, /monitored&#45;payments/);
        const png = renderGraph(dot, "x.png");
        assert.deepStrictEqual([...png.subarray(1, 4)].map((c) => String.fromCharCode(c)).join(""), "PNG");
        assert.throws(() => renderGraph(dot, "x.jpeg"), /unknown format "\.jpeg"/);
    });

    it("answers --help with exit 0 and typos with a suggestion and exit 2", async () => {
        const help = await capture(["--help"]);
        assert.strictEqual(help.code, 0);
        assert.match(help.out, /--stacks <selectors>/);
        const typo = await capture(["--tre"]);
        assert.strictEqual(typo.code, 2);
        assert.match(typo.err, /unknown option '--tre'\n\(Did you mean --tree\?\)/);
        const none = await capture(["--manifest", FLEET, "--stacks", "role:nothing"]);
        assert.strictEqual(none.code, 2);
        assert.match(none.err, /--stacks: selector "role:nothing" matches no stack/);
    });
});
