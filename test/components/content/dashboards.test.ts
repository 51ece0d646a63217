import * as assert from "assert";
import * as cloudwatch from "@grafana/grafana-foundation-sdk/cloudwatch";
import { defaultDashboard } from "@grafana/grafana-foundation-sdk/dashboard";
import * as prometheus from "@grafana/grafana-foundation-sdk/prometheus";
import {
    DASHBOARD_FOLDER,
    DASHBOARD_KEYS,
    Panel,
    RowPanel,
    SCHEMA_VERSION,
    VALIDATION_VALUES,
    VARIABLES,
    buildDashboard,
    buildDashboardWith,
    dashboardQueries,
    isRow,
    panelsOf,
    prometheusTargets,
    variableQuery,
    renderDashboards,
    resolveContentOptions,
    substituteVariables,
    ampDataSourceType,
} from "../../../components/content";

const o = resolveContentOptions();
const DS_UID = "amp-hub-ds";
const rendered = renderDashboards(o, DS_UID);

function grid(p: Panel | RowPanel): { x: number; y: number; w: number; h: number } {
    assert.ok(p.gridPos, `${p.title ?? p.type} has no gridPos`);
    return p.gridPos;
}

function overlaps(a: Panel | RowPanel, b: Panel | RowPanel): boolean {
    const A = grid(a);
    const B = grid(b);
    return A.x < B.x + B.w && B.x < A.x + A.w && A.y < B.y + B.h && B.y < A.y + A.h;
}

/** Every target, Prometheus or not, read as Prometheus queries: these dashboards hold no others. */
function targetsOf(p: Panel): prometheus.dataquery[] {
    const all = (p.targets ?? []) as unknown as prometheus.dataquery[];
    assert.strictEqual(prometheusTargets(p).length, all.length, `${p.title} has a non-Prometheus target`);
    return all;
}

describe("content: Grafana dashboards (foundation SDK)", () => {
    it("renders fleet overview, collector health and on-prem sites with unique uids in their folders", () => {
        assert.deepStrictEqual(rendered.map((d) => d.key), [...DASHBOARD_KEYS]);
        assert.deepStrictEqual(rendered.map((d) => d.folder), DASHBOARD_KEYS.map((k) => DASHBOARD_FOLDER[k]));
        const uids = rendered.map((d) => d.dashboard.uid ?? "");
        assert.strictEqual(new Set(uids).size, uids.length);
        for (const d of rendered) {
            // The schema version is the SDK build's, not one written by hand.
            assert.strictEqual(d.dashboard.schemaVersion, defaultDashboard().schemaVersion);
            assert.strictEqual(SCHEMA_VERSION, d.dashboard.schemaVersion);
            assert.ok(/^[a-zA-Z0-9_-]{1,40}$/.test(d.dashboard.uid ?? ""));
            assert.strictEqual(d.dashboard.editable, false);
            assert.strictEqual(d.dashboard.timezone, "utc");
        }
    });

    it("has account, region and site query variables using label_values on the AMP data source", () => {
        for (const { dashboard } of rendered) {
            const vars = dashboard.templating.list ?? [];
            assert.deepStrictEqual(vars.map((v) => v.name), [VARIABLES.account, VARIABLES.region, VARIABLES.site]);
            for (const v of vars) {
                assert.strictEqual(v.type, "query");
                assert.deepStrictEqual(v.datasource, { type: "prometheus", uid: DS_UID });
                assert.match(variableQuery(v), /^label_values\(/);
                assert.deepStrictEqual(v.query, { query: variableQuery(v), refId: "PrometheusVariableQueryEditor-VariableQuery", qryType: 1 });
                assert.ok(v.multi && v.includeAll && v.allValue === ".*");
            }
            // Each variable's values come from its label, narrowed by the variables before it.
            const [account, region, site] = vars.map((v) => variableQuery(v));
            assert.match(account, new RegExp(`, ${o.labels.account}\\)$`));
            assert.match(region, new RegExp(`${o.labels.account}=~"\\$account".*, ${o.labels.region}\\)$`));
            assert.match(site, new RegExp(`${o.labels.region}=~"\\$region".*, ${o.labels.site}\\)$`));
        }
    });

    it("on Grafana 12.4 names the Amazon Managed Service for Prometheus plugin everywhere, and its queries are still checked as PromQL", () => {
        const onPlugin = renderDashboards(o, DS_UID, "oss-monitoring", ampDataSourceType("12.4"));
        for (const { dashboard } of onPlugin) {
            const refs = [...panelsOf(dashboard).flatMap((p) => [p.datasource, ...(p.targets ?? []).map((t) => (t as { datasource?: unknown }).datasource)]), ...(dashboard.templating.list ?? []).map((v) => v.datasource)];
            assert.ok(refs.length > 0);
            refs.forEach((r) => assert.deepStrictEqual(r, { type: "grafana-amazonprometheus-datasource", uid: DS_UID }, dashboard.uid));
        }
        // The same PromQL as on the core type: nothing drops out of the promtool and metric-name checks.
        assert.deepStrictEqual(onPlugin.map((d) => dashboardQueries(d.dashboard).map((q) => q.expr)), rendered.map((d) => dashboardQueries(d.dashboard).map((q) => q.expr)));
        assert.ok(rendered.every((d) => dashboardQueries(d.dashboard).length > 0));
        assert.strictEqual(ampDataSourceType("10.4"), "prometheus");
    });

    it("points every panel and every query at the AMP data source the hub creates", () => {
        for (const { dashboard } of rendered) {
            const panels = panelsOf(dashboard);
            assert.ok(panels.length >= 6, `${dashboard.uid} has ${panels.length} panels`);
            for (const p of panels) {
                assert.deepStrictEqual(p.datasource, { type: "prometheus", uid: DS_UID }, `${dashboard.uid}/${p.title}`);
                assert.ok(targetsOf(p).length > 0, `${dashboard.uid}/${p.title} has no query`);
                for (const [i, t] of targetsOf(p).entries()) {
                    assert.deepStrictEqual(t.datasource, { type: "prometheus", uid: DS_UID });
                    assert.strictEqual(t.refId, String.fromCharCode(65 + i));
                    // One value per stat/gauge/table: instant queries; time series: range queries.
                    assert.strictEqual(t.instant, p.type !== "timeseries", `${p.title}`);
                    assert.strictEqual(t.range, p.type === "timeseries", `${p.title}`);
                    assert.strictEqual(t.format, p.type === "table" ? "table" : "time_series");
                }
            }
        }
        assert.throws(() => renderDashboards(o, ""), /grafanaDataSourceUid is empty/);
    });

    it("filters sender panels by every template variable", () => {
        for (const { dashboard } of rendered) {
            const exprs = panelsOf(dashboard).flatMap(targetsOf).map((t) => t.expr);
            for (const [label, variable] of [
                [o.labels.account, VARIABLES.account],
                [o.labels.region, VARIABLES.region],
                [o.labels.site, VARIABLES.site],
            ]) {
                assert.ok(exprs.some((e) => e.includes(`${label}=~"$${variable}"`)), `${dashboard.uid} never filters by $${variable}`);
            }
        }
    });

    it("lays panels out on the 24-column grid without overlaps, a row header above each group", () => {
        for (const { dashboard } of rendered) {
            const all = dashboard.panels ?? [];
            const ids = all.map((p) => p.id);
            assert.ok(ids.every((id) => typeof id === "number"));
            assert.strictEqual(new Set(ids).size, ids.length);
            assert.ok(isRow(all[0]), `${dashboard.uid} does not start with a row`);
            for (const [i, a] of all.entries()) {
                const g = grid(a);
                assert.ok(g.x >= 0 && g.x + g.w <= 24 && g.w > 0 && g.h > 0, `${a.title} leaves the grid`);
                for (const b of all.slice(i + 1)) {
                    assert.ok(!overlaps(a, b), `${dashboard.uid}: "${a.title}" overlaps "${b.title}"`);
                    // Reading order: nothing later sits above an earlier panel's top.
                    assert.ok(grid(b).y >= g.y, `${dashboard.uid}: "${b.title}" is above "${a.title}"`);
                }
            }
            // Expanded rows keep their panels at the top level, as Grafana stores them.
            assert.ok(all.filter(isRow).every((r) => r.collapsed === false && r.panels.length === 0));
        }
    });

    it("wraps a panel that would leave the grid onto the next line", () => {
        const d = buildDashboard({
            uid: "wrap", title: "t", description: "", tags: [], variables: [],
            rows: [{ title: "r", panels: [{ type: "stat", title: "a", width: 16, queries: [{ expr: "up" }] }, { type: "table", title: "b", queries: [{ expr: "up" }] }] }],
        }, { type: "prometheus", uid: DS_UID });
        assert.deepStrictEqual(panelsOf(d).map((p) => p.gridPos), [{ x: 0, y: 1, w: 16, h: 4 }, { x: 0, y: 5, w: 12, h: 8 }]);
    });

    it("substitutes every Grafana variable form for validation and refuses unknown ones", () => {
        assert.strictEqual(substituteVariables('rate(x{a=~"$account", b=~"${region}", c=~"${site:regex}", d=~"[[account]]"}[$__rate_interval])', VALIDATION_VALUES), `rate(x{a=~"${VALIDATION_VALUES.account}", b=~"${VALIDATION_VALUES.region}", c=~"${VALIDATION_VALUES.site}", d=~"${VALIDATION_VALUES.account}"}[5m])`);
        assert.throws(() => substituteVariables('up{a="$cluster"}', VALIDATION_VALUES), /variable \$cluster with no validation value/);
        for (const { dashboard } of rendered) {
            const queries = dashboardQueries(dashboard);
            // Every target plus one selector per variable.
            assert.strictEqual(queries.length, panelsOf(dashboard).flatMap(targetsOf).length + 3);
            for (const q of queries) {
                assert.doesNotMatch(substituteVariables(q.expr, VALIDATION_VALUES), /\$/, q.where);
            }
        }
    });

    it("rejects an invalid dashboard uid", () => {
        assert.throws(() => buildDashboard({ uid: "has spaces", title: "t", description: "", tags: [], variables: [], rows: [] }, { type: "prometheus", uid: DS_UID }), /dashboard uid "has spaces"/);
    });

    it("builds dashboards on another data source through a TargetFactory (the CloudWatch path)", () => {
        interface MetricSpec { readonly namespace: string; readonly metric: string; readonly stat: string }
        const cw = { type: "cloudwatch", uid: "cw-ds" };
        const d = buildDashboardWith<MetricSpec>({
            uid: "cw-test", title: "CloudWatch", description: "", tags: [], variables: [],
            rows: [{ title: "Endpoints", panels: [{ type: "timeseries", title: "Bytes", unit: "bytes", queries: [{ namespace: "AWS/PrivateLinkEndpoints", metric: "BytesProcessed", stat: "Sum" }] }] }],
        }, cw, (q, ctx) => new cloudwatch.CloudWatchMetricsQueryBuilder().refId(ctx.refId).datasource(ctx.datasource).namespace(q.namespace).metricName(q.metric).statistic(q.stat));
        const [panel] = panelsOf(d);
        assert.deepStrictEqual(panel.datasource, cw);
        const [t] = (panel.targets ?? []) as unknown as cloudwatch.CloudWatchMetricsQuery[];
        assert.deepStrictEqual([t.refId, t.namespace, t.metricName, t.statistic, t.datasource], ["A", "AWS/PrivateLinkEndpoints", "BytesProcessed", "Sum", cw]);
        // Only Prometheus targets are PromQL for promtool.
        assert.deepStrictEqual(dashboardQueries(d), []);
    });
});
