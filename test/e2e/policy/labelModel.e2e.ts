import * as assert from "assert";
import { execFileSync } from "child_process";
import { goRegExp } from "../../../policy/lib/telemetry/goRegexp";
import { keysNamingLabel, promLabelName } from "../../../policy/lib/telemetry/promLabels";
import { labelcheckBinary } from "../datapath/lib/env";

/**
 * The policy pack's collector-tenant-labels-from-identity rule decides in TypeScript which attribute
 * keys become a label and which keys a processor's pattern deletes. This suite asks the collector's
 * own code the same questions (tools/labelcheck: NormalizeLabel of contrib v0.117.0 and Go's regexp)
 * over the keys the rule samples and a generated corpus, so the model cannot drift from the real thing.
 */
interface Reply { labels: string[]; matches: Array<boolean[] | null> }

function ask(keys: string[], patterns: string[]): Reply {
    const out = execFileSync(labelcheckBinary(), [], { input: JSON.stringify({ keys, patterns }), encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    return JSON.parse(out) as Reply;
}

/** A deterministic corpus: every concatenation of up to three fragments that matter to label naming. */
function corpus(): string[] {
    const fragments = ["account", "site", "source", "role", "_", "__", ".", "-", "/", " ", "\n", "\r", "\t", "\u00a0", "\u00b2", "\u0663", "é", "K", "\u{1F600}", "0", "A", ":"];
    const out = new Set<string>([""]);
    for (const a of fragments) {
        out.add(a);
        for (const b of fragments) {
            out.add(a + b);
            for (const c of fragments) out.add(a + b + c);
        }
    }
    for (const l of ["account", "site", "source_role", "key_site", "key_0a"]) keysNamingLabel(l).forEach((k) => out.add(k));
    return [...out];
}

const PATTERNS = [
    "(?s)^(?:account|site|source.role)$", "^(account|site|source.role)$", "^(account|site|source_role)$", "account|site|source.?role",
    "(?i)^ACCOUNT$", "(?is)source.role", "(?m)^site$", "^source[^a-z]role$", "^source[._-]role$", "^source\\Wrole$", "^source\\W?role$",
    "^source\\srole$", "^source\\Srole$", "^source[\\s\\S]role$", "^source\\prole$", "^\\pL+$", "^\\p{L}+$", "^[[:alpha:]]+$", "^[[:punct:]]$",
    "^[[:^alpha:]]+$", "\\Aaccount\\z", "^(?P<x>site)$", "^(?:a|b)*ccount$", "^[]a]$", "^[^]a]$", "^\\-\\_\\:$", "^[\\-\\.]$", "^\\d+$", "^\\w+$",
    "^\\x41$", "(?U)^a+$", "a(?i)b", "(?i:site)", "(unclosed", "[a-", "x{2,", "^\\Qa.b\\E$", "\\bsite\\b", "^.{6}$", "^..$", "^.$", "^[\\d\\s]$",
    "source.role", "(?s)source.role", "^(?:source)(?:.)(?:role)$", "^source(?:_|\\.|-|/| |:)role$",
];

describe("policy model: label names and patterns agree with the collector's own code", function () {
    this.timeout(1_800_000);
    const keys = corpus();
    let reply: Reply;
    before(() => { reply = ask(keys, PATTERNS); });

    it("names every key as the remote-write exporter's NormalizeLabel does", () => {
        const differ = keys.filter((k, i) => promLabelName(k) !== reply.labels[i]);
        assert.deepStrictEqual(differ.map((k) => [k, promLabelName(k), reply.labels[keys.indexOf(k)]]), [], `${keys.length} keys compared`);
        assert.ok(keys.length > 10_000, `corpus of ${keys.length} keys`);
    });

    it("matches every key as Go's regexp does, or declines a pattern it cannot translate (never a wrong answer)", () => {
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
