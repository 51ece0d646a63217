/**
 * The AMP data source's Grafana type per Managed Grafana version, stated once for the workspace
 * (which creates the data source) and the dashboards (which name it).
 *
 * From Amazon Managed Grafana 12 the core Prometheus data source no longer signs with SigV4: AMP
 * data sources are served by the Amazon Managed Service for Prometheus plugin
 * (https://docs.aws.amazon.com/grafana/latest/userguide/prometheus-manually-adding.html: "Starting
 * with Amazon Managed Grafana version 12, support for SigV4 authentication in the core Prometheus
 * plugin has been removed"; existing AMP data sources are migrated to the plugin and dashboards using
 * them are updated). 10.4 keeps the core type, whose SigV4 option it still has.
 */

/** Managed Grafana versions this project deploys (AMG also offers 9.4, which the content does not target). */
export const GRAFANA_VERSIONS = ["10.4", "12.4"] as const;
export type GrafanaVersion = (typeof GRAFANA_VERSIONS)[number];

/** The version a new workspace gets (GRAFANA_WORKSPACE_DEFAULTS.grafanaVersion, the hub config's default). */
export const GRAFANA_WORKSPACE_VERSION_DEFAULT: GrafanaVersion = "12.4";

/** Plugin id of the Amazon Managed Service for Prometheus data source (grafana/grafana-amazonprometheus-datasource). */
export const AMP_PLUGIN_TYPE = "grafana-amazonprometheus-datasource";
export const CORE_PROMETHEUS_TYPE = "prometheus";

/** Data source types whose queries are PromQL (dashboards checked by promtool accept either). */
export const PROMQL_DATASOURCE_TYPES: readonly string[] = [CORE_PROMETHEUS_TYPE, AMP_PLUGIN_TYPE];

/** The AMP data source type on a workspace of `version`. */
export function ampDataSourceType(version: GrafanaVersion): string {
    return version === "10.4" ? CORE_PROMETHEUS_TYPE : AMP_PLUGIN_TYPE;
}
