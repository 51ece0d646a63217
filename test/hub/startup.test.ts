import * as assert from "assert";
import { CONTENT_DIGEST_LABEL, contentDigest } from "../../components/collectorTask";
import { hubStack } from "../../stacks/hub";
import { Recorded, runProgram } from "../harness";
import { hubConfig, PEM } from "./fixtures";

const NOW = new Date("2026-11-23T00:00:00Z");
const SITE = { name: "onprem-dc1", cidrs: ["172.16.0.0/20"], clientCaBundle: PEM };

async function planHub(hub: Record<string, unknown> = {}): Promise<Recorded> {
    return runProgram(() => hubStack(hubConfig(hub), NOW));
}

function collectorLabel(r: Recorded): string {
    const containers = r.json<Array<{ name: string; dockerLabels?: Record<string, string> }>>(r.one("aws:ecs/taskDefinition:TaskDefinition"), "containerDefinitions");
    const label = containers.find((c) => c.name === "adot-collector")?.dockerLabels?.[CONTENT_DIGEST_LABEL];
    assert.ok(label, "collector container carries the content digest label");
    return label;
}

describe("hub collector start-up order and rollouts", function () {
    let r: Recorded;
    before(async () => {
        r = await planHub({ onpremSites: [SITE] });
    });

    it("starts no task before the VPC endpoints, role policies, cache rule and listeners exist", () => {
        const deps = new Set(r.one("aws:ecs/service:Service").dependencies);
        const needed = [
            // The network's endpoints (the Grafana API endpoint is for the deploy runner, not the tasks).
            ...r.ofType("aws:ec2/vpcEndpoint:VpcEndpoint").filter((e) => e.name.startsWith("hub-net-")),
            ...r.ofType("aws:iam/rolePolicy:RolePolicy").filter((p) => p.name.startsWith("hub-collector-")),
            ...r.ofType("aws:ecr/pullThroughCacheRule:PullThroughCacheRule"),
            ...r.ofType("aws:lb/listener:Listener"),
        ];
        assert.ok(needed.filter((x) => x.type === "aws:ec2/vpcEndpoint:VpcEndpoint").length >= 9, "interface endpoints and the S3 gateway");
        assert.strictEqual(needed.filter((x) => x.type === "aws:iam/rolePolicy:RolePolicy").length, 2);
        for (const x of needed) {
            assert.ok(deps.has(x.urn), `the ECS service does not wait for ${x.type} ${x.name}`);
        }
    });

    it("waits for steady state so a failed rollout fails the update", () => {
        assert.strictEqual(r.one("aws:ecs/service:Service").inputs.waitForSteadyState, true);
    });

    it("labels the collector with a digest of the config and client CA it reads by ARN", () => {
        const config = String(r.one("aws:ssm/parameter:Parameter", "collector-config").inputs.insecureValue);
        const ca = String(r.one("aws:ssm/parameter:Parameter", "client-ca").inputs.insecureValue);
        assert.strictEqual(collectorLabel(r), contentDigest([config, ca]));
    });

    it("makes a new task definition revision when the client CA or the collector config changes", async () => {
        const otherCa = await planHub({ onpremSites: [{ ...SITE, clientCaBundle: PEM.replace("TESTONLY", "ROTATED1") }] });
        assert.notStrictEqual(collectorLabel(otherCa), collectorLabel(r));
        const otherConfig = await planHub({ onpremSites: [SITE], drRegion: "us-west-2" });
        assert.notStrictEqual(collectorLabel(otherConfig), collectorLabel(r));
    });
});

describe("contentDigest", () => {
    it("distinguishes values that concatenate alike", () => {
        assert.notStrictEqual(contentDigest(["ab", "c"]), contentDigest(["a", "bc"]));
        assert.match(contentDigest(["x"]), /^[0-9a-f]{64}$/);
    });
});
