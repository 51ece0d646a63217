/**
 * The VPN path's shape and cross-field checks, apart from SiteConnectivity so the stack config schemas and the fleet
 * manifest's validation read them without loading a provider SDK (a plan's parent process loads no program).
 */
import { cidrsOverlap } from "../network/cidr";

export interface VpnPath {
    /** Site-to-Site VPN. */
    readonly mode: "vpn";
    /** Public IPv4 address of the site's VPN device. */
    readonly customerGatewayIp: string;
    /** BGP ASN of the site's device. */
    readonly bgpAsn: number;
    /** Exactly one of transitGatewayId / vpnGatewayId. */
    readonly transitGatewayId?: string;
    /** Virtual private gateway of the landing VPC. */
    readonly vpnGatewayId?: string;
    /** Static routing (one VPN route per site CIDR on a VGW) instead of BGP. */
    readonly staticRoutesOnly: boolean;
    /** Transit gateway route table for the VPN attachment (association, and propagation or static routes). */
    readonly transitGatewayRouteTableId?: string;
}
/**
 * The VPN path's cross-field rules, stated once (the key under `network` and why): the on-prem schema
 * reports each, SiteConnectivity throws on the first.
 */
export function vpnPathProblems(v: Pick<VpnPath, "customerGatewayIp" | "transitGatewayId" | "vpnGatewayId" | "staticRoutesOnly" | "transitGatewayRouteTableId">): { key: keyof VpnPath; message: string }[] {
    const problems: { key: keyof VpnPath; message: string }[] = [];
    if ((v.transitGatewayId === undefined) === (v.vpnGatewayId === undefined)) {
        problems.push({ key: "transitGatewayId", message: "set exactly one of transitGatewayId or vpnGatewayId (where the VPN terminates)" });
    }
    if (v.staticRoutesOnly && v.transitGatewayId !== undefined && v.transitGatewayRouteTableId === undefined) {
        problems.push({
            key: "transitGatewayRouteTableId",
            message: "required with staticRoutesOnly on a transit gateway: static VPN routes are not propagated, so the stack must add routes to the site in this route table",
        });
    }
    if (v.transitGatewayRouteTableId !== undefined && v.transitGatewayId === undefined) {
        problems.push({ key: "transitGatewayRouteTableId", message: "only for a VPN to a transit gateway; remove it or set transitGatewayId" });
    }
    if (["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].some((p) => cidrsOverlap(p, `${v.customerGatewayIp}/32`))) {
        problems.push({ key: "customerGatewayIp", message: "a Site-to-Site VPN terminates on the device's public address; private addresses belong in siteCidrs" });
    }
    return problems;
}
