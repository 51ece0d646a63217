/**
 * `pulumi-language-nodejs`: the Node.js language host the Pulumi engine starts to run a program or
 * a policy pack. Pulumi's own host (github.com/pulumi/pulumi, sdk/nodejs/cmd/pulumi-language-nodejs)
 * is served by the Go module proxy here only inside the sdk/v3 module up to v3.68.0, and that host
 * cannot run a policy pack for the 3.248 engine ("not supported"): tools/pulumi/nodejs-host builds it
 * for the drift scenario's programs (test/e2e/engine/drift.e2e.ts), and this project-made host, which
 * speaks the same gRPC protocol (proto/pulumi/language.proto, whose generated stubs ship in
 * @pulumi/pulumi/proto), runs every policy pack and the other engine scenarios' programs. It delegates
 * the real work to the SDK's own entry points, exactly as Pulumi's host does:
 *  - Run: `node @pulumi/pulumi/cmd/run --monitor … --engine … --project … --stack … <entry>`, config
 *    in PULUMI_CONFIG / PULUMI_CONFIG_SECRET_KEYS (the names the SDK reads: @pulumi/pulumi
 *    runtime/config.js configEnvKey, configSecretKeysEnvKey), runtime options as
 *    PULUMI_NODEJS_TYPESCRIPT / _TSCONFIG_PATH / _TRANSPILE_ONLY (read by cmd/run/run.js);
 *  - RunPlugin (policy packs): `node @pulumi/pulumi/cmd/run-policy-pack <engine> <dir>`, output
 *    streamed back; the engine reads the analyzer's port from it
 *    (sdk/go/common/resource/plugin/langruntime_plugin.go RunPlugin, analyzer_plugin.go).
 * Dependency installation, code generation and packing are not implemented: the fleet's programs
 * use the repository's node_modules.
 *
 * Started by the engine as `pulumi-language-nodejs [flags] <engine-address>`; prints its port.
 */
import { spawn } from "child_process";
import * as path from "path";

interface Struct {
    toJavaScript(): Record<string, unknown>;
}
interface ProgramInfo {
    getRootDirectory(): string;
    getProgramDirectory(): string;
    getEntryPoint(): string;
    getOptions(): Struct | undefined;
}
interface RunRequest {
    getProject(): string;
    getStack(): string;
    getPwd(): string;
    getProgram(): string;
    getArgsList(): string[];
    getConfigMap(): { toArray(): [string, string][] };
    getDryrun(): boolean;
    getParallel(): number;
    getMonitorAddress(): string;
    getConfigsecretkeysList(): string[];
    getOrganization(): string;
    getInfo(): ProgramInfo | undefined;
}
interface RunPluginRequest {
    getPwd(): string;
    getArgsList(): string[];
    getEnvList(): string[];
    getInfo(): ProgramInfo | undefined;
    getKind(): string;
}
interface Message {
    [setter: string]: unknown;
}
type Callback = (err: Error | null, value?: unknown) => void;
interface Unary<T> {
    request: T;
}
interface Stream<T> {
    request: T;
    write(msg: unknown): boolean;
    end(): void;
}

/** Loads a module as the program (or policy pack) directory sees it, falling back to this file's. */
function load<T>(id: string, dirs: readonly string[]): T {
    const resolved = require.resolve(id, { paths: [...dirs, __dirname] });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(resolved) as T;
}

const engineAddress = process.argv[process.argv.length - 1] ?? "";
const bootDirs = [process.cwd()];
// The stubs must share @pulumi/pulumi's copy of grpc-js and google-protobuf.
const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [...bootDirs, __dirname] }));
const grpc = load<typeof import("@grpc/grpc-js")>("@grpc/grpc-js", [pulumiDir]);
const services = load<Record<string, unknown>>("@pulumi/pulumi/proto/language_grpc_pb", bootDirs);
const pb = load<Record<string, new () => Message>>("@pulumi/pulumi/proto/language_pb", bootDirs);
const pluginPb = load<Record<string, new () => Message>>("@pulumi/pulumi/proto/plugin_pb", bootDirs);
const emptyPb = load<Record<string, new () => Message>>("google-protobuf/google/protobuf/empty_pb", [pulumiDir]);

function msg(ctor: new () => Message, fields: Record<string, unknown> = {}): Message {
    const m = new ctor();
    for (const [setter, value] of Object.entries(fields)) {
        (m[setter] as (v: unknown) => void).call(m, value);
    }
    return m;
}

function optionsOf(info: ProgramInfo | undefined): Record<string, unknown> {
    return info?.getOptions()?.toJavaScript() ?? {};
}

/** PULUMI_NODEJS_* variables from the project's runtime options, as cmd/run/run.js reads them. */
function runtimeEnv(options: Record<string, unknown>): Record<string, string> {
    const env: Record<string, string> = {};
    // Pulumi's host treats a missing `typescript` option as true (ts-node is used when installed).
    env.PULUMI_NODEJS_TYPESCRIPT = options.typescript === false ? "false" : "true";
    if (typeof options.tsconfig === "string") {
        env.PULUMI_NODEJS_TSCONFIG_PATH = options.tsconfig;
    }
    if (options.transpileOnly !== undefined || process.env.PULUMI_NODEJS_TRANSPILE_ONLY === undefined) {
        env.PULUMI_NODEJS_TRANSPILE_ONLY = options.transpileOnly === false ? "false" : "true";
    }
    return env;
}

function run(call: Unary<RunRequest>, done: Callback): void {
    const req = call.request;
    const info = req.getInfo();
    const programDir = info?.getProgramDirectory() || req.getPwd();
    const root = info?.getRootDirectory() || programDir;
    const entry = info?.getEntryPoint() || req.getProgram() || ".";
    let runScript: string;
    try {
        runScript = require.resolve("@pulumi/pulumi/cmd/run", { paths: [programDir] });
    } catch {
        done(null, msg(pb.RunResponse, { setError: `cannot find @pulumi/pulumi from ${programDir}; run npm install` }));
        return;
    }
    const args = [
        runScript,
        `--monitor=${req.getMonitorAddress()}`,
        `--engine=${engineAddress}`,
        `--project=${req.getProject()}`,
        `--stack=${req.getStack()}`,
        `--organization=${req.getOrganization()}`,
        `--pwd=${programDir}`,
        `--root-directory=${root}`,
        `--parallel=${req.getParallel()}`,
        ...(req.getDryrun() ? ["--dry-run"] : []),
        entry,
        ...req.getArgsList(),
    ];
    const config = Object.fromEntries(req.getConfigMap().toArray());
    const child = spawn(process.execPath, args, {
        cwd: programDir,
        stdio: ["ignore", "inherit", "inherit"],
        env: {
            ...process.env,
            ...runtimeEnv(optionsOf(info)),
            PULUMI_CONFIG: JSON.stringify(config),
            PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(req.getConfigsecretkeysList()),
        },
    });
    child.on("error", (e) => done(null, msg(pb.RunResponse, { setError: `could not start node: ${e.message}` })));
    child.on("exit", (code, signal) => {
        if (code === 0) {
            done(null, msg(pb.RunResponse));
        } else if (code === 32) {
            // cmd/run exits 32 after it has already reported a user-actionable error.
            done(null, msg(pb.RunResponse, { setBail: true }));
        } else {
            done(null, msg(pb.RunResponse, { setError: `Program exited with ${signal ?? `non-zero exit code: ${code}`}` }));
        }
    });
}

function runPlugin(call: Stream<RunPluginRequest>): void {
    const req = call.request;
    const info = req.getInfo();
    const dir = info?.getProgramDirectory() || req.getPwd();
    const kind = req.getKind();
    const env: Record<string, string> = { ...(process.env as Record<string, string>), ...runtimeEnv(optionsOf(info)) };
    for (const kv of req.getEnvList()) {
        const i = kv.indexOf("=");
        if (i > 0) {
            env[kv.slice(0, i)] = kv.slice(i + 1);
        }
    }
    let script: string;
    try {
        script = require.resolve(kind === "analyzer" ? "@pulumi/pulumi/cmd/run-policy-pack" : "@pulumi/pulumi/cmd/run-plugin", { paths: [dir] });
    } catch {
        call.write(msg(pb.RunPluginResponse, { setStderr: Buffer.from(`cannot find @pulumi/pulumi from ${dir}; run npm install there\n`) }));
        call.write(msg(pb.RunPluginResponse, { setExitcode: 1 }));
        call.end();
        return;
    }
    const child = spawn(process.execPath, [script, ...req.getArgsList(), dir], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.on("data", (b: Buffer) => call.write(msg(pb.RunPluginResponse, { setStdout: b })));
    child.stderr.on("data", (b: Buffer) => call.write(msg(pb.RunPluginResponse, { setStderr: b })));
    child.on("close", (code) => {
        call.write(msg(pb.RunPluginResponse, { setExitcode: code ?? 1 }));
        call.end();
    });
}

const unimplemented = (name: string) => (_call: unknown, done: Callback) => done(Object.assign(new Error(`${name} is not implemented by this language host`), { code: grpc.status.UNIMPLEMENTED }));

const server = new grpc.Server();
server.addService((services as { LanguageRuntimeService: import("@grpc/grpc-js").ServiceDefinition }).LanguageRuntimeService, {
    handshake: (_call: unknown, done: Callback) => done(null, msg(pb.LanguageHandshakeResponse)),
    getRequiredPlugins: (_call: unknown, done: Callback) => done(null, msg(pb.GetRequiredPluginsResponse)),
    getRequiredPackages: (_call: unknown, done: Callback) => done(null, msg(pb.GetRequiredPackagesResponse)),
    run,
    getPluginInfo: (_call: unknown, done: Callback) => done(null, msg(pluginPb.PluginInfo, { setVersion: "3.248.0" })),
    installDependencies: (call: Stream<unknown>) => call.end(),
    runtimeOptionsPrompts: (_call: unknown, done: Callback) => done(null, msg(pb.RuntimeOptionsResponse)),
    template: unimplemented("Template"),
    about: (_call: unknown, done: Callback) => done(null, msg(pb.AboutResponse, { setExecutable: process.execPath, setVersion: process.version })),
    getProgramDependencies: (_call: unknown, done: Callback) => done(null, msg(pb.GetProgramDependenciesResponse)),
    runPlugin,
    generateProgram: unimplemented("GenerateProgram"),
    generateProject: unimplemented("GenerateProject"),
    generatePackage: unimplemented("GeneratePackage"),
    pack: unimplemented("Pack"),
    link: unimplemented("Link"),
    cancel: (_call: unknown, done: Callback) => done(null, msg(emptyPb.Empty)),
});
server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, port) => {
    if (err) {
        console.error(`language host: ${err.message}`);
        process.exit(1);
    }
    process.stdout.write(`${port}\n`);
});
