/**
 * Pure builders for what the Grafana workspace role may do with CloudWatch: read metrics and the
 * project's log groups through the monitoring account (which sees linked accounts via OAM), and
 * publish CloudWatch-agent alerts to the hub's alert topic.
 */
import { policyDocument, PolicyDocument } from "../security/iam";
import { PROJECT_LOG_GROUP_ROOT } from "./observabilityPolicy";

export interface CloudWatchReadPolicyArgs {
    /** The monitoring (hub) account. */
    readonly account: string;
    /** Regions with a sink: the only regions whose logs Grafana may query. */
    readonly regions: readonly string[];
    /** The hub's OAM sinks (oam:ListAttachedLinks, so Grafana can show the linked accounts). */
    readonly sinkArns: readonly string[];
}

/**
 * A narrowing of the policy Amazon Managed Grafana creates for its CloudWatch data source
 * (https://docs.aws.amazon.com/grafana/latest/userguide/AMG-manage-permissions.html, "CloudWatch"):
 * - kept: metric reads (GetMetricData, ListMetrics) and Logs Insights (Describe/StartQuery/
 *   GetQueryResults/StopQuery/GetLogGroupFields/GetLogEvents); these CloudWatch metric actions and
 *   DescribeLogGroups/StopQuery have no resource-level permissions (GetQueryResults takes the
 *   log-group resource type, so it is scoped with StartQuery)
 *   (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatch.html,
 *   .../list_amazoncloudwatchlogs.html), so they take "*";
 * - scoped: log-group actions to this project's log groups (`/oss-monitoring/...`) in the sink
 *   regions. The account is a wildcard because linked log groups keep their source account in
 *   their ARN; the role itself can only call the monitoring account's APIs, which expose linked
 *   accounts' data through the sink and nothing else;
 * - added: oam:ListSinks and oam:ListAttachedLinks on the hub's sinks, which Grafana's data source
 *   needs for cross-account observability (the account picker), per the Grafana CloudWatch docs
 *   (https://grafana.com/docs/grafana/latest/datasources/aws-cloudwatch/#cross-account-observability);
 * - dropped: alarms (cloudwatch:DescribeAlarms*), ec2:Describe* and tag:GetResources, which the
 *   dashboards do not use.
 */
export function cloudWatchReadPolicy(a: CloudWatchReadPolicyArgs): PolicyDocument {
    if (!/^\d{12}$/.test(a.account)) {
        throw new Error(`account: "${a.account}" is not a 12-digit account ID`);
    }
    if (a.regions.length === 0 || a.sinkArns.length === 0) {
        throw new Error("regions and sinkArns: the CloudWatch data source needs at least one sink region");
    }
    const logGroups = [...new Set(a.regions)].sort().flatMap((r) => [
        `arn:aws:logs:${r}:*:log-group:${PROJECT_LOG_GROUP_ROOT}*`,
        `arn:aws:logs:${r}:*:log-group:${PROJECT_LOG_GROUP_ROOT}*:log-stream:*`,
    ]);
    return policyDocument([
        { Sid: "ReadMetrics", Effect: "Allow", Action: ["cloudwatch:GetMetricData", "cloudwatch:ListMetrics"], Resource: "*" },
        { Sid: "ListLogGroupsAndStopQueries", Effect: "Allow", Action: ["logs:DescribeLogGroups", "logs:StopQuery"], Resource: "*" },
        { Sid: "QueryProjectLogGroups", Effect: "Allow", Action: ["logs:StartQuery", "logs:GetQueryResults", "logs:GetLogGroupFields", "logs:GetLogEvents"], Resource: logGroups },
        { Sid: "ListSinks", Effect: "Allow", Action: ["oam:ListSinks"], Resource: "*" },
        { Sid: "ListLinkedAccounts", Effect: "Allow", Action: ["oam:ListAttachedLinks"], Resource: [...a.sinkArns].sort() },
    ]);
}

/**
 * Grafana's SNS contact point publishes with the workspace role; the topic is the one AMP's alert
 * manager uses (same path, same subscribers) and is KMS-encrypted, so the role needs the key too.
 * The key policy delegates use to IAM (components/security/iam.ts kmsKeyPolicy, AccountUsesKeyThroughIam).
 */
export function alertPublishPolicy(topicArn: string, kmsKeyArn: string): PolicyDocument {
    if (!/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]+$/.test(topicArn)) {
        throw new Error(`topicArn: "${topicArn}" is not an SNS topic ARN`);
    }
    if (!/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/\S+$/.test(kmsKeyArn)) {
        throw new Error(`kmsKeyArn: "${kmsKeyArn}" is not a KMS key ARN`);
    }
    return policyDocument([
        { Sid: "PublishAgentAlerts", Effect: "Allow", Action: ["sns:Publish"], Resource: topicArn },
        { Sid: "EncryptForTopic", Effect: "Allow", Action: ["kms:GenerateDataKey*", "kms:Decrypt"], Resource: kmsKeyArn },
    ]);
}

/**
 * CloudWatch data source settings for Amazon Managed Grafana: credentials are the workspace's IAM
 * role (`ec2_iam_role`, as the AMP data source's SigV4 uses), queries default to the hub region.
 */
export function cloudWatchDataSourceJson(region: string): Record<string, unknown> {
    return { authType: "ec2_iam_role", defaultRegion: region };
}
