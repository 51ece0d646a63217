import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { toJson } from "../security/iam";
import { Tags, withName } from "../security/tags";
import { CertificateSubjectCondition, rolesAnywhereTrust } from "./iam";
import { ROLES_ANYWHERE_DEFAULTS } from "./rolesAnywhereAccessSettings";

/** Where the trust anchor's CA comes from: the site's own PEM bundle or an ACM Private CA. */
export type TrustAnchorCa = { readonly caBundle: string } | { readonly acmPcaArn: string };

export interface RolesAnywhereAccessArgs {
    /** The landing account (aws:SourceAccount of the trust). */
    readonly account: string;
    /** Site name, for descriptions. */
    readonly siteName: string;
    /** The CA whose certificates hosts present. */
    readonly ca: TrustAnchorCa;
    /** Which certificates of that CA may assume the role. */
    readonly subject: CertificateSubjectCondition;
    /** Session length in seconds. Default 3600. */
    readonly sessionDurationSeconds?: number;
    /** Permission policy JSON of the role (CloudWatch agent). */
    readonly policy: pulumi.Input<string>;
    /** Cost-allocation tags. Default: none. */
    readonly tags?: pulumi.Input<Tags>;
}

/** The trust anchor's `source` input for a CA choice. */
export function trustAnchorSource(ca: TrustAnchorCa): { sourceType: string; sourceData: { x509CertificateData?: string; acmPcaArn?: string } } {
    if ("caBundle" in ca) {
        if (!ca.caBundle.includes("BEGIN CERTIFICATE")) {
            throw new Error("ca.caBundle: expected a PEM certificate bundle");
        }
        return { sourceType: "CERTIFICATE_BUNDLE", sourceData: { x509CertificateData: ca.caBundle.trim() } };
    }
    return { sourceType: "AWS_ACM_PCA", sourceData: { acmPcaArn: ca.acmPcaArn } };
}

/**
 * IAM Roles Anywhere for hosts that hold a certificate of the site's CA: a trust anchor, a
 * role trusting only that anchor and matching certificate subjects, and a profile. Hosts
 * exchange their certificate for short-lived credentials (aws_signing_helper); no access keys.
 */
export class RolesAnywhereAccess extends pulumi.ComponentResource {
    public readonly trustAnchorArn: pulumi.Output<string>;
    public readonly profileArn: pulumi.Output<string>;
    public readonly roleArn: pulumi.Output<string>;

    constructor(name: string, args: RolesAnywhereAccessArgs, opts?: pulumi.ComponentResourceOptions) {
        super("oss-monitoring:onprem:RolesAnywhereAccess", name, {}, opts);
        const anchor = new aws.rolesanywhere.TrustAnchor(`${name}-anchor`, {
            name: `${name}-anchor`,
            enabled: true,
            source: trustAnchorSource(args.ca),
            tags: withName(args.tags, `${name}-anchor`),
        }, { parent: this });
        const role = new aws.iam.Role(`${name}-role`, {
            description: `Hosts of site ${args.siteName} with a certificate of its CA: CloudWatch agent only`,
            assumeRolePolicy: anchor.arn.apply((arn) => toJson(rolesAnywhereTrust(args.account, arn, args.subject))),
            maxSessionDuration: Math.max(3600, args.sessionDurationSeconds ?? ROLES_ANYWHERE_DEFAULTS.sessionDurationSeconds),
            tags: withName(args.tags, `${name}-role`),
        }, { parent: this });
        const policy = new aws.iam.RolePolicy(`${name}-policy`, { role: role.name, policy: args.policy }, { parent: this });
        const profile = new aws.rolesanywhere.Profile(`${name}-profile`, {
            name: `${name}-profile`,
            enabled: true,
            roleArns: [role.arn],
            durationSeconds: args.sessionDurationSeconds ?? ROLES_ANYWHERE_DEFAULTS.sessionDurationSeconds,
            tags: withName(args.tags, `${name}-profile`),
        }, { parent: this, dependsOn: [policy] });
        this.trustAnchorArn = anchor.arn;
        this.profileArn = profile.arn;
        this.roleArn = role.arn;
        this.registerOutputs({ trustAnchorArn: this.trustAnchorArn, profileArn: this.profileArn, roleArn: this.roleArn });
    }
}
