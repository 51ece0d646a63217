import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { loadManifest, resolveManifest } from "../../automation/fleet/manifest";
import { FleetManifest } from "../../automation/fleet/types";
import { planFleet, PlanStack } from "../../automation/plan/plan";
import { generateFleet } from "../bench/fleetGen";

/**
 * The URN of every resource of the example fleet and of one small generated bench fleet, planned
 * offline and compared line for line with a committed list. A URN encodes the stack, the type,
 * the parent chain's types and the name: a change here is a delete and a create in production.
 * Regenerate only on purpose: `GOLDEN_URNS_WRITE=1 npx mocha test/golden/urns.test.ts`.
 */
const ROOT = path.resolve(__dirname, "../..");
const EXAMPLE = path.join(ROOT, "stacks/fleet.yaml");

async function urnList(manifest: FleetManifest): Promise<string> {
    const planned: PlanStack[] = [];
    const failures: string[] = [];
    await planFleet(manifest, {
        onStack: (s) => { planned.push(s); },
        onFailure: (s, e) => { failures.push(`${s.name}: ${e.message}`); },
    });
    assert.deepStrictEqual(failures, []);
    const lines: string[] = [];
    for (const s of [...planned].sort((a, b) => a.stack.localeCompare(b.stack))) {
        lines.push(`# ${s.stack} (${s.role}): ${s.resources.length} resources`);
        lines.push(...s.resources.map((r) => r.urn).sort());
    }
    return lines.join("\n") + "\n";
}

function compare(file: string, actual: string): void {
    const full = path.join(__dirname, file);
    if (process.env.GOLDEN_URNS_WRITE === "1") {
        fs.writeFileSync(full, actual);
    }
    const expected = fs.readFileSync(full, "utf8");
    if (actual !== expected) {
        const want = new Set(expected.split("\n"));
        const got = new Set(actual.split("\n"));
        const missing = [...want].filter((l) => !got.has(l));
        const extra = [...got].filter((l) => !want.has(l));
        assert.fail(`URNs differ from test/golden/${file}:\n  missing (would be deleted):\n    ${missing.join("\n    ")}\n  new (would be created):\n    ${extra.join("\n    ")}`);
    }
}

describe("golden URN list", function () {
    this.timeout(180000);

    it("the example fleet (stacks/fleet.yaml) plans exactly the committed URNs", async () => {
        compare("urns-example.txt", await urnList(loadManifest(EXAMPLE)));
    });

    it("a generated bench fleet (3 monitored accounts, 2 sites) plans exactly the committed URNs", async () => {
        const doc = generateFleet(parse(fs.readFileSync(EXAMPLE, "utf8")), 3, 2);
        compare("urns-bench-3x2.txt", await urnList(resolveManifest(doc, EXAMPLE)));
    });
});
