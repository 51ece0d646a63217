import type { CostModel } from "../fleet/costModel";
import type { PlanDocument } from "../plan/plan";
import { uncoveredTypes } from "./catalog";
import { cloudwatchLines, logsLines, networkLines, privateCaLines, secretsKmsLines, ssmLines } from "./accountLines";
import { fleetLoad } from "./load";
import { ampLines, CostLine, endpointLines, fargateLines, grafanaLines, nlbLines, Service, SERVICES } from "./lines";
import { costOf, PriceTable } from "./prices";

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

/**
 * Tiered prices count the whole organization's usage: under AWS Organizations consolidated billing the
 * usage of all accounts is combined to reach the volume tiers (https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/con-bill-blended-rates.html),
 * and the fleet is one organization (manifest awsOrganizationId). Each tiered price is applied to the
 * fleet's total quantity in its Region, and the cost shared out to the lines in proportion (a blended rate).
 */
export function blendTiers(lines: readonly CostLine[], prices: (region: string) => PriceTable): CostLine[] {
    const totals = new Map<string, number>();
    const key = (l: CostLine) => `${l.region} ${l.price}`;
    for (const l of lines) {
        totals.set(key(l), (totals.get(key(l)) ?? 0) + l.quantity);
    }
    return lines.map((l) => {
        const p = prices(l.region).prices[l.price];
        const total = totals.get(key(l))!;
        return "tiers" in p && total > 0 ? { ...l, usd: (costOf(p, total) * l.quantity) / total } : l;
    });
}

/** The monthly estimate of a plan under a load model, with prices by Region (prices.ts loadPrices). */
export function estimate(plan: PlanDocument, model: CostModel, prices: (region: string) => PriceTable): Estimate {
    const home = plan.stacks.find((s) => s.role === "hub")?.region ?? plan.stacks[0]?.region ?? "us-east-1";
    const fleet = fleetLoad(plan, model, prices(home).hoursPerMonth);
    const raw = plan.stacks.map((stack) => BUILDERS.flatMap((b) => b({ stack, load: fleet.byStack.get(stack.stack)!, fleet, prices })).filter((l) => l.quantity > 0));
    const blended = blendTiers(raw.flat(), prices);
    let next = 0;
    const stacks = plan.stacks.map((stack, i): StackEstimate => {
        const lines = blended.slice(next, (next += raw[i].length));
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
