/**
 * The defaults and argument checks of AgentAssociations, apart from the component so the stack config schemas and the
 * fleet manifest's validation read them without loading a provider SDK (a plan's parent process loads no program).
 */

/** Defaults of the host targeting and of the associations' rollout; the monitored `agent` schema uses the same values. */
export const AGENT_ASSOCIATION_DEFAULTS = {
    /** Host tag key selecting agent hosts, and its value per platform. */
    tagKey: "MonitoringAgent",
    platformValues: { linux: "cloudwatch-linux", windows: "cloudwatch-windows" },
    /** Prefix of the per-overlay tag key (`<prefix><overlay>=true`). */
    overlayTagPrefix: "MonitoringOverlay-",
    /** State Manager rollout: hosts at once, errors tolerated. */
    maxConcurrency: "10%",
    maxErrors: "10%",
} as const;

/** Why the per-platform host tag values cannot work, or undefined: the monitored schema and resolveTargeting both ask. */
export function platformTagValuesProblem(linux: string, windows: string): string | undefined {
    return linux === windows ? "linux and windows need different tag values: each base layer targets one platform" : undefined;
}
