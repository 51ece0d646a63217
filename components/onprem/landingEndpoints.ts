import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { awsServiceName, ONPREM_ENDPOINT_SERVICES, s3GatewayPolicy } from "../network/endpointCatalog";
import { PolicyDocument, policyDocument, toJson } from "../security/iam";
import { ENDPOINT_OWNER_TAG } from "../network/endpointDiscovery";
import { InterfaceEndpoints } from "../network/interfaceEndpoints";
import { Tags, withName } from "../security/tags";

export interface LandingEndpointsArgs {
    /** The landing account (scopes the Roles Anywhere endpoint policy). */
    readonly account: string;
    /** Region of the endpoints. */
    readonly region: string;
    /** Organization whose principals may use the shared endpoints. */
    readonly organizationId: string;
    /** The landing VPC. */
    readonly vpcId: pulumi.Input<string>;
    /** Its subnets, two or more AZs. */
    readonly subnetIds: pulumi.Input<string>[];
    /** The site's networks: admitted on 443. */
    readonly siteCidrs: readonly string[];
    /** The landing VPC's CIDRs, also admitted on 443 (private DNS makes the endpoints the VPC's). Default none. */
    readonly vpcCidrs?: readonly string[];
    /**
     * Add an S3 interface endpoint (agent packages come from AWS-owned buckets). Default true.
     * With `s3GatewayEndpoint` its private DNS answers only queries from the Resolver inbound endpoint.
     */
    readonly s3?: boolean;
    /** The VPC already routes S3 through a gateway endpoint. Default true. */
    readonly s3GatewayEndpoint?: boolean;
    /** Add the IAM Roles Anywhere endpoint (hosts exchange certificates for credentials). Default false. */
    readonly rolesAnywhere?: boolean;
    /** Services served by endpoints/zones this stack does not own: none created for them. Default none. */
    readonly skipServices?: readonly string[];
    /** Stack that owns the endpoints (tag), so later lookups skip them. Default none. */
    readonly ownerStack?: string;
    /** Cost-allocation tags. Default: none. */
    readonly tags?: pulumi.Input<Tags>;
}

/**
 * Roles Anywhere's CreateSession is signed with the host certificate, not an IAM principal,
 * so the organization condition of the shared endpoint policies cannot apply: instead the
 * endpoint only serves trust anchors of this account.
 */
export function rolesAnywhereEndpointPolicy(account: string): PolicyDocument {
    return policyDocument([{
        Sid: "CreateSessionsWithThisAccountsTrustAnchorsOnly",
        Effect: "Allow",
        Principal: "*",
        Action: ["rolesanywhere:CreateSession"],
        Resource: "*",
        Condition: { StringEquals: { "aws:ResourceAccount": account } },
    }]);
}

/**
 * The landing VPC's interface endpoints for on-premises hosts: the shared InterfaceEndpoints
 * (org-scoped policies, one security group admitting HTTPS from the site CIDRs only), plus S3
 * for agent packages and, for certificate-based hosts, Roles Anywhere, behind the same group.
 */
export class LandingEndpoints extends pulumi.ComponentResource {
    public readonly securityGroupId: pulumi.Output<string>;
    public readonly endpointIds: Record<string, pulumi.Output<string>>;

    constructor(name: string, args: LandingEndpointsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("oss-monitoring:onprem:LandingEndpoints", name, {}, opts);
        const shared = new InterfaceEndpoints(`${name}-aws`, {
            vpcId: args.vpcId,
            subnetIds: args.subnetIds,
            region: args.region,
            services: ONPREM_ENDPOINT_SERVICES.filter((x) => !(args.skipServices ?? []).includes(x)),
            ownerStack: args.ownerStack,
            allowedCidrs: [...args.siteCidrs],
            ...(args.vpcCidrs !== undefined ? { vpcCidrs: [...args.vpcCidrs] } : {}),
            organizationId: args.organizationId,
            tags: args.tags,
        }, { parent: this });
        this.endpointIds = { ...shared.endpointIds };
        const extra = (service: string, policy: PolicyDocument, dnsOptions?: Record<string, unknown>) => {
            const ep = new aws.ec2.VpcEndpoint(`${name}-${service}`, {
                vpcId: args.vpcId,
                serviceName: awsServiceName(args.region, service),
                vpcEndpointType: "Interface",
                privateDnsEnabled: true,
                ...(dnsOptions !== undefined ? { dnsOptions } : {}),
                subnetIds: args.subnetIds,
                securityGroupIds: [shared.securityGroupId],
                policy: toJson(policy),
                tags: withName(args.tags, `${name}-${service}`, args.ownerStack !== undefined ? { [ENDPOINT_OWNER_TAG]: args.ownerStack } : {}),
            }, { parent: this });
            this.endpointIds[service] = ep.id;
        };
        if ((args.s3 ?? true) && !(args.skipServices ?? []).includes("s3")) {
            extra("s3", s3GatewayPolicy(args.region), { dnsRecordIpType: "ipv4", privateDnsOnlyForInboundResolverEndpoint: args.s3GatewayEndpoint ?? true });
        }
        if ((args.rolesAnywhere ?? false) && !(args.skipServices ?? []).includes("rolesanywhere")) {
            extra("rolesanywhere", rolesAnywhereEndpointPolicy(args.account));
        }
        this.securityGroupId = shared.securityGroupId;
        this.registerOutputs({ securityGroupId: this.securityGroupId, endpointIds: this.endpointIds });
    }
}
