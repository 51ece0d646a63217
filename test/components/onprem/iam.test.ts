import * as assert from "assert";
import { agentPermissions, managedInstancePolicy } from "../../../components/agent/agentIam";
import { rolesAnywhereTrust, ssmHybridTrust } from "../../../components/onprem/iam";
import { mergePolicies } from "../../../components/security/iam";
import { rolesAnywhereEndpointPolicy } from "../../../components/onprem/landingEndpoints";

const ACCOUNT = "777777777777";
const ANCHOR = `arn:aws:rolesanywhere:us-east-1:${ACCOUNT}:trust-anchor/0123456789abcdef0123456789abcdef`;

describe("on-prem IAM documents", () => {
    it("trusts SSM only for this account and region (confused deputy)", () => {
        assert.deepStrictEqual(ssmHybridTrust(ACCOUNT, "us-east-1").Statement, [{
            Sid: "TrustService",
            Effect: "Allow",
            Principal: { Service: "ssm.amazonaws.com" },
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT }, ArnLike: { "aws:SourceArn": `arn:aws:ssm:us-east-1:${ACCOUNT}:*` } },
        }]);
    });

    it("trusts Roles Anywhere only through the site's trust anchor and for matching certificate subjects", () => {
        const [s] = rolesAnywhereTrust(ACCOUNT, ANCHOR, { commonNames: ["*.dc1.example.com"], organizationalUnit: "dc1-monitoring", organization: "Example Corp" }).Statement;
        assert.deepStrictEqual(s.Principal, { Service: "rolesanywhere.amazonaws.com" });
        assert.deepStrictEqual(s.Action, ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"]);
        assert.deepStrictEqual(s.Condition, {
            StringEquals: { "aws:SourceAccount": ACCOUNT, "aws:PrincipalTag/x509Subject/OU": "dc1-monitoring", "aws:PrincipalTag/x509Subject/O": "Example Corp" },
            ArnEquals: { "aws:SourceArn": ANCHOR },
            StringLike: { "aws:PrincipalTag/x509Subject/CN": ["*.dc1.example.com"] },
        });
        assert.throws(() => rolesAnywhereTrust(ACCOUNT, ANCHOR, {}), /every certificate of the CA/);
    });

    it("scopes the SSM agent to managed instances, documents and AWS-owned package buckets", () => {
        const doc = managedInstancePolicy(ACCOUNT, "us-east-1");
        const star = doc.Statement.filter((s) => s.Resource === "*");
        assert.strictEqual(star.length, 2, "actions without resource-level permissions, and those the AWS reference grants on *");
        const unscoped = star.flatMap((s) => s.Action as string[]);
        assert.ok(unscoped.every((a) => /^(ssmmessages|ec2messages):/.test(a) || ["ssm:ListAssociations", "ssm:GetManifest", "ssm:PutInventory", "ssm:PutConfigurePackageResult"].includes(a)), unscoped.join(","));
        const self = doc.Statement.find((s) => s.Sid === "ManagedInstanceSelf");
        assert.strictEqual(self?.Resource, `arn:aws:ssm:us-east-1:${ACCOUNT}:managed-instance/*`);
        assert.ok((self?.Action as string[]).includes("ssm:UpdateInstanceInformation"));
        const s3 = doc.Statement.find((s) => (s.Action as string[]).includes("s3:GetObject"));
        assert.ok((s3?.Resource as string[]).includes("arn:aws:s3:::amazoncloudwatch-agent-us-east-1/*"));
        for (const s of doc.Statement) {
            assert.ok(!(s.Action as string[]).some((a) => a.endsWith(":*") || a === "*"), `${s.Sid} has no wildcard action`);
        }
    });

    it("lets the CloudWatch agent publish to one namespace, its log groups and its own parameters only", () => {
        const params = [`arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/AmazonCloudWatch-onprem-dc1-base-linux`];
        const doc = agentPermissions({ account: ACCOUNT, region: "us-east-1", namespace: "CWAgent/OnPrem", logGroupPrefix: "/oss-monitoring/onprem/dc1", parameterArns: params });
        const metrics = doc.Statement.find((s) => (s.Action as string[]).includes("cloudwatch:PutMetricData"));
        assert.deepStrictEqual(metrics?.Condition, { StringEquals: { "cloudwatch:namespace": "CWAgent/OnPrem" } });
        const logs = doc.Statement.find((s) => (s.Action as string[]).includes("logs:PutLogEvents"));
        assert.strictEqual(logs?.Resource, `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/oss-monitoring/onprem/dc1/*`);
        assert.ok(!(logs?.Action as string[]).includes("logs:CreateLogGroup"), "groups are pre-created with KMS");
        const read = doc.Statement.find((s) => (s.Action as string[]).includes("ssm:GetParameter"));
        assert.deepStrictEqual(read?.Resource, params);
    });

    it("refuses to merge documents with clashing statement IDs", () => {
        const doc = managedInstancePolicy(ACCOUNT, "us-east-1");
        assert.throws(() => mergePolicies(doc, doc), /ManagedInstanceSelf appears twice/);
    });

    it("lets the Roles Anywhere endpoint serve only this account's trust anchors", () => {
        const [s] = rolesAnywhereEndpointPolicy(ACCOUNT).Statement;
        assert.deepStrictEqual(s.Action, ["rolesanywhere:CreateSession"]);
        assert.deepStrictEqual(s.Condition, { StringEquals: { "aws:ResourceAccount": ACCOUNT } });
    });
});
