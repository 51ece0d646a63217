import * as assert from "assert";
import { AgentAssociations, agentParameterReadPolicy } from "../../../components/agent/agentAssociations";
import { renderAgentLayers } from "../../../components/agent/cloudwatchAgentConfig";
import { runProgram } from "../../harness";

const layers = renderAgentLayers({
    parameterPrefix: "monitored-payments",
    logGroupPrefix: "/oss-monitoring/monitored-payments",
    overlays: [{ name: "nginx", platform: "linux", logFiles: [{ path: "/var/log/nginx/access.log" }] }],
});

describe("AgentAssociations", () => {
    it("stores each layer in a String parameter named AmazonCloudWatch-... with the rendered JSON", async () => {
        const r = await runProgram(() => new AgentAssociations("agent", { layers, tags: { CostCenter: "cc" } }));
        const params = r.ofType("aws:ssm/parameter:Parameter");
        assert.deepStrictEqual(params.map((p) => p.inputs.name), layers.map((l) => l.parameterName));
        for (const [i, p] of params.entries()) {
            assert.strictEqual(p.inputs.type, "String");
            assert.strictEqual(p.inputs.tier, layers[i].tier);
            assert.strictEqual(p.inputs.insecureValue, layers[i].json);
        }
    });

    it("installs the agent package on both platforms by tag", async () => {
        const r = await runProgram(() => new AgentAssociations("agent", { layers }));
        const install = r.one("aws:ssm/association:Association", "install");
        assert.strictEqual(install.inputs.name, "AWS-ConfigureAWSPackage");
        assert.deepStrictEqual(install.inputs.parameters, { action: "Install", name: "AmazonCloudWatchAgent" });
        assert.deepStrictEqual(install.inputs.targets, [{ key: "tag:MonitoringAgent", values: ["cloudwatch-linux", "cloudwatch-windows"] }]);
        assert.strictEqual(install.inputs.scheduleExpression, "rate(7 days)");
        assert.strictEqual(install.inputs.complianceSeverity, "HIGH");
        assert.strictEqual(install.inputs.maxConcurrency, "10%");
        assert.strictEqual(install.inputs.maxErrors, "10%");
    });

    it("configures each layer from its parameter; overlays also need their own host tag", async () => {
        const r = await runProgram(() => new AgentAssociations("agent", { layers, mode: "onPremise", targeting: { tagKey: "Agent", platformValues: { linux: "lx" } } }));
        const doc = r.one("aws:ssm/document:Document");
        const content = JSON.parse(String(doc.inputs.content));
        // The document runs AmazonCloudWatch-ManageAgent with the association's parameters (aws:runDocument).
        assert.deepStrictEqual(content.mainSteps.at(-1).inputs.documentPath, "AmazonCloudWatch-ManageAgent");
        const configure = r.ofType("aws:ssm/association:Association").filter((a) => a.inputs.name === doc.inputs.name);
        assert.strictEqual(configure.length, layers.length);
        for (const l of layers) {
            const a = configure.find((c) => c.name === `agent-configure-${l.layer}`)!;
            const { layerHash, readGroups, ...params } = a.inputs.parameters as Record<string, string>;
            assert.strictEqual(readGroups, "");
            assert.deepStrictEqual(params, {
                action: "configure (append)", mode: "onPremise", optionalConfigurationSource: "ssm", optionalConfigurationLocation: l.parameterName, optionalRestart: "yes",
            });
            assert.match(layerHash, /^[0-9a-f]{16}$/);
            // ManageAgent restarts the agent on every run: no schedule, runs on change only (issue 12, item 16).
            assert.strictEqual(a.inputs.scheduleExpression, undefined);
        }
        assert.deepStrictEqual(configure.find((c) => c.name.endsWith("base-linux"))!.inputs.targets, [{ key: "tag:Agent", values: ["lx"] }]);
        assert.deepStrictEqual(configure.find((c) => c.name.endsWith("base-windows"))!.inputs.targets, [{ key: "tag:Agent", values: ["cloudwatch-windows"] }]);
        assert.deepStrictEqual(configure.find((c) => c.name.endsWith("nginx"))!.inputs.targets, [
            { key: "tag:Agent", values: ["lx"] }, { key: "tag:MonitoringOverlay-nginx", values: ["true"] },
        ]);
    });

    it("baseAction configure resets hosts to the base layer; overlays still append", async () => {
        const r = await runProgram(() => new AgentAssociations("agent", { layers, baseAction: "configure" }));
        const action = (suffix: string) => (r.one("aws:ssm/association:Association", `configure-${suffix}`).inputs.parameters as Record<string, string>).action;
        assert.strictEqual(action("base-linux"), "configure");
        assert.strictEqual(action("nginx"), "configure (append)");
    });

    it("pre-creates the layers' log groups with KMS and retention when asked", async () => {
        const r = await runProgram(() => new AgentAssociations("agent", {
            layers, logGroups: { names: ["/oss/a", "/oss/b"], kmsKeyArn: "arn:aws:kms:us-east-1:111111111111:key/k", retentionDays: 90 },
        }));
        const groups = r.ofType("aws:cloudwatch/logGroup:LogGroup");
        assert.deepStrictEqual(groups.map((g) => [g.inputs.name, g.inputs.kmsKeyId, g.inputs.retentionInDays]), [
            ["/oss/a", "arn:aws:kms:us-east-1:111111111111:key/k", 90], ["/oss/b", "arn:aws:kms:us-east-1:111111111111:key/k", 90],
        ]);
    });

    it("rejects bad arguments naming the field", async () => {
        await assert.rejects(runProgram(() => new AgentAssociations("agent", { layers: layers.filter((l) => l.kind === "overlay") })), /layers: at least one base layer/);
        await assert.rejects(runProgram(() => new AgentAssociations("agent", { layers, configureSchedule: "rate(5 minutes)" })), /configureSchedule: .*at least 30 minutes/);
        await assert.rejects(runProgram(() => new AgentAssociations("agent", { layers: [{ ...layers[0], parameterName: "/cw/base" }] })), /layers\[0\].parameterName: .*AmazonCloudWatch-/);
        await assert.rejects(runProgram(() => new AgentAssociations("agent", { layers, maxErrors: "lots" })), /maxErrors/);
    });

    it("host read policy lists exactly the parameter ARNs", () => {
        const doc = agentParameterReadPolicy(["arn:aws:ssm:us-east-1:1:parameter/AmazonCloudWatch-b", "arn:aws:ssm:us-east-1:1:parameter/AmazonCloudWatch-a"]);
        assert.deepStrictEqual(doc.Statement, [{
            Sid: "ReadThisStacksAgentConfiguration", Effect: "Allow", Action: ["ssm:GetParameter"],
            Resource: ["arn:aws:ssm:us-east-1:1:parameter/AmazonCloudWatch-a", "arn:aws:ssm:us-east-1:1:parameter/AmazonCloudWatch-b"],
        }]);
        assert.throws(() => agentParameterReadPolicy([]), /no parameter ARNs/);
    });
});
