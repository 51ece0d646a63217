import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { CONTAINER_DEFINITION_FIELDS, isSecretReference, isSensitiveName, secretValueKind } from "../../../../policy/lib/aws/secrets";

describe("policy/lib/aws", () => {
    describe("secrets", () => {
        it("recognises credential names, formats and references", () => {
            assert.ok(isSensitiveName("GRAFANA_SERVICE_ACCOUNT_TOKEN", ["token"]));
            assert.ok(!isSensitiveName("OAUTH_TOKEN_URL", ["token"]) && !isSensitiveName("DB_SECRET_ARN", ["secret"]));
            assert.equal(secretValueKind("glsa_abcdefghijklmnopqrstuvwxyz012345_abcdef"), "Grafana token");
            assert.equal(secretValueKind("hello"), undefined);
            assert.ok(isSecretReference("arn:aws:secretsmanager:us-east-1:111111111111:secret:x") && isSecretReference("${env:TOKEN}"));
        });
        it("knows every container-definition field name @pulumi/aws declares (ecs/container.d.ts)", () => {
            const dts = fs.readFileSync(path.join(path.dirname(require.resolve("@pulumi/aws/package.json")), "ecs", "container.d.ts"), "utf8");
            const declared = [...new Set([...dts.matchAll(/^\s+(\w+)\??:/gm)].map((m) => m[1]))].sort();
            assert.deepEqual([...CONTAINER_DEFINITION_FIELDS].sort(), declared);
        });
    });
});
