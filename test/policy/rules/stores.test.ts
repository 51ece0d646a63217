import { strict as assert } from "assert";
import { resourcePolicyNoPublicPrincipal } from "../../../policy/rules/exposure";
import { storesCustomerManagedKey } from "../../../policy/rules/hygiene";
import { runResource } from "../helpers";

const KEY = "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const doc = (...Statement: unknown[]) => JSON.stringify({ Version: "2012-10-17", Statement });

describe("policy/rules: topics, queues, secrets and repositories", () => {
    describe("stores-customer-managed-key", () => {
        const cases: Array<[string, Record<string, unknown>, Record<string, unknown>, RegExp]> = [
            ["aws:sns/topic:Topic", { kmsMasterKeyId: KEY }, { kmsMasterKeyId: "" }, /No kmsMasterKeyId: messages are stored unencrypted/],
            ["aws:sqs/queue:Queue", { kmsMasterKeyId: KEY }, { sqsManagedSseEnabled: true }, /No kmsMasterKeyId: .*SSE-SQS/],
            ["aws:secretsmanager/secret:Secret", { kmsKeyId: KEY }, { kmsKeyId: "  " }, /aws\/secretsmanager/],
            ["aws:ecr/repository:Repository", { encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: KEY }] }, { encryptionConfigurations: [{ encryptionType: "AES256" }] }, /AES256/],
            ["aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate", { encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: KEY }] }, { encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: "<key>" }] }, /AWS-managed aws\/ecr/],
        ];
        for (const [type, good, bad, why] of cases) {
            it(`${type.split(":").pop()}: a customer-managed key passes; none, a placeholder or the AWS default is reported`, () => {
                assert.deepEqual(runResource(storesCustomerManagedKey, type, good).messages, []);
                const r = runResource(storesCustomerManagedKey, type, bad).messages;
                assert.equal(r.length, 1);
                assert.match(r[0], why);
            });
        }
        it("refuses AWS-managed key aliases", () => {
            assert.match(runResource(storesCustomerManagedKey, "aws:sns/topic:Topic", { kmsMasterKeyId: "alias/aws/sns" }).messages[0], /alias\/aws\/sns is an AWS-managed key/);
        });
    });

    describe("resource-policy-no-public-principal", () => {
        const open = doc({ Effect: "Allow", Principal: "*", Action: "sns:Publish", Resource: "*" });
        const confined = doc({ Effect: "Allow", Principal: { AWS: "*" }, Action: "sqs:SendMessage", Resource: "*", Condition: { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } } });
        const loose = doc({ Effect: "Allow", Principal: { AWS: "*" }, Action: "sqs:SendMessage", Resource: "*", Condition: { StringLike: { "aws:PrincipalOrgID": "*" } } });
        for (const type of ["aws:sns/topicPolicy:TopicPolicy", "aws:sns/topic:Topic", "aws:sqs/queuePolicy:QueuePolicy", "aws:sqs/queue:Queue",
            "aws:secretsmanager/secretPolicy:SecretPolicy", "aws:secretsmanager/secret:Secret", "aws:ecr/repositoryPolicy:RepositoryPolicy", "aws:ecr/registryPolicy:RegistryPolicy"]) {
            it(`${type.split(":").pop()}: "*" only with a condition that pins the caller`, () => {
                assert.match(runResource(resourcePolicyNoPublicPrincipal, type, { policy: open }).messages[0], /statement 0 allows Principal "\*"/);
                assert.deepEqual(runResource(resourcePolicyNoPublicPrincipal, type, { policy: confined }).messages, []);
                assert.equal(runResource(resourcePolicyNoPublicPrincipal, type, { policy: loose }).messages.length, 1);
            });
        }
        it("accepts named principals and no policy; reports an unreadable one", () => {
            const named = doc({ Effect: "Allow", Principal: { Service: "aps.amazonaws.com" }, Action: "sns:Publish", Resource: "*", Condition: { StringEquals: { "aws:SourceAccount": "111111111111" } } });
            assert.deepEqual(runResource(resourcePolicyNoPublicPrincipal, "aws:sns/topicPolicy:TopicPolicy", { arn: "t", policy: named }).messages, []);
            assert.deepEqual(runResource(resourcePolicyNoPublicPrincipal, "aws:sns/topic:Topic", { policy: "" }).messages, []);
            assert.match(runResource(resourcePolicyNoPublicPrincipal, "aws:sqs/queuePolicy:QueuePolicy", { policy: "{not json" }).messages[0], /unreadable/);
        });
        it("does not judge SNS data-protection or ECR lifecycle policies (not access policies)", () => {
            assert.ok(runResource(resourcePolicyNoPublicPrincipal, "aws:sns/dataProtectionPolicy:DataProtectionPolicy", { policy: open }).notApplicable);
            assert.ok(runResource(resourcePolicyNoPublicPrincipal, "aws:ecr/lifecyclePolicy:LifecyclePolicy", { policy: open }).notApplicable);
        });
    });
});
