import { PolicyDocument, policyDocument, Statement } from "./iam";

/**
 * AWS services reached through interface endpoints, with the API actions this project's
 * agents and collectors call on each. Endpoint policies allow exactly these, and only for
 * principals of the organization, so a stolen credential from outside cannot use the path.
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
};

export type EndpointService = keyof typeof ENDPOINT_ACTIONS;

/**
 * Calls made before the caller has an IAM identity (a web-identity token, an SSM activation
 * code, an X.509 certificate), so aws:PrincipalOrgID is absent: they are allowed only into
 * resources that belong to the organization instead.
 */
export const PRE_AUTHENTICATION_ACTIONS: Readonly<Record<string, readonly string[]>> = {
    sts: ["sts:AssumeRoleWithWebIdentity"],
    ssm: ["ssm:RegisterManagedInstance"],
    rolesanywhere: ["rolesanywhere:CreateSession"],
};

/** The endpoint service name AWS publishes for `service` in `region`. */
export function awsServiceName(region: string, service: string): string {
    return `com.amazonaws.${region}.${service}`;
}

/** Endpoint policy: only the listed actions, only by principals of the organization. */
export function endpointPolicy(service: string, organizationId: string): PolicyDocument {
    const actions = ENDPOINT_ACTIONS[service];
    if (actions === undefined) {
        throw new Error(`no endpoint policy is defined for service "${service}"; add its actions to ENDPOINT_ACTIONS`);
    }
    const statements: Statement[] = [
        {
            Sid: "OrganizationPrincipalsOnly",
            Effect: "Allow",
            Principal: "*",
            Action: [...actions],
            Resource: "*",
            Condition: { StringEquals: { "aws:PrincipalOrgID": organizationId } },
        },
    ];
    const preAuth = PRE_AUTHENTICATION_ACTIONS[service];
    if (preAuth !== undefined) {
        statements.push({
            Sid: "PreAuthenticationIntoOrganizationResources",
            Effect: "Allow",
            Principal: "*",
            Action: [...preAuth],
            Resource: "*",
            Condition: { StringEquals: { "aws:ResourceOrgID": organizationId } },
        });
    }
    return policyDocument(statements);
}

/**
 * S3 gateway endpoint policy: ECR image layers (and SSM/CloudWatch agent packages) live in
 * AWS-owned buckets; only reads of those are allowed through the gateway.
 */
export function s3GatewayPolicy(region: string): PolicyDocument {
    return policyDocument([
        {
            Sid: "AwsOwnedArtifactBucketsReadOnly",
            Effect: "Allow",
            Principal: "*",
            Action: ["s3:GetObject"],
            Resource: [
                `arn:aws:s3:::prod-${region}-starport-layer-bucket/*`,
                `arn:aws:s3:::amazoncloudwatch-agent-${region}/*`,
                `arn:aws:s3:::amazon-ssm-${region}/*`,
                `arn:aws:s3:::amazon-ssm-packages-${region}/*`,
                `arn:aws:s3:::${region}-birdwatcher-prod/*`,
                `arn:aws:s3:::aws-ssm-distributor-file-${region}/*`,
                `arn:aws:s3:::aws-ssm-document-attachments-${region}/*`,
            ],
        },
    ]);
}
