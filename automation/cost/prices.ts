import * as fs from "fs";
import * as path from "path";
import { z } from "zod";
import { ConfigError, formatIssues } from "../../stacks/config/common";

/**
 * Prices are data, not code: one JSON file per Region under prices/, each entry with the page it was
 * read from and the date. Nothing here reaches the network. The keys the estimate uses are PRICE_KEYS;
 * a file missing one fails loading with the key named.
 */

export const PRICE_KEYS = [
    "interfaceEndpointAzHour", "interfaceEndpointGb", "nlbHour", "nlcuHour",
    "fargateVcpuHourArm64", "fargateGbHourArm64", "fargateVcpuHourX86", "fargateGbHourX86",
    "ampIngestSamples", "ampStorageGbMonth", "ampQuerySamples", "grafanaEditorMonth", "grafanaViewerMonth",
    "cloudwatchMetricMonth", "cloudwatchGetMetricData", "logsIngestGb", "logsStorageGbMonth",
    "privateCaGeneralPurposeMonth", "privateCaShortLivedMonth", "privateCaCertificate",
    "secretMonth", "secretsApiCalls", "kmsKeyMonth", "kmsRequests",
    "vpnConnectionHour", "tgwAttachmentHour", "tgwDataGb", "resolverEniHour", "hostedZoneMonth",
    "ssmAdvancedParameterMonth", "crossAzGb", "interRegionGb",
] as const;
export type PriceKey = (typeof PRICE_KEYS)[number];

const tier = z.object({ upTo: z.number().positive().nullable(), usd: z.number().min(0) }).strict();
const cited = {
    /** The quantity one `usd` buys (10,000,000 samples, 10,000 requests); default 1. */
    per: z.number().positive().default(1),
    unit: z.string().min(1),
    source: z.url(),
    read: z.iso.date(),
    note: z.string().optional(),
};
const price = z.union([
    z.object({ usd: z.number().min(0), ...cited }).strict(),
    z.object({
        /** Marginal tiers over the month's quantity, in base units (samples, GB): the last has upTo null. */
        tiers: z.array(tier).min(1).refine((t) => t[t.length - 1].upTo === null && t.slice(0, -1).every((x, i) => x.upTo !== null && (i === 0 || x.upTo > t[i - 1].upTo!)), { error: "tiers ascend and the last has upTo: null" }),
        ...cited,
    }).strict(),
]);
export type Price = z.infer<typeof price>;

const priceFile = z
    .object({
        region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/),
        currency: z.literal("USD"),
        hoursPerMonth: z.number().positive(),
        note: z.string().optional(),
        prices: z.object(Object.fromEntries(PRICE_KEYS.map((k) => [k, price])) as Record<PriceKey, typeof price>).strict(),
    })
    .strict();
export type PriceTable = z.infer<typeof priceFile>;

export const PRICES_DIR = path.join(__dirname, "prices");

/** Regions with a shipped price table. */
export function pricedRegions(dir = PRICES_DIR): string[] {
    return fs.readdirSync(dir).filter((f) => f.endsWith(".json")).map((f) => f.slice(0, -5)).sort();
}

/** The validated price table of a Region; a missing or malformed file is a ConfigError naming it. */
export function loadPrices(region: string, dir = PRICES_DIR): PriceTable {
    const file = path.join(dir, `${region}.json`);
    if (!fs.existsSync(file)) {
        throw new ConfigError(`no price table for ${region} (${path.relative(process.cwd(), file)}); fix: add one with each entry's source page and date read (priced Regions: ${pricedRegions(dir).join(", ")})`);
    }
    let doc: unknown;
    try {
        doc = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (e) {
        throw new ConfigError(`${file}: not valid JSON (${(e as Error).message})`);
    }
    const parsed = priceFile.safeParse(doc);
    if (!parsed.success) {
        throw new ConfigError(`${file}: ${formatIssues(parsed.error, "").split("\n").map((l) => l.trim()).join("; ")}`);
    }
    if (parsed.data.region !== region) {
        throw new ConfigError(`${file}: region is ${parsed.data.region}; fix: the file name and its region must agree`);
    }
    return parsed.data;
}

/**
 * Cost of `quantity` base units at a price. Tiers are marginal and start at `offset` (usage already
 * billed in the same account and Region this month, e.g. the first workspace's samples).
 */
export function costOf(p: Price, quantity: number, offset = 0): number {
    if ("usd" in p) {
        return (quantity / p.per) * p.usd;
    }
    let total = 0;
    let floor = 0;
    for (const t of p.tiers) {
        const ceiling = t.upTo ?? Infinity;
        const inTier = Math.max(0, Math.min(offset + quantity, ceiling) - Math.max(offset, floor));
        total += (inTier / p.per) * t.usd;
        floor = ceiling;
    }
    return total;
}
