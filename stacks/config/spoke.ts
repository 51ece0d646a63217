import { z } from "zod";
import { region } from "./common";

/**
 * The hub stack a spoke (monitored account or on-prem site) reads through a StackReference,
 * fully qualified as `<org>/<project>/<stack>`; the manifest derives it.
 */
export const hubStackRef = z
    .string({ error: "expected the hub's fully qualified stack name, e.g. organization/oss-monitoring/hub" })
    .regex(/^[\w.-]+\/[\w.-]+\/[\w.-]+$/, { error: "expected the hub's fully qualified stack name, e.g. organization/oss-monitoring/hub" });

/**
 * The hub's region, when it is not this spoke's: the spoke's interface endpoint then names it
 * (`serviceRegion`, cross-region PrivateLink). The manifest derives it; absent, the hub is in this
 * stack's region. Default: this stack's region.
 */
export const hubRegion = region.optional();
