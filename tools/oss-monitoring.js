#!/usr/bin/env node
// The `oss-monitoring` command (package.json "bin"): works from any folder, through `npm link`,
// `npm install -g` of the checkout, or directly as tools/oss-monitoring.js. It finds the checkout
// from its own (symlink-resolved) location and runs the compiled JavaScript of the sources as they
// are now (tools/dist.js: dist/<hash of the sources>/, rebuilt first when any source changed, so
// stale output never runs); paths on the command line stay relative to the folder the operator is in.
"use strict";
const fs = require("fs");
const path = require("path");

const root = path.resolve(fs.realpathSync(__dirname), "..");
const dist = require("./dist");
let dir = dist.freshBuild(root);
if (dir === undefined) {
    try {
        dir = dist.build(root);
    } catch (e) {
        // dist/ is a cache next to the sources; an unwritable checkout is the environment, not a bug (exit 2).
        process.stderr.write(`${`cannot build into ${path.join(root, "dist")}: ${e.code ? `${e.code} ${e.path ?? ""}` : e.message}; fix: make the checkout writable (or run \`npm run build\` as its owner)`.replace(/ +;/, ";")}\n`);
        process.exit(e.code !== undefined ? 2 : 1);
    }
} else {
    dist.touch(dir);
}
// V8's compile cache (Node >= 22.1, module.enableCompileCache): loading @pulumi/pulumi, @pulumi/aws and the
// program is most of a short command's CPU; cached code skips the parse and compile on every later run. It
// lives in the build's own folder, so it goes when the build is pruned; the environment variable carries it to
// the plan's worker processes. A Node without it (or an unwritable folder) simply runs uncached.
const moduleApi = require("module");
if (typeof moduleApi.enableCompileCache === "function" && process.env.NODE_COMPILE_CACHE === undefined) {
    process.env.NODE_COMPILE_CACHE = path.join(dir, ".node-compile-cache");
    moduleApi.enableCompileCache(process.env.NODE_COMPILE_CACHE);
}
const entry = path.join(dir, "automation", "cli", "main.js");
process.argv = [process.argv[0], entry, ...process.argv.slice(2)];
require(entry);
