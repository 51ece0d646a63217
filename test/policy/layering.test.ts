import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

const ROOT = path.join(__dirname, "..", "..");
const POLICY_DIR = path.join(ROOT, "policy");

/**
 * The pack's folders from lowest to highest (policy/README.md, Layout): a file may import from its own
 * level or a lower one, never from a higher one. `index.ts` constructs the PolicyPack (starting the
 * analyzer), so nothing imports it.
 */
const LEVELS: [string, RegExp][] = [
    ["lib/", /^lib\/[^/]+\.ts$/],
    ["lib/aws/", /^lib\/aws\//],
    ["lib/telemetry/", /^lib\/telemetry\//],
    ["rules/", /^rules\//],
    ["policies.ts", /^policies\.ts$/],
    ["offline/", /^offline\//],
    ["index.ts", /^index\.ts$/],
];

function level(rel: string): number {
    const i = LEVELS.findIndex(([, re]) => re.test(rel));
    assert.ok(i >= 0, `policy/${rel} belongs to no level of the layout`);
    return i;
}

/** Relative imports of `file`, resolved to files (`x.ts` or `x/index.ts`). */
function importsOf(file: string): string[] {
    const info = ts.preProcessFile(fs.readFileSync(file, "utf8"), true, true);
    return info.importedFiles.map((f) => f.fileName).filter((s) => s.startsWith(".")).map((s) => {
        const base = path.resolve(path.dirname(file), s);
        const found = [`${base}.ts`, path.join(base, "index.ts")].find((c) => fs.existsSync(c));
        assert.ok(found, `${path.relative(ROOT, file)}: cannot resolve ${s}`);
        return found;
    });
}

/** Every file the pack loads: what index.ts (the analyzer) and offline/index.ts (the evaluator) reach. */
function packGraph(): Map<string, string[]> {
    const graph = new Map<string, string[]>();
    const todo = [path.join(POLICY_DIR, "index.ts"), path.join(POLICY_DIR, "offline", "index.ts")];
    for (let f = todo.pop(); f !== undefined; f = todo.pop()) {
        if (graph.has(f) || !f.startsWith(POLICY_DIR + path.sep)) {
            continue;
        }
        const deps = importsOf(f);
        graph.set(f, deps);
        todo.push(...deps);
    }
    return graph;
}

describe("policy/ import layering", () => {
    const graph = packGraph();
    const rel = (f: string) => path.relative(POLICY_DIR, f).split(path.sep).join("/");

    it("imports only from its own level or a lower one, and nothing imports index.ts", () => {
        assert.ok(graph.size > 20, "the walk found the pack");
        for (const [from, deps] of graph) {
            for (const to of deps.filter((d) => d.startsWith(POLICY_DIR + path.sep))) {
                assert.notEqual(rel(to), "index.ts", `policy/${rel(from)} imports the pack entry point`);
                const [a, b] = [level(rel(from)), level(rel(to))];
                assert.ok(a >= b, `policy/${rel(from)} (${LEVELS[a][0]}) imports the higher policy/${rel(to)} (${LEVELS[b][0]})`);
            }
        }
    });

    it("reaches outside policy/ only for components/ contracts, never automation/ or stacks/", () => {
        for (const [from, deps] of graph) {
            for (const to of deps.filter((d) => !d.startsWith(POLICY_DIR + path.sep))) {
                assert.match(path.relative(ROOT, to).split(path.sep).join("/"), /^components\//, `policy/${rel(from)} imports ${path.relative(ROOT, to)}`);
            }
        }
    });

    it("has no import cycle", () => {
        const state = new Map<string, "open" | "done">();
        const visit = (f: string, trail: string[]): void => {
            if (state.get(f) === "done") {
                return;
            }
            assert.notEqual(state.get(f), "open", `import cycle: ${[...trail.slice(trail.indexOf(f)), f].map(rel).join(" -> ")}`);
            state.set(f, "open");
            for (const d of graph.get(f) ?? []) {
                if (graph.has(d)) {
                    visit(d, [...trail, f]);
                }
            }
            state.set(f, "done");
        };
        for (const f of graph.keys()) {
            visit(f, []);
        }
    });
});
