"use strict";
/**
 * Compiled JavaScript for the installed command (`tools/oss-monitoring.js`): the project's sources
 * transpiled (TypeScript's transpileModule, CommonJS/ES2022, no type-check: `npm test` type-checks)
 * into dist/<fingerprint>/, where the fingerprint is a hash of every source file's path and content,
 * the TypeScript version and this file. A build is used only when its fingerprint equals the
 * sources' current one, so an edited, pulled or checked-out source can never run as stale output:
 * the launcher rebuilds first (about two seconds). Builds are never rewritten in place (a running
 * plan's workers keep loading from theirs); a build unused for a day is removed by the next build.
 *
 * Plain JavaScript on purpose: the fast path must not load ts-node or TypeScript.
 * `npm run build` (and npm's `prepare` hook, so `npm ci` leaves a fresh clone ready) runs build().
 */
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

/** Directories the CLI and its plan workers load (tests and tools excluded), as automation/plan/compile.ts. */
const SOURCE_DIRS = ["stacks", "components", "automation", "policy"];
const STALE_BUILD_MS = 24 * 60 * 60 * 1000;
const DONE = ".complete";

function sources(root) {
    const out = [path.join(root, "index.ts")];
    const walk = (dir) => {
        for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
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

function typescriptVersion(root) {
    try {
        return JSON.parse(fs.readFileSync(require.resolve("typescript/package.json", { paths: [root] }), "utf8")).version;
    } catch {
        return "absent";
    }
}

/** Hash of what a build is made from: every source file (path and content), TypeScript's version, this builder. */
function fingerprint(root, files = sources(root)) {
    const h = crypto.createHash("sha256");
    h.update(`ts ${typescriptVersion(root)}\0`);
    h.update(fs.readFileSync(module.filename));
    for (const f of files) {
        h.update(`\0${path.relative(root, f)}\0`);
        h.update(fs.readFileSync(f));
    }
    return h.digest("hex").slice(0, 16);
}

/** The build directory of the sources as they are now, if it is complete; undefined when a build is needed. */
function freshBuild(root) {
    const dir = path.join(root, "dist", fingerprint(root));
    return fs.existsSync(path.join(dir, DONE)) ? dir : undefined;
}

/** Removes other builds not used for a day (a running command keeps its own build's files). */
function prune(distDir, keep) {
    for (const e of fs.readdirSync(distDir, { withFileTypes: true })) {
        const p = path.join(distDir, e.name);
        if (!e.isDirectory() || p === keep) {
            continue;
        }
        const stamp = fs.existsSync(path.join(p, DONE)) ? path.join(p, DONE) : p;
        if (Date.now() - fs.statSync(stamp).mtimeMs > STALE_BUILD_MS) {
            fs.rmSync(p, { recursive: true, force: true });
        }
    }
}

/** Transpiles the sources into dist/<fingerprint>/ (unless that build exists) and returns its directory. */
function build(root) {
    const files = sources(root);
    const fp = fingerprint(root, files);
    const distDir = path.join(root, "dist");
    const dir = path.join(distDir, fp);
    if (fs.existsSync(path.join(dir, DONE))) {
        return dir;
    }
    const ts = require(require.resolve("typescript", { paths: [root] }));
    // Built beside the target and renamed: an interrupted or concurrent build never leaves a partial tree under the final name.
    const tmp = path.join(distDir, `${fp}.${process.pid}.tmp`);
    fs.rmSync(tmp, { recursive: true, force: true });
    for (const file of files) {
        const rel = path.relative(root, file);
        const target = path.join(tmp, rel.replace(/\.ts$/, ".js"));
        fs.mkdirSync(path.dirname(target), { recursive: true });
        if (!file.endsWith(".ts")) {
            fs.copyFileSync(file, target);
            continue;
        }
        const result = ts.transpileModule(fs.readFileSync(file, "utf8"), {
            fileName: file,
            compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, resolveJsonModule: true, sourceMap: false },
        });
        fs.writeFileSync(target, result.outputText);
    }
    fs.writeFileSync(path.join(tmp, DONE), `${fp}\n`);
    try {
        fs.renameSync(tmp, dir);
    } catch (e) {
        // Another process finished the same build first: theirs is identical.
        fs.rmSync(tmp, { recursive: true, force: true });
        if (!fs.existsSync(path.join(dir, DONE))) {
            throw e;
        }
    }
    prune(distDir, dir);
    return dir;
}

/** Marks a build as in use (pruning keeps builds used within a day). */
function touch(dir) {
    const now = new Date();
    try {
        fs.utimesSync(path.join(dir, DONE), now, now);
    } catch {
        // a read-only checkout still runs its build
    }
}

module.exports = { SOURCE_DIRS, sources, fingerprint, freshBuild, build, touch };

if (require.main === module) {
    const root = path.resolve(__dirname, "..");
    const started = Date.now();
    const dir = build(root);
    process.stdout.write(`built ${path.relative(root, dir)} (${((Date.now() - started) / 1000).toFixed(1)}s)\n`);
}
