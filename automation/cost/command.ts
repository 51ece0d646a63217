import { Command } from "commander";
import * as fs from "fs";
import { ConfigError } from "../../stacks/config/common";
import { costModelSchema } from "../fleet/costModel";
import { loadManifest } from "../fleet/manifest";
import { EXIT_HELP, setExitCode } from "../io/cliKit";
import { checkOutputTarget, writeAll, writeOutput } from "../io/output";
import type { PlanDocument } from "../plan/plan";
import { estimate } from "./estimate";
import { estimateJson, formatEstimate } from "./format";
import { loadPrices, PriceTable } from "./prices";
import { formatShapes, sharedEndpointShape } from "./shapes";

export interface CostOptions {
    manifest: string;
    json?: string;
    /** Also price the shared-endpoint shape beside the planned one (shapes.ts). */
    shapes?: boolean;
}

function readPlanFile(file: string): PlanDocument {
    let doc: unknown;
    try {
        doc = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        throw new ConfigError(`${file}: ${code !== undefined ? `cannot read it (${code})` : `not valid JSON (${(e as Error).message})`}; fix: pass a plan written by \`npm run fleet -- plan --json FILE\``);
    }
    const d = doc as Partial<PlanDocument> | null;
    if (d === null || typeof d !== "object" || d.version !== 1 || !Array.isArray(d.stacks)) {
        throw new ConfigError(`${file}: not a version 1 plan (expected {"version": 1, "stacks": [...]}); fix: regenerate it with \`npm run fleet -- plan --json FILE\``);
    }
    return d as PlanDocument;
}

/** `fleet cost plan.json`: the monthly estimate of a plan under the manifest's load model; returns the exit code. */
export function cost(planFile: string, opts: CostOptions): number {
    const target = opts.json !== undefined ? checkOutputTarget(opts.json, "--json") : undefined;
    const plan = readPlanFile(planFile);
    const model = loadManifest(opts.manifest).costModel ?? costModelSchema.parse({});
    const tables = new Map<string, PriceTable>();
    const prices = (region: string): PriceTable => {
        if (!tables.has(region)) {
            tables.set(region, loadPrices(region));
        }
        return tables.get(region)!;
    };
    const e = estimate(plan, model, prices);
    // Written synchronously and whole: a fleet's report is thousands of lines, and the CLI exits right after.
    const say = (l: string) => writeAll(target?.kind === "stdout" ? 2 : 1, Buffer.from(`${l}\n`));
    const shapes = opts.shapes === true ? sharedEndpointShape(e, prices) : undefined;
    say([...formatEstimate(e), ...(shapes !== undefined ? formatShapes(shapes) : [])].join("\n"));
    if (target !== undefined) {
        const json = estimateJson(e, [...tables.values()]);
        writeOutput(target, shapes === undefined ? json : `${JSON.stringify({ ...JSON.parse(json), shapes }, null, 2)}\n`, "--json");
        if (target.kind === "file") {
            say(`wrote ${opts.json}`);
        }
    }
    // An unpriced resource type makes the total wrong: fail so CI notices.
    return e.uncovered.length > 0 ? 1 : 0;
}

export function costCommand(): Command {
    return new Command("cost")
        .description("estimated monthly cost of a plan, per stack and by service, from shipped list prices and the manifest's load model")
        .argument("<plan.json>", "a plan written by `npm run fleet -- plan --json FILE`")
        .option("--manifest <file>", "fleet manifest (its costModel is the load model)", "stacks/fleet.yaml")
        .option("--json <file>", "also write the estimate as JSON (- for standard output; the text goes to stderr)")
        .option("--shapes", "also price the shared-endpoint shape (AWS service endpoints once per Region, over the transit gateway) beside the planned one")
        .addHelpText("after", `\nExamples:\n  npm run fleet -- plan --json plan.json && npm run fleet -- cost plan.json\n  npm run fleet -- cost plan.json --json - | jq .byService\n  npm run fleet -- cost plan.json --shapes\n\nExit code 1 when the plan holds a resource type that is neither priced nor declared free (automation/cost/catalog.ts).\n${EXIT_HELP}`)
        .action((planFile: string, o: CostOptions, cmd: Command) => {
            setExitCode(cmd, cost(planFile, o));
        });
}
