import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { EncryptionKey } from "../security/encryptionKey";
import { DEFAULT_LOG_RETENTION_DAYS } from "../security/logRetention";
import { Tags, withName } from "../security/tags";
import { LimitsPerLabelSet } from "./tenantLimits";

/** Defaults of PrometheusWorkspaceArgs; the hub config schema uses the same values. */
export const PROMETHEUS_WORKSPACE_DEFAULTS = {
    /** Days AMP keeps samples (AMP's own default). */
    retentionDays: 150,
    /** Days CloudWatch keeps AMP's own logs: the audit minimum. */
    logRetentionDays: DEFAULT_LOG_RETENTION_DAYS,
    /**
     * How far behind a series' newest sample AMP still accepts one (AMP default 60, range 0-600:
     * https://docs.aws.amazon.com/prometheus/latest/userguide/AMP-workspace-configuration.md). The
     * maximum, on purpose: a sender's persistent queue replays its backlog after an outage, and a
     * collector that crashes mid-replay puts its in-flight batches back at the tail of the queue
     * (exporterhelper persistent queue, read back after the rest), so they arrive after newer data, as
     * old as the backlog; with several queue consumers batches of one series also land a few seconds
     * apart. Within this window all of that is stored instead of refused as out of order (e2e scenario 9).
     */
    outOfOrderTimeWindowSeconds: 600,
    /**
     * Delay before AMP's rules query (same page; Cortex's per-tenant `ruler_query_offset`, see
     * ruleQueryOffset.ts). It must cover how late LIVE data lands, derived from the rendered collector
     * configs (liveDeliveryDelay, checked in test/components/hub/ruleQueryOffset.test.ts): a scraped
     * sample is stamped when its scrape starts and handed on up to the scrape timeout later (10 s, the
     * Prometheus default the senders keep), waits up to the sender's batch timeout (5 s), then the hub
     * exports it synchronously within PRW_RETRY_BUDGET (20 s, retries included): 35 s. 40 s leaves 5 s
     * for the sender-to-hub hop. It was 30 s, which missed the scrape's share. Rules then see every
     * live sample (e2e scenario 12 shows it on Cortex's ruler, and a tenant at 0 missing them), while
     * alerts fire 40 s later. Backlogs replayed after an outage arrive later still; the silence alerts
     * about that outage are meant to fire anyway.
     */
    ruleQueryOffsetSeconds: 40,
} as const;

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
