import * as assert from "assert";
import { alertPublishPolicy, cloudWatchReadPolicy } from "../../../components/cloudwatch/cloudwatchIam";
import { scopableActions } from "../../../policy/rules/leastPrivilege";

const SINK = "arn:aws:oam:us-east-1:111111111111:sink/0a1b2c3d-0000-4000-8000-000000000001";

describe("Grafana CloudWatch permissions", () => {
    const doc = cloudWatchReadPolicy({ account: "111111111111", regions: ["us-east-1", "eu-west-1"], sinkArns: [SINK] });

    it("reads metrics and queries only the project's log groups in the sink regions", () => {
        const bySid = Object.fromEntries(doc.Statement.map((s) => [s.Sid, s]));
        assert.deepStrictEqual(bySid.ReadMetrics.Action, ["cloudwatch:GetMetricData", "cloudwatch:ListMetrics"]);
        assert.deepStrictEqual(bySid.QueryProjectLogGroups.Resource, [
            "arn:aws:logs:eu-west-1:*:log-group:/oss-monitoring/*",
            "arn:aws:logs:eu-west-1:*:log-group:/oss-monitoring/*:log-stream:*",
            "arn:aws:logs:us-east-1:*:log-group:/oss-monitoring/*",
            "arn:aws:logs:us-east-1:*:log-group:/oss-monitoring/*:log-stream:*",
        ]);
        assert.deepStrictEqual(bySid.ListLinkedAccounts, { Sid: "ListLinkedAccounts", Effect: "Allow", Action: ["oam:ListAttachedLinks"], Resource: [SINK] });
    });

    it("grants nothing that writes, and uses Resource * only for actions IAM cannot scope", () => {
        const actions = doc.Statement.flatMap((s) => [s.Action].flat());
        for (const a of actions) {
            assert.match(a, /^(cloudwatch:(Get|List)|logs:(Describe|Get|StartQuery|StopQuery)|oam:List)/, a);
        }
        for (const s of doc.Statement.filter((x) => x.Resource === "*")) {
            for (const a of [s.Action].flat()) {
                assert.deepStrictEqual(scopableActions(a), [], `${a} on * must be an action without resource-level permissions (IAM catalogue)`);
            }
        }
        assert.ok(!actions.some((a) => a.startsWith("cloudwatch:DescribeAlarm") || a.startsWith("ec2:") || a.startsWith("tag:")));
    });

    it("publishes agent alerts to exactly the alert topic and its key", () => {
        const topic = "arn:aws:sns:us-east-1:111111111111:hub-content-alerts";
        const key = "arn:aws:kms:us-east-1:111111111111:key/0f0e0d0c-0000-4000-8000-000000000001";
        assert.deepStrictEqual(alertPublishPolicy(topic, key).Statement, [
            { Sid: "PublishAgentAlerts", Effect: "Allow", Action: ["sns:Publish"], Resource: topic },
            { Sid: "EncryptForTopic", Effect: "Allow", Action: ["kms:GenerateDataKey*", "kms:Decrypt"], Resource: key },
        ]);
        assert.throws(() => alertPublishPolicy("*", key), /topicArn/);
        assert.throws(() => cloudWatchReadPolicy({ account: "1", regions: ["us-east-1"], sinkArns: [SINK] }), /account/);
    });
});
