import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/**
 * tools/dist.js, the compiled build the installed command runs: a build is used only for the exact
 * sources it was made from, so an edited source can never run as stale output.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- plain JavaScript on purpose (the launcher's fast path loads no TypeScript)
const dist = require("../../tools/dist.js") as {
    build(root: string): string;
    freshBuild(root: string): string | undefined;
    fingerprint(root: string): string;
};

const REPO = path.resolve(__dirname, "../..");

describe("tools/dist.js: the installed command's compiled build", function () {
    this.timeout(60_000);
    let root: string;
    const write = (rel: string, text: string) => {
        fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
        fs.writeFileSync(path.join(root, rel), text);
    };
    const load = (dir: string) => {
        const file = path.join(dir, "automation", "answer.js");
        delete require.cache[file];
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- the compiled output under test
        return require(file) as { answer: number; limits: { max: number } };
    };

    beforeEach(() => {
        root = fs.mkdtempSync(path.join(os.tmpdir(), "ossmon-dist-"));
        fs.symlinkSync(path.join(REPO, "node_modules"), path.join(root, "node_modules"));
        write("Pulumi.yaml", "name: t\n");
        write("index.ts", "export {};\n");
        write("automation/answer.ts", 'import limits from "./limits.json";\nexport const answer: number = 41 + 1;\nexport { limits };\n');
        write("automation/limits.json", '{"max": 3}\n');
    });
    afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

    it("transpiles TypeScript to CommonJS and copies the data files the code reads", () => {
        assert.strictEqual(dist.freshBuild(root), undefined, "no build before the first");
        const dir = dist.build(root);
        assert.strictEqual(dist.freshBuild(root), dir);
        assert.deepStrictEqual({ ...load(dir) }, { answer: 42, limits: { max: 3 } });
    });

    it("an edited source makes the build stale; the next build is a new directory and the old one is left as it was", () => {
        const first = dist.build(root);
        write("automation/answer.ts", 'import limits from "./limits.json";\nexport const answer: number = 7;\nexport { limits };\n');
        assert.strictEqual(dist.freshBuild(root), undefined, "a build of other sources must not be offered");
        const second = dist.build(root);
        assert.notStrictEqual(second, first);
        assert.strictEqual(load(second).answer, 7);
        assert.strictEqual(load(first).answer, 42, "a running command keeps its own build");
    });

    it("a changed data file or a new source file changes the fingerprint too", () => {
        const before = dist.fingerprint(root);
        write("automation/limits.json", '{"max": 4}\n');
        const data = dist.fingerprint(root);
        write("stacks/extra.ts", "export const x = 1;\n");
        assert.notStrictEqual(data, before);
        assert.notStrictEqual(dist.fingerprint(root), data);
    });

    it("a partial build (no completion mark) is never used", () => {
        const dir = dist.build(root);
        fs.rmSync(path.join(dir, ".complete"));
        assert.strictEqual(dist.freshBuild(root), undefined);
    });
});
