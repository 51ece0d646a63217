import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { agentParameterReadPolicy } from "../agent/agentAssociations";
import { policyDocument, PolicyDocument, toJson } from "../iam";
import { Tags, withName } from "../tags";

/** AWS-managed policies an agent host needs: the CloudWatch agent, and SSM to be managed at all. */
export const AGENT_HOST_MANAGED_POLICIES = ["CloudWatchAgentServerPolicy", "AmazonSSMManagedInstanceCore"] as const;

/**
 * EC2 instance-role trust. EC2 sends neither aws:SourceAccount nor aws:SourceArn when it
 * assumes an instance role, so conditions on them would make the role unusable; who may attach
 * the role is governed by iam:PassRole instead (the policy pack exempts ec2.amazonaws.com).
 */
export function ec2InstanceTrust(): PolicyDocument {
    return policyDocument([{ Sid: "TrustEc2", Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }]);
}

export interface AgentHostRoleArgs {
    /** ARNs of this stack's agent parameters; the role may read exactly these. */
    readonly parameterArns: pulumi.Input<string>[];
    /** Partition for the managed-policy ARNs. Default aws. */
    readonly partition?: string;
    /** Cost-allocation tags. Default none. */
    readonly tags?: pulumi.Input<Tags>;
}

/** Instance role and profile for agent hosts: managed agent + SSM core, plus this stack's parameters. */
export class AgentHostRole extends pulumi.ComponentResource {
    public readonly roleArn: pulumi.Output<string>;
    public readonly roleName: pulumi.Output<string>;
    public readonly instanceProfileName: pulumi.Output<string>;
    public readonly instanceProfileArn: pulumi.Output<string>;

    constructor(name: string, args: AgentHostRoleArgs, opts?: pulumi.ComponentResourceOptions) {
        super("oss-monitoring:monitored:AgentHostRole", name, {}, opts);
        const partition = args.partition ?? "aws";
        const role = new aws.iam.Role(`${name}-role`, {
            description: "EC2 hosts running the CloudWatch agent, managed by Systems Manager",
            assumeRolePolicy: toJson(ec2InstanceTrust()),
            maxSessionDuration: 3600,
            tags: withName(args.tags, `${name}-role`),
        }, { parent: this });
        for (const policy of AGENT_HOST_MANAGED_POLICIES) {
            new aws.iam.RolePolicyAttachment(`${name}-${policy}`, {
                role: role.name,
                policyArn: `arn:${partition}:iam::aws:policy/${policy}`,
            }, { parent: this });
        }
        new aws.iam.RolePolicy(`${name}-parameters`, {
            role: role.name,
            policy: pulumi.all(args.parameterArns).apply((arns) => toJson(agentParameterReadPolicy(arns))),
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
