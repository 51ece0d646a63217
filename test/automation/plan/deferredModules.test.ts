import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "../../..");

/** Runs `body` in a fresh Node process (an empty module cache) with ts-node, and returns what it printed as JSON. */
function inFreshProcess(body: string): unknown {
    const script = `require("ts-node/register/transpile-only"); ${body}`;
    return JSON.parse(execFileSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8" }));
}

describe("deferred modules (automation/plan/mock/deferredModules.ts)", () => {
    let dir: string;
    before(() => {
        // A real module on disk that records when it is loaded, required from a file whose path names the requirer.
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "deferred-"));
        fs.mkdirSync(path.join(dir, "node_modules", "heavy"), { recursive: true });
        fs.writeFileSync(path.join(dir, "node_modules", "heavy", "index.js"), "globalThis.heavyLoaded = (globalThis.heavyLoaded || 0) + 1; exports.Tool = class Tool { name() { return 'real'; } };");
        fs.mkdirSync(path.join(dir, "sdk"));
        fs.writeFileSync(path.join(dir, "sdk", "user.js"), "const heavy = require('heavy'); exports.use = () => new heavy.Tool().name();");
        fs.writeFileSync(path.join(dir, "other.js"), "exports.heavy = require('heavy');");
        // A CommonJS module whose export is a function, and one with its own `default`, read through TypeScript's helper.
        for (const [name, body] of [["fn", "module.exports = function fn() { return 'fn'; };"], ["withdefault", "exports.default = 'own default';"], ["prim", "module.exports = 'a string';"]]) {
            fs.mkdirSync(path.join(dir, "node_modules", name), { recursive: true });
            fs.writeFileSync(path.join(dir, "node_modules", name, "index.js"), body);
        }
        const importDefault = "(m) => (m && m.__esModule ? m : { default: m })";
        fs.writeFileSync(path.join(dir, "sdk", "defaults.js"), `const d = ${importDefault}; exports.fn = d(require('fn')).default; exports.own = d(require('withdefault')).default; exports.prim = () => d(require('prim')).default;`);
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("hands the named requirer a stand-in that loads the real module on the first read, once, with its real exports", () => {
        const r = inFreshProcess(`
            const { deferModule } = require("./automation/plan/mock/deferredModules");
            deferModule("heavy", "/sdk/");
            const user = require(${JSON.stringify(path.join(dir, "sdk", "user.js"))});
            const atRequire = globalThis.heavyLoaded || 0;
            const name = user.use();
            const afterUse = globalThis.heavyLoaded;
            user.use();
            console.log(JSON.stringify({ atRequire, name, afterUse, afterTwo: globalThis.heavyLoaded }));`);
        assert.deepStrictEqual(r, { atRequire: 0, name: "real", afterUse: 1, afterTwo: 1 });
    });

    it("reads a CommonJS module's `default` through __importDefault as the module itself (a function or a string), and a module's own `default` as it is", () => {
        const r = inFreshProcess(`
            const { deferModule } = require("./automation/plan/mock/deferredModules");
            deferModule("fn", "/sdk/");
            deferModule("withdefault", "/sdk/");
            deferModule("prim", "/sdk/");
            const m = require(${JSON.stringify(path.join(dir, "sdk", "defaults.js"))});
            console.log(JSON.stringify({ fn: m.fn(), same: m.fn === require(${JSON.stringify(path.join(dir, "node_modules", "fn"))}), own: m.own, prim: m.prim() }));`);
        assert.deepStrictEqual(r, { fn: "fn", same: true, own: "own default", prim: "a string" });
    });

    it("gives any other requirer the module itself, loaded at once", () => {
        const r = inFreshProcess(`
            const { deferModule } = require("./automation/plan/mock/deferredModules");
            deferModule("heavy", "/sdk/");
            const other = require(${JSON.stringify(path.join(dir, "other.js"))});
            console.log(JSON.stringify({ loaded: globalThis.heavyLoaded, proxy: require("util").types.isProxy(other.heavy) }));`);
        assert.deepStrictEqual(r, { loaded: 1, proxy: false });
    });

    it("keeps @npmcli/arborist (and the ~790 modules under it) out of a process that loads @pulumi/pulumi, which still finds it when read", () => {
        const r = inFreshProcess(`
            const { deferSdkModules } = require("./automation/plan/mock/deferredModules");
            deferSdkModules();
            require("@pulumi/pulumi");
            const arborist = () => Object.keys(require.cache).filter((k) => k.includes("/node_modules/@npmcli/arborist/")).length;
            const modules = () => Object.keys(require.cache).length;
            const before = { arborist: arborist(), modules: modules() };
            // What the SDK's runtime/closure/codePaths.js gets when it requires the package, read as it reads it.
            const codePaths = require.cache[Object.keys(require.cache).find((k) => k.endsWith("/@pulumi/pulumi/runtime/closure/codePaths.js"))];
            const isClass = typeof codePaths.require("@npmcli/arborist").Arborist === "function";
            console.log(JSON.stringify({ before, after: { arborist: arborist(), modules: modules() }, isClass }));`) as { before: { arborist: number; modules: number }; after: { arborist: number; modules: number }; isClass: boolean };
        assert.strictEqual(r.before.arborist, 0);
        assert.ok(r.after.arborist > 0 && r.after.modules - r.before.modules > 500, `the real package and its dependencies load on the first read: ${JSON.stringify(r)}`);
        assert.strictEqual(r.isClass, true);
    });

    it("hands the SDK's typescript-shim a stand-in for typescript; its closure parser still parses with the real one when asked", () => {
        // ts-node itself loads typescript in this test's process, so what is shown is the stand-in the shim holds.
        const r = inFreshProcess(`
            const { deferSdkModules } = require("./automation/plan/mock/deferredModules");
            deferSdkModules();
            require("@pulumi/pulumi");
            // What the SDK's runtime/closure/parseFunction.js gets from its typescript-shim.js, used as it uses it.
            const shim = require.cache[Object.keys(require.cache).find((k) => k.endsWith("/@pulumi/pulumi/typescript-shim.js"))].exports;
            const standIn = require("util").types.isProxy(shim);
            const file = shim.createSourceFile("f.js", "function f(a) { return a + 1; }", shim.ScriptTarget.Latest, true, shim.ScriptKind.JS);
            console.log(JSON.stringify({ standIn, kind: shim.SyntaxKind[file.statements[0].kind], same: shim.version === require("typescript").version }));`);
        assert.deepStrictEqual(r, { standIn: true, kind: "FunctionDeclaration", same: true });
    });

    it("keeps gRPC, the Automation API, the provider and analyzer servers and the package readers out of a process that loads @pulumi/pulumi and @pulumi/policy; each still works when used", () => {
        const r = inFreshProcess(`
            const { deferSdkModules } = require("./automation/plan/mock/deferredModules");
            deferSdkModules();
            const pulumi = require("@pulumi/pulumi");
            require("@pulumi/policy");
            const loaded = (fragment) => Object.keys(require.cache).some((k) => k.includes(fragment));
            const fragments = ["/node_modules/@grpc/grpc-js/", "/@pulumi/pulumi/automation/", "/@pulumi/pulumi/provider/", "/@pulumi/pulumi/proto/resource_grpc_pb.js",
                "/@pulumi/pulumi/proto/engine_grpc_pb.js", "/@pulumi/policy/server.js", "/node_modules/normalize-package-data/", "/node_modules/fdir/"];
            const before = fragments.filter(loaded);
            const sdkFile = (end) => require.cache[Object.keys(require.cache).find((k) => k.endsWith(end))];
            // Used as the SDK uses them: a gRPC status test (errors.js), the package reader's normalizer through
            // __importDefault (codePaths.js), the resource monitor's client class (settings.js), the Automation API.
            const grpcError = sdkFile("/@pulumi/pulumi/errors.js").exports.isGrpcError({ code: 14 });
            const codePaths = sdkFile("/@pulumi/pulumi/runtime/closure/codePaths.js");
            const normalize = codePaths.require("normalize-package-data");
            const data = { name: "x", version: "1.0.0", dependencies: { a: "1" } };
            (normalize && normalize.__esModule ? normalize : { default: normalize }).default(data);
            const client = typeof sdkFile("/@pulumi/pulumi/runtime/settings.js").require("../proto/resource_grpc_pb").ResourceMonitorClient;
            const workspace = typeof pulumi.automation.LocalWorkspace.create;
            console.log(JSON.stringify({ before, grpcError, normalized: typeof data.readme === "string",
                client, workspace, after: fragments.filter(loaded) }));`);
        // normalize-package-data fills in a missing readme; only what was used has loaded.
        assert.deepStrictEqual(r, {
            before: [], grpcError: true, normalized: true, client: "function", workspace: "function",
            after: ["/node_modules/@grpc/grpc-js/", "/@pulumi/pulumi/automation/", "/@pulumi/pulumi/proto/resource_grpc_pb.js", "/node_modules/normalize-package-data/"],
        });
    });
});
