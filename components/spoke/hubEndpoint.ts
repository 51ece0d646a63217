import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { COLLECTOR_PORTS } from "../telemetry/collectorPorts";
import { Tags, withName } from "../security/tags";

/** Hub listeners a monitored account uses: OTLP gRPC and HTTP, both TLS. */
export const MONITORED_HUB_PORTS: readonly number[] = [COLLECTOR_PORTS.otlpGrpc, COLLECTOR_PORTS.otlpHttp];

export interface HubEndpointArgs {
    /** VPC the endpoint and the private zone belong to. */
    readonly vpcId: pulumi.Input<string>;
    /** Subnets in two or more AZs for the endpoint's network interfaces. */
    readonly subnetIds: readonly pulumi.Input<string>[];
    /** The hub's endpoint service (com.amazonaws.vpce.<region>.vpce-svc-...). */
    readonly serviceName: pulumi.Input<string>;
    /** Name agents use for the hub collector; a private hosted zone of that name answers in the VPC. */
    readonly collectorDomain: pulumi.Input<string>;
    /** Networks admitted on the hub ports. */
    readonly allowedCidrs: readonly string[];
    /** Prefix lists admitted on the hub ports. Default none. */
    readonly allowedPrefixListIds?: readonly string[];
    /** Hub ports admitted (the sender's protocols). Default MONITORED_HUB_PORTS (4317, 4318). */
    readonly ports?: readonly pulumi.Input<number>[];
    /**
     * The hub's region when it is not this VPC's: the endpoint then connects cross-region
     * (`ServiceRegion` of CreateVpcEndpoint). Default: the service is in this VPC's region.
     */
    readonly serviceRegion?: string;
    /** Config key the subnets came from, for the error when too few are in the service's zones. Default `subnetIds`. */
    readonly subnetsKey?: string;
    /** Cost-allocation tags. Default none. */
    readonly tags?: pulumi.Input<Tags>;
}

/**
 * One security-group ingress rule per (port, source): exactly the configured networks, nothing
 * else. Keys use the port's position: a port may only be known at deploy time (a hub output).
 */
export function hubIngressRules<P>(ports: readonly P[], cidrs: readonly string[], prefixLists: readonly string[]): { key: string; port: P; cidrIpv4?: string; prefixListId?: string }[] {
    return ports.flatMap((port, p) => [
        ...cidrs.map((c, i) => ({ key: `p${p}-cidr-${i}`, port, cidrIpv4: c })),
        ...prefixLists.map((pl, i) => ({ key: `p${p}-pl-${i}`, port, prefixListId: pl })),
    ]);
}

/**
 * The subnets an endpoint to a service can use: those in an AZ the service offers. AZ names map
 * to different physical zones per account, and an endpoint in a zone the service does not cover
 * fails ("The VPC endpoint service ... does not support the Availability Zone of the subnet",
 * https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html). AWS reports
 * the service's zones in the caller's own names (DescribeVpcEndpointServices). Throws when fewer
 * than two remain, naming the config key to change.
 */
export function subnetsInServiceZones(where: string, subnets: readonly { id: string; availabilityZone: string }[], serviceZones: readonly string[]): string[] {
    const usable = subnets.filter((s) => serviceZones.includes(s.availabilityZone));
    if (usable.length < 2) {
        const listed = subnets.map((s) => `${s.id} (${s.availabilityZone})`).join(", ");
        throw new Error(`${where}: the hub endpoint service is offered in ${[...serviceZones].sort().join(", ") || "no zone"} only; ` +
            `of the configured subnets ${listed}, ${usable.length} ${usable.length === 1 ? "is" : "are"} in those zones. ` +
            "List subnets in at least two of them (or have the hub add zones by AZ ID).");
    }
    return usable.map((s) => s.id);
}

/**
 * A spoke's private path to the hub (monitored accounts and on-prem landing VPCs): an interface endpoint to its endpoint service in two or more AZs,
 * a security group admitting only the workload networks on the OTLP ports, and a private hosted
 * zone so agents resolve the hub collector's name to the endpoint (the endpoint service has no
 * verified private DNS name, so the endpoint's own private DNS cannot be used).
 */
export class HubEndpoint extends pulumi.ComponentResource {
    public readonly endpointId: pulumi.Output<string>;
    public readonly endpointDnsName: pulumi.Output<string>;
    public readonly securityGroupId: pulumi.Output<string>;
    public readonly zoneId: pulumi.Output<string>;
    public readonly collectorDomain: pulumi.Output<string>;

    constructor(name: string, args: HubEndpointArgs, opts?: pulumi.ComponentResourceOptions) {
        super("oss-monitoring:spoke:HubEndpoint", name, {}, opts);
        if (args.subnetIds.length < 2) {
            throw new Error(`${name}: subnetIds: the hub endpoint needs subnets in at least two AZs (got ${args.subnetIds.length})`);
        }
        const rules = hubIngressRules(args.ports ?? MONITORED_HUB_PORTS, args.allowedCidrs, args.allowedPrefixListIds ?? []);
        if (rules.length === 0) {
            throw new Error(`${name}: allowedCidrs/allowedPrefixListIds: list the workload networks allowed to reach the hub`);
        }
        const sg = new aws.ec2.SecurityGroup(`${name}-sg`, {
            vpcId: args.vpcId,
            description: "OTLP over TLS to the hub collector endpoint from workload networks only",
            tags: withName(args.tags, `${name}-sg`),
        }, { parent: this });
        for (const r of rules) {
            new aws.vpc.SecurityGroupIngressRule(`${name}-in-${r.key}`, {
                securityGroupId: sg.id,
                ipProtocol: "tcp",
                fromPort: r.port,
                toPort: r.port,
                cidrIpv4: r.cidrIpv4,
                prefixListId: r.prefixListId,
                description: "OTLP over TLS to the hub",
                tags: args.tags,
            }, { parent: this });
        }
        const endpoint = new aws.ec2.VpcEndpoint(`${name}-vpce`, {
            vpcId: args.vpcId,
            serviceName: args.serviceName,
            ...(args.serviceRegion !== undefined ? { serviceRegion: args.serviceRegion } : {}),
            vpcEndpointType: "Interface",
            subnetIds: this.endpointSubnets(name, args),
            securityGroupIds: [sg.id],
            ipAddressType: "ipv4",
            // The hub's service has no verified private DNS name; the zone below provides the name.
            privateDnsEnabled: false,
            tags: withName(args.tags, `${name}-vpce`),
        }, { parent: this });
        const zone = new aws.route53.Zone(`${name}-zone`, {
            name: args.collectorDomain,
            comment: "Private name of the hub collector, answered by the hub interface endpoint",
            vpcs: [{ vpcId: args.vpcId }],
            tags: withName(args.tags, `${name}-zone`),
        }, { parent: this });
        const entry = endpoint.dnsEntries.apply((entries) => {
            if (entries === undefined || entries.length === 0) {
                throw new Error(`${name}: the hub endpoint reported no DNS entries`);
            }
            return entries[0];
        });
        new aws.route53.Record(`${name}-alias`, {
            zoneId: zone.zoneId,
            name: args.collectorDomain,
            type: "A",
            aliases: [{ name: entry.apply((e) => e.dnsName ?? ""), zoneId: entry.apply((e) => e.hostedZoneId ?? ""), evaluateTargetHealth: true }],
        }, { parent: this });
        this.endpointId = endpoint.id;
        this.endpointDnsName = entry.apply((e) => e.dnsName ?? "");
        this.securityGroupId = sg.id;
        this.zoneId = zone.zoneId;
        this.collectorDomain = pulumi.output(args.collectorDomain);
        this.registerOutputs({ endpointId: this.endpointId, endpointDnsName: this.endpointDnsName, securityGroupId: this.securityGroupId, zoneId: this.zoneId });
    }

    /**
     * In the service's region, the subnets in zones the service offers (subnetsInServiceZones). Across
     * regions the provider's zones are another region's and need not align with the consumer's ("If
     * you're creating a cross-region connection, then you don't need to check that your VPC is present in
     * all availability zones", elastic/docs-content deploy-manage/security/private-connectivity-aws.md, after
     * AWS's cross-region PrivateLink launch post); the provider's zone list is not even readable from here
     * (hashicorp/terraform-provider-aws#44402), so every configured subnet (two or more) is used.
     */
    private endpointSubnets(name: string, args: HubEndpointArgs): pulumi.Input<pulumi.Input<string>[]> {
        if (args.serviceRegion !== undefined) {
            return [...args.subnetIds];
        }
        const zones = aws.ec2.getVpcEndpointServiceOutput({ serviceName: args.serviceName }, { parent: this }).availabilityZones;
        const subnets = pulumi.all(args.subnetIds.map((id) => aws.ec2.getSubnetOutput({ id }, { parent: this })))
            .apply((all) => all.map((s) => ({ id: s.id, availabilityZone: s.availabilityZone })));
        return pulumi.all([subnets, zones]).apply(([s, z]) => subnetsInServiceZones(args.subnetsKey ?? `${name}: subnetIds`, s, z));
    }
}
