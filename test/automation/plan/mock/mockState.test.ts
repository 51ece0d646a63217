import * as assert from "assert";
import { mockInvoke } from "../../../../automation/plan/mock/mockState";
import { iamPolicyFromDocumentArgs } from "../../../../automation/plan/mock/policyDocument";

const ctx = { account: "111111111111", region: "us-east-1", stackOutputs: new Map() };

describe("plan mocks", () => {
    it("turns getPolicyDocument arguments into real IAM JSON", () => {
        const doc = iamPolicyFromDocumentArgs({
            statements: [{
                sid: "A", actions: ["s3:GetObject"], resources: ["arn:aws:s3:::b/*"],
                principals: [{ type: "AWS", identifiers: ["arn:aws:iam::1:root", "arn:aws:iam::2:root"] }],
                conditions: [{ test: "StringEquals", variable: "aws:PrincipalOrgID", values: ["o-1"] }],
            }],
        });
        assert.deepStrictEqual(doc, {
            Version: "2012-10-17",
            Statement: [{
                Sid: "A", Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*",
                Principal: { AWS: ["arn:aws:iam::1:root", "arn:aws:iam::2:root"] },
                Condition: { StringEquals: { "aws:PrincipalOrgID": "o-1" } },
            }],
        });
    });

    it("answers caller identity for the planned account and throws on unmocked invokes", () => {
        assert.strictEqual(mockInvoke("aws:index/getCallerIdentity:getCallerIdentity", {}, ctx).accountId, "111111111111");
        assert.deepStrictEqual((mockInvoke("aws:index/getAvailabilityZones:getAvailabilityZones", {}, ctx).names as string[]).slice(0, 2), ["us-east-1a", "us-east-1b"]);
        assert.throws(() => mockInvoke("aws:s3/getBucket:getBucket", {}, ctx), /no mock for invoke aws:s3\/getBucket:getBucket/);
    });
});
