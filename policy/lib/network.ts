/**
 * Security-group rules in one shape, whichever of the four ways AWS/Pulumi lets you write them
 * (inline blocks on aws.ec2.SecurityGroup, aws.ec2.SecurityGroupRule, and the newer
 * aws.vpc.SecurityGroupIngressRule/EgressRule), plus CIDR helpers.
 */
import * as aws from "@pulumi/aws";
import { PolicyResource } from "@pulumi/policy";
import { asArray, asNumber, asString, asStringArray, isRecord, Props, whenKnown } from "./values";

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
                cidrs: [...asStringArray(b.cidrBlocks), ...asStringArray(b.ipv6CidrBlocks)],
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
            return [...blockRules("ingress", props.ingress), ...blockRules("egress", props.egress)];
        case "aws:ec2/securityGroupRule:SecurityGroupRule": {
            const direction = asString(props.type) === "egress" ? "egress" : "ingress";
            return [{
                direction,
                where: "rule",
                cidrs: [...asStringArray(props.cidrBlocks), ...asStringArray(props.ipv6CidrBlocks)],
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
                cidrs: [asString(props.cidrIpv4), asString(props.cidrIpv6)].filter((c): c is string => c !== undefined),
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
