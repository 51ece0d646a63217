/**
 * The CloudWatch agent of an on-premises site, as pure values: its settings, the host tags State
 * Manager targets, and the agent layers (onPremise mode, the site's region, namespace and log groups).
 * OnPremGateway deploys them; the hub's host dashboards read the same layers.
 */
import { AGENT_ASSOCIATION_DEFAULTS } from "../agent/agentAssociationsSettings";
import { AgentLayer, renderAgentLayers, WorkloadOverlay } from "../agent/cloudwatchAgentConfig";
import { AgentPlatform } from "../agent/hostMetrics";
import { siteLogGroupPrefix } from "../agent/logGroups";
import { CertificateSubjectCondition } from "./iam";

/** How the site's hosts get short-lived credentials (`oss-monitoring:onprem.credentials`). */
export type OnpremCredentials =
    | { readonly mode: "hybridActivation"; readonly registrationLimit: number; readonly expirationDate?: string }
    | {
        readonly mode: "rolesAnywhere";
        readonly caBundle?: string;
        readonly acmPcaArn?: string;
        readonly subject: CertificateSubjectCondition;
        readonly sessionDurationSeconds: number;
    };

/** Mirrors `oss-monitoring:onprem.agent` (stacks/config/onprem.ts, documented there). */
export interface OnpremAgentSettings {
    readonly platforms: readonly AgentPlatform[];
    readonly metricsCollectionInterval: number;
    readonly namespace: string;
    readonly logFiles: readonly { readonly name: string; readonly filePath: string; readonly timestampFormat?: string }[];
    readonly logRetentionDays: number;
}

/** Tag key and per-platform values State Manager uses to find this site's hosts. */
export function siteTargeting(siteName: string): { tagKey: string; platformValues: Record<AgentPlatform, string> } {
    return { tagKey: AGENT_ASSOCIATION_DEFAULTS.tagKey, platformValues: { linux: `onprem-${siteName}-linux`, windows: `onprem-${siteName}-windows` } };
}

/** Overlay (layer) carrying the site's log files. */
export const SITE_LOGS_OVERLAY = "logs";

/** Tags hybrid hosts of each platform receive from their activation. */
export function hybridHostTags(siteName: string, agent: Pick<OnpremAgentSettings, "logFiles">): Record<AgentPlatform, Record<string, string>> {
    const t = siteTargeting(siteName);
    const tags = (p: AgentPlatform) => ({
        [t.tagKey]: t.platformValues[p],
        MonitoringSite: siteName,
        ...(p === "linux" && agent.logFiles.length > 0 ? { [`${AGENT_ASSOCIATION_DEFAULTS.overlayTagPrefix}${SITE_LOGS_OVERLAY}`]: "true" } : {}),
    });
    return { linux: tags("linux"), windows: tags("windows") };
}

/** The CloudWatch agent layers of a site: onPremise mode, its region, its namespace and log groups. */
export function siteAgentLayers(a: { readonly siteName: string; readonly region: string; readonly agent: OnpremAgentSettings; readonly credentials: OnpremCredentials }): AgentLayer[] {
    const overlays: WorkloadOverlay[] = a.agent.logFiles.length > 0
        ? [{
            name: SITE_LOGS_OVERLAY,
            platform: "linux",
            logFiles: a.agent.logFiles.map((f) => ({ path: f.filePath, logGroup: f.name, ...(f.timestampFormat !== undefined ? { timestampFormat: f.timestampFormat } : {}) })),
        }]
        : [];
    return renderAgentLayers({
        parameterPrefix: `onprem-${a.siteName}`,
        platforms: a.agent.platforms,
        mode: "onPremise",
        region: a.region,
        logGroupPrefix: siteLogGroupPrefix(a.siteName),
        logRetentionDays: a.agent.logRetentionDays,
        metricsCollectionInterval: a.agent.metricsCollectionInterval,
        namespace: a.agent.namespace,
        dimensions: { site: a.siteName },
        // Hybrid hosts read the SSM agent's root-only credentials file; certificate hosts run the agent unprivileged.
        ...(a.credentials.mode === "hybridActivation" ? { runAsUser: "root" } : {}),
        overlays,
    });
}
