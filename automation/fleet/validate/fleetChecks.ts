import { parseNetwork } from "../../../components/network/cidr";
import type { RawManifest } from "../manifestSchema";
import type { FleetStack } from "../types";
import { ACM_CERTIFICATE_RESOURCE, parseArn, SECRET_RESOURCE } from "./arn";
import { fleetRegionProblems } from "./fleetRegions";
import { pemBundleProblem } from "./pem";
import { AWS_REGIONS, isKnownRegion, nearestRegions, partitionOf } from "./regions";
import { closest } from "./suggest";

/**
 * The cross-stack pass over the manifest: everything a single stack's schema cannot see, checked
 * before any stack program runs. Each problem is one line: `<field>: <conflict>; fix: <what to do>`.
 */

type RawStack = RawManifest["stacks"][number];

function at(i: number, s: Pick<RawStack, "name">): string {
    return `stacks[${i}] (${s.name})`;
}

/** Checks that need only the raw manifest (run before the per-stack schemas). */
export function checkRawManifest(raw: RawManifest): string[] {
    return [...regionProblems(raw), ...leadingZeroCidrs(raw), ...rolloutProblems(raw), ...dependencyCycles(raw), ...placementProblems(raw)];
}

/** Checks over the resolved, typed stacks. */
export function checkResolvedFleet(stacks: readonly FleetStack[]): string[] {
    return [...networkOverlaps(stacks), ...arnProblems(stacks), ...pemProblems(stacks)];
}

function regionProblems(raw: RawManifest): string[] {
    const problems: string[] = [];
    const check = (field: string, region: string | undefined) => {
        if (region !== undefined && !isKnownRegion(region)) {
            const hint = closest(region, AWS_REGIONS);
            problems.push(`${field}: "${region}" is not an AWS region (the pinned @pulumi/aws knows ${AWS_REGIONS.length}); ${hint !== undefined ? `did you mean ${hint}? fix: write ${hint}` : `fix: use a region name such as ${nearestRegions(region).join(", ")}`}`);
        }
    };
    check("defaults.region", raw.defaults.region);
    (raw.regions ?? []).forEach((r, j) => check(`regions[${j}]`, r));
    raw.rollout.regionOrder.forEach((r, j) => check(`rollout.regionOrder[${j}]`, r));
    raw.stacks.forEach((s, i) => {
        check(`${at(i, s)}.region`, s.region);
        const dr = (s.config as { drRegion?: unknown }).drRegion;
        if (s.role === "hub" && typeof dr === "string") {
            check(`${at(i, s)}.config.drRegion`, dr);
        }
    });
    return problems;
}

const IPV4_CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/**
 * `010.20.0.0/16` means 8.20.0.0/16 to tools that read inet_aton octal and 10.20.0.0/16 to others;
 * refused wherever it appears in a stack's config, whatever the CIDR parser of the day accepts.
 */
function leadingZeroCidrs(raw: RawManifest): string[] {
    const problems: string[] = [];
    const walk = (v: unknown, path: string) => {
        if (typeof v === "string") {
            const m = IPV4_CIDR.exec(v.trim());
            if (m && m.slice(1).some((part) => part.length > 1 && part.startsWith("0"))) {
                const fixed = `${m.slice(1, 5).map(Number).join(".")}/${Number(m[5])}`;
                problems.push(`${path}: "${v}" has a leading zero, which some tools read as octal; fix: write ${fixed}`);
            }
        } else if (Array.isArray(v)) {
            v.forEach((x, i) => walk(x, `${path}[${i}]`));
        } else if (typeof v === "object" && v !== null) {
            for (const [k, x] of Object.entries(v)) {
                walk(x, `${path}.${k}`);
            }
        }
    };
    raw.stacks.forEach((s, i) => walk(s.config, `${at(i, s)}.config`));
    return problems;
}

function rolloutProblems(raw: RawManifest): string[] {
    const hub = raw.stacks.find((s) => s.role === "hub");
    return raw.rollout.canary.flatMap((c, j) =>
        hub !== undefined && c === hub.name
            ? [`rollout.canary[${j}]: "${c}" is the hub, which always deploys first on its own, so this canary wave would be empty; fix: list spoke stacks only, or leave canary empty and set canaryCount`]
            : []);
}

/** Cycles through explicit dependsOn, including the hub dependency every spoke has implicitly. */
function dependencyCycles(raw: RawManifest): string[] {
    const hub = raw.stacks.find((s) => s.role === "hub")?.name;
    const index = new Map(raw.stacks.map((s, i) => [s.name, i]));
    const edges = new Map(raw.stacks.map((s) => [s.name, [...new Set([...(s.role !== "hub" && hub !== undefined ? [hub] : []), ...s.dependsOn])].filter((d) => index.has(d))]));
    const state = new Map<string, "open" | "done">();
    const problems: string[] = [];
    const seen = new Set<string>();
    const visit = (name: string, trail: string[]) => {
        state.set(name, "open");
        for (const d of edges.get(name) ?? []) {
            if (state.get(d) === "open") {
                const cycle = [...trail.slice(trail.indexOf(d)), d];
                const key = [...cycle.slice(0, -1)].sort().join(",");
                if (!seen.has(key)) {
                    seen.add(key);
                    // Name a stack whose explicit dependsOn is on the cycle (the implied hub edge cannot be removed).
                    const j = cycle.findIndex((n, k) => k < cycle.length - 1 && raw.stacks[index.get(n)!].dependsOn.includes(cycle[k + 1]));
                    const i = index.get(cycle[Math.max(0, j)])!;
                    problems.push(`${at(i, raw.stacks[i])}.dependsOn: dependency cycle ${cycle.join(" -> ")}${hub !== undefined && cycle.includes(hub) ? ` (every spoke depends on the hub ${hub})` : ""}; fix: remove one dependsOn entry of this cycle`);
                }
            } else if (state.get(d) === undefined) {
                visit(d, [...trail, d]);
            }
        }
        state.set(name, "done");
    };
    for (const s of raw.stacks) {
        if (state.get(s.name) === undefined) {
            visit(s.name, [s.name]);
        }
    }
    return problems;
}

/**
 * Where stacks may go: one stack per account and region, spokes in the fleet's regions.
 * Fixed names are per account and region (e.g. every monitored stack's KMS alias is
 * alias/oss-monitoring/monitored-logs, components/security/encryptionKey.ts), so two stacks there collide.
 * Spokes reach the hub through its PrivateLink endpoint service, offered to the fleet's other
 * regions by cross-region PrivateLink (fleetRegions.ts).
 */
function placementProblems(raw: RawManifest): string[] {
    const problems: string[] = [];
    const regionOf = (s: RawStack) => s.region ?? raw.defaults.region;
    const first = new Map<string, number>();
    raw.stacks.forEach((s, i) => {
        const key = `${s.account}/${regionOf(s)}`;
        const j = first.get(key);
        if (j === undefined) {
            first.set(key, i);
            return;
        }
        problems.push(`${at(i, s)}.account: account ${s.account} in ${regionOf(s)} already holds ${at(j, raw.stacks[j])}; two stacks in one account and region collide on fixed names (KMS aliases, SSM parameters, log groups); fix: give this stack another account or region, or merge the two entries`);
    });
    // Spokes outside the fleet's regions: fleetRegionProblems (an unknown region is reported once, by regionProblems).
    return [...problems, ...fleetRegionProblems(raw)];
}

interface Network {
    readonly field: string;
    readonly owner: string;
    readonly kind: "site" | "hub" | "workload";
    readonly cidr: string;
}

function networksOf(stacks: readonly FleetStack[]): Network[] {
    const nets: Network[] = [];
    stacks.forEach((s, i) => {
        const c = s.parsed;
        const where = `stacks[${i}] (${s.name}).config`;
        if (c.role === "hub" && c.hub.network.vpcId === undefined) {
            nets.push({ field: `${where}.network.cidr`, owner: s.name, kind: "hub", cidr: c.hub.network.cidr });
        } else if (c.role === "onprem") {
            c.onprem.siteCidrs.forEach((cidr, j) => nets.push({ field: `${where}.siteCidrs[${j}]`, owner: s.name, kind: "site", cidr }));
        } else if (c.role === "monitored") {
            c.monitored.workloads.cidrs.forEach((cidr, j) => nets.push({ field: `${where}.workloads.cidrs[${j}]`, owner: s.name, kind: "workload", cidr }));
        }
    });
    return nets;
}

/**
 * The overlap rules, one principle: the manifest is the fleet's address inventory, and a range of it
 * names one sender. Site networks (the hub's security groups admit and route them) and monitored
 * accounts' workload ranges (their endpoint security groups admit them) may not overlap each other in
 * any pairing, and no site may overlap the hub VPC, to which its traffic is routed. The hub VPC may
 * overlap a monitored account's workloads: those reach it only through an interface endpoint in their
 * own VPC, with no route between the two networks: "consumer and service provider VPCs can have
 * overlapping IP address ranges"
 * (https://docs.aws.amazon.com/whitepapers/latest/building-scalable-secure-multi-vpc-network-infrastructure/aws-privatelink.html).
 */
const OVERLAP_REASON: Record<string, string> = {
    "site/site": "the hub admits and routes each site by its networks, so one address range cannot belong to two sites",
    "hub/site": "the site's traffic to that range would stay on premises instead of reaching the hub VPC",
    "workload/workload": "the manifest is the fleet's network inventory (endpoint security groups admit these ranges), so one range cannot belong to two accounts",
    "site/workload": "the manifest is the fleet's network inventory, so one range cannot be both a site's network (admitted and routed by the hub) and an account's workloads (admitted by its endpoint security groups)",
};

/**
 * Index pairs [a, b] (a < b, in that order) of the networks that share an address. A sweep over the
 * networks sorted by first address: CIDRs are nested or disjoint, so the ones still open when a network
 * starts are exactly those containing it. O(n log n + overlaps); comparing every pair took 2 s at 220
 * stacks and grew with the square of the fleet (issue 26). Invalid CIDRs are the schema's to report.
 */
export function overlappingPairs(cidrs: readonly string[]): Array<[number, number]> {
    const parsed = cidrs
        .map((c, i) => ({ i, n: parseNetwork(c) }))
        .flatMap(({ i, n }) => (typeof n === "string" ? [] : [{ i, version: n.version, start: n.network, end: n.network + (1n << BigInt((n.version === 4 ? 32 : 128) - n.prefix)) - 1n }]))
        .sort((x, y) => x.version - y.version || (x.start < y.start ? -1 : x.start > y.start ? 1 : x.end > y.end ? -1 : x.end < y.end ? 1 : x.i - y.i));
    const pairs: Array<[number, number]> = [];
    let open: typeof parsed = [];
    for (const n of parsed) {
        open = open.filter((o) => o.version === n.version && o.end >= n.start);
        for (const o of open) {
            pairs.push(o.i < n.i ? [o.i, n.i] : [n.i, o.i]);
        }
        open.push(n);
    }
    return pairs.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
}

/** Overlaps between stacks (overlaps inside one stack are the role schema's job). */
function networkOverlaps(stacks: readonly FleetStack[]): string[] {
    const nets = networksOf(stacks);
    const problems: string[] = [];
    for (const [a, b] of overlappingPairs(nets.map((n) => n.cidr))) {
        const x = nets[a];
        const y = nets[b];
        const reason = OVERLAP_REASON[[x.kind, y.kind].sort().join("/")];
        if (x.owner === y.owner || reason === undefined) {
            continue;
        }
        problems.push(`${y.field}: ${y.cidr} overlaps ${x.cidr} (${x.field}); ${reason}; fix: correct one of the two ranges`);
    }
    return problems;
}

function arnProblems(stacks: readonly FleetStack[]): string[] {
    const problems: string[] = [];
    const hubIndex = stacks.findIndex((s) => s.role === "hub");
    const hub = stacks[hubIndex];
    if (hub === undefined || hub.parsed.role !== "hub") {
        return problems;
    }
    const where = `stacks[${hubIndex}] (${hub.name}).config`;
    const cert = hub.parsed.hub.ingress.certificateArn;
    // Optional since the tenant proxy terminates TLS; checked when given, as the hub exports it.
    if (cert !== undefined) {
        const field = `${where}.ingress.certificateArn`;
        const arn = parseArn(cert);
        const example = `arn:${partitionOf(hub.region)}:acm:${hub.region}:${hub.account}:certificate/<uuid>`;
        if (arn === undefined || arn.service !== "acm" || !ACM_CERTIFICATE_RESOURCE.test(arn.resource)) {
            problems.push(`${field}: "${cert}" is not an ACM certificate ARN; fix: copy the ARN from the ACM console or \`aws acm list-certificates\`, e.g. ${example}`);
        } else if (arn.region !== hub.region || arn.account !== hub.account || arn.partition !== partitionOf(hub.region)) {
            // ACM certificates are regional: https://docs.aws.amazon.com/acm/latest/userguide/acm-regions.html
            problems.push(`${field}: the certificate is in ${arn.account}/${arn.region} but the hub is in ${hub.account}/${hub.region}; ACM certificates cannot be used from another account or region; fix: request or import the certificate in the hub account and region (${example})`);
        }
    }
    const secretArns: Array<[string, string]> = [[`${where}.collector.tlsSecretArn`, hub.parsed.hub.collector.tlsSecretArn]];
    for (const [f, value] of secretArns) {
        const a = parseArn(value);
        if (a === undefined || a.service !== "secretsmanager" || !isKnownRegion(a.region) || !SECRET_RESOURCE.test(a.resource)) {
            problems.push(`${f}: "${value}" is not a complete Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 characters>); fix: copy the full ARN from \`aws secretsmanager describe-secret --secret-id <name>\``);
        }
    }
    return problems;
}

function pemProblems(stacks: readonly FleetStack[]): string[] {
    const problems: string[] = [];
    stacks.forEach((s, i) => {
        const c = s.parsed;
        const bundles: Array<[string, string | undefined]> =
            c.role === "hub" ? [["ingress.caBundle", c.hub.ingress.caBundle]] : [];
        for (const [key, pem] of bundles) {
            const problem = pem === undefined ? undefined : pemBundleProblem(pem);
            if (problem !== undefined) {
                problems.push(`stacks[${i}] (${s.name}).config.${key}: ${problem}; fix: paste the CA certificate's complete PEM (check it with \`openssl x509 -noout -subject -in ca.pem\`)`);
            }
        }
    });
    return problems;
}
