import * as assert from "assert";
import { linkConfiguration, SHARED_RESOURCE_TYPES, sinkArnForRegion, sinkPolicy, sinkRegions } from "../../../components/cloudwatch/observabilityPolicy";

const ORG = "o-a1b2c3d4e5";
const SINK_EAST = "arn:aws:oam:us-east-1:111111111111:sink/0a1b2c3d-0000-4000-8000-000000000001";
const SINK_WEST = "arn:aws:oam:eu-west-1:111111111111:sink/0a1b2c3d-0000-4000-8000-000000000002";

describe("CloudWatch observability (OAM) policy builders", () => {
    it("admits any account of the organization, only to share metrics and log groups", () => {
        const doc = sinkPolicy({ organizationId: ORG });
        assert.deepStrictEqual(doc.Statement, [{
            Sid: "OrganizationAccountsLinkMetricsAndLogs",
            Effect: "Allow",
            Principal: "*",
            Action: ["oam:CreateLink", "oam:UpdateLink"],
            Resource: "*",
            Condition: {
                StringEquals: { "aws:PrincipalOrgID": ORG },
                "ForAllValues:StringEquals": { "oam:ResourceTypes": ["AWS::CloudWatch::Metric", "AWS::Logs::LogGroup"] },
            },
        }]);
    });

    it("narrows to the fleet's accounts and keeps the organization condition", () => {
        const doc = sinkPolicy({ organizationId: ORG, accounts: ["333333333333", "222222222222", "333333333333"] });
        assert.deepStrictEqual(doc.Statement[0].Principal, { AWS: ["222222222222", "333333333333"] });
        assert.deepStrictEqual(doc.Statement[0].Condition?.StringEquals, { "aws:PrincipalOrgID": ORG });
    });

    it("rejects a malformed organization or account", () => {
        assert.throws(() => sinkPolicy({ organizationId: "org-1" }), /organizationId: "org-1" is not an AWS organization ID/);
        assert.throws(() => sinkPolicy({ organizationId: ORG, accounts: ["12345"] }), /accounts\[0\]: "12345" is not a 12-digit account ID/);
    });

    it("shares no traces: the agents send none", () => {
        assert.ok(!(SHARED_RESOURCE_TYPES as readonly string[]).includes("AWS::XRay::Trace"));
    });

    it("filters links to the agents' namespaces and the project's log groups", () => {
        assert.deepStrictEqual(linkConfiguration(["CWAgent/OnPrem", "CWAgent", "CWAgent"]), {
            logGroupConfiguration: { filter: "LogGroupName LIKE '/oss-monitoring/%'" },
            metricConfiguration: { filter: "Namespace IN ('CWAgent/OnPrem', 'CWAgent')" },
        });
        assert.throws(() => linkConfiguration([]), /namespaces: list at least one/);
        assert.throws(() => linkConfiguration(["a'b"]), /namespaces\[0\]/);
    });

    it("gives a link the sink of its own region and refuses any other", () => {
        const arns = { "us-east-1": SINK_EAST, "eu-west-1": SINK_WEST };
        assert.strictEqual(sinkArnForRegion(arns, "eu-west-1", "org/p/hub"), SINK_WEST);
        assert.throws(() => sinkArnForRegion(arns, "ap-south-1", "org/p/hub"), /no CloudWatch observability sink in ap-south-1 \(sinks: eu-west-1, us-east-1\); OAM links must use a sink in their own region/);
        assert.throws(() => sinkArnForRegion({ "eu-west-1": SINK_EAST }, "eu-west-1", "org/p/hub"), /observabilitySinkArns.eu-west-1 is a sink in us-east-1; OAM links must use a sink in their own region \(eu-west-1\)/);
        assert.throws(() => sinkArnForRegion({ "us-east-1": "arn:aws:sns:us-east-1:111111111111:x" }, "us-east-1", "org/p/hub"), /is not an OAM sink ARN/);
        assert.throws(() => sinkArnForRegion(undefined, "us-east-1", "org/p/hub"), /sinks: none/);
    });

    it("creates one sink per region the fleet uses", () => {
        assert.deepStrictEqual(sinkRegions("us-east-1", ["us-east-1", "eu-west-1", "us-east-1"]), ["eu-west-1", "us-east-1"]);
    });
});
