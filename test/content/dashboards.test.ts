import * as assert from "assert";
import {
    DASHBOARD_FOLDER,
    DASHBOARD_KEYS,
    Panel,
    SCHEMA_VERSION,
    VALIDATION_VALUES,
    VARIABLES,
    buildDashboard,
    dashboardQueries,
    renderDashboards,
    resolveContentOptions,
    substituteVariables,
} from "../../components/content";

const o = resolveContentOptions();
const DS_UID = "amp-hub-ds";
const rendered = renderDashboards(o, DS_UID);

function overlaps(a: Panel, b: Panel): boolean {
    const A = a.gridPos;
    const B = b.gridPos;
    return A.x < B.x + B.w && B.x < A.x + A.w && A.y < B.y + B.h && B.y < A.y + A.h;
}

describe("content: Grafana dashboards", () => {
    it("renders fleet overview, collector health and on-prem sites with unique uids in their folders", () => {
        assert.deepStrictEqual(rendered.map((d) => d.key), [...DASHBOARD_KEYS]);
        assert.deepStrictEqual(rendered.map((d) => d.folder), DASHBOARD_KEYS.map((k) => DASHBOARD_FOLDER[k]));
        const uids = rendered.map((d) => d.dashboard.uid);
        assert.strictEqual(new Set(uids).size, uids.length);
        for (const d of rendered) {
            assert.strictEqual(d.dashboard.schemaVersion, SCHEMA_VERSION);
            assert.ok(d.dashboard.uid.length <= 40);
        }
    });

    it("has account, region and site query variables using label_values on the AMP data source", () => {
        for (const { dashboard } of rendered) {
            const vars = dashboard.templating.list;
            assert.deepStrictEqual(vars.map((v) => v.name), [VARIABLES.account, VARIABLES.region, VARIABLES.site]);
            for (const v of vars) {
                assert.strictEqual(v.type, "query");
                assert.deepStrictEqual(v.datasource, { type: "prometheus", uid: DS_UID });
                assert.match(v.definition, /^label_values\(/);
                assert.strictEqual(v.query.query, v.definition);
                assert.ok(v.multi && v.includeAll && v.allValue === ".*");
            }
            // Each variable's values come from its label, narrowed by the variables before it.
            assert.match(vars[0].definition, new RegExp(`, ${o.labels.account}\\)$`));
            assert.match(vars[1].definition, new RegExp(`${o.labels.account}=~"\\$account".*, ${o.labels.region}\\)$`));
            assert.match(vars[2].definition, new RegExp(`${o.labels.region}=~"\\$region".*, ${o.labels.site}\\)$`));
        }
    });

    it("points every panel and every query at the AMP data source the hub creates", () => {
        for (const { dashboard } of rendered) {
            const panels = dashboard.panels.filter((p) => p.type !== "row");
            assert.ok(panels.length >= 6, `${dashboard.uid} has ${panels.length} panels`);
            for (const p of panels) {
                assert.deepStrictEqual(p.datasource, { type: "prometheus", uid: DS_UID }, `${dashboard.uid}/${p.title}`);
                assert.ok((p.targets ?? []).length > 0, `${dashboard.uid}/${p.title} has no query`);
                for (const t of p.targets ?? []) {
                    assert.deepStrictEqual(t.datasource, { type: "prometheus", uid: DS_UID });
                }
            }
        }
        assert.throws(() => renderDashboards(o, ""), /grafanaDataSourceUid is empty/);
    });

    it("filters sender panels by every template variable", () => {
        for (const { dashboard } of rendered) {
            const exprs = dashboard.panels.flatMap((p) => p.targets ?? []).map((t) => t.expr);
            for (const [label, variable] of [
                [o.labels.account, VARIABLES.account],
                [o.labels.region, VARIABLES.region],
                [o.labels.site, VARIABLES.site],
            ]) {
                assert.ok(exprs.some((e) => e.includes(`${label}=~"$${variable}"`)), `${dashboard.uid} never filters by $${variable}`);
            }
        }
    });

    it("lays panels out on the 24-column grid without overlaps", () => {
        for (const { dashboard } of rendered) {
            const ids = dashboard.panels.map((p) => p.id);
            assert.strictEqual(new Set(ids).size, ids.length);
            for (const [i, a] of dashboard.panels.entries()) {
                assert.ok(a.gridPos.x >= 0 && a.gridPos.x + a.gridPos.w <= 24, `${a.title} leaves the grid`);
                for (const b of dashboard.panels.slice(i + 1)) {
                    assert.ok(!overlaps(a, b), `${dashboard.uid}: "${a.title}" overlaps "${b.title}"`);
                }
            }
        }
    });

    it("substitutes every Grafana variable form for validation and refuses unknown ones", () => {
        assert.strictEqual(substituteVariables('rate(x{a=~"$account", b=~"${region}", c=~"${site:regex}", d=~"[[account]]"}[$__rate_interval])', VALIDATION_VALUES), `rate(x{a=~"${VALIDATION_VALUES.account}", b=~"${VALIDATION_VALUES.region}", c=~"${VALIDATION_VALUES.site}", d=~"${VALIDATION_VALUES.account}"}[5m])`);
        assert.throws(() => substituteVariables('up{a="$cluster"}', VALIDATION_VALUES), /variable \$cluster with no validation value/);
        for (const { dashboard } of rendered) {
            for (const q of dashboardQueries(dashboard)) {
                assert.doesNotMatch(substituteVariables(q.expr, VALIDATION_VALUES), /\$/, q.where);
            }
        }
    });

    it("rejects an invalid dashboard uid", () => {
        assert.throws(() => buildDashboard({ uid: "has spaces", title: "t", description: "", tags: [], variables: [], rows: [] }, { type: "prometheus", uid: DS_UID }), /dashboard uid "has spaces"/);
    });
});
