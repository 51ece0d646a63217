/** The subset of Grafana's dashboard model (schemaVersion 39) the hub's dashboards use. */

export const SCHEMA_VERSION = 39;

export interface DataSourceRef {
    readonly type: "prometheus";
    readonly uid: string;
}

export interface Target {
    readonly refId: string;
    readonly datasource: DataSourceRef;
    readonly expr: string;
    readonly legendFormat?: string;
    readonly instant?: boolean;
    readonly range?: boolean;
    readonly format?: "time_series" | "table";
}

export interface GridPos {
    readonly x: number;
    readonly y: number;
    readonly w: number;
    readonly h: number;
}

export type PanelType = "timeseries" | "stat" | "table" | "gauge" | "row";

export interface Threshold {
    readonly color: string;
    /** null is Grafana's "base" step. */
    readonly value: number | null;
}

export interface FieldConfig {
    readonly defaults: {
        readonly unit?: string;
        readonly min?: number;
        readonly max?: number;
        readonly decimals?: number;
        readonly thresholds?: { readonly mode: "absolute" | "percentage"; readonly steps: readonly Threshold[] };
        readonly color?: { readonly mode: string };
        readonly custom?: Readonly<Record<string, unknown>>;
    };
    readonly overrides: readonly unknown[];
}

export interface Panel {
    readonly id: number;
    readonly type: PanelType;
    readonly title: string;
    readonly description?: string;
    readonly gridPos: GridPos;
    readonly datasource?: DataSourceRef;
    readonly targets?: readonly Target[];
    readonly fieldConfig?: FieldConfig;
    readonly options?: Readonly<Record<string, unknown>>;
    readonly transformations?: readonly unknown[];
    readonly collapsed?: boolean;
    readonly panels?: readonly Panel[];
}

export interface QueryVariable {
    readonly type: "query";
    readonly name: string;
    readonly label: string;
    readonly datasource: DataSourceRef;
    readonly definition: string;
    readonly query: { readonly query: string; readonly refId: string; readonly qryType: number };
    /** 2 = refresh on time range change. */
    readonly refresh: 1 | 2;
    readonly multi: boolean;
    readonly includeAll: boolean;
    readonly allValue: string;
    readonly current: Readonly<Record<string, unknown>>;
    readonly options: readonly unknown[];
    readonly regex: string;
    readonly sort: number;
    readonly hide: 0 | 1 | 2;
}

export interface Dashboard {
    readonly uid: string;
    readonly title: string;
    readonly description: string;
    readonly tags: readonly string[];
    readonly timezone: "utc" | "browser";
    readonly editable: boolean;
    readonly graphTooltip: 0 | 1 | 2;
    readonly schemaVersion: number;
    readonly version: number;
    readonly refresh: string;
    readonly time: { readonly from: string; readonly to: string };
    readonly templating: { readonly list: readonly QueryVariable[] };
    readonly annotations: { readonly list: readonly unknown[] };
    readonly links: readonly unknown[];
    readonly panels: readonly Panel[];
}
