import * as fs from "fs";
import * as path from "path";

/** Directories whose TypeScript the plan workers need (tests excluded). */
const SOURCE_DIRS = ["stacks", "components", "automation", "policy"];

function sources(root: string): string[] {
    const out: string[] = [path.join(root, "index.ts")];
    const walk = (dir: string) => {
        for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
            const p = path.join(dir, e.name);
            if (e.isDirectory() && e.name !== "node_modules") {
                walk(p);
            } else if (e.isFile() && ((e.name.endsWith(".ts") && !e.name.endsWith(".d.ts")) || /\.(json|ya?ml)$/.test(e.name))) {
                out.push(p);
            }
        }
    };
    for (const d of SOURCE_DIRS) {
        if (fs.existsSync(path.join(root, d))) {
            walk(path.join(root, d));
        }
    }
    return out.filter((f) => fs.existsSync(f));
}

/**
 * Transpiles the project's sources to CommonJS under `outDir` (files newer than their output
 * only), without type-checking: `npm test` type-checks, and this keeps plan start-up to a
 * second while workers run plain JavaScript instead of ts-node.
 */
export function compileProject(root: string, outDir: string): { compiled: number; total: number } {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when a plan compiles, not when this module is imported
    const ts: typeof import("typescript") = require("typescript");
    const files = sources(root);
    let compiled = 0;
    for (const file of files) {
        const rel = path.relative(root, file);
        const target = path.join(outDir, rel.replace(/\.ts$/, ".js"));
        if (fs.existsSync(target) && fs.statSync(target).mtimeMs >= fs.statSync(file).mtimeMs) {
            continue;
        }
        fs.mkdirSync(path.dirname(target), { recursive: true });
        if (!file.endsWith(".ts")) {
            // Data files the code reads relative to itself (package.json, PulumiPolicy.yaml, ...).
            fs.copyFileSync(file, target);
            compiled++;
            continue;
        }
        const result = ts.transpileModule(fs.readFileSync(file, "utf8"), {
            fileName: file,
            compilerOptions: {
                module: ts.ModuleKind.CommonJS,
                target: ts.ScriptTarget.ES2022,
                esModuleInterop: true,
                resolveJsonModule: true,
                sourceMap: false,
            },
        });
        // Temp file and rename: a run interrupted mid-write must not leave a truncated .js that is newer than its source.
        const tmp = `${target}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, result.outputText);
        fs.renameSync(tmp, target);
        compiled++;
    }
    return { compiled, total: files.length };
}
