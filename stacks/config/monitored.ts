import { z } from "zod";

/** `oss-monitoring:monitored`: the monitored-account role's settings. */
export const monitoredConfig = z.object({}).strict();
export type MonitoredConfig = z.infer<typeof monitoredConfig>;
