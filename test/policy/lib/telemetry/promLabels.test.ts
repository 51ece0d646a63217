import * as assert from "assert";
import { keysMissedBy, keysNamingLabel, promLabelName } from "../../../../policy/lib/telemetry/promLabels";

describe("policy/lib/telemetry/promLabels: Prometheus label names", () => {
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
});
