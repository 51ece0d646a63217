import * as assert from "assert";
import { checkDeployRoles, roleProblemLines } from "../../../../automation/driver/engine/preflight";
import { fleet } from "../fixtures";

describe("pre-flight deploy-role check (STS faked at the AssumeRole boundary: unreachable here)", () => {
    it("assumes each role once and groups identical failures with a count", async () => {
        const m = fleet(["a", "b", "c", "d"]);
        const asked: string[] = [];
        const problems = await checkDeployRoles(m.stacks, async (role) => {
            asked.push(role.roleArn);
            const acct = role.roleArn.split(":")[4];
            return acct === "111111111111" ? undefined : `AccessDenied: User: arn:aws:iam::999999999999:user/op is not authorized to perform: sts:AssumeRole on resource: ${role.roleArn}`;
        });
        assert.strictEqual(asked.length, 5);
        assert.strictEqual(problems.length, 1);
        assert.deepStrictEqual([...problems[0].stacks].sort(), ["a", "b", "c", "d"]);
        assert.match(problems[0].error, /^AccessDenied: User: <role> is not authorized to perform: sts:AssumeRole on resource: <role>$/);
        assert.match(roleProblemLines(problems)[0], /^ {2}4 stack\(s\): AccessDenied/);
    });
});
