import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { COLLECTOR_PORTS } from "../collectorPorts";
import { Tags, withName } from "../tags";

export type OnpremAuthMode = "mtls" | "bearer";

/** The hub listener a site sends to: 4319 (mutual TLS, pass-through) or 4320 (bearer token). */
export function hubPortFor(mode: OnpremAuthMode): number {
    return mode === "mtls" ? COLLECTOR_PORTS.otlpHttpMtls : COLLECTOR_PORTS.otlpHttpToken;
}

/**
 * Fails when the hub does not serve the site's port: the hub derives its on-prem listeners
 * from the fleet manifest, so a site added there without redeploying the hub lands here.
 */
export function requireHubPort(hubPorts: readonly number[], mode: OnpremAuthMode): number {
    const port = hubPortFor(mode);
    if (!hubPorts.includes(port)) {
        throw new Error(`the hub collector does not serve port ${port} (${mode === "mtls" ? "mutual TLS" : "bearer token"}; it serves ${hubPorts.join(", ")}). ` +
            "Add this site to stacks/fleet.yaml and deploy the hub before the site.");
    }
    return port;
}

export interface HubCollectorEndpointArgs {
    /** The landing VPC. */
    readonly vpcId: pulumi.Input<string>;
    /** Its subnets (two or more AZs) for the endpoint's interfaces. */
    readonly subnetIds: pulumi.Input<string>[];
    /** The hub's endpoint service (com.amazonaws.vpce.<region>.vpce-svc-...). */
    readonly serviceName: pulumi.Input<string>;
    /** Ports the hub serves (hub output collectorPorts). */
    readonly hubPorts: pulumi.Input<number[]>;
    /** The site's authentication mode, which picks the one port admitted. */
    readonly authMode: OnpremAuthMode;
    /** Private name of the collector (hub output collectorDomain). */
    readonly collectorDomain: pulumi.Input<string>;
    /** The site's networks: the only sources admitted. */
    readonly siteCidrs: readonly string[];
    /** Cost-allocation tags. Default: none. */
    readonly tags?: pulumi.Input<Tags>;
}

/**
 * The site's private path to the hub collector: an interface endpoint to the hub's
 * PrivateLink service in the landing VPC, a security group admitting the site CIDRs on the
 * site's authenticated port only, and a private zone so the collector's name resolves to the
 * endpoint (on-prem DNS reaches it through the Resolver inbound endpoint).
 */
export class HubCollectorEndpoint extends pulumi.ComponentResource {
    public readonly endpointId: pulumi.Output<string>;
    public readonly securityGroupId: pulumi.Output<string>;
    public readonly zoneId: pulumi.Output<string>;
    /** `https://<collectorDomain>:<port>`: where the site's senders POST OTLP. */
    public readonly url: pulumi.Output<string>;

    constructor(name: string, args: HubCollectorEndpointArgs, opts?: pulumi.ComponentResourceOptions) {
        super("oss-monitoring:onprem:HubCollectorEndpoint", name, {}, opts);
        const port = pulumi.output(args.hubPorts).apply((ports) => requireHubPort(ports, args.authMode));
        const sg = new aws.ec2.SecurityGroup(`${name}-sg`, {
            vpcId: args.vpcId,
            description: `OTLP/HTTP (${args.authMode}) to the hub collector endpoint from the site only`,
            tags: withName(args.tags, `${name}-sg`),
        }, { parent: this });
        args.siteCidrs.forEach((cidr, i) => {
            new aws.vpc.SecurityGroupIngressRule(`${name}-otlp-${i}`, {
                securityGroupId: sg.id, ipProtocol: "tcp", fromPort: port, toPort: port, cidrIpv4: cidr,
                description: `OTLP/HTTP ${args.authMode} from a site network`, tags: args.tags,
            }, { parent: this });
        });
        const endpoint = new aws.ec2.VpcEndpoint(`${name}-endpoint`, {
            vpcId: args.vpcId,
            serviceName: args.serviceName,
            vpcEndpointType: "Interface",
            // The hub's service has no verified private DNS name; the zone below provides the name.
            privateDnsEnabled: false,
            subnetIds: args.subnetIds,
            securityGroupIds: [sg.id],
            tags: withName(args.tags, `${name}-endpoint`),
        }, { parent: this });
        const zone = new aws.route53.Zone(`${name}-zone`, {
            name: args.collectorDomain,
            comment: "Hub collector name inside the landing VPC (and, through the Resolver, on-premises)",
            vpcs: [{ vpcId: args.vpcId }],
            tags: withName(args.tags, `${name}-zone`),
        }, { parent: this });
        new aws.route53.Record(`${name}-alias`, {
            zoneId: zone.zoneId,
            name: args.collectorDomain,
            type: "A",
            aliases: [{
                name: endpoint.dnsEntries.apply((d) => d[0].dnsName),
                zoneId: endpoint.dnsEntries.apply((d) => d[0].hostedZoneId),
                evaluateTargetHealth: true,
            }],
        }, { parent: this });
        this.endpointId = endpoint.id;
        this.securityGroupId = sg.id;
        this.zoneId = zone.zoneId;
        this.url = pulumi.interpolate`https://${args.collectorDomain}:${port}`;
        this.registerOutputs({ endpointId: this.endpointId, securityGroupId: this.securityGroupId, url: this.url });
    }
}
