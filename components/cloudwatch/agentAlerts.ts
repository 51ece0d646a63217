/**
 * Pure builder of the Grafana-managed alert rules for "CloudWatch agent not reporting".
 *
 * Why Grafana-managed alerts and not CloudWatch alarms in the monitoring account:
 * - a per-host CloudWatch alarm needs every instance ID at deploy time; hosts come and go (Auto
 *   Scaling, hybrid activations), and with 500 accounts that is thousands of alarms to keep in step;
 * - a fleet-wide alarm cannot be one metric-math alarm: alarms cannot use SEARCH expressions
 *   ("You can't create an alarm based on the SEARCH expression",
 *   https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-search-expressions.html)
 *   and a metric-math alarm takes at most 10 metrics
 *   (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-data-queries.html);
 * - Metrics Insights multi-time-series alarms track the series a query *returns*
 *   (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Create_Metrics_Insights_Alarm.html);
 *   a silent host is exactly the series that stops being returned, and we found no documented
 *   contributor behaviour for that case;
 * - Grafana evaluates a SEARCH with FILL(…, 0) per source account, so a host that reported in the
 *   last hour but not in the last `silentAfterMinutes` has an explicit zero and fires by name, and
 *   its SNS contact point publishes to the same topic as AMP's alert manager.
 * One rule per fleet account keeps each SEARCH well under its 500-series cap (same doc) for accounts
 * with fewer than 500 agent hosts.
 */
import { AgentPlatform, EC2_AGENT_NAMESPACE, heartbeatMetric } from "../agent/hostMetrics";
import type { AgentSource } from "./hostDashboard";

const PLATFORMS: readonly AgentPlatform[] = ["linux", "windows"];

/** One query or expression of a Grafana rule, as the provider's `datas` entries take them. */
export interface RuleData {
    readonly refId: string;
    readonly datasourceUid: string;
    readonly relativeTimeRange: { readonly from: number; readonly to: number };
    readonly model: Record<string, unknown>;
}

export interface AgentAlertRule {
    readonly name: string;
    readonly condition: string;
    readonly data: RuleData[];
    readonly forDuration: string;
    readonly labels: Record<string, string>;
    readonly annotations: Record<string, string>;
}

/** Defaults of AgentAlertOptions; the hub `cloudwatch` schema uses the same values. */
export const AGENT_ALERT_DEFAULTS = { silentAfterMinutes: 10, lookbackMinutes: 60 } as const;

export interface AgentAlertOptions {
    readonly dataSourceUid: string;
    /** Minutes without the heartbeat metric before a host alerts. Default 10. */
    readonly silentAfterMinutes?: number;
    /** Hosts silent for longer than this are considered gone (terminated), not failing. Default 60. */
    readonly lookbackMinutes?: number;
}

/** SEARCH over one source's heartbeat series (both platforms), one series per host, missing periods as 0. */
export function heartbeatSearch(s: Pick<AgentSource, "kind" | "account" | "namespace">, periodSeconds: number): string {
    const names = PLATFORMS.map((p) => `MetricName="${heartbeatMetric(p)}"`).join(" OR ");
    // EC2 hosts: the per-instance roll-up only (aggregation_dimensions [["InstanceId"]]), so one series per host.
    const scope = s.kind === "monitored" ? `{${EC2_AGENT_NAMESPACE},InstanceId}` : `Namespace="${s.namespace}"`;
    // `:aws.AccountId = "<id>"` scopes a search to one source account in a monitoring account
    // (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/search-expression-syntax.html).
    return `FILL(SEARCH('${scope} (${names}) :aws.AccountId = "${s.account}"', 'SampleCount', ${periodSeconds}), 0)`;
}

const EXPRESSION_UID = "__expr__";

/** One rule per source: reported in the lookback window before the silence window, nothing since. */
export function agentAlertRules(sources: readonly AgentSource[], o: AgentAlertOptions): AgentAlertRule[] {
    const silent = o.silentAfterMinutes ?? AGENT_ALERT_DEFAULTS.silentAfterMinutes;
    const lookback = o.lookbackMinutes ?? AGENT_ALERT_DEFAULTS.lookbackMinutes;
    if (!Number.isInteger(silent) || silent < 5 || silent > 1440) {
        throw new Error("silentAfterMinutes: expected whole minutes between 5 and 1440 (the agent reports every minute; CloudWatch needs a few minutes to make data queryable)");
    }
    if (!Number.isInteger(lookback) || lookback <= silent) {
        throw new Error(`lookbackMinutes: expected whole minutes above silentAfterMinutes (${silent})`);
    }
    const seen = new Set<string>();
    return [...sources].sort((a, b) => a.stack.localeCompare(b.stack)).filter((s) => {
        const key = `${s.account}/${s.region}/${s.namespace}`;
        const dup = seen.has(key);
        seen.add(key);
        return !dup;
    }).map((s) => {
        const query = (refId: string, from: number, to: number): RuleData => ({
            refId,
            datasourceUid: o.dataSourceUid,
            relativeTimeRange: { from, to },
            model: {
                refId, queryMode: "Metrics", metricQueryType: 0, metricEditorMode: 1, id: refId.toLowerCase(), region: s.region,
                namespace: s.namespace, expression: heartbeatSearch(s, 60), period: "60", matchExact: true, accountId: s.account,
                label: s.kind === "monitored" ? "${PROP('Dim.InstanceId')}" : "${PROP('Dim.host')}",
            },
        });
        const expr = (refId: string, model: Record<string, unknown>): RuleData => ({
            refId, datasourceUid: EXPRESSION_UID, relativeTimeRange: { from: 0, to: 0 }, model: { refId, datasource: { type: "__expr__", uid: EXPRESSION_UID }, ...model },
        });
        return {
            name: `CloudWatch agent not reporting: ${s.stack}`,
            condition: "SILENT",
            forDuration: "5m",
            data: [
                query("EARLIER", lookback * 60, silent * 60),
                query("RECENT", silent * 60, 0),
                expr("SEEN", { type: "reduce", expression: "EARLIER", reducer: "max" }),
                expr("SENT", { type: "reduce", expression: "RECENT", reducer: "sum" }),
                expr("SILENT", { type: "math", expression: "$SEEN > 0 && $SENT == 0" }),
            ],
            labels: { severity: "warning", source: "cloudwatch-agent", account: s.account, stack: s.stack, ...(s.site !== undefined ? { site: s.site } : {}) },
            annotations: {
                summary: `A CloudWatch agent in ${s.stack} (${s.account}) stopped reporting`,
                description: `A host sent ${s.namespace} metrics in the ${lookback} minutes before the last ${silent} but none since: the agent is stopped, ` +
                    "the host is down, or its path to CloudWatch broke. A host terminated on purpose resolves on its own after the lookback window.",
            },
        };
    });
}

/** The Grafana folder of the CloudWatch agents' dashboard and rule group (uid and title as deployed). */
export const CLOUDWATCH_AGENTS_FOLDER = { uid: "cloudwatch-agents", title: "CloudWatch agents" } as const;

/**
 * Name and evaluation interval of that rule group. Every evaluation is billed GetMetricData (two
 * SEARCHes per account): five minutes keeps the fleet-size bill documented in the README while
 * detection stays < 20 minutes.
 */
export const AGENT_RULE_GROUP = { name: "cloudwatch-agents", intervalSeconds: 300 } as const;

/**
 * Where Grafana sends what it alerts on: one SNS contact point (the AMP alert topic) as the root of
 * the organization's notification policy tree, grouped per alert and account.
 */
export const GRAFANA_ALERT_ROUTING = {
    contactPoint: "oss-monitoring-alert-topic",
    groupBies: ["alertname", "account"],
    groupWait: "1m",
    groupInterval: "5m",
    repeatInterval: "4h",
} as const;

/** One rule of a Grafana rule group, in the shape grafana.alerting.RuleGroup's `rules` input takes. */
export interface GrafanaRuleInput {
    readonly name: string;
    readonly condition: string;
    readonly for: string;
    readonly noDataState: string;
    readonly execErrState: string;
    readonly labels: Record<string, string>;
    readonly annotations: Record<string, string>;
    readonly datas: { readonly refId: string; readonly datasourceUid: string; readonly relativeTimeRange: RuleData["relativeTimeRange"]; readonly model: string }[];
}

/** The "CloudWatch agent not reporting" rule group as the hub deploys it (grafana.alerting.RuleGroup inputs). */
export interface AgentRuleGroup {
    readonly name: string;
    readonly folderUid: string;
    readonly intervalSeconds: number;
    readonly rules: GrafanaRuleInput[];
}

/** The rule group the hub deploys for these sources; undefined (none deployed) without sources. */
export function agentRuleGroup(sources: readonly AgentSource[], o: AgentAlertOptions): AgentRuleGroup | undefined {
    if (sources.length === 0) {
        return undefined;
    }
    return {
        name: AGENT_RULE_GROUP.name,
        folderUid: CLOUDWATCH_AGENTS_FOLDER.uid,
        intervalSeconds: AGENT_RULE_GROUP.intervalSeconds,
        rules: agentAlertRules(sources, o).map((r) => ({
            name: r.name,
            condition: r.condition,
            for: r.forDuration,
            noDataState: "OK",
            execErrState: "Error",
            labels: r.labels,
            annotations: r.annotations,
            datas: r.data.map((d) => ({ refId: d.refId, datasourceUid: d.datasourceUid, relativeTimeRange: d.relativeTimeRange, model: JSON.stringify(d.model) })),
        })),
    };
}
