import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { mockSecretVersion } from "../../../automation/plan/mock/mockState";
import { identitySecretArnFor, parseIdentitySecret, tlsSecretData } from "../../../components/spoke/tenantIdentity";
import { IDENTITY_SECRET_KEYS } from "../../../components/identity/tenants";
import { identitySecretArn } from "../../stacks/fixtures/monitored";

const HUB = "organization/oss-monitoring/hub";
const WHERE = "oss-monitoring/identity/account-333333333333 in organization/oss-monitoring/hub";

/** A real EC P-256 key and self-signed certificate from openssl (installed here), plus a CA for the chain. */
function realPem(): { certificate: string; chain: string; privateKey: string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tenant-identity-"));
    const issue = (name: string) => {
        const r = spawnSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", path.join(dir, `${name}.key`),
            "-out", path.join(dir, `${name}.pem`), "-subj", `/O=oss-monitoring/OU=monitored/CN=${name}`, "-days", "1"], { encoding: "utf8" });
        assert.strictEqual(r.status, 0, r.stderr);
        return { cert: fs.readFileSync(path.join(dir, `${name}.pem`), "utf8"), key: fs.readFileSync(path.join(dir, `${name}.key`), "utf8") };
    };
    const leaf = issue("account-333333333333");
    const ca = issue("tenant-ca");
    fs.rmSync(dir, { recursive: true, force: true });
    return { certificate: leaf.cert, chain: ca.cert, privateKey: leaf.key };
}

describe("tenant identity (spoke side)", () => {
    const pem = realPem();
    const json = (o: Record<string, unknown>) => JSON.stringify(o);

    it("parses the hub's JSON secret (IDENTITY_SECRET_KEYS) holding openssl-made PEM", () => {
        assert.deepStrictEqual(Object.values(IDENTITY_SECRET_KEYS), ["certificate", "chain", "privateKey"]);
        assert.deepStrictEqual(parseIdentitySecret(json(pem), WHERE), pem);
        assert.deepStrictEqual(parseIdentitySecret(json({ ...pem, chain: "" }), WHERE).chain, "", "a certificate issued by the root itself may come without a chain");
    });

    it("refuses malformed JSON, missing keys and wrong PEM shapes with one line naming the key, never quoting the secret", () => {
        const cases: Array<[string, RegExp]> = [
            ["certificate=abc", /: the value is not JSON;/],
            ["[1,2]", /: the value is not a JSON object with certificate, chain, privateKey;/],
            [json({ certificate: pem.certificate }), /: missing or not a string: chain, privateKey;/],
            [json({ ...pem, privateKey: 42 }), /: missing or not a string: privateKey;/],
            [json({ ...pem, certificate: pem.privateKey }), /: certificate: expected exactly one PEM CERTIFICATE block;/],
            [json({ ...pem, certificate: pem.certificate + pem.chain }), /: certificate: expected exactly one PEM CERTIFICATE block;/],
            [json({ ...pem, certificate: `note\n${pem.certificate}` }), /: certificate: expected exactly one PEM CERTIFICATE block;/],
            [json({ ...pem, chain: pem.privateKey }), /: chain: expected PEM CERTIFICATE blocks only;/],
            [json({ ...pem, privateKey: pem.certificate }), /: privateKey: expected exactly one PEM private key block/],
            [json({ ...pem, privateKey: pem.privateKey.replace("-----END PRIVATE KEY-----", "") }), /: privateKey: expected exactly one PEM private key block/],
        ];
        for (const [value, expected] of cases) {
            assert.throws(() => parseIdentitySecret(value, WHERE), (e: unknown) => {
                const message = (e as Error).message;
                assert.match(message, new RegExp(`^identity secret ${WHERE.replace(/\//g, "\\/")}${expected.source}`));
                assert.ok(!message.includes("\n"), "one line");
                assert.ok(!message.includes(pem.privateKey.split("\n")[1]), "never quotes the key");
                assert.match(message, /redeploy the hub/);
                return true;
            }, value.slice(0, 30));
        }
    });

    it("builds tls.crt as certificate then chain, and tls.key, as openssl reads them", () => {
        const data = tlsSecretData(pem);
        assert.deepStrictEqual(Object.keys(data), ["tls.crt", "tls.key"]);
        assert.strictEqual(data["tls.crt"], `${pem.certificate.trim()}\n${pem.chain.trim()}\n`);
        assert.strictEqual(data["tls.key"], `${pem.privateKey.trim()}\n`);
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tls-secret-"));
        fs.writeFileSync(path.join(dir, "tls.crt"), data["tls.crt"]);
        fs.writeFileSync(path.join(dir, "tls.key"), data["tls.key"]);
        // openssl x509 reads the first certificate of the file: the leaf must come first.
        const subject = spawnSync("openssl", ["x509", "-noout", "-subject", "-in", path.join(dir, "tls.crt")], { encoding: "utf8" });
        assert.match(subject.stdout, /CN ?= ?account-333333333333/);
        const pub = (args: string[]) => spawnSync("openssl", args, { encoding: "utf8" }).stdout;
        assert.strictEqual(pub(["x509", "-noout", "-pubkey", "-in", path.join(dir, "tls.crt")]), pub(["pkey", "-pubout", "-in", path.join(dir, "tls.key")]), "the key matches the leaf");
        fs.rmSync(dir, { recursive: true, force: true });
        assert.strictEqual(tlsSecretData({ ...pem, chain: "" })["tls.crt"], `${pem.certificate.trim()}\n`);
    });

    it("finds the tenant's full secret ARN in the hub output, or fails naming the fix", () => {
        const arns = { "account-333333333333": identitySecretArn("account-333333333333"), "site-dc1": identitySecretArn("site-dc1") };
        assert.strictEqual(identitySecretArnFor(arns, { kind: "monitored", account: "333333333333" }, HUB), arns["account-333333333333"]);
        assert.strictEqual(identitySecretArnFor(arns, { kind: "onprem", account: "777777777777", site: "dc1" }, HUB), arns["site-dc1"]);
        const fix = "add this stack to stacks/fleet.yaml and deploy the hub before it";
        assert.throws(() => identitySecretArnFor(undefined, { kind: "monitored", account: "444444444444" }, HUB), new RegExp(`^Error: hub stack ${HUB} exports no tenantIdentitySecretArns: ${fix}`));
        assert.throws(() => identitySecretArnFor(arns, { kind: "monitored", account: "444444444444" }, HUB), new RegExp(`hub stack ${HUB} has no identity for account-444444444444: ${fix}`));
        assert.throws(() => identitySecretArnFor(["x"], { kind: "monitored", account: "333333333333" }, HUB), /is not a map of tenant to secret ARN/);
        // A name instead of a full ARN (cross-account reads need the ARN), or another tenant's secret.
        assert.throws(() => identitySecretArnFor({ "account-333333333333": "oss-monitoring/identity/account-333333333333" }, { kind: "monitored", account: "333333333333" }, HUB), /is not the ARN of secret oss-monitoring\/identity\/account-333333333333/);
        assert.throws(() => identitySecretArnFor({ "account-333333333333": arns["site-dc1"] }, { kind: "monitored", account: "333333333333" }, HUB), /is not the ARN of secret/);
    });

    it("offline plan: mocks GetSecretValue for identity secrets only, with a value the parser accepts", () => {
        const arn = identitySecretArn("site-dc1");
        const v = mockSecretVersion(arn);
        assert.strictEqual(v.arn, arn);
        assert.deepStrictEqual(v.versionStages, ["AWSCURRENT"]);
        const parsed = parseIdentitySecret(String(v.secretString), "mock");
        assert.match(parsed.certificate, /^-----BEGIN CERTIFICATE-----\n/);
        assert.match(parsed.privateKey, /^-----BEGIN PRIVATE KEY-----\n/);
        assert.deepStrictEqual(mockSecretVersion(arn), v, "deterministic");
        assert.throws(() => mockSecretVersion("arn:aws:secretsmanager:us-east-1:111111111111:secret:oss-monitoring/hub/collector-tls-AbCdEf"), /no mock for secret/);
        assert.throws(() => mockSecretVersion("oss-monitoring/identity/site-dc1"), /no mock for secret/);
    });
});
