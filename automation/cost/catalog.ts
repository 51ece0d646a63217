/**
 * Every resource type the plan may hold, either priced (by a line of the estimate, estimate.ts) or
 * free with the reason. A type in neither is reported by `fleet cost` (and fails the catalog test), so a
 * new billable resource cannot slip into the fleet unpriced. AWS types are listed one by one; whole
 * families that never bill AWS are listed by prefix.
 */

export type Coverage = { readonly priced: string } | { readonly free: string };

const FREE_AWS: Record<string, string> = {
    "aws:acmpca/certificateAuthorityCertificate:CertificateAuthorityCertificate": "installing the CA's own certificate is part of the CA's monthly fee",
    "aws:amp/alertManagerDefinition:AlertManagerDefinition": "AMP bills samples ingested, stored and queried; rule evaluation counts as query samples (load model)",
    "aws:amp/ruleGroupNamespace:RuleGroupNamespace": "rule evaluation is billed as query samples processed (load model: querySamplesBillionsPerMonth)",
    "aws:amp/workspaceConfiguration:WorkspaceConfiguration": "configuration; the retention it sets is used by the storage line",
    "aws:appautoscaling/policy:Policy": "Application Auto Scaling has no charge of its own",
    "aws:appautoscaling/target:Target": "Application Auto Scaling has no charge of its own; its bounds cap the Fargate line",
    "aws:ec2/customerGateway:CustomerGateway": "a customer gateway is a record of the on-premises device; the VPN connection is billed",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": "security groups have no charge",
    "aws:ec2/route:Route": "routes have no charge",
    "aws:ec2/routeTable:RouteTable": "route tables have no charge",
    "aws:ec2/routeTableAssociation:RouteTableAssociation": "route tables have no charge",
    "aws:ec2/securityGroup:SecurityGroup": "security groups have no charge",
    "aws:ec2/securityGroupRule:SecurityGroupRule": "security groups have no charge",
    "aws:ec2/subnet:Subnet": "subnets have no charge",
    "aws:ec2/vpc:Vpc": "a VPC has no charge; what runs in it is priced",
    "aws:ec2/vpcEndpointService:VpcEndpointService": "the endpoint service owner pays nothing for PrivateLink; consumers pay their endpoints (https://aws.amazon.com/privatelink/pricing/) and the NLB is priced",
    "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter": "peering has no hourly charge; data across it is priced as cross-Region transfer",
    "aws:ecr/pullThroughCacheRule:PullThroughCacheRule": "the rule is free; cached image storage ($0.10/GB-month for a few hundred MB) is left out",
    "aws:ecs/cluster:Cluster": "an ECS cluster has no charge; its Fargate tasks are priced",
    "aws:ecs/taskDefinition:TaskDefinition": "a task definition has no charge; its size prices the Fargate line",
    "aws:grafana/roleAssociation:RoleAssociation": "Managed Grafana bills active users (load model), not role assignments",
    "aws:grafana/workspaceServiceAccount:WorkspaceServiceAccount": "service accounts are not active user licences",
    "aws:grafana/workspaceServiceAccountToken:WorkspaceServiceAccountToken": "tokens have no charge",
    "aws:iam/instanceProfile:InstanceProfile": "IAM has no charge",
    "aws:iam/role:Role": "IAM has no charge",
    "aws:iam/rolePolicy:RolePolicy": "IAM has no charge",
    "aws:kms/alias:Alias": "aliases have no charge; keys are priced",
    "aws:lb/listener:Listener": "listeners are part of the load balancer's hours and NLCUs",
    "aws:lb/targetGroup:TargetGroup": "target groups are part of the load balancer's hours and NLCUs",
    "aws:oam/link:Link": "CloudWatch cross-account observability adds no charge for metrics and logs (https://aws.amazon.com/cloudwatch/pricing/, 'Cross-account observability'); queries are priced",
    "aws:oam/sink:Sink": "CloudWatch cross-account observability adds no charge for metrics and logs; queries are priced",
    "aws:oam/sinkPolicy:SinkPolicy": "policies have no charge",
    "aws:route53/zoneAssociation:ZoneAssociation": "associating a VPC with a hosted zone has no charge; the central zones and endpoints of the shared-endpoint shape live outside the fleet (priced by --shapes)",
    "aws:route53/record:Record": "records in a hosted zone have no charge of their own; the zone is priced",
    "aws:secretsmanager/secretPolicy:SecretPolicy": "policies have no charge; the secret is priced",
    "aws:secretsmanager/secretVersion:SecretVersion": "versions are part of the secret's monthly charge",
    "aws:sns/topic:Topic": "alert notifications stay inside SNS's free million publishes a month",
    "aws:sns/topicPolicy:TopicPolicy": "policies have no charge",
    "aws:ssm/association:Association": "State Manager associations on managed nodes have no charge",
    "aws:ssm/document:Document": "documents you own have no charge",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "security groups have no charge",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "security groups have no charge",
};

const PRICED_AWS: Record<string, string> = {
    "aws:acmpca/certificate:Certificate": "Private CA certificates",
    "aws:acmpca/certificateAuthority:CertificateAuthority": "Private CA",
    "aws:amp/workspace:Workspace": "AMP ingestion, storage and queries",
    "aws:cloudwatch/logGroup:LogGroup": "CloudWatch Logs ingestion and storage",
    "aws:ec2/vpcEndpoint:VpcEndpoint": "interface endpoints (endpoint-AZ-hours and data); gateway endpoints are free",
    "aws:ec2/vpcPeeringConnection:VpcPeeringConnection": "cross-Region transfer to the DR Region",
    "aws:ec2/vpnConnection:VpnConnection": "Site-to-Site VPN and its transit gateway attachment",
    "aws:ecs/service:Service": "Fargate tasks from the hub sizing rule",
    "aws:grafana/workspace:Workspace": "Managed Grafana active users",
    "aws:kms/key:Key": "KMS keys and requests",
    "aws:lb/loadBalancer:LoadBalancer": "NLB hours, NLCUs and cross-zone transfer",
    "aws:route53/resolverEndpoint:ResolverEndpoint": "Route 53 Resolver endpoint ENI-hours",
    "aws:route53/zone:Zone": "Route 53 hosted zones",
    "aws:secretsmanager/secret:Secret": "Secrets Manager secrets and API calls",
    "aws:ssm/parameter:Parameter": "Parameter Store: advanced parameters (standard ones are free)",
};

const FREE_PREFIXES: ReadonlyArray<readonly [string, string]> = [
    ["pulumi:", "Pulumi's own bookkeeping (stack, providers): nothing in AWS"],
    ["oss-monitoring:", "a component resource of this project: a grouping, its children are priced"],
    ["tls:", "generated locally by the Pulumi TLS provider"],
    ["grafana:", "objects inside the Grafana workspace; the workspace's users are priced"],
    ["kubernetes:", "runs on the customer's own cluster (EKS or on-premises): its compute is not estimated"],
];

/** How the estimate covers a resource type, or undefined when it does not know it. */
export function coverage(type: string): Coverage | undefined {
    if (PRICED_AWS[type] !== undefined) {
        return { priced: PRICED_AWS[type] };
    }
    if (FREE_AWS[type] !== undefined) {
        return { free: FREE_AWS[type] };
    }
    const prefix = FREE_PREFIXES.find(([p]) => type.startsWith(p));
    return prefix !== undefined ? { free: prefix[1] } : undefined;
}

/** Types of a plan the catalog does not know (each must be priced or declared free). */
export function uncoveredTypes(types: Iterable<string>): string[] {
    return [...new Set(types)].filter((t) => coverage(t) === undefined).sort();
}
