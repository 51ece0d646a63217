import { strict as assert } from "assert";
import { actionGrants, actionWithin, awsManagedPolicyName, coversAllOfAKind, hasConstrainingCondition, identityPolicyDocuments, parseDocument, principalAccount } from "../../../../policy/lib/aws/iam";
import { resourceProbes } from "../../../../policy/lib/aws/iamCatalog";
import { globMatch } from "../../../../policy/lib/values";

describe("policy/lib/aws", () => {
    describe("iam", () => {
        it("normalises string and object documents, scalar and array fields, principals and conditions", () => {
            const asObject = parseDocument({ Statement: { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*", Principal: { aws: ["111111111111", "*"], Service: "logs.amazonaws.com" },
                Condition: { StringEquals: { "aws:SourceAccount": "111111111111" } } } });
            const asString = parseDocument(JSON.stringify({ Statement: [{ Sid: "s", Effect: "Deny", NotAction: ["iam:*"], NotResource: "arn:x", NotPrincipal: "*" }] }));
            assert.ok(asObject?.ok && asString?.ok);
            assert.deepEqual(asObject.statements[0].actions, ["s3:GetObject"]);
            assert.deepEqual(asObject.statements[0].principals, [
                { kind: "AWS", value: "111111111111" }, { kind: "*", value: "*" }, { kind: "Service", value: "logs.amazonaws.com" }]);
            assert.deepEqual(asObject.statements[0].conditions, [{ operator: "StringEquals", key: "aws:SourceAccount", values: ["111111111111"] }]);
            assert.equal(asString.statements[0].effect, "Deny");
            assert.deepEqual(asString.statements[0].notPrincipals, [{ kind: "*", value: "*" }]);
            assert.equal(parseDocument(undefined), undefined);
            assert.deepEqual(parseDocument("[1]"), { ok: false, error: "the document is not a JSON object" });
        });
        it("matches actions the way IAM does", () => {
            assert.ok(actionGrants("iam:*", "iam:PassRole") && actionGrants("*", "iam:PassRole") && actionGrants("IAM:pass*", "iam:PassRole"));
            assert.ok(!actionGrants("iam:Get*", "iam:PassRole"));
            assert.ok(actionWithin("ec2:Describe*", "ec2:Describe*") && actionWithin("ec2:DescribeTags", "ec2:Describe*"));
            assert.ok(!actionWithin("ec2:*", "ec2:Describe*"));
            assert.ok(globMatch("xray:GetSampling?ules", "xray:GetSamplingRules"));
        });
        it("counts only constraining conditions, case-insensitively", () => {
            const doc = (Condition: unknown) => { const d = parseDocument({ Statement: { Effect: "Allow", Condition } }); assert.ok(d?.ok); return d.statements[0]; };
            assert.ok(hasConstrainingCondition(doc({ "ForAnyValue:StringLike": { "AWS:PrincipalOrgID": ["o-1"] } }), ["aws:PrincipalOrgID"]));
            assert.ok(!hasConstrainingCondition(doc({ Null: { "aws:PrincipalOrgID": "false" } }), ["aws:PrincipalOrgID"]));
            assert.ok(!hasConstrainingCondition(doc({ StringEquals: { "aws:PrincipalOrgID": [] } }), ["aws:PrincipalOrgID"]));
        });
        it("reads accounts and managed-policy names from ARNs", () => {
            assert.equal(principalAccount("arn:aws:iam::222222222222:role/x"), "222222222222");
            assert.equal(principalAccount("arn:aws-us-gov:sts::333333333333:assumed-role/x/y"), "333333333333");
            assert.equal(principalAccount("222222222222"), "222222222222");
            assert.equal(principalAccount("arn:aws:iam::aws:policy/X"), undefined);
            assert.equal(awsManagedPolicyName("arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"), "service-role/AmazonECSTaskExecutionRolePolicy");
            assert.equal(awsManagedPolicyName("arn:aws:iam::111111111111:policy/mine"), undefined);
        });
        it("locates identity documents per resource type", () => {
            assert.deepEqual(identityPolicyDocuments("aws:iam/role:Role", { inlinePolicies: [{ name: "a", policy: "{}" }], assumeRolePolicy: "{}" }),
                [{ where: "inlinePolicies[0].policy", document: "{}" }]);
            assert.deepEqual(identityPolicyDocuments("aws:s3/bucketPolicy:BucketPolicy", { policy: "{}" }), []);
        });
    });
});

describe("coversAllOfAKind: the literal-prefix filter", () => {
    // Patterns derived from the catalogue's own probes (the ARNs the glob is tested against), so that many match:
    // as they are, in other case, with fields, tails and single characters made wildcards, pinned to an account,
    // and with non-ASCII look-alikes (the Kelvin sign lower-cases to "k", the long s upper-cases to "S").
    function patterns(): string[] {
        let seed = 26;
        const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648) % n);
        const out: string[] = ["*", "?", "arn:*", "ARN:AWS:S3:::*", "arn:aws:s3:::*/*", "arn:aws:iam::*:role/*", "arn:aws:ssm:*:*:parameter/*", "not-an-arn", "arn:aws:logs:us-east-1:111111111111:*"];
        for (const svc of ["s3", "iam", "ssm", "logs", "kms", "secretsmanager", "aps", "ec2", "dynamodb"]) {
            for (const probe of resourceProbes(svc).slice(0, 12)) {
                const fields = probe.split(":");
                out.push(probe, probe.toUpperCase(), probe.replace(/k/g, "\u212a"), probe.replace(/s/g, "\u017f"));
                fields.forEach((_, i) => out.push(fields.map((f, j) => (j === i ? "*" : f)).join(":")));
                out.push(fields.map((f, j) => (j === 4 ? "123456789012" : f)).join(":"), probe.slice(0, 1 + rand(probe.length)) + "*");
                const at = rand(probe.length);
                out.push(probe.slice(0, at) + "?" + probe.slice(at + 1), probe.slice(0, at) + "*" + probe.slice(at + 1 + rand(4)));
            }
        }
        return out;
    }

    it("gives every pattern the answer of the glob tested against every probe", () => {
        const all = patterns();
        const answers = all.map((p) => [p, coversAllOfAKind(p, false)] as const);
        assert.deepEqual(all.map((p) => [p, coversAllOfAKind(p)] as const), answers);
        // Not vacuous: both answers occur (and a filter that forgets ASCII case fails here, on the upper-cased probes).
        const covering = answers.filter(([, a]) => a).length;
        assert.ok(covering > 50 && answers.length - covering > 50, `${covering} of ${answers.length} cover a kind`);
    });
});
