/**
 * `npm run bench`: figures, not pass/fail.
 *  1. Offline plan + policy check of generated fleets (10, 100, 500 monitored accounts plus
 *     20 on-prem sites and the hub): stacks, resources, wall seconds, ms per resource, peak RSS.
 *  2. The fleet driver's scheduler makespan against the ideal.
 * Sizes can be chosen with BENCH_SIZES=10,100.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { projectRoot } from "../../automation/io/paths";
import { generateFleet } from "./fleetGen";
import { benchScheduler } from "./scheduler";

const root = projectRoot();
const SITES = 20;

interface Row {
    monitored: number;
    stacks: number;
    resources: number;
    planSeconds: number;
    checkSeconds: number;
    peakRssMiB: number;
    violations: string;
}

/** Runs a project CLI as the npm scripts do, returning stdout+stderr and wall seconds. */
function run(entry: string, args: string[]): { out: string; seconds: number } {
    const started = process.hrtime.bigint();
    let out: string;
    try {
        out = execFileSync(process.execPath, ["-r", "ts-node/register/transpile-only", "automation/cli/launch.ts", entry, ...args], {
            cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 * 1024 * 1024,
        });
    } catch (e) {
        const err = e as { stdout?: string; stderr?: string; status?: number };
        out = `${err.stdout ?? ""}${err.stderr ?? ""}`;
        if (entry !== "automation/cli/policyCli" || err.status !== 1) {
            throw new Error(`${entry} ${args.join(" ")} failed (exit ${err.status}):\n${out.slice(-2000)}`, { cause: e });
        }
    }
    return { out, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

function benchPlan(monitored: number, dir: string): Row {
    const example = parse(fs.readFileSync(path.join(root, "stacks/fleet.yaml"), "utf8"));
    const manifest = path.join(dir, `fleet-${monitored}.yaml`);
    const plan = path.join(dir, `plan-${monitored}.json`);
    fs.writeFileSync(manifest, stringify(generateFleet(example, monitored, SITES)));
    const p = run("automation/cli/fleetCli", ["plan", "--manifest", manifest, "--json", plan]);
    const m = /Plan: (\d+) to create in \d+ stacks .*peak RSS (\d+) MiB/.exec(p.out);
    if (!m) {
        throw new Error(`unexpected plan output:\n${p.out.slice(-1000)}`);
    }
    const c = run("automation/cli/policyCli", ["check", plan]);
    const v = /(\d+) mandatory, (\d+) other/i.exec(c.out);
    const doc = JSON.parse(fs.readFileSync(plan, "utf8")) as { stacks: unknown[] };
    return {
        monitored,
        stacks: doc.stacks.length,
        resources: Number(m[1]),
        planSeconds: p.seconds,
        checkSeconds: c.seconds,
        peakRssMiB: Number(m[2]),
        violations: v ? `${v[1]} mandatory, ${v[2]} other` : c.out.trim().split("\n").pop() ?? "",
    };
}

async function main(): Promise<void> {
    const sizes = (process.env.BENCH_SIZES ?? "10,100,500").split(",").map(Number);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-"));
    console.log(`offline plan + policy check, ${os.cpus().length} cores, ${SITES} on-prem sites + hub per fleet`);
    console.log("| monitored | stacks | resources | plan s | check s | total s | ms/resource | peak RSS MiB | violations |");
    console.log("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
    for (const n of sizes) {
        const r = benchPlan(n, dir);
        const total = r.planSeconds + r.checkSeconds;
        console.log(`| ${r.monitored} | ${r.stacks} | ${r.resources} | ${r.planSeconds.toFixed(1)} | ${r.checkSeconds.toFixed(1)} | ${total.toFixed(1)} | ${((total * 1000) / r.resources).toFixed(2)} | ${r.peakRssMiB} | ${r.violations} |`);
    }
    console.log("");
    for (const line of await benchScheduler()) {
        console.log(line);
    }
}

main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
});
