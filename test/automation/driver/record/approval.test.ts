import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { approvalProblem, planFileOf, recordApproval, startApproval } from "../../../../automation/driver/record/approval";
import { changeLine, orderChanges, resourceChanges, securityFlag, stackChangeLines } from "../../../../automation/driver/record/changes";
import { changedKeys } from "../../../../automation/driver/engine/engine";
import { fleet, spokeNames, tempDir } from "../fixtures";

const urn = (type: string, name: string) => `urn:pulumi:hub::oss-monitoring::${type}::${name}`;

describe("approval: what up shows and what it may run", () => {
    it("a replacement's three engine steps are one change; same and read steps are none", () => {
        const sg = urn("aws:ec2/securityGroup:SecurityGroup", "ingress-sg");
        const steps = [
            { urn: sg, type: "aws:ec2/securityGroup:SecurityGroup", op: "create-replacement", diffs: ["ingress"] },
            { urn: sg, type: "aws:ec2/securityGroup:SecurityGroup", op: "replace", diffs: ["ingress"] },
            { urn: sg, type: "aws:ec2/securityGroup:SecurityGroup", op: "delete-replaced", diffs: ["ingress"] },
            { urn: urn("aws:s3/bucket:Bucket", "b"), type: "aws:s3/bucket:Bucket", op: "same", diffs: [] },
            { urn: urn("aws:s3/bucket:Bucket", "r"), type: "aws:s3/bucket:Bucket", op: "read", diffs: [] },
        ];
        assert.deepStrictEqual(resourceChanges(steps).map((s) => s.op), ["replace"]);
    });

    it("a step's changed properties: diff keys, replacement keys and detailed-diff paths, else the inputs that differ", () => {
        const base = { urn: "u", type: "t", provider: "p" };
        assert.deepStrictEqual(changedKeys({ ...base, op: "update", diffs: ["policy"], detailedDiff: { "tags.Owner": { kind: "update", inputDiff: true } } as never }), ["policy", "tags"]);
        assert.deepStrictEqual(changedKeys({ ...base, op: "replace", keys: ["port"] }), ["port"]);
        const state = (inputs: Record<string, unknown>) => ({ type: "t", urn: "u", custom: true, id: "i", parent: "", provider: "p", inputs, outputs: {} }) as never;
        assert.deepStrictEqual(changedKeys({ ...base, op: "replace", old: state({ triggers: ["a"], create: "x" }), new: state({ triggers: ["b"], create: "x" }) }), ["triggers"]);
    });

    it("flags IAM, security groups, key policies, endpoint policies and resource policies, and nothing else", () => {
        assert.strictEqual(securityFlag({ type: "aws:iam/rolePolicy:RolePolicy", op: "update", diffs: ["policy"] }), "IAM");
        assert.strictEqual(securityFlag({ type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", op: "create", diffs: [] }), "security group");
        assert.strictEqual(securityFlag({ type: "aws:kms/key:Key", op: "update", diffs: ["policy"] }), "key policy");
        assert.strictEqual(securityFlag({ type: "aws:kms/key:Key", op: "update", diffs: ["description"] }), undefined, "a key's description is not its policy");
        assert.strictEqual(securityFlag({ type: "aws:ec2/vpcEndpoint:VpcEndpoint", op: "update", diffs: ["policy"] }), "endpoint policy");
        assert.strictEqual(securityFlag({ type: "aws:ec2/vpcEndpoint:VpcEndpoint", op: "update", diffs: ["tags"] }), undefined);
        assert.strictEqual(securityFlag({ type: "aws:ec2/vpcEndpointService:VpcEndpointService", op: "update", diffs: ["allowedPrincipals"] }), "endpoint service access");
        assert.strictEqual(securityFlag({ type: "aws:sns/topicPolicy:TopicPolicy", op: "update", diffs: ["policy"] }), "resource policy");
        assert.strictEqual(securityFlag({ type: "aws:cloudwatch/logGroup:LogGroup", op: "delete", diffs: [] }), undefined);
    });

    it("lists replacements, then deletions, updates and creations, flagged first, like pulumi preview --diff", () => {
        const changes = [
            { urn: urn("aws:s3/bucket:Bucket", "new"), type: "aws:s3/bucket:Bucket", op: "create", diffs: [] },
            { urn: urn("aws:cloudwatch/logGroup:LogGroup", "old"), type: "aws:cloudwatch/logGroup:LogGroup", op: "delete", diffs: [] },
            { urn: urn("aws:ecs/service:Service", "svc"), type: "aws:ecs/service:Service", op: "update", diffs: ["desiredCount"] },
            { urn: urn("aws:iam/role:Role", "task"), type: "aws:iam/role:Role", op: "update", diffs: ["assumeRolePolicy"] },
            { urn: urn("aws:lb/listener:Listener", "l"), type: "aws:lb/listener:Listener", op: "replace", diffs: ["port"] },
        ];
        assert.deepStrictEqual(orderChanges(changes).map((c) => `${c.op} ${c.urn.split("::").pop()}`), ["replace l", "delete old", "update task", "update svc", "create new"]);
        assert.strictEqual(changeLine(changes[3]), "~  update   aws:iam/role:Role  task  [security: IAM]  (assumeRolePolicy)");
        const lines = stackChangeLines("hub", changes, 3);
        assert.strictEqual(lines[0], "hub: 1 to replace, 1 to delete, 2 to update, 1 to create; 1 security-relevant");
        assert.strictEqual(lines.length, 5);
        assert.match(lines[4], /… and 2 more/);
    });

    it("up --plan refuses a plan folder without approval, a stack without a plan, a changed manifest entry or source", () => {
        const dir = path.join(tempDir(), "plans");
        const stacks = fleet(spokeNames(1)).stacks;
        assert.match(approvalProblem(dir, stacks, "a") ?? "", /no approval\.json there/);
        startApproval(dir, stacks);
        fs.writeFileSync(planFileOf(dir, "hub"), "{}");
        recordApproval(dir, stacks, "2025-01-01T00:00:00Z", "aaaaaaaaaaaa");
        assert.match(approvalProblem(dir, stacks, "aaaaaaaaaaaa") ?? "", /no saved plan for spoke-001/);
        fs.writeFileSync(planFileOf(dir, "spoke-001"), "{}");
        recordApproval(dir, stacks, "2025-01-01T00:00:00Z", "aaaaaaaaaaaa");
        assert.strictEqual(approvalProblem(dir, stacks, "aaaaaaaaaaaa"), undefined);
        const changed = fleet(spokeNames(1)).stacks.map((s) => (s.name === "spoke-001" ? { ...s, tags: { ...s.tags, Owner: "someone-else" } } : s));
        assert.match(approvalProblem(dir, changed, "aaaaaaaaaaaa") ?? "", /the manifest changed since the preview of 2025-01-01T00:00:00Z for spoke-001/);
        assert.match(approvalProblem(dir, stacks, "bbbbbbbbbbbb") ?? "", /the source changed since the preview \(aaaaaaaa → bbbbbbbb\)/);
        startApproval(dir, stacks);
        assert.deepStrictEqual(fs.readdirSync(dir), [], "a new preview starts from no plans: a failed one leaves none behind");
    });
});
