/**
 * How the Prometheus remote-write exporter names series labels after attribute keys, and which
 * attribute keys therefore end up in one label. Source: contrib pkg/translator/prometheus@v0.117.0
 * normalize_label.go (`NormalizeLabel`: every rune that is not a Unicode letter or decimal digit
 * becomes `_`; a leading ASCII digit gets `key_`, a single leading `_` gets `key` while the alpha gate
 * pkg.translator.prometheus.PermissiveLabelSanitization is off, its default) and
 * pkg/translator/prometheusremotewrite@v0.117.0 helper.go:141-148 (keys that normalise to one name are
 * merged, their values joined with `;`, in key order). An OTLP request may also repeat a key (the
 * attribute list is a list on the wire; pdata keeps every copy: opentelemetry-collector issue #6169).
 */
import { goRegExp } from "./goRegexp";

export function promLabelName(key: string): string {
    if (key.length === 0) return key;
    // Go's strings.Map decodes an invalid UTF-8 byte as U+FFFD, itself neither letter nor digit: "_".
    const label = Array.from(key, (r) => (/^[\p{L}\p{Nd}]$/u.test(r) ? r : "_")).join("");
    // Go tests the first byte as a rune: only an ASCII digit counts.
    if (/^[0-9]/.test(label)) return `key_${label}`;
    if (label.startsWith("_") && !label.startsWith("__")) return `key${label}`;
    return label;
}

/** True when an attribute with this key becomes (or joins) the label. */
export function keyNamesLabel(key: string, label: string): boolean {
    return promLabelName(key) === label;
}

/**
 * Runes that stand for an `_` of a label: every one of them normalises to `_`. Chosen to tell apart
 * patterns that only list a few separators, use `.` without `(?s)`, count UTF-16 units instead of
 * runes, or treat `\s` as Unicode whitespace.
 */
const SEPARATORS = ["_", ".", "-", "/", " ", ":", "\n", "\r", "\t", "\v", "\u00b7", "\u00b2", "\u2028", "\u200b", "\u3000", "\u{1F600}", "\u0000"];

/**
 * A finite sample of the attribute keys that become `label`: the label itself, each `_` replaced by
 * each separator (one at a time and all at once), and the `key_` prefix's sources. A pattern or
 * key list that handles all of them handles the class; each sample is checked to normalise to the label.
 */
export function keysNamingLabel(label: string): string[] {
    const out = new Set<string>([label]);
    const parts = label.split("_");
    for (const sep of SEPARATORS) {
        out.add(parts.join(sep));
        for (let i = 1; i < parts.length; i++) {
            out.add(parts.slice(0, i).join("_") + sep + parts.slice(i).join("_"));
        }
    }
    if (label.startsWith("key_")) {
        const rest = label.slice(4);
        out.add(`_${rest}`);
        if (/^[0-9]/.test(rest)) out.add(rest);
    }
    return [...out].filter((k) => keyNamesLabel(k, label));
}

/** Keys of `label`'s class that a Go-regexp `pattern` does not match (all of them when it does not compile). */
export function keysMissedBy(pattern: string, label: string): string[] {
    const re = goRegExp(pattern);
    return keysNamingLabel(label).filter((k) => re === undefined || !re.test(k));
}

/** A key as a message shows it (JSON escapes for control and invisible characters). */
export function showKey(key: string): string {
    return JSON.stringify(key).replace(/[\u00a0-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
