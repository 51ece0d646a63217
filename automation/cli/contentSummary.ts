import type { AgentRuleGroup, GRAFANA_ALERT_ROUTING } from "../../components/cloudwatch/agentAlerts";
import type { AlertingRule, RecordingRule, RuleGroup } from "../../components/content";

/**
 * Short readable summaries of what the hub deploys, written beside the JSON and YAML by `content`,
 * so an operator can review panels and rules before deploying: per dashboard each panel's title,
 * query, unit and thresholds; per rule group each rule's name, query, `for`, severity and summary.
 */

/** A panel query: PromQL (`expr`), CloudWatch Metrics Insights SQL (`sqlExpression`) or a Logs Insights query (`expression`). */
interface Target {
    readonly expr?: string;
    readonly sqlExpression?: string;
    readonly expression?: string;
}

/** The query text of a target, whatever its data source. */
export function targetQuery(t: Target): string | undefined {
    return t.expr ?? t.sqlExpression ?? t.expression;
}
interface Panel {
    readonly type?: string;
    readonly title?: string;
    readonly targets?: readonly Target[];
    readonly fieldConfig?: { readonly defaults?: { readonly unit?: string; readonly thresholds?: { readonly steps?: readonly { readonly color?: string; readonly value?: number | null }[] } } };
    readonly panels?: readonly Panel[];
}
interface Dashboard {
    readonly title?: string;
    readonly description?: string;
    readonly uid?: string;
    readonly panels?: readonly Panel[];
}

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\s*\n\s*/g, " ");

function thresholds(p: Panel): string {
    const steps = (p.fieldConfig?.defaults?.thresholds?.steps ?? []).filter((s) => s.value !== null && s.value !== undefined);
    return steps.length === 0 ? "-" : steps.map((s) => `${s.color ?? "?"} ≥ ${s.value}`).join(", ");
}

/** Every panel, rows' children included, in order. */
function panelsOf(panels: readonly Panel[]): Panel[] {
    return panels.flatMap((p) => [p, ...panelsOf(p.panels ?? [])]);
}

/** One dashboard as Markdown: a table of its panels (rows become headings). */
export function dashboardSummary(d: Dashboard): string {
    const lines = [`# ${d.title ?? d.uid ?? "dashboard"}`, "", ...(d.description ? [d.description, ""] : []), "| panel | type | query | unit | thresholds |", "| --- | --- | --- | --- | --- |"];
    for (const p of panelsOf(d.panels ?? [])) {
        if (p.type === "row") {
            lines.push(`| **${cell(p.title ?? "")}** | row | | | |`);
            continue;
        }
        const queries = (p.targets ?? []).map(targetQuery).filter((e): e is string => e !== undefined);
        lines.push(`| ${cell(p.title ?? "")} | ${p.type ?? "-"} | ${queries.length > 0 ? queries.map((q) => `\`${cell(q)}\``).join("<br>") : "-"} | ${p.fieldConfig?.defaults?.unit ?? "-"} | ${thresholds(p)} |`);
    }
    return `${lines.join("\n")}\n`;
}

const isAlert = (r: RecordingRule | AlertingRule): r is AlertingRule => "alert" in r;

/** One rules file's groups as Markdown: per group a table of its rules. */
export function ruleGroupsSummary(kind: string, groups: readonly RuleGroup<RecordingRule | AlertingRule>[]): string {
    const lines = [`# ${kind} rules`, ""];
    for (const g of groups) {
        lines.push(`## ${g.name} (every ${g.interval})`, "");
        const alerts = g.rules.filter(isAlert);
        if (alerts.length > 0) {
            lines.push("| alert | query | for | severity | summary |", "| --- | --- | --- | --- | --- |");
            alerts.forEach((r) => lines.push(`| ${r.alert} | \`${cell(r.expr)}\` | ${r.for ?? "0s"} | ${r.labels.severity ?? "-"} | ${cell(r.annotations.summary ?? "")} |`));
        }
        const records = g.rules.filter((r): r is RecordingRule => !isAlert(r));
        if (records.length > 0) {
            lines.push("| series recorded | query |", "| --- | --- |");
            records.forEach((r) => lines.push(`| ${r.record} | \`${cell(r.expr)}\` |`));
        }
        lines.push("");
    }
    return `${lines.join("\n").trimEnd()}\n`;
}

const minutes = (seconds: number) => `${seconds / 60}m`;

/** A Grafana-managed rule's data: queries with their time window, then the expressions over them. */
function grafanaRuleData(r: AgentRuleGroup["rules"][number]): { queries: string; condition: string } {
    const queries: string[] = [];
    const steps: string[] = [];
    for (const d of r.datas) {
        const model = JSON.parse(d.model) as { type?: string; expression?: string; reducer?: string };
        if (d.datasourceUid === "__expr__") {
            steps.push(model.type === "reduce" ? `${d.refId} = ${model.reducer}(${model.expression})` : `${d.refId} = \`${cell(model.expression ?? "")}\``);
            continue;
        }
        const window = d.relativeTimeRange.to === 0 ? `last ${minutes(d.relativeTimeRange.from)}` : `${minutes(d.relativeTimeRange.from)} to ${minutes(d.relativeTimeRange.to)} ago`;
        queries.push(`${d.refId} (${window}): \`${cell(model.expression ?? "")}\``);
    }
    return { queries: queries.join("<br>"), condition: `${steps.join("; ")}; fires on ${r.condition}` };
}

/** A Grafana-managed rule group as Markdown: where it notifies, then per rule its queries, condition, `for`, severity and summary. */
export function grafanaRuleGroupSummary(g: AgentRuleGroup, routing: typeof GRAFANA_ALERT_ROUTING): string {
    const lines = [
        `# Grafana rule group ${g.name} (folder ${g.folderUid}, every ${minutes(g.intervalSeconds)})`,
        "",
        `Notifies contact point \`${routing.contactPoint}\` (SNS: the AMP alert topic), grouped by ${routing.groupBies.join(", ")}; ` +
            `group wait ${routing.groupWait}, group interval ${routing.groupInterval}, repeat ${routing.repeatInterval}.`,
        "",
        "| rule | queries | condition | for | severity | no data | summary |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ];
    for (const r of g.rules) {
        const { queries, condition } = grafanaRuleData(r);
        lines.push(`| ${cell(r.name)} | ${queries} | ${condition} | ${r.for} | ${r.labels.severity ?? "-"} | ${r.noDataState} | ${cell(r.annotations.summary ?? "")} |`);
    }
    return `${lines.join("\n")}\n`;
}
