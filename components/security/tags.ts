import * as pulumi from "@pulumi/pulumi";

/** Keys every resource must carry so AWS Cost Explorer can allocate the monitoring bill. */
export const COST_ALLOCATION_TAG_KEYS = ["CostCenter", "Owner", "Environment", "MonitoringRole"] as const;

export type Tags = Record<string, string>;

/**
 * Merges base tags with resource-specific ones (resource-specific win) and adds the
 * `Name` tag that the AWS console shows.
 */
export function withName(tags: pulumi.Input<Tags> | undefined, name: string, extra: Tags = {}): pulumi.Output<Tags> {
    return pulumi.output(tags ?? {}).apply((t): Tags => ({ ...t, ...extra, Name: name }));
}

/** Returns the required cost-allocation keys missing from `tags`. */
export function missingCostTags(tags: Tags | undefined): string[] {
    return COST_ALLOCATION_TAG_KEYS.filter((k) => !(tags && typeof tags[k] === "string" && tags[k].length > 0));
}
