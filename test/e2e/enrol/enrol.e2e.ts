/**
 * `fleet enrol` against moto's Organizations emulator (test/e2e/enrol/moto.ts): an organisation with
 * nested OUs, tagged accounts, a closed (SUSPENDED) account and an account moved out of the OUs.
 */
import * as assert from "assert";
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CloseAccountCommand, MoveAccountCommand, OrganizationsClient } from "@aws-sdk/client-organizations";
import { parse as parseYaml, parseDocument } from "yaml";
import { EXIT_CONFIRM } from "../../../automation/fleet/enrol/command";
import { MotoServer } from "./moto";
import { account, createOrg, Org, PROFILES, run } from "./org";

const ROOT = path.resolve(__dirname, "../../..");

/** The repository's manifest (comments and all) pointed at the emulated organisation, with an enrolment section. */
function writeManifest(dir: string, org: Org, enrolment: Record<string, unknown>): string {
    const doc = parseDocument(fs.readFileSync(path.join(ROOT, "stacks/fleet.yaml"), "utf8"));
    doc.set("awsOrganizationId", org.orgId);
    doc.set("enrolment", doc.createNode(enrolment));
    const file = path.join(dir, "fleet.yaml");
    fs.writeFileSync(file, doc.toString({ lineWidth: 0 }));
    return file;
}

const stackNames = (file: string): string[] => (parseYaml(fs.readFileSync(file, "utf8")) as { stacks: { name: string }[] }).stacks.map((s) => s.name);

describe("fleet enrol against moto's Organizations emulator", function () {
    this.timeout(120_000);
    let moto: MotoServer;
    let c: OrganizationsClient;
    let dir: string;
    before(async () => {
        moto = await MotoServer.start();
    });
    after(async () => {
        await moto?.stop();
    });
    beforeEach(async () => {
        await moto.reset();
        c = moto.client();
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "ossmon-enrol-"));
    });
    afterEach(() => {
        c.destroy();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("proposes exactly the three new active accounts under the OUs (nested included) with their profiles, writes only with --write, keeps comments, and is idempotent", async () => {
        const org = await createOrg(c);
        const alpha = await account(c, org, org.workloads, "Team Alpha");
        const beta = await account(c, org, org.prod, "Team Beta", { "monitoring-profile": "regulated" });
        const gamma = await account(c, org, org.prod, "Team Gamma");
        await account(c, org, org.sandbox, "Sandbox One"); // outside the OUs
        const closed = await account(c, org, org.workloads, "Gone Soon");
        await c.send(new CloseAccountCommand({ AccountId: closed }));
        const file = writeManifest(dir, org, { organizationalUnits: [org.workloads], profiles: PROFILES });
        const before = fs.readFileSync(file, "utf8");

        const dry = await run(moto, ["--manifest", file]);
        assert.strictEqual(dry.code, 0, dry.err.join("\n"));
        assert.strictEqual(fs.readFileSync(file, "utf8"), before, "a dry run writes nothing");
        const added = dry.out.filter((l) => /^\+ {3}- name: /.test(l));
        assert.deepStrictEqual(added.map((l) => l.replace(/^\+ {3}- name: (\S+).*$/, "$1")).sort(), ["monitored-team-alpha", "monitored-team-beta", "monitored-team-gamma"]);

        const wrote = await run(moto, ["--manifest", file, "--write"]);
        assert.strictEqual(wrote.code, 0, wrote.err.join("\n"));
        const after = fs.readFileSync(file, "utf8");
        // Every comment line of the original survives, in the same order.
        const comments = (t: string) => t.split("\n").filter((l) => l.trim().startsWith("#") && !l.includes("Enrolled by fleet enrol"));
        assert.deepStrictEqual(comments(after), comments(before));
        const doc = parseYaml(after) as { stacks: { name: string; account: string; profile?: string; regulated?: boolean; config: { vpc: { subnetIds: string[] } } }[] };
        const byAccount = new Map(doc.stacks.map((s) => [s.account, s]));
        assert.strictEqual(byAccount.get(alpha)?.profile, "default");
        assert.strictEqual(byAccount.get(beta)?.profile, "regulated");
        assert.strictEqual(byAccount.get(beta)?.regulated, true);
        assert.strictEqual(byAccount.get(gamma)?.config.vpc.subnetIds.length, 2);
        assert.strictEqual(byAccount.has(closed), false, "a SUSPENDED account is never enrolled");
        assert.deepStrictEqual(stackNames(file).slice(0, 5), ["hub", "monitored-payments", "monitored-analytics", "monitored-legacy", "onprem-dc1"], "existing entries keep their order");

        const again = await run(moto, ["--manifest", file, "--write"]);
        assert.strictEqual(again.code, 0);
        assert.match(again.out.join("\n"), /^no change: /);
        assert.strictEqual(fs.readFileSync(file, "utf8"), after, "a second run changes nothing");
    });

    it("marks an account moved out of the OUs and a closed one for retirement, stops above maxRetireShare, and writes with --confirm-retire", async () => {
        const org = await createOrg(c);
        const ids = [];
        for (const n of ["a1", "a2", "a3", "a4"]) {
            ids.push(await account(c, org, org.prod, `acct ${n}`));
        }
        const file = writeManifest(dir, org, { organizationalUnits: [org.workloads], profiles: PROFILES, maxRetireShare: 0.25 });
        assert.strictEqual((await run(moto, ["--manifest", file, "--write"])).code, 0);
        await c.send(new MoveAccountCommand({ AccountId: ids[0], SourceParentId: org.prod, DestinationParentId: org.sandbox }));
        await c.send(new CloseAccountCommand({ AccountId: ids[1] }));
        const enrolled = fs.readFileSync(file, "utf8");

        const stopped = await run(moto, ["--manifest", file, "--write"]);
        assert.strictEqual(stopped.code, EXIT_CONFIRM);
        assert.strictEqual(stopped.err.length, 1);
        assert.match(stopped.err[0], /would retire 2 of the enrolled stacks \(50%\).*--confirm-retire 2/);
        assert.strictEqual(fs.readFileSync(file, "utf8"), enrolled, "nothing written when it stops");
        const marked = stopped.out.filter((l) => l.startsWith("~   - name:"));
        assert.deepStrictEqual(marked.map((l) => l.replace(/^~ {3}- name: (\S+).*$/, "$1")), ["monitored-acct-a1", "monitored-acct-a2"]);
        const why = stopped.out.filter((l) => l.startsWith("+     retiring: true"));
        assert.strictEqual(why.length, 2);
        assert.match(why[0], /left the enrolled OUs; then npm run fleet -- retire --stacks monitored-acct-a1/);
        assert.match(why[1], /SUSPENDED; then npm run fleet -- retire --stacks monitored-acct-a2/);

        const confirmed = await run(moto, ["--manifest", file, "--write", "--confirm-retire", "2"]);
        assert.strictEqual(confirmed.code, 0, confirmed.err.join("\n"));
        // The departing entries stay, marked, until fleet retire removes them (the hub keeps their tenants meanwhile).
        const entries = (parseYaml(fs.readFileSync(file, "utf8")) as { stacks: { name: string; retiring?: boolean }[] }).stacks.filter((s) => s.name.startsWith("monitored-acct"));
        // New entries are appended in account-ID order and moto's IDs are random: compare the names as a set.
        assert.deepStrictEqual(entries.filter((s) => s.retiring === true).map((s) => s.name).sort(), ["monitored-acct-a1", "monitored-acct-a2"]);
        assert.deepStrictEqual(entries.filter((s) => s.retiring !== true).map((s) => s.name).sort(), ["monitored-acct-a3", "monitored-acct-a4"]);
        const rerun = await run(moto, ["--manifest", file, "--write"]);
        assert.strictEqual(rerun.code, 0, rerun.err.join("\n"));
        assert.match(rerun.out.join("\n"), /^no change: /, "marked entries are not proposed again");
    });

    describe("bad input: one line naming the cause and the fix, exit 2, nothing written", () => {
        async function refused(file: string, pattern: RegExp, credentials?: { accessKeyId: string; secretAccessKey: string }, m = moto): Promise<void> {
            const before = fs.readFileSync(file, "utf8");
            const r = await run(m, ["--manifest", file, "--write"], credentials);
            assert.strictEqual(r.code, 2, `${r.out.join("\n")}\n${r.err.join("\n")}`);
            assert.strictEqual(r.err.length, 1, r.err.join("\n"));
            assert.match(r.err[0], pattern);
            assert.match(r.err[0], /fix: /);
            assert.strictEqual(fs.readFileSync(file, "utf8"), before);
        }

        it("an OU that does not exist", async () => {
            const org = await createOrg(c);
            await account(c, org, org.workloads, "x");
            await refused(writeManifest(dir, org, { organizationalUnits: ["ou-zzzz-00000000"], profiles: PROFILES }), /enrolment.organizationalUnits: ou-zzzz-00000000 does not exist/);
        });

        it("an account tag naming no profile", async () => {
            const org = await createOrg(c);
            const id = await account(c, org, org.workloads, "x", { "monitoring-profile": "gold" });
            await refused(writeManifest(dir, org, { organizationalUnits: [org.workloads], profiles: PROFILES }), new RegExp(`account ${id} \\(x\\) has tag monitoring-profile=gold, which names no profile`));
        });

        it("an account pinned to two profiles", async () => {
            const org = await createOrg(c);
            const id = await account(c, org, org.workloads, "x");
            const profiles = { default: { accounts: [id] }, regulated: { regulated: true, accounts: [id] } };
            await refused(writeManifest(dir, org, { organizationalUnits: [org.workloads], profiles }), new RegExp(`account ${id} is in both default and regulated`));
        });

        it("missing Organizations permissions (AccessDenied from moto's IAM enforcement)", async () => {
            const org = await createOrg(c);
            const file = writeManifest(dir, org, { organizationalUnits: [org.workloads], profiles: PROFILES });
            // moto enforces IAM after INITIAL_NO_AUTH_ACTION_COUNT requests (moto/core/responses.py): a fresh
            // server, a user with no policy created in the two free requests, then enrol with its keys.
            const strict = await MotoServer.start({ INITIAL_NO_AUTH_ACTION_COUNT: "2" });
            try {
                const keys = await iamUserWithoutPolicies(strict.endpoint);
                await refused(file, /AccessDenied.*organizations:ListAccountsForParent/, keys, strict);
            } finally {
                await strict.stop();
            }
        });
    });

    it("is wired into `npm run fleet` and takes the endpoint from AWS_ENDPOINT_URL_ORGANIZATIONS", async () => {
        const org = await createOrg(c);
        await account(c, org, org.prod, "Wired");
        const file = writeManifest(dir, org, { organizationalUnits: [org.workloads], profiles: PROFILES });
        const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
            execFile(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(ROOT, "automation/cli/fleetCli.ts"), "enrol", "--manifest", file], {
                cwd: ROOT,
                env: { ...process.env, AWS_ENDPOINT_URL_ORGANIZATIONS: moto.endpoint, AWS_ACCESS_KEY_ID: "testing", AWS_SECRET_ACCESS_KEY: "testing", AWS_REGION: "us-east-1", AWS_PROFILE: "" },
            }, (e, stdout, stderr) => resolve({ code: e ? Number(e.code) : 0, stdout, stderr }));
        });
        assert.strictEqual(r.code, 0, r.stderr);
        assert.match(r.stdout, /^\+ {3}- name: monitored-wired {4}# new: account \d{12}, profile default$/m);
    });
});

/** Creates an IAM user with no policies and an access key on a moto server (the two unauthenticated requests). */
async function iamUserWithoutPolicies(endpoint: string): Promise<{ accessKeyId: string; secretAccessKey: string }> {
    const call = async (params: Record<string, string>) => {
        const r = await fetch(endpoint, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", authorization: "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=x" }, body: new URLSearchParams({ Version: "2010-05-08", ...params }).toString() });
        return r.text();
    };
    await call({ Action: "CreateUser", UserName: "enrol-without-permissions" });
    const xml = await call({ Action: "CreateAccessKey", UserName: "enrol-without-permissions" });
    const pick = (tag: string) => new RegExp(`<${tag}>([^<]+)</${tag}>`).exec(xml)?.[1] ?? "";
    return { accessKeyId: pick("AccessKeyId"), secretAccessKey: pick("SecretAccessKey") };
}
