/**
 * The files the hub's tenant proxy reads besides its config (components/identity/haproxyConfig.ts),
 * as the task receives them from SSM: the tenant maps in SSM-sized chunks and the revoked serials.
 */
import { chunkLines, Tenant, tenantMaps } from "./tenants";

/**
 * A serial as the proxy prints it with `ssl_c_serial,hex`: the integer's magnitude bytes (HAProxy
 * copies OpenSSL's ASN1_INTEGER data, which carries no DER sign byte), upper-case, two digits per
 * byte, no separators. So `00:80:AA` (DER form of a serial with the top bit set) becomes `80AA`.
 */
export function normalizeSerial(raw: string): string {
    const hex = raw.replace(/:/g, "").toUpperCase();
    if (!/^[0-9A-F]{1,42}$/.test(hex)) {
        throw new Error(`identity.revokedSerials: ${JSON.stringify(raw)} is not a certificate serial in hex (e.g. 0A:1B:2C or 0a1b2c)`);
    }
    const even = hex.length % 2 === 1 ? `0${hex}` : hex;
    return even.replace(/^(00)+(?=..)/, "");
}

/**
 * The revoked-serials file the proxy matches `ssl_c_serial,hex` against (normalizeSerial per line).
 * Never empty: SSM refuses empty values, and the proxy ignores `#` lines.
 */
export function revokedSerialsFile(serials: readonly string[]): string {
    const lines = [...new Set(serials.map(normalizeSerial))].sort();
    return `# revoked tenant certificate serials (${lines.length})\n${lines.map((l) => `${l}\n`).join("")}`;
}

/** The proxy's map files split into SSM-sized chunks; an empty map is a comment line (SSM refuses empty values). */
export function identityMapChunks(tenants: readonly Tenant[]): { account: string[]; site: string[] } {
    const maps = tenantMaps(tenants);
    const nonEmpty = (text: string, what: string) => (text === "" ? `# no ${what}\n` : text);
    return { account: chunkLines(nonEmpty(maps.account, "tenants")), site: chunkLines(nonEmpty(maps.site, "on-prem tenants")) };
}
