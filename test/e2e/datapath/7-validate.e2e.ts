import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { ADOT_COMPONENTS, DEPRECATED_TYPE_ALIASES, builtForE2e } from "../../../components/telemetry/adotComponents";
import { spawn } from "child_process";
import { stringify } from "yaml";
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
            const expected = ADOT_COMPONENTS[kind].filter((t) => builtForE2e(kind, t)).slice().sort();
            f.details[kind] = built[kind].length;
            assert.deepStrictEqual(built[kind], expected, kind);
        }
    }));

    it("accepts every old type name in DEPRECATED_TYPE_ALIASES and names exactly its replacement", async () => scenario("7-aliases", async (f) => {
        // Minimal settings each aliased type needs to start; the pipelines only exist to instantiate them.
        const settings: Record<string, unknown> = {
            "receivers/filelog": { include: [path.join(runDir("s7a"), "none.log")] },
            "processors/k8sattributes": {}, "processors/metricstransform": { transforms: [] },
            "processors/resourcedetection": { detectors: ["env"] },
            "exporters/prometheusremotewrite": { endpoint: "http://127.0.0.1:1/api/v1/write" },
            "exporters/otlp": { endpoint: "127.0.0.1:1" }, "exporters/otlphttp": { endpoint: "http://127.0.0.1:1" },
        };
        const expected: string[] = [];
        const doc: Record<string, Record<string, unknown>> = { receivers: { otlp: { protocols: { grpc: { endpoint: "127.0.0.1:0" } } } }, processors: {}, exporters: {}, extensions: {} };
        for (const [kind, aliases] of Object.entries(DEPRECATED_TYPE_ALIASES) as Array<[keyof typeof DEPRECATED_TYPE_ALIASES, Record<string, string>]>) {
            for (const [old, now] of Object.entries(aliases).filter(([, now]) => builtForE2e(kind, now))) {
                assert.ok(`${kind}/${old}` in settings, `test settings for ${kind}/${old}`);
                doc[kind][old] = settings[`${kind}/${old}`];
                expected.push(`${old} -> ${now}`);
            }
        }
        const metricsExporters = Object.keys(doc.exporters);
        const config = { ...doc, service: { telemetry: { metrics: { level: "none" } }, pipelines: {
            metrics: { receivers: ["otlp"], processors: ["metricstransform", "resourcedetection"], exporters: metricsExporters },
            logs: { receivers: ["filelog"], processors: ["k8sattributes"], exporters: ["otlp"] },
        } } };
        const file = path.join(runDir("s7a"), "aliases.yaml");
        fs.writeFileSync(file, stringify(config));
        // The alias warning is logged when the pipelines are built (not by `validate`): run it briefly.
        const logs = await new Promise<string>((resolve) => {
            const p = spawn(collectorBinaries().collector, [`--config=file:${file}`], { stdio: ["ignore", "ignore", "pipe"] });
            let out = "";
            p.stderr.on("data", (d: Buffer) => { out += d.toString(); });
            const timer = setTimeout(() => p.kill("SIGTERM"), 8_000);
            p.on("exit", () => { clearTimeout(timer); resolve(out); });
        });
        const seen = [...new Set([...logs.matchAll(/\\?"([a-z0-9_]+)\\?" alias is deprecated; use \\?"([a-z0-9_]+)\\?" instead/g)].map((m) => `${m[1]} -> ${m[2]}`))].sort();
        f.sent = expected.length;
        f.stored = seen.filter((x) => expected.includes(x)).length;
        f.details = { seen };
        assert.deepStrictEqual(seen, expected.sort());
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
