/**
 * `npm run bench:batches-engine`: figures, not pass/fail. What the hub's registration batches
 * (components/identity/registrationBatches.ts) do under the real Pulumi CLI and Node.js language host,
 * where registrations are gRPC round trips to the engine rather than the offline plan's promise
 * continuations: a program of TENANTS tenants (a component with 5 child components each, under one
 * parent) built with `inBatches`, previewed with batches of 50 and with one batch of all tenants.
 * Prints, per run, the wall seconds of `pulumi preview`, whether both registered the same URNs (with
 * the same parents), and for the batched run how many registrations the engine had answered when
 * each batch was constructed (0 throughout: the yield is an event-loop turn, not a wait for the engine).
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { toolsBin } from "../e2e/engine/harness";

const ROOT = path.resolve(__dirname, "../..");
const TENANTS = Number(process.env.TENANTS ?? 100);
const RUNS = Number(process.env.BENCH_RUNS ?? 1);

const PROGRAM = `import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import { inBatches } from ${JSON.stringify(path.join(ROOT, "components/identity/registrationBatches"))};

class Node extends pulumi.ComponentResource {
    constructor(type: string, name: string, opts?: pulumi.ComponentResourceOptions) {
        super(type, name, {}, opts);
        this.registerOutputs({});
    }
}
const tenants = Number(process.env.TENANTS);
const batch = Number(process.env.BATCH);
let answered = 0;
const atBatchStart: number[] = [];
const hub = new Node("batches:index:Hub", "hub");
const outs = inBatches(Array.from({ length: tenants }, (_, i) => i), batch, ["urn"], (i) => {
    if (i % batch === 0) {
        atBatchStart.push(answered);
    }
    const t = new Node("batches:index:Tenant", \`tenant-\${i}\`, { parent: hub });
    for (let j = 0; j < 5; j++) {
        new Node("batches:index:Part", \`tenant-\${i}-part-\${j}\`, { parent: t }).urn.apply(() => answered++);
    }
    t.urn.apply(() => answered++);
    return { urn: t.urn };
});
process.on("exit", () => fs.writeFileSync(process.env.BATCH_LOG!, JSON.stringify(atBatchStart)));
export const urns = pulumi.all(outs.map((o) => o.urn));
`;

function main(): void {
    const bin = toolsBin();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "batches-engine-"));
    try {
        const program = path.join(dir, "program");
        fs.mkdirSync(program);
        fs.writeFileSync(path.join(program, "Pulumi.yaml"), "name: batches-engine\nruntime: nodejs\n");
        fs.writeFileSync(path.join(program, "index.ts"), PROGRAM);
        fs.writeFileSync(path.join(program, "package.json"), JSON.stringify({ name: "batches-engine", private: true, main: "index.ts" }));
        fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(program, "node_modules"));
        fs.mkdirSync(path.join(dir, "backend"));
        const env: NodeJS.ProcessEnv = {
            ...process.env,
            PATH: `${bin}:${path.dirname(process.execPath)}:${process.env.PATH ?? ""}`,
            PULUMI_HOME: path.join(dir, "home"),
            PULUMI_BACKEND_URL: `file://${path.join(dir, "backend")}`,
            PULUMI_CONFIG_PASSPHRASE: "batches-engine",
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
            TENANTS: String(TENANTS),
        };
        const pulumi = (args: string[], extra: NodeJS.ProcessEnv = {}) =>
            execFileSync("pulumi", args, { cwd: program, env: { ...env, ...extra }, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 256 * 1024 * 1024 });
        pulumi(["stack", "init", "bench", "--secrets-provider", "passphrase"]);
        console.log(`real engine (pulumi preview), ${TENANTS} tenants × 6 components, load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}`);
        const urnsOf: Record<string, string> = {};
        for (let run = 0; run < RUNS; run++) {
            for (const batch of [50, TENANTS]) {
                const log = path.join(dir, `batch-${batch}.json`);
                const started = process.hrtime.bigint();
                const out = pulumi(["preview", "--json", "--non-interactive"], { BATCH: String(batch), BATCH_LOG: log });
                const seconds = Number(process.hrtime.bigint() - started) / 1e9;
                const steps = (JSON.parse(out) as { steps: { urn: string; newState?: { parent?: string } }[] }).steps;
                urnsOf[batch] = steps.map((s) => `${s.urn} < ${s.newState?.parent ?? ""}`).sort().join("\n");
                const atStart = JSON.parse(fs.readFileSync(log, "utf8")) as number[];
                console.log(`batch ${batch}: ${seconds.toFixed(1)} s wall, ${steps.length} steps; registrations answered when each batch was constructed: ${atStart.join(" ")}`);
            }
        }
        console.log(`same URNs and parents batched and in one batch: ${urnsOf[50] === urnsOf[TENANTS]}`);
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

main();
