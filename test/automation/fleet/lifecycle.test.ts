import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, parseDocument } from "yaml";
import { loadManifest } from "../../../automation/fleet/manifest";
import { manifestSchema } from "../../../automation/fleet/manifestSchema";
import { configureStacks } from "../../../automation/fleet/stackFiles";
import { orphanBackendStacks, orphanLine, orphanStackFiles } from "../../../automation/fleet/orphans";
import { applyProposal } from "../../../automation/fleet/enrol/edit";
import { enrolmentSchema, ENROLMENT_DEFAULTS } from "../../../automation/fleet/enrol/schema";
import { propose, stackNameFor } from "../../../automation/fleet/enrol/propose";

const ROOT = path.resolve(__dirname, "../../..");

/** A copy of stacks/ (manifest and generated stack files) in a temporary folder. */
function copyStacks(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ossmon-lifecycle-"));
    for (const f of fs.readdirSync(path.join(ROOT, "stacks"))) {
        if (f.endsWith(".yaml")) {
            fs.copyFileSync(path.join(ROOT, "stacks", f), path.join(dir, f));
        }
    }
    return dir;
}

describe("orphan stacks: a stack file or backend stack no manifest entry explains", () => {
    let dir: string;
    beforeEach(() => (dir = copyStacks()));
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("config --check fails on a stack file whose entry was removed, naming the retire and adopt commands", () => {
        const file = path.join(dir, "fleet.yaml");
        const doc = parseDocument(fs.readFileSync(file, "utf8"));
        const stacks = doc.get("stacks") as { items: unknown[] };
        stacks.items = stacks.items.filter((i) => (i as { get(k: string): unknown }).get("name") !== "monitored-legacy");
        fs.writeFileSync(file, doc.toString());
        // Regenerate first (the hub's file changes: the account leaves its tenants), so only the orphan is left.
        assert.strictEqual(configureStacks({ manifest: file }, () => undefined, () => undefined), 0);
        assert.ok(fs.existsSync(path.join(dir, "Pulumi.monitored-legacy.yaml")), "config never deletes a stack file: retire does");
        const err: string[] = [];
        assert.strictEqual(configureStacks({ manifest: file, check: true }, () => undefined, (l) => err.push(l)), 1);
        assert.deepStrictEqual(err, [
            `${path.join(dir, "Pulumi.monitored-legacy.yaml")}: no entry of ${file} explains it; fix: retire it with \`npm run fleet -- retire --stacks monitored-legacy\`, or adopt it by adding an entry named monitored-legacy to ${file}`,
        ]);
    });

    it("the repository's own stacks/ has none", () => {
        assert.deepStrictEqual(orphanStackFiles(loadManifest(path.join(ROOT, "stacks/fleet.yaml"))), []);
    });

    it("backend stacks (org/project/name) with no entry are reported once each", () => {
        const m = loadManifest(path.join(ROOT, "stacks/fleet.yaml"));
        const o = orphanBackendStacks(m, ["organization/oss-monitoring/hub", "organization/oss-monitoring/monitored-old", "monitored-old"]);
        assert.deepStrictEqual(o, [{ stack: "monitored-old", where: "backend" }]);
        assert.match(orphanLine(o[0], "stacks/fleet.yaml"), /^backend stack monitored-old: .*retire --stacks monitored-old/);
    });
});

describe("enrolment (pure parts)", () => {
    const enrolment = enrolmentSchema.parse({ organizationalUnits: ["ou-ab12-cd34ef56"], profiles: { default: {}, regulated: { regulated: true } } });
    const raw = manifestSchema.parse(parse(fs.readFileSync(path.join(ROOT, "stacks/fleet.yaml"), "utf8")));
    const tags = { "monitoring-vpc-id": "vpc-0e010000000000001", "monitoring-subnet-ids": "subnet-0e010000000000011  subnet-0e010000000000012", "monitoring-workload-cidrs": "10.90.0.0/16" };

    it("takes its defaults from ENROLMENT_DEFAULTS", () => {
        assert.strictEqual(enrolment.profileTag, ENROLMENT_DEFAULTS.profileTag);
        assert.strictEqual(enrolment.maxRetireShare, ENROLMENT_DEFAULTS.maxRetireShare);
        assert.deepStrictEqual(enrolment.accountTags, ENROLMENT_DEFAULTS.accountTags);
    });

    it("names a stack from the account name and falls back to the ID when the name is taken", () => {
        const a = { id: "555555555555", name: "Payments!", state: "ACTIVE", ou: "ou-x", tags: {} };
        assert.strictEqual(stackNameFor(a, "monitored-", new Set()), "monitored-payments");
        assert.strictEqual(stackNameFor(a, "monitored-", new Set(["monitored-payments"])), "monitored-payments-555555555555");
    });

    it("keeps an account without its VPC tags waiting instead of failing the run, and lists tag values split on spaces", () => {
        const org = {
            organizationId: raw.awsOrganizationId,
            accounts: [
                { id: "555555555555", name: "ready", state: "ACTIVE", ou: "ou-x", tags },
                { id: "666666666666", name: "untagged", state: "ACTIVE", ou: "ou-x", tags: {} },
            ],
        };
        const p = propose(raw, enrolment, org);
        assert.ok(!("problems" in p));
        assert.deepStrictEqual(p.add.map((a) => [a.name, (a.config.vpc as { subnetIds: string[] }).subnetIds]), [["monitored-ready", ["subnet-0e010000000000011", "subnet-0e010000000000012"]]]);
        assert.deepStrictEqual(p.waiting, [{ account: "666666666666", name: "untagged", missing: ["monitoring-vpc-id", "monitoring-subnet-ids", "monitoring-workload-cidrs"] }]);
    });

    it("refuses credentials of another organisation", () => {
        const p = propose(raw, enrolment, { organizationId: "o-zzzzzzzzzz", accounts: [] });
        assert.ok("problems" in p);
        assert.match(p.problems[0], /^awsOrganizationId: the credentials read organisation o-zzzzzzzzzz/);
    });

    it("retires only entries enrol built (with a profile), never hand-written ones outside the OUs", () => {
        const withProfile = { ...raw, stacks: raw.stacks.map((s) => (s.name === "monitored-legacy" ? { ...s, profile: "default" } : s)) };
        const p = propose(withProfile, enrolment, { organizationId: raw.awsOrganizationId, accounts: [] });
        assert.ok(!("problems" in p));
        assert.deepStrictEqual(p.retire, [{ name: "monitored-legacy", account: "444444444444", reason: "left the enrolled OUs" }]);
        assert.strictEqual(p.retireShare, 1);
    });

    it("applies a proposal keeping the comments of the entries it leaves", () => {
        const text = "version: 1\nstacks:\n  # the hub\n  - name: hub # inline\n    role: hub\n  - name: gone\n    role: monitored\n";
        const next = applyProposal(text, { add: [], retire: [{ name: "gone", account: "1", reason: "x" }], waiting: [], retireShare: 0 });
        assert.strictEqual(next, "version: 1\nstacks:\n  # the hub\n  - name: hub # inline\n    role: hub\n");
    });
});
