import * as fs from "fs";
import * as path from "path";
import type { FleetManifest } from "./types";

/** A stack file (or backend stack) that no manifest entry explains: left behind by a removed entry. */
export interface Orphan {
    readonly stack: string;
    /** Where it was found: the stack file's path, or "backend" for a stack only the Pulumi backend holds. */
    readonly where: string;
}

const STACK_FILE = /^Pulumi\.([a-z][a-z0-9-]{1,62})\.yaml$/;

/** Stack files beside the manifest (stacks/Pulumi.<stack>.yaml) with no entry of that name. */
export function orphanStackFiles(manifest: FleetManifest): Orphan[] {
    const dir = path.dirname(manifest.path);
    const names = new Set(manifest.stacks.map((s) => s.name));
    let entries: string[];
    try {
        entries = fs.readdirSync(dir);
    } catch {
        return [];
    }
    return entries
        .map((f) => STACK_FILE.exec(f))
        .filter((m): m is RegExpExecArray => m !== null && !names.has(m[1]))
        .map((m) => ({ stack: m[1], where: path.join(dir, m[0]) }))
        .sort((a, b) => a.stack.localeCompare(b.stack));
}

/** Backend stacks (names as `pulumi stack ls` gives them) with no manifest entry. */
export function orphanBackendStacks(manifest: FleetManifest, backendStacks: readonly string[]): Orphan[] {
    const names = new Set(manifest.stacks.map((s) => s.name));
    return [...new Set(backendStacks.map((s) => s.split("/").pop()!))]
        .filter((s) => !names.has(s))
        .sort()
        .map((stack) => ({ stack, where: "backend" }));
}

/** One line per orphan, with both ways out: retire it, or adopt it with a manifest entry. */
export function orphanLine(o: Orphan, manifestPath: string): string {
    const what = o.where === "backend" ? `backend stack ${o.stack}` : o.where;
    return `${what}: no entry of ${manifestPath} explains it; fix: retire it with \`npm run fleet -- retire --stacks ${o.stack}\`, or adopt it by adding an entry named ${o.stack} to ${manifestPath}`;
}
