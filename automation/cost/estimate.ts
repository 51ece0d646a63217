import type { CostModel } from "../fleet/costModel";
import type { PlanDocument } from "../plan/plan";
import { uncoveredTypes } from "./catalog";
import { cloudwatchLines, logsLines, networkLines, privateCaLines, secretsKmsLines, ssmLines } from "./accountLines";
import { fleetLoad } from "./load";
import { ampLines, CostLine, endpointLines, fargateLines, grafanaLines, LineContext, nlbLines, Service, SERVICES } from "./lines";
import { PriceTable } from "./prices";

export interface StackEstimate {
    readonly stack: string;
    readonly role: string;
    readonly account: string;
    readonly region: string;
    readonly lines: readonly CostLine[];
    readonly usd: number;
}

export interface Estimate {
    readonly stacks: readonly StackEstimate[];
    readonly byService: ReadonlyArray<{ service: Service; usd: number }>;
    readonly usd: number;
    /** Planned resource types the catalog neither prices nor declares free. */
    readonly uncovered: readonly string[];
    readonly model: CostModel;
}

const BUILDERS = [endpointLines, nlbLines, fargateLines, ampLines, grafanaLines, cloudwatchLines, logsLines, privateCaLines, secretsKmsLines, networkLines, ssmLines];

/** The monthly estimate of a plan under a load model, with prices by Region (prices.ts loadPrices). */
export function estimate(plan: PlanDocument, model: CostModel, prices: (region: string) => PriceTable): Estimate {
    const home = plan.stacks.find((s) => s.role === "hub")?.region ?? plan.stacks[0]?.region ?? "us-east-1";
    const fleet = fleetLoad(plan, model, prices(home).hoursPerMonth);
    const stacks = plan.stacks.map((stack): StackEstimate => {
        const ctx: LineContext = { stack, load: fleet.byStack.get(stack.stack)!, fleet, prices };
        const lines = BUILDERS.flatMap((b) => b(ctx)).filter((l) => l.quantity > 0);
        return { stack: stack.stack, role: stack.role, account: stack.account, region: stack.region, lines, usd: lines.reduce((a, l) => a + l.usd, 0) };
    });
    const byService = SERVICES.map((service) => ({ service, usd: stacks.flatMap((s) => s.lines).filter((l) => l.service === service).reduce((a, l) => a + l.usd, 0) })).filter((s) => s.usd > 0);
    return {
        stacks,
        byService,
        usd: stacks.reduce((a, s) => a + s.usd, 0),
        uncovered: uncoveredTypes(plan.stacks.flatMap((s) => s.resources.map((r) => r.type))),
        model,
    };
}
