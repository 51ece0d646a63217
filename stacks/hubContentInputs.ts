import { AgentSource } from "../components/cloudwatch/hostDashboard";
import { sinkRegions } from "../components/cloudwatch/observabilityPolicy";
import { TenantCertificateExpiry, TenantSeriesLimit } from "../components/content";
import { tenantLimitSignals } from "../components/hub/tenantLimits";
import { tenantCertificateSignals } from "../components/identity/tenantIdentities";
import { ampDataSourceType } from "../components/telemetry/ampDataSource";
import { HubStackConfig } from "./config";
import { hubTenants } from "./config/hub";

/**
 * What the hub's monitoring content is rendered from, derived from its stack config once: the hub
 * stack passes these to HubContent and CloudWatchHostContent, and `oss-monitoring content` renders
 * the same builders from them, so what an operator reviews is what the hub deploys.
 */
export interface HubContentInputs {
    /** HubContent's plain inputs (AMP rules, alert manager, AMP dashboards). */
    readonly amp: {
        readonly quotas: HubStackConfig["hub"]["quotas"];
        readonly minHubCollectorReplicas: number;
        readonly tenantSeriesLimits: TenantSeriesLimit[];
        readonly tenantCertificates: TenantCertificateExpiry[];
        readonly tenantCertWarningDays: number;
    };
    /** Regions with an OAM sink; the CloudWatch data source, dashboard and alerts cover these. */
    readonly cloudwatchRegions: string[];
    readonly cloudwatchSources: readonly AgentSource[];
    /** Minutes without an agent heartbeat before a host alerts. */
    readonly agentSilentAfterMinutes: number;
    /**
     * Grafana content is managed (hub.grafana.apiAccess is not `none`); with `none` the stack creates
     * no folder, dashboard, data source or Grafana rule, only the AMP rules and alert manager.
     */
    readonly grafanaContent: boolean;
    /** Type of the hub's AMP data source in Grafana (from hub.grafana.version); the AMP dashboards name it. */
    readonly ampDataSourceType: string;
}

/** The content inputs of a hub; `now` fixes the tenant certificate expiry the rules compare against. */
export function hubContentInputs(config: HubStackConfig, now: Date): HubContentInputs {
    const hub = config.hub;
    const tenants = hubTenants(hub);
    return {
        amp: {
            quotas: hub.quotas,
            minHubCollectorReplicas: hub.collector.minTasks,
            // Tenants' limits and certificate expiry become series with their labels (components/content/tenantRules.ts).
            tenantSeriesLimits: tenantLimitSignals(tenants, hub.tenantLimits),
            tenantCertificates: tenantCertificateSignals(tenants, now, hub.identity.rotationDays),
            tenantCertWarningDays: hub.identity.rotationDays,
        },
        cloudwatchRegions: sinkRegions(config.region, hub.cloudwatch.sources.map((s) => s.region)),
        cloudwatchSources: hub.cloudwatch.sources,
        agentSilentAfterMinutes: hub.cloudwatch.silentAfterMinutes,
        grafanaContent: hub.grafana.apiAccess !== "none",
        ampDataSourceType: ampDataSourceType(hub.grafana.version),
    };
}
