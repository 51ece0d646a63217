import { strict as assert } from "assert";
import {
    iamNoBroadManagedPolicies,
    iamNoPassRoleWildcard,
    iamNoUserPolicies,
    iamNoUsersOrAccessKeys,
    iamNoWildcardActions,
    iamNoWildcardResources,
    iamTrustPolicyConditions,
    kmsKeyPolicyNoWildcardPrincipal,
} from "../../../policy/rules/leastPrivilege";
import { runResource } from "../helpers";

const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const doc = (...Statement: unknown[]) => JSON.stringify({ Version: "2012-10-17", Statement });
const trust = (...Statement: unknown[]) => ({ assumeRolePolicy: doc(...Statement) });

describe("policy/rules/leastPrivilege", () => {
    describe("iam-no-wildcard-actions", () => {
        it("rejects * and service:* actions and Allow+NotAction", () => {
            const r = runResource(iamNoWildcardActions, ROLE_POLICY, {
                policy: doc(
                    { Effect: "Allow", Action: "*", Resource: "*" },
                    { Sid: "Amp", Effect: "Allow", Action: ["aps:*", "logs:PutLogEvents"], Resource: "arn:aws:aps:us-east-1:111111111111:workspace/ws-1" },
                    { Effect: "Allow", NotAction: "iam:*", Resource: "arn:aws:s3:::b" },
                ),
            });
            assert.deepEqual(r.messages, [
                "policy statement 0 allows wildcard action(s) *.",
                "policy statement 1 (Sid \"Amp\") allows wildcard action(s) aps:*.",
                "policy statement 2 uses Allow with NotAction, which grants every other action.",
            ]);
        });
        it("checks role inline policies, accepts exact actions and Deny wildcards", () => {
            const ok = doc({ Effect: "Allow", Action: ["aps:RemoteWrite"], Resource: "arn:aws:aps:us-east-1:111111111111:workspace/ws-1" },
                { Effect: "Deny", Action: "*", Resource: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } });
            assert.deepEqual(runResource(iamNoWildcardActions, "aws:iam/policy:Policy", { policy: ok }).messages, []);
            const r = runResource(iamNoWildcardActions, "aws:iam/role:Role", { inlinePolicies: [{ name: "a", policy: ok }, { name: "b", policy: doc({ Effect: "Allow", Action: "s3:*", Resource: "*" }) }] });
            assert.deepEqual(r.messages, ["inlinePolicies[1].policy statement 0 allows wildcard action(s) s3:*."]);
        });
        it("tolerates configured service wildcards but never *", () => {
            const policy = doc({ Effect: "Allow", Action: ["xray:*", "*"], Resource: "*" });
            const r = runResource(iamNoWildcardActions, ROLE_POLICY, { policy }, { config: { allowedServiceWildcards: ["xray:*"] } });
            assert.deepEqual(r.messages, ["policy statement 0 allows wildcard action(s) *."]);
        });
        it("reports unreadable documents", () => {
            assert.match(runResource(iamNoWildcardActions, ROLE_POLICY, { policy: "{" }).messages[0], /unreadable/);
        });
    });

    describe("iam-no-wildcard-resources", () => {
        it("rejects Resource * for scopable actions, naming them", () => {
            const r = runResource(iamNoWildcardResources, ROLE_POLICY, {
                policy: doc({ Effect: "Allow", Action: ["ssm:GetParameter", "ec2:DescribeInstances", "cloudwatch:PutMetricData"], Resource: "*" }),
            });
            assert.deepEqual(r.messages, ["policy statement 0 grants ssm:GetParameter on every resource (Resource \"*\")."]);
        });
        it("accepts unscopable actions on * and scoped ARNs, and NotResource is flagged", () => {
            assert.deepEqual(runResource(iamNoWildcardResources, ROLE_POLICY, {
                policy: doc({ Effect: "Allow", Action: ["ec2:DescribeInstances", "ec2:DescribeTags", "xray:PutTraceSegments", "xray:GetSampling*"], Resource: "*" },
                    { Effect: "Allow", Action: "ssm:GetParameter", Resource: "arn:aws:ssm:us-east-1:111111111111:parameter/otel/*" }),
            }).messages, []);
            assert.equal(runResource(iamNoWildcardResources, ROLE_POLICY, {
                policy: doc({ Effect: "Allow", Action: "ssm:GetParameter", NotResource: "arn:aws:ssm:us-east-1:111111111111:parameter/x" }),
            }).messages.length, 1);
        });
        it("uses the configured unscoped-action list on top of the catalogue", () => {
            const policy = doc({ Effect: "Allow", Action: ["cloudwatch:PutMetricData", "ec2:DescribeInstances"], Resource: "*" });
            assert.equal(runResource(iamNoWildcardResources, ROLE_POLICY, { policy }).messages.length, 0);
            assert.deepEqual(runResource(iamNoWildcardResources, ROLE_POLICY, { policy }, { config: { unscopedActions: [] } }).messages,
                ["policy statement 0 grants cloudwatch:PutMetricData on every resource (Resource \"*\")."]);
        });
    });

    describe("iam-no-passrole-wildcard", () => {
        it("rejects PassRole on * directly or through iam:*", () => {
            const r = runResource(iamNoPassRoleWildcard, ROLE_POLICY, {
                policy: doc({ Effect: "Allow", Action: "iam:PassRole", Resource: "*" }, { Effect: "Allow", Action: "iam:*", Resource: "arn:aws:iam::111111111111:role/*" }),
            });
            assert.deepEqual(r.messages, [
                "policy statement 0 allows iam:PassRole on *.",
                "policy statement 1 allows iam:PassRole on arn:aws:iam::111111111111:role/*.",
            ]);
        });
        it("accepts PassRole scoped to a role ARN", () => {
            const policy = doc({ Effect: "Allow", Action: "iam:PassRole", Resource: "arn:aws:iam::111111111111:role/collector-task",
                Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } } });
            assert.deepEqual(runResource(iamNoPassRoleWildcard, ROLE_POLICY, { policy }).messages, []);
        });
    });

    describe("iam-no-broad-managed-policies", () => {
        it("rejects AdministratorAccess and unlisted AWS-managed policies", () => {
            assert.match(runResource(iamNoBroadManagedPolicies, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", { role: "r", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" }).messages[0],
                /administrative or IAM-wide/);
            assert.match(runResource(iamNoBroadManagedPolicies, "aws:iam/role:Role", { managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonS3FullAccess"] }).messages[0],
                /not in the AWS-managed policy allow-list/);
        });
        it("accepts allow-listed (with or without path) and customer-managed policies", () => {
            for (const policyArn of ["arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy", "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
                "arn:aws:iam::111111111111:policy/collector-write"]) {
                assert.deepEqual(runResource(iamNoBroadManagedPolicies, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", { role: "r", policyArn }).messages, [], policyArn);
            }
        });
        it("checks exclusive attachments against the configured allow-list", () => {
            const r = runResource(iamNoBroadManagedPolicies, "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
                { roleName: "r", policyArns: ["arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy"] }, { config: { allowedAwsManagedPolicies: ["AmazonSSMManagedInstanceCore"] } });
            assert.equal(r.messages.length, 1);
        });
    });

    describe("iam-trust-policy-conditions", () => {
        const ROLE = "aws:iam/role:Role";
        const assume = "sts:AssumeRole";
        it("rejects *, unconditioned cross-account, service and federated trusts", () => {
            const r = runResource(iamTrustPolicyConditions, ROLE, trust(
                { Effect: "Allow", Principal: "*", Action: assume },
                { Effect: "Allow", Principal: { AWS: "arn:aws:iam::222222222222:root" }, Action: assume },
                { Effect: "Allow", Principal: { Service: "grafana.amazonaws.com" }, Action: assume },
                { Effect: "Allow", Principal: { Federated: "arn:aws:iam::111111111111:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/X" }, Action: "sts:AssumeRoleWithWebIdentity",
                    Condition: { StringEquals: { "oidc.eks.us-east-1.amazonaws.com/id/X:aud": "sts.amazonaws.com" } } },
            ), { account: "111111111111" });
            assert.equal(r.messages.length, 4);
            assert.match(r.messages[0], /statement 0 trusts Principal "\*"/);
            assert.match(r.messages[1], /trusts arn:aws:iam::222222222222:root \(another account\) without a condition on aws:PrincipalOrgID/);
            assert.match(r.messages[2], /trusts service grafana.amazonaws.com without a condition on aws:SourceAccount/);
            assert.match(r.messages[3], /trusts federated .* without a condition on the token subject/);
        });
        it("accepts the conditioned forms, same-account principals and EC2", () => {
            const r = runResource(iamTrustPolicyConditions, ROLE, trust(
                { Effect: "Allow", Principal: { AWS: ["arn:aws:iam::222222222222:role/collector"] }, Action: [assume, "sts:TagSession"],
                    Condition: { StringEquals: { "aws:PrincipalOrgID": "o-abc123" } } },
                { Effect: "Allow", Principal: { AWS: "333333333333" }, Action: assume, Condition: { StringEquals: { "sts:ExternalId": "hub-ext-id" } } },
                { Effect: "Allow", Principal: { Service: "ssm.amazonaws.com" }, Action: assume,
                    Condition: { StringEquals: { "aws:SourceAccount": "111111111111" }, ArnEquals: { "aws:SourceArn": "arn:aws:ssm:us-east-1:111111111111:*" } } },
                { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: assume },
                { Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:role/admin" }, Action: assume },
                { Effect: "Allow", Principal: { Federated: "arn:aws:iam::111111111111:oidc-provider/oidc.eks/id/X" }, Action: "sts:AssumeRoleWithWebIdentity",
                    Condition: { StringEquals: { "oidc.eks/id/X:sub": "system:serviceaccount:otel:collector" } } },
            ), { account: "111111111111" });
            assert.deepEqual(r.messages, []);
        });
        it("does not count IfExists, negated or wildcard-only conditions", () => {
            const weak = [
                { StringEqualsIfExists: { "aws:PrincipalOrgID": "o-abc123" } },
                { StringNotEquals: { "aws:PrincipalOrgID": "o-abc123" } },
                { StringLike: { "aws:PrincipalOrgID": "*" } },
            ];
            for (const Condition of weak) {
                const r = runResource(iamTrustPolicyConditions, ROLE, trust({ Effect: "Allow", Principal: { AWS: "222222222222" }, Action: assume, Condition }));
                assert.equal(r.messages.length, 1, JSON.stringify(Condition));
            }
        });
        it("rejects wildcard actions in a trust and treats accounts as foreign unless tagged or configured", () => {
            assert.match(runResource(iamTrustPolicyConditions, ROLE, trust({ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:*" })).messages[0],
                /allows sts:\*/);
            const own = trust({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:root" }, Action: assume });
            assert.equal(runResource(iamTrustPolicyConditions, ROLE, own).messages.length, 1);
            assert.deepEqual(runResource(iamTrustPolicyConditions, ROLE, own, { config: { trustedAccountIds: ["111111111111"] } }).messages, []);
        });
    });

    describe("iam-no-users-or-access-keys", () => {
        it("rejects users and access keys", () => {
            assert.match(runResource(iamNoUsersOrAccessKeys, "aws:iam/user:User", { name: "ci" }).messages[0], /User creates long-lived/);
            assert.match(runResource(iamNoUsersOrAccessKeys, "aws:iam/accessKey:AccessKey", { user: "ci" }).messages[0], /AccessKey creates long-lived/);
        });
        it("does not apply to roles", () => {
            const r = runResource(iamNoUsersOrAccessKeys, "aws:iam/role:Role", { assumeRolePolicy: "{}" });
            assert.deepEqual(r.messages, []);
            assert.notEqual(r.notApplicable, undefined);
        });
    });

    describe("iam-no-user-policies", () => {
        it("rejects inline user policies and user attachments", () => {
            assert.match(runResource(iamNoUserPolicies, "aws:iam/userPolicy:UserPolicy", { user: "ci", policy: "{}" }).messages[0], /directly to user ci/);
            assert.equal(runResource(iamNoUserPolicies, "aws:iam/userPolicyAttachment:UserPolicyAttachment", { user: "ci", policyArn: "arn:x" }).messages.length, 1);
        });
        it("does not apply to role policies", () => {
            assert.deepEqual(runResource(iamNoUserPolicies, ROLE_POLICY, { role: "r", policy: "{}" }).messages, []);
        });
    });

    describe("kms-key-policy-no-wildcard-principal", () => {
        const root = { Sid: "Root", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111111111111:root" }, Action: "kms:*", Resource: "*" };
        it("rejects Principal * and NotPrincipal", () => {
            const r = runResource(kmsKeyPolicyNoWildcardPrincipal, "aws:kms/key:Key", {
                policy: doc(root, { Effect: "Allow", Principal: { AWS: "*" }, Action: "kms:Decrypt", Resource: "*" },
                    { Effect: "Allow", NotPrincipal: { AWS: "arn:aws:iam::111111111111:root" }, Action: "kms:Decrypt", Resource: "*" }),
            });
            assert.deepEqual(r.messages, ["statement 1 allows Principal \"*\".", "statement 2 allows NotPrincipal, i.e. everyone else."]);
        });
        it("accepts named principals, also on aws.kms.KeyPolicy, and configured conditions", () => {
            assert.deepEqual(runResource(kmsKeyPolicyNoWildcardPrincipal, "aws:kms/keyPolicy:KeyPolicy", { keyId: "k", policy: doc(root) }).messages, []);
            const conditioned = doc({ Effect: "Allow", Principal: "*", Action: "kms:Decrypt", Resource: "*", Condition: { StringEquals: { "kms:CallerAccount": "111111111111" } } });
            assert.equal(runResource(kmsKeyPolicyNoWildcardPrincipal, "aws:kms/key:Key", { policy: conditioned }).messages.length, 1);
            assert.deepEqual(runResource(kmsKeyPolicyNoWildcardPrincipal, "aws:kms/key:Key", { policy: conditioned }, { config: { allowedConditionKeys: ["kms:CallerAccount"] } }).messages, []);
        });
        // The hub's identity key shape (components/identity/tenantIdentities.ts identityKeyStatements).
        const orgBound = (org: Record<string, Record<string, string>>) => doc(root, {
            Effect: "Allow", Principal: { AWS: "*" }, Action: "kms:Decrypt", Resource: "*",
            Condition: {
                ...org,
                StringLike: { ...org.StringLike, "kms:EncryptionContext:SecretARN": "arn:aws:secretsmanager:us-east-1:111111111111:secret:x/account-${aws:PrincipalAccount}-??????" },
                ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/Reader" },
            },
        });
        it("accepts Principal * when a condition pins the caller's organization (by default)", () => {
            assert.deepEqual(runResource(kmsKeyPolicyNoWildcardPrincipal, "aws:kms/key:Key", { policy: orgBound({ StringEquals: { "aws:PrincipalOrgID": "o-abcd123456" } }) }).messages, []);
            assert.deepEqual(runResource(kmsKeyPolicyNoWildcardPrincipal, "aws:kms/key:Key", {
                policy: orgBound({ "ForAnyValue:StringLike": { "aws:PrincipalOrgPaths": "o-abcd123456/r-ab12/ou-ab12-11111111/*" } }),
            }).messages, []);
        });
        it("rejects Principal * whose other conditions bound it but no organization condition does, or one that admits any organization", () => {
            const expected = ["statement 1 allows Principal \"*\"."];
            // Reader-role pattern, encryption context and ViaService alone: any AWS account can create a role of that name.
            assert.deepEqual(runResource(kmsKeyPolicyNoWildcardPrincipal, "aws:kms/key:Key", { policy: orgBound({ StringEquals: { "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com" } }) }).messages, expected);
            assert.deepEqual(runResource(kmsKeyPolicyNoWildcardPrincipal, "aws:kms/key:Key", { policy: orgBound({ StringLike: { "aws:PrincipalOrgID": "o-*" } }) }).messages, expected);
            assert.deepEqual(runResource(kmsKeyPolicyNoWildcardPrincipal, "aws:kms/key:Key", { policy: orgBound({ StringEqualsIfExists: { "aws:PrincipalOrgID": "o-abcd123456" } }) }).messages, expected);
            assert.deepEqual(runResource(kmsKeyPolicyNoWildcardPrincipal, "aws:kms/key:Key", {
                policy: orgBound({ StringEquals: { "aws:PrincipalOrgID": "o-abcd123456" } }),
            }, { config: { allowedConditionKeys: [] } }).messages, expected, "an empty list still means never");
        });
    });
});
