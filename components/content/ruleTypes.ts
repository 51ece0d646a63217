import YAML from "yaml";

export interface RecordingRule {
    readonly record: string;
    readonly expr: string;
    readonly labels?: Readonly<Record<string, string>>;
}

export interface AlertingRule {
    readonly alert: string;
    readonly expr: string;
    /** Prometheus duration, e.g. "5m". */
    readonly for?: string;
    readonly labels: Readonly<Record<string, string>>;
    readonly annotations: Readonly<Record<string, string>>;
}

export interface RuleGroup<R> {
    readonly name: string;
    /** Evaluation interval, e.g. "1m". */
    readonly interval: string;
    readonly rules: readonly R[];
}

/** One AMP rule groups namespace: its name and the groups its rules file holds. */
export interface RuleNamespace {
    /** Suffix of the namespace name, e.g. "recording". */
    readonly kind: string;
    readonly groups: readonly RuleGroup<RecordingRule | AlertingRule>[];
}

/** Renders a Prometheus rules file (the format AMP's rule groups namespaces take). */
export function renderRuleFile(groups: readonly RuleGroup<RecordingRule | AlertingRule>[]): string {
    return YAML.stringify({ groups }, { lineWidth: 0 });
}

export const isAlert = (r: RecordingRule | AlertingRule): r is AlertingRule => "alert" in r;
