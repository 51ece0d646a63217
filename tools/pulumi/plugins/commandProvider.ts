/**
 * `pulumi-resource-command`: a provider for `command:local:Command`, the resource of
 * @pulumi/command's SDK that the e2e fixture fleet uses. pulumi-command's own provider
 * (github.com/pulumi/pulumi-command/provider) is not served by the Go module proxy reachable here
 * (403 for every version), so this is the project's own implementation of the same resource
 * contract, served through the Node SDK's provider server (@pulumi/pulumi/provider `main`):
 *  - create/update/delete run the `create`/`update`/`delete` shell commands with `environment`,
 *    `dir`, `stdin` and `interpreter` (default `/bin/sh -c`); a non-zero exit fails the operation
 *    with the command's stderr and exit code; outputs are the inputs plus `stdout` and `stderr`;
 *  - a change to `triggers` replaces; a change to anything else updates when `update` is set and
 *    replaces otherwise (pulumi-command's documented behaviour for local.Command).
 * One extension, for drift tests: when `environment.FLEET_STATE_FILE` names a file, `read`
 * (refresh) reports the file's content as `stdout`, and the resource as gone when the file is, so
 * an out-of-band change to what the command manages is visible to `pulumi refresh`; diff then
 * reports `stdout` changed (the engine diffs refreshed outputs against the program), and `up`
 * runs `update` to restore it. pulumi-command's read returns the state unchanged.
 */
import { spawn } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";

type Props = Record<string, unknown>;

/** Secret values arrive wrapped (the SDK's server accepts secrets); commands need the plain value. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
function plain(v: unknown): unknown {
    if (Array.isArray(v)) {
        return v.map(plain);
    }
    if (v !== null && typeof v === "object") {
        const o = v as Props;
        if (o[SECRET_SIG] !== undefined && "value" in o) {
            return plain(o.value);
        }
        return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, plain(x)]));
    }
    return v;
}

function shell(command: string, inputs: Props): Promise<{ stdout: string; stderr: string }> {
    const p = plain(inputs) as Props;
    const interpreter = Array.isArray(p.interpreter) && p.interpreter.length > 0 ? (p.interpreter as string[]) : ["/bin/sh", "-c"];
    const env = { ...process.env, ...((p.environment as Record<string, string> | undefined) ?? {}) };
    return new Promise((resolve, reject) => {
        const child = spawn(interpreter[0], [...interpreter.slice(1), command], {
            cwd: typeof p.dir === "string" ? p.dir : process.cwd(),
            env,
            stdio: ["pipe", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (b: Buffer) => (stdout += b.toString()));
        child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
        child.stdin.end(typeof p.stdin === "string" ? p.stdin : "");
        child.on("error", reject);
        child.on("close", (code, signal) => {
            if (code === 0) {
                resolve({ stdout: stdout.replace(/\n$/, ""), stderr: stderr.replace(/\n$/, "") });
            } else {
                // The command's own words first: they are what the engine and the fleet summary show.
                reject(new Error(`${stderr.trim() || "command failed"} (${signal ?? `exit code ${code}`})`));
            }
        });
    });
}

/** What create/update printed, kept in the state so drift of `stdout` can be told apart. */
const APPLIED = "__stdoutAtApply";

const COMPARED = ["create", "update", "delete", "environment", "dir", "interpreter", "stdin", "triggers"];

function changed(olds: Props, news: Props): string[] {
    return COMPARED.filter((k) => JSON.stringify(plain(olds[k]) ?? null) !== JSON.stringify(plain(news[k]) ?? null));
}

function stateFile(props: Props): string | undefined {
    const env = (plain(props) as Props).environment as Record<string, string> | undefined;
    return env?.FLEET_STATE_FILE;
}

export const provider = {
    version: "4.5.0",
    async check(_urn: string, _olds: Props, news: Props) {
        return { inputs: news };
    },
    async diff(_id: string, _urn: string, olds: Props, news: Props) {
        const keys = changed(olds, news);
        // Refresh diffs the refreshed outputs against the program (the engine calls Diff after
        // Read): output drift is a stdout that no longer matches what the command printed.
        if (stateFile(olds) !== undefined && olds[APPLIED] !== undefined && olds.stdout !== olds[APPLIED]) {
            keys.push("stdout");
        }
        const replaces = keys.includes("triggers") || news.update === undefined ? keys.filter((k) => k !== "stdout") : [];
        return { changes: keys.length > 0, replaces };
    },
    async create(_urn: string, inputs: Props) {
        const out = typeof inputs.create === "string" ? await shell(inputs.create, inputs) : { stdout: "", stderr: "" };
        return { id: crypto.randomUUID(), outs: { ...inputs, ...out, [APPLIED]: out.stdout } };
    },
    async update(_id: string, _urn: string, _olds: Props, news: Props) {
        const cmd = typeof news.update === "string" ? news.update : undefined;
        const out = cmd !== undefined ? await shell(cmd, news) : { stdout: "", stderr: "" };
        return { outs: { ...news, ...out, [APPLIED]: out.stdout } };
    },
    async delete(_id: string, _urn: string, props: Props) {
        if (typeof props.delete === "string") {
            await shell(props.delete, props);
        }
    },
    async read(id: string, _urn: string, props: Props) {
        const file = stateFile(props ?? {});
        if (file === undefined) {
            return { id, props };
        }
        if (!fs.existsSync(file)) {
            return { id: "", props: {} };
        }
        return { id, props: { ...props, stdout: fs.readFileSync(path.resolve(file), "utf8").replace(/\n$/, "") } };
    },
};

if (require.main === module) {
    // Resolved from the program directory (the engine's working directory for providers).
    const sdk = require.resolve("@pulumi/pulumi/provider", { paths: [process.cwd(), __dirname] });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { main } = require(sdk) as typeof import("@pulumi/pulumi/provider");
    main(provider, process.argv.slice(2)).catch((e: unknown) => {
        console.error(e instanceof Error ? e.message : String(e));
        process.exit(1);
    });
}
