import * as assert from "assert";
import { execFileSync } from "child_process";
import { goRegExp } from "../../../policy/lib/telemetry/goRegexp";
import { buildLabel, DATA_POINT_NAMER, keysNamingLabel, LabelNamer, TARGET_INFO_NAMER, UTF8_DATA_POINT_NAMER } from "../../../policy/lib/telemetry/promLabels";
import { labelcheckBinary } from "../datapath/lib/env";

/**
 * The policy pack's collector-tenant-labels-from-identity rule decides in TypeScript which attribute
 * keys become a label and which keys a processor's pattern deletes. This suite asks the collector's
 * own code the same questions (tools/labelcheck: otlptranslator v1.0.0 LabelNamer as contrib v0.156.0's
 * remote-write exporter builds it for data points, under both escaping and UTF-8 translation strategies,
 * and for target_info; and Go's regexp) over the keys the rule samples and a generated corpus, so the
 * model cannot drift from the real thing.
 */
interface Reply { labels: Array<string | null>; targetInfoLabels: Array<string | null>; matches: Array<boolean[] | null> }

function ask(keys: string[], patterns: string[], utf8Allowed = false): Reply {
    const out = execFileSync(labelcheckBinary(), [], { input: JSON.stringify({ keys, patterns, utf8Allowed }), encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    return JSON.parse(out) as Reply;
}

/** The labels the rule's samples are drawn for: tenant labels, prefixed and reserved forms. */
const SAMPLED_LABELS = ["account", "site", "source_role", "key_site", "key_0a", "key_source_role", "__a_b__", "trailing_", "a_b_c"];

/**
 * A deterministic corpus: every concatenation of up to three fragments that matter to label naming
 * (ASCII and non-ASCII letters and digits, separators alone and in runs, `_` runs, reserved `__`).
 */
function corpus(): string[] {
    const fragments = ["account", "site", "source", "role", "_", "__", "___", ".", "..", "-", "/", " ", "\n", "\r", "\t", "\u00a0", "\u00b2", "\u0663",
        "é", "字", "K", "\u{1F600}", "0", "A", ":", "key"];
    const out = new Set<string>([""]);
    for (const a of fragments) {
        out.add(a);
        for (const b of fragments) {
            out.add(a + b);
            for (const c of fragments) out.add(a + b + c);
        }
    }
    for (const l of SAMPLED_LABELS) keysNamingLabel(l, [DATA_POINT_NAMER, UTF8_DATA_POINT_NAMER, TARGET_INFO_NAMER]).forEach((k) => out.add(k));
    return [...out];
}

const PATTERNS = [
    "(?s)^(?:account|site|source.role)$", "^(account|site|source.role)$", "^(account|site|source_role)$", "account|site|source.?role",
    "^(?:account|site|source[^0-9A-Za-z]+role)$", "(?s)^(?:account|site|source.+role)$", "^source[\\W_]+role$", "^source\\W+role$", "^source[^\\pL\\d]+role$",
    "(?i)^ACCOUNT$", "(?is)source.role", "(?m)^site$", "^source[^a-z]role$", "^source[^a-z]+role$", "^source[._-]role$", "^source\\Wrole$", "^source\\W?role$",
    "^source\\srole$", "^source\\Srole$", "^source[\\s\\S]role$", "^source\\prole$", "^\\pL+$", "^\\p{L}+$", "^[[:alpha:]]+$", "^[[:punct:]]$",
    "^[[:^alpha:]]+$", "^[^[:alnum:]]+$", "\\Aaccount\\z", "^(?P<x>site)$", "^(?:a|b)*ccount$", "^[]a]$", "^[^]a]$", "^\\-\\_\\:$", "^[\\-\\.]$", "^\\d+$", "^\\w+$",
    "^\\x41$", "(?U)^a+$", "a(?i)b", "(?i:site)", "(unclosed", "[a-", "x{2,", "^\\Qa.b\\E$", "\\bsite\\b", "^.{6}$", "^..$", "^.$", "^[\\d\\s]$",
    "source.role", "(?s)source.role", "^(?:source)(?:.)(?:role)$", "^source(?:_|\\.|-|/| |:)role$", "^_+site$", "^__.*__$", "^source[^0-9A-Za-z]{1,3}role$", "^source[^0-9A-Za-z]{1,1000}role$",
];

describe("policy model: label names and patterns agree with the collector's own code", function () {
    this.timeout(1_800_000);
    const keys = corpus();
    const replies = new Map<boolean, Reply>();
    before(() => {
        replies.set(false, ask(keys, PATTERNS));
        replies.set(true, ask(keys, [], true));
    });

    /** The model's label for every key against labelcheck's (null: Build returns an error). */
    function compareNames(namer: LabelNamer, go: Array<string | null>): void {
        const differ = keys.flatMap((k, i) => (buildLabel(k, namer) ?? null) === go[i] ? [] : [[k, buildLabel(k, namer) ?? null, go[i]]]);
        assert.deepStrictEqual(differ.slice(0, 20), [], `${differ.length} of ${keys.length} keys differ`);
        assert.ok(keys.length > 15_000, `corpus of ${keys.length} keys`);
    }

    it("names every key as the v0.156.0 remote-write exporter's LabelNamer does: data-point labels, escaping strategies (the default)", () => {
        compareNames(DATA_POINT_NAMER, replies.get(false)!.labels);
    });

    it("names every key as the v0.156.0 remote-write exporter's LabelNamer does: data-point labels, NoUTF8EscapingWithSuffixes / NoTranslation", () => {
        compareNames(UTF8_DATA_POINT_NAMER, replies.get(true)!.labels);
    });

    it("names every key as the v0.156.0 remote-write exporter's LabelNamer does: target_info labels, whatever the strategy", () => {
        compareNames(TARGET_INFO_NAMER, replies.get(false)!.targetInfoLabels);
    });

    it("samples only keys that really become the label, and the collapse class among them", () => {
        const go = replies.get(false)!;
        for (const label of SAMPLED_LABELS) {
            const sample = keysNamingLabel(label, [DATA_POINT_NAMER]);
            const wrong = sample.filter((k) => go.labels[keys.indexOf(k)] !== label);
            assert.deepStrictEqual(wrong, [], `keys sampled for ${label} that the exporter names otherwise`);
        }
        const collapsed = keysNamingLabel("source_role", [DATA_POINT_NAMER]).filter((k) => /[^0-9A-Za-z]{2,}|\P{ASCII}/u.test(k.slice(6, -4)));
        assert.ok(collapsed.length >= 10, `${collapsed.length} collapse-class keys sampled for source_role`);
    });

    it("matches every key as Go's regexp does, or declines a pattern it cannot translate (never a wrong answer)", () => {
        const reply = replies.get(false)!;
        const wrong: string[] = [];
        let translated = 0;
        PATTERNS.forEach((p, i) => {
            const js = goRegExp(p);
            const go = reply.matches[i];
            if (go === null) {
                if (js !== undefined) wrong.push(`${p}: Go refuses it, the model compiled it`);
                return;
            }
            if (js === undefined) return;
            translated++;
            keys.forEach((k, j) => { if (js.test(k) !== go[j]) wrong.push(`${p} on ${JSON.stringify(k)}: Go ${go[j]}, model ${!go[j]}`); });
        });
        assert.deepStrictEqual(wrong.slice(0, 20), [], `${wrong.length} disagreements`);
        assert.ok(translated >= PATTERNS.length - 10, `${translated} of ${PATTERNS.length} patterns translated`);
    });
});
