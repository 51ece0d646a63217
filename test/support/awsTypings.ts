import * as fs from "fs";
import * as path from "path";

const AWS_DIR = path.dirname(require.resolve("@pulumi/aws/package.json"));

/**
 * Each resource type of an @pulumi/aws module with the body of its `<Name>Args` interface, read from
 * the package's own files, so tests can re-derive type lists the policy pack keeps.
 */
export function resourceArgs(module: string): Array<{ readonly token: string; readonly body: string }> {
    const dir = path.join(AWS_DIR, module);
    return fs.readdirSync(dir).filter((f) => f.endsWith(".js") && f !== "index.js").flatMap((f) => {
        const token = /__pulumiType = '([^']+)'/.exec(fs.readFileSync(path.join(dir, f), "utf8"))?.[1];
        if (token === undefined || !token.startsWith("aws:")) {
            return [];
        }
        const dts = fs.readFileSync(path.join(dir, f.replace(/\.js$/, ".d.ts")), "utf8");
        const start = dts.indexOf(`export interface ${token.split(":")[2]}Args {`);
        return start < 0 ? [] : [{ token, body: dts.slice(start, dts.indexOf("\n}", start)) }];
    });
}

/** resourceArgs of every module of @pulumi/aws, with the module name. */
export function allResourceArgs(): Array<{ readonly token: string; readonly body: string; readonly module: string }> {
    return fs.readdirSync(AWS_DIR).filter((d) => fs.existsSync(path.join(AWS_DIR, d, "index.js")) && !["types", "config"].includes(d))
        .flatMap((module) => resourceArgs(module).map((r) => ({ ...r, module })));
}
