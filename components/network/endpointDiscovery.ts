/**
 * What a VPC already has before a spoke adds interface endpoints: another team's endpoint for a
 * service, or a private hosted zone for its name (landing zones often share one from a central
 * endpoint VPC). Creating a second private-DNS endpoint then fails ("conflicting DNS domain"),
 * https://docs.aws.amazon.com/vpc/latest/privatelink/manage-dns-names.html. The lookups run
 * before any resource is declared (the decision decides which resources exist); the decision
 * itself is the pure `planEndpointServices`.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { awsServiceName } from "./endpointCatalog";

/** Tag our own endpoints carry, so a later lookup does not mistake them for someone else's. */
export const ENDPOINT_OWNER_TAG = "MonitoringStack";

export interface ExistingEndpoint {
    /** vpce-... of the endpoint found, or a zone ID for a private hosted zone. */
    readonly id: string;
    readonly kind: "endpoint" | "zone";
}

export interface EndpointPlan {
    /** Services this stack creates an endpoint for. */
    readonly create: string[];
    /** Services served by what the VPC already has (reused as is), with what serves them. */
    readonly reused: Record<string, string>;
}

/**
 * Which services get an endpoint: every wanted one except those the config says are served
 * already (`declared`) and those the lookup found (`found`, ours excluded by the caller).
 */
export function planEndpointServices(wanted: readonly string[], declared: readonly string[], found: Readonly<Record<string, ExistingEndpoint | undefined>>): EndpointPlan {
    const reused: Record<string, string> = {};
    const create: string[] = [];
    for (const s of wanted) {
        const hit = found[s];
        if (declared.includes(s)) {
            reused[s] = "declared in config";
        } else if (hit !== undefined) {
            reused[s] = `${hit.kind === "zone" ? "private hosted zone" : "endpoint"} ${hit.id}`;
        } else {
            create.push(s);
        }
    }
    return { create, reused };
}

function message(e: unknown): string {
    return e instanceof Error ? e.message : String(e);
}

/**
 * An interface endpoint for `service` in the VPC not created by `ownerStack`, or a private hosted
 * zone of this account named like the service and associated with the VPC. Zones shared from
 * another account cannot be listed with the provider's data sources: declare those services in
 * config (`existingEndpoints`).
 */
export async function findExistingEndpoint(o: { vpcId: string; region: string; service: string; ownerStack: string; provider?: pulumi.ProviderResource }): Promise<ExistingEndpoint | undefined> {
    const opts = { provider: o.provider };
    try {
        const ep = await aws.ec2.getVpcEndpoint({
            vpcId: o.vpcId,
            serviceName: awsServiceName(o.region, o.service),
            // Interface only: an S3 gateway endpoint has the same service name and no DNS to conflict with.
            filters: [{ name: "vpc-endpoint-state", values: ["available", "pending", "pendingAcceptance"] }, { name: "vpc-endpoint-type", values: ["Interface"] }],
        }, opts);
        if ((ep.tags ?? {})[ENDPOINT_OWNER_TAG] !== o.ownerStack) {
            return { id: ep.id, kind: "endpoint" };
        }
    } catch (e) {
        // The provider's errors for zero and several matches (internal/service/ec2/vpc_endpoint_data_source.go).
        if (/multiple/i.test(message(e))) {
            return { id: "(several endpoints)", kind: "endpoint" };
        }
        if (!/no matching/i.test(message(e))) {
            throw e;
        }
    }
    try {
        const zone = await aws.route53.getZone({ name: `${o.service}.${o.region}.amazonaws.com`, privateZone: true, vpcId: o.vpcId }, opts);
        return { id: zone.zoneId, kind: "zone" };
    } catch (e) {
        if (!/no matching/i.test(message(e))) {
            throw e;
        }
    }
    return undefined;
}

/** Looks every wanted service up (unless detection is off) and plans the endpoints. */
export async function discoverEndpointServices(o: {
    vpcId: string; region: string; ownerStack: string; wanted: readonly string[]; declared: readonly string[]; detect: boolean; provider?: pulumi.ProviderResource;
}): Promise<EndpointPlan> {
    const found: Record<string, ExistingEndpoint | undefined> = {};
    if (o.detect) {
        for (const service of o.wanted.filter((s) => !o.declared.includes(s))) {
            found[service] = await findExistingEndpoint({ vpcId: o.vpcId, region: o.region, service, ownerStack: o.ownerStack, provider: o.provider });
        }
    }
    return planEndpointServices(o.wanted, o.declared, found);
}

/**
 * Shared-endpoint shape: a service mapped to a central zone must not also be answered in the VPC by another
 * endpoint's private DNS name or a zone of this account, or the association fails on the conflicting name
 * (the conflict manage-dns-names.html describes, met from the other side). Returns the problem naming the
 * key, or undefined; detection off skips the lookups.
 */
export async function sharedZoneConflict(o: { vpcId: string; region: string; ownerStack: string; services: readonly string[]; detect: boolean; provider?: pulumi.ProviderResource }): Promise<string | undefined> {
    for (const service of o.detect ? o.services : []) {
        const hit = await findExistingEndpoint({ vpcId: o.vpcId, region: o.region, service, ownerStack: o.ownerStack, provider: o.provider });
        if (hit !== undefined) {
            return `connectivity.sharedZones.${service}: the VPC already answers ${service}.${o.region}.amazonaws.com through ${hit.kind === "zone" ? "private hosted zone" : "endpoint"} ${hit.id}, ` +
                "so the central zone cannot be associated; fix: remove that one first, or list the service in existingEndpoints instead";
        }
    }
    return undefined;
}

/** Whether the VPC has an S3 gateway endpoint (any owner). */
export async function hasS3GatewayEndpoint(o: { vpcId: string; region: string; provider?: pulumi.ProviderResource }): Promise<boolean> {
    try {
        await aws.ec2.getVpcEndpoint({
            vpcId: o.vpcId,
            serviceName: awsServiceName(o.region, "s3"),
            filters: [{ name: "vpc-endpoint-type", values: ["Gateway"] }, { name: "vpc-endpoint-state", values: ["available", "pending"] }],
        }, { provider: o.provider });
        return true;
    } catch (e) {
        if (/multiple/i.test(message(e))) {
            return true;
        }
        if (/no matching/i.test(message(e))) {
            return false;
        }
        throw e;
    }
}
