/**
 * Go's regexp (RE2 syntax) as a JavaScript RegExp with the same meaning on attribute keys, or
 * undefined when a construct has no faithful translation (callers treat that as "not proven").
 * The collector compiles `pattern` fields with Go's `regexp.Compile` (contrib
 * internal/coreinternal@v0.117.0 attraction/attraction.go:228, OTTL delete_matching_keys), matching
 * runes, not UTF-16 units, so the result always carries the `u` flag. Differences handled
 * (https://github.com/google/re2/wiki/Syntax):
 * - leading flag groups `(?is)` become JS flags and `(?m)` line anchors at `\n` only; `U` (ungreedy), flags later in the pattern and scoped
 *   `(?i:...)` groups have no JS equivalent on Node 20 → undefined;
 * - `.` without `s` excludes only `\n` in Go (JS also excludes `\r`, U+2028, U+2029) → `[^\n]`;
 * - `\s` is `[\t\n\f\r ]` in Go (JS adds `\v` and Unicode spaces);
 * - `(?P<name>`, `\A`, `\z`, `\pL`, ASCII classes `[[:alpha:]]`, and escaped punctuation that a
 *   `u`-mode JS pattern refuses (`\-`, `\_`, `\:` …) are rewritten.
 */
const POSIX: Record<string, string> = {
    alnum: "0-9A-Za-z", alpha: "A-Za-z", ascii: "\\x00-\\x7F", blank: "\\t ", cntrl: "\\x00-\\x1F\\x7F", digit: "0-9",
    graph: "!-~", lower: "a-z", print: " -~", punct: "!-\\/:-@\\[-`{-~", space: "\\t\\n\\v\\f\\r ", upper: "A-Z",
    word: "0-9A-Za-z_", xdigit: "0-9A-Fa-f",
};
const JS_SYNTAX = new Set([..."^$\\.*+?()[]{}|/"]);
const GO_SPACE = "\\t\\n\\f\\r ";

export function goRegExp(pattern: string): RegExp | undefined {
    let flags = "u";
    let src = pattern;
    let multiline = false;
    const lead = /^\(\?([a-zA-Z]+)\)/.exec(src);
    if (lead !== null) {
        if (!/^[ims]+$/.test(lead[1])) return undefined;
        // `m` stays out of the JS flags: JS also ends lines at \r, U+2028 and U+2029, Go only at \n.
        multiline = lead[1].includes("m");
        flags += [...new Set(lead[1].replace(/m/g, ""))].join("");
        src = src.slice(lead[0].length);
    }
    const body = translate(src, flags.includes("s"), multiline);
    if (body === undefined) return undefined;
    try {
        return new RegExp(body, flags);
    } catch {
        return undefined;
    }
}

/** One pass over the pattern; undefined for constructs without a faithful JS form. */
function translate(src: string, dotAll: boolean, multiline: boolean): string | undefined {
    let out = "";
    let inClass = false;
    for (let i = 0; i < src.length; i++) {
        const c = src[i];
        if (c === "\\") {
            const next = src[i + 1];
            if (next === undefined) return undefined;
            const esc = escape(src, i, inClass);
            if (esc === undefined) return undefined;
            out += esc.text;
            i += esc.consumed - 1;
        } else if (inClass) {
            const posix = /^\[:(\^?)([a-z]+):\]/.exec(src.slice(i));
            if (posix !== null) {
                if (posix[1] === "^" || POSIX[posix[2]] === undefined) return undefined;
                out += POSIX[posix[2]];
                i += posix[0].length - 1;
            } else {
                if (c === "]") inClass = false;
                out += c === "[" ? "\\[" : c;
            }
        } else if (c === "[") {
            inClass = true;
            out += c;
            // A `]` right after `[` or `[^` is a literal in RE2.
            if (src[i + 1] === "^") { out += "^"; i++; }
            if (src[i + 1] === "]") { out += "\\]"; i++; }
        } else if (c === "(" && src[i + 1] === "?") {
            if (src.startsWith("(?P<", i)) { out += "(?<"; i += 3; } else if (src.startsWith("(?:", i)) { out += "(?:"; i += 2; } else return undefined;
        } else if (c === "." && !dotAll) {
            out += "[^\\n]";
        } else if (multiline && (c === "^" || c === "$")) {
            out += c === "^" ? "(?<=^|\\n)" : "(?=$|\\n)";
        } else {
            out += c;
        }
    }
    return inClass ? undefined : out;
}

function escape(src: string, i: number, inClass: boolean): { text: string; consumed: number } | undefined {
    const next = src[i + 1];
    if (next === "A") return inClass ? undefined : { text: "^", consumed: 2 };
    if (next === "z") return inClass ? undefined : { text: "$", consumed: 2 };
    if (next === "Q" || next === "C" || next === "Z") return undefined;
    if (next === "s") return { text: inClass ? GO_SPACE : `[${GO_SPACE}]`, consumed: 2 };
    if (next === "S") return inClass ? undefined : { text: `[^${GO_SPACE}]`, consumed: 2 };
    if ((next === "p" || next === "P") && /^[A-Za-z]$/.test(src[i + 2] ?? "")) return { text: `\\${next}{${src[i + 2]}}`, consumed: 3 };
    if (/[!-/:-@[-`{-~]/.test(next)) {
        // Escaped punctuation: keep the escape where u-mode JS allows it, else the literal character.
        const allowed = JS_SYNTAX.has(next) || (inClass && next === "-");
        return { text: allowed ? `\\${next}` : next, consumed: 2 };
    }
    return { text: `\\${next}`, consumed: 2 };
}
