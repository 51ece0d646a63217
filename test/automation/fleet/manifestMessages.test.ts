import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { ConfigError } from "../../../stacks/config/common";
import { resolveManifest } from "../../../automation/fleet/manifest";
import { manifestSchema } from "../../../automation/fleet/manifestSchema";
import { keysAt } from "../../../automation/fleet/validate/manifestIssues";
import { closest } from "../../../automation/fleet/validate/suggest";

/**
 * Manifest mistakes as an operator makes them: each is exactly one line naming the field, what was
 * expected and the fix, with the closest valid key, stack name or region.
 */
const FLEET = path.resolve(__dirname, "../../../stacks/fleet.yaml");

function example(): any {
    return parse(fs.readFileSync(FLEET, "utf8"));
}

function byName(doc: any, name: string): any {
    return doc.stacks.find((s: { name: string }) => s.name === name);
}

/** The error's lines (each prefixed by the file name, as the CLI prints them). */
function lines(doc: unknown): string[] {
    try {
        resolveManifest(doc);
    } catch (e) {
        assert.ok(e instanceof ConfigError, String(e));
        return e.message.split("\n");
    }
    assert.fail("the manifest was accepted");
}

describe("fleet manifest mistakes: one line each, with the fix and the closest valid name", () => {
    it("a mistyped key names the closest valid key, in one line (not two raw schema lines)", () => {
        const doc = example();
        doc.rollout.concurency = 5;
        assert.deepStrictEqual(lines(doc), ["stacks/fleet.yaml: rollout.concurency: unknown key; did you mean concurrency? fix: rename concurency to concurrency"]);
    });

    it("a mistyped required block is one mistake, not 'missing' plus 'unknown'", () => {
        const doc = example();
        doc.defualts = doc.defaults;
        delete doc.defaults;
        assert.deepStrictEqual(lines(doc), ["stacks/fleet.yaml: defualts: unknown key; did you mean defaults? fix: rename defualts to defaults"]);
        const entry = example();
        entry.stacks[1].acount = entry.stacks[1].account;
        delete entry.stacks[1].account;
        assert.deepStrictEqual(lines(entry), ["stacks/fleet.yaml: stacks[1].acount: unknown key; did you mean account? fix: rename acount to account"]);
    });

    it("an unknown key with no close match lists the valid keys", () => {
        const doc = example();
        doc.rollout.speed = "fast";
        assert.deepStrictEqual(lines(doc), [`stacks/fleet.yaml: rollout.speed: unknown key; expected one of ${keysAt(manifestSchema, ["rollout"]).join(", ")}; fix: remove it or use one of those keys`]);
        assert.ok(keysAt(manifestSchema, ["rollout"]).includes("concurrency"), "keys come from the schema");
    });

    it("a missing block says what it must hold", () => {
        const doc = example();
        delete doc.defaults;
        assert.deepStrictEqual(lines(doc), ["stacks/fleet.yaml: defaults: missing; expected a mapping; fix: add a defaults: block with at least region, e.g. defaults: { region: us-east-1 }"]);
    });

    it("an empty manifest, or one whose top level is a list, is one line", () => {
        for (const doc of [null, undefined]) {
            assert.deepStrictEqual(lines(doc), ["stacks/fleet.yaml: the file is empty; expected a mapping with version: 1, awsOrganizationId, defaults (region) and stacks; fix: start from the example stacks/fleet.yaml of the repository"]);
        }
        assert.match(lines([1, 2]).join("\n"), /^stacks\/fleet\.yaml: the top level is a list; expected a mapping/);
    });

    it("stack-name typos in rollout.canary and dependsOn name the closest stack", () => {
        const doc = example();
        doc.rollout.canary = ["monitored-paymnets"];
        assert.deepStrictEqual(lines(doc), ['stacks/fleet.yaml: rollout.canary: "monitored-paymnets" is not a stack of this manifest; did you mean monitored-payments? fix: write monitored-payments']);
        const dep = example();
        byName(dep, "monitored-analytics").dependsOn = ["ghost"];
        assert.match(lines(dep)[0], /^stacks\/fleet\.yaml: stacks\[2\]\.dependsOn: "ghost" is not a stack of this manifest; expected one of hub, monitored-payments, .*; fix: use one of those names$/);
    });

    it("a region typo names the closest region once (not again as 'not the hub's region')", () => {
        const doc = example();
        byName(doc, "monitored-payments").region = "us-esat-1";
        assert.deepStrictEqual(lines(doc), ['stacks/fleet.yaml: stacks[1] (monitored-payments).region: "us-esat-1" is not an AWS region (the pinned @pulumi/aws knows 46); did you mean us-east-1? fix: write us-east-1']);
    });

    it("a role typo names the closest role", () => {
        const doc = example();
        doc.stacks[1].role = "monitord";
        assert.deepStrictEqual(lines(doc), ['stacks/fleet.yaml: stacks[1].role: "monitord" is not valid; expected one of hub, monitored, onprem; did you mean monitored? fix: write monitored']);
    });

    it("a mistyped key inside a stack's config names the closest key of its role's schema", () => {
        const doc = example();
        const c = byName(doc, "monitored-payments").config;
        c.workload = c.workloads;
        delete c.workloads;
        assert.deepStrictEqual(lines(doc), ["stacks/fleet.yaml: stacks[1] (monitored-payments): config.workload: unknown key; did you mean workloads? fix: rename workload to workloads"]);
    });

    it("a site network inside a monitored account's workload ranges is refused like two accounts' overlapping ranges", () => {
        const doc = example();
        byName(doc, "onprem-dc1").config.siteCidrs = ["10.20.5.0/24"];
        const got = lines(doc);
        assert.strictEqual(got.length, 1, got.join("\n"));
        assert.match(got[0], /^stacks\/fleet\.yaml: stacks\[4\] \(onprem-dc1\)\.config\.siteCidrs\[0\]: 10\.20\.5\.0\/24 overlaps 10\.20\.0\.0\/16 \(stacks\[1\] \(monitored-payments\)\.config\.workloads\.cidrs\[0\]\); .*; fix: correct one of the two ranges$/);
    });

    it("the hub VPC may overlap a monitored account's workloads (PrivateLink: no route between them)", () => {
        const doc = example();
        byName(doc, "monitored-payments").config.workloads.cidrs = ["10.60.0.0/20"];
        assert.doesNotThrow(() => resolveManifest(doc));
    });

    it("closest: only near misses count; case-only differences always do", () => {
        assert.strictEqual(closest("concurency", ["concurrency", "canary"]), "concurrency");
        assert.strictEqual(closest("foo", ["hub", "monitored"]), undefined);
        assert.strictEqual(closest("Region", ["regionOrder", "region"]), "region");
    });
});
