#!/usr/bin/env node
// The `oss-monitoring` command (package.json "bin"): works from any folder, through `npm link`,
// `npm install -g` of the checkout, or directly as tools/oss-monitoring.js. It finds the checkout
// from its own (symlink-resolved) location, registers ts-node for launch.ts, which transpiles the
// sources into bin/ and runs the compiled CLI; paths on the command line stay relative to the
// folder the operator is in.
"use strict";
const fs = require("fs");
const path = require("path");

const root = path.resolve(fs.realpathSync(__dirname), "..");
require(require.resolve("ts-node", { paths: [root] })).register({ transpileOnly: true, project: path.join(root, "tsconfig.json") });
process.argv = [process.argv[0], path.join(root, "automation", "cli", "launch.ts"), "automation/cli/main", ...process.argv.slice(2)];
require(path.join(root, "automation", "cli", "launch.ts"));
