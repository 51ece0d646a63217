import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Tags, withName } from "../security/tags";

export interface ResolverInboundArgs {
    /** The landing VPC (its private zones and endpoint names are what gets resolved). */
    readonly vpcId: pulumi.Input<string>;
    /** Subnets in at least two AZs; one resolver address each. */
    readonly subnetIds: pulumi.Input<string>[];
    /** The site's networks: the only sources admitted on port 53. */
    readonly siteCidrs: readonly string[];
    /** Cost-allocation tags. Default: none. */
    readonly tags?: pulumi.Input<Tags>;
}

/** DNS ingress rules: TCP and UDP 53 from every site CIDR (keys name the rule resources). */
export function dnsIngressRules(siteCidrs: readonly string[]): { key: string; protocol: "tcp" | "udp"; cidr: string }[] {
    return siteCidrs.flatMap((cidr, i) => (["udp", "tcp"] as const).map((protocol) => ({ key: `${protocol}53-${i}`, protocol, cidr })));
}

/**
 * Route 53 Resolver inbound endpoint in the landing VPC: on-premises DNS forwards the AWS
 * service names and the collector's private name here, and gets the interface endpoints'
 * private addresses back. Only the site's networks may query it.
 */
export class ResolverInbound extends pulumi.ComponentResource {
    public readonly endpointId: pulumi.Output<string>;
    public readonly securityGroupId: pulumi.Output<string>;
    /** Addresses on-premises DNS forwards to. */
    public readonly ipAddresses: pulumi.Output<string[]>;

    constructor(name: string, args: ResolverInboundArgs, opts?: pulumi.ComponentResourceOptions) {
        super("oss-monitoring:onprem:ResolverInbound", name, {}, opts);
        if (args.subnetIds.length < 2) {
            throw new Error(`${name}: a Resolver endpoint needs subnets in at least two AZs (got ${args.subnetIds.length})`);
        }
        const sg = new aws.ec2.SecurityGroup(`${name}-sg`, {
            vpcId: args.vpcId,
            description: "DNS queries from the on-premises site to the Resolver inbound endpoint",
            tags: withName(args.tags, `${name}-sg`),
        }, { parent: this });
        for (const r of dnsIngressRules(args.siteCidrs)) {
            new aws.vpc.SecurityGroupIngressRule(`${name}-${r.key}`, {
                securityGroupId: sg.id, ipProtocol: r.protocol, fromPort: 53, toPort: 53, cidrIpv4: r.cidr,
                description: `DNS (${r.protocol}) from a site network`, tags: args.tags,
            }, { parent: this });
        }
        const endpoint = new aws.route53.ResolverEndpoint(`${name}-endpoint`, {
            direction: "INBOUND",
            name: `${name}-inbound`,
            securityGroupIds: [sg.id],
            ipAddresses: args.subnetIds.map((subnetId) => ({ subnetId })),
            protocols: ["Do53"],
            tags: withName(args.tags, `${name}-inbound`),
        }, { parent: this });
        this.endpointId = endpoint.id;
        this.securityGroupId = sg.id;
        this.ipAddresses = endpoint.ipAddresses.apply((ips) => (ips ?? []).map((a) => a.ip).filter((ip): ip is string => typeof ip === "string"));
        this.registerOutputs({ endpointId: this.endpointId, ipAddresses: this.ipAddresses });
    }
}
