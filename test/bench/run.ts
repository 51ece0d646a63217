/**
 * `npm run bench`: figures, not pass/fail.
 *  1. Offline plan + policy check of generated fleets (the monitored accounts of BENCH_DEFAULTS.sizes in options.ts,
 *     with 20 on-prem sites, 50 from 850 accounts up, and the hub), through the installed command:
 *     stacks, resources, wall seconds, CPU seconds (user + system of every process of the plan and of the check),
 *     ms per resource, peak RSS of the plan (all its processes) and of the check, and the load average when the
 *     row finished (the machine may be shared). CPU seconds tell the machine's speed apart from the program's: the
 *     plan keeps both cores busy, so its wall time follows its CPU time, and the same plan's CPU time varies from
 *     run to run on an otherwise idle machine (README "Scale").
 *  2. The example fleet's plan (stacks/fleet.yaml, in-process): wall and CPU seconds of 5 runs of the installed
 *     command, the start-up a developer or CI job pays on every plan (issue 26: <= 2 s wall).
 *  3. The fleet driver's scheduler makespan against the ideal.
 * Sizes can be chosen with BENCH_SIZES=10,100; BENCH_RUNS=N plans and
 * checks each size N times (a row per run, default 1), for the spread of one machine's runs.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { projectRoot } from "../../automation/io/paths";
import { generateFleet } from "./fleetGen";
import { BenchOptionError, benchOptions } from "./options";
import { benchScheduler } from "./scheduler";

const root = projectRoot();
/**
 * On-prem sites of a generated fleet: the issue 26 row is 2,000 accounts + 50 sites (one hub takes it since its
 * identity key policy stopped listing monitored accounts; before, it passed AWS's 32 KB limit and was refused),
 * 850 + 50 was the most one hub took before that; smaller rows keep 20.
 */
const sitesFor = (monitored: number) => (monitored >= 850 ? 50 : 20);
const TIME = "/usr/bin/time";

interface Row {
    monitored: number;
    sites: number;
    stacks: number;
    resources: number;
    planSeconds: number;
    checkSeconds: number;
    /** User + system seconds of the plan's processes and of the check's, where GNU time is installed. */
    cpuSeconds?: number;
    peakRssMiB: number;
    checkRssMiB?: number;
    violations: string;
    load: string;
}

/**
 * Runs the installed command (tools/oss-monitoring.js, compiled JavaScript), returning stdout+stderr,
 * wall seconds and, where GNU time is installed, the command's peak RSS and CPU seconds (user + system, its
 * processes included).
 */
function run(args: string[]): { out: string; seconds: number; rssMiB?: number; cpuSeconds?: number } {
    const command = [process.execPath, path.join(root, "tools", "oss-monitoring.js"), ...args];
    const rssFile = path.join(os.tmpdir(), `bench-rss-${process.pid}`);
    const timed = fs.existsSync(TIME) ? [TIME, "-o", rssFile, "-f", "%M %U %S", ...command] : command;
    const started = process.hrtime.bigint();
    let out: string;
    try {
        out = execFileSync(timed[0], timed.slice(1), { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 * 1024 * 1024 });
    } catch (e) {
        const err = e as { stdout?: string; stderr?: string; status?: number };
        out = `${err.stdout ?? ""}${err.stderr ?? ""}`;
        if (args[0] !== "policy" || err.status !== 1) {
            throw new Error(`oss-monitoring ${args.join(" ")} failed (exit ${err.status}):\n${out.slice(-2000)}`, { cause: e });
        }
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const usage = fs.existsSync(rssFile) ? /^(\d+) ([\d.]+) ([\d.]+)$/m.exec(fs.readFileSync(rssFile, "utf8")) : null;
    fs.rmSync(rssFile, { force: true });
    return { out, seconds, rssMiB: usage ? Math.round(Number(usage[1]) / 1024) : undefined, cpuSeconds: usage ? Number(usage[2]) + Number(usage[3]) : undefined };
}

/** The example fleet's plan, `runs` times: wall seconds (process start to exit) and user + system CPU seconds. */
function benchExample(runs: number, dir: string): string {
    const walls: number[] = [];
    const cpus: number[] = [];
    for (let i = 0; i < runs; i++) {
        const p = run(["plan", "--json", path.join(dir, "example.json")]);
        walls.push(p.seconds);
        if (p.cpuSeconds !== undefined) {
            cpus.push(p.cpuSeconds);
        }
    }
    const fmt = (xs: number[]) => `${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)} s (median ${[...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)].toFixed(2)})`;
    return `example fleet (stacks/fleet.yaml), \`plan --json\` of the installed command, ${runs} runs: wall ${fmt(walls)}${cpus.length > 0 ? `, CPU (user + system) ${fmt(cpus)}` : ""}; load ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}`;
}

function benchPlan(monitored: number, dir: string): Row {
    const example = parse(fs.readFileSync(path.join(root, "stacks/fleet.yaml"), "utf8"));
    const manifest = path.join(dir, `fleet-${monitored}.yaml`);
    const plan = path.join(dir, `plan-${monitored}.json`);
    const sites = sitesFor(monitored);
    fs.writeFileSync(manifest, stringify(generateFleet(example, monitored, sites)));
    const p = run(["plan", "--manifest", manifest, "--json", plan]);
    const m = /Plan: (\d+) to create in \d+ stacks .*peak RSS (\d+) MiB/.exec(p.out);
    if (!m) {
        throw new Error(`unexpected plan output:\n${p.out.slice(-1000)}`);
    }
    const c = run(["policy", "check", plan]);
    const v = /(\d+) mandatory, (\d+) other/i.exec(c.out);
    const doc = JSON.parse(fs.readFileSync(plan, "utf8")) as { stacks: unknown[] };
    fs.rmSync(plan);
    return {
        monitored,
        sites,
        stacks: doc.stacks.length,
        resources: Number(m[1]),
        planSeconds: p.seconds,
        checkSeconds: c.seconds,
        cpuSeconds: p.cpuSeconds !== undefined && c.cpuSeconds !== undefined ? p.cpuSeconds + c.cpuSeconds : undefined,
        peakRssMiB: Number(m[2]),
        checkRssMiB: c.rssMiB,
        load: os.loadavg().map((l) => l.toFixed(1)).join(" "),
        violations: v ? `${v[1]} mandatory, ${v[2]} other` : c.out.trim().split("\n").pop() ?? "",
    };
}

async function main(): Promise<void> {
    const { sizes, runs } = benchOptions(process.env);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-"));
    // Built before the first row, so no row pays for it.
    run(["--version"]);
    console.log(benchExample(5, dir));
    console.log("");
    console.log(`offline plan + policy check (the installed command), ${os.cpus().length} cores, hub per fleet; load average 1/5/15 min when each row ended`);
    console.log("| monitored | sites | stacks | resources | plan s | check s | total s | CPU s | ms/resource | plan peak RSS MiB | check peak RSS MiB | violations | load |");
    console.log("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |");
    for (const n of sizes.flatMap((size) => Array<number>(runs).fill(size))) {
        let r: Row;
        try {
            r = benchPlan(n, dir);
        } catch (e) {
            // A fleet the project refuses by design (e.g. more tenants than one hub's identity key policy
            // holds: AWS caps a key policy at 32 KB) is a figure too: print the refusal as the row.
            const refusal = /✘ hub \([^)]*\): (.*)$/m.exec((e as Error).message);
            if (refusal === null) {
                throw e;
            }
            console.log(`| ${n} | ${sitesFor(n)} | — | — | — | — | — | — | — | — | — | hub refused: ${refusal[1]} | ${os.loadavg().map((l) => l.toFixed(1)).join(" ")} |`);
            continue;
        }
        const total = r.planSeconds + r.checkSeconds;
        console.log(`| ${r.monitored} | ${r.sites} | ${r.stacks} | ${r.resources} | ${r.planSeconds.toFixed(1)} | ${r.checkSeconds.toFixed(1)} | ${total.toFixed(1)} | ${r.cpuSeconds?.toFixed(1) ?? "n/a"} | ${((total * 1000) / r.resources).toFixed(2)} | ${r.peakRssMiB} | ${r.checkRssMiB ?? "n/a"} | ${r.violations} | ${r.load} |`);
    }
    fs.rmSync(dir, { recursive: true, force: true });
    console.log("");
    for (const line of await benchScheduler()) {
        console.log(line);
    }
}

main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(e instanceof BenchOptionError ? 2 : 1);
});
