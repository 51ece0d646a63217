/**
 * Where the CloudWatch agents' log groups live, one definition for the stacks that create them
 * and the hub that reads them (dashboards, the Grafana role's log-group scope, OAM link filters).
 */

/** Every log group this project creates starts with this. */
export const PROJECT_LOG_GROUP_ROOT = "/oss-monitoring/";

/** Log group prefix of a monitored account's agents. */
export function monitoredLogGroupPrefix(stackName: string): string {
    return `${PROJECT_LOG_GROUP_ROOT}${stackName}`;
}

/** Log group prefix of an on-prem site's agents. */
export function siteLogGroupPrefix(siteName: string): string {
    return `${PROJECT_LOG_GROUP_ROOT}onprem/${siteName}`;
}

/** The site name of an on-prem stack: configured, or the stack name without its `onprem-` prefix. */
export function siteNameOf(configured: string | undefined, stack: string): string {
    return configured ?? stack.replace(/^onprem-/, "");
}
