import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/**
 * `npm install -g` of the checkout really installs the `oss-monitoring` command: npm itself, into a
 * temporary prefix, offline, then the installed link run from a folder outside the checkout.
 *
 * npm installs a folder argument as a symlink to it, without installing that folder's dependencies
 * (docs.npmjs.com/cli/v11/commands/npm-install, "npm install <folder>", documented in npm/cli#4428),
 * and links each package.json `bin` entry into `<prefix>/bin/<name>` as `npm link` does
 * (https://docs.npmjs.com/cli/v10/commands/npm-link/); `--prefix` with `--global` puts those folders
 * under the temporary prefix (https://docs.npmjs.com/cli/v11/configuring-npm/folders).
 * Everything npm writes (cache, logs, user config) is pointed into the temporary folder, `--offline`
 * forbids network requests (https://docs.npmjs.com/cli/v11/using-npm/config#offline) and
 * `--no-update-notifier` stops the registry version check, so the test needs no network and touches
 * nothing outside the repository and that folder.
 */
const ROOT = path.resolve(__dirname, "../../..");
const PKG = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string; dependencies: Record<string, string> };

describe("npm install -g of the checkout installs the oss-monitoring command (offline, temporary prefix)", function () {
    this.timeout(180_000);
    let tmp: string;
    let bin: string;
    let elsewhere: string;

    before(() => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ossmon-install-"));
        elsewhere = fs.mkdtempSync(path.join(tmp, "cwd-"));
        const prefix = path.join(tmp, "prefix");
        const r = spawnSync("npm", [
            "install", "--global", "--prefix", prefix, "--offline", "--no-audit", "--no-fund", "--no-update-notifier",
            "--cache", path.join(tmp, "npm-cache"), "--logs-dir", path.join(tmp, "npm-logs"), "--userconfig", path.join(tmp, "npmrc"), ROOT,
        ], { cwd: elsewhere, encoding: "utf8" });
        assert.strictEqual(r.status, 0, `npm install -g failed:\n${r.stdout}\n${r.stderr}`);
        bin = path.join(prefix, "bin", "oss-monitoring");
    });
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it("links <prefix>/bin/oss-monitoring to the checkout's launcher", () => {
        assert.ok(fs.lstatSync(bin).isSymbolicLink(), "npm links bin entries");
        assert.strictEqual(fs.realpathSync(bin), fs.realpathSync(path.join(ROOT, "tools", "oss-monitoring.js")));
    });

    it("--version from another folder prints the package, Pulumi SDK and Node.js versions, exit 0, writes nothing there", () => {
        const r = spawnSync(bin, ["--version"], { cwd: elsewhere, encoding: "utf8" });
        assert.strictEqual(r.status, 0, r.stderr);
        // The launcher's `#!/usr/bin/env node` runs the first node on PATH, which may not be this process's.
        const nodeOnPath = spawnSync("node", ["--version"], { cwd: elsewhere, encoding: "utf8" }).stdout.trim();
        assert.strictEqual(r.stdout, `oss-monitoring ${PKG.version} (@pulumi/pulumi ${PKG.dependencies["@pulumi/pulumi"]}, Node.js ${nodeOnPath})\n`);
        assert.deepStrictEqual(fs.readdirSync(elsewhere), []);
    });

    it("plan --help from another folder prints the plan command's own usage and flags", () => {
        const r = spawnSync(bin, ["plan", "--help"], { cwd: elsewhere, encoding: "utf8" });
        assert.strictEqual(r.status, 0, r.stderr);
        assert.match(r.stdout, /^Usage: oss-monitoring plan \[options\]\n/);
        for (const flag of ["--manifest <file>", "--json <file>", "-s, --stacks <selectors>"]) {
            assert.ok(r.stdout.includes(flag), `plan --help lists ${flag}`);
        }
        assert.doesNotMatch(r.stdout, /--yes|--failure-tolerance/, "only plan's flags, not up's");
        assert.deepStrictEqual(fs.readdirSync(elsewhere), []);
    });
});
