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
import { withoutRetiring } from "../../../automation/driver/run";
import { removeEntry, retireProblems } from "../../../automation/driver/retire";

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

    it("marks a departing entry retiring (with why and what next) instead of removing it, keeping every comment, and is idempotent", () => {
        const text = "version: 1\nstacks:\n  # the hub\n  - name: hub # inline\n    role: hub\n  - name: gone\n    role: monitored\n";
        const proposal = { add: [], retire: [{ name: "gone", account: "444444444444", reason: "left the enrolled OUs" }], waiting: [], retireShare: 0 };
        const next = applyProposal(text, proposal);
        assert.strictEqual(next, "version: 1\nstacks:\n  # the hub\n  - name: hub # inline\n    role: hub\n  - name: gone\n    role: monitored\n    retiring: true # fleet enrol: account 444444444444 left the enrolled OUs; finish with fleet retire --stacks gone\n");
        assert.strictEqual(applyProposal(next, proposal), next);
    });

    it("does not propose an entry already marked retiring again", () => {
        const marked = { ...raw, stacks: raw.stacks.map((s) => (s.name === "monitored-legacy" ? { ...s, profile: "default", retiring: true } : s)) };
        const p = propose(marked, enrolment, { organizationId: raw.awsOrganizationId, accounts: [] });
        assert.ok(!("problems" in p));
        assert.deepStrictEqual(p.retire, []);
    });
});

describe("retiring: true: the hub keeps the tenant, up and preview leave the spoke, retire finishes it", () => {
    let dir: string;
    beforeEach(() => (dir = copyStacks()));
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    /** The example manifest with edits applied to its parsed document (comments kept). */
    function edited(edit: (doc: ReturnType<typeof parseDocument>) => void): string {
        const file = path.join(dir, "fleet.yaml");
        const doc = parseDocument(fs.readFileSync(file, "utf8"));
        edit(doc);
        fs.writeFileSync(file, doc.toString());
        return file;
    }
    const indexOf = (file: string, name: string) => (parse(fs.readFileSync(file, "utf8")) as { stacks: { name: string }[] }).stacks.findIndex((s) => s.name === name);

    it("a retiring spoke stays one of the hub's tenants and is flagged on its stack", () => {
        const file = edited((doc) => doc.setIn(["stacks", 0, "retiring"], false));
        const i = indexOf(file, "monitored-legacy");
        const marked = edited((doc) => doc.setIn(["stacks", i, "retiring"], true));
        const m = loadManifest(marked);
        const legacy = m.stacks.find((s) => s.name === "monitored-legacy")!;
        assert.strictEqual(legacy.retiring, true);
        const hub = m.hub.parsed as { hub?: { monitoredAccounts?: string[] } };
        assert.ok(hub.hub?.monitoredAccounts?.includes(legacy.account), "the hub still admits the retiring account");
        removeEntry(marked, "monitored-legacy");
        const gone = loadManifest(marked).hub.parsed as { hub?: { monitoredAccounts?: string[] } };
        assert.ok(!(gone.hub?.monitoredAccounts ?? []).includes(legacy.account), "once its entry is removed the hub no longer names it");
    });

    it("refuses a retiring hub and a retiring canary, naming the field and the fix", () => {
        const hubFile = edited((doc) => doc.setIn(["stacks", 0, "retiring"], true));
        assert.throws(() => loadManifest(hubFile), /stacks\[0\]\.retiring: the hub cannot be retiring .*fix: remove retiring from hub/);
        const canaryFile = edited((doc) => {
            doc.setIn(["stacks", 0, "retiring"], false);
            const canary = String((doc.getIn(["rollout", "canary"]) as { items: { value: string }[] }).items[0].value);
            doc.setIn(["stacks", indexOf(path.join(dir, "fleet.yaml"), canary), "retiring"], true);
        });
        assert.throws(() => loadManifest(canaryFile), /rollout\.canary: ".*" is retiring and is never deployed again; fix: name another canary/);
    });

    it("up and preview skip a retiring stack and say how to finish it; destroy, refresh and drift still see it", () => {
        const file = edited((doc) => doc.setIn(["stacks", indexOf(path.join(dir, "fleet.yaml"), "monitored-legacy"), "retiring"], true));
        const stacks = loadManifest(file).stacks;
        for (const op of ["up", "preview"] as const) {
            const lines: string[] = [];
            const kept = withoutRetiring(stacks, op, (l) => lines.push(l));
            assert.deepStrictEqual(kept.map((s) => s.name), stacks.filter((s) => s.name !== "monitored-legacy").map((s) => s.name));
            assert.deepStrictEqual(lines, [`monitored-legacy: retiring, left as it is by ${op}; finish it with \`fleet retire --stacks monitored-legacy\``]);
        }
        for (const op of ["destroy", "refresh", "drift"] as const) {
            assert.strictEqual(withoutRetiring(stacks, op, () => assert.fail("nothing to say")).length, stacks.length);
        }
    });

    it("retire accepts a retiring entry and refuses one still deployed by up, naming the marker", () => {
        const file = edited((doc) => doc.setIn(["stacks", indexOf(path.join(dir, "fleet.yaml"), "monitored-legacy"), "retiring"], true));
        const m = loadManifest(file);
        assert.deepStrictEqual(retireProblems(m, ["monitored-legacy"]), []);
        const other = m.stacks.find((s) => s.role === "monitored" && s.name !== "monitored-legacy")!.name;
        assert.deepStrictEqual(retireProblems(m, [other]), [`retire ${other}: ${file} still names it without retiring: true, so the next up would deploy it again; fix: add retiring: true to its entry (fleet enrol --write does for departed accounts), then retire`]);
    });

    it("removing the entry keeps every other entry and comment as written, and a second removal changes nothing", () => {
        const file = path.join(dir, "fleet.yaml");
        const before = fs.readFileSync(file, "utf8");
        assert.match(removeEntry(file, "monitored-legacy"), /^removed its entry from /);
        const after = fs.readFileSync(file, "utf8");
        const doc = parse(after) as { stacks: { name: string }[] };
        assert.deepStrictEqual(doc.stacks.map((s) => s.name), (parse(before) as { stacks: { name: string }[] }).stacks.map((s) => s.name).filter((n) => n !== "monitored-legacy"));
        const comments = (t: string) => t.split("\n").filter((l) => l.trim().startsWith("#"));
        assert.deepStrictEqual(comments(after), comments(before).filter((c) => after.includes(c)), "no comment rewritten");
        assert.ok(comments(before).length - comments(after).length <= 3, "only the removed entry's own comments go");
        assert.match(removeEntry(file, "monitored-legacy"), /has no entry monitored-legacy \(already removed\)$/);
        assert.strictEqual(fs.readFileSync(file, "utf8"), after);
        assert.doesNotThrow(() => loadManifest(file));
    });
});
