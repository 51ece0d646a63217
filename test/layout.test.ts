import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";

/**
 * The layering of components/ and stacks/ (README "Layout"): a folder imports only from folders
 * of a lower layer, never sideways or up, and no file is part of an import cycle.
 */
const ROOT = path.resolve(__dirname, "..");
const LAYERS: readonly (readonly string[])[] = [
    ["components/telemetry", "components/security"],
    ["components/network", "components/identity", "components/content"],
    ["components/agent"],
    ["components/cloudwatch", "components/spoke"],
    ["components/hub", "components/monitored", "components/onprem"],
    ["stacks/config"],
    ["stacks"],
];

function sources(dir: string): string[] {
    return (fs.readdirSync(path.join(ROOT, dir), { recursive: true }) as string[])
        .filter((f) => f.endsWith(".ts"))
        .map((f) => path.join(dir, f).split(path.sep).join("/"));
}

function imports(file: string): string[] {
    const text = fs.readFileSync(path.join(ROOT, file), "utf8");
    const out: string[] = [];
    for (const m of text.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*["'](\.{1,2}\/[^"']*)["']/g)) {
        const base = path.posix.normalize(path.posix.join(path.posix.dirname(file), m[1]));
        const target = [`${base}.ts`, `${base}/index.ts`].find((c) => fs.existsSync(path.join(ROOT, c)));
        if (target !== undefined) {
            out.push(target);
        }
    }
    return out;
}

/** The layer folder a file belongs to (the longest listed prefix). */
function folderOf(file: string): string | undefined {
    return LAYERS.flat().filter((f) => file.startsWith(`${f}/`)).sort((a, b) => b.length - a.length)[0];
}

const layerOf = (folder: string) => LAYERS.findIndex((l) => l.includes(folder));
const files = [...sources("components"), ...sources("stacks")];
const graph = new Map(files.map((f) => [f, imports(f)]));

describe("layout of components/ and stacks/", () => {
    it("every folder of components/ is a known layer", () => {
        const folders = [...new Set(sources("components").map((f) => f.split("/").slice(0, 2).join("/")))];
        assert.deepStrictEqual(folders.filter((f) => f.endsWith(".ts") || layerOf(f) < 0), [], "no loose files, every folder in LAYERS");
    });

    it("a component lives in the folder of its type token's module, in a file named after it", () => {
        const wrong: string[] = [];
        for (const file of sources("components")) {
            const text = fs.readFileSync(path.join(ROOT, file), "utf8");
            for (const m of text.matchAll(/super\("oss-monitoring:([a-z]+):([A-Za-z]+)"/g)) {
                const [, module, name] = m;
                if (file.split("/")[1] !== module || path.basename(file, ".ts").toLowerCase() !== name.toLowerCase()) {
                    wrong.push(`${file}: oss-monitoring:${module}:${name}`);
                }
            }
        }
        assert.deepStrictEqual(wrong, []);
    });

    it("imports only point down: to the same folder or a folder of a lower layer", () => {
        const wrong: string[] = [];
        for (const [file, targets] of graph) {
            const from = folderOf(file)!;
            for (const t of targets.filter((x) => folderOf(x) !== undefined)) {
                const to = folderOf(t)!;
                if (to !== from && layerOf(to) >= layerOf(from)) {
                    wrong.push(`${file} → ${t}`);
                }
            }
        }
        assert.deepStrictEqual(wrong, []);
    });

    it("has no import cycle", () => {
        const cycles: string[] = [];
        const state = new Map<string, "open" | "done">();
        const visit = (f: string, trail: string[]) => {
            state.set(f, "open");
            for (const t of graph.get(f) ?? []) {
                if (state.get(t) === "open") {
                    cycles.push([...trail.slice(trail.indexOf(t)), f, t].join(" → "));
                } else if (!state.has(t) && graph.has(t)) {
                    visit(t, [...trail, f]);
                }
            }
            state.set(f, "done");
        };
        for (const f of files) {
            if (!state.has(f)) {
                visit(f, []);
            }
        }
        assert.deepStrictEqual(cycles, []);
    });
});
