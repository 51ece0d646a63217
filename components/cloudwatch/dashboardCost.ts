/**
 * What one refresh of the CloudWatch hosts dashboard costs at a given fleet size. Cross-account
 * observability itself adds no charge for sharing metrics and logs, but every query is billed
 * (https://aws.amazon.com/cloudwatch/pricing/): GetMetricData at $0.01 per 1,000 metrics requested,
 * Metrics Insights queries per metric analyzed at that rate, and Logs Insights per GB scanned.
 *
 * Upper bound: a Metrics Insights query is counted as analyzing every series of its metric in its
 * FROM set, even when a WHERE (one account, one instance, one site) narrows what it returns.
 */
import type * as dash from "@grafana/grafana-foundation-sdk/dashboard";
import { EC2_AGENT_NAMESPACE } from "../agent/hostMetrics";
import { dashboardMetricQueries } from "./hostDashboard";

/** USD per metric requested or analyzed (GetMetricData / Metrics Insights). */
export const USD_PER_METRIC = 0.01 / 1000;

export interface FleetSize {
    /** EC2 hosts running the agent across all monitored accounts. */
    readonly ec2Hosts: number;
    /** On-prem hosts across all sites. */
    readonly onpremHosts: number;
    /** Per on-prem host: series of a per-device metric (CPU cores + total, mounts, interfaces). Default 4. */
    readonly seriesPerDevice?: number;
}

export interface RefreshCost {
    readonly queries: number;
    readonly metricsAnalyzed: number;
    readonly usd: number;
}

const PER_DEVICE = /^(cpu_|disk_|net_|"?LogicalDisk |"?Network Interface )/;

/** Series one Metrics Insights query analyzes (upper bound). */
function seriesAnalyzed(q: { namespace: string; metricName: string }, f: FleetSize): number {
    if (q.namespace === EC2_AGENT_NAMESPACE) {
        // SCHEMA(CWAgent, InstanceId): the agent's per-instance roll-up, one series per host.
        return f.ec2Hosts;
    }
    return f.onpremHosts * (PER_DEVICE.test(q.metricName) ? (f.seriesPerDevice ?? 4) : 1);
}

/**
 * Cost of one refresh of the metric panels of `model`: the rows open by default, or with
 * `allRows` every row expanded. Logs panels are billed per GB scanned and not counted here.
 */
export function dashboardRefreshCost(model: dash.Dashboard, f: FleetSize, allRows = false): RefreshCost {
    const queries = dashboardMetricQueries(model).filter((q) => allRows || !q.collapsed);
    const metricsAnalyzed = queries.reduce((n, q) => n + seriesAnalyzed(q, f), 0);
    return { queries: queries.length, metricsAnalyzed, usd: metricsAnalyzed * USD_PER_METRIC };
}
