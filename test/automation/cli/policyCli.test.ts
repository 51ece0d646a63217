import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main, summaryByPolicy } from "../../../automation/cli/policyCli";
import { policies } from "../../../policy/policies";

const ROOT = path.join(__dirname, "..", "..", "..");
const FIXTURES = path.join(ROOT, "test", "policy", "fixtures");

async function run(...argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("policy CLI (automation/cli/policyCli.ts)", () => {
    let dir: string;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-cli-"));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("exits 0 on the good plan", async () => {
        const r = await run("check", path.join(FIXTURES, "good-plan.json"));
        assert.equal(r.code, 0);
        assert.match(r.out, /\n0 mandatory, \d+ other violation\(s\) in 3 stack\(s\)\.$/);
        assert.deepEqual([...new Set(r.out.match(/^\[\w+\] [\w-]+/gm))], ["[advisory] vpc-endpoint-policy-vpc-wide"]);
    });

    it("exits 1 on the bad plan, printing policy, level, stack, URN, message and fix", async () => {
        const r = await run("check", path.join(FIXTURES, "bad-plan.json"));
        assert.equal(r.code, 1);
        assert.match(r.out, /\[mandatory\] lb-internal {2}\(stack bad-monitored\)\n {2}resource: urn:pulumi:bad-monitored::oss-monitoring::.*::public-alb\n {2}The load balancer is internet-facing.*\n {2}fix: Set internal: true/);
        assert.match(r.out, /10 mandatory, 0 other violation\(s\) in 1 stack\(s\)\.$/);
    });

    it("writes SARIF 2.1.0 with rules, levels, logical and physical locations", async () => {
        const sarifFile = path.join(dir, "out.sarif");
        assert.equal((await run("check", path.join(FIXTURES, "bad-plan.json"), "--sarif", sarifFile)).code, 1);
        const sarif = JSON.parse(fs.readFileSync(sarifFile, "utf8"));
        assert.equal(sarif.version, "2.1.0");
        const runObj = sarif.runs[0];
        assert.deepEqual(runObj.tool.driver.rules.map((r: { id: string }) => r.id), policies.map((p) => p.name));
        const rule = runObj.tool.driver.rules.find((r: { id: string }) => r.id === "sg-no-public-ingress");
        assert.match(rule.help.text, /^How to fix: .*\nScanner equivalents: checkov CKV_AWS_24, .*trivy AVD-AWS-0107; cfn_nag W2\.$/);
        assert.equal(rule.properties["security-severity"], "9.5");
        assert.equal(runObj.results.length, 10);
        const result = runObj.results.find((r: { ruleId: string }) => r.ruleId === "lb-internal");
        assert.equal(result.level, "error");
        assert.equal(runObj.tool.driver.rules[result.ruleIndex].id, "lb-internal");
        assert.equal(result.locations[0].physicalLocation.artifactLocation.uri, "stacks/Pulumi.bad-monitored.yaml");
        assert.match(result.locations[0].logicalLocations[0].fullyQualifiedName, /^urn:pulumi:bad-monitored::.*::public-alb$/);
        assert.match(result.message.text, /internet-facing[\s\S]*How to fix:/);
    });

    it("maps advisory violations to SARIF warnings and exits 0 when nothing is mandatory", async () => {
        const config = path.join(dir, "advisory.json");
        fs.writeFileSync(config, JSON.stringify({ all: "advisory" }));
        const sarifFile = path.join(dir, "advisory.sarif");
        const r = await run("check", path.join(FIXTURES, "bad-plan.json"), "--config", config, "--sarif", sarifFile);
        assert.equal(r.code, 0);
        const results = JSON.parse(fs.readFileSync(sarifFile, "utf8")).runs[0].results as { level: string }[];
        assert.ok(results.length === 10 && results.every((x) => x.level === "warning"));
    });

    it("exits 2 on bad input with a message naming the problem", async () => {
        const none = await run();
        assert.equal(none.code, 2);
        assert.match(none.err, /^Usage: npm run policy -- \[options\] \[command\]/);
        assert.match(none.err, /check \[options\] <plan\.json>/);
        assert.match((await run("check", path.join(dir, "missing.json"))).err, /cannot read plan .*missing\.json: ENOENT/);
        const v2 = path.join(dir, "v2.json");
        fs.writeFileSync(v2, JSON.stringify({ version: 2, stacks: [] }));
        const r = await run("check", v2);
        assert.equal(r.code, 2);
        assert.match(r.err, /plan\.version must be 1 \(got 2\)/);
        const notJson = path.join(dir, "x.json");
        fs.writeFileSync(notJson, "{");
        assert.match((await run("check", notJson)).err, /is not valid JSON/);
        const badConfig = path.join(dir, "bad-config.json");
        fs.writeFileSync(badConfig, JSON.stringify({ "lb-internal": "never" }));
        const c = await run("check", path.join(FIXTURES, "good-plan.json"), "--config", badConfig);
        assert.equal(c.code, 2);
        assert.match(c.err, /lb-internal: "never" is not an enforcement level/);
        assert.equal((await run("check", path.join(FIXTURES, "good-plan.json"), "--sarif")).code, 2);
        assert.equal((await run("check", path.join(FIXTURES, "good-plan.json"), "--verbose")).code, 2);
    });

    it("exits 2 on a plan with no stacks, an unknown role or a stack listed twice", async () => {
        const good = JSON.parse(fs.readFileSync(path.join(FIXTURES, "good-plan.json"), "utf8"));
        const write = (name: string, doc: unknown) => {
            const f = path.join(dir, name);
            fs.writeFileSync(f, JSON.stringify(doc));
            return f;
        };
        const empty = await run("check", write("empty.json", { version: 1, stacks: [] }));
        assert.equal(empty.code, 2);
        assert.match(empty.err, /plan\.stacks is empty, so no policy would run; fix: regenerate it/);
        const role = await run("check", write("role.json", { ...good, stacks: [{ ...good.stacks[0], role: "monitor" }] }));
        assert.equal(role.code, 2);
        assert.match(role.err, /plan\.stacks\[0\]\.role: "monitor" is not a role of this project/);
        const dup = await run("check", write("dup.json", { ...good, stacks: [good.stacks[0], good.stacks[0]] }));
        assert.equal(dup.code, 2);
        assert.match(dup.err, /plan\.stacks\[1\]\.stack: ".*" is also plan\.stacks\[0\]/);
    });

    it("sets the process exit code when run as `npm run policy`", function () {
        this.timeout(120000);
        const r = spawnSync("npm", ["run", "-s", "policy", "--", "check", path.join(FIXTURES, "bad-plan.json")], { cwd: ROOT, encoding: "utf8" });
        assert.equal(r.status, 1, r.stderr);
        assert.match(r.stdout, /10 mandatory/);
    });
});

describe("policy check summary", () => {
    it("groups violations by policy, mandatory first, with stack counts", async () => {
        const v = (policy: string, enforcementLevel: string, stack: string) => ({ policy, enforcementLevel, stack, urn: "u", message: "m" }) as Parameters<typeof summaryByPolicy>[0][number];
        assert.deepStrictEqual(summaryByPolicy([v("tags", "advisory", "a"), v("lb-internal", "mandatory", "a"), v("lb-internal", "mandatory", "b"), v("kms", "mandatory", "a")]), [
            "  mandatory  lb-internal  2 violations in 2 stacks",
            "  mandatory  kms          1 violation in 1 stack",
            "  advisory   tags         1 violation in 1 stack",
        ]);
    });
});
