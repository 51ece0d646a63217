import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { loadManifest } from "../../../automation/fleet/manifest";
import { planFleetParallel } from "../../../automation/plan/parallel";
import { PlanStack, planFleet } from "../../../automation/plan/plan";
import { projectRoot } from "../../../automation/io/paths";
import { generateFleet } from "../../bench/fleetGen";

describe("parallel offline plan", function () {
    this.timeout(180_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fleet-"));
    const file = path.join(dir, "fleet.yaml");

    before(() => {
        const example = parse(fs.readFileSync(path.join(projectRoot(), "stacks/fleet.yaml"), "utf8"));
        fs.writeFileSync(file, stringify(generateFleet(example, 5, 2)));
    });

    it("produces the same stacks as the single-process path (ignoring stack order)", async () => {
        const manifest = loadManifest(file);
        const single: PlanStack[] = [];
        const parallel: PlanStack[] = [];
        const r1 = await planFleet(manifest, { onStack: (s) => { single.push(s); } });
        const r2 = await planFleetParallel(manifest, { workers: 2, root: projectRoot() }, { onStack: (s) => { parallel.push(s); } });
        assert.deepStrictEqual([r1.failed, r1.skipped], [[], []]);
        assert.deepStrictEqual([r2.failed, r2.skipped], [[], []]);
        assert.strictEqual(single.length, 8);
        const byName = (xs: PlanStack[]) => [...xs].sort((a, b) => a.stack.localeCompare(b.stack));
        assert.deepStrictEqual(JSON.parse(JSON.stringify(byName(parallel))), JSON.parse(JSON.stringify(byName(single))));
        assert.strictEqual(parallel[0].stack, "hub", "the hub is planned before any spoke");
        assert.ok(r2.peakRssKiB > 0);
    });

    it("gives every generated member a unique account and non-overlapping site networks", () => {
        const manifest = loadManifest(file);
        const accounts = manifest.stacks.map((s) => s.account);
        assert.strictEqual(new Set(accounts).size, accounts.length);
        const hub = manifest.hub.parsed;
        assert.ok(hub.role === "hub");
        assert.strictEqual(hub.hub.onpremSites.length, 2);
        assert.strictEqual(hub.hub.monitoredAccounts.length, 5);
        assert.deepStrictEqual(hub.hub.onpremSites.map((s) => s.site), ["gen0", "gen1"], "each generated site is its own tenant");
    });
});
