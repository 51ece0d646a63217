/**
 * Security-group rules in one shape, whichever of the four ways AWS/Pulumi lets you write them
 * (inline blocks on aws.ec2.SecurityGroup, aws.ec2.SecurityGroupRule, and the newer
 * aws.vpc.SecurityGroupIngressRule/EgressRule), plus CIDR helpers.
 */
import { aws } from "../providers";
import { PolicyResource } from "@pulumi/policy";
import { asArray, asNumber, asSetting, asSettingArray, asString, isRecord, Props, whenKnown } from "../values";

export type Direction = "ingress" | "egress";

export interface SgRule {
    direction: Direction;
    /** Where the rule is written, for messages (`ingress[0]`, `rule`). */
    where: string;
    cidrs: string[];
    protocol: string;
    fromPort?: number;
    toPort?: number;
}

/** A CIDR that matches every address of its family: `0.0.0.0/0`, `::/0` (any prefix length 0). */
export function isWorldCidr(cidr: string): boolean {
    const m = /^\s*([0-9a-f:.]+)\/(\d{1,3})\s*$/i.exec(cidr);
    return m !== null && Number(m[2]) === 0;
}

function blockRules(direction: Direction, blocks: unknown): SgRule[] {
    return asArray(blocks).flatMap((b, i) =>
        isRecord(b)
            ? [{
                direction,
                where: `${direction}[${i}]`,
                cidrs: [...asSettingArray(b.cidrBlocks), ...asSettingArray(b.ipv6CidrBlocks)],
                protocol: asString(b.protocol) ?? "-1",
                fromPort: asNumber(b.fromPort),
                toPort: asNumber(b.toPort),
            }]
            : [],
    );
}

/** Rules declared by a resource of `type`; `[]` for types that carry none. */
export function securityGroupRules(type: string, props: Props): SgRule[] {
    switch (type) {
        case "aws:ec2/securityGroup:SecurityGroup":
        case "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup":
            return [...blockRules("ingress", props.ingress), ...blockRules("egress", props.egress)];
        case "aws:ec2/securityGroupRule:SecurityGroupRule": {
            const direction = asString(props.type) === "egress" ? "egress" : "ingress";
            return [{
                direction,
                where: "rule",
                cidrs: [...asSettingArray(props.cidrBlocks), ...asSettingArray(props.ipv6CidrBlocks)],
                protocol: asString(props.protocol) ?? "-1",
                fromPort: asNumber(props.fromPort),
                toPort: asNumber(props.toPort),
            }];
        }
        case "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule":
        case "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule":
            return [{
                direction: type.includes("Ingress") ? "ingress" : "egress",
                where: "rule",
                cidrs: [asSetting(props.cidrIpv4), asSetting(props.cidrIpv6)].filter((c): c is string => c !== undefined),
                protocol: asString(props.ipProtocol) ?? "-1",
                fromPort: asNumber(props.fromPort),
                toPort: asNumber(props.toPort),
            }];
        default:
            return [];
    }
}

export function describePorts(rule: SgRule): string {
    if (rule.protocol === "-1" || rule.protocol.toLowerCase() === "all") {
        return "all traffic";
    }
    if (rule.fromPort === undefined) {
        return rule.protocol;
    }
    return rule.fromPort === rule.toPort || rule.toPort === undefined
        ? `${rule.protocol}/${rule.fromPort}`
        : `${rule.protocol}/${rule.fromPort}-${rule.toPort}`;
}

/**
 * serviceName of every Interface VPC endpoint in the stack. `undefined` entries are endpoints whose
 * service name the preview does not know yet (e.g. it comes from another stack's output).
 */
export function interfaceEndpointServiceNames(resources: readonly PolicyResource[]): (string | undefined)[] {
    return resources.filter((r) => r.isType(aws.ec2.VpcEndpoint)).flatMap((r) => {
        const type = whenKnown(() => asString(r.props.vpcEndpointType));
        if (type.known && (type.value ?? "Gateway") !== "Interface") {
            return [];
        }
        const name = whenKnown(() => asString(r.props.serviceName));
        return [name.known ? name.value : undefined];
    });
}

/**
 * zoneId of every Route 53 VPC association in the stack (the shared-endpoint shape joins the VPC to a central
 * zone); `undefined` for one the preview does not know yet.
 */
export function associatedZoneIds(resources: readonly PolicyResource[]): (string | undefined)[] {
    return resources.filter((r) => r.isType(aws.route53.ZoneAssociation)).flatMap((r) => {
        const id = whenKnown(() => asString(r.props.zoneId));
        if (!id.known) {
            return [undefined];
        }
        // A placeholder zone id joins no zone: it serves nothing (and is not "unknown").
        const zone = asSetting(id.value);
        return zone === undefined ? [] : [zone];
    });
}

interface Range {
    start: bigint;
    end: bigint;
}

function parseIpv4(addr: string): bigint | undefined {
    const parts = addr.split(".");
    if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) {
        return undefined;
    }
    return parts.reduce((acc, p) => (acc << 8n) + BigInt(Number(p)), 0n);
}

function parseIpv6(addr: string): bigint | undefined {
    const halves = addr.split("::");
    if (halves.length > 2) {
        return undefined;
    }
    const groups = (h: string) => (h === "" ? [] : h.split(":"));
    const head = groups(halves[0]);
    const tail = halves.length === 2 ? groups(halves[1]) : [];
    const fill = 8 - head.length - tail.length;
    if ((halves.length === 1 && fill !== 0) || fill < 0) {
        return undefined;
    }
    const all = [...head, ...Array(fill).fill("0"), ...tail];
    if (all.some((g) => !/^[0-9a-f]{1,4}$/i.test(g))) {
        return undefined;
    }
    return all.reduce((acc, g) => (acc << 16n) + BigInt(parseInt(g, 16)), 0n);
}

/** The address range of a CIDR block, with its family; undefined for anything that is not a CIDR. */
export function cidrRange(cidr: string): { family: 4 | 6; range: Range } | undefined {
    const m = /^\s*([0-9a-f:.]+)\/(\d{1,3})\s*$/i.exec(cidr);
    if (!m) {
        return undefined;
    }
    const family = m[1].includes(":") ? 6 : 4;
    const bits = family === 4 ? 32n : 128n;
    const prefix = BigInt(Number(m[2]));
    const addr = family === 4 ? parseIpv4(m[1]) : parseIpv6(m[1]);
    if (addr === undefined || prefix > bits) {
        return undefined;
    }
    const size = 1n << (bits - prefix);
    const start = addr - (addr % size);
    return { family, range: { start, end: start + size - 1n } };
}

/**
 * Which address families the CIDR blocks cover completely, together: `0.0.0.0/0` alone, or
 * `0.0.0.0/1` + `128.0.0.0/1`, or `::/1` + `8000::/1`. A set whose union is the whole address space is
 * "the world" however it is spelt.
 */
export function worldFamiliesCovered(cidrs: readonly string[]): ("0.0.0.0/0" | "::/0")[] {
    const out: ("0.0.0.0/0" | "::/0")[] = [];
    for (const family of [4, 6] as const) {
        const max = (1n << (family === 4 ? 32n : 128n)) - 1n;
        const ranges = cidrs.map(cidrRange).filter((r) => r?.family === family).map((r) => r!.range)
            .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
        let next = 0n;
        for (const r of ranges) {
            if (r.start > next) {
                break;
            }
            if (r.end + 1n > next) {
                next = r.end + 1n;
            }
        }
        if (ranges.length > 0 && next > max) {
            out.push(family === 4 ? "0.0.0.0/0" : "::/0");
        }
    }
    return out;
}

export interface WorldExposure {
    /** The rules that together open the port range to the world. */
    rules: SgRule[];
    /** The world ranges they cover (`0.0.0.0/0`, `::/0`). */
    world: string[];
    /** True when one rule names a world CIDR itself; false when only their union is the world. */
    single: boolean;
}

/**
 * Rules of one direction that open a port range to every address, alone (`0.0.0.0/0`) or together
 * (`0.0.0.0/1` + `128.0.0.0/1` on the same ports). "All traffic" rules count towards every port range.
 */
export function worldExposures(rules: readonly SgRule[], direction: Direction): WorldExposure[] {
    const mine = rules.filter((r) => r.direction === direction);
    const out: WorldExposure[] = [];
    const reported = new Set<SgRule>();
    for (const r of mine.filter((x) => x.cidrs.some(isWorldCidr))) {
        out.push({ rules: [r], world: r.cidrs.filter(isWorldCidr), single: true });
        reported.add(r);
    }
    const groups = new Map<string, SgRule[]>();
    for (const r of mine.filter((x) => !reported.has(x))) {
        const key = describePorts(r);
        groups.set(key, [...(groups.get(key) ?? []), r]);
    }
    const everything = mine.filter((r) => !reported.has(r) && describePorts(r) === "all traffic");
    for (const [key, group] of groups) {
        const members = key === "all traffic" ? group : [...group, ...everything];
        const world = worldFamiliesCovered(members.flatMap((r) => r.cidrs));
        if (world.length > 0) {
            out.push({ rules: members, world, single: false });
        }
    }
    return out;
}
