import * as assert from "assert";
import { goRegExp } from "../../../../policy/lib/telemetry/goRegexp";

describe("policy/lib/telemetry/goRegexp: Go regexps", () => {
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
