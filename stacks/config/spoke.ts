import { z } from "zod";

/**
 * The hub stack a spoke (monitored account or on-prem site) reads through a StackReference,
 * fully qualified as `<org>/<project>/<stack>`; the manifest derives it.
 */
export const hubStackRef = z
    .string({ error: "expected the hub's fully qualified stack name, e.g. organization/oss-monitoring/hub" })
    .regex(/^[\w.-]+\/[\w.-]+\/[\w.-]+$/, { error: "expected the hub's fully qualified stack name, e.g. organization/oss-monitoring/hub" });
