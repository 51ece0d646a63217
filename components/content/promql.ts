/** Small PromQL string builders so label names always come from the label contract. */

/** Quotes a label value or string literal (JSON escaping is valid PromQL escaping). */
export function q(value: string): string {
    return JSON.stringify(value);
}

export const eq = (label: string, value: string): string => `${label}=${q(value)}`;
export const ne = (label: string, value: string): string => `${label}!=${q(value)}`;
export const re = (label: string, value: string): string => `${label}=~${q(value)}`;

/** `metric{m1, m2}`; `metric` may be empty for a name-less selector. */
export function sel(metric: string, ...matchers: string[]): string {
    return matchers.length === 0 ? metric : `${metric}{${matchers.join(", ")}}`;
}

/** A selector matching any of several metric names. */
export function anyOf(metrics: readonly string[], ...matchers: string[]): string {
    return `{${[re("__name__", metrics.join("|")), ...matchers].join(", ")}}`;
}

export const by = (labels: readonly string[]): string => `by (${labels.join(", ")})`;
export const on = (labels: readonly string[]): string => `on (${labels.join(", ")})`;

/** Formats a threshold without exponent notation so rule files stay readable. */
export function num(n: number): string {
    return Number.isInteger(n) ? n.toFixed(0) : String(n);
}
