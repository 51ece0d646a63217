import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { KeyPolicyArgs, kmsKeyPolicy, PolicyDocument, policyDocument, Statement, toJson } from "./iam";
import { Tags, withName } from "./tags";

export interface EncryptionKeyArgs {
    /** Account that owns and administers the key. */
    readonly account: string;
    /** Region of the key (CloudWatch Logs' service principal is regional). */
    readonly region: string;
    /** Service principals allowed to use the key. Default: none. */
    readonly services?: KeyPolicyArgs["services"];
    /**
     * Statements appended to the key policy, for uses the account-and-services policy cannot express
     * (e.g. other accounts decrypting through one service under conditions). Default: none.
     */
    readonly extraStatements?: readonly Statement[];
    /** What the key protects, shown in the console. */
    readonly description: string;
    /** Days before a scheduled deletion completes. Default 30 (the maximum) to survive mistakes. */
    readonly deletionWindowInDays?: number;
    /** Cost-allocation tags. Default: none. */
    readonly tags?: pulumi.Input<Tags>;
}

/** The key's policy: the account and named services (kmsKeyPolicy), then any extra statements. */
export function encryptionKeyPolicy(args: Pick<EncryptionKeyArgs, "account" | "region" | "services" | "extraStatements">): PolicyDocument {
    const base = kmsKeyPolicy({ account: args.account, region: args.region, services: args.services });
    return policyDocument([...base.Statement, ...(args.extraStatements ?? [])]);
}

/** A customer-managed KMS key with yearly rotation and an alias. */
export class EncryptionKey extends pulumi.ComponentResource {
    public readonly keyArn: pulumi.Output<string>;
    public readonly keyId: pulumi.Output<string>;
    public readonly aliasName: pulumi.Output<string>;

    constructor(name: string, args: EncryptionKeyArgs, opts?: pulumi.ComponentResourceOptions) {
        super("oss-monitoring:security:EncryptionKey", name, {}, opts);
        const key = new aws.kms.Key(`${name}-key`, {
            description: args.description,
            enableKeyRotation: true,
            rotationPeriodInDays: 365,
            deletionWindowInDays: args.deletionWindowInDays ?? 30,
            policy: toJson(encryptionKeyPolicy(args)),
            tags: withName(args.tags, `${name}-key`),
        }, { parent: this });
        const alias = new aws.kms.Alias(`${name}-alias`, { name: `alias/oss-monitoring/${name}`, targetKeyId: key.keyId }, { parent: this });
        this.keyArn = key.arn;
        this.keyId = key.keyId;
        this.aliasName = alias.name;
        this.registerOutputs({ keyArn: this.keyArn, keyId: this.keyId, aliasName: this.aliasName });
    }
}
