import { DataSourceRef, Dashboard, FieldConfig, Panel, QueryVariable, SCHEMA_VERSION, Target, Threshold } from "./dashboardTypes";

/** What a dashboard author writes; `buildDashboard` turns it into Grafana's model. */
export interface QuerySpec {
    readonly expr: string;
    readonly legend?: string;
}

export interface PanelSpec {
    readonly type: "timeseries" | "stat" | "table" | "gauge";
    readonly title: string;
    readonly description?: string;
    readonly queries: readonly QuerySpec[];
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

export interface RowSpec {
    readonly title: string;
    readonly panels: readonly PanelSpec[];
}

export interface VariableSpec {
    readonly name: string;
    readonly label: string;
    /** Grafana's `label_values(selector, label)` form. */
    readonly query: string;
}

export interface DashboardSpec {
    readonly uid: string;
    readonly title: string;
    readonly description: string;
    readonly tags: readonly string[];
    readonly variables: readonly VariableSpec[];
    readonly rows: readonly RowSpec[];
}

const GRID_WIDTH = 24;
const UID = /^[a-zA-Z0-9_-]{1,40}$/;

function fieldConfig(p: PanelSpec): FieldConfig {
    const steps: Threshold[] = [{ color: "green", value: null }, ...(p.thresholds ?? []).map((t) => ({ color: t.color, value: t.value }))];
    return {
        defaults: {
            ...(p.unit !== undefined ? { unit: p.unit } : {}),
            ...(p.min !== undefined ? { min: p.min } : {}),
            ...(p.max !== undefined ? { max: p.max } : {}),
            thresholds: { mode: "absolute", steps },
            color: { mode: p.type === "timeseries" ? "palette-classic" : "thresholds" },
            ...(p.type === "timeseries" ? { custom: { drawStyle: "line", fillOpacity: p.stacked ? 30 : 10, stacking: { mode: p.stacked ? "normal" : "none", group: "A" }, showPoints: "never" } } : {}),
        },
        overrides: [],
    };
}

function panelOptions(p: PanelSpec): Record<string, unknown> {
    switch (p.type) {
        case "timeseries":
            return { legend: { displayMode: "table", placement: "bottom", showLegend: true, calcs: ["lastNotNull", "max"] }, tooltip: { mode: "multi", sort: "desc" } };
        case "stat":
            return { reduceOptions: { calcs: ["lastNotNull"], fields: "", values: false }, colorMode: "value", graphMode: "area", textMode: "auto" };
        case "gauge":
            return { reduceOptions: { calcs: ["lastNotNull"], fields: "", values: false }, showThresholdMarkers: true };
        case "table":
            return { showHeader: true, sortBy: [{ displayName: "Value", desc: true }] };
    }
}

function targets(p: PanelSpec, ds: DataSourceRef): Target[] {
    // Tables and single values read the latest point only; instant queries are far cheaper on AMP.
    const instant = p.type !== "timeseries";
    return p.queries.map((qs, i) => ({
        refId: String.fromCharCode(65 + i),
        datasource: ds,
        expr: qs.expr,
        ...(qs.legend !== undefined ? { legendFormat: qs.legend } : {}),
        instant,
        range: !instant,
        format: p.type === "table" ? "table" : "time_series",
    }));
}

/** Lays panels out left to right, wrapping at 24 columns, one row header per RowSpec. */
export function buildDashboard(spec: DashboardSpec, ds: DataSourceRef): Dashboard {
    if (!UID.test(spec.uid)) {
        throw new Error(`dashboard uid "${spec.uid}" must be 1-40 characters of letters, digits, '-' or '_'`);
    }
    if (!ds.uid) {
        throw new Error("grafanaDataSourceUid is empty: pass the uid of the AMP data source the hub creates");
    }
    let id = 1;
    let y = 0;
    const panels: Panel[] = [];
    for (const row of spec.rows) {
        panels.push({ id: id++, type: "row", title: row.title, gridPos: { x: 0, y, w: GRID_WIDTH, h: 1 }, collapsed: false, panels: [] });
        y += 1;
        let x = 0;
        let rowHeight = 0;
        for (const p of row.panels) {
            const w = p.width ?? (p.type === "table" ? 12 : 8);
            const h = p.height ?? (p.type === "stat" || p.type === "gauge" ? 4 : 8);
            if (x + w > GRID_WIDTH) {
                x = 0;
                y += rowHeight;
                rowHeight = 0;
            }
            panels.push({
                id: id++,
                type: p.type,
                title: p.title,
                ...(p.description !== undefined ? { description: p.description } : {}),
                gridPos: { x, y, w, h },
                datasource: ds,
                targets: targets(p, ds),
                fieldConfig: fieldConfig(p),
                options: panelOptions(p),
            });
            x += w;
            rowHeight = Math.max(rowHeight, h);
        }
        y += rowHeight;
    }
    return {
        uid: spec.uid,
        title: spec.title,
        description: spec.description,
        tags: spec.tags,
        timezone: "utc",
        editable: false,
        graphTooltip: 1,
        schemaVersion: SCHEMA_VERSION,
        version: 1,
        refresh: "1m",
        time: { from: "now-6h", to: "now" },
        templating: { list: spec.variables.map((v) => queryVariable(v, ds)) },
        annotations: { list: [] },
        links: [],
        panels,
    };
}

function queryVariable(v: VariableSpec, ds: DataSourceRef): QueryVariable {
    return {
        type: "query",
        name: v.name,
        label: v.label,
        datasource: ds,
        definition: v.query,
        query: { query: v.query, refId: "PrometheusVariableQueryEditor-VariableQuery", qryType: 1 },
        refresh: 2,
        multi: true,
        includeAll: true,
        // ".*" also matches series without the label (AWS senders have no site).
        allValue: ".*",
        current: { selected: true, text: ["All"], value: ["$__all"] },
        options: [],
        regex: "",
        sort: 1,
        hide: 0,
    };
}

/** Every PromQL expression a dashboard runs: panel targets and the selectors inside variable queries. */
export function dashboardQueries(d: Dashboard): { readonly where: string; readonly expr: string }[] {
    const out: { where: string; expr: string }[] = [];
    for (const p of d.panels) {
        for (const t of p.targets ?? []) {
            out.push({ where: `${d.uid} / ${p.title} / ${t.refId}`, expr: t.expr });
        }
    }
    for (const v of d.templating.list) {
        const m = /^label_values\((.*),\s*([a-zA-Z_][a-zA-Z0-9_]*)\)$/s.exec(v.definition);
        if (!m) {
            throw new Error(`${d.uid}: variable ${v.name} query "${v.definition}" is not label_values(selector, label)`);
        }
        out.push({ where: `${d.uid} / variable ${v.name}`, expr: m[1] });
    }
    return out;
}
