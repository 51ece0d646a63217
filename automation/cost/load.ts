import type { CostModel } from "../fleet/costModel";
import type { PlanDocument, PlanStack } from "../plan/plan";

/**
 * The traffic each stack of a plan carries under the manifest's load model: samples and bytes of
 * metrics, hosts and log volume. Pure arithmetic, so the test comments can redo it by hand.
 */

/** 1 GB of transfer or logs, as AWS bills data transfer and ingestion (decimal). */
export const GB = 1e9;
/** 1 GB of AMP storage: its pricing page defines it as 2^30 bytes. */
export const AMP_STORAGE_GB = 2 ** 30;

export interface StackLoad {
    readonly activeSeries: number;
    readonly samplesPerMonth: number;
    /** Metrics on the wire, GB a month (samples × wireBytesPerSample). */
    readonly wireGb: number;
    readonly hosts: number;
    /** Agent (or, for the hub, the hub's own) logs, GB a month. */
    readonly logGb: number;
}

export interface FleetLoad {
    readonly model: CostModel;
    readonly hoursPerMonth: number;
    readonly byStack: ReadonlyMap<string, StackLoad>;
    /** Everything the spokes send, which the hub receives, writes to AMP and mirrors to DR. */
    readonly total: StackLoad;
}

function stackLoad(s: PlanStack, m: CostModel, hours: number): StackLoad {
    const spoke = s.role === "monitored" || s.role === "onprem";
    const activeSeries = s.role === "monitored" ? m.activeSeriesPerAccount : s.role === "onprem" ? m.activeSeriesPerSite : 0;
    const samplesPerMonth = (activeSeries / m.scrapeIntervalSeconds) * hours * 3600;
    const hosts = s.role === "monitored" ? m.hostsPerAccount : s.role === "onprem" ? m.hostsPerSite : 0;
    return {
        activeSeries,
        samplesPerMonth,
        wireGb: (samplesPerMonth * m.wireBytesPerSample) / GB,
        hosts,
        logGb: spoke ? hosts * m.logGbPerHostMonth : s.role === "hub" ? m.hubLogGbPerMonth : 0,
    };
}

export function fleetLoad(plan: PlanDocument, model: CostModel, hoursPerMonth: number): FleetLoad {
    const byStack = new Map(plan.stacks.map((s) => [s.stack, stackLoad(s, model, hoursPerMonth)] as const));
    const spokes = plan.stacks.filter((s) => s.role !== "hub").map((s) => byStack.get(s.stack)!);
    const sum = (f: (l: StackLoad) => number) => spokes.reduce((a, l) => a + f(l), 0);
    return {
        model,
        hoursPerMonth,
        byStack,
        total: { activeSeries: sum((l) => l.activeSeries), samplesPerMonth: sum((l) => l.samplesPerMonth), wireGb: sum((l) => l.wireGb), hosts: sum((l) => l.hosts), logGb: sum((l) => l.logGb) },
    };
}
