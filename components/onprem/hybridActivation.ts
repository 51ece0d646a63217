import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { toJson } from "../security/iam";
import { Tags, withName } from "../security/tags";
import { ssmHybridTrust } from "./iam";
import type { AgentPlatform } from "../agent/hostMetrics";

export interface RegistrationWindow {
    /** Hosts each activation may register. */
    readonly limit: number;
    /** ISO 8601 end of the window (checked to be ahead and within 30 days by the config). */
    readonly expirationDate: string;
}

export interface HybridActivationArgs {
    /** The landing account: the only source SSM may assume the role for. */
    readonly account: string;
    /** Region the hosts register in. */
    readonly region: string;
    /** Site name, for descriptions and default instance names. */
    readonly siteName: string;
    /**
     * One activation per platform, each stamping that platform's `hostTags` on the hosts it
     * registers (State Manager targets hosts by those tags).
     */
    readonly platforms: readonly AgentPlatform[];
    /** Tags hosts of each platform receive at registration. */
    readonly hostTags: Readonly<Record<AgentPlatform, Readonly<Record<string, string>>>>;
    /** Open registration window. Default: closed (no activation; registered hosts keep working). */
    readonly registration?: RegistrationWindow;
    /** Permission policy JSON of the managed-instance role (SSM agent + CloudWatch agent). */
    readonly policy: pulumi.Input<string>;
    /** Cost-allocation tags. Default: none. */
    readonly tags?: pulumi.Input<Tags>;
}

/**
 * SSM hybrid activation: the service role hosts receive (short-lived credentials the SSM
 * agent refreshes, no access keys) and, while a registration window is open, one activation
 * per platform whose ID and code are secrets.
 */
export class HybridActivation extends pulumi.ComponentResource {
    public readonly roleName: pulumi.Output<string>;
    public readonly roleArn: pulumi.Output<string>;
    /** Activation ID per platform (secret); empty while the window is closed. */
    public readonly activationIds: Partial<Record<AgentPlatform, pulumi.Output<string>>>;
    /** Activation code per platform (secret); empty while the window is closed. */
    public readonly activationCodes: Partial<Record<AgentPlatform, pulumi.Output<string>>>;

    constructor(name: string, args: HybridActivationArgs, opts?: pulumi.ComponentResourceOptions) {
        super("oss-monitoring:onprem:HybridActivation", name, {}, opts);
        if (args.platforms.length === 0) {
            throw new Error(`${name}: platforms: list at least one of linux, windows`);
        }
        const role = new aws.iam.Role(`${name}-role`, {
            description: `SSM hybrid managed instances of site ${args.siteName}: SSM and CloudWatch agents only`,
            assumeRolePolicy: toJson(ssmHybridTrust(args.account, args.region)),
            maxSessionDuration: 3600,
            tags: withName(args.tags, `${name}-role`),
        }, { parent: this });
        const policy = new aws.iam.RolePolicy(`${name}-policy`, { role: role.name, policy: args.policy }, { parent: this });
        this.activationIds = {};
        this.activationCodes = {};
        if (args.registration !== undefined) {
            for (const platform of args.platforms) {
                const activation = new aws.ssm.Activation(`${name}-${platform}`, {
                    description: `Registers ${platform} hosts of site ${args.siteName} until ${args.registration.expirationDate}`,
                    iamRole: role.name,
                    registrationLimit: args.registration.limit,
                    expirationDate: args.registration.expirationDate,
                    // SSM copies an activation's tags onto every host it registers.
                    tags: pulumi.output(args.tags ?? {}).apply((t) => ({ ...t, ...args.hostTags[platform] })),
                }, { parent: this, dependsOn: [policy] });
                this.activationIds[platform] = pulumi.secret(activation.id);
                this.activationCodes[platform] = pulumi.secret(activation.activationCode);
            }
        }
        this.roleName = role.name;
        this.roleArn = role.arn;
        this.registerOutputs({ roleArn: this.roleArn, activationIds: this.activationIds, activationCodes: this.activationCodes });
    }
}
