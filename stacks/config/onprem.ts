import { z } from "zod";

/** `oss-monitoring:onprem`: the on-premises gateway role's settings. */
export const onpremConfig = z.object({}).strict();
export type OnpremConfig = z.infer<typeof onpremConfig>;
