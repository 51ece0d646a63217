import { strict as assert } from "assert";
import { TYPES_WITH_INPUT } from "../../../../policy/lib/aws/awsTypes";
import { resourceArgs } from "../../../support/awsTypings";

/** Re-derives, from @pulumi/aws's own typings, which resource types of `module` declare `input`. */
function typesWith(module: string, input: string): string[] {
    const declares = new RegExp(`\\n\\s+(readonly )?${input}\\??:`);
    return resourceArgs(module).filter((r) => declares.test(r.body)).map((r) => r.token).sort();
}

describe("policy/lib/aws/awsTypes", () => {
    for (const [key, tokens] of Object.entries(TYPES_WITH_INPUT)) {
        it(`lists every @pulumi/aws type with ${key}`, () => {
            const [module, input] = key.split(":");
            assert.deepEqual([...tokens].sort(), typesWith(module, input));
        });
    }
});
