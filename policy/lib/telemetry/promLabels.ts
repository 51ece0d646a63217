/**
 * How the Prometheus remote-write exporter names series labels after attribute keys, and which
 * attribute keys therefore end up in one label. Source: ADOT v0.49.0 = contrib v0.156.0, whose
 * exporter names labels with github.com/prometheus/otlptranslator@v1.0.0 `LabelNamer.Build`
 * (label_namer.go:65-91, strconv.go:30-89):
 * - escaping (UTF8Allowed false): every rune outside ASCII [a-zA-Z0-9] becomes `_` (strconv.go:74-76:
 *   Unicode letters and digits too), and unless PreserveMultipleUnderscores a run of such runes,
 *   `_` itself included, collapses to ONE `_` (strconv.go:52-66); a key that starts and ends with `__`
 *   (4+ bytes) is reserved: its inner part is collapsed and the `__` put back (strconv.go:47-50, 67-69, 81-89);
 *   then a leading digit gets `key_` and, with UnderscoreLabelSanitization, a single leading `_` gets
 *   `key` (label_namer.go:79-84); an empty key or a result of underscores only is an error
 *   (label_namer.go:66-68, 86-88), and createAttributes then fails the data point (helper.go:149-152);
 * - UTF8Allowed: the key unchanged, an error only for a key of underscores only (label_namer.go:70-75).
 * The exporter builds two namers (contrib pkg/translator/prometheusremotewrite@v0.156.0):
 * data points (and resource attributes copied onto them by resource_to_telemetry_conversion) use
 * metrics_to_prw.go:84 `{UnderscoreLabelSanitization: !DropSanitizationGate, UTF8Allowed}`, with
 * UTF8Allowed true only for translation_strategy NoUTF8EscapingWithSuffixes or NoTranslation
 * (metrics_to_prw.go:55-75); resource attributes become target_info labels through helper.go:571
 * `{PreserveMultipleUnderscores: !DropSanitizationGate}` whatever the strategy (target_info is on by
 * default: exporter/prometheusremotewriteexporter@v0.156.0 factory.go:118-120). The gate
 * pkg.translator.prometheus.PermissiveLabelSanitization is alpha, so off by default
 * (pkg/translator/prometheus@v0.156.0 internal/metadata generated_feature_gates.go:9-15).
 * Keys that get one name are merged into one label, values joined with `;` in key order
 * (helper.go:132-161); an OTLP request may also repeat a key (pdata keeps every copy:
 * opentelemetry-collector issue #6169).
 */
import { goRegExp } from "./goRegexp";

/** The settings of one otlptranslator LabelNamer (each false when absent). */
export interface LabelNamer {
    readonly utf8Allowed?: boolean;
    readonly underscoreLabelSanitization?: boolean;
    readonly preserveMultipleUnderscores?: boolean;
}

/** Data-point labels under the default (escaping) translation strategy: metrics_to_prw.go:84 with the gate off. */
export const DATA_POINT_NAMER: LabelNamer = { underscoreLabelSanitization: true };
/** Data-point labels under NoUTF8EscapingWithSuffixes / NoTranslation: the key itself. */
export const UTF8_DATA_POINT_NAMER: LabelNamer = { underscoreLabelSanitization: true, utf8Allowed: true };
/** target_info labels (resource attributes), whatever the strategy: helper.go:571 with the gate off. */
export const TARGET_INFO_NAMER: LabelNamer = { preserveMultipleUnderscores: true };
/** The namers of an exporter at its defaults: what a resource or data-point attribute key can become. */
export const DEFAULT_NAMERS: readonly LabelNamer[] = [DATA_POINT_NAMER, TARGET_INFO_NAMER];

/** Exporter translation_strategy values (exporter config.go:78-91) and whether they allow UTF-8 names (metrics_to_prw.go:55-75). */
export const TRANSLATION_STRATEGIES: Readonly<Record<string, boolean>> = {
    UnderscoreEscapingWithSuffixes: false,
    UnderscoreEscapingWithoutSuffixes: false,
    NoUTF8EscapingWithSuffixes: true,
    NoTranslation: true,
};

/** The namers of a prometheusremotewrite exporter with this translation_strategy; undefined for a value its Validate refuses (config.go:163-168). */
export function namersForStrategy(strategy: string | undefined): readonly LabelNamer[] | undefined {
    if (strategy === undefined || strategy === "") return DEFAULT_NAMERS;
    if (!Object.prototype.hasOwnProperty.call(TRANSLATION_STRATEGIES, strategy)) return undefined;
    return TRANSLATION_STRATEGIES[strategy] ? [UTF8_DATA_POINT_NAMER, TARGET_INFO_NAMER] : DEFAULT_NAMERS;
}

const isCompliant = (r: string) => /^[a-zA-Z0-9]$/.test(r);
const underscoresOnly = (s: string) => /^_*$/.test(s);

/** strconv.go sanitizeLabelName. Runes as Go ranges over them (an unpaired surrogate, like invalid UTF-8, is one non-compliant rune). */
function sanitize(name: string, preserve: boolean): string {
    if (preserve) return Array.from(name, (r) => (isCompliant(r) ? r : "_")).join("");
    const reserved = name.length >= 4 && name.startsWith("__") && name.endsWith("__");
    const inner = reserved ? name.slice(2, -2) : name;
    let out = "";
    for (const r of inner) {
        if (isCompliant(r)) out += r;
        else if (!out.endsWith("_")) out += "_";
    }
    return reserved ? `__${out}__` : out;
}

/** LabelNamer.Build: the label a key becomes, or undefined where Build returns an error. */
export function buildLabel(key: string, namer: LabelNamer): string | undefined {
    if (key.length === 0) return undefined;
    if (namer.utf8Allowed === true) return underscoresOnly(key) ? undefined : key;
    let label = sanitize(key, namer.preserveMultipleUnderscores === true);
    // Go tests the first byte as a rune; the sanitized name is ASCII, so only an ASCII digit counts.
    if (/^[0-9]/.test(label)) label = `key_${label}`;
    else if (namer.underscoreLabelSanitization === true && label.startsWith("_") && !label.startsWith("__")) label = `key${label}`;
    return underscoresOnly(label) ? undefined : label;
}

/** The data-point label a key becomes under the exporter's default strategy (undefined: the data point fails). */
export function promLabelName(key: string): string | undefined {
    return buildLabel(key, DATA_POINT_NAMER);
}

/** True when an attribute with this key becomes (or joins) the label under any of the namers. */
export function keyNamesLabel(key: string, label: string, namers: readonly LabelNamer[] = DEFAULT_NAMERS): boolean {
    return namers.some((n) => buildLabel(key, n) === label);
}

/**
 * Runs of runes that stand for one `_` of a label (each rune outside ASCII [a-zA-Z0-9], and runs of
 * them collapse to one `_`). Chosen to tell apart patterns that allow one separator rune only, list a
 * few separators, use `.` without `(?s)`, count UTF-16 units instead of runes, treat `\s` or `\W` as
 * Unicode classes or `_` as a non-separator, or take non-ASCII letters and digits for label characters.
 */
const SEPARATOR_RUNS = [
    "_", ".", "-", "/", " ", ":", "\n", "\r", "\t", "\v", "\u0000", "\u00b7", "\u00b2", "\u0663", "\u00e9", "\u212a", "\u5b57\u7b26",
    "\u2028", "\u200b", "\u3000", "\u{1F600}", "\ufffd", "__", "..", "_-_", "-_", "_.", ". \n", "\u00e9_", "\u{1F600}\u{1F600}",
    // Longer than any bounded repetition: Go refuses counts above 1000 (go1.26 regexp/syntax/parse.go:1003-1005).
    "._-/ \t:\u00e9", "_".repeat(1001), "-.".repeat(501),
];

/**
 * A finite sample of the attribute keys that become `label` under any of `namers`: the label itself
 * (and, for `key_<rest>`, `<rest>` and `_<rest>`, whose sanitized forms get the prefix), each with every
 * `_` replaced by each separator run (one `_` at a time and all at once), and each run before `<rest>`.
 * A pattern or key list that handles all of them handles the class; each sample is checked to become the label.
 */
export function keysNamingLabel(label: string, namers: readonly LabelNamer[] = DEFAULT_NAMERS): string[] {
    const out = new Set<string>();
    const rest = label.startsWith("key_") ? label.slice(4) : undefined;
    for (const base of rest === undefined ? [label] : [label, rest, `_${rest}`]) {
        out.add(base);
        const parts = base.split("_");
        for (const run of SEPARATOR_RUNS) {
            out.add(parts.join(run));
            for (let i = 1; i < parts.length; i++) {
                out.add(parts.slice(0, i).join("_") + run + parts.slice(i).join("_"));
            }
        }
    }
    if (rest !== undefined) SEPARATOR_RUNS.forEach((run) => out.add(run + rest));
    return [...out].filter((k) => keyNamesLabel(k, label, namers));
}

/** Keys of `label`'s class that a Go-regexp `pattern` does not match (all of them when it does not compile). */
export function keysMissedBy(pattern: string, label: string, namers: readonly LabelNamer[] = DEFAULT_NAMERS): string[] {
    const re = goRegExp(pattern);
    return keysNamingLabel(label, namers).filter((k) => re === undefined || !re.test(k));
}

/** A key as a message shows it (JSON escapes for control and invisible characters). */
export function showKey(key: string): string {
    return JSON.stringify(key).replace(/[\u00a0-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
