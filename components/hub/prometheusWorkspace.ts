import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { EncryptionKey } from "../security/encryptionKey";
import { PROMETHEUS_WORKSPACE_DEFAULTS } from "./prometheusWorkspaceSettings";
import { Tags, withName } from "../security/tags";
import { LimitsPerLabelSet } from "./tenantLimits";

export interface PrometheusWorkspaceArgs {
    readonly account: string;
    readonly region: string;
    /** Days AMP keeps samples. Default PROMETHEUS_WORKSPACE_DEFAULTS (150). */
    readonly retentionDays?: pulumi.Input<number>;
    /** Days CloudWatch keeps AMP's own logs. Default PROMETHEUS_WORKSPACE_DEFAULTS (365). */
    readonly logRetentionDays?: pulumi.Input<number>;
    /** Per-tenant active-series limits (tenantLimits.ts tenantSeriesLimits). Default: none. */
    readonly limitsPerLabelSets?: readonly LimitsPerLabelSet[];
    /** Out-of-order window of the workspace, seconds (0-600). Default PROMETHEUS_WORKSPACE_DEFAULTS (600). */
    readonly outOfOrderTimeWindowSeconds?: pulumi.Input<number>;
    /** Rule query offset of the workspace, seconds (AMP: 0-86400). Default PROMETHEUS_WORKSPACE_DEFAULTS (40). */
    readonly ruleQueryOffsetSeconds?: pulumi.Input<number>;
    /** Cost-allocation tags. Default: none. */
    readonly tags?: pulumi.Input<Tags>;
}

/** AMP remote-write and query URLs derived from a workspace's Prometheus endpoint. */
export function ampUrls(prometheusEndpoint: string): { remoteWrite: string; query: string } {
    const base = prometheusEndpoint.endsWith("/") ? prometheusEndpoint : `${prometheusEndpoint}/`;
    return { remoteWrite: `${base}api/v1/remote_write`, query: base.slice(0, -1) };
}

/**
 * An Amazon Managed Service for Prometheus workspace encrypted with its own CMK, logging
 * rule and alert-manager errors to an encrypted log group.
 */
export class PrometheusWorkspace extends pulumi.ComponentResource {
    public readonly workspaceId: pulumi.Output<string>;
    public readonly workspaceArn: pulumi.Output<string>;
    public readonly remoteWriteUrl: pulumi.Output<string>;
    public readonly queryUrl: pulumi.Output<string>;
    public readonly kmsKeyArn: pulumi.Output<string>;
    public readonly logGroupArn: pulumi.Output<string>;

    constructor(name: string, args: PrometheusWorkspaceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("oss-monitoring:hub:PrometheusWorkspace", name, {}, opts);
        const key = new EncryptionKey(`${name}-cmk`, {
            account: args.account,
            region: args.region,
            services: ["logs"],
            description: `AMP workspace ${name} and its logs`,
            tags: args.tags,
        }, { parent: this });
        const logs = new aws.cloudwatch.LogGroup(`${name}-logs`, {
            name: `/aws/vendedlogs/prometheus/${name}`,
            kmsKeyId: key.keyArn,
            retentionInDays: args.logRetentionDays ?? PROMETHEUS_WORKSPACE_DEFAULTS.logRetentionDays,
            tags: withName(args.tags, `${name}-logs`),
        }, { parent: this });
        const workspace = new aws.amp.Workspace(`${name}-workspace`, {
            alias: name,
            kmsKeyArn: key.keyArn,
            loggingConfiguration: { logGroupArn: pulumi.interpolate`${logs.arn}:*` },
            tags: withName(args.tags, name),
        }, { parent: this });
        new aws.amp.WorkspaceConfiguration(`${name}-retention`, {
            workspaceId: workspace.id,
            retentionPeriodInDays: args.retentionDays ?? PROMETHEUS_WORKSPACE_DEFAULTS.retentionDays,
            limitsPerLabelSets: args.limitsPerLabelSets?.map((l) => ({ labelSet: { ...l.labelSet }, limits: { ...l.limits } })),
            outOfOrderTimeWindowInSeconds: args.outOfOrderTimeWindowSeconds ?? PROMETHEUS_WORKSPACE_DEFAULTS.outOfOrderTimeWindowSeconds,
            ruleQueryOffsetInSeconds: args.ruleQueryOffsetSeconds ?? PROMETHEUS_WORKSPACE_DEFAULTS.ruleQueryOffsetSeconds,
        }, { parent: this });
        this.workspaceId = workspace.id;
        this.workspaceArn = workspace.arn;
        this.remoteWriteUrl = workspace.prometheusEndpoint.apply((e) => ampUrls(e).remoteWrite);
        this.queryUrl = workspace.prometheusEndpoint.apply((e) => ampUrls(e).query);
        this.kmsKeyArn = key.keyArn;
        this.logGroupArn = logs.arn;
        this.registerOutputs({ workspaceId: this.workspaceId, workspaceArn: this.workspaceArn, remoteWriteUrl: this.remoteWriteUrl, queryUrl: this.queryUrl });
    }
}
