import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { availabilityZoneIdsProblem } from "./availabilityZones";
import { subnetCidrs } from "./cidr";
import { s3GatewayPolicy } from "./endpointCatalog";
import { toJson } from "../security/iam";
import { InterfaceEndpoints } from "./interfaceEndpoints";
import { Tags, withName } from "../security/tags";
import { PRIVATE_NETWORK_DEFAULTS } from "./privateNetworkSettings";

export interface PrivateNetworkArgs {
    readonly region: string;
    readonly organizationId: string;
    /** CIDR of the VPC to create. Ignored when `existing` is set. Default 10.60.0.0/16. */
    readonly cidr?: string;
    /** Number of AZs (and private subnets) when availabilityZoneIds is not given. Default 3. */
    readonly azCount?: number;
    /** AZ IDs (e.g. use1-az1) of the private subnets, one each. Default: the first azCount AZ IDs of the region, sorted. */
    readonly availabilityZoneIds?: readonly string[];
    /**
     * Bring-your-own VPC: its ID, private subnets and (when routes must be added, e.g. to the DR
     * region) their route tables. Default: create a VPC.
     */
    readonly existing?: { readonly vpcId: string; readonly privateSubnetIds: readonly string[]; readonly privateRouteTableIds?: readonly string[] };
    /** Service suffixes that get interface endpoints (see ENDPOINT_ACTIONS). */
    readonly endpointServices: readonly string[];
    /**
     * Buckets of this account the VPC may read and write through the S3 gateway endpoint besides the
     * AWS-owned artifact buckets (e.g. the Pulumi state bucket of a deploy runner in the VPC). Default: none.
     */
    readonly s3Buckets?: readonly string[];
    /** Extra networks allowed to reach the interface endpoints besides the VPC. Default: none. */
    readonly endpointClientCidrs?: readonly string[];
    /** Cost-allocation tags. Default: none. */
    readonly tags?: pulumi.Input<Tags>;
}

/**
 * Subnet plan: the first half of the VPC split evenly over the AZs; the second half stays
 * free so more AZs or a public tier can be added later without renumbering.
 */
export function privateSubnetPlan(cidr: string, azCount: number): string[] {
    const prefix = Number(cidr.split("/")[1]);
    return subnetCidrs(cidr, Math.min(prefix + Math.ceil(Math.log2(azCount)) + 1, 28), azCount);
}

/**
 * A VPC with private subnets only (no internet or NAT gateway): AWS APIs are reached
 * through interface endpoints and S3 through a gateway endpoint.
 */
export class PrivateNetwork extends pulumi.ComponentResource {
    public readonly vpcId: pulumi.Output<string>;
    public readonly vpcCidr: pulumi.Output<string>;
    public readonly privateSubnetIds: pulumi.Output<string>[];
    /** Route tables of the private subnets, known one by one (empty for a BYO VPC without privateRouteTableIds). */
    public readonly privateRouteTableIds: pulumi.Input<string>[];
    /** AZ IDs of the private subnets (what PrivateLink consumers must share with the hub). */
    public readonly availabilityZoneIds: pulumi.Output<string[]>;
    public readonly endpointSecurityGroupId: pulumi.Output<string>;
    public readonly s3PrefixListId: pulumi.Output<string>;
    /**
     * Every VPC endpoint (interface and the S3 gateway): tasks that start before these exist fail
     * with ResourceInitializationError (no route to ECR, Secrets Manager, SSM), so workloads depend on them.
     */
    public readonly endpoints: pulumi.Resource[];

    constructor(name: string, args: PrivateNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("oss-monitoring:network:PrivateNetwork", name, {}, opts);
        let routeTableIds: pulumi.Output<string[]>;
        if (args.existing !== undefined) {
            this.vpcId = pulumi.output(args.existing.vpcId);
            this.vpcCidr = aws.ec2.getVpcOutput({ id: args.existing.vpcId }, { parent: this }).cidrBlock;
            this.privateSubnetIds = args.existing.privateSubnetIds.map((s) => pulumi.output(s));
            this.privateRouteTableIds = [...(args.existing.privateRouteTableIds ?? [])];
            this.availabilityZoneIds = pulumi.all(args.existing.privateSubnetIds.map((id) => aws.ec2.getSubnetOutput({ id }, { parent: this }).availabilityZoneId));
            routeTableIds = aws.ec2.getRouteTablesOutput({
                vpcId: args.existing.vpcId,
                filters: [{ name: "association.subnet-id", values: [...args.existing.privateSubnetIds] }],
            }, { parent: this }).ids;
        } else {
            const cidr = args.cidr ?? PRIVATE_NETWORK_DEFAULTS.cidr;
            const configured = args.availabilityZoneIds;
            if (configured !== undefined) {
                const problem = availabilityZoneIdsProblem(args.region, configured);
                if (problem !== undefined) {
                    throw new Error(`${name}: availabilityZoneIds: ${problem}`);
                }
            }
            const azCount = configured?.length ?? args.azCount ?? PRIVATE_NETWORK_DEFAULTS.azCount;
            const zoneIds: pulumi.Output<string[]> = configured !== undefined
                ? pulumi.output([...configured])
                : aws.getAvailabilityZonesOutput({ state: "available", filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] }, { parent: this })
                    .zoneIds.apply((ids) => [...ids].sort().slice(0, azCount));
            const vpc = new aws.ec2.Vpc(`${name}-vpc`, {
                cidrBlock: cidr,
                enableDnsHostnames: true,
                enableDnsSupport: true,
                tags: withName(args.tags, `${name}-vpc`),
            }, { parent: this });
            // The default security group admits all traffic between its members; empty it.
            new aws.ec2.DefaultSecurityGroup(`${name}-default-sg`, { vpcId: vpc.id, tags: withName(args.tags, `${name}-default-deny`) }, { parent: this });
            const routeTable = new aws.ec2.RouteTable(`${name}-private-rt`, { vpcId: vpc.id, tags: withName(args.tags, `${name}-private`) }, { parent: this });
            this.privateSubnetIds = privateSubnetPlan(cidr, azCount).map((subnetCidr, i) => {
                const subnet = new aws.ec2.Subnet(`${name}-private-${i}`, {
                    vpcId: vpc.id,
                    cidrBlock: subnetCidr,
                    availabilityZoneId: zoneIds.apply((ids) => ids[i]),
                    mapPublicIpOnLaunch: false,
                    tags: withName(args.tags, `${name}-private-${i}`, { Tier: "private" }),
                }, { parent: this });
                new aws.ec2.RouteTableAssociation(`${name}-private-${i}`, { subnetId: subnet.id, routeTableId: routeTable.id }, { parent: this });
                return subnet.id;
            });
            this.vpcId = vpc.id;
            this.vpcCidr = vpc.cidrBlock;
            this.availabilityZoneIds = zoneIds;
            routeTableIds = pulumi.output([routeTable.id]);
            this.privateRouteTableIds = [routeTable.id];
        }
        const s3 = new aws.ec2.VpcEndpoint(`${name}-s3`, {
            vpcId: this.vpcId,
            serviceName: `com.amazonaws.${args.region}.s3`,
            vpcEndpointType: "Gateway",
            routeTableIds,
            policy: toJson(s3GatewayPolicy(args.region, { buckets: args.s3Buckets ?? [], organizationId: args.organizationId })),
            tags: withName(args.tags, `${name}-s3`),
        }, { parent: this });
        const endpoints = new InterfaceEndpoints(`${name}-endpoints`, {
            vpcId: this.vpcId,
            subnetIds: this.privateSubnetIds,
            region: args.region,
            services: args.endpointServices,
            allowedCidrs: [this.vpcCidr, ...(args.endpointClientCidrs ?? [])],
            organizationId: args.organizationId,
            tags: args.tags,
        }, { parent: this });
        this.endpointSecurityGroupId = endpoints.securityGroupId;
        this.endpoints = [s3, ...endpoints.endpoints];
        this.s3PrefixListId = s3.prefixListId;
        this.registerOutputs({ vpcId: this.vpcId, privateSubnetIds: this.privateSubnetIds, endpointSecurityGroupId: this.endpointSecurityGroupId });
    }
}
