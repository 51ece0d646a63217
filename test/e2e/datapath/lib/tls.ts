import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

export interface KeyPair { readonly cert: string; readonly key: string }

/** Every certificate a run needs, generated fresh with openssl (P-256, short-lived) in `dir`. */
export interface RunPki {
    /** CA of the hub's and the stand-ins' server certificates (what spokes pin). */
    readonly ca: string;
    /** The hub's server certificate, for the collector domain only. */
    readonly hub: KeyPair;
    /** Server certificate of Prometheus / Alertmanager (AMP stand-ins) for localhost / 127.0.0.1. */
    readonly store: KeyPair;
    /** The site's client CA (the hub's client_ca_file) and a gateway client certificate from it. */
    readonly siteCa: string;
    readonly siteClient: KeyPair;
    /** Issued by the site CA but already expired. */
    readonly expiredClient: KeyPair;
    /** Issued by another site's CA, which the hub does not admit. */
    readonly otherCaClient: KeyPair;
    /** ca + siteCa concatenated: SSL_CERT_FILE of the children (Go's system roots). */
    readonly roots: string;
}

function openssl(dir: string, args: string[]): void {
    execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
}

function newCa(dir: string, name: string): KeyPair {
    openssl(dir, ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", `${name}.key`, "-out", `${name}.pem`, "-days", "2", "-subj", `/CN=ossmon e2e ${name}`,
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"]);
    return { cert: path.join(dir, `${name}.pem`), key: path.join(dir, `${name}.key`) };
}

function issue(dir: string, ca: KeyPair, name: string, ext: string, days: number): KeyPair {
    openssl(dir, ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", `/CN=${name}`]);
    fs.writeFileSync(path.join(dir, `${name}.ext`), ext);
    // Negative days put notAfter before notBefore: an already expired certificate.
    openssl(dir, ["x509", "-req", "-in", `${name}.csr`, "-CA", ca.cert, "-CAkey", ca.key, "-CAcreateserial", "-out", `${name}.pem`, "-days", String(days), "-extfile", `${name}.ext`]);
    return { cert: path.join(dir, `${name}.pem`), key: path.join(dir, `${name}.key`) };
}

export function generatePki(dir: string, collectorDomain: string): RunPki {
    fs.mkdirSync(dir, { recursive: true });
    const ca = newCa(dir, "hub-ca");
    const site = newCa(dir, "site-dc1-ca");
    const other = newCa(dir, "site-other-ca");
    const server = (sans: string): string => `basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=${sans}\n`;
    const client = "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=clientAuth\n";
    const roots = path.join(dir, "roots.pem");
    fs.writeFileSync(roots, fs.readFileSync(ca.cert, "utf8") + fs.readFileSync(site.cert, "utf8"));
    return {
        ca: ca.cert,
        hub: issue(dir, ca, "hub", server(`DNS:${collectorDomain}`), 2),
        store: issue(dir, ca, "store", server("DNS:localhost,IP:127.0.0.1"), 2),
        siteCa: site.cert,
        siteClient: issue(dir, site, "dc1-gateway", client, 2),
        expiredClient: issue(dir, site, "dc1-expired", client, -1),
        otherCaClient: issue(dir, other, "other-site-gateway", client, 2),
        roots,
    };
}
