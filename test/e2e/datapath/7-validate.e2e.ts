import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { ADOT_COMPONENTS, NOT_IN_E2E_BUILD } from "../../../components/telemetry/adotComponents";
import { loadManifest } from "../../../automation/fleet/manifest";
import { GATEWAY_PATHS } from "../../../components/onprem/gatewayCollectorConfig";
import { PlanStack, planFleet } from "../../../automation/plan/plan";
import { plannedCollectorConfigs } from "../../support/planned";
import { collectorEnv, components, validate } from "./lib/collector";
import { REPO, collectorBinaries, runDir } from "./lib/env";
import { scenario, stampCollector } from "./lib/report";
import { generatePki } from "./lib/tls";
import { DOMAIN } from "./lib/topology";


describe("data path 7: the built collector validates every configuration the example fleet renders", function () {
    before(async function () {
        this.timeout(3_600_000);
        collectorBinaries();
        await stampCollector();
    });

    it("is built with exactly ADOT's components (less the documented exceptions)", async () => scenario("7-components", async (f) => {
        const doc = parse(await components()) as Record<string, Array<{ name: string }>>;
        const built: Record<string, string[]> = {};
        for (const kind of Object.keys(ADOT_COMPONENTS) as Array<keyof typeof ADOT_COMPONENTS>) {
            built[kind] = (doc[kind] ?? []).map((c) => c.name).sort();
            const expected = ADOT_COMPONENTS[kind].filter((t) => !NOT_IN_E2E_BUILD.includes(`${kind}/${t}` as `exporters/${string}`)).slice().sort();
            f.details[kind] = built[kind].length;
            assert.deepStrictEqual(built[kind], expected, kind);
        }
    }));

    it("`otelcol validate` accepts each of them", async () => scenario("7-validate", async (f) => {
        const stacks: PlanStack[] = [];
        await planFleet(loadManifest(path.join(REPO, "stacks/fleet.yaml")), { onStack: (s) => { stacks.push(s); } });
        const configs = plannedCollectorConfigs(stacks);
        const dir = runDir("s7");
        const pki = generatePki(path.join(dir, "pki"), DOMAIN);
        const results: Record<string, string> = {};
        for (const [i, c] of configs.entries()) {
            const file = path.join(dir, `${i}-${c.where.replace(/[^a-z0-9-]+/gi, "_")}.yaml`);
            // file_storage checks that its directory exists (create_directory: false, on purpose: a
            // missing volume must not silently become an ephemeral queue). In the pod it is the PVC's
            // mount point; here a per-run directory stands in for it, the only change to the file.
            const pvc = path.join(dir, `${i}-pvc`);
            fs.mkdirSync(pvc);
            fs.writeFileSync(file, c.yaml.split(GATEWAY_PATHS.queue).join(pvc));
            const r = await validate(file, collectorEnv(pki));
            results[c.where] = r.ok ? "valid" : r.output.split("\n").slice(-3).join(" ");
        }
        f.sent = configs.length;
        f.stored = Object.values(results).filter((r) => r === "valid").length;
        f.lost = f.sent - f.stored;
        f.details = results;
        assert.ok(configs.some((c) => c.where.startsWith("hub/")) && configs.some((c) => c.where.startsWith("onprem-dc1/")) && configs.some((c) => c.where.startsWith("monitored-analytics/")), Object.keys(results).join(", "));
        assert.deepStrictEqual(Object.entries(results).filter(([, r]) => r !== "valid"), []);
    }));
});
