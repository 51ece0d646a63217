import { Dashboard, dashboardQueries } from "./dashboardBuilder";
import { RecordingRule, renderRuleFile } from "./ruleTypes";

/**
 * Concrete stand-ins for Grafana variables so dashboard queries can be parsed by promtool:
 * regex alternations like a multi-value selection, and durations for Grafana's interval macros.
 */
export const VALIDATION_VALUES: Readonly<Record<string, string>> = {
    account: "111111111111|222222222222",
    region: "us-east-1|eu-west-1",
    site: "dc1|.*",
    __rate_interval: "5m",
    __interval: "1m",
    __range: "6h",
};

/** Replaces `$name`, `${name}`, `${name:format}` and `[[name]]`; throws on any variable left over. */
export function substituteVariables(expr: string, values: Readonly<Record<string, string>>): string {
    const out = expr.replace(/\$\{(\w+)(?::\w+)?\}|\[\[(\w+)\]\]|\$(\w+)/g, (whole, braced: string | undefined, bracketed: string | undefined, bare: string | undefined) => {
        const name = braced ?? bracketed ?? bare ?? "";
        const value = values[name];
        if (value === undefined) {
            throw new Error(`query uses variable $${name} with no validation value: add it to VALIDATION_VALUES (in "${expr}")`);
        }
        return value;
    });
    return out;
}

/** One recording rule per dashboard query (variables substituted), for `promtool check rules`. */
export function dashboardQueryRuleFile(dashboards: readonly Dashboard[], values: Readonly<Record<string, string>> = VALIDATION_VALUES): string {
    const rules: RecordingRule[] = [];
    for (const d of dashboards) {
        for (const q of dashboardQueries(d)) {
            rules.push({ record: `dashboard_query_${rules.length + 1}`, expr: substituteVariables(q.expr, values), labels: { query_location: q.where } });
        }
    }
    return renderRuleFile([{ name: "dashboard-queries", interval: "1m", rules }]);
}
