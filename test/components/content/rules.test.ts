import * as assert from "assert";
import YAML from "yaml";
import { RESOURCE_ATTRIBUTE_TO_LABEL, SOURCE_LABELS } from "../../../components/telemetry/labels";
import {
    ALERTS,
    ALERT_LABELS,
    AMP_DEFAULT_QUOTAS,
    COLLECTOR_LABELS,
    RECORDS,
    alertmanagerConfig,
    dashboardQueries,
    isAlert,
    panelsOf,
    prometheusTargets,
    variableQuery,
    renderDashboards,
    renderRuleNamespaces,
    resolveContentOptions,
    renderTemplates,
} from "../../../components/content";
import { labelsInPromql, labelsInTemplates } from "./labelNames";

function allRules(o = resolveContentOptions()) {
    return renderRuleNamespaces(o).flatMap((ns) => ns.groups.flatMap((g) => g.rules));
}

/** Every label name the rendered rules, dashboards and alert manager config refer to. */
function labelsUsed(o: ReturnType<typeof resolveContentOptions>): Set<string> {
    const used = new Set<string>();
    const add = (s: Set<string>) => s.forEach((n) => used.add(n));
    for (const r of allRules(o)) {
        add(labelsInPromql(r.expr));
        if (isAlert(r)) {
            Object.keys(r.labels).forEach((n) => used.add(n));
            Object.values(r.annotations).forEach((a) => add(labelsInTemplates(a)));
        }
    }
    for (const d of renderDashboards(o, "amp")) {
        for (const q of dashboardQueries(d.dashboard)) {
            add(labelsInPromql(q.expr));
        }
        (d.dashboard.templating.list ?? []).forEach((v) => add(labelsInPromql(variableQuery(v))));
        panelsOf(d.dashboard).flatMap(prometheusTargets).forEach((t) => add(labelsInTemplates(t.legendFormat ?? "")));
    }
    const am = alertmanagerConfig({ topicArn: "arn:aws:sns:us-east-1:111111111111:t", region: "us-east-1", labels: o.labels }) as { route: { group_by: string[] } };
    am.route.group_by.forEach((n) => used.add(n));
    add(labelsInTemplates(renderTemplates(o.labels)));
    return used;
}

describe("content: recording and alerting rules", () => {
    it("renders a recording and an alerting namespace holding exactly the catalogued rules", () => {
        const [recording, alerting] = renderRuleNamespaces(resolveContentOptions());
        assert.deepStrictEqual([recording.kind, alerting.kind], ["recording", "alerting"]);
        const records = recording.groups.flatMap((g) => g.rules).map((r) => ("record" in r ? r.record : ""));
        const alerts = alerting.groups.flatMap((g) => g.rules).map((r) => ("alert" in r ? r.alert : ""));
        assert.deepStrictEqual([...records].sort(), Object.values(RECORDS).sort());
        assert.deepStrictEqual([...alerts].sort(), Object.values(ALERTS).sort());
        // The YAML is what AMP stores: it must parse back to the same groups.
        assert.deepStrictEqual(YAML.parse(alerting.yaml), { groups: JSON.parse(JSON.stringify(alerting.groups)) });
    });

    it("every alert has a severity AMP routes on, a scope the inhibition uses, and a summary", () => {
        for (const r of allRules().filter(isAlert)) {
            assert.ok(["critical", "warning"].includes(r.labels[ALERT_LABELS.severity]), `${r.alert} severity`);
            assert.ok(["hub", "spoke", "workspace"].includes(r.labels[ALERT_LABELS.scope]), `${r.alert} scope`);
            assert.ok(r.annotations.summary.length > 0 && r.annotations.description.length > 0, `${r.alert} annotations`);
        }
    });

    it("uses only labels the collectors produce (labels.ts) or the collectors' own telemetry labels", () => {
        const o = resolveContentOptions();
        const produced = new Set(RESOURCE_ATTRIBUTE_TO_LABEL.map((m) => m.label));
        const allowed = new Set<string>([...Object.values(SOURCE_LABELS), ...Object.values(COLLECTOR_LABELS), ...Object.values(ALERT_LABELS), "__name__", "alertname"]);
        const used = labelsUsed(o);
        const unknown = [...used].filter((n) => !allowed.has(n));
        assert.deepStrictEqual(unknown, [], `labels outside the contract: ${unknown.join(", ")}`);
        for (const l of [SOURCE_LABELS.account, SOURCE_LABELS.region, SOURCE_LABELS.site, SOURCE_LABELS.sourceRole]) {
            assert.ok(used.has(l), `content should use ${l}`);
            assert.ok(produced.has(l), `collectors do not produce ${l}`);
        }
    });

    it("derives every source label from the label contract: renaming one renames it everywhere", () => {
        const renamed = { account: "aws_account", region: "aws_region", site: "dc_site", cluster: "k8s_cluster", sourceRole: "tier" };
        const used = labelsUsed(resolveContentOptions({ labels: renamed }));
        for (const old of Object.values(SOURCE_LABELS)) {
            assert.ok(!used.has(old), `"${old}" is hard-coded somewhere`);
        }
        for (const n of ["aws_account", "aws_region", "dc_site", "tier"]) {
            assert.ok(used.has(n), `renamed label ${n} is not used`);
        }
    });

    it("detects silence with one rule per kind for any fleet size, using silentAfterMinutes and the forget window", () => {
        const o = resolveContentOptions({ silentAfterMinutes: 20, forgetSilentAfterHours: 12 });
        const silent = allRules(o).filter(isAlert).filter((r) => r.alert === ALERTS.accountSilent || r.alert === ALERTS.siteSilent);
        assert.strictEqual(silent.length, 2);
        for (const r of silent) {
            assert.match(r.expr, /\[20m\]/);
            assert.match(r.expr, /\[12h\]/);
            assert.match(r.expr, /\bunless on \(account, region, site\)/);
            assert.doesNotMatch(r.expr, /\d{12}/, "no per-account literal");
            assert.match(r.expr, /source_role!="hub"/, "the hub's own telemetry is not a spoke");
        }
        assert.match(silent.find((r) => r.alert === ALERTS.accountSilent)!.expr, /site=""/);
        assert.match(silent.find((r) => r.alert === ALERTS.siteSilent)!.expr, /site!=""/);
    });

    it("compares ingestion with the configured quotas and warning ratio", () => {
        const o = resolveContentOptions({ quotas: { activeSeries: 2_000_000, samplesPerSecond: 70_000 }, quotaWarningRatio: 0.75 });
        const byName = new Map(allRules(o).map((r) => [isAlert(r) ? r.alert : r.record, r]));
        assert.strictEqual(byName.get(RECORDS.workspaceActiveSeriesQuotaRatio)!.expr, `${RECORDS.workspaceActiveSeries} / 2000000`);
        assert.strictEqual(byName.get(RECORDS.workspaceSamplesQuotaRatio)!.expr, `${RECORDS.workspaceSamples} / 70000`);
        assert.strictEqual(byName.get(ALERTS.activeSeriesNearQuota)!.expr, `${RECORDS.workspaceActiveSeriesQuotaRatio} > 0.75`);
        assert.strictEqual(byName.get(ALERTS.ingestionRateNearQuota)!.expr, `${RECORDS.workspaceSamplesQuotaRatio} > 0.75`);
    });

    it("defaults to AMP's documented quotas, 15 silent minutes and an 80% warning", () => {
        const o = resolveContentOptions();
        assert.deepStrictEqual(o.quotas, { activeSeries: 50_000_000, samplesPerSecond: 1_666_666 });
        assert.deepStrictEqual(AMP_DEFAULT_QUOTAS, o.quotas);
        assert.strictEqual(o.silentAfterMinutes, 15);
        assert.strictEqual(o.quotaWarningRatio, 0.8);
    });

    it("rejects bad options with one error naming each field and its fix", () => {
        assert.throws(
            () => resolveContentOptions({ silentAfterMinutes: 0, quotaWarningRatio: 1.5, quotas: { activeSeries: -1 }, labels: { account: "bad-label" } }),
            (e: Error) => {
                assert.match(e.message, /silentAfterMinutes must be an integer from 2 to 720 \(got 0\)/);
                assert.match(e.message, /quotaWarningRatio must be a fraction between 0 and 1/);
                assert.match(e.message, /quotas\.activeSeries .* \(got -1\)/);
                assert.match(e.message, /labels\.account "bad-label" is not a Prometheus label name/);
                return true;
            },
        );
        assert.throws(() => resolveContentOptions({ silentAfterMinutes: 600, forgetSilentAfterHours: 6 }), /must be shorter than forgetSilentAfterHours/);
    });
});
