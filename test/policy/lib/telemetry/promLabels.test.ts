import * as assert from "assert";
import {
    buildLabel, DATA_POINT_NAMER, DEFAULT_NAMERS, keyNamesLabel, keysMissedBy, keysNamingLabel, LabelNamer, namersForStrategy, promLabelName,
    TARGET_INFO_NAMER, UTF8_DATA_POINT_NAMER,
} from "../../../../policy/lib/telemetry/promLabels";

/**
 * Vectors of github.com/prometheus/otlptranslator@v1.0.0 label_namer_test.go (copied as data):
 * labelTestCases (lines 23-65: `sanitized` for LabelNamer{}, `sanitizedMultipleUnderscores` for
 * {PreserveMultipleUnderscores: true} when it differs, the label itself for {UTF8Allowed: true}),
 * TestBuildLabel_Underscores (lines 109-129) and TestBuildLabel_Errors (lines 155-163). Build returns
 * "" with its error, which the model answers as undefined.
 */
const LABEL_TEST_CASES: ReadonlyArray<{ label: string; sanitized: string; sanitizedMultipleUnderscores?: string }> = [
    { label: "label:with:colons", sanitized: "label_with_colons" },
    { label: "LabelWithCapitalLetters", sanitized: "LabelWithCapitalLetters" },
    { label: "label!with&special$chars)", sanitized: "label_with_special_chars_" },
    { label: "label_with_foreign_characters_字符", sanitized: "label_with_foreign_characters_", sanitizedMultipleUnderscores: "label_with_foreign_characters___" },
    { label: "label.with.dots", sanitized: "label_with_dots" },
    { label: "123label", sanitized: "key_123label" },
    { label: "_label_starting_with_underscore", sanitized: "_label_starting_with_underscore" },
    { label: "__label_starting_with_2underscores", sanitized: "_label_starting_with_2underscores", sanitizedMultipleUnderscores: "__label_starting_with_2underscores" },
    { label: "ようこそ", sanitized: "" },
    { label: "label__with__double__underscores", sanitized: "label_with_double_underscores", sanitizedMultipleUnderscores: "label__with__double__underscores" },
    { label: "label.name__with&&special##chars", sanitized: "label_name_with_special_chars", sanitizedMultipleUnderscores: "label_name__with__special__chars" },
    { label: "__reserved__label__name__", sanitized: "__reserved_label_name__", sanitizedMultipleUnderscores: "__reserved__label__name__" },
    { label: "trailing_underscores___", sanitized: "trailing_underscores_", sanitizedMultipleUnderscores: "trailing_underscores___" },
];
const UNDERSCORE_CASES = [
    { label: "regular label", sanitized: "regular_label", sanitizedUnderscores: "regular_label" },
    { label: "123label", sanitized: "key_123label", sanitizedUnderscores: "key_123label" },
    { label: "_label_starting_with_underscore", sanitized: "_label_starting_with_underscore", sanitizedUnderscores: "key_label_starting_with_underscore" },
];
const ERROR_CASES = [
    { label: "", wantEscapeErr: true, wantUTF8err: true },
    { label: "__", wantEscapeErr: true, wantUTF8err: true },
    { label: "ようこそ", wantEscapeErr: true, wantUTF8err: false },
];

const asGo = (l: string | undefined) => l ?? "";

describe("policy/lib/telemetry/promLabels: Prometheus label names (otlptranslator v1.0.0 LabelNamer)", () => {
    it("passes label_namer_test.go@v1.0.0 TestBuildLabel, TestBuildLabel_UTF8Allowed, TestBuildLabel_Underscores and TestBuildLabel_Errors", () => {
        const none: LabelNamer = {};
        for (const t of LABEL_TEST_CASES) {
            assert.strictEqual(asGo(buildLabel(t.label, none)), t.sanitized, `LabelNamer{}.Build(${JSON.stringify(t.label)})`);
            assert.strictEqual(asGo(buildLabel(t.label, { preserveMultipleUnderscores: true })), t.sanitizedMultipleUnderscores ?? t.sanitized, `preserve ${t.label}`);
            assert.strictEqual(buildLabel(t.label, { utf8Allowed: true }), t.label, `UTF8Allowed ${t.label}`);
        }
        for (const t of UNDERSCORE_CASES) {
            assert.strictEqual(buildLabel(t.label, none), t.sanitized);
            assert.strictEqual(buildLabel(t.label, { underscoreLabelSanitization: true }), t.sanitizedUnderscores);
        }
        for (const t of ERROR_CASES) {
            assert.strictEqual(buildLabel(t.label, none) === undefined, t.wantEscapeErr, `escape error for ${JSON.stringify(t.label)}`);
            assert.strictEqual(buildLabel(t.label, { utf8Allowed: true }) === undefined, t.wantUTF8err, `UTF-8 error for ${JSON.stringify(t.label)}`);
        }
    });

    it("names data-point labels as the exporter's default namer does: ASCII only, runs collapse, reserved and key prefixes", () => {
        assert.deepStrictEqual(["source.role", "source..role", "source_-_role", "source__role", "source\u{1F600}role", "source\u00e9role", "source\u0663role", "Account"].map(promLabelName),
            ["source_role", "source_role", "source_role", "source_role", "source_role", "source_role", "source_role", "Account"]);
        // `__site` is not reserved (it does not end in `__`), collapses to `_site`, then gets `key`.
        assert.deepStrictEqual(["_site", "__site", ".site", "site", "0a", "_0a", "__site__", "__a..b__", "___", "____", "__.__", "\u00e9"].map(promLabelName),
            ["key_site", "key_site", "key_site", "site", "key_0a", "key_0a", "__site__", "__a_b__", "key_", undefined, undefined, "key_"]);
    });

    it("names target_info labels with the preserving namer and UTF-8 strategies by the key itself", () => {
        assert.deepStrictEqual(["source.role", "source..role", "_site", "0a"].map((k) => buildLabel(k, TARGET_INFO_NAMER)), ["source_role", "source__role", "_site", "key_0a"]);
        assert.deepStrictEqual(["source.role", "_site", "___"].map((k) => buildLabel(k, UTF8_DATA_POINT_NAMER)), ["source.role", "_site", undefined]);
        assert.deepStrictEqual(namersForStrategy(undefined), DEFAULT_NAMERS);
        assert.deepStrictEqual(namersForStrategy("UnderscoreEscapingWithoutSuffixes"), DEFAULT_NAMERS);
        assert.deepStrictEqual(namersForStrategy("NoTranslation"), [UTF8_DATA_POINT_NAMER, TARGET_INFO_NAMER]);
        assert.deepStrictEqual(namersForStrategy("NoUTF8EscapingWithSuffixes"), [UTF8_DATA_POINT_NAMER, TARGET_INFO_NAMER]);
        assert.strictEqual(namersForStrategy("noTranslation"), undefined, "the exporter's Validate compares exactly");
        assert.strictEqual(namersForStrategy("toString"), undefined);
    });

    it("samples the keys that become a label, collapse class included, each checked to become it", () => {
        const keys = keysNamingLabel("source_role");
        for (const k of ["source_role", "source.role", "source\nrole", "source\u{1F600}role", "source..role", "source_-_role", "source__role", "source\u00e9role", "source\u5b57\u7b26role"]) {
            assert.ok(keys.includes(k), `sample lacks ${JSON.stringify(k)}`);
        }
        assert.ok(keys.every((k) => keyNamesLabel(k, "source_role")));
        assert.deepStrictEqual(keysNamingLabel("account"), ["account"], "a label without `_` is named only by itself");
        const keySite = keysNamingLabel("key_site");
        for (const k of ["_site", "__site", ".site", "..site", "key.site", "key__site"]) assert.ok(keySite.includes(k), k);
        assert.ok(keysNamingLabel("key_0a").includes("0a") && keysNamingLabel("key_0a").includes("_0a"));
        assert.deepStrictEqual(keysNamingLabel("source_role", [UTF8_DATA_POINT_NAMER]), ["source_role"], "UTF-8 names: the key itself");
        assert.ok(!keysNamingLabel("source_role", [TARGET_INFO_NAMER]).includes("source..role"), "target_info keeps runs");
        assert.ok(keysNamingLabel("__a_b__", [DATA_POINT_NAMER]).includes("__a..b__"), "reserved labels collapse inside");
    });

    it("judges a pattern by the keys it misses", () => {
        assert.deepStrictEqual(keysMissedBy("(?s)^(?:account|site|source.+role)$", "source_role"), []);
        assert.deepStrictEqual(keysMissedBy("^(?:account|site|source[^0-9A-Za-z]+role)$", "source_role"), [], "exactly LabelNamer's class");
        assert.ok(keysMissedBy("(?s)^(?:account|site|source.role)$", "source_role").includes("source..role"), "one rune no longer covers a collapsed run");
        assert.ok(keysMissedBy("^source\\W+role$", "source_role").includes("source_-_role"), "\\W excludes `_`");
        assert.ok(keysMissedBy("^source[^\\pL\\d]+role$", "source_role").includes("source\u00e9role"), "non-ASCII letters now become `_`");
        assert.ok(keysMissedBy("^source[^0-9A-Za-z]{1,3}role$", "source_role").includes("source._-/ \t:\u00e9role"), "a bounded run misses longer ones");
        assert.ok(keysMissedBy("^source[^0-9A-Za-z]{1,1000}role$", "source_role").includes(`source${"_".repeat(1001)}role`), "even the largest bound Go allows");
        assert.ok(keysMissedBy("^(account|site|source_role)$", "source_role").includes("source.role"));
        assert.ok(keysMissedBy("^source[._-]role$", "source_role").includes("source/role"));
        assert.deepStrictEqual(keysMissedBy("^source.+role$", "source_role").filter((k) => !k.includes("\n")), [], "without (?s) Go's `.` misses only a newline");
        assert.deepStrictEqual(keysMissedBy("^account$", "account"), []);
        assert.deepStrictEqual(keysMissedBy("(?U)^account$", "account"), ["account"], "an untranslatable pattern proves nothing");
    });
});
