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

/** Prometheus data-source settings for AMP through the workspace's IAM role (SigV4). */
export function ampDataSourceJson(region: string): Record<string, unknown> {
    return { httpMethod: "POST", sigV4Auth: true, sigV4AuthType: "ec2_iam_role", sigV4Region: region, manageAlerts: false, timeInterval: "30s" };
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
