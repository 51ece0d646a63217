import * as assert from "assert";
import { execFile, execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import * as aws from "@pulumi/aws";
import { STATEFUL_TYPES } from "../../../automation/plan/forceNew";
import { runStackProgram } from "../../../automation/plan/mock/runStackProgram";
import type { PlanDocument, PlanResource } from "../../../automation/plan/plan";
import { formatFindings, upgradeFindings } from "../../../automation/plan/upgrade";
import { deployedVersionsFromOutputs } from "../../../automation/driver/record/versions";
import { DEFAULT_COLLECTOR_IMAGE } from "../../../components/telemetry/adotComponents";
import { PROJECT_RELEASE } from "../../../stacks/release";

/**
 * The upgrade test: the example fleet planned offline at the previous release of this project and
 * at the working tree must show no delete and no replacement of a stateful resource. The previous
 * release is taken from the clone's own history (CI clones with full history: .ci/run).
 * Move PREVIOUS_RELEASE forward with each release (README "Upgrading").
 */
const PREVIOUS_RELEASE = "244ad42";
const ROOT = path.resolve(__dirname, "../../..");
const run = promisify(execFile);

function git(args: string[]): string {
    return execFileSync("git", args, { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}

/** Fails with the fix when the clone does not hold the release (a shallow or partial clone). */
function requireCommit(commit: string): void {
    try {
        git(["cat-file", "-e", `${commit}^{commit}`]);
    } catch {
        let shallow: string;
        try {
            shallow = git(["rev-parse", "--is-shallow-repository"]) === "true" ? " (this is a shallow clone)" : "";
        } catch {
            shallow = " (no git history here)";
        }
        throw new Error(`upgrade test: commit ${commit} (the previous release) is not in this clone's history${shallow}; fix: fetch the history with \`git fetch --unshallow\` (or \`git fetch origin ${commit}\`) and re-run`);
    }
}

/** `npm run fleet -- plan --json` of the checkout at `dir` (the command both releases' package.json define). */
async function planAt(dir: string, out: string): Promise<PlanDocument> {
    const args = ["-r", "ts-node/register/transpile-only", "automation/cli/launch.ts", "automation/cli/fleetCli", "plan", "--json", out, "--no-progress"];
    try {
        await run(process.execPath, args, { cwd: dir, maxBuffer: 64 * 1024 * 1024 });
    } catch (e) {
        const err = e as { stderr?: string; stdout?: string; message: string };
        throw new Error(`planning ${dir} failed: ${err.stderr || err.stdout || err.message}`, { cause: e });
    }
    return JSON.parse(fs.readFileSync(out, "utf8")) as PlanDocument;
}

function find(doc: PlanDocument, type: string): { stack: string; resource: PlanResource } {
    for (const s of doc.stacks) {
        const r = s.resources.find((x) => x.type === type);
        if (r !== undefined) {
            return { stack: s.stack, resource: r };
        }
    }
    throw new Error(`no ${type} in the plan`);
}

/** A copy of `doc` with `urn` renamed to `<name>-renamed`, optionally aliasing the old URN. */
function renamed(doc: PlanDocument, urn: string, alias: boolean): { doc: PlanDocument; newUrn: string } {
    const copy = structuredClone(doc);
    const newUrn = `${urn}-renamed`;
    for (const s of copy.stacks) {
        for (const r of s.resources) {
            if (r.urn === urn) {
                r.urn = newUrn;
                r.name = `${r.name}-renamed`;
                if (alias) {
                    r.aliases = [urn];
                }
            }
        }
    }
    return { doc: copy, newUrn };
}

function withInput(doc: PlanDocument, urn: string, key: string, value: unknown): PlanDocument {
    const copy = structuredClone(doc);
    for (const s of copy.stacks) {
        for (const r of s.resources.filter((x) => x.urn === urn)) {
            r.inputs[key] = value;
        }
    }
    return copy;
}

describe(`upgrade from the previous release (${PREVIOUS_RELEASE}) to the working tree`, function () {
    this.timeout(300000);
    let tmp = "";
    let previous: PlanDocument;
    let current: PlanDocument;

    before(async () => {
        requireCommit(PREVIOUS_RELEASE);
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ossmon-upgrade-"));
        const tree = path.join(tmp, "previous");
        fs.mkdirSync(tree);
        // `git archive` reads the object store only: no worktree registration to leave behind if the run is killed.
        execFileSync("sh", ["-c", `git archive --format=tar ${PREVIOUS_RELEASE} | tar -x -C "${tree}"`], { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
        // Same dependency set (package-lock.json unchanged since the release); a release that changes it must be planned with its own install.
        fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(tree, "node_modules"), "dir");
        // One plan per release, both at once (one core each); each takes 10-40 s.
        [previous, current] = await Promise.all([planAt(tree, path.join(tmp, "before.json")), planAt(ROOT, path.join(tmp, "after.json"))]);
    });

    after(() => {
        if (tmp !== "") {
            fs.rmSync(tmp, { recursive: true, force: true });
        }
    });

    it("both plans hold every stateful type the check guards (the check is not vacuous)", () => {
        for (const doc of [previous, current]) {
            const types = new Set(doc.stacks.flatMap((s) => s.resources.map((r) => r.type)));
            assert.deepStrictEqual(Object.keys(STATEFUL_TYPES).filter((t) => !types.has(t)), []);
        }
    });

    it("deletes nothing and replaces no stateful resource", () => {
        assert.deepStrictEqual(formatFindings(upgradeFindings(previous, current)), []);
    });

    it("every stack of the working tree exports what it deploys (fleet status VERSIONS), the previous release none", () => {
        const versions = (doc: PlanDocument) => Object.fromEntries(doc.stacks.map((st) => [st.stack, deployedVersionsFromOutputs(st.outputs)]));
        assert.ok(Object.values(versions(previous)).every((v) => v === undefined));
        const now = versions(current);
        assert.ok(Object.values(now).every((v) => v?.release === PROJECT_RELEASE), JSON.stringify(now));
        const byRole = (role: string) => current.stacks.filter((st) => st.role === role).map((st) => now[st.stack]);
        assert.deepStrictEqual(byRole("hub").map((v) => [v?.collectorImage, v?.grafanaVersion]), [[DEFAULT_COLLECTOR_IMAGE, "12.4"]]);
        // Sites run the gateway collector; monitored accounts run one only with an EKS cluster; only the hub has Grafana.
        assert.ok(byRole("onprem").every((v) => v?.collectorImage === DEFAULT_COLLECTOR_IMAGE && v.grafanaVersion === undefined));
        assert.ok(byRole("monitored").every((v) => v?.grafanaVersion === undefined));
    });

    it("rolling back to the previous release deletes or replaces nothing stateful (it only removes what this release added)", async () => {
        const back = upgradeFindings(current, previous);
        // The example fleet itself grew in this release (issue 28: a second region and an account there): those stateful
        // resources exist only in the working tree's plan, and are exactly these. Nothing else stateful may go.
        const stateful = back.filter((f) => STATEFUL_TYPES[f.type] !== undefined);
        assert.deepStrictEqual(stateful.map((f) => `${f.kind} ${f.stack} ${f.type} ${f.urn.split("::").pop()}`).sort(), [
            "delete hub aws:oam/sink:Sink hub-oam-us-west-2",
            "delete hub aws:secretsmanager/secret:Secret hub-identity-account-565656565656-secret",
            // Issue 31: the tenant proxy's presented-certificate Lua script (a rendered file, nothing operators wrote).
            "delete hub aws:ssm/parameter:Parameter hub-collector-cert-seen-lua",
            "delete monitored-web-west aws:cloudwatch/logGroup:LogGroup monitored-agent-logs-0",
            "delete monitored-web-west aws:kms/key:Key monitored-logs-key",
            "delete monitored-web-west aws:ssm/parameter:Parameter monitored-agent-base-linux",
        ]);
        assert.ok(back.every((f) => f.kind === "delete"), formatFindings(back).join("\n"));
        // And a real rollback never gets there: the previous release refuses the grown manifest at plan time (exit 2).
        const refused = await run(process.execPath, ["-r", "ts-node/register/transpile-only", "automation/cli/launch.ts", "automation/cli/fleetCli", "plan", "--manifest", path.join(ROOT, "stacks/fleet.yaml"), "--no-progress"], { cwd: path.join(tmp, "previous") })
            .then(() => undefined, (e: { code?: number; stderr?: string }) => e);
        assert.ok(refused !== undefined, "the previous release must refuse the manifest with regions:");
        assert.strictEqual(refused.code, 2);
        assert.match(refused.stderr ?? "", /regions/);
    });

    it("is red on a stateful resource renamed without an alias (renamed here, in a copy of the plan)", () => {
        const { stack, resource } = find(current, "aws:amp/workspace:Workspace");
        const findings = upgradeFindings(previous, renamed(current, resource.urn, false).doc);
        assert.deepStrictEqual(findings.map((f) => [f.stack, f.kind, f.urn]), [[stack, "delete", resource.urn]]);
        assert.match(formatFindings(findings)[0], /every stored metric sample.*aliases/);
    });

    it("is green on the same rename when the resource carries an alias to its old URN", () => {
        const { resource } = find(current, "aws:amp/workspace:Workspace");
        assert.deepStrictEqual(formatFindings(upgradeFindings(previous, renamed(current, resource.urn, true).doc)), []);
    });

    it("is red on a force-new input change of a stateful resource (an AMP workspace's kmsKeyArn)", () => {
        const { stack, resource } = find(current, "aws:amp/workspace:Workspace");
        const findings = upgradeFindings(previous, withInput(current, resource.urn, "kmsKeyArn", "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000000"));
        assert.deepStrictEqual(findings.map((f) => [f.stack, f.kind, f.urn]), [[stack, "replace", resource.urn]]);
        assert.match(findings[0].detail, /^kmsKeyArn: .* forces replacement/);
    });

    it("a Grafana version change on the workspace is an in-place update, not a replacement", () => {
        const { resource } = find(current, "aws:grafana/workspace:Workspace");
        const other = resource.inputs.grafanaVersion === "10.4" ? "12.4" : "10.4";
        assert.deepStrictEqual(formatFindings(upgradeFindings(current, withInput(current, resource.urn, "grafanaVersion", other))), []);
    });
});

describe("the upgrade test's own preconditions", () => {
    it("names the fix when the release is not in the clone's history (a shallow clone)", () => {
        assert.throws(() => requireCommit("0000000000000000000000000000000000000000"), /commit 0{40} \(the previous release\) is not in this clone's history.*fix: fetch the history with `git fetch --unshallow`/);
    });
});

describe("the force-new table", () => {
    // __pulumiType is @internal in the SDK typings, present at run time on every resource class.
    const classes: Record<string, object> = {
        "aws:amp/workspace:Workspace": aws.amp.Workspace,
        "aws:kms/key:Key": aws.kms.Key,
        "aws:acmpca/certificateAuthority:CertificateAuthority": aws.acmpca.CertificateAuthority,
        "aws:grafana/workspace:Workspace": aws.grafana.Workspace,
        "aws:oam/sink:Sink": aws.oam.Sink,
        "aws:secretsmanager/secret:Secret": aws.secretsmanager.Secret,
        "aws:cloudwatch/logGroup:LogGroup": aws.cloudwatch.LogGroup,
        "aws:ssm/parameter:Parameter": aws.ssm.Parameter,
    };

    it("names each stateful type by the @pulumi/aws type token and each property by an input that resource takes", () => {
        assert.deepStrictEqual(Object.keys(STATEFUL_TYPES).sort(), Object.keys(classes).sort());
        for (const [type, spec] of Object.entries(STATEFUL_TYPES)) {
            const cls = classes[type] as { __pulumiType: string };
            assert.strictEqual(cls.__pulumiType, type);
            // The SDK constructor copies each input by name: `resourceInputs["kmsKeyArn"] = args ? args.kmsKeyArn : undefined`.
            const source = Function.prototype.toString.call(cls);
            for (const rule of spec.forceNew) {
                const top = rule.property.split(".")[0];
                assert.ok(source.includes(`resourceInputs["${top}"] = args`), `${type}: ${top} is not an input of ${cls.__pulumiType}`);
            }
        }
    });
});

describe("plan records aliases", () => {
    const plan = async (name: string, opts: { aliases?: Array<{ name: string }> }) => {
        const result = await runStackProgram({
            project: "p", stack: "s", config: {},
            context: { account: "111111111111", region: "eu-west-1", stackOutputs: new Map() },
            program: () => {
                new aws.cloudwatch.LogGroup(name, { name: "/fixed" }, opts);
            },
        });
        return result.resources.find((r) => r.type === "aws:cloudwatch/logGroup:LogGroup")!;
    };

    it("resolves a { name } alias to the URN the resource had under its old name", async () => {
        const old = await plan("old-name", {});
        const now = await plan("new-name", { aliases: [{ name: "old-name" }] });
        assert.notStrictEqual(now.urn, old.urn);
        assert.deepStrictEqual(now.aliases, [old.urn]);
        assert.strictEqual(old.aliases, undefined);
    });
});
