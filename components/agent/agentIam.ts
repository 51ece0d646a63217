/**
 * IAM documents for the hosts the agents run on (on-premises hybrid nodes and monitored EC2
 * instances): only what the SSM agent and the CloudWatch agent call. Pure, so tests assert the
 * exact JSON.
 */
import { agentParameterReadPolicy } from "./agentAssociations";
import { s3GatewayPolicy } from "../network/endpointCatalog";
import { PolicyDocument, policyDocument } from "../security/iam";

/**
 * What the SSM agent on a hybrid managed instance calls (AmazonSSMManagedInstanceCore,
 * narrowed): instance-scoped calls on this account's managed instances, documents and
 * associations; the message channels have no resource-level permissions. Plus reads of the
 * AWS-owned buckets the agent package comes from.
 */
export function managedInstancePolicy(account: string, region: string, nodes: "hybrid" | "ec2" = "hybrid"): PolicyDocument {
    // EC2 instances are ec2 `instance` resources to SSM, hybrid nodes ssm `managed-instance` ones.
    const instances = nodes === "hybrid" ? `arn:aws:ssm:${region}:${account}:managed-instance/*` : `arn:aws:ec2:${region}:${account}:instance/*`;
    const s3 = s3GatewayPolicy(region).Statement[0].Resource as string[];
    return policyDocument([
        {
            Sid: "ManagedInstanceSelf",
            Effect: "Allow",
            Action: ["ssm:UpdateInstanceInformation", "ssm:ListInstanceAssociations", "ssm:UpdateInstanceAssociationStatus", "ssm:PutComplianceItems"],
            Resource: instances,
        },
        {
            // AmazonSSMManagedInstanceCore grants these on "*" (the AWS reference,
            // https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonSSMManagedInstanceCore.html);
            // a narrower resource than the reference is a guess that fails at run time.
            Sid: "InventoryAndPackageResultsAsTheReference",
            Effect: "Allow",
            Action: ["ssm:PutInventory", "ssm:PutConfigurePackageResult"],
            Resource: "*",
        },
        {
            Sid: "AssociationsAndDocuments",
            Effect: "Allow",
            // UpdateAssociationStatus is in the reference policy too; without it the agent cannot report association runs.
            Action: ["ssm:DescribeAssociation", "ssm:GetDocument", "ssm:DescribeDocument", "ssm:UpdateAssociationStatus"],
            Resource: [
                instances,
                `arn:aws:ssm:${region}:${account}:association/*`,
                `arn:aws:ssm:${region}:${account}:document/*`,
                // AWS-owned documents (AWS-ConfigureAWSPackage, AmazonCloudWatch-ManageAgent).
                `arn:aws:ssm:${region}::document/*`,
            ],
        },
        {
            Sid: "AgentChannelsWithoutResourceLevelPermissions",
            Effect: "Allow",
            Action: [
                "ssm:ListAssociations", "ssm:GetManifest",
                "ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel",
                "ec2messages:AcknowledgeMessage", "ec2messages:DeleteMessage", "ec2messages:FailMessage",
                "ec2messages:GetEndpoint", "ec2messages:GetMessages", "ec2messages:SendReply",
            ],
            Resource: "*",
        },
        { Sid: "AgentPackagesFromAwsOwnedBuckets", Effect: "Allow", Action: ["s3:GetObject"], Resource: s3 },
    ]);
}

export interface AgentPermissionsArgs {
    readonly account: string;
    readonly region: string;
    /** The only CloudWatch namespace hosts may publish to. */
    readonly namespace: string;
    /** Log group name prefix, e.g. `/oss-monitoring/onprem/dc1`. */
    readonly logGroupPrefix: string;
    /** Agent configuration parameters hosts read. */
    readonly parameterArns: readonly string[];
}

/**
 * What the CloudWatch agent calls (CloudWatchAgentServerPolicy, narrowed): metrics into one
 * namespace, log events into the site's pre-created groups, its own configuration. No
 * CreateLogGroup: groups exist with KMS and retention before the agent runs.
 */
export function agentPermissions(a: AgentPermissionsArgs): PolicyDocument {
    const groups = `arn:aws:logs:${a.region}:${a.account}:log-group:${a.logGroupPrefix}/*`;
    return policyDocument([
        {
            Sid: "PublishMetricsToTheSiteNamespace",
            Effect: "Allow",
            Action: ["cloudwatch:PutMetricData"],
            Resource: "*",
            Condition: { StringEquals: { "cloudwatch:namespace": a.namespace } },
        },
        {
            Sid: "WriteTheSitesLogGroups",
            Effect: "Allow",
            // PutRetentionPolicy: the agent sets each group's retention_in_days at start (after
            // DescribeLogGroups), aws/amazon-cloudwatch-agent plugins/outputs/cloudwatchlogs/internal/pusher/target.go.
            Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams", "logs:PutRetentionPolicy"],
            // `*` also covers each group's `:log-stream:*` ARNs.
            Resource: groups,
        },
        { Sid: "FindLogGroups", Effect: "Allow", Action: ["logs:DescribeLogGroups"], Resource: "*" },
        ...agentParameterReadPolicy(a.parameterArns).Statement,
    ]);
}
