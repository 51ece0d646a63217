import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { awsServiceName, endpointPolicy } from "./endpointCatalog";
import { ENDPOINT_OWNER_TAG } from "./endpointDiscovery";
import { toJson } from "../security/iam";
import { Tags, withName } from "../security/tags";

export interface InterfaceEndpointsArgs {
    readonly vpcId: pulumi.Input<string>;
    /** Subnets (one per AZ, two or more) the endpoint network interfaces go in. */
    readonly subnetIds: pulumi.Input<string>[];
    readonly region: string;
    /** Service suffixes, e.g. `ssm`, `logs`, `aps-workspaces` (see ENDPOINT_ACTIONS). */
    readonly services: readonly string[];
    /** Networks allowed to reach the endpoints on 443. */
    readonly allowedCidrs: pulumi.Input<string>[];
    /**
     * The VPC's own CIDRs, admitted on 443 as well: with private DNS the endpoints answer for the
     * whole VPC, so a subnet outside allowedCidrs would otherwise time out on every call to the
     * service. Default: none.
     */
    readonly vpcCidrs?: pulumi.Input<pulumi.Input<string>[]>;
    /** Managed prefix lists allowed to reach the endpoints on 443. Default: none. */
    readonly allowedPrefixListIds?: pulumi.Input<string>[];
    /** Organization whose principals may use the endpoints (endpoint policy). */
    readonly organizationId: string;
    /** Stack that owns the endpoints (tag ENDPOINT_OWNER_TAG), so lookups of existing endpoints skip them. Default none. */
    readonly ownerStack?: string;
    /** Cost-allocation tags. Default: none. */
    readonly tags?: pulumi.Input<Tags>;
}

/**
 * Interface VPC endpoints with private DNS, an organization-scoped endpoint policy each (see
 * endpointPolicy), and one security group admitting HTTPS only from the listed networks and the VPC.
 */
export class InterfaceEndpoints extends pulumi.ComponentResource {
    public readonly securityGroupId: pulumi.Output<string>;
    public readonly endpointIds: Record<string, pulumi.Output<string>>;
    /** The endpoints themselves, for `dependsOn` of workloads that must not start before them. */
    public readonly endpoints: aws.ec2.VpcEndpoint[];

    constructor(name: string, args: InterfaceEndpointsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("oss-monitoring:network:InterfaceEndpoints", name, {}, opts);
        if (args.subnetIds.length < 2) {
            throw new Error(`${name}: interface endpoints need subnets in at least two AZs (got ${args.subnetIds.length})`);
        }
        const sg = new aws.ec2.SecurityGroup(`${name}-sg`, {
            vpcId: args.vpcId,
            description: "HTTPS to AWS service interface endpoints from monitored workloads only",
            tags: withName(args.tags, `${name}-sg`),
        }, { parent: this });
        args.allowedCidrs.forEach((cidr, i) => {
            new aws.vpc.SecurityGroupIngressRule(`${name}-https-${i}`, {
                securityGroupId: sg.id, ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: cidr,
                description: "HTTPS from an allowed network", tags: args.tags,
            }, { parent: this });
        });
        if (args.vpcCidrs !== undefined) {
            // One rule for a list only known at deploy time (the VPC's CIDR associations).
            new aws.ec2.SecurityGroupRule(`${name}-https-vpc`, {
                type: "ingress", securityGroupId: sg.id, protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: args.vpcCidrs,
                description: "HTTPS from the VPC the endpoints serve (private DNS answers for all of it)",
            }, { parent: this });
        }
        (args.allowedPrefixListIds ?? []).forEach((pl, i) => {
            new aws.vpc.SecurityGroupIngressRule(`${name}-https-pl-${i}`, {
                securityGroupId: sg.id, ipProtocol: "tcp", fromPort: 443, toPort: 443, prefixListId: pl,
                description: "HTTPS from an allowed prefix list", tags: args.tags,
            }, { parent: this });
        });
        this.endpointIds = {};
        this.endpoints = [];
        for (const service of args.services) {
            const ep = new aws.ec2.VpcEndpoint(`${name}-${service.replace(/\./g, "-")}`, {
                vpcId: args.vpcId,
                serviceName: awsServiceName(args.region, service),
                // IAM's endpoint lives in us-east-1: elsewhere a cross-Region endpoint reaches it.
                ...(service === "iam" && args.region !== "us-east-1" ? { serviceRegion: "us-east-1" } : {}),
                vpcEndpointType: "Interface",
                privateDnsEnabled: true,
                subnetIds: args.subnetIds,
                securityGroupIds: [sg.id],
                policy: toJson(endpointPolicy(service, args.organizationId)),
                tags: withName(args.tags, `${name}-${service}`, args.ownerStack !== undefined ? { [ENDPOINT_OWNER_TAG]: args.ownerStack } : {}),
            }, { parent: this });
            this.endpointIds[service] = ep.id;
            this.endpoints.push(ep);
        }
        this.securityGroupId = sg.id;
        this.registerOutputs({ securityGroupId: this.securityGroupId, endpointIds: this.endpointIds });
    }
}
