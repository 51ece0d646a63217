/**
 * The import graph of the project's sources, from their `import`/`export ... from` statements
 * (type-only imports included: they are still an arrow a reader follows). Reports
 *  - file-level cycles (strongly connected components of more than one file, or a file importing itself);
 *  - folder-level cycles between the layer folders below;
 *  - arrows against the layer order (a folder importing one of its own layer or a higher one).
 * Usage: npx ts-node --transpile-only tools/layout/importGraph.ts [DIR...]   (default: the source folders)
 * Exit code 1 when anything is reported.
 */
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { typeScriptFiles } from "./functionLengths";

/**
 * The project's layers, lowest first (README "Layout"): a file imports from its own folder or from a
 * folder of a lower layer, never sideways (another folder of its layer) or up. A file belongs to the
 * longest entry that is a prefix of its path (an entry ending in `.ts` is one file). Files under no
 * entry (index.ts, tools, test) are not ranked.
 */
export const LAYERS: readonly (readonly string[])[] = [
    ["components/telemetry", "components/security"],
    ["components/network", "components/identity", "components/content"],
    ["components/agent"],
    ["components/cloudwatch", "components/spoke"],
    ["components/hub", "components/monitored", "components/onprem"],
    // The pack sits on components' contracts only (it can be published alone): shared readers, then
    // AWS inputs, then collector/HAProxy configuration, then the rules, the list and the evaluator.
    ["policy/lib"],
    ["policy/lib/aws"],
    ["policy/lib/telemetry"],
    ["policy/rules"],
    ["policy/policies.ts"],
    ["policy/offline"],
    ["policy/index.ts"],
    ["stacks/config"],
    ["stacks"],
    ["automation/io"],
    ["automation/fleet"],
    ["automation/plan"],
    // The cost estimate reads plans (types only) and the manifest's load model; only the CLI uses it.
    ["automation/cost"],
    ["automation/driver"],
    ["automation/cli"],
];

const rel = (file: string): string => path.relative(process.cwd(), file).split(path.sep).join("/");

/** The layer folder a file belongs to, or undefined for an unranked file. */
export function layerFolder(file: string): string | undefined {
    const r = rel(file);
    return LAYERS.flat().filter((e) => r === e || r.startsWith(`${e}/`)).sort((a, b) => b.length - a.length)[0];
}

const rankOf = (folder: string): number => LAYERS.findIndex((layer) => layer.includes(folder));

export type Graph = Map<string, Set<string>>;

function resolveImport(from: string, spec: string): string | undefined {
    if (!spec.startsWith(".")) {
        return undefined;
    }
    const base = path.normalize(path.join(path.dirname(from), spec));
    for (const candidate of [`${base}.ts`, path.join(base, "index.ts")]) {
        if (fs.existsSync(candidate)) {
            return candidate;
        }
    }
    return undefined;
}

/** File → files it imports (relative imports that resolve to a .ts source). */
export function importGraph(files: readonly string[]): Graph {
    const graph: Graph = new Map();
    for (const file of files) {
        const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, false);
        const deps = new Set<string>();
        for (const statement of source.statements) {
            const spec = (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) && statement.moduleSpecifier !== undefined && ts.isStringLiteral(statement.moduleSpecifier)
                ? statement.moduleSpecifier.text
                : undefined;
            const target = spec !== undefined ? resolveImport(file, spec) : undefined;
            if (target !== undefined) {
                deps.add(target);
            }
        }
        graph.set(file, deps);
    }
    return graph;
}

/** Strongly connected components with a cycle (Tarjan), each sorted; a self-import counts. */
export function cycles(graph: Graph): string[][] {
    let index = 0;
    const indices = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const onStack = new Set<string>();
    const out: string[][] = [];
    const connect = (v: string) => {
        indices.set(v, index);
        low.set(v, index);
        index++;
        stack.push(v);
        onStack.add(v);
        for (const w of graph.get(v) ?? []) {
            if (!indices.has(w)) {
                connect(w);
                low.set(v, Math.min(low.get(v)!, low.get(w)!));
            } else if (onStack.has(w)) {
                low.set(v, Math.min(low.get(v)!, indices.get(w)!));
            }
        }
        if (low.get(v) === indices.get(v)) {
            const component: string[] = [];
            let w: string;
            do {
                w = stack.pop()!;
                onStack.delete(w);
                component.push(w);
            } while (w !== v);
            if (component.length > 1 || graph.get(v)?.has(v)) {
                out.push(component.sort());
            }
        }
    };
    for (const v of graph.keys()) {
        if (!indices.has(v)) {
            connect(v);
        }
    }
    return out;
}

/** The folder graph: each file counted in its layer folder (unranked files in their top-level folder). */
export function folderGraph(graph: Graph): Graph {
    const folderOf = (f: string) => layerFolder(f) ?? rel(f).split("/")[0];
    const folders: Graph = new Map();
    for (const [from, deps] of graph) {
        const f = folderOf(from);
        const set = folders.get(f) ?? new Set<string>();
        folders.set(f, set);
        for (const d of deps) {
            const t = folderOf(d);
            if (t !== f) {
                set.add(t);
            }
        }
    }
    return folders;
}

/** Imports from a ranked file to another folder of the same or a higher layer. */
export function upwardImports(graph: Graph): string[] {
    const out: string[] = [];
    for (const [from, deps] of graph) {
        const f = layerFolder(from);
        for (const d of deps) {
            const t = layerFolder(d);
            if (f !== undefined && t !== undefined && t !== f && rankOf(t) >= rankOf(f)) {
                out.push(`${rel(from)} -> ${rel(d)}`);
            }
        }
    }
    return out.sort();
}

if (require.main === module) {
    const dirs = process.argv.length > 2 ? process.argv.slice(2) : ["index.ts", "components", "stacks", "policy", "automation"];
    const graph = importGraph(dirs.filter((d) => fs.existsSync(d)).flatMap(typeScriptFiles));
    const fileCycles = cycles(graph);
    const folderCycles = cycles(folderGraph(graph));
    const upward = upwardImports(graph);
    fileCycles.forEach((c) => console.log(`file cycle: ${c.join(" <-> ")}`));
    folderCycles.forEach((c) => console.log(`folder cycle: ${c.join(" <-> ")}`));
    upward.forEach((u) => console.log(`upward import: ${u}`));
    console.log(`${graph.size} files: ${fileCycles.length} file cycle(s), ${folderCycles.length} folder cycle(s), ${upward.length} upward import(s)`);
    process.exitCode = fileCycles.length + folderCycles.length + upward.length > 0 ? 1 : 0;
}
