import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const INSTALL_HINT = "apt-get install -y prometheus prometheus-alertmanager";

/** Absolute path of a CLI tool, or a clear failure telling how to install it. */
export function requireTool(tool: "promtool" | "amtool"): string {
    for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
        const p = path.join(dir, tool);
        if (dir && fs.existsSync(p)) {
            return p;
        }
    }
    throw new Error(`${tool} not found: ${INSTALL_HINT}`);
}

const created: string[] = [];

export function tempDir(prefix: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
    created.push(dir);
    return dir;
}

/** Removes the directories tempDir made; call from an `after` hook. */
export function removeTempDirs(): void {
    for (const dir of created.splice(0)) {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

export function writeFiles(dir: string, files: Record<string, string>): string[] {
    return Object.entries(files).map(([name, text]) => {
        const p = path.join(dir, name);
        fs.writeFileSync(p, text);
        return p;
    });
}

/** Runs a tool; on failure throws with its full output so the broken rule or query is visible. */
export function run(tool: "promtool" | "amtool", args: string[], cwd: string): string {
    const bin = requireTool(tool);
    try {
        return execFileSync(bin, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 50_000 });
    } catch (e) {
        const err = e as { stdout?: string; stderr?: string; message: string };
        throw new Error(`${tool} ${args.join(" ")} failed:\n${err.stdout ?? ""}\n${err.stderr ?? err.message}`, { cause: e });
    }
}
