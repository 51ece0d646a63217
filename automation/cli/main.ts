/**
 * `oss-monitoring`: the one installed command (package.json `bin`). It dispatches to the same
 * programs the npm scripts run (`npm run fleet`, `npm run policy`, `npm run content` stay as thin
 * aliases), so every command has one parser (commander), one error style and one exit-code contract.
 */
import * as fs from "fs";
import * as path from "path";
// First: whatever command loads @pulumi/pulumi, the SDK modules no command calls load only if used.
import { deferSdkModules } from "../plan/mock/deferredModules";
deferSdkModules();
import { exitWith, fleetMain } from "./fleetCli";
import { guardStdout, stdoutLine } from "../io/output";
import { projectRoot } from "../io/paths";

export const PROGRAM = "oss-monitoring";

/**
 * The tool's version, the Pulumi SDK it drives and the Node.js runtime it runs on (package.json
 * engines.node names the supported lines), for bug reports and for pinning in CI.
 */
export function versionLine(root: string = projectRoot(), runtime: string = process.version): string {
    const own = (JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { version: string }).version;
    let sdk = "not installed";
    try {
        sdk = (JSON.parse(fs.readFileSync(path.join(root, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8")) as { version: string }).version;
    } catch {
        // reported as such; the offline commands do not need it
    }
    return `${PROGRAM} ${own} (@pulumi/pulumi ${sdk}, Node.js ${runtime})`;
}

const EXTRA_HELP = [
    "  policy     check PLAN.json [--sarif FILE] [--config FILE]: the policy pack over an offline plan (oss-monitoring policy check --help)",
    "  content    --out DIR [--manifest FILE]: render what the hub deploys (dashboards, AMP and Grafana rules, alert manager) with summaries, for review (oss-monitoring content --help)",
    "  version    print the version, the Pulumi SDK's and the Node.js runtime's (also --version, -V)",
];

/** Runs one invocation and returns its exit code. */
export async function main(argv: string[]): Promise<number> {
    const [first, ...rest] = argv;
    if (first === "--version" || first === "-V" || first === "version") {
        process.stdout.write(`${versionLine()}\n`);
        return 0;
    }
    if (first === "policy" || (first === "help" && rest[0] === "policy")) {
        const { main: policyMain } = await import("./policyCli");
        const args = first === "help" ? ["--help"] : rest;
        // The exit code is the gate's verdict: a closed pipe drops the rest of the output, never the verdict.
        guardStdout("drop");
        return policyMain(args, { out: stdoutLine, err: (l) => process.stderr.write(`${l}\n`) }, `${PROGRAM} policy`);
    }
    if (first === "content" || (first === "help" && rest[0] === "content")) {
        const { main: contentMain } = await import("./contentCli");
        guardStdout("exit");
        return contentMain(first === "help" ? ["--help"] : rest, stdoutLine, undefined, `${PROGRAM} content`);
    }
    const code = await fleetMain(argv, PROGRAM);
    if (first === undefined || first === "--help" || first === "-h" || (first === "help" && rest.length === 0)) {
        process.stdout.write(`\nMore commands:\n${EXTRA_HELP.join("\n")}\n`);
    }
    return code;
}

if (require.main === module || process.argv[1] === __filename) {
    exitWith(main(process.argv.slice(2)));
}
