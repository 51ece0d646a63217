import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { privateSubnetPlan } from "../network/privateNetwork";
import { awsServiceName, CROSS_REGION_PRIVATELINK_SERVICES, endpointPolicy } from "../network/endpointCatalog";
import { toJson } from "../security/iam";
import { Tags, withName } from "../security/tags";

/** How the hub reaches a service in another region: a cross-Region endpoint when AWS offers one, else a peered VPC there. */
export function crossRegionPath(service: string): "crossRegionEndpoint" | "peeredVpcEndpoint" {
    return CROSS_REGION_PRIVATELINK_SERVICES.includes(service) ? "crossRegionEndpoint" : "peeredVpcEndpoint";
}

/** The name the SigV4 client dials for AMP in `region`; a private zone of that name answers in the hub VPC. */
export function ampHostname(region: string): string {
    return `aps-workspaces.${region}.amazonaws.com`;
}

export interface DrRemoteWritePathArgs {
    readonly account: string;
    readonly organizationId: string;
    readonly hubRegion: string;
    readonly drRegion: string;
    /** Provider for the DR region (the component's own providers are the hub region's). */
    readonly drProvider: pulumi.ProviderResource;
    readonly hubVpcId: pulumi.Input<string>;
    readonly hubVpcCidr: pulumi.Input<string>;
    /** Hub route tables that get a route to the DR VPC (one per private route table). */
    readonly hubRouteTableIds: pulumi.Input<string>[];
    /** CIDR of the DR VPC; must not overlap the hub VPC (peering refuses overlapping CIDRs). */
    readonly drCidr: string;
    /** AZ IDs for the DR endpoint subnets (two or more). Default: the DR region's first two AZ IDs. */
    readonly drAvailabilityZoneIds?: readonly string[];
    readonly tags?: pulumi.Input<Tags>;
}

/**
 * A private path from the hub VPC to AMP in the DR region: a small VPC there with an aps-workspaces
 * interface endpoint, an inter-Region VPC peering to the hub VPC with routes both ways, and a private
 * hosted zone `aps-workspaces.<dr-region>.amazonaws.com` in the hub VPC aliasing the endpoint, so the
 * collector's SigV4 client keeps dialling the regional name and its TLS certificate still matches.
 */
export class DrRemoteWritePath extends pulumi.ComponentResource {
    public readonly drVpcId: pulumi.Output<string>;
    public readonly endpointId: pulumi.Output<string>;
    public readonly peeringConnectionId: pulumi.Output<string>;
    public readonly drCidr: string;

    constructor(name: string, args: DrRemoteWritePathArgs, opts?: pulumi.ComponentResourceOptions) {
        super("oss-monitoring:hub:DrRemoteWritePath", name, {}, opts);
        if (crossRegionPath("aps-workspaces") !== "peeredVpcEndpoint") {
            throw new Error(`${name}: aps-workspaces now supports cross-Region endpoints; replace the peered VPC with one`);
        }
        const dr = { parent: this, provider: args.drProvider };
        const vpc = new aws.ec2.Vpc(`${name}-vpc`, {
            cidrBlock: args.drCidr, enableDnsHostnames: true, enableDnsSupport: true, tags: withName(args.tags, `${name}-vpc`),
        }, dr);
        new aws.ec2.DefaultSecurityGroup(`${name}-default-sg`, { vpcId: vpc.id, tags: withName(args.tags, `${name}-default-deny`) }, dr);
        const routeTable = new aws.ec2.RouteTable(`${name}-rt`, { vpcId: vpc.id, tags: withName(args.tags, `${name}-private`) }, dr);
        const count = args.drAvailabilityZoneIds?.length ?? 2;
        const zoneIds: pulumi.Output<string[]> = args.drAvailabilityZoneIds !== undefined
            ? pulumi.output([...args.drAvailabilityZoneIds])
            : aws.getAvailabilityZonesOutput({ state: "available", filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] }, dr)
                .zoneIds.apply((ids) => [...ids].sort().slice(0, count));
        const subnets = privateSubnetPlan(args.drCidr, count).map((cidrBlock, i) => {
            const subnet = new aws.ec2.Subnet(`${name}-private-${i}`, {
                vpcId: vpc.id, cidrBlock, availabilityZoneId: zoneIds.apply((ids) => ids[i]), mapPublicIpOnLaunch: false,
                tags: withName(args.tags, `${name}-private-${i}`, { Tier: "private" }),
            }, dr);
            new aws.ec2.RouteTableAssociation(`${name}-private-${i}`, { subnetId: subnet.id, routeTableId: routeTable.id }, dr);
            return subnet.id;
        });
        const sg = new aws.ec2.SecurityGroup(`${name}-aps-sg`, {
            vpcId: vpc.id, description: "AMP endpoint in the DR region: HTTPS from the hub VPC only", tags: withName(args.tags, `${name}-aps`),
        }, dr);
        new aws.vpc.SecurityGroupIngressRule(`${name}-aps-in`, {
            securityGroupId: sg.id, ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: args.hubVpcCidr,
            description: "HTTPS from the hub collector (peered VPC)", tags: args.tags,
        }, dr);
        const endpoint = new aws.ec2.VpcEndpoint(`${name}-aps`, {
            vpcId: vpc.id,
            serviceName: awsServiceName(args.drRegion, "aps-workspaces"),
            vpcEndpointType: "Interface",
            privateDnsEnabled: true,
            subnetIds: subnets,
            securityGroupIds: [sg.id],
            policy: toJson(endpointPolicy("aps-workspaces", args.organizationId)),
            tags: withName(args.tags, `${name}-aps`),
        }, dr);
        // Inter-Region peering is requested from the hub and accepted in the DR region (no auto-accept across Regions).
        const peering = new aws.ec2.VpcPeeringConnection(`${name}-peering`, {
            vpcId: args.hubVpcId, peerVpcId: vpc.id, peerRegion: args.drRegion, peerOwnerId: args.account, autoAccept: false,
            tags: withName(args.tags, `${name}-peering`),
        }, { parent: this });
        const accepter = new aws.ec2.VpcPeeringConnectionAccepter(`${name}-peering-accept`, {
            vpcPeeringConnectionId: peering.id, autoAccept: true, tags: withName(args.tags, `${name}-peering`),
        }, dr);
        new aws.ec2.Route(`${name}-to-hub`, {
            routeTableId: routeTable.id, destinationCidrBlock: args.hubVpcCidr, vpcPeeringConnectionId: peering.id,
        }, { ...dr, dependsOn: [accepter] });
        args.hubRouteTableIds.forEach((rt, i) => {
            new aws.ec2.Route(`${name}-to-dr-${i}`, {
                routeTableId: rt, destinationCidrBlock: args.drCidr, vpcPeeringConnectionId: peering.id,
            }, { parent: this, dependsOn: [accepter] });
        });
        const zone = new aws.route53.Zone(`${name}-aps-zone`, {
            name: ampHostname(args.drRegion),
            comment: "AMP in the DR region, answered by the interface endpoint in the peered DR VPC",
            vpcs: [{ vpcId: args.hubVpcId, vpcRegion: args.hubRegion }],
            tags: withName(args.tags, `${name}-aps-zone`),
        }, { parent: this });
        const entry = endpoint.dnsEntries.apply((entries) => {
            if (entries === undefined || entries.length === 0) {
                throw new Error(`${name}: the DR aps-workspaces endpoint reported no DNS entries`);
            }
            return entries[0];
        });
        new aws.route53.Record(`${name}-aps-alias`, {
            zoneId: zone.zoneId, name: ampHostname(args.drRegion), type: "A",
            aliases: [{ name: entry.apply((e) => e.dnsName ?? ""), zoneId: entry.apply((e) => e.hostedZoneId ?? ""), evaluateTargetHealth: false }],
        }, { parent: this });
        this.drVpcId = vpc.id;
        this.endpointId = endpoint.id;
        this.peeringConnectionId = peering.id;
        this.drCidr = args.drCidr;
        this.registerOutputs({ drVpcId: this.drVpcId, endpointId: this.endpointId, peeringConnectionId: this.peeringConnectionId });
    }
}
