/**
 * CIDR helpers shared by config validation and subnet planning, on the `ip-address` library
 * (MIT) rather than hand-written octet maths: it rejects leading zeros and out-of-range octets
 * and handles IPv6. What this module adds is the policy: a CIDR must be written in canonical
 * form (a network address, no leading zeros, an explicit prefix) so what a reviewer reads is
 * what AWS stores.
 */
import { Address4, Address6 } from "ip-address";

/** A network in canonical form. `base` is the IPv4 network address as a 32-bit number. */
export interface ParsedCidr {
    readonly version: 4;
    readonly base: number;
    readonly prefix: number;
}

/** Either family; `network` is the first address as an integer (128 bits wide for IPv6). */
export interface ParsedNetwork {
    readonly version: 4 | 6;
    readonly network: bigint;
    readonly prefix: number;
    /** Canonical text, e.g. `10.20.0.0/16` or `2001:db8::/32`. */
    readonly text: string;
}

const IPV4_EXAMPLE = "expected a.b.c.d/n, e.g. 10.20.0.0/16";
// The prefix is digits without a leading zero: `/016` reads like octal in some tools.
const PREFIX = /\/(0|[1-9]\d{0,2})$/;

function bits(version: 4 | 6): number {
    return version === 4 ? 32 : 128;
}

function hostMask(version: 4 | 6, prefix: number): bigint {
    return (1n << BigInt(bits(version) - prefix)) - 1n;
}

function networkText(version: 4 | 6, network: bigint, prefix: number): string {
    const address = version === 4 ? Address4.fromBigInt(network).correctForm() : Address6.fromBigInt(network).correctForm();
    return `${address}/${prefix}`;
}

/**
 * Parses an IPv4 or IPv6 network; returns an error message instead of throwing so callers
 * can name the field. Refuses leading zeros in IPv4 octets and in the prefix, a missing
 * prefix, zone indexes, and addresses with host bits set.
 */
export function parseNetwork(cidr: string): ParsedNetwork | string {
    const m = PREFIX.exec(cidr);
    if (!m) {
        return `"${cidr}" is not a CIDR (expected address/prefix, e.g. 10.20.0.0/16 or 2001:db8::/32)`;
    }
    const version: 4 | 6 = cidr.includes(":") ? 6 : 4;
    const prefix = Number(m[1]);
    if (prefix > bits(version)) {
        return `"${cidr}" has a prefix above /${bits(version)}`;
    }
    const address = cidr.slice(0, m.index);
    if (version === 4 && /(^|\.)0\d/.test(address)) {
        // ip-address refuses these too; the message says why and what to write instead.
        return `"${cidr}" has a leading zero in an octet, which some tools read as octal; write ${address.split(".").map((o) => (/^\d+$/.test(o) ? String(Number(o)) : o)).join(".")}/${prefix}`;
    }
    if (address.includes("%")) {
        return `"${cidr}" has a zone index; a CIDR names a network, not an interface`;
    }
    let value: bigint;
    try {
        value = version === 4 ? new Address4(address).bigInt() : new Address6(address).bigInt();
    } catch {
        return version === 4 ? `"${cidr}" is not an IPv4 CIDR (${IPV4_EXAMPLE})` : `"${cidr}" is not an IPv6 CIDR (expected e.g. 2001:db8::/32)`;
    }
    const network = value & ~hostMask(version, prefix);
    if (network !== value) {
        return `"${cidr}" has host bits set; did you mean ${networkText(version, network, prefix)}?`;
    }
    return { version, network, prefix, text: networkText(version, network, prefix) };
}

/** Parses an IPv4 network `a.b.c.d/n` (the only family the AWS fields this project fills accept). */
export function parseCidr(cidr: string): ParsedCidr | string {
    if (cidr.includes(":")) {
        return `"${cidr}" is an IPv6 CIDR; this field takes IPv4 (${IPV4_EXAMPLE})`;
    }
    const p = parseNetwork(cidr);
    if (typeof p === "string") {
        return p;
    }
    return { version: 4, base: Number(p.network), prefix: p.prefix };
}

export function formatIp(n: number): string {
    return Address4.fromBigInt(BigInt(n >>> 0)).correctForm();
}

export function isCidr(cidr: string): boolean {
    return typeof parseCidr(cidr) !== "string";
}

/** True when `inner` lies entirely within `outer` (same family, both valid). */
export function cidrContains(outer: string, inner: string): boolean {
    const o = parseNetwork(outer);
    const i = parseNetwork(inner);
    if (typeof o === "string" || typeof i === "string" || o.version !== i.version || i.prefix < o.prefix) {
        return false;
    }
    return (i.network & ~hostMask(o.version, o.prefix)) === o.network;
}

/** True when two valid CIDRs of the same family share any address. */
export function cidrsOverlap(a: string, b: string): boolean {
    return cidrContains(a, b) || cidrContains(b, a);
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
 * Splits the IPv4 `cidr` into `count` equal subnets of `newPrefix` starting at `offset`.
 * Used to carve per-AZ private subnets deterministically, so re-running never renumbers.
 */
export function subnetCidrs(cidr: string, newPrefix: number, count: number, offset = 0): string[] {
    const p = parseCidr(cidr);
    if (typeof p === "string") {
        throw new Error(p);
    }
    // AWS subnets are /16 to /28: https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html
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
