import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { functionLengths, typeScriptFiles } from "../tools/layout/functionLengths";
import { LAYERS, Graph, cycles, folderGraph, importGraph, layerFolder, upwardImports } from "../tools/layout/importGraph";

/**
 * The layout of the whole program (README "Layout"; the layer table is tools/layout/importGraph.ts
 * LAYERS): every source file sits in a layer folder, imports only down, takes part in no cycle, and
 * no function is over 80 lines; a component lives in its type token's module folder.
 */
const ROOT = path.resolve(__dirname, "..");
const SOURCES = ["index.ts", "components", "stacks", "policy", "automation"];
const rel = (f: string) => path.relative(ROOT, f).split(path.sep).join("/");

describe("layout (tools/layout)", () => {
    let files: string[];
    let graph: Graph;
    before(() => {
        process.chdir(ROOT);
        files = SOURCES.flatMap(typeScriptFiles);
        graph = importGraph(files);
    });

    it("every source file of components/, stacks/, policy/ and automation/ sits in a layer folder (no loose component files)", () => {
        assert.ok(files.length > 150, `${files.length} files`);
        assert.deepStrictEqual(files.filter((f) => f !== "index.ts" && layerFolder(f) === undefined), []);
        assert.deepStrictEqual(files.filter((f) => /^components\/[^/]+\.ts$/.test(rel(f))), []);
    });

    it("a component lives in the folder of its type token's module, in a file named after it", () => {
        const wrong: string[] = [];
        for (const file of typeScriptFiles("components")) {
            for (const m of fs.readFileSync(file, "utf8").matchAll(/super\("oss-monitoring:([a-z]+):([A-Za-z]+)"/g)) {
                const [, module, name] = m;
                if (rel(file).split("/")[1] !== module || path.basename(file, ".ts").toLowerCase() !== name.toLowerCase()) {
                    wrong.push(`${rel(file)}: oss-monitoring:${module}:${name}`);
                }
            }
        }
        assert.deepStrictEqual(wrong, []);
    });

    it("imports only point down: to the same folder or a folder of a lower layer (the pack reaches only components/)", () => {
        assert.deepStrictEqual(upwardImports(graph), []);
        assert.deepStrictEqual([...graph].flatMap(([f, deps]) => [...deps].filter((d) => rel(d) === "policy/index.ts").map((d) => `${rel(f)} -> ${rel(d)}`)), [],
            "policy/index.ts constructs the PolicyPack (starts the analyzer): nothing imports it");
    });

    it("has no import cycle between files or between layer folders", () => {
        assert.deepStrictEqual(cycles(graph).map((c) => c.map(rel)), []);
        assert.deepStrictEqual(cycles(folderGraph(graph)), []);
    });

    it("has no function over 80 lines", () => {
        const long = files.flatMap(functionLengths).filter((f) => f.lines > 80);
        assert.deepStrictEqual(long.map((f) => `${rel(f.file)}:${f.line} ${f.name} (${f.lines} lines)`), []);
    });

    it("the checks find a cycle, a sideways and an upward import when there is one", () => {
        const g: Graph = new Map([
            ["automation/io/x.ts", new Set(["automation/driver/y.ts"])],
            ["automation/driver/y.ts", new Set(["automation/io/x.ts"])],
            ["components/hub/a.ts", new Set(["components/monitored/b.ts"])],
        ]);
        assert.deepStrictEqual(cycles(g), [["automation/driver/y.ts", "automation/io/x.ts"]]);
        assert.deepStrictEqual(upwardImports(g), ["automation/io/x.ts -> automation/driver/y.ts", "components/hub/a.ts -> components/monitored/b.ts"]);
        assert.ok(LAYERS.flat().includes("policy/rules"));
    });
});
