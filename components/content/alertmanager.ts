import YAML from "yaml";
import { ALERTS, ALERT_LABELS, HUB_OUTAGE_ALERTS } from "./alertingRules";
import { COLLECTOR_LABELS } from "./metrics";
import { SourceLabelMap } from "./options";
import { q } from "./promql";
import { TENANT_ALERTS } from "./tenantRules";

export interface AlertmanagerOptions {
    /** SNS topic every receiver publishes to (same account and region as the workspace: an AMP rule). */
    readonly topicArn: string;
    /** Region of the topic, for the receiver's SigV4 signing. */
    readonly region: string;
    readonly labels: SourceLabelMap;
}

/**
 * Component id of the hub collector's primary remote-write exporter (the `exporter` label of its
 * self-telemetry). Only failures of this one mean "nothing reaches AMP"; a failing DR exporter does not.
 */
export const PRIMARY_REMOTE_WRITE_EXPORTER = "prometheusremotewrite/primary";

/** Name under which the notification templates are stored in AMP's `template_files`. */
export const TEMPLATE_FILE = "default_template";

export const RECEIVERS = { critical: "sns-critical", warning: "sns-warning", fallback: "sns-default" } as const;

const SNS_TOPIC_ARN = /^arn:aws[a-z-]*:sns:([a-z0-9-]+):(\d{12}):[A-Za-z0-9_-]{1,256}$/;

/** Go templates for SNS subject (ASCII, one line, SNS truncates at 100) and message body. */
export function renderTemplates(labels: SourceLabelMap): string {
    const a = labels.account;
    const s = labels.site;
    return [
        `{{ define "oss.sns.subject" }}[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] {{ .CommonLabels.alertname }}{{ with .CommonLabels.${a} }} ${a}={{ . }}{{ end }}{{ with .CommonLabels.${s} }} ${s}={{ . }}{{ end }}{{ end }}`,
        `{{ define "oss.sns.message" }}{{ range .Alerts }}[{{ .Status | toUpper }}] {{ .Labels.alertname }} ({{ .Labels.${ALERT_LABELS.severity} }})`,
        `{{ .Annotations.summary }}`,
        `{{ .Annotations.description }}`,
        `Labels:{{ range .Labels.SortedPairs }} {{ .Name }}={{ .Value }}{{ end }}`,
        `Started: {{ .StartsAt }}`,
        ``,
        `{{ end }}{{ end }}`,
        ``,
    ].join("\n");
}

function snsReceiver(name: string, o: AlertmanagerOptions, severity: string): Record<string, unknown> {
    return {
        name,
        sns_configs: [
            {
                topic_arn: o.topicArn,
                sigv4: { region: o.region },
                subject: '{{ template "oss.sns.subject" . }}',
                message: '{{ template "oss.sns.message" . }}',
                // Message attributes let subscribers filter per severity or account (SNS filter policies);
                // SNS rejects empty attribute values, hence the "fleet" stand-in for account-less alerts.
                attributes: {
                    [ALERT_LABELS.severity]: severity,
                    [o.labels.account]: `{{ or .CommonLabels.${o.labels.account} "fleet" }}`,
                    alertname: "{{ .CommonLabels.alertname }}",
                },
            },
        ],
    };
}

/** The standard Alertmanager configuration AMP runs (the part amtool checks). */
export function alertmanagerConfig(o: AlertmanagerOptions): Record<string, unknown> {
    const m = SNS_TOPIC_ARN.exec(o.topicArn);
    if (!m) {
        throw new Error(`alertmanager topicArn "${o.topicArn}" is not an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)`);
    }
    if (m[1] !== o.region) {
        throw new Error(`alertmanager region "${o.region}" differs from the topic's region "${m[1]}": AMP publishes only to topics in the workspace's region`);
    }
    const L = o.labels;
    const sev = ALERT_LABELS.severity;
    return {
        global: { resolve_timeout: "5m" },
        templates: [TEMPLATE_FILE],
        route: {
            receiver: RECEIVERS.fallback,
            // Grouping by account/site keeps one notification per affected sender, not one per rule.
            group_by: ["alertname", L.account, L.region, L.site],
            group_wait: "30s",
            group_interval: "5m",
            repeat_interval: "4h",
            routes: [
                { receiver: RECEIVERS.critical, matchers: [`${sev}="critical"`], group_wait: "30s", repeat_interval: "1h" },
                { receiver: RECEIVERS.warning, matchers: [`${sev}="warning"`], group_wait: "1m", repeat_interval: "4h" },
            ],
        },
        inhibit_rules: hubInhibitRules(),
        receivers: [snsReceiver(RECEIVERS.critical, o, "critical"), snsReceiver(RECEIVERS.warning, o, "warning"), snsReceiver(RECEIVERS.fallback, o, "info")],
    };
}

/**
 * While nothing reaches the primary AMP workspace every spoke looks silent: one page, not 500. Only
 * the outages that stop primary ingestion inhibit spoke alerts, i.e. HubCollectorDown and
 * HubRemoteWriteFailing of the PRIMARY exporter; a failing DR exporter (its own alert, exporter
 * label .../dr) mutes nothing. Spoke alerts share no label with hub alerts, so those rules cannot use
 * `equal`; the hub-internal rule does (same collector job).
 * Tenant alerts are never muted by a hub outage: they are not its symptoms (an expiring certificate is
 * rendered by the rule itself; a tenant over its series limit has its writes refused by AMP, and those
 * refusals are exactly what the primary exporter counts as failed, so a large tenant at its limit can raise
 * HubRemoteWriteFailing on its own: e2e scenario 11 measured 0.95 on Cortex) and they name the cause.
 */
export function hubInhibitRules(): Array<{ source_matchers: string[]; target_matchers: string[]; equal?: string[] }> {
    const collectorDown = `alertname=${q(ALERTS.hubCollectorDown)}`;
    const spoke = `${ALERT_LABELS.scope}="spoke"`;
    if (!HUB_OUTAGE_ALERTS.includes(ALERTS.hubRemoteWriteFailing) || !HUB_OUTAGE_ALERTS.includes(ALERTS.hubCollectorDown)) {
        throw new Error("hubInhibitRules: HUB_OUTAGE_ALERTS changed; review which alerts may inhibit spoke alerts");
    }
    const notTenant = `alertname!~${q(Object.values(TENANT_ALERTS).join("|"))}`;
    return [
        { source_matchers: [collectorDown], target_matchers: [spoke, notTenant] },
        { source_matchers: [`alertname=${q(ALERTS.hubRemoteWriteFailing)}`, `${COLLECTOR_LABELS.exporter}=${q(PRIMARY_REMOTE_WRITE_EXPORTER)}`], target_matchers: [spoke, notTenant] },
        { source_matchers: [collectorDown], target_matchers: [`${ALERT_LABELS.scope}="hub"`, `alertname!=${q(ALERTS.hubCollectorDown)}`], equal: [COLLECTOR_LABELS.job] },
    ];
}

export function renderAlertmanagerConfig(o: AlertmanagerOptions): string {
    return YAML.stringify(alertmanagerConfig(o), { lineWidth: 0 });
}

function indent(text: string, by: number): string {
    const pad = " ".repeat(by);
    return text
        .replace(/\n+$/, "")
        .split("\n")
        .map((l) => (l.length > 0 ? pad + l : l))
        .join("\n");
}

/** AMP's alert manager definition: the standard config wrapped in `alertmanager_config: |`. */
export function renderAlertManagerDefinition(o: AlertmanagerOptions): string {
    return [
        "template_files:",
        `  ${TEMPLATE_FILE}: |`,
        indent(renderTemplates(o.labels), 4),
        "alertmanager_config: |",
        indent(renderAlertmanagerConfig(o), 2),
        "",
    ].join("\n");
}
