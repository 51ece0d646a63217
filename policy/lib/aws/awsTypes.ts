/**
 * Which @pulumi/aws resource types carry a given input, so a rule judging a setting covers every type
 * that can set it (a bucket policy inline on the bucket as well as aws.s3.BucketPolicy, the default
 * subnet as well as subnets, replica keys as well as keys). Generated from
 * node_modules/@pulumi/aws/<module>/*.d.ts (the `<Type>Args` interface of each resource);
 * test/policy/lib/aws/awsTypes.test.ts re-derives every list, so a provider upgrade that adds a type
 * with the same input fails the test instead of leaving a gap in a rule.
 */
import { ResourceClass } from "../define";

/** `module:input` → type tokens of that module whose Args declare `input`. */
export const TYPES_WITH_INPUT = {
    "kms:policy": ["aws:kms/externalKey:ExternalKey", "aws:kms/key:Key", "aws:kms/keyPolicy:KeyPolicy", "aws:kms/replicaExternalKey:ReplicaExternalKey", "aws:kms/replicaKey:ReplicaKey"],
    "s3:policy": ["aws:s3/accessPoint:AccessPoint", "aws:s3/bucket:Bucket", "aws:s3/bucketPolicy:BucketPolicy", "aws:s3/bucketV2:BucketV2", "aws:s3/filesFileSystemPolicy:FilesFileSystemPolicy", "aws:s3/vectorsVectorBucketPolicy:VectorsVectorBucketPolicy"],
    "ec2:mapPublicIpOnLaunch": ["aws:ec2/defaultSubnet:DefaultSubnet", "aws:ec2/subnet:Subnet"],
    "ec2:ingress": ["aws:ec2/defaultNetworkAcl:DefaultNetworkAcl", "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "aws:ec2/networkAcl:NetworkAcl", "aws:ec2/securityGroup:SecurityGroup"],
    "ec2:policy": ["aws:ec2/vpcEndpoint:VpcEndpoint", "aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy"],
    "iam:policyArn": ["aws:iam/groupPolicyAttachment:GroupPolicyAttachment", "aws:iam/policyAttachment:PolicyAttachment", "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "aws:iam/userPolicyAttachment:UserPolicyAttachment"],
    "iam:policyArns": ["aws:iam/groupPolicyAttachmentsExclusive:GroupPolicyAttachmentsExclusive", "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive", "aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive"],
    "iam:managedPolicyArns": ["aws:iam/role:Role"],
    "iam:policy": ["aws:iam/groupPolicy:GroupPolicy", "aws:iam/policy:Policy", "aws:iam/rolePolicy:RolePolicy", "aws:iam/userPolicy:UserPolicy"],
    "lb:sslPolicy": ["aws:lb/listener:Listener"],
    "alb:sslPolicy": ["aws:alb/listener:Listener"],
    "lb:actions": ["aws:lb/listenerRule:ListenerRule"],
    "alb:actions": ["aws:alb/listenerRule:ListenerRule"],
    "lb:stickiness": ["aws:lb/targetGroup:TargetGroup"],
    "alb:stickiness": ["aws:alb/targetGroup:TargetGroup"],
    "elb:listeners": ["aws:elb/loadBalancer:LoadBalancer"],
    "ecs:taskRoleArn": ["aws:ecs/daemonTaskDefinition:DaemonTaskDefinition", "aws:ecs/expressGatewayService:ExpressGatewayService", "aws:ecs/taskDefinition:TaskDefinition"],
    "ecs:containerDefinitions": ["aws:ecs/daemonTaskDefinition:DaemonTaskDefinition", "aws:ecs/taskDefinition:TaskDefinition"],
    "ssoadmin:managedPolicyArn": ["aws:ssoadmin/managedPolicyAttachment:ManagedPolicyAttachment"],
    "ssoadmin:managedPolicyArns": ["aws:ssoadmin/managedPolicyAttachmentsExclusive:ManagedPolicyAttachmentsExclusive"],
    "ssoadmin:inlinePolicy": ["aws:ssoadmin/permissionSetInlinePolicy:PermissionSetInlinePolicy"],
    "vpc:privateDnsEnabled": ["aws:vpc/endpointPrivateDns:EndpointPrivateDns"],
    "oam:policy": ["aws:oam/sinkPolicy:SinkPolicy"],
    "sns:policy": ["aws:sns/dataProtectionPolicy:DataProtectionPolicy", "aws:sns/topic:Topic", "aws:sns/topicPolicy:TopicPolicy"],
    "sqs:policy": ["aws:sqs/queue:Queue", "aws:sqs/queuePolicy:QueuePolicy"],
    "secretsmanager:policy": ["aws:secretsmanager/secret:Secret", "aws:secretsmanager/secretPolicy:SecretPolicy"],
    "ecr:policy": ["aws:ecr/lifecyclePolicy:LifecyclePolicy", "aws:ecr/registryPolicy:RegistryPolicy", "aws:ecr/repositoryPolicy:RepositoryPolicy"],
    "sns:kmsMasterKeyId": ["aws:sns/topic:Topic"],
    "sqs:kmsMasterKeyId": ["aws:sqs/queue:Queue"],
    "secretsmanager:kmsKeyId": ["aws:secretsmanager/secret:Secret"],
    "ecr:encryptionConfigurations": ["aws:ecr/repository:Repository", "aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate"],
} as const;

export type TypeKey = keyof typeof TYPES_WITH_INPUT;

/** A stand-in for a resource class: `args.isType` compares only the static `__pulumiType`. */
export function typeClass(token: string): ResourceClass {
    const cls = function () { /* type marker only */ } as unknown as ResourceClass & { __pulumiType: string };
    Object.defineProperty(cls, "__pulumiType", { value: token });
    Object.defineProperty(cls, "name", { value: token.split(":").pop() });
    return cls;
}

/** Classes for the types of the given keys, optionally filtered by type token. */
export function classesWith(keys: readonly TypeKey[], filter: (token: string) => boolean = () => true): ResourceClass[] {
    const tokens = [...new Set(keys.flatMap((k) => [...TYPES_WITH_INPUT[k]]))].filter(filter);
    return tokens.map(typeClass);
}

export function tokensWith(keys: readonly TypeKey[], filter: (token: string) => boolean = () => true): string[] {
    return [...new Set(keys.flatMap((k) => [...TYPES_WITH_INPUT[k]]))].filter(filter);
}
