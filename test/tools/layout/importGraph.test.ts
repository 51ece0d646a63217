import * as assert from "assert";
import { functionLengths, typeScriptFiles } from "../../../tools/layout/functionLengths";
import { conceptFolder, cycles, folderGraph, importGraph, upwardImports } from "../../../tools/layout/importGraph";

const SOURCES = ["index.ts", "components", "stacks", "policy", "automation"];
const inAutomation = (file: string) => conceptFolder(file).startsWith("automation");

describe("automation/ layout (tools/layout)", () => {
    const graph = importGraph(SOURCES.flatMap(typeScriptFiles));

    it("has no import cycle between automation's files or folders", () => {
        assert.deepStrictEqual(cycles(graph).filter((c) => c.some(inAutomation)), []);
        assert.deepStrictEqual(cycles(folderGraph(graph)).filter((c) => c.some((f) => f.startsWith("automation"))), []);
    });

    it("imports only downwards: cli > driver > plan > fleet > io > policy > stacks > components", () => {
        assert.deepStrictEqual(upwardImports(graph).filter((arrow) => arrow.split(" -> ").some(inAutomation)), []);
    });

    it("has no function over 80 lines", () => {
        const long = typeScriptFiles("automation").flatMap(functionLengths).filter((f) => f.lines > 80);
        assert.deepStrictEqual(long.map((f) => `${f.file}:${f.line} ${f.name} (${f.lines} lines)`), []);
    });

    it("finds a cycle and an upward import when there is one", () => {
        const g = new Map([
            ["automation/io/x", new Set(["automation/driver/y"])],
            ["automation/driver/y", new Set(["automation/io/x"])],
        ]);
        assert.deepStrictEqual(cycles(g), [["automation/driver/y", "automation/io/x"]]);
        assert.deepStrictEqual(upwardImports(g), ["automation/io/x -> automation/driver/y"]);
    });
});
