/**
 * Dashboards as code on Grafana's own SDK (@grafana/grafana-foundation-sdk, Apache-2.0): panels,
 * targets and variables are the SDK's types, so the JSON is Grafana's model, not a copy of it.
 *
 * SDK build: the npm line 0.0.x is generated from Grafana's main branch ("next"; see the version
 * table in github.com/grafana/grafana-foundation-sdk README), the only build covering the Grafana
 * 12 and 13 that Amazon Managed Grafana offers as its newest workspace versions
 * (https://docs.aws.amazon.com/grafana/latest/userguide/using-grafana-v13.html lists 13.x, 12.x,
 * 10.x and 9.x workspaces); the version-named npm builds stop at 11.6, which AMG does not offer.
 *
 * What this file adds is the layout and the house style; a dashboard author writes a
 * DashboardSpec. For another data source (CloudWatch, say), pass a TargetFactory to
 * `buildDashboardWith` that turns the panel's query objects into that source's SDK query builders,
 * e.g. `new cloudwatch.CloudWatchMetricsQueryBuilder()...` from "@grafana/grafana-foundation-sdk/cloudwatch".
 */
import { PROMQL_DATASOURCE_TYPES } from "../telemetry/ampDataSource";
import * as cog from "@grafana/grafana-foundation-sdk/cog";
import * as common from "@grafana/grafana-foundation-sdk/common";
import {
    Dashboard,
    DashboardBuilder,
    DashboardCursorSync,
    DataSourceRef,
    FieldColorBuilder,
    FieldColorModeId,
    Panel,
    QueryVariableBuilder,
    RowBuilder,
    RowPanel,
    ThresholdsConfigBuilder,
    ThresholdsMode,
    VariableHide,
    VariableModel,
    VariableRefresh,
    VariableSort,
    VariableType,
    defaultDashboard,
} from "@grafana/grafana-foundation-sdk/dashboard";
import * as gauge from "@grafana/grafana-foundation-sdk/gauge";
import * as prometheus from "@grafana/grafana-foundation-sdk/prometheus";
import * as stat from "@grafana/grafana-foundation-sdk/stat";
import * as table from "@grafana/grafana-foundation-sdk/table";
import * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";

export type { Dashboard, DataSourceRef, Panel, RowPanel, VariableModel };

/** The dashboard schema version the SDK build writes (Grafana migrates older ones on load). */
export const SCHEMA_VERSION = defaultDashboard().schemaVersion;

/** A PromQL target on the dashboard's Prometheus (AMP) data source. */
export interface QuerySpec {
    readonly expr: string;
    readonly legend?: string;
}

export type PanelType = "timeseries" | "stat" | "table" | "gauge";

/** One panel; `Q` is the query shape its TargetFactory understands (PromQL by default). */
export interface PanelSpec<Q = QuerySpec> {
    readonly type: PanelType;
    readonly title: string;
    readonly description?: string;
    readonly queries: readonly Q[];
    readonly unit?: string;
    readonly min?: number;
    readonly max?: number;
    /** Columns out of 24. Default 8 (12 for tables). */
    readonly width?: number;
    /** Default 8 (4 for stats and gauges). */
    readonly height?: number;
    /** Ascending thresholds; the first step (green) is implicit. */
    readonly thresholds?: readonly { readonly value: number; readonly color: string }[];
    readonly stacked?: boolean;
}

export interface RowSpec<Q = QuerySpec> {
    readonly title: string;
    readonly panels: readonly PanelSpec<Q>[];
}

/** A Prometheus query variable; `query` is Grafana's `label_values(selector, label)` form. */
export interface VariableSpec {
    readonly name: string;
    readonly label: string;
    readonly query: string;
}

export interface DashboardSpec<Q = QuerySpec> {
    readonly uid: string;
    readonly title: string;
    readonly description: string;
    readonly tags: readonly string[];
    /** Prometheus label_values variables on the dashboard's data source, or any SDK variable builder. */
    readonly variables: readonly (VariableSpec | cog.Builder<VariableModel>)[];
    readonly rows: readonly RowSpec<Q>[];
}

/** What a TargetFactory is told about the target it builds. */
export interface TargetContext {
    /** A, B, C… in query order. */
    readonly refId: string;
    readonly datasource: DataSourceRef;
    /** Tables, stats and gauges read the latest point only. */
    readonly instant: boolean;
    readonly panelType: PanelType;
}

/** Turns one of a panel's queries into the data source's SDK query builder. */
export type TargetFactory<Q> = (query: Q, ctx: TargetContext) => cog.Builder<cog.Dataquery>;

export const prometheusTarget: TargetFactory<QuerySpec> = (q, ctx) => {
    const b = new prometheus.DataqueryBuilder()
        .refId(ctx.refId)
        .datasource(ctx.datasource)
        .expr(q.expr)
        .format(ctx.panelType === "table" ? prometheus.PromQueryFormat.Table : prometheus.PromQueryFormat.TimeSeries);
    if (q.legend !== undefined) {
        b.legendFormat(q.legend);
    }
    // Instant queries are far cheaper on AMP than ranges for panels that show one value.
    return ctx.instant ? b.instant() : b.range();
};

const GRID_WIDTH = 24;
// Grafana's documented uid limit is 40 characters.
const UID = /^[a-zA-Z0-9_-]{1,40}$/;

/** The panel-type builders share the field-config and panel setters; this is their common part. */
type AnyPanelBuilder = timeseries.PanelBuilder | stat.PanelBuilder | gauge.PanelBuilder | table.PanelBuilder;

function reduceLast(): common.ReduceDataOptionsBuilder {
    return new common.ReduceDataOptionsBuilder().calcs(["lastNotNull"]).fields("").values(false);
}

function panelBuilder(p: PanelSpec<unknown>): AnyPanelBuilder {
    switch (p.type) {
        case "timeseries":
            return new timeseries.PanelBuilder()
                .legend(new common.VizLegendOptionsBuilder().displayMode(common.LegendDisplayMode.Table).placement(common.LegendPlacement.Bottom).showLegend(true).calcs(["lastNotNull", "max"]))
                .tooltip(new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending))
                .drawStyle(common.GraphDrawStyle.Line)
                .fillOpacity(p.stacked ? 30 : 10)
                .stacking(new common.StackingConfigBuilder().mode(p.stacked ? common.StackingMode.Normal : common.StackingMode.None).group("A"))
                .showPoints(common.VisibilityMode.Never);
        case "stat":
            return new stat.PanelBuilder()
                .reduceOptions(reduceLast())
                .colorMode(common.BigValueColorMode.Value)
                .graphMode(common.BigValueGraphMode.Area)
                .textMode(common.BigValueTextMode.Auto);
        case "gauge":
            return new gauge.PanelBuilder().reduceOptions(reduceLast()).showThresholdMarkers(true);
        case "table":
            return new table.PanelBuilder().showHeader(true).sortBy([new common.TableSortByFieldStateBuilder().displayName("Value").desc(true)]);
    }
}

function thresholds(p: PanelSpec<unknown>): ThresholdsConfigBuilder {
    return new ThresholdsConfigBuilder()
        .mode(ThresholdsMode.Absolute)
        .steps([{ color: "green", value: null }, ...(p.thresholds ?? []).map((t) => ({ color: t.color, value: t.value }))]);
}

function queryVariable(v: VariableSpec, ds: DataSourceRef): QueryVariableBuilder {
    return new QueryVariableBuilder(v.name)
        .label(v.label)
        .datasource(ds)
        // The Prometheus variable editor's own shape: qryType 1 is "label values".
        .query({ query: v.query, refId: "PrometheusVariableQueryEditor-VariableQuery", qryType: 1 })
        .refresh(VariableRefresh.OnTimeRangeChanged)
        .multi(true)
        .includeAll(true)
        // ".*" also matches series without the label (AWS senders have no site).
        .allValue(".*")
        .current({ selected: true, text: ["All"], value: ["$__all"] })
        .options([])
        .regex("")
        .sort(VariableSort.AlphabeticalAsc)
        .hide(VariableHide.DontHide);
}

function isBuilder(v: VariableSpec | cog.Builder<VariableModel>): v is cog.Builder<VariableModel> {
    return typeof (v as Partial<cog.Builder<VariableModel>>).build === "function";
}

/**
 * Builds a dashboard whose panels query `ds` through `target`. Panels are laid out left to right,
 * wrapping before a panel would leave the 24-column grid, under one row header per RowSpec.
 */
export function buildDashboardWith<Q>(spec: DashboardSpec<Q>, ds: DataSourceRef, target: TargetFactory<Q>): Dashboard {
    if (!UID.test(spec.uid)) {
        throw new Error(`dashboard uid "${spec.uid}" must be 1-40 characters of letters, digits, '-' or '_'`);
    }
    if (!ds.uid) {
        throw new Error("grafanaDataSourceUid is empty: pass the uid of the data source the hub creates");
    }
    const d = new DashboardBuilder(spec.title)
        .uid(spec.uid)
        .description(spec.description)
        .tags([...spec.tags])
        .timezone("utc")
        .readonly()
        .tooltip(DashboardCursorSync.Crosshair)
        .version(1)
        .refresh("1m")
        .time({ from: "now-6h", to: "now" })
        .variables(spec.variables.map((v) => (isBuilder(v) ? v : queryVariable(v, ds))));
    let id = 1;
    let y = 0;
    for (const row of spec.rows) {
        // Explicit positions everywhere: the SDK then keeps them instead of auto-placing.
        d.withRow(new RowBuilder(row.title).id(id++).collapsed(false).gridPos({ x: 0, y, w: GRID_WIDTH, h: 1 }));
        y += 1;
        let x = 0;
        let rowHeight = 0;
        for (const p of row.panels) {
            const w = p.width ?? (p.type === "table" ? 12 : 8);
            const h = p.height ?? (p.type === "stat" || p.type === "gauge" ? 4 : 8);
            if (w < 1 || w > GRID_WIDTH) {
                throw new Error(`${spec.uid} / ${p.title}: width ${w} is not 1-${GRID_WIDTH} columns`);
            }
            if (x + w > GRID_WIDTH) {
                x = 0;
                y += rowHeight;
                rowHeight = 0;
            }
            const instant = p.type !== "timeseries";
            const b = panelBuilder(p)
                .id(id++)
                .title(p.title)
                .gridPos({ x, y, w, h })
                .datasource(ds)
                .targets(p.queries.map((q, i) => target(q, { refId: String.fromCharCode(65 + i), datasource: ds, instant, panelType: p.type })))
                .thresholds(thresholds(p))
                .colorScheme(new FieldColorBuilder().mode(p.type === "timeseries" ? FieldColorModeId.PaletteClassic : FieldColorModeId.Thresholds));
            if (p.description !== undefined) b.description(p.description);
            if (p.unit !== undefined) b.unit(p.unit);
            if (p.min !== undefined) b.min(p.min);
            if (p.max !== undefined) b.max(p.max);
            d.withPanel(b);
            x += w;
            rowHeight = Math.max(rowHeight, h);
        }
        y += rowHeight;
    }
    return d.build();
}

/** A dashboard of PromQL panels on the Prometheus (AMP) data source `ds`. */
export function buildDashboard(spec: DashboardSpec, ds: DataSourceRef): Dashboard {
    return buildDashboardWith(spec, ds, prometheusTarget);
}

export function isRow(p: Panel | RowPanel): p is RowPanel {
    return p.type === "row";
}

/** A dashboard's panels without the row headers. */
export function panelsOf(d: Dashboard): Panel[] {
    return (d.panels ?? []).filter((p): p is Panel => !isRow(p));
}

/** A panel's Prometheus targets (cog.Dataquery is the SDK's opaque union of every data source's query). */
export function prometheusTargets(p: Panel): prometheus.dataquery[] {
    return (p.targets ?? [])
        .map((t) => t as unknown as prometheus.dataquery)
        .filter((t) => PROMQL_DATASOURCE_TYPES.includes((t.datasource ?? p.datasource)?.type ?? "") && typeof t.expr === "string");
}

/** A query variable's PromQL: the Grafana 10.4 model keeps it in the Prometheus editor's query object. */
export function variableQuery(v: VariableModel): string {
    const q: unknown = v.query;
    if (typeof q === "string") {
        return q;
    }
    const inner = (q as { query?: unknown } | undefined)?.query;
    return typeof inner === "string" ? inner : "";
}

/** Every PromQL expression a dashboard runs: Prometheus panel targets and the selectors inside variable queries. */
export function dashboardQueries(d: Dashboard): { readonly where: string; readonly expr: string }[] {
    const uid = d.uid ?? d.title ?? "dashboard";
    const out: { where: string; expr: string }[] = [];
    for (const p of panelsOf(d)) {
        for (const t of prometheusTargets(p)) {
            out.push({ where: `${uid} / ${p.title ?? ""} / ${t.refId}`, expr: t.expr });
        }
    }
    for (const v of d.templating.list ?? []) {
        if (v.type !== VariableType.Query || !PROMQL_DATASOURCE_TYPES.includes(v.datasource?.type ?? "")) {
            continue;
        }
        const query = variableQuery(v);
        const m = /^label_values\((.*),\s*([a-zA-Z_][a-zA-Z0-9_]*)\)$/s.exec(query);
        if (!m) {
            throw new Error(`${uid}: variable ${v.name} query "${query}" is not label_values(selector, label)`);
        }
        out.push({ where: `${uid} / variable ${v.name}`, expr: m[1] });
    }
    return out;
}
