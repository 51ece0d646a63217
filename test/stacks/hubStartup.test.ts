import * as assert from "assert";
import { CONTENT_DIGEST_LABEL, contentDigest } from "../../components/hub/collector/collectorTask";
import { hubStack } from "../../stacks/hub";
import { Recorded, runProgram } from "../harness";
import { hubConfig, SITE } from "./fixtures/hub";

const NOW = new Date("2026-11-23T00:00:00Z");

async function planHub(hub: Record<string, unknown> = {}): Promise<Recorded> {
    return runProgram(() => hubStack(hubConfig(hub), NOW));
}

function collectorLabel(r: Recorded): string {
    const containers = r.json<Array<{ name: string; dockerLabels?: Record<string, string> }>>(r.one("aws:ecs/taskDefinition:TaskDefinition"), "containerDefinitions");
    const label = containers.find((c) => c.name === "adot-collector")?.dockerLabels?.[CONTENT_DIGEST_LABEL];
    assert.ok(label, "collector container carries the content digest label");
    assert.strictEqual(containers.find((c) => c.name === "tenant-proxy")?.dockerLabels?.[CONTENT_DIGEST_LABEL], label, "so does the proxy");
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

    it("labels the containers with a digest of everything they read by ARN: configs, tenant CA, maps, revoked serials, the proxy's Lua", () => {
        const value = (suffix: string) => String(r.one("aws:ssm/parameter:Parameter", suffix).inputs.insecureValue);
        const byArn = ["collector-config", "proxy-config", "tenant-ca", "account-map-0", "site-map-0", "revoked-serials", "cert-seen-lua"].map(value);
        assert.strictEqual(collectorLabel(r), contentDigest(byArn));
        // Every parameter the task definition references is in the digest.
        const referenced = r.json<Array<{ secrets?: Array<{ valueFrom: string }> }>>(r.one("aws:ecs/taskDefinition:TaskDefinition"), "containerDefinitions")
            .flatMap((c) => c.secrets ?? []).filter((x) => x.valueFrom.includes(":ssm:"));
        assert.strictEqual(referenced.length, byArn.length);
    });

    it("makes a new task definition revision when a tenant, a revocation or the collector config changes", async () => {
        const otherSite = await planHub({ onpremSites: [SITE, { ...SITE, name: "onprem-dc2", site: "dc2", cidrs: ["172.17.0.0/20"] }] });
        assert.notStrictEqual(collectorLabel(otherSite), collectorLabel(r));
        const revoked = await planHub({ onpremSites: [SITE], identity: { revokedSerials: ["0A1B"] } });
        assert.notStrictEqual(collectorLabel(revoked), collectorLabel(r));
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
