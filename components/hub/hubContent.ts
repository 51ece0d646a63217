import * as aws from "@pulumi/aws";
import * as grafana from "@pulumiverse/grafana";
import * as pulumi from "@pulumi/pulumi";
import {
    AMP_DEFAULT_QUOTAS,
    ContentOptions,
    DASHBOARD_KEYS,
    DASHBOARD_FOLDER,
    DashboardKey,
    FOLDERS,
    FolderKey,
    RuleNamespaceKind,
    alertTopicPolicy,
    renderAlertManagerDefinition,
    renderDashboards,
    renderRuleNamespaces,
    resolveContentOptions,
    TenantCertificateExpiry,
    TenantSeriesLimit,
} from "../content";
import { Tags, withName } from "../security/tags";

export interface HubContentArgs {
    /** ID of the hub's AMP workspace; the rule namespaces and alert manager definition attach to it. */
    readonly workspaceId: pulumi.Input<string>;
    /** ARN of that workspace: the aws:SourceArn the alert topic policy (and CMK policy) require. */
    readonly workspaceArn: pulumi.Input<string>;
    /** Region of the workspace; the alert topic is created there too (AMP publishes in-region only). */
    readonly region: pulumi.Input<string>;
    /** 12-digit hub account ID: the aws:SourceAccount of the topic policy. */
    readonly accountId: pulumi.Input<string>;
    /**
     * CMK encrypting the alert topic. Its key policy must allow aps.amazonaws.com
     * kms:GenerateDataKey* and kms:Decrypt (see ampSnsKmsKeyPolicyStatement).
     */
    readonly kmsKeyArn: pulumi.Input<string>;
    /**
     * uid of the AMP data source the hub creates in Grafana; every dashboard query uses it.
     * Undefined: no Grafana content (folders, dashboards) is managed (the stack cannot reach the workspace API).
     */
    readonly grafanaDataSourceUid?: pulumi.Input<string>;
    /** Type of that data source (telemetry/ampDataSource.ts ampDataSourceType). Default the core "prometheus". */
    readonly grafanaDataSourceType?: string;
    /** Minutes without data before a monitored account or on-prem site alerts as silent. Default 15. */
    readonly silentAfterMinutes?: pulumi.Input<number>;
    /**
     * AMP per-workspace quotas the ingestion alerts compare against.
     * Default AMP's: 50,000,000 active series, 1,666,666 samples/s (AMP_DEFAULT_QUOTAS).
     */
    readonly quotas?: pulumi.Input<{ readonly activeSeries?: number; readonly samplesPerSecond?: number }>;
    /** Quota alerts fire above this fraction of a quota. Default 0.8. */
    readonly quotaWarningRatio?: pulumi.Input<number>;
    /** Minimum hub collector replicas (the collector service's minTasks); fewer alerts. Default 2. */
    readonly minHubCollectorReplicas?: pulumi.Input<number>;
    /** Per-tenant active-series limits, for the tenant-limit alert. Default none. */
    readonly tenantSeriesLimits?: readonly TenantSeriesLimit[];
    /** Expiry of each tenant's current certificate, for the certificate alert. Default none. */
    readonly tenantCertificates?: readonly TenantCertificateExpiry[];
    /** Warn this many days before a tenant certificate expires (one rotation period). Default 30. */
    readonly tenantCertWarningDays?: number;
    /**
     * The DR workspace (collector dual-write target) and a provider for its region: it gets the
     * recording rules too, so dashboards keep working after a failover. Alerting stays on the
     * primary (two regions alerting would page twice). Default: none.
     */
    readonly dr?: { readonly workspaceId: pulumi.Input<string>; readonly provider: pulumi.ProviderResource };
    /** Tags for every taggable AWS resource (rule namespaces, topic). Default none. */
    readonly tags?: pulumi.Input<Tags>;
}

const RULE_NAMESPACE_KINDS: readonly RuleNamespaceKind[] = ["recording", "alerting"];
const AMP_NAMESPACE_NAME = /^[0-9A-Za-z][-.0-9A-Z_a-z]*$/;

/** AMP rule groups namespace name for a component: `<component>-<kind>`, validated against AMP's rules. */
export function ruleNamespaceName(componentName: string, kind: RuleNamespaceKind): string {
    const n = `${componentName}-${kind}`;
    if (!AMP_NAMESPACE_NAME.test(n) || n.length > 64) {
        throw new Error(`rule namespace name "${n}" is invalid for AMP (1-64 of letters, digits, '-', '.', '_', starting with a letter or digit): rename the HubContent component`);
    }
    return n;
}

/** Resolves the component's options (defaults and validation) once its inputs are known. */
export function contentOptionsFromArgs(args: HubContentArgs): pulumi.Output<ContentOptions> {
    return pulumi
        .all([args.silentAfterMinutes, args.quotas, args.quotaWarningRatio, args.minHubCollectorReplicas])
        .apply(([silentAfterMinutes, quotas, quotaWarningRatio, minHubCollectorReplicas]) =>
            resolveContentOptions({
                silentAfterMinutes,
                quotas: { activeSeries: quotas?.activeSeries ?? AMP_DEFAULT_QUOTAS.activeSeries, samplesPerSecond: quotas?.samplesPerSecond ?? AMP_DEFAULT_QUOTAS.samplesPerSecond },
                quotaWarningRatio,
                minHubCollectorReplicas,
                tenantSeriesLimits: args.tenantSeriesLimits,
                tenantCertificates: args.tenantCertificates,
                tenantCertWarningDays: args.tenantCertWarningDays,
            }),
        );
}

/**
 * The hub's day-one monitoring content: AMP recording and alerting rules, the alert manager
 * routing to a KMS-encrypted SNS topic, and Grafana folders and dashboards. Pass the Grafana
 * provider through `providers`; children inherit it.
 */
export class HubContent extends pulumi.ComponentResource {
    public readonly ruleNamespaceNames: pulumi.Output<string[]>;
    public readonly ruleNamespaceArns: pulumi.Output<string[]>;
    public readonly alertTopicArn: pulumi.Output<string>;
    /** Empty when no Grafana content is managed. */
    public readonly folderUids: pulumi.Output<Partial<Record<FolderKey, string>>>;
    public readonly dashboardUids: pulumi.Output<Partial<Record<DashboardKey, string>>>;
    public readonly dashboardUrls: pulumi.Output<Partial<Record<DashboardKey, string>>>;

    constructor(name: string, args: HubContentArgs, opts?: pulumi.ComponentResourceOptions) {
        super("oss-monitoring:hub:HubContent", name, {}, opts);
        const options = contentOptionsFromArgs(args);
        const rendered = options.apply(renderRuleNamespaces);

        const namespaces = RULE_NAMESPACE_KINDS.map(
            (kind) =>
                new aws.amp.RuleGroupNamespace(
                    `${name}-${kind}-rules`,
                    {
                        name: ruleNamespaceName(name, kind),
                        workspaceId: args.workspaceId,
                        data: rendered.apply((r) => r.find((n) => n.kind === kind)!.yaml),
                        tags: withName(args.tags, ruleNamespaceName(name, kind)),
                    },
                    { parent: this },
                ),
        );

        if (args.dr !== undefined) {
            new aws.amp.RuleGroupNamespace(`${name}-recording-rules-dr`, {
                name: ruleNamespaceName(name, "recording"),
                workspaceId: args.dr.workspaceId,
                data: rendered.apply((r) => r.find((n) => n.kind === "recording")!.yaml),
                tags: withName(args.tags, ruleNamespaceName(name, "recording")),
            }, { parent: this, provider: args.dr.provider });
        }

        const topic = new aws.sns.Topic(`${name}-alerts`, { kmsMasterKeyId: args.kmsKeyArn, tags: withName(args.tags, `${name}-alerts`) }, { parent: this });
        const topicPolicy = new aws.sns.TopicPolicy(
            `${name}-alerts-policy`,
            { arn: topic.arn, policy: pulumi.all([topic.arn, args.accountId, args.workspaceArn]).apply(([arn, account, ws]) => alertTopicPolicy(arn, account, ws)) },
            { parent: this },
        );
        new aws.amp.AlertManagerDefinition(
            `${name}-alertmanager`,
            {
                workspaceId: args.workspaceId,
                definition: pulumi.all([topic.arn, args.region, options]).apply(([topicArn, region, o]) => renderAlertManagerDefinition({ topicArn, region, labels: o.labels })),
            },
            // AMP must be allowed to publish before the first alert is routed.
            { parent: this, dependsOn: [topicPolicy] },
        );

        this.ruleNamespaceNames = pulumi.all(namespaces.map((n) => n.name));
        this.ruleNamespaceArns = pulumi.all(namespaces.map((n) => n.arn));
        this.alertTopicArn = topic.arn;
        const grafanaContent = this.grafanaContent(name, args, options);
        this.folderUids = grafanaContent.folderUids;
        this.dashboardUids = grafanaContent.dashboardUids;
        this.dashboardUrls = grafanaContent.dashboardUrls;
        this.registerOutputs({
            ruleNamespaceNames: this.ruleNamespaceNames,
            ruleNamespaceArns: this.ruleNamespaceArns,
            alertTopicArn: this.alertTopicArn,
            folderUids: this.folderUids,
            dashboardUids: this.dashboardUids,
            dashboardUrls: this.dashboardUrls,
        });
    }

    /** Folders and dashboards in Grafana, when a data source is given. */
    private grafanaContent(name: string, args: HubContentArgs, options: pulumi.Output<ContentOptions>): GrafanaContent {
        const dataSourceUid = args.grafanaDataSourceUid;
        if (dataSourceUid === undefined) {
            return { folderUids: pulumi.output({}), dashboardUids: pulumi.output({}), dashboardUrls: pulumi.output({}) };
        }
        const folders = {} as Record<FolderKey, grafana.oss.Folder>;
        for (const key of Object.keys(FOLDERS) as FolderKey[]) {
            folders[key] = new grafana.oss.Folder(`${name}-folder-${key}`, { uid: FOLDERS[key].uid, title: FOLDERS[key].title }, { parent: this });
        }
        const dashboardJson = pulumi.all([options, dataSourceUid]).apply(([o, uid]) => renderDashboards(o, uid, undefined, args.grafanaDataSourceType));
        const dashboards = DASHBOARD_KEYS.map(
            (key) =>
                [
                    key,
                    new grafana.oss.Dashboard(
                        `${name}-dashboard-${key}`,
                        {
                            configJson: dashboardJson.apply((all) => JSON.stringify(all.find((d) => d.key === key)!.dashboard)),
                            folder: folders[DASHBOARD_FOLDER[key]].uid,
                            // Dashboards are code: a deploy replaces edits made in the UI.
                            overwrite: true,
                            message: "Managed by Pulumi (oss-monitoring HubContent)",
                        },
                        { parent: this },
                    ),
                ] as const,
        );

        return {
            folderUids: pulumi.all(Object.fromEntries(Object.entries(folders).map(([k, f]) => [k, f.uid]))),
            dashboardUids: pulumi.all(Object.fromEntries(dashboards.map(([k, d]) => [k, d.uid]))),
            dashboardUrls: pulumi.all(Object.fromEntries(dashboards.map(([k, d]) => [k, d.url]))),
        };
    }
}

interface GrafanaContent {
    readonly folderUids: HubContent["folderUids"];
    readonly dashboardUids: HubContent["dashboardUids"];
    readonly dashboardUrls: HubContent["dashboardUrls"];
}
