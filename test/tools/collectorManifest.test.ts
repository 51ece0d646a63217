import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import {
    ADOT_MODULES, ADOT_PROVIDERS, ADOT_RELEASE, DEFAULT_COLLECTOR_IMAGE, E2E_BUILD_REPLACES, NOT_IN_E2E_BUILD, declaredComponents,
} from "../../components/telemetry/adotComponents";
import { loadManifest } from "../../automation/fleet/manifest";
import { planFleet, PlanStack } from "../../automation/plan/plan";
import { plannedCollectorConfigs } from "../support/planned";
import { MANIFEST_PATH, renderBuilderManifest } from "../../tools/collector/manifest";

const KINDS = ["receivers", "processors", "exporters", "extensions"] as const;

/** The ocb manifest must build exactly the ADOT component list of components/telemetry/adotComponents.ts. */
describe("collector build manifest (tools/collector/builder-config.yaml)", () => {
    const text = fs.readFileSync(MANIFEST_PATH, "utf8");
    const doc = parse(text) as Record<string, Array<{ gomod: string }>> & { dist: { version: string }; replaces: string[] };

    it("is what `npm run -s collector:manifest` renders from the one ADOT release constant", () => {
        assert.strictEqual(text, renderBuilderManifest(), "run `npm run -s collector:manifest` and commit the file");
    });

    it("builds the pinned ADOT release's version, the one the hub deploys", () => {
        assert.strictEqual(`v${doc.dist.version}`, ADOT_RELEASE.adot);
        assert.ok(DEFAULT_COLLECTOR_IMAGE.endsWith(`:${ADOT_RELEASE.adot}`), "the image the hub deploys is the release the e2e builds");
    });

    for (const kind of KINDS) {
        it(`lists ADOT's ${kind}, each module once, at the upstream version ADOT was built from`, () => {
            const expected = Object.entries(ADOT_MODULES[kind])
                .filter(([type]) => !(`${kind}/${type}` in NOT_IN_E2E_BUILD))
                .map(([, mod]) => `${mod} ${mod.startsWith("go.opentelemetry.io/collector/") ? ADOT_RELEASE.core : ADOT_RELEASE.contrib}`)
                .sort();
            assert.deepStrictEqual(doc[kind].map((m) => m.gomod).sort(), expected);
        });
    }

    it("leaves out only ADOT components, each named with its reason in the manifest", () => {
        for (const [c, why] of Object.entries(NOT_IN_E2E_BUILD)) {
            const [kind, type] = c.split("/") as [keyof typeof ADOT_MODULES, string];
            assert.ok(type in ADOT_MODULES[kind], `${c} is an ADOT component`);
            assert.ok(text.includes(`#   ${c}: ${why}`), `${c} is explained in the manifest`);
        }
        assert.strictEqual(doc.connectors, undefined, "ADOT ships no connectors");
    });

    it("uses the confmap providers at ADOT's versions, and replaces only contrib-internal packages", () => {
        assert.deepStrictEqual(doc.providers.map((m) => m.gomod), [...ADOT_PROVIDERS]);
        for (const p of ADOT_PROVIDERS.filter((x) => x.startsWith("go.opentelemetry.io/"))) {
            assert.ok(p.endsWith(` ${ADOT_RELEASE.confmap}`), p);
        }
        assert.strictEqual(doc.replaces.length, E2E_BUILD_REPLACES.length);
        for (const r of E2E_BUILD_REPLACES) {
            // A replaced module is a shared package, never a component the manifest lists.
            assert.match(r.module, /opentelemetry-collector-contrib\/(internal|pkg)\//, r.module);
            assert.ok(!KINDS.some((k) => doc[k].some((m) => m.gomod.startsWith(`${r.module} `))), r.module);
        }
    });

    it("leaves out nothing the example fleet renders", async function () {
        this.timeout(120_000);
        const stacks: PlanStack[] = [];
        await planFleet(loadManifest(path.resolve(__dirname, "../../stacks/fleet.yaml")), { onStack: (s) => { stacks.push(s); } });
        const configs = plannedCollectorConfigs(stacks);
        assert.ok(configs.length >= 3, "the hub, a spoke and a gateway render configurations");
        const rendered = new Set(configs.flatMap((c) => declaredComponents(c.yaml)));
        assert.ok(rendered.has("processors/resource_detection"), "the check sees what the hub renders (aliases resolved)");
        assert.deepStrictEqual(Object.keys(NOT_IN_E2E_BUILD).filter((c) => rendered.has(c)), []);
    });
});
