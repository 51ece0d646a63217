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
