/**
 * Runs one of the project's command-line entry points as compiled JavaScript: changed
 * sources are transpiled into bin/ first (about a second; type-checking is `npm test`'s
 * job), so large offline plans and policy checks do not pay ts-node's per-call costs.
 * Usage: node -r ts-node/register/transpile-only automation/cli/launch.ts automation/cli/fleetCli [args...]
 */
import * as path from "path";
import { projectRoot } from "../io/paths";
import { compileProject } from "../plan/compile";

const root = projectRoot();
const [entry, ...args] = process.argv.slice(2);
if (entry === undefined) {
    console.error("usage: launch.ts <entry without extension, e.g. automation/cli/fleetCli> [args...]");
    process.exit(2);
}
try {
    compileProject(root, path.join(root, "bin"));
} catch (e) {
    const err = e as NodeJS.ErrnoException;
    // bin/ is a cache next to the sources; an unwritable checkout is the environment, not a bug (exit 2).
    console.error(`cannot compile into ${path.join(root, "bin")}: ${err.code ?? ""} ${err.path ?? err.message}; fix: make the checkout writable (or delete bin/ if another user owns it)`.replace(/ {2,}/g, " "));
    process.exit(err.code !== undefined ? 2 : 1);
}
process.argv = [process.argv[0], path.join(root, "bin", `${entry}.js`), ...args];
// The entry is chosen at run time and compiled just above, so it cannot be a static import.
// eslint-disable-next-line @typescript-eslint/no-require-imports
require(path.join(root, "bin", `${entry}.js`));
