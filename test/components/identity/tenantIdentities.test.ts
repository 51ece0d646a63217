import { strict as assert } from "assert";
import * as tls from "@pulumi/tls";
import {
    CA_LIFECYCLE, caSubject, certificateValidity, IDENTITY_SECRET_RECOVERY_WINDOW_DAYS, identityKeyPolicy, identityKeyStatements, identitySecretPolicy, identitySecretValue, KMS_KEY_POLICY_MAX_BYTES,
    PCA_TEMPLATES, rotationPeriod, TenantIdentities, TenantIdentitiesArgs, tenantIdentityProblems, tenantResourceNames,
} from "../../../components/identity/tenantIdentities";
import { IDENTITY_SECRET_KEYS, Tenant, tenantKey, tenantSecretName, tenantSubject } from "../../../components/identity/tenants";
import { kmsKeyPolicy, toJson } from "../../../components/security/iam";
import { encryptionKeyPolicy } from "../../../components/security/encryptionKey";
import { evaluatePlanStack } from "../../../policy/offline";
import { SECRET_PLACEHOLDER } from "../../../automation/plan/mock/monitor";
import { Recorded, runProgram } from "../../harness";
import { COST_TAGS } from "../../policy/helpers";

const HUB = "111111111111";
const REGION = "us-east-1";
const ORG = "o-abcd123456";
const mon = (account: string): Tenant => ({ kind: "monitored", account, readerRoleArn: `arn:aws:iam::${account}:role/OrganizationMonitoringDeploy` });
const site = (name: string, account: string): Tenant => ({ kind: "onprem", account, site: name, readerRoleArn: `arn:aws:iam::${account}:role/OrganizationMonitoringDeploy` });
// The example fleet's shape: two monitored accounts and two sites, one sharing a landing account.
const TENANTS = [mon("222222222222"), mon("333333333333"), site("dc1", "777777777777"), site("dc2", "777777777777")];
const NOW = new Date("2026-11-29T12:00:00Z");
const ARGS: TenantIdentitiesArgs = { account: HUB, region: REGION, organizationId: ORG, tenants: TENANTS, rotationDays: 30, now: NOW, tags: COST_TAGS };

const T = {
    ca: "aws:acmpca/certificateAuthority:CertificateAuthority",
    cert: "aws:acmpca/certificate:Certificate",
    install: "aws:acmpca/certificateAuthorityCertificate:CertificateAuthorityCertificate",
    key: "tls:index/privateKey:PrivateKey",
    csr: "tls:index/certRequest:CertRequest",
    secret: "aws:secretsmanager/secret:Secret",
    version: "aws:secretsmanager/secretVersion:SecretVersion",
    policy: "aws:secretsmanager/secretPolicy:SecretPolicy",
    kms: "aws:kms/key:Key",
};

function plan(args: Partial<TenantIdentitiesArgs> = {}, name = "identity"): Promise<Recorded> {
    return runProgram(() => {
        const ids = new TenantIdentities(name, { ...ARGS, ...args });
        return {
            caCertificatePem: ids.caCertificatePem,
            caArn: ids.caArn,
            secretArns: ids.secretArns,
            certificateArns: ids.certificateArns,
            certificatePems: ids.certificatePems,
            kmsKeyArn: ids.kmsKeyArn,
        };
    }, { account: HUB, region: REGION });
}

describe("tenant identities (hub PKI)", () => {
    let r: Recorded;
    before(async () => {
        r = await plan();
    });

    it("creates one ROOT general-purpose EC P-256 CA with CRL and OCSP off, and installs its self-signed certificate", () => {
        const ca = r.one(T.ca);
        assert.equal(ca.inputs.type, "ROOT");
        assert.equal(ca.inputs.usageMode, "GENERAL_PURPOSE");
        assert.deepEqual(ca.inputs.certificateAuthorityConfiguration, {
            keyAlgorithm: "EC_prime256v1", signingAlgorithm: "SHA256WITHECDSA", subject: { organization: "oss-monitoring", commonName: "oss-monitoring tenant identity CA" },
        });
        assert.deepEqual(ca.inputs.revocationConfiguration, { crlConfiguration: { enabled: false }, ocspConfiguration: { enabled: false } });
        const root = r.named("identity-ca-root");
        assert.equal(root.inputs.templateArn, PCA_TEMPLATES.root);
        assert.equal(root.inputs.templateArn, "arn:aws:acm-pca:::template/RootCACertificate/V1");
        assert.deepEqual(root.inputs.validity, { type: "YEARS", value: "10" });
        assert.match(String(root.inputs.certificateSigningRequest), /^-----BEGIN CERTIFICATE REQUEST-----\n/);
        const install = r.one(T.install);
        assert.match(String(install.inputs.certificate), /^-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+\n-----END CERTIFICATE-----\n$/);
        assert.equal(install.inputs.certificate, r.publicOutputs.caCertificatePem, "the trust anchor output is the installed root certificate");
        assert.equal(install.inputs.certificateAuthorityArn, r.publicOutputs.caArn);
        assert.equal(root.inputs.certificateAuthorityArn, r.publicOutputs.caArn);
        assert.match(String(r.publicOutputs.caArn), /^arn:aws:acm-pca:us-east-1:111111111111:certificate-authority\//);
    });

    it("issues, per tenant and period, an ECDSA P-256 key, a CSR with the manifest's subject and a client-auth certificate valid 3 periods", () => {
        const period = rotationPeriod(NOW, 30);
        assert.equal(r.ofType(T.key).length, TENANTS.length);
        assert.equal(r.ofType(T.csr).length, TENANTS.length);
        assert.equal(r.ofType(T.cert).length, TENANTS.length + 1, "tenant certificates plus the root");
        const install = r.one(T.install);
        for (const t of TENANTS) {
            const base = `identity-${tenantKey(t)}-p${period}`;
            const key = r.named(`${base}-key`);
            assert.deepEqual(key.inputs, { algorithm: "ECDSA", ecdsaCurve: "P256" });
            const csr = r.named(`${base}-csr`);
            // The subject is the manifest's name and nothing else: no SANs, which the
            // EndEntityClientAuthCertificate template would copy from the CSR.
            assert.deepEqual(csr.inputs.subject, tenantSubject(t));
            assert.equal(csr.inputs.privateKeyPem, SECRET_PLACEHOLDER);
            for (const san of ["dnsNames", "ipAddresses", "uris"]) {
                assert.equal(csr.inputs[san], undefined, san);
            }
            const cert = r.named(`${base}-cert`);
            assert.equal(cert.inputs.templateArn, "arn:aws:acm-pca:::template/EndEntityClientAuthCertificate/V1");
            assert.equal(cert.inputs.signingAlgorithm, "SHA256WITHECDSA");
            assert.deepEqual(cert.inputs.validity, { type: "DAYS", value: "90" });
            assert.match(String(cert.inputs.certificateSigningRequest), /^-----BEGIN CERTIFICATE REQUEST-----\n/);
            assert.ok(cert.dependencies.includes(install.urn), `${cert.name} waits for the installed CA certificate`);
        }
        assert.deepEqual(tenantSubject(site("dc1", "777777777777")), { commonName: "site-dc1", organizationalUnit: "onprem", organization: "oss-monitoring" });
    });

    it("keeps one CMK-encrypted secret per tenant, named by the model, holding {certificate, chain, privateKey} as a secret", () => {
        const keyArn = String(r.publicOutputs.kmsKeyArn);
        assert.match(keyArn, /^arn:aws:kms:us-east-1:111111111111:key\//);
        assert.deepEqual(r.ofType(T.secret).map((s) => s.inputs.name).sort(), TENANTS.map((t) => tenantSecretName(t)).sort());
        for (const t of TENANTS) {
            const secret = r.named(`identity-${tenantKey(t)}-secret`);
            assert.equal(secret.inputs.kmsKeyId, keyArn, `${secret.name} uses the CMK`);
            const version = r.named(`identity-${tenantKey(t)}-secret-value`);
            assert.equal(version.inputs.secretString, SECRET_PLACEHOLDER);
            assert.match(String(version.inputs.secretId), new RegExp(`^arn:aws:secretsmanager:us-east-1:111111111111:secret:${tenantSecretName(t)}-[0-9a-f]{6}$`));
        }
        assert.deepEqual(JSON.parse(identitySecretValue({ certificate: "C", chain: "H", privateKey: "K" })), { [IDENTITY_SECRET_KEYS.certificate]: "C", [IDENTITY_SECRET_KEYS.chain]: "H", [IDENTITY_SECRET_KEYS.privateKey]: "K" });
        assert.deepEqual(Object.keys(r.publicOutputs.secretArns as object).sort(), TENANTS.map(tenantKey).sort());
    });

    it("deletes identity secrets without a recovery window, so a tenant re-added (or a hub re-created) within 30 days gets its name back", () => {
        assert.equal(IDENTITY_SECRET_RECOVERY_WINDOW_DAYS, 0);
        for (const secret of r.ofType(T.secret)) {
            assert.strictEqual(secret.inputs.recoveryWindowInDays, 0, `${secret.name}: Secrets Manager's default window is 30 days`);
        }
    });

    it("cannot replace the CA by accident: renaming the fleet keeps its URN and is ignored, and CA, root and installation are protected", async () => {
        const renamed = await plan({ fleetName: "acme-observability" });
        const ca = r.one(T.ca);
        const renamedCa = renamed.one(T.ca);
        // The new name reaches the inputs (a new hub would get it) ...
        assert.deepEqual((renamedCa.inputs.certificateAuthorityConfiguration as { subject: unknown }).subject, caSubject("acme-observability"));
        // ... but neither the URN nor the engine's diff: the subject is ignored after creation.
        assert.equal(renamedCa.urn, ca.urn);
        assert.deepEqual(renamedCa.options, { protect: true, ignoreChanges: ["certificateAuthorityConfiguration.subject"] });
        for (const name of ["identity-ca-root", "identity-ca-install"]) {
            assert.equal(renamed.named(name).urn, r.named(name).urn, name);
            assert.deepEqual(r.named(name).options, { protect: true }, `${name} is protected`);
        }
        assert.deepEqual(CA_LIFECYCLE.ca, { protect: true, ignoreChanges: ["certificateAuthorityConfiguration.subject"] });
        // Tenant certificates stay unprotected (they rotate) but are never revoked by a deletion.
        for (const cert of r.ofType(T.cert).filter((c) => c.name !== "identity-ca-root")) {
            assert.deepEqual(cert.options, { retainOnDelete: true }, cert.name);
        }
    });

    it("lets only the tenant's deploy role read its secret: account root + aws:PrincipalArn + aws:PrincipalOrgID, public policies blocked", () => {
        const t = TENANTS[2];
        assert.deepEqual(identitySecretPolicy(t, ORG), {
            Version: "2012-10-17",
            Statement: [{
                Sid: "TenantDeployRoleReadsItsIdentity",
                Effect: "Allow",
                Principal: { AWS: "arn:aws:iam::777777777777:root" },
                Action: "secretsmanager:GetSecretValue",
                Resource: "*",
                Condition: {
                    ArnEquals: { "aws:PrincipalArn": "arn:aws:iam::777777777777:role/OrganizationMonitoringDeploy" },
                    StringEquals: { "aws:PrincipalOrgID": ORG },
                },
            }],
        });
        for (const x of TENANTS) {
            const p = r.named(`identity-${tenantKey(x)}-secret-policy`);
            assert.equal(p.inputs.blockPublicPolicy, true);
            assert.deepEqual(r.json(p, "policy"), identitySecretPolicy(x, ORG));
            assert.ok(String(p.inputs.secretArn).includes(`:secret:${tenantSecretName(x)}-`), `${p.name} is attached to its own tenant's secret`);
        }
    });

    it("lets tenants decrypt with the CMK only via Secrets Manager, for their identity secrets, as their reader role, inside the organization", () => {
        const statements = identityKeyStatements(ARGS);
        const condition = (secretArn: string) => ({
            StringEquals: { "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com", "aws:PrincipalOrgID": ORG },
            StringLike: { "kms:EncryptionContext:SecretARN": secretArn },
            ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/OrganizationMonitoringDeploy" },
        });
        assert.deepEqual(statements, [{
            Sid: "TenantReadersDecryptTheirIdentitySecrets",
            Effect: "Allow",
            Principal: { AWS: "*" },
            Action: "kms:Decrypt",
            Resource: "*",
            Condition: condition("arn:aws:secretsmanager:us-east-1:111111111111:secret:oss-monitoring/identity/account-${aws:PrincipalAccount}-??????"),
        }, {
            Sid: "SiteReadersDecryptSiteIdentitySecrets",
            Effect: "Allow",
            Principal: { AWS: "arn:aws:iam::777777777777:root" },
            Action: "kms:Decrypt",
            Resource: "*",
            Condition: condition("arn:aws:secretsmanager:us-east-1:111111111111:secret:oss-monitoring/identity/site-*"),
        }]);
        const doc = identityKeyPolicy(ARGS);
        assert.deepEqual(doc.Statement.map((s) => s.Sid), ["AccountAdministersKey", "AccountUsesKeyThroughIam", "TenantReadersDecryptTheirIdentitySecrets", "SiteReadersDecryptSiteIdentitySecrets"]);
        assert.deepEqual(doc.Statement[0].Principal, { AWS: "arn:aws:iam::111111111111:root" });
        assert.deepEqual(r.json(r.one(T.kms), "policy"), doc);
        assert.equal(r.one(T.kms).inputs.enableKeyRotation, true);
    });

    /**
     * StringLike as IAM evaluates it: policy variables are replaced by the request's values first
     * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html), then `*` matches
     * any run of characters and `?` exactly one
     * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String).
     */
    function stringLike(pattern: string, value: string, context: Record<string, string>): boolean {
        const resolved = pattern.replace(/\$\{([^}]+)\}/g, (_, k: string) => context[k] ?? "\u0000unresolved");
        const re = resolved.split("").map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^$()|[\]\\{}]/g, "\\$&"))).join("");
        return new RegExp(`^${re}$`).test(value);
    }

    it("lets a monitored account's reader match only its own identity secret's ARN", () => {
        const [own] = identityKeyStatements(ARGS);
        const pattern = String(own.Condition?.StringLike["kms:EncryptionContext:SecretARN"]);
        // Secrets Manager ARNs: the secret's name, a hyphen and six random characters.
        const arnOf = (t: Tenant, suffix = "Ab12Cd") => `arn:aws:secretsmanager:us-east-1:111111111111:secret:${tenantSecretName(t)}-${suffix}`;
        const a = mon("222222222222");
        const b = mon("333333333333");
        const ctx = (t: Tenant) => ({ "aws:PrincipalAccount": t.account });
        assert.equal(stringLike(pattern, arnOf(a), ctx(a)), true, "own secret");
        assert.equal(stringLike(pattern, arnOf(b), ctx(b)), true, "own secret, other tenant");
        assert.equal(stringLike(pattern, arnOf(b), ctx(a)), false, "another tenant's secret");
        assert.equal(stringLike(pattern, arnOf(a), ctx(b)), false, "another tenant's secret, the other way");
        assert.equal(stringLike(pattern, arnOf(site("dc1", "222222222222")), ctx(a)), false, "a site's secret in its landing account");
        assert.equal(stringLike(pattern, arnOf(a, "Ab12Cd-x"), ctx(a)), false, "a longer name that starts like its own");
        assert.equal(stringLike(pattern, arnOf(a).replace(":111111111111:", ":999999999999:"), ctx(a)), false, "the same name in another account");
        assert.equal(stringLike(pattern, arnOf(a), {}), false, "no value for the variable");
    });

    it("keeps the key policy the same size for 1, 500 and 5,000 monitored accounts", () => {
        const sizes = [1, 500, 5000].map((n) => {
            const accounts = Array.from({ length: n }, (_, i) => mon(String(100000000000 + i)));
            return Buffer.byteLength(toJson(identityKeyPolicy({ ...ARGS, tenants: [...accounts, site("dc1", "777777777777")] })));
        });
        assert.deepEqual(sizes, [sizes[0], sizes[0], sizes[0]]);
        assert.ok(sizes[0] < 2048, `${sizes[0]} bytes`);
        const fiveThousand = Array.from({ length: 5000 }, (_, i) => mon(String(100000000000 + i)));
        assert.deepEqual(tenantIdentityProblems({ ...ARGS, tenants: fiveThousand }), []);
    });

    it("EncryptionKey appends extra statements to the unchanged account-and-services policy", () => {
        const base = { account: HUB, region: REGION, services: ["logs"] as const };
        assert.deepEqual(encryptionKeyPolicy(base), kmsKeyPolicy(base));
        const extra = identityKeyStatements(ARGS);
        assert.deepEqual(encryptionKeyPolicy({ ...base, extraStatements: extra }).Statement, [...kmsKeyPolicy(base).Statement, ...extra]);
        assert.deepEqual(identityKeyStatements({ ...ARGS, tenants: [] }), []);
    });

    it("still refuses at plan time what grows the key policy past 32 KB: site landing accounts and reader role names", () => {
        const sites = Array.from({ length: 1000 }, (_, i) => site(`dc${i}`, String(200000000000 + i)));
        assert.match(tenantIdentityProblems({ ...ARGS, tenants: sites }).join("\n"),
            /^tenants: the identity key policy would be \d+ bytes, over the KMS limit of 32768 \(it lists 1000 on-prem site landing accounts and 1 reader role names\)/);
        const readers = Array.from({ length: 1000 }, (_, i) => ({ ...mon(String(100000000000 + i)), readerRoleArn: `arn:aws:iam::${100000000000 + i}:role/Reader${i}` }));
        assert.match(tenantIdentityProblems({ ...ARGS, tenants: readers }).join("\n"), /over the KMS limit of 32768 \(it lists 0 on-prem site landing accounts and 1000 reader role names\)/);
        const fits = [...Array.from({ length: 2000 }, (_, i) => mon(String(100000000000 + i))), ...sites.slice(0, 50)];
        assert.deepEqual(tenantIdentityProblems({ ...ARGS, tenants: fits }), [], "2,000 accounts + 50 sites fit");
        // 32 KB: https://docs.aws.amazon.com/kms/latest/developerguide/resource-limits.html#key-policy-limit
        assert.equal(KMS_KEY_POLICY_MAX_BYTES, 32 * 1024);
    });

    it("rotates: a new period gets new key, CSR and certificate names; the secret, its version and policy keep theirs", async () => {
        const t = TENANTS[0];
        const a = tenantResourceNames("identity", t, NOW, 30);
        const sameDay = tenantResourceNames("identity", t, new Date(NOW.getTime() + 3_600_000), 30);
        const next = tenantResourceNames("identity", t, new Date(NOW.getTime() + 30 * 86_400_000), 30);
        assert.deepEqual(sameDay, a);
        for (const k of ["key", "csr", "certificate"] as const) {
            assert.notEqual(next[k], a[k], k);
        }
        for (const k of ["secret", "secretVersion", "secretPolicy"] as const) {
            assert.equal(next[k], a[k], k);
        }
        assert.equal(a.key, `identity-account-222222222222-p${Math.floor(NOW.getTime() / (30 * 86_400_000))}-key`);

        const later = await plan({ now: new Date(NOW.getTime() + 30 * 86_400_000) });
        const names = (x: Recorded, type: string) => x.ofType(type).map((y) => y.name).sort();
        for (const type of [T.key, T.csr]) {
            assert.equal(names(later, type).filter((n) => names(r, type).includes(n)).length, 0, type);
        }
        for (const type of [T.secret, T.version, T.policy, T.ca, T.install]) {
            assert.deepEqual(names(later, type), names(r, type), type);
        }
        assert.deepEqual(later.publicOutputs.secretArns, r.publicOutputs.secretArns);
    });

    it("sizes validity as 3 rotation periods (the secret holds the newest; a spoke may lag 2 periods)", () => {
        assert.deepEqual(certificateValidity(30), { type: "DAYS", value: "90" });
        assert.deepEqual(certificateValidity(1), { type: "DAYS", value: "3" });
        assert.deepEqual(certificateValidity(120), { type: "DAYS", value: "360" });
        assert.equal(rotationPeriod(new Date(0), 30), 0);
        assert.equal(rotationPeriod(new Date(30 * 86_400_000 - 1), 30), 0);
        assert.equal(rotationPeriod(new Date(30 * 86_400_000), 30), 1);
    });

    it("shows no private key in any plain input or output; the key reaches only secret values", async () => {
        const plainInputs = JSON.stringify(r.resources.map((x) => x.inputs));
        assert.doesNotMatch(plainInputs, /PRIVATE KEY/);
        assert.doesNotMatch(JSON.stringify(r.publicOutputs), /PRIVATE KEY/);
        assert.match(String(r.publicOutputs.caCertificatePem), /^-----BEGIN CERTIFICATE-----\n/);
        const pems = r.publicOutputs.certificatePems as Record<string, string>;
        assert.deepEqual(Object.keys(pems).sort(), TENANTS.map(tenantKey).sort());
        for (const pem of Object.values(pems)) {
            assert.match(pem, /^-----BEGIN CERTIFICATE-----\n[^]*-----END CERTIFICATE-----\n$/);
            assert.notEqual(pem, r.publicOutputs.caCertificatePem);
        }
        // The plan does produce key material, and as a secret output (as the engine marks privateKeyPem).
        const revealed = await runProgram(() => {
            const k = new tls.PrivateKey("probe", { algorithm: "ECDSA", ecdsaCurve: "P256" });
            return { pem: k.privateKeyPem };
        }, { account: HUB, region: REGION });
        assert.match(String(revealed.outputs.pem), /^-----BEGIN EC PRIVATE KEY-----\n/);
        assert.equal(revealed.publicOutputs.pem, SECRET_PLACEHOLDER, "privateKeyPem is a secret output, as the engine marks it");
    });

    it("refuses bad input with one line naming the field", async () => {
        const lines = (a: Partial<TenantIdentitiesArgs>) => tenantIdentityProblems({ ...ARGS, ...a });
        assert.deepEqual(lines({}), []);
        for (const d of [0, 121, 1.5]) {
            assert.deepEqual(lines({ rotationDays: d }), [`rotationDays: expected a whole number of days from 1 to 120 (got ${d})`]);
        }
        assert.match(lines({ organizationId: "abc" })[0], /^organizationId: expected an AWS Organizations ID/);
        assert.match(lines({ account: "1111" })[0], /^account: expected the hub's 12-digit account ID/);
        assert.match(lines({ region: "" })[0], /^region: /);
        assert.match(lines({ fleetName: "x".repeat(60) })[0], /^fleetName: /);
        assert.match(lines({ tenants: [TENANTS[0], TENANTS[0]] })[0], /^tenants\[1\]: account-222222222222 is listed twice/);
        assert.match(lines({ tenants: [{ ...TENANTS[0], readerRoleArn: "arn:aws:iam::999999999999:role/X" }] })[0], /^tenants\[0\]\.readerRoleArn: /);
        await assert.rejects(plan({ rotationDays: 0 }), /rotationDays: expected a whole number of days from 1 to 120 \(got 0\)/);
        assert.equal(caSubject("acme").commonName, "acme tenant identity CA");
    });

    it("passes the policy pack with no mandatory or advisory violation on its resources (the key's org-bound wildcard principal included), even in a regulated stack", () => {
        const own = new Set(r.resources.filter((x) => x.type !== "pulumi:pulumi:Stack").map((x) => x.urn));
        for (const regulated of [false, true]) {
            // Stack-wide rules (e.g. a regulated stack's interface endpoints) concern the whole hub, not this component.
            const violations = evaluatePlanStack({ stack: "hub", role: "hub", account: HUB, region: REGION, regulated, resources: r.resources }).filter((v) => own.has(v.urn));
            assert.deepEqual(violations.map((v) => `${v.enforcementLevel} ${v.policy}: ${v.urn.split("::").pop()}: ${v.message}`), [], regulated ? "regulated" : "");
        }
    });
});
