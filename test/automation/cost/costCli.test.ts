import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { projectRoot } from "../../../automation/io/paths";

const ROOT = projectRoot();
const fleet = (...args: string[]) => spawnSync("npm", ["run", "-s", "fleet", "--", ...args], { cwd: ROOT, encoding: "utf8" });

describe("fleet cost (command line)", function () {
    this.timeout(180_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cost-cli-"));
    const plan = path.join(dir, "plan.json");

    before(() => {
        const r = fleet("plan", "--json", plan);
        assert.strictEqual(r.status, 0, r.stderr);
    });

    it("prints the estimate per stack and writes JSON to standard output that cites the price of every line", () => {
        const r = fleet("cost", plan, "--json", "-");
        assert.strictEqual(r.status, 0, r.stderr);
        const doc = JSON.parse(r.stdout);
        assert.strictEqual(doc.usd, 4915.8);
        assert.deepStrictEqual(doc.stacks.map((s: { stack: string }) => s.stack), ["hub", "monitored-payments", "monitored-analytics", "monitored-legacy", "onprem-dc1", "monitored-web-west"]);
        const cited = new Set(doc.prices.map((p: { region: string; key: string }) => `${p.region} ${p.key}`));
        for (const s of doc.stacks) {
            for (const l of s.lines) {
                assert.ok(cited.has(`${l.region} ${l.price}`), `${l.region} ${l.price} is cited`);
            }
        }
        assert.ok(doc.prices.every((p: { source: string; read: string }) => p.source.startsWith("https://") && /^\d{4}-\d{2}-\d{2}$/.test(p.read)));
        // The human report moves to stderr so the JSON stays clean.
        assert.match(r.stderr, /^hub \(hub, 111111111111\/us-east-1\): \$2,098\.18 a month$/m);
        assert.match(r.stderr, /^Total: \$4,915\.80 a month for 6 stacks/m);
    });

    it("prints the shared-endpoint comparison with --shapes", () => {
        const r = fleet("cost", plan, "--shapes");
        assert.strictEqual(r.status, 0, r.stderr);
        const lines = r.stdout.trimEnd().split("\n");
        // us-east-1's two accounts gain from sharing; us-west-2's one account alone does not: 6 endpoints × 2 AZ × 730 h × $0.01
        // + 20 GB × $0.01 = $87.80 planned, against 6 × 3 AZ × 730 h × $0.01 + 20 GB × ($0.01 + $0.02) + 6 zones × $0.50 = $135.00 shared.
        assert.match(lines[lines.length - 5], /^ {4}difference: {2}\$83\.80 a month; if the accounts are not attached to a transit gateway yet, attaching them adds \$73\.00$/);
        assert.match(lines[lines.length - 4], /^ {2}us-west-2: 1 accounts, /);
        assert.match(lines[lines.length - 1], /^ {4}difference: {2}\$-47\.20 a month; if the accounts are not attached to a transit gateway yet, attaching them adds \$36\.50$/);
        assert.ok(lines.some((l) => /^Total: \$4,915\.80 a month/.test(l)));
    });

    it("writes the whole report of a 500-account plan through a pipe (the CLI exits right after writing)", () => {
        const doc = JSON.parse(fs.readFileSync(plan, "utf8"));
        const payments = doc.stacks.find((s: { stack: string }) => s.stack === "monitored-payments");
        doc.stacks = [doc.stacks[0], ...Array.from({ length: 500 }, (_, i) => ({ ...payments, stack: `monitored-${i}` }))];
        const big = path.join(dir, "big.json");
        fs.writeFileSync(big, JSON.stringify(doc));
        const r = fleet("cost", big, "--shapes");
        assert.strictEqual(r.status, 0, r.stderr);
        const lines = r.stdout.trimEnd().split("\n");
        assert.ok(lines.length > 7000, `${lines.length} lines`);
        assert.match(lines[lines.length - 4], /^ {2}us-east-1: 500 accounts, /);
        assert.match(lines[lines.length - 1], /^ {4}difference: {2}\$65,365\.60 a month/);
    });

    it("refuses a file that is not a plan in one line with exit code 2, writing nothing", () => {
        const bad = path.join(dir, "bad.json");
        fs.writeFileSync(bad, "{\"stacks\": 3}");
        const out = path.join(dir, "out.json");
        const r = fleet("cost", bad, "--json", out);
        assert.strictEqual(r.status, 2);
        assert.match(r.stderr.trim(), /^\S*bad\.json: not a version 1 plan .*fix: regenerate it/);
        assert.strictEqual(r.stderr.trim().split("\n").length, 1);
        assert.ok(!fs.existsSync(out));
    });
});
