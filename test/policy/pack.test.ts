import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as policySdk from "@pulumi/policy";
import * as YAML from "yaml";
import { PACK_ENFORCEMENT_LEVEL, PACK_NAME, policies } from "../../policy/policies";

const POLICY_DIR = path.join(__dirname, "..", "..", "policy");
const ROOT_PKG = JSON.parse(fs.readFileSync(path.join(POLICY_DIR, "..", "package.json"), "utf8"));

describe("policy pack", () => {
    it("has unique kebab-case names, scanner equivalents, remediation and a configSchema with defaults", () => {
        assert.equal(new Set(policies.map((p) => p.name)).size, policies.length);
        assert.ok(policies.length >= 30);
        for (const p of policies) {
            assert.match(p.name, /^[a-z0-9]+(-[a-z0-9]+)*$/, p.name);
            assert.match(p.description, /Scanner equivalents: checkov .*; trivy .*; cfn_nag .*\.$/, p.name);
            assert.ok(p.enforcementLevel && p.severity && (p.remediationSteps ?? "").length > 20, p.name);
            const props = p.configSchema?.properties ?? {};
            assert.ok(Object.keys(props).length > 0, `${p.name} has config`);
            assert.ok(!("enforcementLevel" in props), `${p.name}: the CLI refuses enforcementLevel as a property`);
            for (const [k, s] of Object.entries(props)) {
                assert.ok(typeof s === "object" && s.default !== undefined && typeof s.description === "string", `${p.name}.${k}`);
            }
        }
    });

    it("registers exactly the policies array from index.ts, once", () => {
        const registered: { name: string; args: policySdk.PolicyPackArgs }[] = [];
        // The package index re-exports through getters, so patch the defining module; the getter then returns the stub.
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- the module object itself is patched, which an import binding cannot do
        const definer = require("@pulumi/policy/policy") as { PolicyPack: unknown };
        const original = definer.PolicyPack;
        // Replace the constructor for the duration of the import: the real one starts the analyzer's gRPC server.
        definer.PolicyPack = class {
            constructor(name: string, args: policySdk.PolicyPackArgs) {
                registered.push({ name, args });
            }
        };
        const entry = require.resolve("../../policy/index");
        try {
            delete require.cache[entry];
            // eslint-disable-next-line @typescript-eslint/no-require-imports -- re-evaluates the pack entry after the cache delete above
            require(entry);
        } finally {
            definer.PolicyPack = original;
            delete require.cache[entry];
        }
        assert.equal(registered.length, 1);
        assert.equal(registered[0].name, PACK_NAME);
        assert.equal(registered[0].args.policies, policies);
        assert.equal(registered[0].args.enforcementLevel, PACK_ENFORCEMENT_LEVEL);
    });

    it("is laid out for `pulumi preview --policy-pack policy`", () => {
        const project = YAML.parse(fs.readFileSync(path.join(POLICY_DIR, "PulumiPolicy.yaml"), "utf8"));
        assert.equal(project.runtime, "nodejs");
        const pkg = JSON.parse(fs.readFileSync(path.join(POLICY_DIR, "package.json"), "utf8"));
        assert.match(pkg.version, /^\d+\.\d+\.\d+$/, "PolicyPack reads the version from the pack's package.json");
        assert.ok(fs.existsSync(path.join(POLICY_DIR, pkg.main)), "main exists");
        for (const [dep, version] of Object.entries(pkg.dependencies)) {
            assert.equal(version, ROOT_PKG.dependencies[dep], `${dep} matches the root version`);
        }
        assert.match(PACK_NAME, /^[a-zA-Z0-9-_.]{1,100}$/);
    });

    it("documents every rule with its level and scanner equivalents in policy/README.md", () => {
        const readme = fs.readFileSync(path.join(POLICY_DIR, "README.md"), "utf8");
        for (const p of policies) {
            const row = readme.split("\n").find((l) => l.startsWith(`| \`${p.name}\` |`));
            assert.ok(row, `${p.name} has a README row`);
            assert.ok(row.includes(`| ${p.enforcementLevel} |`), `${p.name} level`);
            for (const tag of (p.tags ?? []).filter((t) => t.includes(":"))) {
                assert.ok(row.includes(tag.split(":")[1]), `${p.name} lists ${tag}`);
            }
        }
    });
});
