import * as pulumi from "@pulumi/pulumi";
import { Tags } from "../tags";
import { Tenant } from "./tenants";

// SKELETON (contract only): the pki helper replaces this file with the real component.
export interface TenantIdentitiesArgs {
    readonly account: string;
    readonly region: string;
    readonly organizationId: string;
    /** Every tenant of the fleet (monitored accounts and on-prem sites). */
    readonly tenants: readonly Tenant[];
    /** Days between certificate rotations. Default 30. */
    readonly rotationDays?: number;
    /** Clock for the rotation period; tests pin it. Default: now. */
    readonly now?: Date;
    readonly tags?: pulumi.Input<Tags>;
}

export class TenantIdentities extends pulumi.ComponentResource {
    /** PEM of the hub CA that issues tenant certificates: the only CA the hub proxy trusts for clients. */
    public readonly caCertificatePem: pulumi.Output<string>;
    public readonly caArn: pulumi.Output<string>;
    /** tenantKey → ARN of the tenant's identity secret in the hub account. */
    public readonly secretArns: Record<string, pulumi.Output<string>>;

    constructor(name: string, args: TenantIdentitiesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("oss-monitoring:identity:TenantIdentities", name, {}, opts);
        this.caCertificatePem = pulumi.output("-----BEGIN CERTIFICATE-----\nskeleton\n-----END CERTIFICATE-----\n");
        this.caArn = pulumi.output(`arn:aws:acm-pca:${args.region}:${args.account}:certificate-authority/skeleton`);
        this.secretArns = {};
        this.registerOutputs({});
    }
}
