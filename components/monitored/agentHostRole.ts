import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { mergePolicies, policyDocument, PolicyDocument, toJson } from "../security/iam";
import { agentPermissions, managedInstancePolicy } from "../agent/agentIam";
import { Tags, withName } from "../security/tags";

/**
 * What an EC2 agent host may do, as one scoped document instead of CloudWatchAgentServerPolicy
 * and AmazonSSMManagedInstanceCore (which grant ssm:GetParameter on every AmazonCloudWatch-*
 * parameter and PutMetricData into any namespace, so a narrower inline policy next to them added
 * nothing): the SSM agent's calls on this account's instances, metrics into one namespace, logs
 * into the stack's groups, this stack's parameters, and ec2:DescribeTags when the agent adds the
 * AutoScalingGroupName dimension.
 */
export function agentHostPolicy(o: { account: string; region: string; namespace: string; logGroupPrefix: string; parameterArns: readonly string[]; describeTags: boolean }): PolicyDocument {
    return mergePolicies(
        managedInstancePolicy(o.account, o.region, "ec2"),
        agentPermissions({ account: o.account, region: o.region, namespace: o.namespace, logGroupPrefix: o.logGroupPrefix, parameterArns: o.parameterArns }),
        ...(o.describeTags ? [policyDocument([{ Sid: "AutoScalingGroupDimension", Effect: "Allow", Action: ["ec2:DescribeTags"], Resource: "*" }])] : []),
    );
}

/**
 * EC2 instance-role trust. EC2 sends neither aws:SourceAccount nor aws:SourceArn when it
 * assumes an instance role, so conditions on them would make the role unusable; who may attach
 * the role is governed by iam:PassRole instead (the policy pack exempts ec2.amazonaws.com).
 */
export function ec2InstanceTrust(): PolicyDocument {
    return policyDocument([{ Sid: "TrustEc2", Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }]);
}

export interface AgentHostRoleArgs {
    readonly account: string;
    readonly region: string;
    /** ARNs of this stack's agent parameters; the role may read exactly these. */
    readonly parameterArns: pulumi.Input<string>[];
    /** The only CloudWatch namespace hosts publish to. Default CWAgent (the agent's). */
    readonly namespace?: string;
    /** Log group prefix the hosts write under, e.g. /oss-monitoring/monitored-payments. */
    readonly logGroupPrefix: string;
    /** Allow ec2:DescribeTags (AutoScalingGroupName dimension). Default false. */
    readonly describeTags?: boolean;
    /** Cost-allocation tags. Default none. */
    readonly tags?: pulumi.Input<Tags>;
}

/** Instance role and profile for agent hosts, with the scoped agentHostPolicy. */
export class AgentHostRole extends pulumi.ComponentResource {
    public readonly roleArn: pulumi.Output<string>;
    public readonly roleName: pulumi.Output<string>;
    public readonly instanceProfileName: pulumi.Output<string>;
    public readonly instanceProfileArn: pulumi.Output<string>;

    constructor(name: string, args: AgentHostRoleArgs, opts?: pulumi.ComponentResourceOptions) {
        super("oss-monitoring:monitored:AgentHostRole", name, {}, opts);
        const role = new aws.iam.Role(`${name}-role`, {
            description: "EC2 hosts running the CloudWatch agent, managed by Systems Manager",
            assumeRolePolicy: toJson(ec2InstanceTrust()),
            maxSessionDuration: 3600,
            tags: withName(args.tags, `${name}-role`),
        }, { parent: this });
        new aws.iam.RolePolicy(`${name}-agents`, {
            role: role.name,
            policy: pulumi.all(args.parameterArns).apply((arns) => toJson(agentHostPolicy({
                account: args.account, region: args.region, namespace: args.namespace ?? "CWAgent", logGroupPrefix: args.logGroupPrefix, parameterArns: arns, describeTags: args.describeTags ?? false,
            }))),
        }, { parent: this });
        const profile = new aws.iam.InstanceProfile(`${name}-profile`, {
            role: role.name,
            tags: withName(args.tags, `${name}-profile`),
        }, { parent: this });
        this.roleArn = role.arn;
        this.roleName = role.name;
        // An instance profile's ID is its name (known in previews, unlike an auto-generated name).
        this.instanceProfileName = profile.id;
        this.instanceProfileArn = profile.arn;
        this.registerOutputs({ roleArn: this.roleArn, instanceProfileName: this.instanceProfileName, instanceProfileArn: this.instanceProfileArn });
    }
}
