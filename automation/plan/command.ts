import * as fs from "fs";
import * as os from "os";
import { ConfigError } from "../../stacks/config/common";
import { loadManifest } from "../manifest";
import { projectRoot } from "../paths";
import { disableSourcePositions } from "./fastRuntime";
import { planFleetParallel } from "./parallel";
import { PlanEvents, PlanStack, planFleet } from "./plan";

interface PlanArgs {
    manifest: string;
    json?: string;
    stacks?: Set<string>;
    /** Worker processes; 1 plans in this process. Default: one per core for fleets of 20+ stacks. */
    workers?: number;
}

const USAGE = "Usage: npm run fleet -- plan [--manifest stacks/fleet.yaml] [--json plan.json] [--stacks name,name] [--workers N]";

export function parsePlanArgs(argv: string[]): PlanArgs {
    const args: PlanArgs = { manifest: "stacks/fleet.yaml" };
    for (let i = 0; i < argv.length; i++) {
        const flag = argv[i];
        const value = () => {
            const v = argv[++i];
            if (v === undefined || v.startsWith("--")) {
                throw new ConfigError(`${flag} needs a value. ${USAGE}`);
            }
            return v;
        };
        switch (flag) {
            case "--manifest": args.manifest = value(); break;
            case "--json": args.json = value(); break;
            case "--stacks": args.stacks = new Set(value().split(",").map((s) => s.trim()).filter(Boolean)); break;
            case "--workers": {
                const v = value();
                const n = Number(v);
                if (!Number.isInteger(n) || n < 1 || n > 64) {
                    throw new ConfigError(`--workers: expected a whole number from 1 to 64, got "${v}". ${USAGE}`);
                }
                args.workers = n;
                break;
            }
            default: throw new ConfigError(`unknown argument ${flag}. ${USAGE}`);
        }
    }
    return args;
}

/** Resource counts by type, largest first, for the human summary. */
export function countByType(stack: PlanStack): Array<[string, number]> {
    const counts = new Map<string, number>();
    for (const r of stack.resources) {
        counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
    }
    return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/**
 * Streams the plan JSON: each stack is written as soon as it is planned so memory stays
 * bounded by one stack, not the fleet.
 */
class PlanWriter {
    private fd: number | undefined;
    private count = 0;
    constructor(private readonly file?: string) {
        if (file !== undefined) {
            this.fd = fs.openSync(`${file}.partial`, "w");
            fs.writeSync(this.fd, '{"version":1,"stacks":[');
        }
    }
    write(stack: PlanStack): void {
        if (this.fd !== undefined) {
            fs.writeSync(this.fd, (this.count++ > 0 ? ",\n" : "\n") + JSON.stringify(stack));
        }
    }
    close(ok: boolean): void {
        if (this.fd === undefined || this.file === undefined) {
            return;
        }
        fs.writeSync(this.fd, "\n]}\n");
        fs.closeSync(this.fd);
        // Only a complete plan replaces the previous file, so CI never checks half a fleet.
        if (ok) {
            fs.renameSync(`${this.file}.partial`, this.file);
        } else {
            fs.unlinkSync(`${this.file}.partial`);
        }
    }
}

export async function runPlanCommand(argv: string[]): Promise<number> {
    let args: PlanArgs;
    let manifest;
    try {
        args = parsePlanArgs(argv);
        manifest = loadManifest(args.manifest);
    } catch (e) {
        console.error((e as Error).message);
        return 2;
    }
    if (args.stacks !== undefined) {
        const unknown = [...args.stacks].filter((n) => !manifest.stacks.some((s) => s.name === n));
        if (unknown.length > 0) {
            console.error(`--stacks: ${unknown.join(", ")} not in ${args.manifest}`);
            return 2;
        }
    }
    // A worker costs a few seconds to start (loading the AWS SDK), so small fleets plan in-process.
    const workers = args.workers ?? (manifest.stacks.length >= 20 ? os.cpus().length : 1);
    const writer = new PlanWriter(args.json);
    const started = Date.now();
    let total = 0;
    const events: PlanEvents = {
        onStack: (s) => {
            total += s.resources.length;
            const top = countByType(s).map(([t, n]) => `${n} ${t}`).join(", ");
            const mandatory = s.violations.filter((v) => v.enforcementLevel === "mandatory").length;
            const policy = s.violations.length === 0 ? "no policy violations" : `${mandatory} mandatory, ${s.violations.length - mandatory} other policy violations`;
            console.log(`✔ ${s.stack} (${s.role}, ${s.account}/${s.region}): ${s.resources.length} resources, ${policy}`);
            console.log(`    ${top}`);
            writer.write(s);
        },
        onFailure: (s, e) => {
            console.error(`✘ ${s.name} (${s.role}, ${s.account}/${s.region}): ${e.message}`);
        },
    };
    let result: { failed: string[]; skipped: string[]; peakRssKiB?: number };
    try {
        if (workers > 1) {
            result = await planFleetParallel(manifest, { workers, selected: args.stacks, root: projectRoot() }, events);
        } else {
            disableSourcePositions({ stackTraces: false });
            result = await planFleet(manifest, events, args.stacks);
        }
    } catch (e) {
        writer.close(false);
        console.error(`plan aborted: ${(e as Error).message}`);
        return 1;
    }
    const { failed, skipped } = result;
    const ok = failed.length === 0 && skipped.length === 0;
    writer.close(ok);
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    const rss = ((result.peakRssKiB ?? process.resourceUsage().maxRSS) / 1024).toFixed(0);
    console.log(`${ok ? "planned" : "FAILED"}: ${total} resources in ${secs}s (${workers} worker${workers > 1 ? "s" : ""}, peak RSS ${rss} MiB); failed: ${failed.length}, skipped: ${skipped.length}${args.json && ok ? `; wrote ${args.json}` : ""}`);
    return ok ? 0 : 1;
}
