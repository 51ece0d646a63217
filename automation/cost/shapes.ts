import type { Estimate } from "./estimate";
import { costOf, PriceTable } from "./prices";

/**
 * The shared-endpoint shape, priced beside the planned one. Instead of one set of AWS service interface
 * endpoints per monitored VPC, one set per Region in a central VPC, reached over the transit gateway the
 * accounts already attach to, and resolved through one private hosted zone per service associated with
 * every monitored VPC (the endpoints' own private DNS disabled: AWS whitepaper "Building a Scalable and
 * Secure Multi-VPC AWS Network Infrastructure", Centralized access to VPC private endpoints,
 * https://docs.aws.amazon.com/whitepapers/latest/building-scalable-secure-multi-vpc-network-infrastructure/centralized-access-to-vpc-private-endpoints.html).
 * The hub's PrivateLink endpoint stays in every account; sites keep their landing endpoints.
 */

export interface RegionShape {
    readonly region: string;
    /** Monitored stacks whose AWS service endpoints move to the central VPC. */
    readonly accounts: number;
    readonly services: readonly string[];
    /** Planned shape: the accounts' AWS service endpoints (hours and data). */
    readonly perAccountUsd: number;
    /** Shared shape: central endpoints in `azs` AZs, their data, one zone per service, transit gateway data. */
    readonly sharedUsd: number;
    readonly sharedLines: ReadonlyArray<{ item: string; usd: number }>;
    /** What attaching every account to the transit gateway would add if they were not attached yet (the shape's precondition). */
    readonly attachmentsIfMissingUsd: number;
}

export function sharedEndpointShape(e: Estimate, prices: (region: string) => PriceTable, azs = 3): RegionShape[] {
    const moved = e.stacks.filter((s) => s.role === "monitored").flatMap((s) => s.lines.filter((l) => l.awsEndpoint !== undefined).map((l) => ({ stack: s.stack, l })));
    const regions = [...new Set(moved.map((m) => m.l.region))].sort();
    return regions.map((region) => {
        const p = prices(region);
        const here = moved.filter((m) => m.l.region === region);
        const services = [...new Set(here.map((m) => m.l.awsEndpoint!))].sort();
        const accounts = new Set(here.map((m) => m.stack)).size;
        // The data the accounts' endpoints processed still crosses the central endpoints, and now the transit gateway too.
        const gb = here.filter((m) => m.l.price === "interfaceEndpointGb").reduce((a, m) => a + m.l.quantity, 0);
        const sharedLines = [
            { item: `${services.length} central endpoints × ${azs} AZ`, usd: costOf(p.prices.interfaceEndpointAzHour, services.length * azs * p.hoursPerMonth) },
            { item: `central endpoint data (${Math.round(gb).toLocaleString("en-US")} GB)`, usd: costOf(p.prices.interfaceEndpointGb, gb) },
            { item: `transit gateway data from the accounts (${Math.round(gb).toLocaleString("en-US")} GB)`, usd: costOf(p.prices.tgwDataGb, gb) },
            { item: `${services.length} private hosted zones, one per service`, usd: costOf(p.prices.hostedZoneMonth, services.length) },
        ];
        return {
            region,
            accounts,
            services,
            perAccountUsd: here.reduce((a, m) => a + m.l.usd, 0),
            sharedUsd: sharedLines.reduce((a, l) => a + l.usd, 0),
            sharedLines,
            attachmentsIfMissingUsd: costOf(p.prices.tgwAttachmentHour, accounts * p.hoursPerMonth),
        };
    });
}

const usd = (n: number): string => `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

export function formatShapes(shapes: readonly RegionShape[]): string[] {
    const out = ["", "AWS service endpoints: planned (one set per account) against shared (one set per Region, README \"Cost\", shared-endpoint shape):"];
    for (const s of shapes) {
        out.push(`  ${s.region}: ${s.accounts} accounts, ${s.services.join(", ")}`);
        out.push(`    per account: ${usd(s.perAccountUsd)} a month`);
        out.push(`    shared:      ${usd(s.sharedUsd)} a month (${s.sharedLines.map((l) => `${l.item} ${usd(l.usd)}`).join("; ")})`);
        out.push(`    difference:  ${usd(s.perAccountUsd - s.sharedUsd)} a month; if the accounts are not attached to a transit gateway yet, attaching them adds ${usd(s.attachmentsIfMissingUsd)}`);
    }
    return out;
}
