import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { EncryptionKey, encryptionKeyPolicy } from "../security/encryptionKey";
import { accountRoot, PolicyDocument, policyDocument, Statement, toJson } from "../security/iam";
import { Tags, withName } from "../security/tags";
import { IDENTITY_SECRET_KEYS, IDENTITY_SECRET_PREFIX, Tenant, TENANT_ORGANIZATION, tenantKey, tenantProblems, tenantSecretName, tenantSubject } from "./tenants";
import { rotatingTokenName } from "../security/rotation";
import { inBatches, REGISTRATION_BATCH_DEFAULTS } from "./registrationBatches";
import { ROTATION_DAYS } from "./tenantIdentitiesSettings";

/**
 * The hub's tenant PKI: one AWS Private CA whose certificates name each monitored account and
 * on-prem site (subject from the fleet manifest, see tenantSubject), re-issued every rotation
 * period and handed to the tenant's deploy role through a Secrets Manager secret.
 * Rotation and revocation as built: README "Tenant identity".
 */

export interface TenantIdentitiesArgs {
    /** The hub account: owns the CA, the secrets and their KMS key. */
    readonly account: string;
    /** The hub region (the CA, the secrets and the key are regional). */
    readonly region: string;
    /** AWS Organizations ID (`o-…`): readers must belong to it (aws:PrincipalOrgID). */
    readonly organizationId: string;
    /** Every tenant of the fleet (monitored accounts and on-prem sites). */
    readonly tenants: readonly Tenant[];
    /** Days between certificate rotations, 1..120. Default 30. A certificate is valid 3 periods. */
    readonly rotationDays?: number;
    /** Clock for the rotation period; tests pin it. Default: now. */
    readonly now?: Date;
    /** Organization (O) and the start of the common name of the CA's subject. Default "oss-monitoring". */
    readonly fleetName?: string;
    readonly tags?: pulumi.Input<Tags>;
    /**
     * Tenants whose resources are constructed together; each further batch one event-loop turn
     * later, so an offline plan holds at most one batch pending (registrationBatches.ts). Changes
     * nothing that is deployed. Default 50 (REGISTRATION_BATCH_DEFAULTS).
     */
    readonly registrationBatch?: number;
}

/**
 * A certificate outlives its period twice over: the secret always holds the newest, and a spoke
 * copies it at its own deploy, so a spoke may lag the hub by up to 2 periods before its
 * certificate expires.
 */
export const VALID_PERIODS = 3;

/**
 * The CA is the trust anchor of every tenant: replacing it makes a new key, and every tenant is
 * refused until the whole fleet has redeployed. Every argument of acmpca.CertificateAuthority's
 * certificateAuthorityConfiguration forces a new CA (terraform-provider-aws
 * internal/service/acmpca/certificate_authority.go: ForceNew on the block), so:
 * - the subject (from fleetName) is ignored after creation: renaming the fleet keeps the CA, its
 *   key and its certificate (a new hub gets the new name);
 * - the CA, its self-signed certificate and its installation are protected: the engine refuses to
 *   delete or replace a protected resource ("resource … cannot be deleted because it is protected",
 *   https://www.pulumi.com/docs/iac/concepts/options/protect/), so any other change that would
 *   replace them (key algorithm, usage mode) fails the preview instead of cutting off the fleet.
 *   Destroying the hub on purpose: `pulumi state unprotect` those three first.
 */
export const CA_LIFECYCLE: { readonly ca: pulumi.CustomResourceOptions; readonly root: pulumi.CustomResourceOptions } = {
    ca: { protect: true, ignoreChanges: ["certificateAuthorityConfiguration.subject"] },
    root: { protect: true },
};

/** Identity secrets are deleted without recovery (see tenantSecret). */
export const IDENTITY_SECRET_RECOVERY_WINDOW_DAYS = 0;

/** Years the self-signed root is valid; every issued certificate must end before it does. */
export const ROOT_VALIDITY_YEARS = 10;

/**
 * AWS Private CA templates: RootCACertificate/V1 for the CA's own self-signed certificate,
 * EndEntityClientAuthCertificate/V1 for tenants (extended key usage TLS client authentication;
 * subject and SANs are taken from the CSR, so the hub-built CSR decides the name).
 * https://docs.aws.amazon.com/privateca/latest/userguide/template-definitions.html
 */
export const PCA_TEMPLATES = {
    root: "arn:aws:acm-pca:::template/RootCACertificate/V1",
    clientAuth: "arn:aws:acm-pca:::template/EndEntityClientAuthCertificate/V1",
} as const;

/** EC P-256 keys signed with SHA-256 ECDSA, for the CA and for every tenant key. */
export const KEY_ALGORITHM = { pca: "EC_prime256v1", tls: "ECDSA", curve: "P256", signing: "SHA256WITHECDSA" } as const;

/** A key policy holds at most 32 KB. https://docs.aws.amazon.com/kms/latest/developerguide/resource-limits.html#key-policy-limit */
export const KMS_KEY_POLICY_MAX_BYTES = 32_768;

const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;
const ACCOUNT = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

/** Every problem with the arguments, one line each naming the field (empty when valid). */
export function tenantIdentityProblems(args: TenantIdentitiesArgs): string[] {
    const problems: string[] = [];
    if (!ACCOUNT.test(args.account)) {
        problems.push(`account: expected the hub's 12-digit account ID (got ${args.account})`);
    }
    if (!REGION.test(args.region)) {
        problems.push(`region: expected an AWS region such as us-east-1 (got ${args.region})`);
    }
    if (!ORGANIZATION_ID.test(args.organizationId)) {
        problems.push(`organizationId: expected an AWS Organizations ID such as o-abcd123456 (got ${args.organizationId})`);
    }
    const days = args.rotationDays ?? ROTATION_DAYS.default;
    if (!Number.isInteger(days) || days < ROTATION_DAYS.min || days > ROTATION_DAYS.max) {
        problems.push(`rotationDays: expected a whole number of days from ${ROTATION_DAYS.min} to ${ROTATION_DAYS.max} (got ${days})`);
    }
    if (args.now !== undefined && Number.isNaN(args.now.getTime())) {
        problems.push("now: expected a valid date");
    }
    const fleet = args.fleetName ?? TENANT_ORGANIZATION;
    if (!/^[A-Za-z0-9][A-Za-z0-9 .-]*$/.test(fleet) || caSubject(fleet).commonName.length > 64) {
        problems.push(`fleetName: expected letters, digits, spaces, dots and dashes, at most ${64 - caSubject("").commonName.length} characters (got ${fleet})`);
    }
    const batch = args.registrationBatch ?? REGISTRATION_BATCH_DEFAULTS.tenants;
    if (!Number.isInteger(batch) || batch < REGISTRATION_BATCH_DEFAULTS.min) {
        problems.push(`registrationBatch: expected a whole number of tenants, at least ${REGISTRATION_BATCH_DEFAULTS.min} (got ${batch})`);
    }
    const tenantIssues = tenantProblems(args.tenants);
    problems.push(...tenantIssues);
    if (tenantIssues.length === 0 && problems.length === 0) {
        const bytes = Buffer.byteLength(toJson(identityKeyPolicy(args)));
        if (bytes > KMS_KEY_POLICY_MAX_BYTES) {
            // Monitored accounts add nothing to it (identityKeyStatements); site landing accounts and reader role names do.
            const siteAccounts = new Set(args.tenants.filter((t) => t.kind === "onprem").map((t) => t.account)).size;
            const readerNames = new Set(args.tenants.map((t) => t.readerRoleArn.replace(/^.*:role\//, ""))).size;
            problems.push(`tenants: the identity key policy would be ${bytes} bytes, over the KMS limit of ${KMS_KEY_POLICY_MAX_BYTES} ` +
                `(it lists ${siteAccounts} on-prem site landing accounts and ${readerNames} reader role names); split the sites over several hubs`);
        }
    }
    return problems;
}

/** Index of the rotation period containing `now` (periods start at the Unix epoch). */
export function rotationPeriod(now: Date, rotationDays: number): number {
    return Math.floor(now.getTime() / (rotationDays * 86_400_000));
}

/**
 * Resource names of one tenant. Key, CSR and certificate carry the period (rotatingTokenName), so a
 * new period creates new ones and the previous ones leave the program; the secret, its version and
 * its policy keep their names, so the secret ARN the spokes read never changes.
 */
export function tenantResourceNames(name: string, t: Pick<Tenant, "kind" | "account" | "site">, now: Date, rotationDays: number) {
    const base = `${name}-${tenantKey(t)}`;
    const periodic = rotatingTokenName(base, now, rotationDays);
    return {
        key: `${periodic}-key`,
        csr: `${periodic}-csr`,
        certificate: `${periodic}-cert`,
        secret: `${base}-secret`,
        secretVersion: `${base}-secret-value`,
        secretPolicy: `${base}-secret-policy`,
    };
}

type TenantResourceNames = ReturnType<typeof tenantResourceNames>;

/**
 * The earliest moment the certificate of the period containing `now` can expire: it is issued at
 * the first deploy of the period (no earlier than the period's start) and valid VALID_PERIODS
 * periods. An alert on this time fires no later than it would on the real expiry.
 */
export function earliestCertificateExpiry(now: Date, rotationDays: number): Date {
    return new Date((rotationPeriod(now, rotationDays) + VALID_PERIODS) * rotationDays * 86_400_000);
}

/** Each tenant's current certificate expiry (earliest), with its identity labels, for the expiry alert. */
export function tenantCertificateSignals(tenants: readonly Tenant[], now: Date, rotationDays: number): { account: string; site?: string; notAfterSeconds: number }[] {
    const notAfterSeconds = Math.floor(earliestCertificateExpiry(now, rotationDays).getTime() / 1000);
    return tenants.map((t) => ({ account: t.account, ...(t.kind === "onprem" ? { site: t.site } : {}), notAfterSeconds }));
}

/** Validity of a tenant certificate, in the shape acmpca.Certificate takes. */
export function certificateValidity(rotationDays: number): { type: "DAYS"; value: string } {
    return { type: "DAYS", value: String(VALID_PERIODS * rotationDays) };
}

/** Subject of the CA: the fleet as organization and in the common name (≤ 64 characters). */
export function caSubject(fleetName: string): { organization: string; commonName: string } {
    return { organization: fleetName, commonName: `${fleetName} tenant identity CA` };
}

/**
 * Resource policy of a tenant's identity secret: only the tenant's deploy role may read it.
 *
 * The principal is the tenant account's root narrowed by aws:PrincipalArn, not the role ARN itself:
 * a role ARN in a Principal element is resolved to the role's unique ID when the policy is saved
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-roles),
 * so Secrets Manager rejects a policy naming a role that does not exist yet
 * (https://github.com/hashicorp/terraform-provider-aws/issues/14449), and the spokes' deploy roles
 * may be created after the hub. The condition is also immune to a deleted and re-created role
 * silently losing access. For a role session aws:PrincipalArn is the role's ARN, not the session's
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn).
 * Only GetSecretValue: the spokes read the value with getSecretVersion, which calls nothing else
 * (terraform-provider-aws internal/service/secretsmanager/secret_version_data_source.go), and
 * cross-account access needs both this policy and the reader's identity policy
 * (https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_examples_cross.html).
 * In a secret's resource policy `Resource: "*"` means this secret.
 */
export function identitySecretPolicy(t: Tenant, organizationId: string): PolicyDocument {
    return policyDocument([
        {
            Sid: "TenantDeployRoleReadsItsIdentity",
            Effect: "Allow",
            Principal: { AWS: accountRoot(t.account) },
            Action: "secretsmanager:GetSecretValue",
            Resource: "*",
            Condition: {
                ArnEquals: { "aws:PrincipalArn": t.readerRoleArn },
                StringEquals: { "aws:PrincipalOrgID": organizationId },
            },
        },
    ]);
}

/**
 * IAM policy variable that resolves, at evaluation, to the account of the calling principal. Policy
 * variables may be used in resource-based policies (a key policy is one:
 * https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html) and in string comparisons of the
 * Condition element (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html,
 * "Where you can use policy variables"); aws:PrincipalAccount is in the context of every signed request
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalaccount),
 * so the variable always resolves and the statement is never invalid for lack of a value.
 */
export const PRINCIPAL_ACCOUNT_VARIABLE = "${aws:PrincipalAccount}";

/**
 * ARN pattern of the one identity secret a monitored account's reader may decrypt: its own, named after
 * the caller's account (tenantSecretName: `…/account-<12 digits>`). Secrets Manager appends a hyphen and
 * six random characters to a secret's name in its ARN
 * (https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_iam-permissions.html#iam-resources),
 * hence `-??????` (StringLike: `?` is exactly one character,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String).
 */
export function ownAccountSecretArnPattern(region: string, account: string): string {
    const name = tenantSecretName({ kind: "monitored", account: PRINCIPAL_ACCOUNT_VARIABLE });
    return `arn:aws:secretsmanager:${region}:${account}:secret:${name}-??????`;
}

/** ARN pattern of every site's identity secret (`…/site-<name>`: the name does not carry the landing account). */
export function siteSecretArnPattern(region: string, account: string): string {
    return `arn:aws:secretsmanager:${region}:${account}:secret:${IDENTITY_SECRET_PREFIX}site-*`;
}

type KeyStatementArgs = Pick<TenantIdentitiesArgs, "account" | "region" | "organizationId" | "tenants">;

/** `arn:…:iam::*:role/<name>` for each distinct reader role name of `tenants`, sorted. */
function readerPatterns(tenants: readonly Tenant[]): string[] {
    return [...new Set(tenants.map((t) => t.readerRoleArn.replace(/^(arn:[^:]+:iam::)\d{12}:/, "$1*:")))].sort();
}

const one = (xs: string[]): string | string[] => (xs.length === 1 ? xs[0] : xs);

/**
 * What the tenants' readers need from the CMK: kms:Decrypt, only through Secrets Manager in the hub
 * region (kms:ViaService), only for identity secrets (Secrets Manager passes the secret ARN as the
 * encryption context key SecretARN: https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html#security-encryption-encryption-context),
 * only for roles named like the readers, in the organization. The AWS-managed aws/secretsmanager key
 * cannot be shared across accounts, hence a CMK
 * (https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_examples_cross.html).
 *
 * Constant size in the number of monitored accounts (KMS caps a key policy at 32 KB, see
 * KMS_KEY_POLICY_MAX_BYTES): monitored accounts are not listed; Principal "*" is bounded by
 * aws:PrincipalOrgID, the reader-role ARN pattern, kms:ViaService and a SecretARN pattern that holds
 * ${aws:PrincipalAccount}, so a monitored account's reader passes the key policy only for the secret
 * named after its own account (before, every tenant's root was listed and the pattern admitted every
 * identity secret). KMS takes a "*" principal bounded by conditions: the policies of AWS managed keys are
 * written that way (Principal "*" with kms:CallerAccount and kms:ViaService,
 * https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-caller-account), as is
 * the CDK's kms.ViaServicePrincipal (aws/aws-cdk packages/aws-cdk-lib/aws-kms/lib/via-service-principal.ts: AnyPrincipal
 * plus kms:ViaService). Sites' secrets are named after the site, not the landing account, so their landing
 * accounts are still listed (one root each, for the site-* secrets only): what can still grow, and what the
 * 32 KB check in tenantIdentityProblems still guards. Per site, the secret's own resource policy
 * (identitySecretPolicy) names the one reader: Secrets Manager decrypts with KMS on the caller's behalf only
 * for a GetSecretValue that policy allowed (cross-account access needs the secret's policy and the key's:
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_examples_cross.html).
 */
export function identityKeyStatements(args: KeyStatementArgs): Statement[] {
    const monitored = args.tenants.filter((t) => t.kind === "monitored");
    const sites = args.tenants.filter((t) => t.kind === "onprem");
    const condition = (secretArn: string, readers: readonly Tenant[]) => ({
        StringEquals: { "kms:ViaService": `secretsmanager.${args.region}.amazonaws.com`, "aws:PrincipalOrgID": args.organizationId },
        StringLike: { "kms:EncryptionContext:SecretARN": secretArn },
        ArnLike: { "aws:PrincipalArn": one(readerPatterns(readers)) },
    });
    const statements: Statement[] = [];
    if (monitored.length > 0) {
        statements.push({
            Sid: "TenantReadersDecryptTheirIdentitySecrets",
            Effect: "Allow",
            Principal: { AWS: "*" },
            Action: "kms:Decrypt",
            Resource: "*",
            Condition: condition(ownAccountSecretArnPattern(args.region, args.account), monitored),
        });
    }
    if (sites.length > 0) {
        const roots = [...new Set(sites.map((t) => t.account))].sort().map((a) => accountRoot(a));
        statements.push({
            Sid: "SiteReadersDecryptSiteIdentitySecrets",
            Effect: "Allow",
            Principal: { AWS: one(roots) },
            Action: "kms:Decrypt",
            Resource: "*",
            Condition: condition(siteSecretArnPattern(args.region, args.account), sites),
        });
    }
    return statements;
}

/** The identity CMK's policy: the hub account administers and uses it (kmsKeyPolicy), tenants decrypt as above. */
export function identityKeyPolicy(args: KeyStatementArgs): PolicyDocument {
    return encryptionKeyPolicy({ account: args.account, region: args.region, extraStatements: identityKeyStatements(args) });
}

/** SecretString of an identity secret: PEM certificate, chain (up to the root) and private key. */
export function identitySecretValue(parts: { certificate: string; chain: string; privateKey: string }): string {
    return JSON.stringify({
        [IDENTITY_SECRET_KEYS.certificate]: parts.certificate,
        [IDENTITY_SECRET_KEYS.chain]: parts.chain,
        [IDENTITY_SECRET_KEYS.privateKey]: parts.privateKey,
    });
}

/** What the component exposes per tenant (secretArns, certificateArns, certificatePems). */
const TENANT_OUTPUTS = ["secretArn", "certificateArn", "certificatePem"] as const;

export class TenantIdentities extends pulumi.ComponentResource {
    /** PEM of the hub CA that issues tenant certificates: the only CA the hub proxy trusts for clients. */
    public readonly caCertificatePem: pulumi.Output<string>;
    public readonly caArn: pulumi.Output<string>;
    /** tenantKey → ARN of the tenant's identity secret in the hub account. */
    public readonly secretArns: Record<string, pulumi.Output<string>>;
    /** tenantKey → ARN of the tenant's certificate of the current period. */
    public readonly certificateArns: Record<string, pulumi.Output<string>>;
    /**
     * tenantKey → PEM of the tenant's certificate of the current period (public; its serial,
     * `openssl x509 -noout -serial`, is what identity.revokedSerials lists to revoke it).
     */
    public readonly certificatePems: Record<string, pulumi.Output<string>>;
    /** ARN of the CMK encrypting the identity secrets (spokes' deploy roles need kms:Decrypt on it). */
    public readonly kmsKeyArn: pulumi.Output<string>;
    /** Index of the current rotation period (part of the key, CSR and certificate names). */
    public readonly rotationPeriod: number;

    constructor(name: string, args: TenantIdentitiesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("oss-monitoring:identity:TenantIdentities", name, {}, opts);
        const problems = tenantIdentityProblems(args);
        if (problems.length > 0) {
            throw new Error(problems.join("\n"));
        }
        const rotationDays = args.rotationDays ?? ROTATION_DAYS.default;
        const now = args.now ?? new Date();
        this.rotationPeriod = rotationPeriod(now, rotationDays);

        const { ca, installed } = this.certificateAuthority(name, args);
        const key = new EncryptionKey(`${name}-kms`, {
            account: args.account,
            region: args.region,
            extraStatements: identityKeyStatements(args),
            description: "Tenant identity secrets (client certificates and keys) of the monitoring hub",
            tags: args.tags,
        }, { parent: this });

        // In batches (registrationBatches.ts): the first now, the others one event-loop turn apart.
        const issued = inBatches(args.tenants, args.registrationBatch ?? REGISTRATION_BATCH_DEFAULTS.tenants, TENANT_OUTPUTS, (tenant) => {
            const names = tenantResourceNames(name, tenant, now, rotationDays);
            const { privateKey, certificate } = this.tenantCertificate(names, tenant, ca, installed, rotationDays);
            const secret = this.tenantSecret(names, tenant, args, key, { privateKey, certificate });
            return { secretArn: secret.arn, certificateArn: certificate.arn, certificatePem: certificate.certificate };
        });
        const byTenant = (k: (typeof TENANT_OUTPUTS)[number]) => Object.fromEntries(args.tenants.map((t, i) => [tenantKey(t), issued[i][k]]));
        this.secretArns = byTenant("secretArn");
        this.certificateArns = byTenant("certificateArn");
        this.certificatePems = byTenant("certificatePem");

        this.caCertificatePem = installed.certificate;
        this.caArn = ca.arn;
        this.kmsKeyArn = key.keyArn;
        this.registerOutputs({
            caCertificatePem: this.caCertificatePem,
            caArn: this.caArn,
            secretArns: this.secretArns,
            certificateArns: this.certificateArns,
            certificatePems: this.certificatePems,
            kmsKeyArn: this.kmsKeyArn,
            rotationPeriod: this.rotationPeriod,
        });
    }

    /** The root CA, its self-signed certificate and that certificate's installation (which activates the CA). */
    private certificateAuthority(name: string, args: TenantIdentitiesArgs) {
        const ca = new aws.acmpca.CertificateAuthority(`${name}-ca`, {
            type: "ROOT",
            // Not SHORT_LIVED_CERTIFICATE: that mode caps every certificate at 7 days, and certificates
            // here rotate on deploy and must outlive VALID_PERIODS × rotationDays (up to 360 days).
            // https://docs.aws.amazon.com/privateca/latest/userguide/short-lived-certificates.html
            usageMode: "GENERAL_PURPOSE",
            certificateAuthorityConfiguration: {
                keyAlgorithm: KEY_ALGORITHM.pca,
                signingAlgorithm: KEY_ALGORITHM.signing,
                subject: caSubject(args.fleetName ?? TENANT_ORGANIZATION),
            },
            // No CRL or OCSP: nothing in the data path would consult them. The hub proxy enforces
            // revocation itself (serial deny list from identity.revokedSerials) and refuses any CN
            // missing from its tenant map, so a removed tenant is refused at once.
            revocationConfiguration: { crlConfiguration: { enabled: false }, ocspConfiguration: { enabled: false } },
            permanentDeletionTimeInDays: 30,
            tags: withName(args.tags, `${name}-ca`),
        }, { parent: this, ...CA_LIFECYCLE.ca });
        const root = new aws.acmpca.Certificate(`${name}-ca-root`, {
            certificateAuthorityArn: ca.arn,
            certificateSigningRequest: ca.certificateSigningRequest,
            signingAlgorithm: KEY_ALGORITHM.signing,
            templateArn: PCA_TEMPLATES.root,
            validity: { type: "YEARS", value: String(ROOT_VALIDITY_YEARS) },
        }, { parent: this, ...CA_LIFECYCLE.root });
        const installed = new aws.acmpca.CertificateAuthorityCertificate(`${name}-ca-install`, {
            certificateAuthorityArn: ca.arn,
            certificate: root.certificate,
        }, { parent: this, ...CA_LIFECYCLE.root });
        return { ca, installed };
    }

    /** A tenant's key, CSR and the certificate the CA issues for it, all of the current period. */
    private tenantCertificate(
        names: TenantResourceNames,
        tenant: Tenant,
        ca: aws.acmpca.CertificateAuthority,
        installed: aws.acmpca.CertificateAuthorityCertificate,
        rotationDays: number,
    ) {
        const privateKey = new tls.PrivateKey(names.key, { algorithm: KEY_ALGORITHM.tls, ecdsaCurve: KEY_ALGORITHM.curve }, { parent: this });
        const csr = new tls.CertRequest(names.csr, {
            privateKeyPem: privateKey.privateKeyPem,
            // From the manifest only: a spoke supplies nothing that reaches the certificate.
            subject: tenantSubject(tenant),
        }, { parent: this });
        const certificate = new aws.acmpca.Certificate(names.certificate, {
            certificateAuthorityArn: ca.arn,
            certificateSigningRequest: csr.certRequestPem,
            signingAlgorithm: KEY_ALGORITHM.signing,
            templateArn: PCA_TEMPLATES.clientAuth,
            validity: certificateValidity(rotationDays),
        }, {
            parent: this,
            // The CA issues only once its certificate is installed (status ACTIVE).
            dependsOn: [installed],
            // Deleting an acmpca.Certificate revokes it (terraform-provider-aws
            // internal/service/acmpca/certificate.go resourceCertificateRevoke). A rotation must not
            // revoke the previous period's certificate, which spokes present until they redeploy;
            // it leaves the state and expires. Revocation is the proxy's deny list, on purpose.
            retainOnDelete: true,
        });
        return { privateKey, certificate };
    }

    /** The tenant's identity secret (stable name), its current value and its resource policy. */
    private tenantSecret(
        names: TenantResourceNames,
        tenant: Tenant,
        args: TenantIdentitiesArgs,
        key: EncryptionKey,
        issued: { privateKey: tls.PrivateKey; certificate: aws.acmpca.Certificate },
    ): aws.secretsmanager.Secret {
        const secret = new aws.secretsmanager.Secret(names.secret, {
            name: tenantSecretName(tenant),
            description: `Client certificate and key of ${tenantKey(tenant)} for the monitoring hub`,
            kmsKeyId: key.keyArn,
            // No recovery window: a deleted secret otherwise keeps its name for 7-30 days (30 by default),
            // and "you can't create a new secret with the same name" until it ends
            // (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DeleteSecret.html), so
            // re-adding a tenant or re-creating the hub within that window would fail on the name. The
            // value is re-issued by the hub from the CA on every deploy: nothing is lost that a recovery
            // would give back (the provider maps 0 to ForceDeleteWithoutRecovery).
            recoveryWindowInDays: IDENTITY_SECRET_RECOVERY_WINDOW_DAYS,
            tags: withName(args.tags, names.secret),
        }, { parent: this });
        new aws.secretsmanager.SecretVersion(names.secretVersion, {
            secretId: secret.id,
            secretString: pulumi.secret(pulumi.all([issued.certificate.certificate, issued.certificate.certificateChain, issued.privateKey.privateKeyPem])
                .apply(([cert, chain, pem]) => identitySecretValue({ certificate: cert, chain, privateKey: pem }))),
        }, { parent: this });
        new aws.secretsmanager.SecretPolicy(names.secretPolicy, {
            secretArn: secret.arn,
            policy: toJson(identitySecretPolicy(tenant, args.organizationId)),
            // Refuses any policy Zelkova finds grants broad access (e.g. a wildcard principal).
            // https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_PutResourcePolicy.html
            blockPublicPolicy: true,
        }, { parent: this });
        return secret;
    }
}
