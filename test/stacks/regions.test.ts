import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { loadManifest, resolveManifest } from "../../automation/fleet/manifest";
import { PlanStack, planFleet } from "../../automation/plan/plan";
import { program } from "../../stacks/program";
import { HarnessOptions, runProgram } from "../harness";
import { entry, HUB_OUTPUTS, HUB_REF, SERVICE } from "./fixtures/monitored";

const FLEET = path.resolve(__dirname, "../../stacks/fleet.yaml");
const GET_SERVICE = "aws:ec2/getVpcEndpointService:getVpcEndpointService";
const WEST_SINK = "arn:aws:oam:us-west-2:111111111111:sink/0a1b2c3d-0000-4000-8000-000000000002";

async function plans(doc: unknown, only: string[]): Promise<PlanStack[]> {
    const planned: PlanStack[] = [];
    const r = await planFleet(resolveManifest(doc), { onStack: (p) => { planned.push(p); } }, new Set(only));
    assert.deepStrictEqual(r, { failed: [], skipped: [] });
    return planned;
}

const hubEndpoint = (p: PlanStack) => {
    const found = p.resources.filter((r) => r.type === "aws:ec2/vpcEndpoint:VpcEndpoint" && r.urn.endsWith("-hub-vpce"));
    assert.strictEqual(found.length, 1, `${p.stack} has one endpoint to the hub`);
    return found[0];
};

describe("one fleet across regions (offline plan of the example fleet)", function () {
    this.timeout(180_000);
    let planned: PlanStack[];
    before(async () => {
        planned = await plans(parse(fs.readFileSync(FLEET, "utf8")), ["hub", "monitored-web-west", "monitored-legacy", "onprem-dc1"]);
    });
    const stack = (name: string) => planned.find((p) => p.stack === name)!;

    it("the hub offers its endpoint service to the fleet's other region and keeps a sink there", () => {
        const service = stack("hub").resources.filter((r) => r.type === "aws:ec2/vpcEndpointService:VpcEndpointService");
        assert.strictEqual(service.length, 1);
        assert.deepStrictEqual(service[0].inputs.supportedRegions, ["us-west-2"]);
        const allowed = service[0].inputs.allowedPrincipals as string[];
        assert.ok(allowed.includes("arn:aws:iam::565656565656:root"), "the second-region account may create an endpoint");
        const sinks = stack("hub").resources.filter((r) => r.type === "aws:oam/sink:Sink").map((r) => r.inputs.region).sort();
        assert.deepStrictEqual(sinks, ["us-east-1", "us-west-2"]);
    });

    it("the second-region account's endpoint names the hub's region, uses every configured subnet, and links to its own region's sink", () => {
        const eu = stack("monitored-web-west");
        const ep = hubEndpoint(eu);
        assert.strictEqual(ep.inputs.serviceRegion, "us-east-1");
        assert.match(String(ep.inputs.serviceName), /^com\.amazonaws\.vpce\.us-east-1\.vpce-svc-/);
        assert.deepStrictEqual(ep.inputs.subnetIds, ["subnet-0e5d6c7b8a9f00b11", "subnet-0e5d6c7b8a9f00b12"]);
        assert.strictEqual(ep.inputs.privateDnsEnabled, false);
        const sinkArns = stack("hub").outputs.observabilitySinkArns as Record<string, string>;
        const link = eu.resources.find((r) => r.type === "aws:oam/link:Link")!;
        assert.strictEqual(link.inputs.sinkIdentifier, sinkArns["us-west-2"]);
        assert.notStrictEqual(sinkArns["us-west-2"], sinkArns["us-east-1"]);
    });

    it("Grafana sees both regions: the hosts dashboard's region variable and an agent-silence rule querying the second region", () => {
        const hub = stack("hub");
        const dashboard = hub.resources.find((r) => r.urn.endsWith("::hub-cloudwatch-content-hosts"))!;
        const region = JSON.parse(String(dashboard.inputs.configJson)).templating.list.find((v: { name: string }) => v.name === "region");
        assert.strictEqual(region.query, "us-east-1,us-west-2");
        const rules = hub.resources.find((r) => r.urn.endsWith("::hub-cloudwatch-content-agents"))!.inputs.rules as Array<{ name: string; datas: Array<{ model: string }> }>;
        const west = rules.filter((r) => r.name.includes("monitored-web-west"));
        assert.strictEqual(west.length, 1);
        assert.strictEqual(JSON.parse(west[0].datas[0].model).region, "us-west-2");
        assert.ok(rules.filter((r) => !r.name.includes("monitored-web-west")).every((r) => JSON.parse(r.datas[0].model).region === "us-east-1"));
    });

    it("same-region spokes keep an in-region endpoint: no serviceRegion at all", () => {
        for (const name of ["monitored-legacy", "onprem-dc1"]) {
            assert.ok(!("serviceRegion" in hubEndpoint(stack(name)).inputs), name);
        }
    });

    it("every planned stack passes the policy pack with no mandatory violation", () => {
        for (const p of planned) {
            assert.deepStrictEqual(p.violations.filter((v) => v.enforcementLevel === "mandatory"), [], p.stack);
        }
    });

    it("a single-region manifest plans the hub's endpoint service without supportedRegions", async () => {
        const doc = parse(fs.readFileSync(FLEET, "utf8"));
        delete doc.regions;
        doc.stacks = doc.stacks.filter((s: { name: string }) => s.name !== "monitored-web-west");
        const [hub] = await plans(doc, ["hub"]);
        const service = hub.resources.find((r) => r.type === "aws:ec2/vpcEndpointService:VpcEndpointService")!;
        assert.ok(!("supportedRegions" in service.inputs));
        assert.deepStrictEqual(hub.resources.filter((r) => r.type === "aws:oam/sink:Sink").map((r) => r.inputs.region), ["us-east-1"]);
    });
});

describe("a cross-region spoke under mocks", function () {
    this.timeout(60_000);
    const outputs = { ...HUB_OUTPUTS, observabilitySinkArns: { ...HUB_OUTPUTS.observabilitySinkArns, "us-west-2": WEST_SINK } };
    const run = (hubOutputs: Record<string, unknown>, invokes: HarnessOptions["invokes"] = {}) => {
        const s = entry("monitored-web-west");
        return runProgram(program, { config: s.config, account: s.account, region: s.region, stack: s.name, stackOutputs: { [HUB_REF]: hubOutputs }, invokes });
    };

    it("never looks the hub's service up from the other region (its zones are another region's; the lookup fails there)", async () => {
        // hashicorp/terraform-provider-aws#44402: the endpoint-service data source cannot read a service of another region.
        const r = await run(outputs, { [GET_SERVICE]: () => { throw new Error("couldn't find resource"); } });
        const ep = r.one("aws:ec2/vpcEndpoint:VpcEndpoint", "hub-vpce");
        assert.strictEqual(ep.inputs.serviceName, SERVICE);
        assert.strictEqual(ep.inputs.serviceRegion, "us-east-1");
        assert.strictEqual(r.one("aws:oam/link:Link").inputs.sinkIdentifier, WEST_SINK);
    });

    it("refuses a deployed hub in another region than the one the manifest names", async () => {
        await assert.rejects(run({ ...outputs, region: "us-west-2" }), /hub stack organization\/oss-monitoring\/hub is in us-west-2 but this stack expects it in us-east-1; regenerate the stack files/);
    });

    it("the example manifest derives the spoke's hubRegion and the hub's spokeRegions from `regions:`", () => {
        const m = loadManifest(FLEET);
        assert.strictEqual(m.stacks.find((s) => s.name === "monitored-web-west")!.config["oss-monitoring:hubRegion"], "us-east-1");
        assert.deepStrictEqual((m.hub.parsed as { hub: { spokeRegions: string[] } }).hub.spokeRegions, ["us-west-2"]);
    });
});
