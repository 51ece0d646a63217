/**
 * The fixture fleet on the real Pulumi engine: a temporary copy of test/e2e/engine/fixture (its
 * node_modules linked to the repository's), a file:// backend with passphrase secrets, a manifest
 * of a hub and 21 spokes, and the fleet driver run as `npm run fleet` would run it.
 */
import { ChildProcess, execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import type { FleetReport } from "../../../automation/driver/record/report";

export const ROOT = path.resolve(__dirname, "../../..");
const FIXTURE = path.join(__dirname, "fixture");
/** The fleet of `pulumi.dynamic.Resource`s, for Pulumi's own language host and dynamic provider (see its index.ts). */
export const DYNAMIC_FIXTURE = path.join(__dirname, "dynamic-fixture");

export const SPOKES = Array.from({ length: 21 }, (_, i) => `spoke-${String(i + 1).padStart(2, "0")}`);
export const CANARY = "spoke-01";
export const account = (stack: string) => (stack === "hub" ? "111111111111" : String(200000000000 + Number(stack.slice(-2))));

/** Builds (or finds cached) the CLI and plugins; returns their directory. */
export function toolsBin(): string {
    const out = execFileSync("bash", [path.join(ROOT, "tools/pulumi/build.sh")], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
    return out.trim().split("\n").pop()!;
}

/**
 * Pulumi's own Node.js language host and dynamic-provider shim beside the CLI in `cliBin`
 * (tools/pulumi/nodejs-host/build.sh); returns their directory, which holds the CLI too.
 */
export function pulumiNodeHostBin(cliBin: string): string {
    const out = execFileSync("bash", [path.join(ROOT, "tools/pulumi/nodejs-host/build.sh"), cliBin], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
    return out.trim().split("\n").pop()!;
}

export interface RunResult {
    readonly code: number;
    readonly stdout: string;
    readonly stderr: string;
    readonly report?: FleetReport;
    readonly seconds: number;
}

export class FixtureFleet {
    readonly dir: string;
    readonly program: string;
    readonly cues: string;
    readonly stateDir: string;
    readonly backend: string;
    readonly manifest: string;
    private runs = 0;

    /**
     * `modules`: link only these packages of the repository's node_modules into the program's
     * (default: all of it). Pulumi's language host lists every package under the program's
     * node_modules that declares a resource plugin (sdk/v3@v3.68.0 nodejs/cmd/pulumi-language-nodejs
     * main.go getPluginsFromDir), and the driver's `pulumi install` would then download them.
     */
    constructor(readonly bin: string, fixture: string = FIXTURE, modules?: readonly string[]) {
        this.dir = fs.mkdtempSync(path.join(os.tmpdir(), "fleet-e2e-"));
        this.program = path.join(this.dir, "program");
        fs.cpSync(fixture, this.program, { recursive: true });
        if (modules === undefined) {
            fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(this.program, "node_modules"));
        } else {
            for (const m of modules) {
                fs.mkdirSync(path.dirname(path.join(this.program, "node_modules", m)), { recursive: true });
                fs.symlinkSync(path.join(ROOT, "node_modules", m), path.join(this.program, "node_modules", m));
            }
        }
        this.cues = path.join(this.dir, "fixture");
        fs.mkdirSync(path.join(this.cues, "cues"), { recursive: true });
        fs.mkdirSync(path.join(this.dir, "backend"));
        fs.mkdirSync(path.join(this.dir, "home"));
        this.backend = `file://${path.join(this.dir, "backend")}`;
        this.stateDir = path.join(this.dir, "fleet-state");
        this.manifest = path.join(this.dir, "fleet.yaml");
        this.writeManifest({});
    }

    writeManifest(rollout: Record<string, unknown>): void {
        const doc = {
            version: 1,
            pulumiOrganization: "organization",
            awsOrganizationId: "o-a1b2c3d4e5",
            program: "./program",
            defaults: { region: "us-east-1", tags: { CostCenter: "cc-1", Owner: "team", Environment: "test" } },
            rollout: {
                canary: [CANARY],
                concurrency: 4,
                retries: 1,
                timeoutMinutes: 5,
                // STS is unreachable here; the check itself is covered against a fake STS at that boundary.
                checkDeployRoles: false,
                ...rollout,
            },
            stacks: [
                {
                    name: "hub",
                    role: "hub",
                    account: account("hub"),
                    config: {
                        collector: { tlsSecretArn: "arn:aws:secretsmanager:us-east-1:111111111111:secret:hub/collector-tls-AbCdEf" },
                        ingress: { certificateArn: "arn:aws:acm:us-east-1:111111111111:certificate/0f0e0d0c-0000-4000-8000-000000000001" },
                        grafana: { allowedVpceIds: ["vpce-0a1b2c3d4e5f60718"], adminGroupIds: ["90677e8d-a0d1-70e1-1234-5678abcdef01"] },
                    },
                },
                ...SPOKES.map((name, i) => ({
                    name,
                    role: "monitored",
                    account: account(name),
                    // Spokes share the hub's region (the manifest refuses others: PrivateLink is regional)
                    // and have distinct workload networks (the manifest refuses overlaps).
                    // Valid monitored-account config: the manifest is validated with the real schemas.
                    config: { vpc: { vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"] }, workloads: { cidrs: [`10.${i + 1}.0.0/16`] } },
                })),
            ],
        };
        fs.writeFileSync(this.manifest, stringify(doc));
    }

    cue(stack: string, kind: "fail" | "sleep" | "violate", value = ""): void {
        fs.writeFileSync(path.join(this.cues, "cues", `${stack}.${kind}`), value);
    }

    clearCue(stack: string, kind: "fail" | "sleep" | "violate"): void {
        fs.rmSync(path.join(this.cues, "cues", `${stack}.${kind}`), { force: true });
    }

    clearCues(): void {
        fs.rmSync(path.join(this.cues, "cues"), { recursive: true, force: true });
        fs.mkdirSync(path.join(this.cues, "cues"));
    }

    get env(): NodeJS.ProcessEnv {
        const env: NodeJS.ProcessEnv = {
            ...process.env,
            // The language host runs `node` from PATH: the stack programs then run on the Node.js that runs
            // the tests (the line under test), not on whichever node the machine has first on PATH.
            PATH: `${this.bin}:${path.dirname(process.execPath)}:${process.env.PATH ?? ""}`,
            PULUMI_HOME: path.join(this.dir, "home"),
            PULUMI_BACKEND_URL: this.backend,
            PULUMI_CONFIG_PASSPHRASE: "e2e-fixture-passphrase",
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
            FLEET_FIXTURE_DIR: this.cues,
        };
        // The engine must find the plugins on PATH (ambient plugins).
        delete env.PULUMI_IGNORE_AMBIENT_PLUGINS;
        return env;
    }

    args(command: string, extra: readonly string[] = []): string[] {
        const report = path.join(this.dir, `report-${++this.runs}.json`);
        const common = ["--manifest", this.manifest, "--state-dir", this.stateDir, "--backend", this.backend, "--json", report];
        const mutating = ["up", "destroy", "refresh"].includes(command) ? ["--yes"] : [];
        const creates = ["up", "preview"].includes(command) ? ["--secrets-provider", "passphrase"] : [];
        const policy = ["up", "preview"].includes(command) && !extra.includes("--policy-pack") ? ["--policy-pack", path.join(this.program, "policy")] : [];
        return [command, ...common, ...mutating, ...creates, ...policy, ...extra];
    }

    private reportOf(args: readonly string[]): FleetReport | undefined {
        const file = args[args.indexOf("--json") + 1];
        return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as FleetReport) : undefined;
    }

    /** `npm run fleet -- <command> ...`, to completion. */
    fleet(command: string, extra: readonly string[] = []): Promise<RunResult> {
        const args = this.args(command, extra);
        return this.finish(spawn("npm", ["run", "--silent", "fleet", "--", ...args], { cwd: ROOT, env: this.env, stdio: ["ignore", "pipe", "pipe"] }), args);
    }

    /** `npm run fleet -- <argv>` exactly as given (no driver flags added), e.g. for `audit`; logged to driver.log like the rest. */
    fleetRaw(argv: readonly string[]): Promise<RunResult> {
        return this.finish(spawn("npm", ["run", "--silent", "fleet", "--", ...argv], { cwd: ROOT, env: this.env, stdio: ["ignore", "pipe", "pipe"] }), argv);
    }

    /**
     * The driver's entry point (what `npm run fleet` runs) in its own process group, as a terminal
     * runs it: `interrupt()` then delivers SIGINT to the driver and its Pulumi processes at once,
     * like Ctrl-C.
     */
    start(command: string, extra: readonly string[] = []): { child: ChildProcess; done: Promise<RunResult>; interrupt: () => void } {
        const args = this.args(command, extra);
        const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "automation/cli/launch.ts", "automation/cli/fleetCli", ...args], {
            cwd: ROOT,
            env: this.env,
            stdio: ["ignore", "pipe", "pipe"],
            detached: true,
        });
        return { child, done: this.finish(child, args), interrupt: () => process.kill(-child.pid!, "SIGINT") };
    }

    private finish(child: ChildProcess, args: readonly string[]): Promise<RunResult> {
        const start = Date.now();
        let stdout = "";
        let stderr = "";
        child.stdout!.on("data", (b: Buffer) => (stdout += b.toString()));
        child.stderr!.on("data", (b: Buffer) => (stderr += b.toString()));
        return new Promise((resolve) => {
            child.on("close", (code) => {
                fs.appendFileSync(path.join(this.dir, "driver.log"), `$ fleet ${args.join(" ")}\n${stdout}\n${stderr}\nexit ${code}\n\n`);
                resolve({ code: code ?? -1, stdout, stderr, report: this.reportOf(args), seconds: (Date.now() - start) / 1000 });
            });
        });
    }

    /** The work commands' start/end log: what actually ran, when (ms since epoch). */
    events(): { kind: "start" | "end"; stack: string; at: number }[] {
        const file = path.join(this.cues, "events.log");
        if (!fs.existsSync(file)) {
            return [];
        }
        return fs
            .readFileSync(file, "utf8")
            .split("\n")
            .filter(Boolean)
            .map((l) => {
                const [kind, stack, at] = l.split(" ");
                return { kind: kind as "start" | "end", stack, at: Number(at) };
            });
    }

    resetEvents(): void {
        fs.rmSync(path.join(this.cues, "events.log"), { force: true });
    }

    registrationFile(stack: string): string {
        return path.join(this.cues, "state", stack, "registration");
    }

    /** The Pulumi CLI itself, against the fixture's backend and program. */
    pulumi(args: readonly string[]): ChildProcess {
        return spawn(path.join(this.bin, "pulumi"), [...args, "--non-interactive"], { cwd: this.program, env: this.env, stdio: ["ignore", "pipe", "pipe"] });
    }

    cleanup(): void {
        fs.rmSync(this.dir, { recursive: true, force: true });
    }
}

/** Most work commands running at the same time, from their start/end events. */
export function maxInFlight(events: readonly { kind: "start" | "end"; at: number }[]): number {
    let n = 0;
    let max = 0;
    for (const e of [...events].sort((a, b) => a.at - b.at || (a.kind === "end" ? -1 : 1))) {
        n += e.kind === "start" ? 1 : -1;
        max = Math.max(max, n);
    }
    return max;
}

export function waitFor(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    return new Promise((resolve, reject) => {
        const tick = () => {
            if (predicate()) {
                resolve();
            } else if (Date.now() > deadline) {
                reject(new Error(`timed out waiting for ${what}`));
            } else {
                setTimeout(tick, 200);
            }
        };
        tick();
    });
}
