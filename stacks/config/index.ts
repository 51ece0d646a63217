import { z } from "zod";
import { commonConfig, configError, PROJECT, parseOrThrow, Role } from "./common";
import { availabilityZoneIdsProblem } from "../../components/network/availabilityZones";
import { hubConfig } from "./hub";
import { monitoredConfig } from "./monitored";
import { onpremConfig } from "./onprem";
import { hubRegion, hubStackRef } from "./spoke";

/** Role-specific keys, validated after the common ones so the schema matches the declared role. */
export const roleSchemas = {
    hub: z.object({ hub: hubConfig }),
    monitored: z.object({ hubStack: hubStackRef, hubRegion, monitored: monitoredConfig }),
    onprem: z.object({ hubStack: hubStackRef, hubRegion, onprem: onpremConfig }),
} as const;

type Common = z.infer<typeof commonConfig>;
export type HubStackConfig = Common & { role: "hub" } & z.infer<typeof roleSchemas.hub>;
export type MonitoredStackConfig = Common & { role: "monitored" } & z.infer<typeof roleSchemas.monitored>;
export type OnpremStackConfig = Common & { role: "onprem" } & z.infer<typeof roleSchemas.onprem>;
export type StackConfig = HubStackConfig | MonitoredStackConfig | OnpremStackConfig;

/** How to fix a bad stack config value, the end of every config error line. */
export const CONFIG_FIX = "Fix the value in stacks/fleet.yaml and regenerate the stack files with `npm run fleet -- config`, or `pulumi config set --path` for a stack outside the fleet.";

/**
 * Validates a stack's raw config (keys without the `oss-monitoring:` prefix, plus `region`
 * from `aws:region`). Pure, so tests and the fleet manifest use the exact same checks.
 */
export function parseStackConfig(raw: Record<string, unknown>, keyPrefix = `${PROJECT}:`): StackConfig {
    const common = parseOrThrow(commonConfig, raw, keyPrefix, CONFIG_FIX);
    const role: Role = common.role;
    const specific = parseOrThrow(roleSchemas[role], raw, keyPrefix, CONFIG_FIX);
    const config = { ...common, ...specific } as StackConfig;
    if (config.role === "hub" && config.hub.drRegion === config.region) {
        throw configError(`${keyPrefix}hub.drRegion`, `must differ from the stack's region (${config.region}) to survive a regional outage`, CONFIG_FIX);
    }
    if (config.role === "hub" && config.hub.spokeRegions.includes(config.region)) {
        throw configError(`${keyPrefix}hub.spokeRegions`, `lists the hub's own region ${config.region}; it holds the other regions whose spokes reach the hub`, CONFIG_FIX);
    }
    if (config.role !== "hub" && config.hubRegion === config.region) {
        throw configError(`${keyPrefix}hubRegion`, `is this stack's own region ${config.region}; set it only for a hub in another region`, CONFIG_FIX);
    }
    if (config.role === "hub" && config.hub.network.availabilityZoneIds !== undefined) {
        const problem = availabilityZoneIdsProblem(config.region, config.hub.network.availabilityZoneIds);
        if (problem !== undefined) {
            throw configError(`${keyPrefix}hub.network.availabilityZoneIds`, problem, CONFIG_FIX);
        }
    }
    if (config.role === "hub" && config.hub.drRegion !== undefined && config.hub.drNetwork.availabilityZoneIds !== undefined) {
        const problem = availabilityZoneIdsProblem(config.hub.drRegion, config.hub.drNetwork.availabilityZoneIds);
        if (problem !== undefined) {
            throw configError(`${keyPrefix}hub.drNetwork.availabilityZoneIds`, problem, CONFIG_FIX);
        }
    }
    return config;
}

/**
 * Checks that need more than one part of a monitored stack's config (the EKS token command and
 * the deploy role); the stack calls it before any resource is registered.
 */
export function checkMonitoredConfig(config: MonitoredStackConfig, keyPrefix = `${PROJECT}:`): void {
    const eks = config.monitored.eks;
    if (eks !== undefined && config.deployRole?.externalId !== undefined && eks.awsProfile === undefined) {
        throw configError(`${keyPrefix}monitored.eks.awsProfile`, "required because the deploy role needs an external ID, " +
            "which `aws eks get-token --role-arn` cannot pass; name an AWS CLI profile with role_arn and external_id.");
    }
}
