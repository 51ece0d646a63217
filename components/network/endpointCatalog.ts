import { PolicyDocument, policyDocument, Statement } from "../security/iam";

/**
 * AWS services this project reaches through interface endpoints, with the API actions its agents
 * and collectors call on each: the services an endpoint may be created for, and the evidence of
 * what a role needs. Endpoint policies do not narrow to these (see endpointPolicy).
 */
export const ENDPOINT_ACTIONS: Readonly<Record<string, readonly string[]>> = {
    "aps-workspaces": ["aps:RemoteWrite", "aps:QueryMetrics", "aps:GetSeries", "aps:GetLabels", "aps:GetMetricMetadata"],
    "ecr.api": ["ecr:GetAuthorizationToken", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability", "ecr:BatchImportUpstreamImage", "ecr:CreateRepository"],
    "ecr.dkr": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability", "ecr:BatchImportUpstreamImage"],
    logs: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogGroups", "logs:DescribeLogStreams", "logs:PutRetentionPolicy"],
    monitoring: ["cloudwatch:PutMetricData"],
    ssm: [
        "ssm:DescribeAssociation", "ssm:DescribeDocument", "ssm:GetDeployablePatchSnapshotForInstance", "ssm:GetDocument", "ssm:GetManifest",
        "ssm:GetParameter", "ssm:GetParameters", "ssm:ListAssociations", "ssm:ListInstanceAssociations", "ssm:PutComplianceItems",
        "ssm:PutConfigurePackageResult", "ssm:PutInventory", "ssm:UpdateAssociationStatus", "ssm:UpdateInstanceAssociationStatus",
        "ssm:UpdateInstanceInformation", "ssm:RequestManagedInstanceRoleToken",
    ],
    ssmmessages: ["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"],
    ec2messages: ["ec2messages:AcknowledgeMessage", "ec2messages:DeleteMessage", "ec2messages:FailMessage", "ec2messages:GetEndpoint", "ec2messages:GetMessages", "ec2messages:SendReply"],
    ec2: ["ec2:DescribeTags", "ec2:DescribeVolumes", "ec2:DescribeInstances"],
    sts: ["sts:AssumeRole", "sts:AssumeRoleWithWebIdentity", "sts:GetCallerIdentity", "sts:TagSession"],
    secretsmanager: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
    kms: ["kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
    "rolesanywhere": ["rolesanywhere:CreateSession"],
    // Grafana's SNS contact point (components/network/hubPaths.ts).
    sns: ["sns:Publish", "sns:CreateTopic", "sns:GetTopicAttributes", "sns:SetTopicAttributes", "sns:DeleteTopic"],
    // Control planes the hub's deploy runner calls from the hub VPC (hubPaths.ts HUB_RUNNER_ENDPOINT_SERVICES).
    "acm-pca": ["acm-pca:CreateCertificateAuthority", "acm-pca:DescribeCertificateAuthority", "acm-pca:GetCertificateAuthorityCsr", "acm-pca:IssueCertificate", "acm-pca:GetCertificate", "acm-pca:ImportCertificateAuthorityCertificate"],
    "application-autoscaling": ["application-autoscaling:RegisterScalableTarget", "application-autoscaling:PutScalingPolicy", "application-autoscaling:Describe*"],
    aps: ["aps:CreateWorkspace", "aps:DescribeWorkspace", "aps:UpdateWorkspaceConfiguration", "aps:CreateRuleGroupsNamespace", "aps:PutAlertManagerDefinition"],
    ecs: ["ecs:CreateCluster", "ecs:RegisterTaskDefinition", "ecs:CreateService", "ecs:UpdateService", "ecs:Describe*"],
    elasticloadbalancing: ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup", "elasticloadbalancing:CreateListener", "elasticloadbalancing:Describe*"],
    grafana: ["grafana:CreateWorkspace", "grafana:DescribeWorkspace", "grafana:UpdateWorkspace", "grafana:CreateWorkspaceServiceAccount", "grafana:CreateWorkspaceServiceAccountToken"],
    iam: ["iam:CreateRole", "iam:GetRole", "iam:PutRolePolicy", "iam:GetRolePolicy", "iam:PassRole"],
};

export type EndpointService = keyof typeof ENDPOINT_ACTIONS;

/*
 * Which of these services each place reaches through interface endpoints: the one list per
 * place, beside the catalog of their actions.
 */

/**
 * Services the hub's tasks call privately; Grafana's data sources and contact points add theirs
 * (hubPaths.ts grafanaEndpointServices), and a deploy runner in the hub VPC the control planes.
 */
export const HUB_ENDPOINT_SERVICES = ["aps-workspaces", "ecr.api", "ecr.dkr", "logs", "ssm", "sts", "secretsmanager", "kms"];

/**
 * AWS APIs agents call, reached through interface endpoints in privatelink mode. `ec2` is opt-in
 * (connectivity.extraServices): with private DNS its endpoint would carry the whole VPC's EC2 API
 * traffic (the EKS VPC CNI's AssignPrivateIpAddresses/CreateNetworkInterface among it); without it
 * the agent drops the AutoScalingGroupName dimension, which it resolves with ec2:DescribeTags.
 */
export const PRIVATELINK_SERVICES: readonly string[] = ["monitoring", "logs", "ssm", "ssmmessages", "ec2messages", "sts"];

/** AWS services on-premises hosts call, reached through the landing VPC (SSM agent, CloudWatch agent, STS). */
export const ONPREM_ENDPOINT_SERVICES = ["monitoring", "logs", "ssm", "ssmmessages", "ec2messages", "sts"] as const;

/**
 * AWS services that accept cross-Region interface endpoints, from "Cross-region enabled AWS services"
 * (https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-cross-region-privatelink-support.html):
 * S3, IAM, ECR, KMS, ECS, Lambda, Data Firehose, Managed Service for Apache Flink, Route 53.
 * Amazon Managed Service for Prometheus (aps-workspaces) is not among them, so the DR workspace is
 * reached through an endpoint in a VPC of the DR region (DrRemoteWritePath).
 */
export const CROSS_REGION_PRIVATELINK_SERVICES: readonly string[] = [
    "s3", "iam", "ecr.api", "ecr.dkr", "kms", "kms-fips", "ecs", "lambda", "kinesis-firehose", "kinesisanalytics", "kinesisanalytics-fips", "route53",
];

/**
 * Calls that reach an endpoint without an IAM principal, so `aws:PrincipalOrgID` is absent and
 * the organization statement cannot match them. Each is allowed by the condition key AWS
 * documents for it instead:
 * - ssm: hybrid nodes register and refresh credentials without SigV4; SSM provides
 *   `ssm:NodeOrgId` for exactly these three calls ("VPC endpoint policy considerations for hybrid
 *   nodes", https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-create-vpc.html).
 * - sts: web-identity and SAML federation are unsigned; they may only assume roles of the
 *   organization (`aws:ResourceOrgID`,
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-resourceorgid).
 * Roles Anywhere's CreateSession is absent on purpose: endpoint policies do not apply to it
 * ("VPC endpoint policies are supported for IAM Roles Anywhere on all API methods except
 * CreateSession", https://docs.aws.amazon.com/rolesanywhere/latest/userguide/vpc-interface-endpoints.html).
 */
export const PRE_AUTHENTICATION_ACTIONS: Readonly<Record<string, { readonly actions: readonly string[]; readonly condition: Statement["Condition"] & object; readonly sid: string }>> = {
    ssm: {
        sid: "HybridNodesOfTheOrganization",
        actions: ["ssm:RegisterManagedInstance", "ssm:RequestManagedInstanceRoleToken", "ssm:UpdateManagedInstancePublicKey"],
        condition: { StringEquals: { "ssm:NodeOrgId": "${org}" } },
    },
    sts: {
        sid: "FederationIntoOrganizationRoles",
        actions: ["sts:AssumeRoleWithWebIdentity", "sts:AssumeRoleWithSAML"],
        condition: { StringEquals: { "aws:ResourceOrgID": "${org}" } },
    },
};

/** The endpoint service name AWS publishes for `service` in `region`. */
export function awsServiceName(region: string, service: string): string {
    // IAM's one endpoint service has no region in its name (hubPaths.ts GLOBAL_SERVICES).
    if (service === "iam") {
        return "com.amazonaws.iam";
    }
    return `com.amazonaws.${region}.${service}`;
}

/**
 * Endpoint policy: every action, for principals of the organization, plus the unsigned calls of
 * PRE_AUTHENTICATION_ACTIONS. With private DNS an interface endpoint serves the whole VPC, so a
 * policy narrowed to this project's agents would also deny every other workload of the VPC
 * (the EKS VPC CNI's ec2:CreateNetworkInterface, ssm:GetParametersByPath, cloudwatch:GetMetricData):
 * the perimeter is the organization, what a principal may do is its own IAM policy's business
 * (https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html).
 */
export function endpointPolicy(service: string, organizationId: string): PolicyDocument {
    if (ENDPOINT_ACTIONS[service] === undefined) {
        throw new Error(`no endpoint policy is defined for service "${service}"; add it to ENDPOINT_ACTIONS`);
    }
    const statements: Statement[] = [
        {
            Sid: "OrganizationPrincipalsOnly",
            Effect: "Allow",
            Principal: "*",
            Action: "*",
            Resource: "*",
            Condition: { StringEquals: { "aws:PrincipalOrgID": organizationId } },
        },
    ];
    const preAuth = PRE_AUTHENTICATION_ACTIONS[service];
    if (preAuth !== undefined) {
        statements.push({
            Sid: preAuth.sid,
            Effect: "Allow",
            Principal: "*",
            Action: [...preAuth.actions],
            Resource: "*",
            Condition: JSON.parse(JSON.stringify(preAuth.condition).replace(/\$\{org\}/g, organizationId)) as Statement["Condition"],
        });
    }
    return policyDocument(statements);
}

/**
 * The general constraint behind endpointPolicy, for the policy pack: an interface endpoint with
 * private DNS answers for the whole VPC, so its policy must not allow only some actions of the
 * service. Returns the problems found (empty: fine). `Deny` statements are the caller's choice.
 */
export function endpointPolicyNarrowsActions(doc: PolicyDocument): string[] {
    const allows = doc.Statement.filter((s) => s.Effect === "Allow");
    const broad = allows.some((s) => s.Action === "*" || (Array.isArray(s.Action) && s.Action.includes("*")));
    return broad ? [] : [`no Allow statement grants "*" (actions allowed: ${allows.flatMap((s) => [s.Action].flat()).join(", ") || "none"}); every other workload of the VPC loses the service`];
}

/**
 * Regional AWS-owned buckets the SSM agent and AWS-ConfigureAWSPackage read (agent updates,
 * documents, Distributor packages such as AmazonCloudWatchAgent, Windows downloads), from
 * "SSM Agent communications with AWS managed S3 buckets",
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/ssm-agent-minimum-s3-permissions.html,
 * plus the CloudWatch agent's own download bucket.
 */
export function ssmAgentBuckets(region: string): string[] {
    return [
        `aws-ssm-${region}`,
        `aws-windows-downloads-${region}`,
        `amazon-ssm-${region}`,
        `amazon-ssm-packages-${region}`,
        `${region}-birdwatcher-prod`,
        `aws-ssm-distributor-file-${region}`,
        `aws-ssm-document-attachments-${region}`,
        `patch-baseline-snapshot-${region}`,
        `amazoncloudwatch-agent-${region}`,
    ];
}

/**
 * S3 gateway endpoint policy: ECR image layers and the SSM/CloudWatch agent packages live in
 * AWS-owned buckets; only reads of those are allowed through the gateway. `ownBuckets` (e.g. a
 * Pulumi state bucket, https://www.pulumi.com/docs/iac/concepts/state-and-backends/#aws-s3) are
 * read and written by principals of the organization only.
 */
export function s3GatewayPolicy(region: string, own?: { readonly buckets: readonly string[]; readonly organizationId: string }): PolicyDocument {
    const ownBuckets = own?.buckets ?? [];
    const statements: Statement[] = [
        {
            Sid: "AwsOwnedArtifactBucketsReadOnly",
            Effect: "Allow",
            Principal: "*",
            Action: ["s3:GetObject"],
            Resource: [`arn:aws:s3:::prod-${region}-starport-layer-bucket/*`, ...ssmAgentBuckets(region).map((b) => `arn:aws:s3:::${b}/*`)],
        },
    ];
    if (ownBuckets.length > 0) {
        statements.push({
            Sid: "StateBucketsOfTheOrganization",
            Effect: "Allow",
            Principal: "*",
            Action: ["s3:ListBucket", "s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:GetBucketLocation"],
            Resource: [...ownBuckets].sort().flatMap((b) => [`arn:aws:s3:::${b}`, `arn:aws:s3:::${b}/*`]),
            Condition: { StringEquals: { "aws:PrincipalOrgID": own?.organizationId ?? "" } },
        });
    }
    return policyDocument(statements);
}
