/** IPv4 CIDR helpers shared by config validation and subnet planning. Pure, no dependencies. */

export interface ParsedCidr {
    readonly base: number;
    readonly prefix: number;
}

/** Parses `a.b.c.d/n`; returns an error message instead of throwing so callers can name the field. */
export function parseCidr(cidr: string): ParsedCidr | string {
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
    if (!m) {
        return `"${cidr}" is not an IPv4 CIDR (expected a.b.c.d/n, e.g. 10.20.0.0/16)`;
    }
    const octets = m.slice(1, 5).map(Number);
    const prefix = Number(m[5]);
    if (octets.some((o) => o > 255) || prefix > 32) {
        return `"${cidr}" has an octet above 255 or a prefix above /32`;
    }
    const base = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    if ((base & mask) >>> 0 !== base) {
        return `"${cidr}" has host bits set; did you mean ${formatIp((base & mask) >>> 0)}/${prefix}?`;
    }
    return { base, prefix };
}

export function formatIp(n: number): string {
    return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join(".");
}

export function isCidr(cidr: string): boolean {
    return typeof parseCidr(cidr) !== "string";
}

/** True when two valid CIDRs share any address. */
export function cidrsOverlap(a: string, b: string): boolean {
    const pa = parseCidr(a);
    const pb = parseCidr(b);
    if (typeof pa === "string" || typeof pb === "string") {
        return false;
    }
    const prefix = Math.min(pa.prefix, pb.prefix);
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    return (pa.base & mask) >>> 0 === (pb.base & mask) >>> 0;
}

/** Returns the first pair of overlapping CIDRs in the list, if any. */
export function findOverlap(cidrs: readonly string[]): [string, string] | undefined {
    for (let i = 0; i < cidrs.length; i++) {
        for (let j = i + 1; j < cidrs.length; j++) {
            if (cidrsOverlap(cidrs[i], cidrs[j])) {
                return [cidrs[i], cidrs[j]];
            }
        }
    }
    return undefined;
}

/**
 * Splits `cidr` into `count` equal subnets of `newPrefix` starting at `offset`.
 * Used to carve per-AZ private subnets deterministically, so re-running never renumbers.
 */
export function subnetCidrs(cidr: string, newPrefix: number, count: number, offset = 0): string[] {
    const p = parseCidr(cidr);
    if (typeof p === "string") {
        throw new Error(p);
    }
    if (newPrefix < p.prefix || newPrefix > 28) {
        throw new Error(`cannot split ${cidr} into /${newPrefix} subnets`);
    }
    const size = 2 ** (32 - newPrefix);
    const available = 2 ** (newPrefix - p.prefix);
    if (offset + count > available) {
        throw new Error(`${cidr} holds only ${available} /${newPrefix} subnets, ${offset + count} requested`);
    }
    return Array.from({ length: count }, (_, i) => `${formatIp(p.base + (offset + i) * size)}/${newPrefix}`);
}
