/** Pure renderers of the hub's monitoring content: rules, alert manager definition, dashboards. */
import { alertingRuleGroups } from "./alertingRules";
import { renderAlertManagerDefinition, renderAlertmanagerConfig, renderTemplates } from "./alertmanager";
import { RenderedDashboard, renderDashboards } from "./dashboards";
import { ContentOptions, ContentOptionsInput, resolveContentOptions } from "./options";
import { recordingRuleGroups } from "./recordingRules";
import { RuleNamespace, renderRuleFile } from "./ruleTypes";
import { tenantRuleGroups } from "./tenantRules";

export * from "./options";
export * from "./metrics";
export * from "./ruleTypes";
export * from "./recordingRules";
export * from "./alertingRules";
export * from "./tenantRules";
export * from "./alertmanager";
export * from "./dashboardBuilder";
export * from "./dashboards";
export * from "./queries";
export * from "../telemetry/ampDataSource";
export * from "./snsPolicy";

export type RuleNamespaceKind = "recording" | "alerting";

export interface RenderedRuleNamespace extends RuleNamespace {
    readonly kind: RuleNamespaceKind;
    /** The rules file AMP stores as the namespace's data. */
    readonly yaml: string;
}

/**
 * Two namespaces so recording and alerting rules update independently and each file stays far
 * below AMP's 1 MB rules-file limit.
 */
export function renderRuleNamespaces(o: ContentOptions): RenderedRuleNamespace[] {
    const tenants = tenantRuleGroups(o);
    const recording = [...recordingRuleGroups(o), ...tenants.recording];
    const alerting = [...alertingRuleGroups(o), ...tenants.alerting];
    return [
        { kind: "recording", groups: recording, yaml: renderRuleFile(recording) },
        { kind: "alerting", groups: alerting, yaml: renderRuleFile(alerting) },
    ];
}

export interface HubContentRenderInput extends ContentOptionsInput {
    /** SNS topic the alert manager publishes to. */
    readonly topicArn: string;
    /** Region of the workspace and topic. */
    readonly region: string;
    /** uid of the AMP data source in Grafana. */
    readonly dataSourceUid: string;
    /** Prefix of dashboard uids. Default "oss-monitoring". */
    readonly dashboardUidPrefix?: string;
    /** Type of that data source (telemetry/ampDataSource.ts ampDataSourceType). Default the core "prometheus". */
    readonly dataSourceType?: string;
}

export interface RenderedHubContent {
    readonly options: ContentOptions;
    readonly ruleNamespaces: readonly RenderedRuleNamespace[];
    readonly alertmanager: {
        /** What aws.amp.AlertManagerDefinition takes (AMP's wrapper). */
        readonly definition: string;
        /** The standard Alertmanager config inside the wrapper (what amtool checks). */
        readonly config: string;
        readonly templates: string;
    };
    readonly dashboards: readonly RenderedDashboard[];
}

/** Everything at once, for the CLI and tests. */
export function renderHubContent(input: HubContentRenderInput): RenderedHubContent {
    const options = resolveContentOptions(input);
    const am = { topicArn: input.topicArn, region: input.region, labels: options.labels };
    return {
        options,
        ruleNamespaces: renderRuleNamespaces(options),
        alertmanager: { definition: renderAlertManagerDefinition(am), config: renderAlertmanagerConfig(am), templates: renderTemplates(options.labels) },
        dashboards: renderDashboards(options, input.dataSourceUid, input.dashboardUidPrefix ?? "oss-monitoring", input.dataSourceType),
    };
}
