import * as assert from "assert";
import { collectorExecutionPolicy, collectorTaskPolicy, ecsExecutionTrust, ecsTaskTrust } from "../../../components/hub/collector/collectorIam";
import { grafanaQueryPolicy, grafanaTrust } from "../../../components/hub/grafana/grafanaIam";
import { ENDPOINT_ACTIONS, endpointPolicy, endpointPolicyNarrowsActions, PRE_AUTHENTICATION_ACTIONS, s3GatewayPolicy } from "../../../components/network/endpointCatalog";
import { kmsKeyPolicy } from "../../../components/security/iam";
import { rotatingTokenName } from "../../../components/security/rotation";

const WS = "arn:aws:aps:us-east-1:111111111111:workspace/ws-1";

describe("hub IAM documents", () => {
    it("lets the collector task only remote-write to the given workspaces", () => {
        assert.deepStrictEqual(collectorTaskPolicy([WS]), {
            Version: "2012-10-17",
            Statement: [{ Sid: "RemoteWriteToHubWorkspaces", Effect: "Allow", Action: ["aps:RemoteWrite"], Resource: [WS] }],
        });
        assert.throws(() => collectorTaskPolicy([]), /at least one AMP workspace/);
    });

    it("scopes the execution role to its repositories, log group, parameters and secrets", () => {
        const doc = collectorExecutionPolicy({
            account: "111111111111", region: "us-east-1", repositoryPrefix: "ecr-public",
            logGroupArn: "arn:aws:logs:us-east-1:111111111111:log-group:/oss-monitoring/c",
            parameterArns: ["arn:aws:ssm:us-east-1:111111111111:parameter/oss-monitoring/c/collector-config"],
            secretArns: ["arn:aws:secretsmanager:us-east-1:111111111111:secret:tls-AbCdEf"],
        });
        const bySid = Object.fromEntries(doc.Statement.map((s) => [s.Sid, s]));
        // The only "*" is ecr:GetAuthorizationToken, which has no resource-level permissions.
        const wildcard = doc.Statement.filter((s) => s.Resource === "*" || (Array.isArray(s.Resource) && s.Resource.includes("*")));
        assert.deepStrictEqual(wildcard.map((s) => s.Action), [["ecr:GetAuthorizationToken"]]);
        assert.strictEqual(bySid.PullThroughCache.Resource, "arn:aws:ecr:us-east-1:111111111111:repository/ecr-public/*");
        assert.strictEqual(bySid.TaskLogs.Resource, "arn:aws:logs:us-east-1:111111111111:log-group:/oss-monitoring/c:*");
        assert.deepStrictEqual(bySid.ContainerParameters.Action, ["ssm:GetParameters"]);
        assert.deepStrictEqual(bySid.ContainerSecrets.Resource, ["arn:aws:secretsmanager:us-east-1:111111111111:secret:tls-AbCdEf"]);
        assert.deepStrictEqual(bySid.DecryptSecretsViaSecretsManager.Condition, { StringEquals: { "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com" } });
        for (const s of doc.Statement) {
            for (const a of [s.Action].flat()) {
                assert.ok(a !== "*" && !a.endsWith(":*"), `no wildcard action: ${a}`);
            }
        }
    });

    it("conditions the execution role on aws:SourceAccount only: ECS documents no aws:SourceArn for it", () => {
        // task_execution_IAM_role.md shows an unconditioned trust; only the task role page documents
        // aws:SourceArn (ecsExecutionTrust has the sources). An undocumented ArnLike could deny every task start.
        assert.deepStrictEqual(ecsExecutionTrust("111111111111").Statement[0].Condition, { StringEquals: { "aws:SourceAccount": "111111111111" } });
        assert.deepStrictEqual(ecsExecutionTrust("111111111111").Statement[0].Principal, { Service: "ecs-tasks.amazonaws.com" });
    });

    it("binds service trust to this account and its resources", () => {
        assert.deepStrictEqual(ecsTaskTrust("111111111111", "us-east-1").Statement[0].Condition, {
            StringEquals: { "aws:SourceAccount": "111111111111" },
            ArnLike: { "aws:SourceArn": "arn:aws:ecs:us-east-1:111111111111:*" },
        });
        const g = grafanaTrust("111111111111", "us-east-1").Statement[0];
        assert.deepStrictEqual(g.Principal, { Service: "grafana.amazonaws.com" });
        assert.deepStrictEqual(g.Condition?.ArnLike, { "aws:SourceArn": "arn:aws:grafana:us-east-1:111111111111:/workspaces/*" });
    });

    it("gives Grafana read-only query actions on the hub workspaces", () => {
        const s = grafanaQueryPolicy([WS]).Statement[0];
        assert.deepStrictEqual(s.Action, ["aps:QueryMetrics", "aps:GetSeries", "aps:GetLabels", "aps:GetMetricMetadata"]);
        assert.deepStrictEqual(s.Resource, [WS]);
    });

    it("rotates the Grafana token name once per period", () => {
        const day = 86_400_000;
        const t0 = new Date(15 * day * 1000);
        assert.strictEqual(rotatingTokenName("pulumi", t0, 15), "pulumi-p1000");
        assert.strictEqual(rotatingTokenName("pulumi", new Date(t0.getTime() + 14 * day), 15), "pulumi-p1000");
        assert.strictEqual(rotatingTokenName("pulumi", new Date(t0.getTime() + 15 * day), 15), "pulumi-p1001");
    });

    it("keeps KMS key policies free of wildcard principals and kms:*", () => {
        const doc = kmsKeyPolicy({ account: "111111111111", region: "us-east-1", services: ["logs", "sns-from-aps"] });
        for (const s of doc.Statement) {
            assert.notStrictEqual(s.Principal, "*");
            assert.ok(![s.Action].flat().includes("kms:*"));
        }
        const logs = doc.Statement.find((s) => s.Sid === "CloudWatchLogsEncryptsThisAccountsLogGroups");
        assert.deepStrictEqual(logs?.Condition, { ArnLike: { "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:us-east-1:111111111111:log-group:*" } });
        const aps = doc.Statement.find((s) => s.Sid === "ManagedPrometheusPublishesEncryptedAlerts");
        assert.deepStrictEqual(aps?.Condition, { StringEquals: { "aws:SourceAccount": "111111111111" } });
    });
});

describe("interface endpoint policies", () => {
    // With private DNS an endpoint serves the whole VPC: a policy narrowed to the agents' actions
    // denied the EKS VPC CNI's ec2:CreateNetworkInterface and every other workload (issue 12, item 11).
    it("allow every action, for principals of the organization only", () => {
        for (const service of Object.keys(ENDPOINT_ACTIONS)) {
            const doc = endpointPolicy(service, "o-a1b2c3d4e5");
            assert.deepStrictEqual(doc.Statement[0].Action, "*");
            assert.deepStrictEqual(doc.Statement[0].Condition, { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } });
            assert.deepStrictEqual(endpointPolicyNarrowsActions(doc), [], service);
        }
    });

    it("detect a policy that narrows actions (the pure check behind the policy rule)", () => {
        const narrowed = { Version: "2012-10-17" as const, Statement: [{ Effect: "Allow" as const, Principal: "*" as const, Action: ["ec2:DescribeTags"], Resource: "*" }] };
        assert.match(endpointPolicyNarrowsActions(narrowed)[0], /ec2:DescribeTags.*every other workload/);
    });

    // Hybrid nodes call these three without SigV4, so aws:PrincipalOrgID/aws:ResourceOrgID never match;
    // SSM documents ssm:NodeOrgId for them (userguide/setup-create-vpc.html#vpc-endpoint-policies-hybrid-nodes).
    it("let hybrid nodes register and refresh credentials by ssm:NodeOrgId", () => {
        const st = endpointPolicy("ssm", "o-a1b2c3d4e5").Statement[1];
        assert.deepStrictEqual(st.Action, ["ssm:RegisterManagedInstance", "ssm:RequestManagedInstanceRoleToken", "ssm:UpdateManagedInstancePublicKey"]);
        assert.deepStrictEqual(st.Condition, { StringEquals: { "ssm:NodeOrgId": "o-a1b2c3d4e5" } });
        assert.ok(!JSON.stringify(endpointPolicy("ssm", "o-a1b2c3d4e5")).includes("aws:ResourceOrgID"));
    });

    it("let unsigned federation (IRSA, SAML) assume only organization roles", () => {
        const st = endpointPolicy("sts", "o-a1b2c3d4e5").Statement[1];
        assert.deepStrictEqual(st.Action, [...PRE_AUTHENTICATION_ACTIONS.sts.actions]);
        assert.ok((st.Action).includes("sts:AssumeRoleWithSAML"));
        assert.deepStrictEqual(st.Condition, { StringEquals: { "aws:ResourceOrgID": "o-a1b2c3d4e5" } });
    });

    // Endpoint policies do not apply to CreateSession (rolesanywhere/latest/userguide/vpc-interface-endpoints.html).
    it("carry no CreateSession statement for Roles Anywhere", () => {
        assert.strictEqual(endpointPolicy("rolesanywhere", "o-a1b2c3d4e5").Statement.length, 1);
        assert.throws(() => endpointPolicy("s3-outposts", "o-a1b2c3d4e5"), /no endpoint policy is defined for service "s3-outposts"/);
    });

    // ssm-agent-minimum-s3-permissions.html: AWS-ConfigureAWSPackage and the SSM agent read these.
    it("S3 gateway policy admits the SSM agent's download buckets", () => {
        const res = s3GatewayPolicy("eu-west-1").Statement[0].Resource as string[];
        for (const b of ["aws-ssm-eu-west-1", "aws-windows-downloads-eu-west-1", "eu-west-1-birdwatcher-prod", "amazon-ssm-packages-eu-west-1"]) {
            assert.ok(res.includes(`arn:aws:s3:::${b}/*`), b);
        }
    });
});
