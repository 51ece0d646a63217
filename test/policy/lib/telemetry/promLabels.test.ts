import * as assert from "assert";
import { goRegExp } from "../../../../policy/lib/telemetry/goRegexp";
import { keysMissedBy, keysNamingLabel, promLabelName } from "../../../../policy/lib/telemetry/promLabels";

describe("policy/lib: Prometheus label names and Go regexps", () => {
    it("names labels as the remote-write exporter does (the vectors of normalize_label_test.go@v0.117.0 TestSanitize, then runes)", () => {
        assert.deepStrictEqual(["", "_test", "0test", "test", "test_/", "__test"].map(promLabelName), ["", "key_test", "key_0test", "test", "test__", "__test"]);
        // One `_` per rune that is neither a letter nor a decimal digit, whatever its UTF-16 length; letters of any script stay.
        assert.deepStrictEqual(["source.role", "source-role", "source\nrole", "source\u{1F600}role", "source\u00b2role", "sourceérole", "Account"].map(promLabelName),
            ["source_role", "source_role", "source_role", "source_role", "source_role", "sourceérole", "Account"]);
    });

    it("samples the keys that become a label, each checked to normalise to it", () => {
        const keys = keysNamingLabel("source_role");
        assert.ok(keys.includes("source_role") && keys.includes("source.role") && keys.includes("source\nrole") && keys.includes("source\u{1F600}role"));
        assert.ok(keys.every((k) => promLabelName(k) === "source_role"));
        assert.deepStrictEqual(keysNamingLabel("account"), ["account"], "a label without `_` is named only by itself");
        assert.ok(keysNamingLabel("key_site").includes("_site") && keysNamingLabel("key_0a").includes("0a"));
    });

    it("judges a pattern by the keys it misses", () => {
        assert.deepStrictEqual(keysMissedBy("(?s)^(?:account|site|source.role)$", "source_role"), []);
        assert.deepStrictEqual(keysMissedBy("^source[^a-z]role$", "source_role"), [], "a negated class matches every separator rune");
        assert.ok(keysMissedBy("^(account|site|source_role)$", "source_role").includes("source.role"));
        assert.ok(keysMissedBy("^source[._-]role$", "source_role").includes("source/role"));
        assert.deepStrictEqual(keysMissedBy("^source.role$", "source_role"), ["source\nrole"], "without (?s) Go's `.` misses only a newline");
        assert.deepStrictEqual(keysMissedBy("^account$", "account"), []);
        assert.deepStrictEqual(keysMissedBy("(?U)^account$", "account"), ["account"], "an untranslatable pattern proves nothing");
    });

    it("translates RE2 syntax to a JavaScript RegExp with Go's meaning", () => {
        const m = (p: string, s: string) => goRegExp(p)?.test(s);
        assert.strictEqual(m("(?i)^ACCOUNT$", "account"), true);
        assert.strictEqual(m("^a.b$", "a\rb"), true, "Go's `.` matches \\r");
        assert.strictEqual(m("^a.b$", "a\u{1F600}b"), true, "one rune, two UTF-16 units");
        assert.strictEqual(m("^a\\sb$", "a\u00a0b"), false, "\\s is ASCII whitespace in RE2");
        assert.strictEqual(m("^a\\sb$", "a\vb"), false, "RE2's \\s has no \\v");
        assert.strictEqual(m("^(?P<k>x)[[:alpha:]]\\-\\_$", "xy-_"), true);
        assert.strictEqual(m("\\Aab\\z", "ab"), true);
        assert.deepStrictEqual(["a\nsite", "site\r", "site\u2028"].map((k) => m("(?m)^site$", k)), [true, false, false], "Go ends lines only at \\n");
        assert.strictEqual(m("^\\pL+$", "é"), true);
        assert.strictEqual(m("^[]a]$", "]"), true, "a leading ] is a literal");
        assert.strictEqual(goRegExp("a(?i)b"), undefined, "a flag group later in the pattern");
        assert.strictEqual(goRegExp("(?i:a)"), undefined);
        assert.strictEqual(goRegExp("[[:^alpha:]]"), undefined);
        assert.strictEqual(goRegExp("(unclosed"), undefined);
    });
});
