/** Pure helpers for placing resources by AZ ID (no Pulumi imports: config validation uses them). */

const DIRECTION_ABBREVIATIONS: Readonly<Record<string, string>> = {
    east: "e", west: "w", north: "n", south: "s", central: "c",
    northeast: "ne", northwest: "nw", southeast: "se", southwest: "sw",
};

/**
 * The prefix of a region's AZ IDs, e.g. us-east-1 → use1, ap-northeast-1 → apne1, us-gov-west-1 → usgw1
 * (https://docs.aws.amazon.com/ram/latest/userguide/working-with-az-ids.html).
 */
export function regionAzIdPrefix(region: string): string {
    const parts = region.split("-");
    const number = parts.pop() ?? "";
    const direction = parts.pop() ?? "";
    const rest = parts.map((p, i) => (i === 0 ? p : p.charAt(0))).join("");
    return `${rest}${DIRECTION_ABBREVIATIONS[direction] ?? direction.charAt(0)}${number}`;
}

/**
 * Why a list of AZ IDs cannot place the hub, or undefined. AZ names map to different physical zones in
 * every account, AZ IDs do not; an endpoint service is usable only in the AZ IDs its NLB covers
 * (https://docs.aws.amazon.com/vpc/latest/privatelink/create-endpoint-service.html, "Availability Zones"),
 * so the hub is placed by ID and spokes filter their subnets by the IDs it exports.
 */
export function availabilityZoneIdsProblem(region: string, ids: readonly string[]): string | undefined {
    const prefix = regionAzIdPrefix(region);
    const wrong = ids.find((id) => !new RegExp(`^${prefix}-az\\d+$`).test(id));
    if (wrong !== undefined) {
        return `${wrong} is not an AZ ID of ${region} (they look like ${prefix}-az1)`;
    }
    if (new Set(ids).size !== ids.length) {
        return "lists an AZ ID twice; each subnet needs its own AZ";
    }
    if (ids.length < 2) {
        return "at least 2 AZ IDs are needed for high availability";
    }
    return undefined;
}
