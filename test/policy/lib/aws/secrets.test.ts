import { strict as assert } from "assert";
import { isSecretReference, isSensitiveName, secretValueKind } from "../../../../policy/lib/aws/secrets";

describe("policy/lib/aws", () => {
    describe("secrets", () => {
        it("recognises credential names, formats and references", () => {
            assert.ok(isSensitiveName("GRAFANA_SERVICE_ACCOUNT_TOKEN", ["token"]));
            assert.ok(!isSensitiveName("OAUTH_TOKEN_URL", ["token"]) && !isSensitiveName("DB_SECRET_ARN", ["secret"]));
            assert.equal(secretValueKind("glsa_abcdefghijklmnopqrstuvwxyz012345_abcdef"), "Grafana token");
            assert.equal(secretValueKind("hello"), undefined);
            assert.ok(isSecretReference("arn:aws:secretsmanager:us-east-1:111111111111:secret:x") && isSecretReference("${env:TOKEN}"));
        });
    });
});
