/**
 * How a monitored account's hosts reach AWS APIs (`connectivity.mode`) and the pure rules about it:
 * which interface endpoints a mode needs, whether hosts reach the EC2 API, the S3 path of a NAT-less VPC,
 * and that regulated accounts accept only privatelink. The config schema and MonitoredAccount both use them.
 */
import { ENDPOINT_ACTIONS, PRIVATELINK_SERVICES } from "../network/endpointCatalog";

/** How hosts reach AWS APIs: interface endpoints, an existing NAT gateway, or the internet. */
export const CONNECTIVITY_MODES = ["privatelink", "nat", "internet"] as const;
export type ConnectivityMode = (typeof CONNECTIVITY_MODES)[number];

/** Whether hosts can call the EC2 API (for the AutoScalingGroupName dimension). */
export function hasEc2Path(mode: ConnectivityMode, extra: readonly string[] = []): boolean {
    return mode !== "privatelink" || extra.includes("ec2");
}

/** Interface endpoints a connectivity mode needs: all of them for privatelink, none otherwise. */
export function awsServiceEndpoints(mode: ConnectivityMode, extra: readonly string[] = []): string[] {
    if (mode !== "privatelink") {
        return [];
    }
    extra.forEach((s, i) => {
        if (ENDPOINT_ACTIONS[s] === undefined) {
            throw new Error(`connectivity.extraServices[${i}]: "${s}" has no endpoint policy; use one of ${Object.keys(ENDPOINT_ACTIONS).join(", ")}`);
        }
    });
    return [...new Set([...PRIVATELINK_SERVICES, ...extra])];
}

/**
 * The shared-endpoint shape (`connectivity.sharedZones`): a central zone may only stand for a service this
 * account would otherwise get an endpoint for, and a service is either served by a central zone or declared
 * as served by something else (`existingEndpoints`), not both. Returns the first problem, or undefined.
 */
export function sharedZonesProblem(wanted: readonly string[], sharedZones: Readonly<Record<string, string>>, existing: readonly string[]): { service: string; message: string } | undefined {
    for (const service of Object.keys(sharedZones)) {
        if (!wanted.includes(service)) {
            return { service, message: `"${service}" is not an endpoint service of this account (${wanted.join(", ") || "none outside privatelink mode"}); fix: one of those, or add it to extraServices` };
        }
        if (existing.includes(service)) {
            return { service, message: `"${service}" is also in existingEndpoints; fix: list it in one of the two` };
        }
    }
    return undefined;
}

/** IPv4 CIDRs of a VPC that route traffic (EC2 CidrBlockState: associating/associated). */
export function activeVpcCidrs(associations: readonly { cidrBlock: string; state: string }[]): string[] {
    return associations.filter((a) => !/^(disassociat|failed)/.test(a.state)).map((a) => a.cidrBlock);
}

/**
 * Whether route tables fit the chosen S3 path. A table can hold one route per destination, so a
 * second gateway endpoint on a table that already routes the S3 prefix list fails
 * (https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html, "Considerations");
 * `existing` needs that route on every table. Returns the problem, or undefined.
 */
export function s3RouteProblem(path: "gateway" | "existing", tables: readonly { id: string; routes: readonly { destinationPrefixListId?: string; gatewayId?: string }[] }[], s3PrefixListId: string): string | undefined {
    if (tables.length === 0) {
        return "no route table is associated with the configured subnets (they use the main table); list the workload route tables";
    }
    const routed = tables.filter((t) => t.routes.some((r) => r.destinationPrefixListId === s3PrefixListId && (r.gatewayId ?? "").startsWith("vpce-")));
    if (path === "gateway" && routed.length > 0) {
        return `${routed.map((t) => t.id).join(", ")} already route S3 (${s3PrefixListId}) through a gateway endpoint; set connectivity.s3Path: existing and make sure its policy admits the SSM agent buckets`;
    }
    const missing = tables.filter((t) => !routed.includes(t));
    if (path === "existing" && missing.length > 0) {
        return `${missing.map((t) => t.id).join(", ")} have no route to S3 (${s3PrefixListId}) through a gateway endpoint, so AWS-ConfigureAWSPackage cannot download the agent; set connectivity.s3Path: gateway`;
    }
    return undefined;
}

/** Regulated accounts keep AWS API traffic inside the VPC: why `mode` is refused (key connectivity.mode), or undefined. */
export function connectivityProblem(regulated: boolean, mode: ConnectivityMode): string | undefined {
    return regulated && mode !== "privatelink" ? `regulated accounts accept only privatelink (got ${mode}): AWS API traffic must not leave the VPC` : undefined;
}

/** Throws connectivityProblem's answer, naming the key. */
export function checkConnectivity(regulated: boolean, mode: ConnectivityMode): void {
    const problem = connectivityProblem(regulated, mode);
    if (problem !== undefined) {
        throw new Error(`connectivity.mode: ${problem}`);
    }
}
