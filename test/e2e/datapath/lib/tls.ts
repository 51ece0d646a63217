import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { Tenant, tenantKey, tenantSubject } from "../../../../components/identity/tenants";
import { TENANTS } from "./fleet";

export interface KeyPair { readonly cert: string; readonly key: string }

/** A client certificate of the hub tenant CA (or a stand-in for one), with what HAProxy reads from it. */
export interface TenantCert extends KeyPair {
    /** Subject CN (the tenant key: the map key HAProxy looks up). */
    readonly cn: string;
    /** Serial as `openssl x509 -serial` prints it: upper-case hex, the format of identity.revokedSerials. */
    readonly serial: string;
}

/** Every certificate a run needs, generated fresh with openssl (P-256, short-lived) in `dir`. */
export interface RunPki {
    /** CA of the hub's and the stand-ins' server certificates (what spokes pin). */
    readonly ca: string;
    /** The hub's server certificate, for the collector domain only. */
    readonly hub: KeyPair;
    /** The hub certificate and key in one file: HAProxy's `crt`. */
    readonly hubPem: string;
    /** Server certificate of Prometheus / Alertmanager (AMP stand-ins) for localhost / 127.0.0.1. */
    readonly store: KeyPair;
    /** The hub tenant CA (AWS Private CA's stand-in): the only CA HAProxy admits client certificates from. */
    readonly tenantCa: string;
    /** One valid certificate per tenant, by tenant key; the subject is tenantSubject(tenant). */
    readonly tenants: Readonly<Record<string, TenantCert>>;
    /** Identities that must be refused (subjects name real tenants unless said otherwise). */
    readonly refused: {
        /** From the tenant CA, already expired. */
        readonly expired: TenantCert;
        /** From the tenant CA, valid, but its serial is in `revokedSerials`. */
        readonly revoked: TenantCert;
        /** From the tenant CA, valid, but its CN is in no map (a tenant removed from the manifest). */
        readonly unmapped: TenantCert;
        /** A tenant's subject, from a CA the hub does not trust (e.g. a site's own CA). */
        readonly foreignCa: TenantCert;
    };
    /**
     * The hub's revoked-serials list (identity.revokedSerials) as an operator pastes it from a console:
     * lower case with colons, which the hub normalises (components/identity/proxyFiles.ts normalizeSerial).
     */
    readonly revokedSerials: readonly string[];
    /** The server CA: SSL_CERT_FILE of the children (Go's system roots). */
    readonly roots: string;
}

function openssl(dir: string, args: string[]): string {
    return execFileSync("openssl", args, { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

function newCa(dir: string, name: string): KeyPair {
    openssl(dir, ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", `${name}.key`, "-out", `${name}.pem`, "-days", "2", "-subj", `/CN=ossmon e2e ${name}`,
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"]);
    return { cert: path.join(dir, `${name}.pem`), key: path.join(dir, `${name}.key`) };
}

/** openssl's -subj form; values here are [a-z0-9-] only, so no escaping is needed. */
function subj(s: { commonName: string; organizationalUnit?: string; organization?: string }): string {
    return `${s.organization !== undefined ? `/O=${s.organization}` : ""}${s.organizationalUnit !== undefined ? `/OU=${s.organizationalUnit}` : ""}/CN=${s.commonName}`;
}

let serialCounter = 0;

function issue(dir: string, ca: KeyPair, file: string, subject: string, ext: string, days: number): KeyPair & { serial: string } {
    openssl(dir, ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", `${file}.key`, "-out", `${file}.csr`, "-subj", subject]);
    fs.writeFileSync(path.join(dir, `${file}.ext`), ext);
    // A distinct positive serial below 2^63 per certificate (the high bit clear, so no DER sign byte
    // makes the hex forms differ); the time part keeps runs apart.
    const serial = `0x${(0x10000000 + (Date.now() % 0x0fffffff)).toString(16)}${(++serialCounter).toString(16).padStart(4, "0")}`;
    // Negative days put notAfter before notBefore: an already expired certificate.
    openssl(dir, ["x509", "-req", "-in", `${file}.csr`, "-CA", ca.cert, "-CAkey", ca.key, "-set_serial", serial, "-out", `${file}.pem`, "-days", String(days), "-extfile", `${file}.ext`]);
    const printed = openssl(dir, ["x509", "-noout", "-serial", "-in", `${file}.pem`]).trim().replace(/^serial=/, "");
    return { cert: path.join(dir, `${file}.pem`), key: path.join(dir, `${file}.key`), serial: printed.toUpperCase() };
}

const CLIENT_EXT = "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=clientAuth\n";

/**
 * The run's PKI: server certificates, and the hub tenant CA with one client certificate per tenant
 * (subject = tenantSubject, as the hub's Private CA issues them) plus the identities the hub must refuse.
 */
export function generatePki(dir: string, collectorDomain: string, tenants: readonly Tenant[] = TENANTS): RunPki {
    fs.mkdirSync(dir, { recursive: true });
    const ca = newCa(dir, "hub-ca");
    const tenantCa = newCa(dir, "tenant-ca");
    const foreign = newCa(dir, "foreign-ca");
    const server = (sans: string): string => `basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=${sans}\n`;
    const hub = issue(dir, ca, "hub", `/CN=${collectorDomain}`, server(`DNS:${collectorDomain}`), 2);
    const hubPem = path.join(dir, "hub-with-key.pem");
    fs.writeFileSync(hubPem, fs.readFileSync(hub.cert, "utf8") + fs.readFileSync(hub.key, "utf8"), { mode: 0o600 });
    const client = (issuer: KeyPair, file: string, s: { commonName: string; organizationalUnit?: string; organization?: string }, days = 2): TenantCert =>
        ({ ...issue(dir, issuer, file, subj(s), CLIENT_EXT, days), cn: s.commonName });
    const byKey: Record<string, TenantCert> = {};
    for (const t of tenants) byKey[tenantKey(t)] = client(tenantCa, tenantKey(t), tenantSubject(t));
    const [first, second] = tenants;
    if (first === undefined || second === undefined) throw new Error("generatePki: needs at least two tenants (the refused identities borrow their subjects)");
    const revoked = client(tenantCa, "revoked", tenantSubject(second));
    const unmappedSubject = tenantSubject({ kind: "monitored", account: "444444444444", readerRoleArn: "arn:aws:iam::444444444444:role/none" });
    return {
        ca: ca.cert,
        hub, hubPem,
        store: issue(dir, ca, "store", "/CN=localhost", server("DNS:localhost,IP:127.0.0.1"), 2),
        tenantCa: tenantCa.cert,
        tenants: byKey,
        refused: {
            expired: client(tenantCa, "expired", tenantSubject(first), -1),
            revoked,
            unmapped: client(tenantCa, "unmapped", unmappedSubject),
            foreignCa: client(foreign, "foreign", tenantSubject(first)),
        },
        revokedSerials: [revoked.serial.toLowerCase().replace(/(..)(?=.)/g, "$1:")],
        roots: ca.cert,
    };
}

/**
 * A new certificate for `tenant` from the run's tenant CA (generatePki wrote its key beside it in
 * `pkiDir`): a rotation, as the hub's Private CA issues the next period's certificate (new key, new
 * serial, same subject). `file` names the files; `days` its validity.
 */
export function issueTenantCert(pkiDir: string, tenant: Tenant, file: string, days = 2): TenantCert {
    const ca = { cert: path.join(pkiDir, "tenant-ca.pem"), key: path.join(pkiDir, "tenant-ca.key") };
    const s = tenantSubject(tenant);
    return { ...issue(pkiDir, ca, file, subj(s), CLIENT_EXT, days), cn: s.commonName };
}
