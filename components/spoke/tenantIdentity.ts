/**
 * A spoke's copy of its tenant identity: the certificate the hub issued for this monitored account
 * or site, read from the hub's Secrets Manager at deploy time and handed to the collector as a
 * `kubernetes.io/tls` Secret.
 *
 * Exported API
 * - `identitySecretArnFor(exported, tenant, hubStack)`: the ARN the hub exports for the tenant
 *   (hub output `tenantIdentitySecretArns`, tenantKey → ARN); fails naming the fix when absent.
 * - `parseIdentitySecret(secretString, where)`: the secret's JSON ({certificate, chain, privateKey},
 *   IDENTITY_SECRET_KEYS) checked for PEM shape; errors never quote the secret.
 * - `tlsSecretData(identity)`: `tls.crt` (certificate + chain) and `tls.key` of the Secret.
 * - The spoke stacks read the hub's output through `readHubOutputs` (stacks/outputs.ts), which
 *   calls `identitySecretArnFor`.
 * - `tenantIdentityTls(args, opts)`: the invoke (aws.secretsmanager.getSecretVersion by full ARN,
 *   with the spoke's deploy provider) and the above, as a Pulumi secret. No resources.
 */
import { X509Certificate } from "crypto";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { IDENTITY_SECRET_KEYS, IDENTITY_SECRET_PREFIX, Tenant, tenantKey } from "../identity/tenants";
import type { SecretVolume } from "../agent/kubernetesCollector";
import { CLIENT_TLS_MOUNT, TLS_SECRET_KEYS, TlsSecretData } from "./clientTlsFiles";

export interface TenantIdentityPem {
    readonly certificate: string;
    readonly chain: string;
    readonly privateKey: string;
}

/**
 * A Secrets Manager secret ARN ends in `secret:<name>-<6 random characters>` ("Secrets Manager
 * automatically adds a hyphen and six random characters after the secret name at the end of the
 * ARN": https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html, Name).
 */
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:(.+)-[A-Za-z0-9]{6}$/;

/**
 * The full ARN of the tenant's identity secret from the hub's `tenantIdentitySecretArns` output.
 * Cross-account GetSecretValue needs the full ARN, not the name
 * (https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_examples_cross.html).
 */
export function identitySecretArnFor(exported: unknown, tenant: Pick<Tenant, "kind" | "account" | "site">, hubStack: string): string {
    const key = tenantKey(tenant);
    const fix = "add this stack to stacks/fleet.yaml and deploy the hub before it (the hub issues one certificate per fleet member)";
    if (exported === undefined || exported === null) {
        throw new Error(`hub stack ${hubStack} exports no tenantIdentitySecretArns: ${fix}`);
    }
    if (typeof exported !== "object" || Array.isArray(exported)) {
        throw new Error(`hub stack ${hubStack}: output tenantIdentitySecretArns is not a map of tenant to secret ARN; redeploy the hub`);
    }
    const arn = (exported as Record<string, unknown>)[key];
    if (arn === undefined) {
        throw new Error(`hub stack ${hubStack} has no identity for ${key}: ${fix}`);
    }
    const m = typeof arn === "string" ? SECRET_ARN.exec(arn) : null;
    if (m === null || m[1] !== `${IDENTITY_SECRET_PREFIX}${key}`) {
        throw new Error(`hub stack ${hubStack}: tenantIdentitySecretArns.${key} is not the ARN of secret ${IDENTITY_SECRET_PREFIX}${key} (got ${JSON.stringify(arn)}); redeploy the hub`);
    }
    return arn as string;
}

const BLOCK = /-----BEGIN ([A-Z ]+)-----\r?\n[A-Za-z0-9+/=\r\n]+-----END \1-----/g;

/** The PEM block labels of `text`, or undefined when anything but PEM blocks and whitespace is in it. */
function pemLabels(text: string): string[] | undefined {
    const labels = [...text.matchAll(BLOCK)].map((m) => m[1]);
    return text.replace(BLOCK, "").trim() === "" ? labels : undefined;
}

const KEY_LABELS = ["PRIVATE KEY", "EC PRIVATE KEY", "RSA PRIVATE KEY"];

/**
 * The identity secret's value: JSON with the PEM strings of IDENTITY_SECRET_KEYS. Throws one line
 * naming `where` and the problem; the message never contains any part of the secret.
 */
export function parseIdentitySecret(secretString: string, where: string): TenantIdentityPem {
    const fail = (problem: string): never => {
        throw new Error(`identity secret ${where}: ${problem}; the hub writes it, so redeploy the hub (and check nothing else writes the secret)`);
    };
    let doc: unknown;
    try {
        doc = JSON.parse(secretString);
    } catch {
        return fail("the value is not JSON");
    }
    if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
        return fail(`the value is not a JSON object with ${Object.values(IDENTITY_SECRET_KEYS).join(", ")}`);
    }
    const o = doc as Record<string, unknown>;
    const missing = Object.values(IDENTITY_SECRET_KEYS).filter((k) => typeof o[k] !== "string");
    if (missing.length > 0) {
        return fail(`missing or not a string: ${missing.join(", ")}`);
    }
    const certificate = o[IDENTITY_SECRET_KEYS.certificate] as string;
    const chain = o[IDENTITY_SECRET_KEYS.chain] as string;
    const privateKey = o[IDENTITY_SECRET_KEYS.privateKey] as string;
    const certLabels = pemLabels(certificate);
    if (certLabels === undefined || certLabels.length !== 1 || certLabels[0] !== "CERTIFICATE") {
        fail(`${IDENTITY_SECRET_KEYS.certificate}: expected exactly one PEM CERTIFICATE block`);
    }
    const chainLabels = pemLabels(chain);
    if (chainLabels === undefined || chainLabels.some((l) => l !== "CERTIFICATE")) {
        fail(`${IDENTITY_SECRET_KEYS.chain}: expected PEM CERTIFICATE blocks only`);
    }
    const keyLabels = pemLabels(privateKey);
    if (keyLabels === undefined || keyLabels.length !== 1 || !KEY_LABELS.includes(keyLabels[0])) {
        fail(`${IDENTITY_SECRET_KEYS.privateKey}: expected exactly one PEM private key block (${KEY_LABELS.join(", ")})`);
    }
    return { certificate, chain, privateKey };
}

/**
 * The Secret's files: the leaf first, then its chain (the order a TLS client sends,
 * https://datatracker.ietf.org/doc/html/rfc8446#section-4.4.2), and the key.
 */
export function tlsSecretData(id: TenantIdentityPem): TlsSecretData {
    const pem = (s: string) => (s.trim() === "" ? "" : `${s.trim()}\n`);
    return { [TLS_SECRET_KEYS.certificate]: pem(id.certificate) + pem(id.chain), [TLS_SECRET_KEYS.privateKey]: pem(id.privateKey) };
}

export interface TenantIdentityTlsArgs {
    /** Fully qualified hub stack (for messages). */
    readonly hubStack: string;
    /** Full ARN of the tenant's identity secret in the hub account (readHubOutputs' tenantIdentitySecretArn). */
    readonly secretArn: string;
    /** Which tenant this spoke is. */
    readonly tenant: Pick<Tenant, "kind" | "account" | "site">;
}

/**
 * Reads the tenant's identity from the hub account (the spoke's deploy role may read only
 * `oss-monitoring/identity/*` there: stacks/bootstrap/deploy-role.yaml) and returns the Secret's
 * data as a Pulumi secret. An invoke, so it runs on every preview and up: a spoke deployed after
 * the hub rotated copies the new certificate.
 */
export function tenantIdentityTls(a: TenantIdentityTlsArgs, opts: pulumi.InvokeOutputOptions): pulumi.Output<TlsSecretData> {
    const key = tenantKey(a.tenant);
    const version = aws.secretsmanager.getSecretVersionOutput({ secretId: a.secretArn }, opts);
    return pulumi.secret(version.secretString.apply((s) => tlsSecretData(parseIdentitySecret(s, `${IDENTITY_SECRET_PREFIX}${key} in ${a.hubStack}`))));
}

/** The read-only `kubernetes.io/tls` Secret volume KubernetesCollector creates from the identity. */
export function clientTlsVolume(data: pulumi.Input<TlsSecretData>): SecretVolume {
    return { name: CLIENT_TLS_MOUNT.volume, mountPath: CLIENT_TLS_MOUNT.directory, type: "kubernetes.io/tls", data: pulumi.secret(data) };
}

/**
 * Expiry (ISO 8601) of the first certificate in `pem` (the tenant's own, before its chain), or
 * undefined when it does not parse. Not secret: the stack exports it so `fleet status` can show the
 * days the senders' certificate has left.
 */
export function certificateExpiresAt(pem: string): string | undefined {
    const first = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem)?.[0];
    if (first === undefined) {
        return undefined;
    }
    try {
        return new Date(new X509Certificate(first).validTo).toISOString();
    } catch {
        return undefined;
    }
}

/**
 * The expiry of the certificate a spoke stack copied, as a plain (non-secret) output; null when the copy
 * holds no parsable certificate (an offline plan's placeholder): Pulumi warns about an undefined stack output.
 */
export function identityExpiryOutput(identity: pulumi.Output<TlsSecretData>): pulumi.Output<string | null> {
    return pulumi.unsecret(identity.apply((d) => certificateExpiresAt(d[TLS_SECRET_KEYS.certificate]) ?? null));
}
