import { PROJECT, Role } from "../../stacks/config/common";
import type { StackConfig } from "../../stacks/config";
import type { Rollout } from "./manifestSchema";
import type { CostModel } from "./costModel";

/** A manifest member with everything resolved: the config the stack program will read. */
export interface FleetStack {
    readonly name: string;
    readonly role: Role;
    readonly account: string;
    readonly region: string;
    readonly regulated: boolean;
    /** Marked `retiring: true` in the manifest: the hub keeps its tenant, up/preview skip it, `fleet retire` finishes it. */
    readonly retiring?: boolean;
    /** Stacks that must succeed first (the hub for every spoke, plus explicit dependsOn). */
    readonly dependsOn: readonly string[];
    readonly secrets: readonly string[];
    readonly tags: Record<string, string>;
    /** Stack config as Pulumi keys (`aws:region`, `oss-monitoring:hub`, ...), values as YAML-able data. */
    readonly config: Record<string, unknown>;
    /** The validated, typed form of `config`. */
    readonly parsed: StackConfig;
}

export interface FleetManifest {
    readonly path: string;
    /** Absolute path of the Pulumi project to deploy (manifest `program`), when not the repository root. */
    readonly program?: string;
    readonly pulumiOrganization: string;
    readonly rollout: Rollout;
    readonly stacks: readonly FleetStack[];
    readonly hub: FleetStack;
    /** The load model of the cost estimate (`costModel:`, defaults in COST_MODEL_DEFAULTS); absent in manifests built by hand (tests). */
    readonly costModel?: CostModel;
}

export function hubStackName(m: Pick<FleetManifest, "pulumiOrganization" | "hub">): string {
    return `${m.pulumiOrganization}/${PROJECT}/${m.hub.name}`;
}
