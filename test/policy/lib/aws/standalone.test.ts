import { strict as assert } from "assert";
import { stackPolicyReads } from "../../../../policy/lib/define";
import { policies } from "../../../../policy/policies";
import { allResourceArgs } from "../../../support/awsTypings";

/**
 * "The same setting attached by another resource", derived from @pulumi/aws's own typings: a standalone
 * resource T sets a setting of resource P when T belongs to P's service, T's name extends P's name
 * (VpcEndpoint → VpcEndpointPolicy, Bucket → BucketPolicy, SecurityGroup → vpc.SecurityGroupIngressRule) and
 * either T's name ends in a setting suffix (…Policy, …Rule, …Configuration, …Attachment, …PrivateDns) or T
 * declares an input P also declares (other than names, tags and the reference to P); or T is named after an
 * input of P (sqs.RedrivePolicy sets Queue.redrivePolicy). Every such T of a type a
 * policy judges must be judged by the pack too, or be listed below with the setting and why no rule reads it.
 * A provider upgrade that adds a standalone setter fails this test instead of leaving a gap.
 */
const SERVICE_OF: Record<string, string> = { vpc: "ec2", alb: "lb", s3control: "s3" };
/** The provider drops the module name from the newer VPC resources: aws.vpc.EndpointPrivateDns is a VpcEndpoint setting. */
const NAME_PREFIX: Record<string, string> = { vpc: "Vpc" };
const SETTING_SUFFIX = /(Policy|Policies|PoliciesExclusive|Rule|Rules|Configuration|ConfigurationV2|Attachment|AttachmentsExclusive|Association|PrivateDns|AllowedPrinciple)$/;
const GENERIC = new Set(["name", "namePrefix", "region", "tags", "tagsAll", "description"]);

/** Standalone setters no rule of the pack reads, each with the setting it carries and why it is not judged. */
const NOT_JUDGED: Record<string, string> = {
    "aws:s3/bucketAcl:BucketAcl": "acl: the pack has no bucket-ACL rule (no bucket of the project has an ACL)",
    "aws:s3/bucketAclV2:BucketAclV2": "acl: as BucketAcl",
    "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration": "corsRules: no rule judges CORS",
    "aws:s3/bucketCorsConfigurationV2:BucketCorsConfigurationV2": "corsRules: no rule judges CORS",
    "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration": "objectLockEnabled: no rule judges object lock",
    "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2": "objectLockEnabled: no rule judges object lock",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": "lifecycle rules: no rule judges lifecycle",
    "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2": "lifecycle rules: no rule judges lifecycle",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": "SSE: the pack has no S3 encryption rule (S3 encrypts every object since 2023)",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2": "SSE: as above",
    "aws:s3/bucketWebsiteConfiguration:BucketWebsiteConfiguration": "website: no rule judges static websites",
    "aws:s3/bucketWebsiteConfigurationV2:BucketWebsiteConfigurationV2": "website: as above",
    "aws:s3/bucketAccelerateConfiguration:BucketAccelerateConfiguration": "acceleration: not a security setting",
    "aws:s3/bucketAccelerateConfigurationV2:BucketAccelerateConfigurationV2": "acceleration: not a security setting",
    "aws:s3/bucketRequestPaymentConfiguration:BucketRequestPaymentConfiguration": "request payer: not a security setting",
    "aws:s3/bucketRequestPaymentConfigurationV2:BucketRequestPaymentConfigurationV2": "request payer: not a security setting",
    "aws:s3/bucketIntelligentTieringConfiguration:BucketIntelligentTieringConfiguration": "storage tiering: not a security setting",
    "aws:s3/bucketMetadataConfiguration:BucketMetadataConfiguration": "metadata tables: not a security setting",
    "aws:s3/bucketObject:BucketObject": "objects, not bucket settings (shares acl/bucket/forceDestroy by name only)",
    "aws:s3/bucketObjectv2:BucketObjectv2": "objects, not bucket settings",
    "aws:s3/bucketV2:BucketV2": "a bucket itself (judged where Bucket is)",
    "aws:s3control/bucketPolicy:BucketPolicy": "S3 on Outposts bucket policy: its actions are s3-outposts:*, outside the S3 secure-transport rule's catalogue check",
    "aws:lb/listenerCertificate:ListenerCertificate": "certificateArn: extra certificates for SNI; no rule judges certificates",
    "aws:alb/listenerCertificate:ListenerCertificate": "certificateArn: as lb.ListenerCertificate",
    "aws:lb/targetGroupAttachment:TargetGroupAttachment": "port: a target's port; the TLS rules judge the target group's protocol",
    "aws:alb/targetGroupAttachment:TargetGroupAttachment": "port: as lb.TargetGroupAttachment",
    "aws:ec2/subnetCidrReservation:SubnetCidrReservation": "cidrBlock: an address reservation, not public-IP mapping",
    "aws:vpc/securityGroupVpcAssociation:SecurityGroupVpcAssociation": "vpcId: shares the group with another VPC; the group's rules stay the group's, which are judged",
    "aws:ec2/securityGroupAssociation:SecurityGroupAssociation": "attaches a group to an endpoint; the group's rules are judged where they are written",
    "aws:ec2/vpcEndpointRouteTableAssociation:VpcEndpointRouteTableAssociation": "gateway-endpoint routing; interface endpoints are judged",
    "aws:ec2/vpcEndpointSubnetAssociation:VpcEndpointSubnetAssociation": "which subnets an endpoint serves; no rule judges placement",
    "aws:iam/rolePoliciesExclusive:RolePoliciesExclusive": "policyNames: a list of names; the documents are the RolePolicy resources, which are judged",
    "aws:elb/loadBalancerBackendServerPolicy:LoadBalancerBackendServerPolicy": "classic ELB back-end authentication policy names; no rule judges them",
    "aws:elb/loadBalancerCookieStickinessPolicy:LoadBalancerCookieStickinessPolicy": "classic ELB cookie stickiness; not a TLS setting",
    "aws:s3control/bucketLifecycleConfiguration:BucketLifecycleConfiguration": "S3 on Outposts lifecycle: no rule judges lifecycle",
    "aws:grafana/workspaceSamlConfiguration:WorkspaceSamlConfiguration": "SAML sign-in settings; grafana-workspace-private judges network access, set only on the workspace",
    "aws:sns/topicSubscription:TopicSubscription": "subscriptions (protocol, endpoint, delivery/filter policies); no rule judges them",
    "aws:sqs/redrivePolicy:RedrivePolicy": "redrivePolicy: dead-letter routing, not access or encryption",
    "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy": "redriveAllowPolicy: which queues may use this one as dead-letter queue; no rule judges it",
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": "image expiry rules, not access or encryption",
    "aws:amp/workspaceConfiguration:WorkspaceConfiguration": "retention and limits; encryption and logging are set only on the workspace",
};

function judgedTypes(policy: (typeof policies)[number]): string[] {
    const v = (policy as { validateResource?: unknown }).validateResource;
    if (v === undefined) {
        return stackPolicyReads(policy.name);
    }
    return (Array.isArray(v) ? v : [v]).map((f) => (f as { __pulumiType?: string }).__pulumiType).filter((t): t is string => t !== undefined);
}

describe("policy/lib/aws: standalone resources that set a judged setting", () => {
    const all = allResourceArgs();
    const byToken = new Map(all.map((r) => [r.token, r]));
    const inputs = (body: string) => new Set([...body.matchAll(/\n {4}(?:readonly )?(\w+)\??:/g)].map((m) => m[1]));
    const service = (module: string) => SERVICE_OF[module] ?? module;
    const namesOf = (r: { token: string; module: string }) => [r.token.split(":")[2], ...(NAME_PREFIX[r.module] ? [NAME_PREFIX[r.module] + r.token.split(":")[2]] : [])];

    function settersOf(token: string): string[] {
        const p = byToken.get(token);
        if (p === undefined) {
            return [];
        }
        const pName = p.token.split(":")[2];
        const pInputs = inputs(p.body);
        const ref = new RegExp(`^${pName[0].toLowerCase()}${pName.slice(1)}(Id|Name|Arn)?$`);
        const extends_ = (t: typeof p) => namesOf(t).some((n) => n.startsWith(pName) && n !== pName);
        // A type named after an input of P sets that input (sqs.RedrivePolicy sets Queue.redrivePolicy).
        const namedAfterInput = (t: typeof p) => SETTING_SUFFIX.test(t.token) && namesOf(t).some((n) => pInputs.has(n[0].toLowerCase() + n.slice(1)));
        return all.filter((t) => t !== p && service(t.module) === service(p.module))
            .filter((t) => namedAfterInput(t) || (extends_(t) && (SETTING_SUFFIX.test(t.token) || [...inputs(t.body)].some((i) => pInputs.has(i) && !GENERIC.has(i) && !ref.test(i)))))
            .map((t) => t.token);
    }

    it("derives the relation from the provider (endpoint policy, bucket policy, SG rules, key policy, private DNS)", () => {
        assert.ok(settersOf("aws:ec2/vpcEndpoint:VpcEndpoint").includes("aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy"));
        assert.ok(settersOf("aws:ec2/vpcEndpoint:VpcEndpoint").includes("aws:vpc/endpointPrivateDns:EndpointPrivateDns"));
        assert.ok(settersOf("aws:s3/bucket:Bucket").includes("aws:s3/bucketPolicy:BucketPolicy"));
        assert.ok(settersOf("aws:ec2/securityGroup:SecurityGroup").includes("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"));
        assert.ok(settersOf("aws:ec2/securityGroup:SecurityGroup").includes("aws:ec2/securityGroupRule:SecurityGroupRule"));
        assert.ok(settersOf("aws:kms/key:Key").includes("aws:kms/keyPolicy:KeyPolicy"));
    });

    const judgedByPack = new Set(policies.flatMap(judgedTypes));
    for (const policy of policies) {
        it(`${policy.name}: the pack judges every standalone resource that sets a setting of the types it judges`, () => {
            const gaps = judgedTypes(policy).flatMap((p) => settersOf(p).filter((t) => !judgedByPack.has(t) && NOT_JUDGED[t] === undefined).map((t) => `${p} -> ${t}`));
            assert.deepEqual(gaps, []);
        });
    }

    it("lists no stale exemption", () => {
        const derived = new Set(policies.flatMap((p) => judgedTypes(p).flatMap(settersOf)));
        assert.deepEqual(Object.keys(NOT_JUDGED).filter((t) => !derived.has(t)), []);
    });
});
