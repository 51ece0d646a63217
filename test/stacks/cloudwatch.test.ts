import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { loadManifest, resolveManifest } from "../../automation/fleet/manifest";
import { FleetManifest } from "../../automation/fleet/types";
import { PlanStack } from "../../automation/plan/plan";
import { planFleet } from "../../automation/plan/plan";
import { cloudWatchReadPolicy } from "../../components/cloudwatch/cloudwatchIam";
import { hubStack } from "../../stacks/hub";
import { program } from "../../stacks/program";
import { Recorded, runProgram } from "../harness";
import { hubConfig } from "./fixtures/hub";

const FLEET = path.resolve(__dirname, "../../stacks/fleet.yaml");
const NOW = new Date("2026-11-23T00:00:00Z");
const SOURCES = [
    { stack: "monitored-payments", kind: "monitored", account: "222222222222", region: "us-east-1", namespace: "CWAgent", logGroupPrefix: "/oss-monitoring/monitored-payments" },
    { stack: "onprem-dc2", kind: "onprem", account: "777777777777", region: "eu-west-1", namespace: "CWAgent/OnPrem", logGroupPrefix: "/oss-monitoring/onprem/dc2", site: "dc2" },
];

async function planAll(m: FleetManifest, only?: ReadonlySet<string>): Promise<PlanStack[]> {
    const plans: PlanStack[] = [];
    const r = await planFleet(m, { onStack: (p) => { plans.push(p); } }, only);
    assert.deepStrictEqual(r, { failed: [], skipped: [] });
    return plans;
}

describe("CloudWatch cross-account observability in the hub (under mocks)", () => {
    let r: Recorded;
    before(async () => {
        r = await runProgram(() => hubStack(hubConfig({ cloudwatch: { sources: SOURCES } }), NOW));
    });

    it("creates one sink per fleet region, each with the organization-only sink policy", () => {
        const sinks = r.ofType("aws:oam/sink:Sink");
        assert.deepStrictEqual(sinks.map((s) => s.inputs.region).sort(), ["eu-west-1", "us-east-1"]);
        for (const s of sinks) {
            assert.strictEqual((s.inputs.tags as Record<string, string>).CostCenter, "cc-1");
        }
        const policies = r.ofType("aws:oam/sinkPolicy:SinkPolicy");
        assert.strictEqual(policies.length, 2);
        for (const p of policies) {
            const doc = r.json(p, "policy");
            assert.strictEqual(doc.Statement.length, 1);
            assert.strictEqual(doc.Statement[0].Condition.StringEquals["aws:PrincipalOrgID"], "o-a1b2c3d4e5");
            assert.deepStrictEqual(doc.Statement[0].Condition["ForAllValues:StringEquals"]["oam:ResourceTypes"], ["AWS::CloudWatch::Metric", "AWS::Logs::LogGroup"]);
            const sink = sinks.find((s) => s.inputs.region === p.inputs.region)!;
            assert.match(String(p.inputs.sinkIdentifier), new RegExp(`^arn:aws:oam:${String(sink.inputs.region)}:111111111111:sink/`));
        }
        const arns = r.outputs.observabilitySinkArns as Record<string, string>;
        assert.deepStrictEqual(Object.keys(arns).sort(), ["eu-west-1", "us-east-1"]);
    });

    it("adds a CloudWatch data source beside the AMP one, and its role reads CloudWatch in the monitoring account only", () => {
        const sources = r.ofType("grafana:oss/dataSource:DataSource");
        assert.deepStrictEqual(sources.map((d) => d.inputs.type).sort(), ["cloudwatch", "grafana-amazonprometheus-datasource"]);
        const cw = sources.find((d) => d.inputs.type === "cloudwatch")!;
        assert.deepStrictEqual(JSON.parse(String(cw.inputs.jsonDataEncoded)), { authType: "ec2_iam_role", defaultRegion: "us-east-1" });
        const read = r.one("aws:iam/rolePolicy:RolePolicy", "hub-cloudwatch-read");
        const arns = r.outputs.observabilitySinkArns as Record<string, string>;
        assert.deepStrictEqual(r.json(read, "policy"), cloudWatchReadPolicy({ account: "111111111111", regions: ["eu-west-1", "us-east-1"], sinkArns: Object.values(arns) }));
    });

    it("routes agent alerts to the AMP alert topic through an SNS contact point", () => {
        const topic = r.one("aws:sns/topic:Topic");
        const cp = r.one("grafana:alerting/contactPoint:ContactPoint");
        const sns = (cp.inputs.sns as Array<Record<string, unknown>>)[0];
        assert.strictEqual(sns.topic, r.outputs.alertTopicArn);
        assert.match(String(topic.inputs.kmsMasterKeyId), /^arn:aws:kms:/);
        const publish = r.json(r.one("aws:iam/rolePolicy:RolePolicy", "hub-cloudwatch-content-publish"), "policy");
        assert.deepStrictEqual(publish.Statement[0].Resource, r.outputs.alertTopicArn);
        assert.strictEqual(r.one("grafana:alerting/notificationPolicy:NotificationPolicy").inputs.contactPoint, "oss-monitoring-alert-topic");
        const group = r.one("grafana:alerting/ruleGroup:RuleGroup");
        assert.strictEqual((group.inputs.rules as unknown[]).length, SOURCES.length);
        const dashboard = JSON.parse(String(r.one("grafana:oss/dashboard:Dashboard", "hub-cloudwatch-content-hosts").inputs.configJson));
        assert.strictEqual(dashboard.uid, "cloudwatch-hosts");
    });
});

describe("CloudWatch observability in a spoke (under mocks)", () => {
    it("refuses a hub without a sink in the spoke's region", async () => {
        const s = loadManifest(FLEET).stacks.find((x) => x.name === "monitored-legacy")!;
        const outputs = {
            region: "us-east-1", endpointServiceName: "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0", collectorDomain: "collector.monitoring.internal",
            observabilitySinkArns: { "eu-west-1": "arn:aws:oam:eu-west-1:111111111111:sink/0a1b2c3d-0000-4000-8000-000000000002" },
        };
        await assert.rejects(
            runProgram(program, { config: s.config, account: s.account, region: s.region, stack: s.name, stackOutputs: { "organization/oss-monitoring/hub": outputs } }),
            /no CloudWatch observability sink in us-east-1 \(sinks: eu-west-1\); OAM links must use a sink in their own region/,
        );
    });
});

describe("CloudWatch observability across the example fleet (offline plan)", function () {
    this.timeout(120_000);

    it("links every spoke to the hub's sink of its region with zero policy violations", async () => {
        const plans = await planAll(loadManifest(FLEET));
        const hub = plans.find((p) => p.role === "hub")!;
        const sinkArns = hub.outputs.observabilitySinkArns as Record<string, string>;
        assert.deepStrictEqual(Object.keys(sinkArns).sort(), ["us-east-1", "us-west-2"]);
        const spokes = plans.filter((p) => p.role !== "hub");
        assert.strictEqual(spokes.length, 5);
        assert.ok(spokes.some((s) => s.region === "us-west-2"), "the example fleet has a spoke in a second region");
        for (const s of spokes) {
            const links = s.resources.filter((x) => x.type === "aws:oam/link:Link");
            assert.strictEqual(links.length, 1, `${s.stack} has one link`);
            assert.strictEqual(links[0].inputs.sinkIdentifier, sinkArns[s.region], s.stack);
            assert.deepStrictEqual(links[0].inputs.resourceTypes, ["AWS::CloudWatch::Metric", "AWS::Logs::LogGroup"]);
            const ns = s.role === "onprem" ? "CWAgent/OnPrem" : "CWAgent";
            assert.strictEqual((links[0].inputs.linkConfiguration as any).metricConfiguration.filter, `Namespace IN ('${ns}')`);
        }
        for (const p of plans) {
            assert.deepStrictEqual(p.violations.filter((v) => v.enforcementLevel === "mandatory"), [], p.stack);
        }
        const hubSources = (loadManifest(FLEET).hub.parsed as any).hub.cloudwatch.sources;
        assert.deepStrictEqual(hubSources.map((x: any) => x.stack), spokes.map((s) => s.stack));
    });

    it("refuses a spoke in a region the fleet does not list before planning: no sink and no endpoint service admit it", () => {
        const doc = parse(fs.readFileSync(FLEET, "utf8"));
        doc.stacks.find((s: any) => s.name === "onprem-dc1").region = "ap-northeast-1";
        assert.throws(() => resolveManifest(doc), /onprem-dc1\)\.region: the site's landing account is in ap-northeast-1, which is not one of the fleet's regions \(us-east-1, us-west-2\)/);
    });
});
