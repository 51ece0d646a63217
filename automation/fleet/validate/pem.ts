import { X509Certificate } from "crypto";

const BLOCK = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g;

/**
 * Checks a PEM bundle of CA certificates: every block must parse as an X.509 certificate (so a
 * truncated or hand-edited paste fails here, not in the TLS handshake of every client), nothing
 * but whitespace may sit between blocks, and each certificate must be a CA (basicConstraints
 * CA:TRUE): a TLS peer only accepts chains that end in a CA certificate.
 * Returns the problem, or undefined when the bundle is sound.
 */
export function pemBundleProblem(text: string): string | undefined {
    const blocks = [...text.matchAll(BLOCK)];
    if (blocks.length === 0) {
        return text.includes("-----BEGIN CERTIFICATE-----")
            ? "the PEM block has no -----END CERTIFICATE----- line (truncated)"
            : "no -----BEGIN CERTIFICATE----- block found";
    }
    const rest = text.replace(BLOCK, "").trim();
    if (rest.length > 0) {
        return rest.includes("-----BEGIN")
            ? "a PEM block is not closed (truncated), or is not a certificate"
            : `text outside the certificate blocks ("${rest.slice(0, 20)}${rest.length > 20 ? "…" : ""}")`;
    }
    for (const [i, b] of blocks.entries()) {
        const where = blocks.length > 1 ? `certificate ${i + 1} of ${blocks.length}` : "the certificate";
        let cert: X509Certificate;
        try {
            cert = new X509Certificate(b[0]);
        } catch (e) {
            return `${where} does not parse (${(e as Error).message.replace(/\s+/g, " ")}): truncated or corrupted base64`;
        }
        if (!cert.ca) {
            return `${where} (${cert.subject.replace(/\n/g, ", ")}) is not a CA certificate (basicConstraints CA:TRUE); paste the issuing CA, not a leaf certificate`;
        }
    }
    return undefined;
}
