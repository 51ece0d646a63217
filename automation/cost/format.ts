import type { Estimate } from "./estimate";
import type { PriceTable } from "./prices";

const usd = (n: number): string => `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const qty = (n: number): string => (n >= 100 ? Math.round(n).toLocaleString("en-US") : n.toLocaleString("en-US", { maximumFractionDigits: 2 }));

/** The estimate as text: per stack and line, then by service, then what it leaves out. */
export function formatEstimate(e: Estimate): string[] {
    const out: string[] = [];
    for (const s of e.stacks) {
        out.push(`${s.stack} (${s.role}, ${s.account}/${s.region}): ${usd(s.usd)} a month`);
        for (const l of [...s.lines].sort((a, b) => b.usd - a.usd)) {
            out.push(`  ${usd(l.usd).padStart(12)}  ${l.service}: ${l.item} (${qty(l.quantity)} ${l.unit}${l.region !== s.region ? `, ${l.region}` : ""})`);
        }
    }
    out.push("", "By service:");
    for (const s of [...e.byService].sort((a, b) => b.usd - a.usd)) {
        out.push(`  ${usd(s.usd).padStart(12)}  ${s.service}`);
    }
    out.push(`Total: ${usd(e.usd)} a month for ${e.stacks.length} stacks (list prices, on-demand, before free tiers, credits and discounts; load model from the manifest's costModel)`);
    if (e.uncovered.length > 0) {
        out.push(`Not priced (unknown to automation/cost/catalog.ts; price them or declare them free): ${e.uncovered.join(", ")}`);
    }
    return out;
}

/** The estimate as JSON, with the price entries it used and where each was read. */
export function estimateJson(e: Estimate, tables: readonly PriceTable[]): string {
    const used = new Set(e.stacks.flatMap((s) => s.lines.map((l) => `${l.region} ${l.price}`)));
    const prices = tables.flatMap((t) => Object.entries(t.prices).filter(([k]) => used.has(`${t.region} ${k}`)).map(([key, p]) => ({ region: t.region, key, ...p })));
    const round = (n: number) => Math.round(n * 100) / 100;
    return `${JSON.stringify({
        version: 1,
        currency: "USD",
        period: "month",
        usd: round(e.usd),
        byService: e.byService.map((s) => ({ ...s, usd: round(s.usd) })),
        stacks: e.stacks.map((s) => ({ ...s, usd: round(s.usd), lines: s.lines.map((l) => ({ ...l, usd: round(l.usd) })) })),
        uncovered: e.uncovered,
        model: e.model,
        prices,
    }, null, 2)}\n`;
}
