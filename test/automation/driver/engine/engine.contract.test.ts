import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";
import type { ConfigMap, EngineEvent, LocalProgramArgs, LocalWorkspaceOptions, PulumiCommand, RemoteGitProgramArgs, RemoteWorkspaceOptions } from "@pulumi/pulumi/automation";
import { realClock } from "../../../../automation/driver/schedule/clock";
import type { AutomationApi, RemoteStackLike, StackLike } from "../../../../automation/driver/engine/engine";
import { EXIT } from "../../../../automation/driver/errors";
import type { FleetReport } from "../../../../automation/driver/record/report";
import { engineFor } from "../../../../automation/driver/deps";
import { runFleetCommand } from "../../../../automation/driver/run";
import type { FleetManifest } from "../../../../automation/fleet/types";
import { fleet, namedError, tempDir } from "../fixtures";

type Call = { readonly method: string; readonly stack?: string; readonly args: unknown[] };

const PULUMI = { command: "/opt/pulumi/bin/pulumi", version: null } as unknown as PulumiCommand;

interface FakeOptions {
    /** Config each stack already has (for the secrets check). */
    readonly config?: Record<string, ConfigMap>;
    readonly missing?: readonly string[];
    readonly noJsonConfig?: boolean;
    readonly remoteDurationMs?: number;
    /** Engine events each stack's refresh preview sends (by short stack name). */
    readonly refreshEvents?: Record<string, readonly EngineEvent[]>;
}

/** A stand-in for @pulumi/pulumi/automation that records every call the engine makes. */
function fakeAutomation(calls: Call[], opts: FakeOptions = {}): AutomationApi {
    const summary = { kind: "update", result: "succeeded", version: 7, resourceChanges: { create: 4, same: 1 } };
    const stack = (name: string): StackLike => {
        const rec = (method: string) => (...args: unknown[]) => {
            calls.push({ method, stack: name, args });
        };
        const short = name.split("/").pop()!;
        return {
            name,
            up: async (o) => (rec("up")(o), { stdout: "", stderr: "", outputs: {}, summary: summary as never }),
            preview: async (o) => (rec("preview")(o), { stdout: "", stderr: "", changeSummary: { create: 4 } }),
            previewRefresh: async (o) => {
                rec("previewRefresh")(o);
                (opts.refreshEvents?.[short] ?? []).forEach((e) => o?.onEvent?.(e));
                return { stdout: "", stderr: "", changeSummary: { same: 3, update: 1 } };
            },
            refresh: async (o) => (rec("refresh")(o), { stdout: "", stderr: "", summary: summary as never }),
            destroy: async (o) => (rec("destroy")(o), { stdout: "", stderr: "", summary: summary as never }),
            outputs: async () => (rec("outputs")(), { url: { value: "https://grafana.example", secret: false }, token: { value: "s3cr3t", secret: true } }),
            setAllConfigJson: async (json) => {
                rec("setAllConfigJson")(json);
                if (opts.noJsonConfig) {
                    throw new Error("code: 255\n stderr: Error: unknown flag: --json\n");
                }
            },
            setAllConfig: async (config, p) => rec("setAllConfig")(config, p),
            listTags: async () => (rec("listTags")(), { "pulumi:project": "oss-monitoring" }),
            setTag: async (k, v) => rec("setTag")(k, v),
            getAllConfig: async () => (rec("getAllConfig")(), opts.config?.[short] ?? {}),
        };
    };
    return {
        LocalWorkspace: {
            create: async (o: LocalWorkspaceOptions) => {
                calls.push({ method: "LocalWorkspace.create", args: [o] });
                return {
                    install: async (io?: unknown) => void calls.push({ method: "install", args: [o.workDir, io] }),
                    whoAmI: async () => (calls.push({ method: "whoAmI", args: [o.workDir] }), { user: "tester", url: "file:///state" }),
                };
            },
            createOrSelectStack: async (a: LocalProgramArgs, o?: LocalWorkspaceOptions) => {
                calls.push({ method: "createOrSelectStack", stack: a.stackName, args: [a, o] });
                return stack(a.stackName);
            },
            selectStack: async (a: LocalProgramArgs, o?: LocalWorkspaceOptions) => {
                calls.push({ method: "selectStack", stack: a.stackName, args: [a, o] });
                if (opts.missing?.includes(a.stackName)) {
                    throw namedError("StackNotFoundError", `no stack named '${a.stackName}' found`);
                }
                return stack(a.stackName);
            },
        },
        RemoteWorkspace: {
            createOrSelectStack: async (a: RemoteGitProgramArgs, o?: RemoteWorkspaceOptions) => {
                calls.push({ method: "RemoteWorkspace.createOrSelectStack", stack: a.stackName, args: [a, o] });
                let cancelled: (() => void) | undefined;
                const remote: RemoteStackLike = {
                    name: a.stackName,
                    up: (ro) =>
                        new Promise((resolve, reject) => {
                            calls.push({ method: "remote.up", stack: a.stackName, args: [ro] });
                            const timer = setTimeout(() => resolve({ stdout: "", stderr: "", outputs: {}, summary: summary as never }), opts.remoteDurationMs ?? 0);
                            cancelled = () => {
                                clearTimeout(timer);
                                reject(new Error("deployment cancelled"));
                            };
                        }),
                    preview: async () => ({ stdout: "", stderr: "", changeSummary: {} }),
                    refresh: async () => ({ stdout: "", stderr: "", summary: summary as never }),
                    destroy: async () => ({ stdout: "", stderr: "", summary: summary as never }),
                    outputs: async () => ({}),
                    cancel: async () => {
                        calls.push({ method: "remote.cancel", stack: a.stackName, args: [] });
                        cancelled?.();
                    },
                };
                return remote;
            },
        },
    };
}

/** A throwaway project: Pulumi.yaml, a policy pack whose dependencies are not installed, stack files. */
function project(manifest: FleetManifest, matchingStackFiles: readonly string[]): string {
    const dir = tempDir("fleet-contract-");
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: oss-monitoring\nruntime: nodejs\nstackConfigDir: stacks\n");
    fs.mkdirSync(path.join(dir, "policy"));
    fs.writeFileSync(path.join(dir, "policy", "PulumiPolicy.yaml"), "runtime: nodejs\n");
    fs.writeFileSync(path.join(dir, "policy", "package.json"), '{"name":"pack","dependencies":{"@pulumi/policy":"1.21.0"}}');
    fs.mkdirSync(path.join(dir, "stacks"));
    for (const name of matchingStackFiles) {
        const s = manifest.stacks.find((x) => x.name === name)!;
        fs.writeFileSync(path.join(dir, "stacks", `Pulumi.${name}.yaml`), stringify({ config: s.config }));
    }
    return dir;
}

const manifest = fleet(
    [
        { name: "ct-spoke-a", regulated: true, secrets: ["grafanaToken"] },
        { name: "ct-spoke-b", region: "eu-west-1" },
    ],
    { canaryCount: 0 },
    "ct-hub",
);

async function run(argv: string[], calls: Call[], opts: FakeOptions & { matching?: string[]; abort?: AbortSignal } = {}) {
    const workDir = project(manifest, opts.matching ?? []);
    const out: string[] = [];
    const err: string[] = [];
    const code = await runFleetCommand([...argv, "--state-dir", path.join(workDir, ".state"), "--json", "report.json"], {
        workDir,
        out: (l) => out.push(l),
        err: (l) => err.push(l),
        clock: realClock,
        locatePulumi: async () => PULUMI,
        loadManifest: () => manifest,
        createEngine: (ctx) => engineFor(ctx, fakeAutomation(calls, opts)),
        // STS is unreachable here: the pre-flight role check is faked at that boundary only.
        assumeRole: async () => undefined,
        stackLogs: false,
        ...(opts.abort ? { abort: opts.abort } : {}),
    });
    const report = fs.existsSync(path.join(workDir, "report.json")) ? (JSON.parse(fs.readFileSync(path.join(workDir, "report.json"), "utf8")) as FleetReport) : undefined;
    return { code, out, err, workDir, report };
}

const SECRET_OK = { "ct-spoke-a": { "oss-monitoring:grafanaToken": { value: "x", secret: true } } };

describe("Automation API engine contract", () => {
    it("installs plugins and the policy pack once, before any stack is created or selected", async () => {
        const calls: Call[] = [];
        const { code, workDir } = await run(["up", "--yes"], calls, { config: SECRET_OK });
        assert.strictEqual(code, EXIT.ok);
        const installs = calls.filter((c) => c.method === "install");
        assert.deepStrictEqual(installs.map((c) => c.args), [
            [path.join(workDir, "policy"), undefined],
            [workDir, { noDependencies: true }],
        ]);
        const firstStack = calls.findIndex((c) => c.method === "createOrSelectStack");
        assert.ok(calls.findIndex((c) => c.method === "install" && c.args[0] === workDir) < firstStack);
    });

    it("creates or selects exactly the selected stacks in this project, with backend, secrets provider and the located CLI", async () => {
        const calls: Call[] = [];
        const { code, workDir } = await run(
            ["up", "--yes", "--stacks", "role:monitored", "--backend", "s3://fleet-state?region=us-east-1", "--secrets-provider", "awskms://alias/fleet?region=us-east-1"],
            calls,
            { config: SECRET_OK },
        );
        assert.strictEqual(code, EXIT.ok);
        const selects = calls.filter((c) => c.method === "createOrSelectStack");
        assert.deepStrictEqual(selects.map((c) => c.stack).sort(), ["organization/oss-monitoring/ct-spoke-a", "organization/oss-monitoring/ct-spoke-b"]);
        for (const c of selects) {
            const [args, opts] = c.args as [LocalProgramArgs, LocalWorkspaceOptions];
            assert.deepStrictEqual(args, { stackName: c.stack, workDir });
            assert.strictEqual(opts.pulumiCommand, PULUMI);
            assert.deepStrictEqual(opts.envVars, { PULUMI_SKIP_UPDATE_CHECK: "true", PULUMI_BACKEND_URL: "s3://fleet-state?region=us-east-1" });
            assert.strictEqual(opts.secretsProvider, "awskms://alias/fleet?region=us-east-1");
            assert.strictEqual(opts.projectSettings, undefined, "Pulumi.yaml must not be rewritten");
        }
        assert.ok(!calls.some((c) => c.stack?.endsWith("/ct-hub")), "the unselected hub is never touched");
    });

    it("passes the policy pack, a cancellation signal and plain output settings to up and preview", async () => {
        for (const op of ["up", "preview"]) {
            const calls: Call[] = [];
            const { code, workDir } = await run([op, "--yes"], calls, { config: SECRET_OK });
            assert.strictEqual(code, EXIT.ok);
            const ops = calls.filter((c) => c.method === op);
            assert.strictEqual(ops.length, 3);
            for (const c of ops) {
                const o = c.args[0] as { policyPacks: string[]; signal: AbortSignal; color: string; message: string; onOutput: unknown; onEvent: unknown };
                assert.deepStrictEqual(o.policyPacks, [path.join(workDir, "policy")]);
                assert.ok(o.signal instanceof AbortSignal);
                assert.strictEqual(o.color, "never");
                assert.match(o.message, new RegExp(`^fleet ${op} \\(run `));
                assert.strictEqual(typeof o.onOutput, "function");
                assert.strictEqual(typeof o.onEvent, "function");
            }
        }
    });

    it("applies the manifest's config as structured values, only to stacks whose file differs", async () => {
        const calls: Call[] = [];
        await run(["up", "--yes"], calls, { config: SECRET_OK, matching: ["ct-spoke-b"] });
        const sets = calls.filter((c) => c.method === "setAllConfigJson");
        assert.deepStrictEqual(sets.map((c) => c.stack).sort(), ["organization/oss-monitoring/ct-hub", "organization/oss-monitoring/ct-spoke-a"]);
        const spokeA = manifest.stacks.find((s) => s.name === "ct-spoke-a")!;
        const json = JSON.parse(sets.find((c) => c.stack?.endsWith("ct-spoke-a"))!.args[0] as string) as Record<string, { value: string; secret: boolean; objectValue?: unknown }>;
        assert.deepStrictEqual(Object.keys(json).sort(), Object.keys(spokeA.config).sort());
        assert.deepStrictEqual(json["oss-monitoring:account"], { value: "200000000001", secret: false });
        assert.deepStrictEqual(json["aws:region"], { value: "us-east-1", secret: false });
        assert.deepStrictEqual(json["oss-monitoring:deployRole"].objectValue, spokeA.config["oss-monitoring:deployRole"]);
        assert.deepStrictEqual(JSON.parse(json["oss-monitoring:deployRole"].value), spokeA.config["oss-monitoring:deployRole"]);
        const hub = JSON.parse(sets.find((c) => c.stack?.endsWith("ct-hub"))!.args[0] as string) as Record<string, { objectValue?: { monitoredAccounts?: string[] } }>;
        assert.deepStrictEqual(hub["oss-monitoring:hub"].objectValue?.monitoredAccounts, ["200000000001", "200000000002"]);
    });

    it("falls back to JSON text values (never --path) when the CLI lacks set-all --json", async () => {
        const calls: Call[] = [];
        await run(["up", "--yes", "--stacks", "ct-spoke-b"], calls, { noJsonConfig: true });
        const [config, pathMode] = calls.find((c) => c.method === "setAllConfig")!.args as [ConfigMap, boolean | undefined];
        assert.strictEqual(pathMode, undefined);
        assert.deepStrictEqual(config["oss-monitoring:account"], { value: "200000000002", secret: false });
        assert.deepStrictEqual(JSON.parse(config["oss-monitoring:tags"].value), manifest.stacks.find((s) => s.name === "ct-spoke-b")!.config["oss-monitoring:tags"]);
    });

    it("tags stacks for the policy pack", async () => {
        const calls: Call[] = [];
        await run(["up", "--yes", "--stacks", "ct-spoke-a"], calls, { config: SECRET_OK });
        assert.deepStrictEqual(calls.filter((c) => c.method === "setTag").map((c) => c.args), [
            ["oss-monitoring:role", "monitored"],
            ["oss-monitoring:regulated", "true"],
            ["oss-monitoring:account", "200000000001"],
        ]);
    });

    it("fails a stack whose declared secret is missing or stored in plain text, naming the key and the fix", async () => {
        const missing = await run(["up", "--yes", "--stacks", "ct-spoke-a"], []);
        assert.strictEqual(missing.code, EXIT.failed);
        assert.match(missing.report!.stacks[0].error!, /missing secret oss-monitoring:grafanaToken: set it with `pulumi config set --secret oss-monitoring:grafanaToken --stack organization\/oss-monitoring\/ct-spoke-a`/);
        const calls: Call[] = [];
        const plain = await run(["up", "--yes", "--stacks", "ct-spoke-a"], calls, { config: { "ct-spoke-a": { "oss-monitoring:grafanaToken": { value: "x", secret: false } } } });
        assert.match(plain.report!.stacks[0].error!, /oss-monitoring:grafanaToken is stored in plain text/);
        assert.ok(!calls.some((c) => c.method === "up"), "no update runs without its secrets");
    });

    it("drift selects (never creates) stacks and uses a refresh preview", async () => {
        const calls: Call[] = [];
        const { code, report } = await run(["drift"], calls);
        assert.strictEqual(code, EXIT.drift);
        assert.strictEqual(calls.filter((c) => c.method === "createOrSelectStack").length, 0);
        assert.strictEqual(calls.filter((c) => c.method === "previewRefresh").length, 3);
        assert.ok(report!.stacks.every((s) => s.drifted === true && s.changes.update === 1));
        assert.ok(!calls.some((c) => c.method === "setAllConfigJson" || c.method === "setTag"), "drift changes nothing");
    });

    it("drift names each drifted resource and the outputs its refresh changed, and only those", async () => {
        // The event sequence Pulumi 3.248's refresh preview sends (recorded against a dynamic
        // resource whose file was edited): every step is announced as `refresh`; the verdict
        // (`same`, `update`, `delete`) and the refreshed outputs come only in the outputs event.
        const urn = (t: string, n: string) => `urn:pulumi:ct-spoke-b::oss-monitoring::${t}::${n}`;
        const step = (kind: "resourcePreEvent" | "resOutputsEvent", op: string, type: string, name: string, old?: Record<string, unknown>, now?: Record<string, unknown>) =>
            ({ sequence: 0, timestamp: 0, [kind]: { metadata: { op, urn: urn(type, name), type, provider: "", ...(old ? { old: { outputs: old } } : {}), ...(now ? { new: { outputs: now } } : {}) } } }) as unknown as EngineEvent;
        const T = "pulumi-nodejs:dynamic:Resource";
        const events = [
            step("resourcePreEvent", "refresh", "pulumi:providers:pulumi-nodejs", "default"),
            step("resOutputsEvent", "same", "pulumi:providers:pulumi-nodejs", "default"),
            step("resourcePreEvent", "refresh", T, "edited"),
            step("resOutputsEvent", "update", T, "edited", { path: "/r", content: "a\n", __provider: "p" }, { path: "/r", content: "b\n", __provider: "p" }),
            step("resourcePreEvent", "refresh", T, "untouched"),
            step("resOutputsEvent", "same", T, "untouched", { content: "x" }, { content: "x" }),
            step("resourcePreEvent", "refresh", T, "gone"),
            step("resOutputsEvent", "delete", T, "gone", { content: "y" }),
        ];
        const { code, report, out } = await run(["drift", "--stacks", "ct-spoke-b"], [], { refreshEvents: { "ct-spoke-b": events } });
        assert.strictEqual(code, EXIT.drift);
        assert.deepStrictEqual(report!.stacks[0].resources, [
            { urn: urn(T, "edited"), type: T, op: "update", diffs: ["content"] },
            { urn: urn(T, "gone"), type: T, op: "delete", diffs: [] },
        ]);
        assert.ok(out.some((l) => l.includes("ct-spoke-b succeeded") && l.includes("DRIFTED: edited update [content]; gone delete")), out.join("\n"));
    });

    it("destroys through selectStack and treats a stack that does not exist as destroyed", async () => {
        const calls: Call[] = [];
        const { code, report } = await run(["destroy", "--yes"], calls, { missing: ["organization/oss-monitoring/ct-spoke-b"] });
        assert.strictEqual(code, EXIT.ok);
        assert.deepStrictEqual(calls.filter((c) => c.method === "destroy").map((c) => c.stack).sort(), ["organization/oss-monitoring/ct-hub", "organization/oss-monitoring/ct-spoke-a"]);
        assert.strictEqual(report!.stacks.find((s) => s.stack === "ct-spoke-b")!.note, "stack does not exist; nothing to destroy");
        assert.ok(!calls.some((c) => c.method === "install" && (c.args[0] as string).endsWith("policy")), "destroy does not need the policy pack");
    });

    it("masks secret outputs", async () => {
        const calls: Call[] = [];
        const { code, out } = await run(["outputs", "--stacks", "ct-hub"], calls);
        assert.strictEqual(code, EXIT.ok);
        assert.deepStrictEqual(JSON.parse(out[out.length - 1]), { "ct-hub": { url: "https://grafana.example", token: "[secret]" } });
        assert.ok(!out.join("\n").includes("s3cr3t"));
    });

    it("runs each stack on Pulumi Deployments with --executor remote and cancels it on abort", async () => {
        const calls: Call[] = [];
        const abort = new AbortController();
        const pending = run(["up", "--yes", "--executor", "remote", "--remote-url", "https://github.com/acme/monitoring.git", "--remote-branch", "main", "--stacks", "ct-hub"], calls, {
            remoteDurationMs: 60_000,
            abort: abort.signal,
        });
        while (!calls.some((c) => c.method === "remote.up")) {
            await new Promise((r) => setTimeout(r, 5));
        }
        abort.abort();
        const { code, report } = await pending;
        const [args, opts] = calls.find((c) => c.method === "RemoteWorkspace.createOrSelectStack")!.args as [RemoteGitProgramArgs, RemoteWorkspaceOptions];
        assert.deepStrictEqual(args, { stackName: "organization/oss-monitoring/ct-hub", url: "https://github.com/acme/monitoring.git", branch: "refs/heads/main" });
        assert.deepStrictEqual(opts, { inheritSettings: true });
        assert.ok(calls.some((c) => c.method === "remote.cancel"));
        assert.ok(!calls.some((c) => c.method === "install" || c.method === "createOrSelectStack"), "nothing runs locally");
        assert.strictEqual(code, EXIT.cancelled);
        assert.strictEqual(report!.stacks[0].result, "cancelled");
    });
});
