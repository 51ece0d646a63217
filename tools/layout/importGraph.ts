/**
 * The import graph of the project's sources, from their `import`/`export ... from` statements
 * (type-only imports included: they are still an arrow a reader follows). Reports
 *  - file-level cycles (strongly connected components of more than one file, or a file importing itself);
 *  - folder-level cycles between concept folders: the top-level folders (components, stacks, policy, ...),
 *    and automation's sub-folders (automation/cli, automation/driver, ...), each counted with everything below it;
 *  - arrows against the layer order below (a lower folder importing a higher one).
 * Usage: npx ts-node --transpile-only tools/layout/importGraph.ts [DIR...]   (default: the source folders)
 * Exit code 1 when anything is reported.
 */
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { typeScriptFiles } from "./functionLengths";

/**
 * Highest first: a folder may import itself and the folders after it, never one before it.
 * Folders not listed (index.ts, tools, test) are not ranked.
 */
export const LAYERS: readonly string[] = [
    "automation/cli",
    "automation/driver",
    "automation/plan",
    "automation/fleet",
    "automation/io",
    "policy",
    "stacks",
    "components",
];

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

/** The concept folder a file belongs to: automation/<sub> inside automation, else its top-level folder. */
export function conceptFolder(file: string): string {
    const parts = path.relative(process.cwd(), file).split(path.sep);
    if (parts.length === 1) {
        return parts[0];
    }
    return parts[0] === "automation" && parts.length > 2 ? `${parts[0]}/${parts[1]}` : parts[0];
}

export function folderGraph(graph: Graph): Graph {
    const folders: Graph = new Map();
    for (const [from, deps] of graph) {
        const f = conceptFolder(from);
        const set = folders.get(f) ?? new Set<string>();
        folders.set(f, set);
        for (const d of deps) {
            const t = conceptFolder(d);
            if (t !== f) {
                set.add(t);
            }
        }
    }
    return folders;
}

/** Imports from a folder to one ranked higher in LAYERS. */
export function upwardImports(graph: Graph): string[] {
    const rank = (f: string) => LAYERS.indexOf(conceptFolder(f));
    const out: string[] = [];
    for (const [from, deps] of graph) {
        for (const d of deps) {
            if (rank(from) >= 0 && rank(d) >= 0 && rank(d) < rank(from)) {
                out.push(`${from} -> ${d}`);
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
