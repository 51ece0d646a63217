import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { coverage, uncoveredTypes } from "../../../automation/cost/catalog";
import { issuedPerMonth } from "../../../automation/cost/accountLines";
import { blendTiers, estimate, Estimate } from "../../../automation/cost/estimate";
import { costOf, loadPrices, pricedRegions, PriceTable } from "../../../automation/cost/prices";
import { sharedEndpointShape } from "../../../automation/cost/shapes";
import { COST_MODEL_DEFAULTS, costModelSchema, CostModel } from "../../../automation/fleet/costModel";
import { loadManifest, resolveManifest } from "../../../automation/fleet/manifest";
import { projectRoot } from "../../../automation/io/paths";
import { PlanDocument, PlanStack, planFleet } from "../../../automation/plan/plan";
import { FleetManifest } from "../../../automation/fleet/types";
import { generateFleet } from "../../bench/fleetGen";
import { evaluatePlanStack } from "../../../policy/offline";

const EXAMPLE = path.join(projectRoot(), "stacks/fleet.yaml");
const DEFAULTS: CostModel = costModelSchema.parse({});
const shipped = (region: string): PriceTable => loadPrices(region);

async function planOf(manifest: FleetManifest): Promise<PlanDocument> {
    const stacks: PlanStack[] = [];
    const r = await planFleet(manifest, { onStack: (s) => { stacks.push(s); } });
    assert.deepStrictEqual([r.failed, r.skipped], [[], []]);
    return { version: 1, stacks };
}

const service = (e: Estimate, name: string): number => e.byService.find((s) => s.service === name)?.usd ?? 0;
const near = (actual: number, expected: number, what: string) => assert.ok(Math.abs(actual - expected) < 0.005, `${what}: ${actual} != ${expected}`);

describe("cost estimate", function () {
    this.timeout(180_000);
    let example: PlanDocument;
    let bench: PlanDocument;

    before(async () => {
        example = await planOf(loadManifest(EXAMPLE));
        bench = await planOf(resolveManifest(generateFleet(parse(fs.readFileSync(EXAMPLE, "utf8")), 3, 2), EXAMPLE));
    });

    it("prices or declares free every resource type the example fleet and a generated bench fleet plan", () => {
        const types = [...example.stacks, ...bench.stacks].flatMap((s) => s.resources.map((r) => r.type));
        assert.ok(types.length > 300);
        assert.deepStrictEqual(uncoveredTypes(types), []);
        for (const t of new Set(types)) {
            const c = coverage(t)!;
            assert.ok("priced" in c ? c.priced.length > 0 : c.free.length > 10, `${t} has a reason`);
        }
    });

    it("reports a planned AWS type it does not know instead of pricing it at zero", () => {
        const withNat: PlanDocument = { version: 1, stacks: [{ ...example.stacks[1], resources: [...example.stacks[1].resources, { urn: "urn:x", type: "aws:ec2/natGateway:NatGateway", name: "nat", parent: null, inputs: {} }] }] };
        assert.deepStrictEqual(estimate(withNat, DEFAULTS, shipped).uncovered, ["aws:ec2/natGateway:NatGateway"]);
        assert.strictEqual(coverage("aws:ec2/natGateway:NatGateway"), undefined, "no catch-all for aws: types");
    });

    it("pins the example fleet under the default load model to hand-checked figures", () => {
        const e = estimate(example, DEFAULTS, shipped);
        assert.deepStrictEqual(e.uncovered, []);
        // Each spoke: 50,000 series / 60 s × 730 h × 3,600 s = 2.19e9 samples a month; × 4 bytes = 8.76 GB. Five spokes: 10.95e9 samples, 43.8 GB.
        // Endpoint-AZ-hours × $0.01: hub 19 endpoints (9 + Grafana's monitoring and sns + the deploy runner's 8) × 3 AZ = 57 → $416.10, DR aps 2 AZ → $14.60, payments 7 × 3 = 21 → $153.30,
        // analytics 7 × 2 = 14 → $102.20, legacy 1 × 2 → $14.60, dc1 8 × 2 = 16 → $116.80, web-west (us-west-2) 7 × 2 = 14 → $102.20: $919.80.
        // Data × $0.01/GB: hub aps 43.8 + DR aps 43.8 + spokes' hub endpoint 5 × 8.76 + logs (hub 10 + 3 × 20 + dc1 50 = 120) = 251.4 GB
        // → $2.514. Total $922.314.
        near(service(e, "Interface endpoints"), 922.314, "interface endpoints");
        // Per workspace (primary and DR, each its own Region's tiers): 2e9 × $0.90/1e7 = $180 + 8.95e9 × $0.35/1e7 = $313.25 → $493.25.
        // Storage: 10.95e9 × 150 days × 24 / 730 = 5.4e10 samples × 2 bytes / 2^30 = 100.58284 GB × $0.03 = $3.01749 each.
        // Queries (primary only): 100e9 × $0.10/1e9 = $10. 2 × (493.25 + 3.01749) + 10 = $1,002.53497.
        near(service(e, "AMP"), 1002.53497, "AMP");
        // Four accounts × 20 hosts × 50 metrics = 1,000 metrics × $0.30 = $300 each; dc1 50 × 50 = 2,500 × $0.30 = $750: $1,950.
        near(service(e, "CloudWatch metrics"), 1950, "CloudWatch metrics");
        // $400 general-purpose CA; 5 tenant certificates valid 90 days, re-issued every 30: 5 × (730 / 24 / 30) = 5.06944, plus the
        // CA's own 10-year certificate 730 / 24 / 3650 = 0.00833: 5.07778 × $0.75 = $3.80833.
        near(service(e, "Private CA"), 403.80833, "Private CA");
        // Resolver inbound endpoint 2 IPs × 730 h × $0.125 = $182.50; 7 private hosted zones × $0.50 = $3.50.
        near(service(e, "Route 53"), 186, "Route 53");
        // 5 editors × $9 + 20 viewers × $5.
        near(service(e, "Managed Grafana"), 145, "Managed Grafana");
        // Ingest (hub 10 + 4 × 20 + dc1 50) = 140 GB × $0.50 = $70. Stored at steady state, GB × retention days × 24 / 730:
        // hub 10 × 365 → 120, payments 20 × 400 → 263.0137, analytics, legacy and web-west 20 × 365 → 240 each, dc1 50 × 365 → 600:
        // 1,703.0137 GB-months × $0.03 = $51.09041. Total $121.09041.
        near(service(e, "CloudWatch Logs"), 121.09041, "CloudWatch Logs");
        // VPN 730 × $0.05 + TGW attachment 730 × $0.05 + (8.76 + 50) GB × $0.02 = 36.5 + 36.5 + 1.1752.
        near(service(e, "VPN + Transit Gateway"), 74.1752, "VPN + TGW");
        // Sizing rule: 250,000 series / 60 = 4,167 samples/s; a 1-vCPU task carries 100,000 × 0.6 = 60,000 → 1, floor minTasks 2.
        // 2 tasks × 730 h: 1,460 vCPU-h × $0.03238 (ARM64) = $47.2748 + 2,920 GB-h × $0.00356 = $10.3952.
        near(service(e, "ECS Fargate"), 57.67, "Fargate");
        // Hosts 4 × 20 + 50 = 130 × 2 heartbeat metrics × 8,640 rounds = 2,246,400 metrics × $0.01/1,000.
        near(service(e, "CloudWatch queries"), 22.464, "CloudWatch queries");
        // NLB 730 × $0.0225 = $16.425 + 43.8 NLCU-hours × $0.006 = $0.2628.
        near(service(e, "NLB + PrivateLink"), 16.6878, "NLB");
        // 10 keys × $1 + 10 × 10,000 requests × $0.03/10,000; 5 secrets × $0.40 + 5,000 calls × $0.05/10,000.
        near(service(e, "KMS"), 10.30, "KMS");
        near(service(e, "Secrets Manager"), 2.025, "Secrets Manager");
        // DR remote write 43.8 GB × $0.02 = $0.876 + NLB cross-zone 43.8 × 2/3 × 2 directions = 58.4 GB × $0.01 = $0.584
        // + web-west's cross-region endpoint to us-east-1, 8.76 GB × $0.02 (us-west-2's interRegionGb) = $0.1752.
        near(service(e, "Data transfer"), 1.6352, "data transfer");
        // hub-collector-config and hub-collector-proxy-config are over 4 KB each: an Intelligent-Tiering parameter over
        // 4 KB is advanced, 2 × $0.05.
        near(service(e, "Systems Manager"), 0.10, "Systems Manager");
        near(e.usd, 4915.80491, "total");
        near(e.stacks.reduce((a, s) => a + s.usd, 0), e.usd, "stacks sum to the total");
    });

    it("prices the bytes a cross-region spoke sends to the hub's region at the inter-region rate, in the spoke's region, and nowhere else", () => {
        const e = estimate(example, DEFAULTS, shipped);
        const crossRegion = e.stacks.flatMap((st) => st.lines.map((l) => ({ stack: st.stack, ...l }))).filter((l) => l.item.includes("(cross-region)"));
        assert.deepStrictEqual(crossRegion.map((l) => [l.stack, l.region, l.service, l.item]), [
            ["monitored-web-west", "us-west-2", "Data transfer", "hub PrivateLink service endpoint to us-east-1 (cross-region)"],
        ]);
        // The spoke's wire bytes (8.76 GB) at us-west-2's interRegionGb ($0.02, "GB sent to another US Region").
        near(crossRegion[0].quantity, 8.76, "GB");
        near(crossRegion[0].usd, 8.76 * 0.02, "USD");
        // Its endpoint is billed where it lives (us-west-2), not in the region its service name carries.
        const web = e.stacks.find((st) => st.stack === "monitored-web-west")!;
        assert.ok(web.lines.filter((l) => l.service === "Interface endpoints").every((l) => l.region === "us-west-2"));
    });

    it("follows the manifest's load model: hosts scale CloudWatch, series scale AMP and the hub tasks up to maxTasks", () => {
        const base = estimate(example, DEFAULTS, shipped);
        const busy = estimate(example, { ...DEFAULTS, hostsPerAccount: 40, activeSeriesPerAccount: 20_000_000 }, shipped);
        // Accounts: 2,000 metrics × $0.30 each (tier 1 covers 10,000) → +$300 × 4 accounts.
        near(service(busy, "CloudWatch metrics") - service(base, "CloudWatch metrics"), 1200, "CloudWatch metrics delta");
        // 4 × 20M + 50k = 80.05M series / 60 = 1,334,167 samples/s ÷ (100,000 × 60 %) = 22.2 → 23 tasks, capped at the
        // example hub's maxTasks 12 (stacks/fleet.yaml).
        const fargate = busy.stacks[0].lines.find((l) => l.service === "ECS Fargate")!;
        assert.match(fargate.item, /^12 hub tasks .*capped at maxTasks 12 \(the sizing rule asks 23\)/);
        near(fargate.quantity, 12 * 730, "vCPU-hours at 12 tasks");
        assert.ok(service(busy, "AMP") > 100 * service(base, "AMP") / 10);
    });

    it("reads the load model from the manifest's costModel block and refuses a bad field by name", () => {
        const raw = parse(fs.readFileSync(EXAMPLE, "utf8"));
        assert.deepStrictEqual(resolveManifest({ ...raw }, EXAMPLE).costModel, DEFAULTS);
        assert.strictEqual(resolveManifest({ ...raw, costModel: { grafanaViewers: 3 } }, EXAMPLE).costModel?.grafanaViewers, 3);
        assert.strictEqual(DEFAULTS.activeSeriesPerAccount, COST_MODEL_DEFAULTS.activeSeriesPerAccount);
        assert.throws(() => resolveManifest({ ...raw, costModel: { grafanaEditors: 0 } }, EXAMPLE), /costModel\.grafanaEditors.*at least one editor/);
        assert.throws(() => resolveManifest({ ...raw, costModel: { hostsPerAcount: 3 } }, EXAMPLE), /costModel.*hostsPerAcount/);
    });
});

describe("shared-endpoint shape", function () {
    this.timeout(120_000);
    let example: PlanDocument;
    before(async () => {
        example = await planOf(loadManifest(EXAMPLE));
    });

    it("moves only the monitored accounts' AWS service endpoints: the hub's PrivateLink endpoint and the sites' endpoints stay", () => {
        const [shape] = sharedEndpointShape(estimate(example, DEFAULTS, shipped), shipped);
        // payments (privatelink, 3 AZ) and analytics (2 AZ); legacy is nat mode and has none; dc1 is a site.
        assert.strictEqual(shape.accounts, 2);
        assert.deepStrictEqual(shape.services, ["ec2messages", "logs", "monitoring", "ssm", "ssmmessages", "sts"]);
        // payments 6 × 3 AZ × 730 h × $0.01 = $131.40 + analytics 6 × 2 × 7.30 = $87.60 + logs data 2 × 20 GB × $0.01 = $0.40.
        near(shape.perAccountUsd, 219.4, "planned");
        // 6 × 3 AZ × 7.30 = $131.40 + 40 GB × $0.01 + 40 GB × $0.02 through the transit gateway + 6 zones × $0.50.
        near(shape.sharedUsd, 135.6, "shared");
    });

    it("plans a regulated account on central zones: associations instead of endpoints, accepted by the pack only for the configured zones", async () => {
        const raw = parse(fs.readFileSync(EXAMPLE, "utf8"));
        const zones = { ec2messages: "Z01EC2M0000000000001", logs: "Z01LOGS0000000000001", monitoring: "Z01MON00000000000001", ssm: "Z01SSM00000000000001", ssmmessages: "Z01SSMM0000000000001", sts: "Z01STS00000000000001" };
        raw.stacks.find((s: { name: string }) => s.name === "monitored-payments").config.connectivity.sharedZones = zones;
        const plan = await planOf(resolveManifest(raw, EXAMPLE));
        const payments = plan.stacks.find((s) => s.stack === "monitored-payments")!;
        const interfaceServices = payments.resources.filter((r) => r.type === "aws:ec2/vpcEndpoint:VpcEndpoint" && r.inputs.vpcEndpointType === "Interface").map((r) => String(r.inputs.serviceName));
        assert.deepStrictEqual(interfaceServices.map((n) => n.replace(/vpce-svc-\w+/, "vpce-svc")), ["com.amazonaws.vpce.us-east-1.vpce-svc"], "only the hub's PrivateLink endpoint stays");
        const associations = payments.resources.filter((r) => r.type === "aws:route53/zoneAssociation:ZoneAssociation").map((r) => r.inputs.zoneId).sort();
        assert.deepStrictEqual(associations, Object.values(zones).sort());
        assert.deepStrictEqual(estimate(plan, DEFAULTS, shipped).uncovered, []);
        const config = { "regulated-private-endpoints": { sharedZoneIds: { logs: [zones.logs], monitoring: [zones.monitoring], ssm: [zones.ssm] } } };
        assert.deepStrictEqual(evaluatePlanStack(payments, { config }).filter((v) => v.enforcementLevel === "mandatory"), []);
        assert.deepStrictEqual(evaluatePlanStack(payments).map((v) => v.policy), ["regulated-private-endpoints"], "without the configured central zones the pack refuses");
    });

    it("costs what the estimate says at 500 accounts", () => {
        const payments = example.stacks.find((s) => s.stack === "monitored-payments")!;
        const fleet: PlanDocument = { version: 1, stacks: [example.stacks[0], ...Array.from({ length: 500 }, (_, i) => ({ ...payments, stack: `monitored-${i}`, account: String(300000000000 + i) }))] };
        const e = estimate(fleet, DEFAULTS, shipped);
        const [shape] = sharedEndpointShape(e, shipped);
        assert.strictEqual(shape.accounts, 500);
        // Planned: 500 × (6 endpoints × 3 AZ × 730 h × $0.01 = $131.40 + 20 GB of logs × $0.01 = $0.20) = $65,800.
        near(shape.perAccountUsd, 65_800, "planned at 500");
        // Shared: $131.40 + 10,000 GB × $0.01 + 10,000 GB × $0.02 (transit gateway) + 6 zones × $0.50 = $434.40.
        near(shape.sharedUsd, 434.4, "shared at 500");
        // Attaching 500 VPCs that are not attached yet: 500 × 730 h × $0.05.
        near(shape.attachmentsIfMissingUsd, 18_250, "attachments");
        // Still far cheaper than one set per account when the attachments must be added: $434.40 + $18,250 < $65,800.
        assert.ok(shape.sharedUsd + shape.attachmentsIfMissingUsd < shape.perAccountUsd);
    });
});

describe("price tables", () => {
    it("ship a table for every Region the example fleet uses, the DR Region included, each entry citing its page and date", () => {
        const raw = parse(fs.readFileSync(EXAMPLE, "utf8"));
        const regions = new Set<string>([raw.defaults.region, ...raw.stacks.map((s: { region?: string }) => s.region).filter(Boolean), ...raw.stacks.map((s: { config: { drRegion?: string } }) => s.config.drRegion).filter(Boolean)]);
        for (const r of regions) {
            assert.ok(pricedRegions().includes(r), `a price table for ${r}`);
        }
        for (const r of pricedRegions()) {
            for (const [k, p] of Object.entries(loadPrices(r).prices)) {
                assert.match(p.source, /^https:\/\//, `${r} ${k}`);
                assert.match(p.read, /^\d{4}-\d{2}-\d{2}$/, `${r} ${k}`);
            }
        }
    });

    it("refuse a table missing a price or with a Region that is not its name", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "prices-"));
        const table = JSON.parse(fs.readFileSync(path.join(projectRoot(), "automation/cost/prices/us-east-1.json"), "utf8"));
        delete table.prices.nlbHour;
        fs.writeFileSync(path.join(dir, "us-east-1.json"), JSON.stringify(table));
        assert.throws(() => loadPrices("us-east-1", dir), /prices\.nlbHour/);
        fs.writeFileSync(path.join(dir, "eu-west-1.json"), fs.readFileSync(path.join(projectRoot(), "automation/cost/prices/us-east-1.json")));
        assert.throws(() => loadPrices("eu-west-1", dir), /region is us-east-1/);
        assert.throws(() => loadPrices("ap-south-1", dir), /no price table for ap-south-1.*priced Regions: eu-west-1, us-east-1/);
    });

    it("price tiers marginally, continuing from usage already billed", () => {
        const amp = loadPrices("us-east-1").prices.ampIngestSamples;
        // 3e9 samples: 2e9 at $0.90/1e7 = $180, 1e9 at $0.35/1e7 = $35.
        near(costOf(amp, 3e9), 215, "two tiers");
        // After 1.5e9 already billed: 0.5e9 at $0.90 = $45, 2.5e9 at $0.35 = $87.50.
        near(costOf(amp, 3e9, 1.5e9), 132.5, "with an offset");
        near(costOf(amp, 0), 0, "nothing");
    });

    it("apply volume tiers to the organization's total in a Region and share the cost in proportion (consolidated billing)", () => {
        const metrics = (region: string, quantity: number) => ({ service: "CloudWatch metrics" as const, item: "x", quantity, unit: "metrics", usd: 0, price: "cloudwatchMetricMonth" as const, region });
        // 8,000 + 8,000 metrics in us-east-1: 10,000 × $0.30 + 6,000 × $0.10 = $3,600, $1,800 each (alone, each would be $2,400).
        // The us-west-2 account's 8,000 stay in their own Region's first tier: $2,400.
        const [a, b, c] = blendTiers([metrics("us-east-1", 8000), metrics("us-east-1", 8000), metrics("us-west-2", 8000)], loadPrices);
        near(a.usd, 1800, "first account");
        near(b.usd, 1800, "second account");
        near(c.usd, 2400, "other Region");
    });

    it("count tenant certificates re-issued every third of their validity and CA certificates once per validity", () => {
        const cert = (type: string, value: string) => ({ urn: "u", type: "aws:acmpca/certificate:Certificate", name: "c", parent: null, inputs: { validity: { type, value } } });
        near(issuedPerMonth(cert("DAYS", "90"), 730), 730 / 24 / 30, "90-day certificate");
        near(issuedPerMonth(cert("YEARS", "10"), 730), 730 / 24 / 3650, "10-year CA certificate");
        near(issuedPerMonth(cert("DAYS", "x"), 730), 0, "no validity");
    });
});
