import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { TYPES_WITH_INPUT } from "../../policy/lib/awsTypes";

const AWS_DIR = path.dirname(require.resolve("@pulumi/aws/package.json"));

/** Re-derives, from @pulumi/aws's own typings, which resource types of `module` declare `input`. */
function typesWith(module: string, input: string): string[] {
    const dir = path.join(AWS_DIR, module);
    return fs.readdirSync(dir).filter((f) => f.endsWith(".js") && f !== "index.js").flatMap((f) => {
        const token = /__pulumiType = '([^']+)'/.exec(fs.readFileSync(path.join(dir, f), "utf8"))?.[1];
        if (token === undefined || !token.startsWith("aws:")) {
            return [];
        }
        const dts = fs.readFileSync(path.join(dir, f.replace(/\.js$/, ".d.ts")), "utf8");
        const start = dts.indexOf(`export interface ${token.split(":")[2]}Args {`);
        if (start < 0) {
            return [];
        }
        const body = dts.slice(start, dts.indexOf("\n}", start));
        return new RegExp(`\\n\\s+(readonly )?${input}\\??:`).test(body) ? [token] : [];
    }).sort();
}

describe("policy/lib/awsTypes", () => {
    for (const [key, tokens] of Object.entries(TYPES_WITH_INPUT)) {
        it(`lists every @pulumi/aws type with ${key}`, () => {
            const [module, input] = key.split(":");
            assert.deepEqual([...tokens].sort(), typesWith(module, input));
        });
    }
});
