import * as assert from "assert";
import { mockInvoke, mockPem, mockResourceState } from "../../../../automation/plan/mock/mockState";
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
    it("writes PEM text as RFC 7468 lays it out: base64 lines of 64 characters, the last at most 64, the requested bytes, the same for the same seed", () => {
        // https://www.rfc-editor.org/rfc/rfc7468#section-2: "lines ... MUST wrap the base64-encoded lines so that each
        // line consists of exactly 64 characters except for the final line".
        for (let bytes = 1; bytes <= 200; bytes++) {
            const pem = mockPem("CERTIFICATE", `seed-${bytes}`, bytes);
            const m = /^-----BEGIN CERTIFICATE-----\n([\s\S]*)\n-----END CERTIFICATE-----\n$/.exec(pem);
            assert.ok(m, pem);
            const lines = m[1].split("\n");
            lines.slice(0, -1).forEach((l) => assert.strictEqual(l.length, 64, `${bytes} bytes: ${pem}`));
            assert.ok(lines[lines.length - 1].length >= 1 && lines[lines.length - 1].length <= 64, `${bytes} bytes: ${pem}`);
            assert.strictEqual(Buffer.from(lines.join(""), "base64").length, bytes);
            assert.strictEqual(mockPem("CERTIFICATE", `seed-${bytes}`, bytes), pem);
        }
        assert.notStrictEqual(mockPem("CERTIFICATE", "a", 48), mockPem("CERTIFICATE", "b", 48));
    });

    it("chains each issued certificate to its own CA's certificate when two CAs issue in turn", () => {
        const caA = "arn:aws:acm-pca:us-east-1:111111111111:certificate-authority/a";
        const caB = "arn:aws:acm-pca:us-east-1:111111111111:certificate-authority/b";
        const root = (ca: string) => mockResourceState("aws:acmpca/certificate:Certificate", `root-${ca}`, { certificateAuthorityArn: ca, templateArn: "arn:aws:acm-pca:::template/RootCACertificate/V1" }, ctx).state.certificate;
        const issued = (ca: string, n: string) => mockResourceState("aws:acmpca/certificate:Certificate", n, { certificateAuthorityArn: ca, templateArn: "arn:aws:acm-pca:::template/EndEntityClientAuthCertificate/V1" }, ctx).state;
        const [rootA, rootB] = [root(caA), root(caB)];
        assert.notStrictEqual(rootA, rootB);
        for (const [i, ca] of [caA, caB, caB, caA, caB].entries()) {
            const cert = issued(ca, `tenant-${i}`);
            assert.strictEqual(cert.certificateChain, ca === caA ? rootA : rootB, `certificate ${i}`);
            assert.notStrictEqual(cert.certificate, cert.certificateChain);
        }
    });
});
