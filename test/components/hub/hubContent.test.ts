import * as assert from "assert";
import * as grafana from "@pulumiverse/grafana";
import { HubContent, ruleNamespaceName } from "../../../components/hub/hubContent";
import { ALERTS, AMP_SNS_ACTIONS, Dashboard, FOLDERS, alertTopicPolicy, ampSnsKmsKeyPolicyStatement, panelsOf, prometheusTargets, renderRuleNamespaces, resolveContentOptions } from "../../../components/content";
import { Recorded, TEST_ACCOUNT, runProgram } from "../../harness";

const WORKSPACE_ID = "ws-0123abcd-4567-89ef-0123-456789abcdef";
const WORKSPACE_ARN = `arn:aws:aps:us-east-1:${TEST_ACCOUNT}:workspace/${WORKSPACE_ID}`;
const KMS = `arn:aws:kms:us-east-1:${TEST_ACCOUNT}:key/11111111-2222-4333-8444-555555555555`;
const DS_UID = "amp-hub";
const TAGS = { CostCenter: "1234", Owner: "platform", Environment: "prod", MonitoringRole: "hub" };

const T = {
    namespace: "aws:amp/ruleGroupNamespace:RuleGroupNamespace",
    alertManager: "aws:amp/alertManagerDefinition:AlertManagerDefinition",
    topic: "aws:sns/topic:Topic",
    topicPolicy: "aws:sns/topicPolicy:TopicPolicy",
    folder: "grafana:oss/folder:Folder",
    dashboard: "grafana:oss/dashboard:Dashboard",
};

describe("HubContent component (mocked engine)", function () {
    let rec: Recorded;

    before(async () => {
        rec = await runProgram(() => {
            const provider = new grafana.Provider("hub-grafana", { url: "https://g-abc.grafana-workspace.us-east-1.amazonaws.com", auth: "glsa_test" });
            const c = new HubContent(
                "hub-content",
                {
                    workspaceId: WORKSPACE_ID,
                    workspaceArn: WORKSPACE_ARN,
                    region: "us-east-1",
                    accountId: TEST_ACCOUNT,
                    kmsKeyArn: KMS,
                    grafanaDataSourceUid: DS_UID,
                    silentAfterMinutes: 20,
                    quotas: { activeSeries: 10_000_000 },
                    tags: TAGS,
                },
                { providers: [provider] },
            );
            return { names: c.ruleNamespaceNames, topic: c.alertTopicArn, folders: c.folderUids };
        });
    });

    it("attaches a recording and an alerting rule namespace to the hub workspace, rendered from the args", () => {
        const namespaces = rec.ofType(T.namespace);
        assert.deepStrictEqual(namespaces.map((n) => n.name), ["hub-content-recording-rules", "hub-content-alerting-rules"]);
        const expected = renderRuleNamespaces(resolveContentOptions({ silentAfterMinutes: 20, quotas: { activeSeries: 10_000_000 } }));
        namespaces.forEach((n, i) => {
            assert.strictEqual(n.inputs.workspaceId, WORKSPACE_ID);
            assert.strictEqual(n.inputs.name, ruleNamespaceName("hub-content", expected[i].kind));
            assert.strictEqual(n.inputs.data, expected[i].yaml);
            assert.deepStrictEqual(n.inputs.tags, { ...TAGS, Name: n.inputs.name });
        });
        assert.match(String(namespaces[1].inputs.data), /\[20m\]/);
        assert.match(String(namespaces[0].inputs.data), / \/ 10000000\n/);
        assert.deepStrictEqual(rec.outputs.names, ["hub-content-recording", "hub-content-alerting"]);
    });

    it("attaches the alert manager definition to the workspace, publishing to the component's topic", () => {
        const am = rec.one(T.alertManager);
        const topic = rec.one(T.topic);
        assert.strictEqual(am.inputs.workspaceId, WORKSPACE_ID);
        const def = String(am.inputs.definition);
        assert.match(def, /^template_files:\n/m);
        assert.match(def, /^alertmanager_config: \|\n/m);
        assert.ok(def.includes(`topic_arn: ${String(rec.outputs.topic)}`), "definition does not use the topic ARN");
        assert.match(String(rec.outputs.topic), new RegExp(`^arn:aws:sns:us-east-1:${TEST_ACCOUNT}:`));
        assert.ok(def.includes(ALERTS.hubCollectorDown));
        assert.strictEqual(topic.inputs.kmsMasterKeyId, KMS);
        assert.deepStrictEqual(topic.inputs.tags, { ...TAGS, Name: "hub-content-alerts" });
    });

    it("lets only AMP, for this workspace and account, publish to the topic", () => {
        const policyRes = rec.one(T.topicPolicy);
        assert.strictEqual(policyRes.inputs.arn, rec.outputs.topic);
        const policy = rec.json(policyRes, "policy");
        assert.deepStrictEqual(policy, JSON.parse(alertTopicPolicy(String(rec.outputs.topic), TEST_ACCOUNT, WORKSPACE_ARN)));
        assert.strictEqual(policy.Statement.length, 1);
        const s = policy.Statement[0];
        assert.deepStrictEqual(s.Principal, { Service: "aps.amazonaws.com" });
        assert.deepStrictEqual(s.Action, ["sns:Publish", "sns:GetTopicAttributes"]);
        assert.strictEqual(s.Resource, rec.outputs.topic);
        assert.deepStrictEqual(s.Condition, { StringEquals: { "aws:SourceAccount": TEST_ACCOUNT }, ArnEquals: { "aws:SourceArn": WORKSPACE_ARN } });
    });

    it("creates the folders and dashboards with the caller's Grafana provider, on the hub's data source", () => {
        const providerRef = rec.resources.find((r) => r.type === "pulumi:providers:grafana")!;
        assert.ok(providerRef, "grafana provider not registered");
        const folders = rec.ofType(T.folder);
        assert.deepStrictEqual(folders.map((f) => f.inputs.uid).sort(), Object.values(FOLDERS).map((f) => f.uid).sort());
        const dashboards = rec.ofType(T.dashboard);
        assert.strictEqual(dashboards.length, 3);
        for (const d of [...folders, ...dashboards]) {
            assert.ok(d.provider?.startsWith(providerRef.urn), `${d.name} does not use the grafana provider`);
        }
        for (const d of dashboards) {
            assert.ok(folders.some((f) => f.inputs.uid === d.inputs.folder), `${d.name} is not in a managed folder`);
            const model = rec.json<Dashboard>(d, "configJson");
            const panels = panelsOf(model);
            assert.ok(panels.every((p) => prometheusTargets(p).length === (p.targets ?? []).length && prometheusTargets(p).length > 0), "a panel has no Prometheus query");
            const refs = [...panels.flatMap((p) => [p.datasource, ...prometheusTargets(p).map((t) => t.datasource)]), ...(model.templating.list ?? []).map((v) => v.datasource)].filter((x) => x !== undefined);
            assert.ok(refs.length > 10);
            refs.forEach((r) => assert.deepStrictEqual(r, { type: "prometheus", uid: DS_UID }));
        }
        // AWS children keep the default AWS provider: the grafana one is not forced on them.
        assert.ok(!rec.one(T.topic).provider?.startsWith(providerRef.urn));
    });

    it("parents every child to the component", () => {
        const component = rec.one("oss-monitoring:hub:HubContent");
        const children = rec.childrenOf(component.urn);
        assert.deepStrictEqual(
            children.map((c) => c.type).sort(),
            [T.alertManager, T.dashboard, T.dashboard, T.dashboard, T.folder, T.folder, T.namespace, T.namespace, T.topic, T.topicPolicy].sort(),
        );
        assert.ok(children.every((c) => c.name.startsWith("hub-content-")));
    });

    it("builds a KMS statement for the topic key with the same confused-deputy conditions", () => {
        const s = ampSnsKmsKeyPolicyStatement(TEST_ACCOUNT, WORKSPACE_ARN) as { Principal: unknown; Action: string[]; Condition: unknown };
        assert.deepStrictEqual(s.Principal, { Service: "aps.amazonaws.com" });
        assert.deepStrictEqual(s.Action, ["kms:GenerateDataKey*", "kms:Decrypt"]);
        assert.deepStrictEqual(s.Condition, { StringEquals: { "aws:SourceAccount": TEST_ACCOUNT }, ArnEquals: { "aws:SourceArn": WORKSPACE_ARN } });
        assert.deepStrictEqual(AMP_SNS_ACTIONS, ["sns:Publish", "sns:GetTopicAttributes"]);
        assert.throws(() => alertTopicPolicy("arn:aws:sns:us-east-1:111111111111:t", "1111", WORKSPACE_ARN), /accountId "1111" must be the 12-digit ID/);
        assert.throws(() => alertTopicPolicy("arn:aws:sns:us-east-1:111111111111:t", TEST_ACCOUNT, "ws-1"), /workspaceArn "ws-1" is not an AMP workspace ARN/);
        assert.throws(() => ruleNamespaceName("x".repeat(70), "recording"), /rule namespace name .* is invalid for AMP/);
    });
});
