import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { ADOT_MODULES, ADOT_RELEASE, DEFAULT_COLLECTOR_IMAGE, NOT_IN_E2E_BUILD } from "../../components/telemetry/adotComponents";

const MANIFEST = path.resolve(__dirname, "../../tools/collector/builder-config.yaml");
const KINDS = ["receivers", "processors", "exporters", "extensions"] as const;

/** The ocb manifest must build exactly the ADOT component list of components/telemetry/adotComponents.ts. */
describe("collector build manifest (tools/collector/builder-config.yaml)", () => {
    const doc = parse(fs.readFileSync(MANIFEST, "utf8")) as Record<string, Array<{ gomod: string }>> & { dist: { version: string } };

    it("builds the pinned ADOT release's version", () => {
        assert.strictEqual(`v${doc.dist.version}`, ADOT_RELEASE.adot);
        assert.ok(DEFAULT_COLLECTOR_IMAGE.endsWith(`:${ADOT_RELEASE.adot}`), "the image the hub deploys is the release the e2e builds");
    });

    for (const kind of KINDS) {
        it(`lists ADOT's ${kind}, each module once, at the upstream version ADOT was built from`, () => {
            const expected = Object.entries(ADOT_MODULES[kind])
                .filter(([type]) => !NOT_IN_E2E_BUILD.includes(`${kind}/${type}` as `exporters/${string}`))
                .map(([, mod]) => `${mod} ${mod.startsWith("go.opentelemetry.io/collector/") ? ADOT_RELEASE.core : ADOT_RELEASE.contrib}`)
                .sort();
            const actual = doc[kind].map((m) => m.gomod).sort();
            assert.deepStrictEqual(actual, expected);
        });
    }

    it("leaves out only the deprecated vendor exporters, and says why", () => {
        const text = fs.readFileSync(MANIFEST, "utf8");
        for (const c of NOT_IN_E2E_BUILD) {
            assert.ok(c.startsWith("exporters/"));
            assert.match(text, new RegExp(`\\b${c.split("/")[1]}\\b`), `${c} is named in the manifest's comment`);
        }
        assert.strictEqual(doc.connectors, undefined, "ADOT ships no connectors");
    });

    it("uses the confmap providers at ADOT's versions", () => {
        for (const p of doc.providers.map((m) => m.gomod)) {
            assert.match(p, /(confmap\/provider\/\w+ v1\.2[13]\.0|s3provider v0\.117\.0)$/, p);
        }
    });
});
