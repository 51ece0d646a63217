import { Region } from "@pulumi/aws/types/enums";

/**
 * The regions the pinned AWS provider knows (its generated `aws.Region` enum), so the list moves
 * with the provider version instead of being kept by hand. Only the enums module is loaded: the
 * full @pulumi/aws index costs seconds and the manifest loader runs before every command.
 */
export const AWS_REGIONS: readonly string[] = Object.values(Region).sort();

export function isKnownRegion(name: string): boolean {
    return AWS_REGIONS.includes(name);
}

/** The ARN partition of a region: cn-* is aws-cn, us-gov-* aws-us-gov, ISO regions their own. */
export function partitionOf(region: string): string {
    if (region.startsWith("cn-")) return "aws-cn";
    if (region.startsWith("us-gov-")) return "aws-us-gov";
    if (region.startsWith("us-isob-")) return "aws-iso-b";
    if (region.startsWith("us-isof-")) return "aws-iso-f";
    if (region.startsWith("eu-isoe-")) return "aws-iso-e";
    if (region.startsWith("us-iso-")) return "aws-iso";
    if (region.startsWith("eusc-")) return "aws-eusc";
    return "aws";
}

/** Closest known regions to a mistyped one (same prefix first), for the "did you mean" hint. */
export function nearestRegions(name: string, max = 3): string[] {
    const prefix = name.split("-")[0];
    const same = AWS_REGIONS.filter((r) => r.startsWith(`${prefix}-`));
    return (same.length > 0 ? same : AWS_REGIONS.filter((r) => r.startsWith("us-") && !r.includes("gov") && !r.includes("iso"))).slice(0, max);
}
