import type { RawManifest } from "../manifestSchema";
import { isKnownRegion, partitionOf } from "./regions";

/**
 * The fleet's regions (manifest `regions:`): where spokes may live. The hub offers its ingest
 * endpoint service to every other listed region and keeps an OAM sink in each.
 *
 * What AWS allows, and where it says so:
 * - A provider enables consumers in other Regions by listing them on the endpoint service
 *   (`SupportedRegion.N` of CreateVpcEndpointServiceConfiguration,
 *   https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpcEndpointServiceConfiguration.html);
 *   the consumer names the service's Region on its interface endpoint (`ServiceRegion` of CreateVpcEndpoint).
 * - "This launch enables customers to connect to VPC endpoint services hosted in other AWS Regions in the
 *   same AWS partition" (https://aws.amazon.com/about-aws/whats-new/2024/11/aws-privatelink-across-region-connectivity/):
 *   a Region of another partition (aws-cn, aws-us-gov, ...) can never reach the hub this way.
 * - Both sides need the permission-only action `vpce:AllowMultiRegion`
 *   (https://docs.aws.amazon.com/service-authorization/latest/reference/list_vpce.html); the deploy role
 *   (stacks/bootstrap/deploy-role.yaml) grants it.
 * Without `regions:` the fleet is the hub's region only, which is the plan of a single-region fleet.
 */

type RawStack = RawManifest["stacks"][number];

/** The hub's region: its entry's `region`, else `defaults.region`. Undefined without a hub. */
export function hubRegionOf(raw: Pick<RawManifest, "stacks" | "defaults">): string | undefined {
    const hub = raw.stacks.find((s) => s.role === "hub");
    return hub === undefined ? undefined : hub.region ?? raw.defaults.region;
}

/** The fleet's regions, the hub's first; default the hub's region alone. */
export function fleetRegions(raw: Pick<RawManifest, "stacks" | "defaults" | "regions">): string[] {
    const hub = hubRegionOf(raw);
    const listed = raw.regions ?? (hub !== undefined ? [hub] : []);
    return [...new Set([...(hub !== undefined && listed.includes(hub) ? [hub] : []), ...listed])];
}

/** The regions other than the hub's: the endpoint service's supported regions. */
export function spokeRegions(raw: Pick<RawManifest, "stacks" | "defaults" | "regions">): string[] {
    const hub = hubRegionOf(raw);
    return fleetRegions(raw).filter((r) => r !== hub).sort();
}

function at(i: number, s: Pick<RawStack, "name">): string {
    return `stacks[${i}] (${s.name})`;
}

/** The `regions:` list itself: no repeats, the hub's region included, one partition. */
function listProblems(raw: RawManifest, hubRegion: string): string[] {
    const problems: string[] = [];
    const regions = raw.regions ?? [];
    const seen = new Set<string>();
    regions.forEach((r, j) => {
        if (seen.has(r)) {
            problems.push(`regions[${j}]: ${r} is listed twice; fix: remove the repeat`);
        }
        seen.add(r);
        if (isKnownRegion(r) && partitionOf(r) !== partitionOf(hubRegion)) {
            problems.push(`regions[${j}]: ${r} is in the ${partitionOf(r)} partition but the hub's region ${hubRegion} is in ${partitionOf(hubRegion)}; ` +
                "cross-region PrivateLink connects Regions of one partition only; fix: remove it and monitor that partition with a fleet (and hub) of its own");
        }
    });
    if (raw.regions !== undefined && !regions.includes(hubRegion)) {
        problems.push(`regions: does not list the hub's region ${hubRegion}; the hub's endpoint service and its first sink live there; fix: add ${hubRegion} to regions`);
    }
    return problems;
}

/** A spoke outside the listed regions has no path to the hub; the fix depends on what it is. */
function spokeProblem(i: number, s: RawStack, region: string, regions: readonly string[]): string {
    const field = `${at(i, s)}.region`;
    const listed = regions.join(", ");
    if (s.role === "onprem") {
        return `${field}: the site's landing account is in ${region}, which is not one of the fleet's regions (${listed}); ` +
            "the site reaches the hub only through the interface endpoint in its own landing VPC, and the hub's endpoint service admits no endpoint from an unlisted region; " +
            `fix: add ${region} to regions (the landing VPC then gets its own cross-region endpoint), or land the site in one of ${listed}`;
    }
    return `${field}: ${region} is not one of the fleet's regions (${listed}); the hub's endpoint service admits endpoints from listed regions only; ` +
        `fix: add ${region} to regions, or deploy this spoke in one of ${listed} (remove region to inherit ${regions[0]})`;
}

/** Every region check that needs the whole manifest (unknown names are regionProblems' to report). */
export function fleetRegionProblems(raw: RawManifest): string[] {
    const hubRegion = hubRegionOf(raw);
    if (hubRegion === undefined || !isKnownRegion(hubRegion)) {
        return [];
    }
    const problems = listProblems(raw, hubRegion);
    const regions = fleetRegions(raw);
    raw.stacks.forEach((s, i) => {
        const region = s.region ?? raw.defaults.region;
        if (s.role !== "hub" && isKnownRegion(region) && !regions.includes(region)) {
            problems.push(spokeProblem(i, s, region, regions));
        }
    });
    return problems;
}
