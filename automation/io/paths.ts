import * as fs from "fs";
import * as path from "path";

/**
 * The repository root (the directory holding Pulumi.yaml), found from this file whether it
 * runs as TypeScript source or as compiled JavaScript under bin/.
 */
export function projectRoot(from: string = __dirname): string {
    let dir = from;
    for (;;) {
        if (fs.existsSync(path.join(dir, "Pulumi.yaml"))) {
            return dir;
        }
        const parent = path.dirname(dir);
        if (parent === dir) {
            throw new Error(`no Pulumi.yaml above ${from}; run from a checkout of the project`);
        }
        dir = parent;
    }
}

/**
 * The project's manifest, stacks/fleet.yaml, as the operator would type it from where they are:
 * relative when it is below the working directory (`npm run` runs in the root), absolute otherwise
 * (the installed command run from another folder).
 */
export function defaultManifest(cwd: string = process.cwd()): string {
    const abs = path.join(projectRoot(), "stacks", "fleet.yaml");
    const rel = path.relative(cwd, abs);
    return rel.startsWith("..") || path.isAbsolute(rel) ? abs : rel;
}
