import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { COVERED_AWS_MODULES, NON_TAGGABLE_AWS_TYPES } from "../../policy/lib/taggable";

const AWS_DIR = path.dirname(require.resolve("@pulumi/aws/package.json"));

/** Re-derives, from @pulumi/aws's own typings, which resource types of `module` have no `tags` input. */
function nonTaggable(module: string): string[] {
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
        return /\n\s+(readonly )?tags\?:/.test(body) ? [] : [token];
    });
}

describe("policy/lib/taggable", () => {
    it("matches what @pulumi/aws declares for every covered module", function () {
        this.timeout(60000);
        const derived = COVERED_AWS_MODULES.flatMap(nonTaggable).sort();
        assert.deepEqual([...NON_TAGGABLE_AWS_TYPES].sort(), derived);
    });
    it("exempts attachments and inline policies but not the resources they attach to", () => {
        for (const t of ["aws:iam/rolePolicy:RolePolicy", "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "aws:lb/targetGroupAttachment:TargetGroupAttachment",
            "aws:ec2/vpcEndpointServiceAllowedPrinciple:VpcEndpointServiceAllowedPrinciple", "aws:appautoscaling/policy:Policy", "aws:ec2/securityGroupRule:SecurityGroupRule"]) {
            assert.ok(NON_TAGGABLE_AWS_TYPES.has(t), t);
        }
        for (const t of ["aws:iam/role:Role", "aws:lb/targetGroup:TargetGroup", "aws:ec2/vpcEndpointService:VpcEndpointService", "aws:ssm/association:Association",
            "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "aws:amp/workspace:Workspace"]) {
            assert.ok(!NON_TAGGABLE_AWS_TYPES.has(t), t);
        }
    });
});
