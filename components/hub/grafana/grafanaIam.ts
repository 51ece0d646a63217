import { AMP_PLUGIN_TYPE, GrafanaVersion, ampDataSourceType } from "../../telemetry/ampDataSource";
import { PolicyDocument, policyDocument, serviceTrust } from "../../security/iam";

/** Amazon Managed Grafana may assume the role only for workspaces of this account. */
export function grafanaTrust(account: string, region: string): PolicyDocument {
    return serviceTrust("grafana.amazonaws.com", account, `arn:aws:grafana:${region}:${account}:/workspaces/*`);
}

/** Read-only PromQL access to exactly the hub's AMP workspaces. */
export function grafanaQueryPolicy(workspaceArns: readonly string[]): PolicyDocument {
    if (workspaceArns.length === 0) {
        throw new Error("grafanaQueryPolicy: at least one AMP workspace ARN is required");
    }
    return policyDocument([
        {
            Sid: "QueryHubWorkspaces",
            Effect: "Allow",
            Action: ["aps:QueryMetrics", "aps:GetSeries", "aps:GetLabels", "aps:GetMetricMetadata"],
            Resource: [...workspaceArns],
        },
    ]);
}

/**
 * AMP data-source settings: SigV4 with the workspace's IAM role (`ec2_iam_role`: the credentials of
 * the environment Grafana runs in, which on Managed Grafana is the workspace role). On 12.4 the
 * Amazon Managed Service for Prometheus plugin takes the same keys plus `sigv4Service`
 * (grafana/grafana-amazonprometheus-datasource docs/sources/configure.md "Provision the data source";
 * pkg/datasource.go falls back to "aps" when it is unset: stated anyway, so the signing service is explicit).
 */
export function ampDataSourceJson(region: string, version: GrafanaVersion = "10.4"): Record<string, unknown> {
    const common = { httpMethod: "POST", sigV4Auth: true, sigV4AuthType: "ec2_iam_role", sigV4Region: region, manageAlerts: false, timeInterval: "30s" };
    return ampDataSourceType(version) === AMP_PLUGIN_TYPE ? { ...common, sigv4Service: "aps" } : common;
}

/**
 * Policy of the grafana-workspace interface endpoint: only this account's workspaces. Grafana API
 * calls are authenticated by Grafana (tokens, SSO sessions), not IAM, so no principal condition.
 */
export function grafanaWorkspaceEndpointPolicy(account: string, region: string): PolicyDocument {
    return policyDocument([
        { Sid: "ThisAccountsWorkspacesOnly", Effect: "Allow", Principal: "*", Action: "*", Resource: `arn:aws:grafana:${region}:${account}:/workspaces/*` },
    ]);
}
