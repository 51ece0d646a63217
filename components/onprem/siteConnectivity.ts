import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { VpnPath, vpnPathProblems } from "./siteConnectivitySettings";
import { Tags, withName } from "../security/tags";

export interface DirectConnectPath {
    /** Association of an existing Direct Connect gateway. */
    readonly mode: "directConnect";
    /** The DX gateway (connections and virtual interfaces are managed elsewhere). */
    readonly directConnectGatewayId: string;
    /** tgw-... or vgw-... */
    readonly associatedGatewayId: string;
    /** Prefixes advertised to the site. Default: the landing VPC CIDR. */
    readonly allowedPrefixes?: readonly string[];
}

export type SitePath = VpnPath | DirectConnectPath;

export interface SiteConnectivityArgs {
    /** Site name, for the VPN log group and device name. */
    readonly siteName: string;
    /** VPN or Direct Connect. */
    readonly path: SitePath;
    /** The site's networks, routed from the landing VPC. */
    readonly siteCidrs: readonly string[];
    /** The landing VPC's CIDR (default Direct Connect advertisement). */
    readonly landingVpcCidr: string;
    /** Landing route tables that get routes (TGW) or propagation (VGW) for the site CIDRs. Default: none. */
    readonly routeTableIds?: readonly string[];
    /** KMS key for the VPN tunnel log group. */
    readonly logKmsKeyArn: pulumi.Input<string>;
    /** Retention of the VPN tunnel log group (days). */
    readonly logRetentionDays: number;
    /** Cost-allocation tags. Default: none. */
    readonly tags?: pulumi.Input<Tags>;
}

/**
 * IKE/IPsec proposals for both tunnels: IKEv2 only, AES-256 (GCM preferred), SHA-2, DH groups
 * 19-21 (ECP) plus 14 (2048-bit MODP) for devices without ECP; nothing weaker is offered.
 */
export const VPN_TUNNEL_CRYPTO = {
    ikeVersions: ["ikev2"],
    phase1EncryptionAlgorithms: ["AES256-GCM-16", "AES256"],
    phase1IntegrityAlgorithms: ["SHA2-384", "SHA2-256"],
    phase1DhGroupNumbers: [20, 21, 19, 14],
    phase2EncryptionAlgorithms: ["AES256-GCM-16", "AES256"],
    phase2IntegrityAlgorithms: ["SHA2-384", "SHA2-256"],
    phase2DhGroupNumbers: [20, 21, 19, 14],
} as const;

/** Both tunnels' options as VpnConnection inputs (`tunnel1...`, `tunnel2...`). */
export function vpnTunnelOptions(logGroupArn: pulumi.Input<string>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const t of [1, 2]) {
        out[`tunnel${t}IkeVersions`] = [...VPN_TUNNEL_CRYPTO.ikeVersions];
        out[`tunnel${t}Phase1EncryptionAlgorithms`] = [...VPN_TUNNEL_CRYPTO.phase1EncryptionAlgorithms];
        out[`tunnel${t}Phase1IntegrityAlgorithms`] = [...VPN_TUNNEL_CRYPTO.phase1IntegrityAlgorithms];
        out[`tunnel${t}Phase1DhGroupNumbers`] = [...VPN_TUNNEL_CRYPTO.phase1DhGroupNumbers];
        out[`tunnel${t}Phase2EncryptionAlgorithms`] = [...VPN_TUNNEL_CRYPTO.phase2EncryptionAlgorithms];
        out[`tunnel${t}Phase2IntegrityAlgorithms`] = [...VPN_TUNNEL_CRYPTO.phase2IntegrityAlgorithms];
        out[`tunnel${t}Phase2DhGroupNumbers`] = [...VPN_TUNNEL_CRYPTO.phase2DhGroupNumbers];
        out[`tunnel${t}LogOptions`] = { cloudwatchLogOptions: { logEnabled: true, logGroupArn, logOutputFormat: "json" } };
    }
    return out;
}

/** Largest ASN `bgpAsn` takes; above it the API needs `BgpAsnExtended` (CreateCustomerGateway, https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateCustomerGateway.html). */
export const MAX_BGP_ASN = 2147483647;

/** The customer gateway's ASN input: `bgpAsn` up to 2147483647, `bgpAsnExtended` above. */
export function customerGatewayAsn(asn: number): { bgpAsn: string } | { bgpAsnExtended: string } {
    if (!Number.isInteger(asn) || asn < 1 || asn > 4294967294) {
        throw new Error(`network.bgpAsn: ${asn} is not a valid ASN (1-4294967294)`);
    }
    return asn > MAX_BGP_ASN ? { bgpAsnExtended: String(asn) } : { bgpAsn: String(asn) };
}

/**
 * What a transit gateway route table needs for the VPN attachment: the association, and either
 * propagation (BGP learns the site's prefixes) or one static route per site CIDR, since static VPN
 * routes are not propagated into a transit gateway route table
 * (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-vpn-attachments.html). Without either there is
 * no return path to the site.
 */
export function transitGatewayRouting(path: VpnPath, siteCidrs: readonly string[]): { associate: boolean; propagate: boolean; staticRoutes: string[] } | undefined {
    if (path.transitGatewayId === undefined) {
        return undefined;
    }
    if (path.transitGatewayRouteTableId === undefined) {
        const problem = vpnPathProblems(path).find((p) => p.key === "transitGatewayRouteTableId");
        if (problem !== undefined) {
            throw new Error(`network.${problem.key}: ${problem.message}`);
        }
        return undefined;
    }
    return { associate: true, propagate: !path.staticRoutesOnly, staticRoutes: path.staticRoutesOnly ? [...siteCidrs] : [] };
}

type SiteGateway = ReturnType<typeof siteGateway>;

/** The gateway that routes to the site, whichever way it is reached. */
export function siteGateway(path: SitePath): { kind: "tgw" | "vgw"; id: string } {
    const id = path.mode === "vpn" ? path.transitGatewayId ?? path.vpnGatewayId : path.associatedGatewayId;
    if (id === undefined) {
        const problem = path.mode === "vpn" ? vpnPathProblems(path).find((p) => p.key === "transitGatewayId") : undefined;
        throw new Error(`siteGateway: network.transitGatewayId: ${problem?.message ?? "no gateway to route to the site"}`);
    }
    return { kind: id.startsWith("tgw-") ? "tgw" : "vgw", id };
}

/**
 * The private path between the site and the landing VPC: a Site-to-Site VPN (IKEv2, strong
 * proposals, pre-shared keys kept in Secrets Manager, tunnel logs) to the transit gateway or
 * VGW, or an association of an existing Direct Connect gateway. Either way the landing route
 * tables learn the site CIDRs, and only the landing VPC is advertised to the site.
 */
export class SiteConnectivity extends pulumi.ComponentResource {
    public readonly vpnConnectionId?: pulumi.Output<string>;
    /** Outside addresses of the two tunnels (configure them on the site's device). */
    public readonly tunnelAddresses?: pulumi.Output<string>[];
    public readonly customerGatewayId?: pulumi.Output<string>;
    public readonly directConnectAssociationId?: pulumi.Output<string>;

    constructor(name: string, args: SiteConnectivityArgs, opts?: pulumi.ComponentResourceOptions) {
        super("oss-monitoring:onprem:SiteConnectivity", name, {}, opts);
        const vpnProblem = args.path.mode === "vpn" ? vpnPathProblems(args.path)[0] : undefined;
        if (vpnProblem !== undefined) {
            throw new Error(`${name}: network.${vpnProblem.key}: ${vpnProblem.message}`);
        }
        const gw = siteGateway(args.path);
        const p = args.path;
        if (p.mode === "vpn") {
            const { vpn, cgw } = this.vpnConnection(name, args, p, gw);
            this.transitGatewayRoutes(name, args, p, vpn);
            if (p.staticRoutesOnly && gw.kind === "vgw") {
                args.siteCidrs.forEach((c, i) => {
                    new aws.ec2.VpnConnectionRoute(`${name}-vpn-route-${i}`, { vpnConnectionId: vpn.id, destinationCidrBlock: c }, { parent: this });
                });
            }
            this.vpnConnectionId = vpn.id;
            this.customerGatewayId = cgw.id;
            this.tunnelAddresses = [vpn.tunnel1Address, vpn.tunnel2Address];
        } else {
            const assoc = new aws.directconnect.GatewayAssociation(`${name}-dx`, {
                dxGatewayId: p.directConnectGatewayId,
                associatedGatewayId: p.associatedGatewayId,
                allowedPrefixes: [...(p.allowedPrefixes ?? [args.landingVpcCidr])],
            }, { parent: this });
            this.directConnectAssociationId = assoc.id;
        }
        this.landingRoutes(name, args, gw);
        this.registerOutputs({
            vpnConnectionId: this.vpnConnectionId,
            tunnelAddresses: this.tunnelAddresses,
            directConnectAssociationId: this.directConnectAssociationId,
        });
    }

    /** The tunnel log group, the site's customer gateway and the VPN connection to the TGW or VGW. */
    private vpnConnection(name: string, args: SiteConnectivityArgs, p: VpnPath, gw: SiteGateway) {
        const logs = new aws.cloudwatch.LogGroup(`${name}-vpn-logs`, {
            // Outside the hosts' log prefix, so host credentials cannot write into the tunnel logs.
            name: `/oss-monitoring/network/onprem-${args.siteName}/vpn`,
            kmsKeyId: args.logKmsKeyArn,
            retentionInDays: args.logRetentionDays,
            tags: withName(args.tags, `${name}-vpn-logs`),
        }, { parent: this });
        const cgw = new aws.ec2.CustomerGateway(`${name}-cgw`, {
            type: "ipsec.1",
            ipAddress: p.customerGatewayIp,
            ...customerGatewayAsn(p.bgpAsn),
            deviceName: `${args.siteName}-vpn`,
            tags: withName(args.tags, `${name}-cgw`),
        }, { parent: this });
        const vpn = new aws.ec2.VpnConnection(`${name}-vpn`, {
            type: "ipsec.1",
            customerGatewayId: cgw.id,
            ...(gw.kind === "tgw" ? { transitGatewayId: gw.id } : { vpnGatewayId: gw.id }),
            staticRoutesOnly: p.staticRoutesOnly,
            // Pre-shared keys go to Secrets Manager instead of the stack state.
            presharedKeyStorage: "SecretsManager",
            ...vpnTunnelOptions(logs.arn),
            tags: withName(args.tags, `${name}-vpn`),
        }, { parent: this });
        return { vpn, cgw };
    }

    /** The VPN attachment's association and propagation or static routes in its TGW route table (transitGatewayRouting). */
    private transitGatewayRoutes(name: string, args: SiteConnectivityArgs, p: VpnPath, vpn: aws.ec2.VpnConnection): void {
        const tgwRouting = transitGatewayRouting(p, args.siteCidrs);
        if (tgwRouting === undefined || p.transitGatewayRouteTableId === undefined) {
            return;
        }
        const rtb = p.transitGatewayRouteTableId;
        new aws.ec2transitgateway.RouteTableAssociation(`${name}-tgw-assoc`, {
            transitGatewayAttachmentId: vpn.transitGatewayAttachmentId, transitGatewayRouteTableId: rtb,
        }, { parent: this });
        if (tgwRouting.propagate) {
            new aws.ec2transitgateway.RouteTablePropagation(`${name}-tgw-propagation`, {
                transitGatewayAttachmentId: vpn.transitGatewayAttachmentId, transitGatewayRouteTableId: rtb,
            }, { parent: this });
        }
        tgwRouting.staticRoutes.forEach((c, i) => {
            new aws.ec2transitgateway.Route(`${name}-tgw-route-${i}`, {
                destinationCidrBlock: c, transitGatewayAttachmentId: vpn.transitGatewayAttachmentId, transitGatewayRouteTableId: rtb,
            }, { parent: this });
        });
    }

    /** The landing route tables' way to the site: VGW propagation, or one TGW route per site CIDR. */
    private landingRoutes(name: string, args: SiteConnectivityArgs, gw: SiteGateway): void {
        (args.routeTableIds ?? []).forEach((rtb, r) => {
            if (gw.kind === "vgw") {
                new aws.ec2.VpnGatewayRoutePropagation(`${name}-propagation-${r}`, { routeTableId: rtb, vpnGatewayId: gw.id }, { parent: this });
            } else {
                args.siteCidrs.forEach((c, i) => {
                    new aws.ec2.Route(`${name}-route-${r}-${i}`, { routeTableId: rtb, destinationCidrBlock: c, transitGatewayId: gw.id }, { parent: this });
                });
            }
        });
    }
}
