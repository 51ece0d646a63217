import { strict as assert } from "assert";
import { COVERED_AWS_MODULES, NON_TAGGABLE_AWS_TYPES } from "../../../../policy/lib/aws/taggable";
import { resourceArgs } from "../../../support/awsTypings";

/** Re-derives, from @pulumi/aws's own typings, which resource types of `module` have no `tags` input. */
function nonTaggable(module: string): string[] {
    return resourceArgs(module).filter((r) => !/\n\s+(readonly )?tags\?:/.test(r.body)).map((r) => r.token);
}

describe("policy/lib/aws/taggable", () => {
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
