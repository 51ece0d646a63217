import * as assert from "assert";
import {
    agentLogGroups,
    AgentMode,
    AgentRenderOptions,
    parameterTier,
    renderAgentCommonConfig,
    renderAgentLayers,
    renderBaseAgentConfig,
    renderOverlayAgentConfig,
    WorkloadOverlay,
} from "../../../components/agent/cloudwatchAgentConfig";
import { validateAgentConfig } from "./agentSchema";
import { AGENT_PLATFORMS, AgentPlatform } from "../../../components/agent/hostMetrics";
import { LOG_RETENTION_DAYS } from "../../../components/security/logRetention";

const ROLE = "arn:aws:iam::222222222222:role/onprem-cloudwatch-agent";

/** Every combination of the options that change the rendered shape. */
function renderOptionMatrix(): AgentRenderOptions[] {
    const out: AgentRenderOptions[] = [];
    for (const platform of AGENT_PLATFORMS) {
        for (const mode of ["ec2", "onPremise"] as AgentMode[]) {
            for (const roleArn of mode === "onPremise" ? [undefined, ROLE] : [undefined]) {
                for (const dimensions of [undefined, { site: "dc1", team: "payments" }]) {
                    for (const endpointOverrides of [undefined, { metrics: "https://monitoring.eu-west-1.amazonaws.com" }, { metrics: "https://vpce-1.monitoring.eu-west-1.vpce.amazonaws.com", logs: "https://vpce-2.logs.eu-west-1.vpce.amazonaws.com" }]) {
                        for (const runAsUser of platform === "linux" ? [undefined, "root"] : [undefined]) {
                            out.push({
                                platform, mode, region: mode === "onPremise" ? "eu-west-1" : undefined, logGroupPrefix: "/oss-monitoring/test",
                                dimensions, endpointOverrides, runAsUser,
                                onPremise: roleArn !== undefined ? { roleArn } : undefined,
                                metricsCollectionInterval: dimensions ? 10 : undefined, namespace: dimensions ? "Payments" : undefined,
                            });
                        }
                    }
                }
            }
        }
    }
    return out;
}

/** One overlay per feature, plus everything at once, for a platform. */
function overlayMatrix(platform: AgentPlatform): WorkloadOverlay[] {
    const path = platform === "linux" ? "/var/log/app/*.log" : "C:\\app\\logs\\*.log";
    const proc = platform === "linux" ? "nginx" : "w3wp";
    const all: WorkloadOverlay = {
        name: `${platform}-all`, platform,
        logFiles: [{ path }, { path, logGroup: "app/access", multiLineStartPattern: "^\\d{4}-", timestampFormat: "%Y-%m-%d %H:%M:%S", timezone: "Local" }],
        processes: [{ exe: proc }, { pattern: `${proc} .*worker` }, { pidFile: platform === "linux" ? "/run/app.pid" : "C:\\app\\app.pid" }],
        statsdPort: 8125,
        ...(platform === "linux" ? { journaldUnits: ["nginx.service", "app.service"] } : { windowsEvents: [{ eventName: "Security", levels: ["ERROR", "CRITICAL"] }] }),
    };
    return [
        { name: `${platform}-files`, platform, logFiles: [{ path }] },
        { name: `${platform}-procs`, platform, processes: [{ exe: proc }] },
        { name: `${platform}-statsd`, platform, statsdPort: 9125 },
        platform === "linux"
            ? { name: "linux-journal", platform, journaldUnits: ["sshd.service"] }
            : { name: "windows-events", platform, windowsEvents: [{ eventName: "Microsoft-Windows-IIS-Logging/Logs", levels: ["INFORMATION"] }] },
        all,
    ];
}

describe("CloudWatch agent config renderer", () => {
    it("every base variant validates against the agent's official schema", () => {
        const matrix = renderOptionMatrix();
        assert.ok(matrix.length >= 30, "the matrix covers the option space");
        for (const o of matrix) {
            assert.deepStrictEqual(validateAgentConfig(renderBaseAgentConfig(o)), [], JSON.stringify(o));
        }
        for (const days of LOG_RETENTION_DAYS) {
            for (const platform of AGENT_PLATFORMS) {
                assert.deepStrictEqual(validateAgentConfig(renderBaseAgentConfig({ platform, logGroupPrefix: "/x", logRetentionDays: days })), []);
            }
        }
    });

    it("every overlay variant validates against the schema", () => {
        for (const o of renderOptionMatrix()) {
            for (const ov of overlayMatrix(o.platform)) {
                assert.deepStrictEqual(validateAgentConfig(renderOverlayAgentConfig(ov, o)), [], `${ov.name} ${JSON.stringify(o)}`);
            }
        }
    });

    it("every layer of a layered set validates and is named AmazonCloudWatch-<prefix>-<layer>", () => {
        const overlays = [...overlayMatrix("linux"), ...overlayMatrix("windows")];
        for (const mode of ["ec2", "onPremise"] as AgentMode[]) {
            const layers = renderAgentLayers({ parameterPrefix: "monitored-payments", logGroupPrefix: "/oss-monitoring/monitored-payments", overlays, mode, region: "us-east-1" });
            assert.deepStrictEqual(layers.map((l) => l.parameterName).slice(0, 3), [
                "AmazonCloudWatch-monitored-payments-base-linux",
                "AmazonCloudWatch-monitored-payments-base-windows",
                "AmazonCloudWatch-monitored-payments-linux-files",
            ]);
            assert.strictEqual(layers.length, 2 + overlays.length);
            for (const l of layers) {
                assert.deepStrictEqual(validateAgentConfig(l.json), [], l.layer);
                assert.strictEqual(l.tier, parameterTier(l.json));
            }
        }
    });

    it("the validator rejects configs the agent would reject", () => {
        assert.notDeepStrictEqual(validateAgentConfig({ metrics: {} }), []);
        assert.notDeepStrictEqual(validateAgentConfig({ agent: { credentials: { profile: "x" } } }), []);
        assert.notDeepStrictEqual(validateAgentConfig({ logs: { logs_collected: { files: { collect_list: [{ file_path: "/x", retention_in_days: 2 }] } } } }), []);
    });

    it("ec2 mode adds instance dimensions and instance-id streams; onPremise uses region, hostname and the role", () => {
        const ec2 = renderBaseAgentConfig({ platform: "linux", logGroupPrefix: "/p" }) as any;
        assert.strictEqual(ec2.metrics.append_dimensions.InstanceId, "${aws:InstanceId}");
        assert.strictEqual(ec2.logs.logs_collected.files.collect_list[0].log_stream_name, "{instance_id}");
        assert.strictEqual(ec2.agent.run_as_user, "cwagent");
        assert.strictEqual(ec2.agent.region, undefined);
        const onprem = renderBaseAgentConfig({ platform: "linux", mode: "onPremise", region: "eu-west-1", logGroupPrefix: "/p", onPremise: { roleArn: ROLE }, dimensions: { site: "dc1" } }) as any;
        assert.strictEqual(onprem.metrics.append_dimensions, undefined);
        assert.strictEqual(onprem.agent.region, "eu-west-1");
        assert.deepStrictEqual(onprem.agent.credentials, { role_arn: ROLE });
        assert.strictEqual(onprem.logs.logs_collected.files.collect_list[0].log_stream_name, "{hostname}");
        assert.deepStrictEqual(onprem.metrics.metrics_collected.cpu.append_dimensions, { site: "dc1" });
        const win = renderBaseAgentConfig({ platform: "windows", logGroupPrefix: "/p" }) as any;
        assert.strictEqual(win.agent.run_as_user, undefined);
        assert.deepStrictEqual(win.logs.logs_collected.windows_events.collect_list.map((e: any) => e.event_name), ["System", "Application"]);
        assert.ok("LogicalDisk" in win.metrics.metrics_collected);
    });

    it("overlays carry no agent section or metric-level dimensions, so append merges cleanly", () => {
        for (const ov of overlayMatrix("linux")) {
            const c = renderOverlayAgentConfig(ov, { logGroupPrefix: "/p" }) as any;
            assert.strictEqual(c.agent, undefined);
            assert.strictEqual(c.metrics?.append_dimensions, undefined);
        }
        const statsd = renderOverlayAgentConfig({ name: "s", platform: "linux", statsdPort: 8125 }, { logGroupPrefix: "/p" }) as any;
        assert.strictEqual(statsd.metrics.metrics_collected.statsd.service_address, "127.0.0.1:8125");
    });

    it("rejects bad input naming the field", () => {
        assert.throws(() => renderBaseAgentConfig({ platform: "linux", mode: "onPremise", logGroupPrefix: "/p" }), /region: required in onPremise mode/);
        assert.throws(() => renderBaseAgentConfig({ platform: "linux", logGroupPrefix: "/p", onPremise: { roleArn: ROLE } }), /onPremise: only valid with mode onPremise/);
        assert.throws(() => renderBaseAgentConfig({ platform: "linux", logGroupPrefix: "/p", logRetentionDays: 2 }), /logRetentionDays: 2 is not/);
        assert.throws(() => renderBaseAgentConfig({ platform: "linux", logGroupPrefix: "/p", endpointOverrides: { logs: "http://logs" } }), /endpointOverrides.logs: .* https/);
        assert.throws(() => renderAgentLayers({ parameterPrefix: "s", logGroupPrefix: "/p", overlays: [{ name: "a", platform: "linux", statsdPort: 8125 }, { name: "a", platform: "linux", statsdPort: 8126 }] }), /overlays\[1\].name: "a" is used twice/);
        assert.throws(() => renderAgentLayers({ parameterPrefix: "s", logGroupPrefix: "/p", overlays: [{ name: "w", platform: "windows", journaldUnits: ["x"] }] }), /overlays\[0\].journaldUnits: journald exists only on Linux/);
        assert.throws(() => renderAgentLayers({ parameterPrefix: "s", logGroupPrefix: "/p", overlays: [{ name: "e", platform: "linux" }] }), /overlays\[0\]: overlay "e" collects nothing/);
        assert.throws(() => renderAgentLayers({ parameterPrefix: "s", logGroupPrefix: "/p", platforms: ["linux"], overlays: [{ name: "w", platform: "windows", statsdPort: 8125 }] }), /overlays\[0\].platform: windows has no base layer/);
        assert.throws(() => renderAgentLayers({ parameterPrefix: "s", logGroupPrefix: "/p", overlays: [{ name: "f", platform: "linux", logFiles: [{ path: "relative.log" }] }] }), /overlays\[0\].logFiles\[0\].path/);
    });

    it("sizes parameters: Standard up to 4 KB, Advanced up to 8 KB, larger refused", () => {
        assert.strictEqual(parameterTier("x".repeat(4096)), "Standard");
        assert.strictEqual(parameterTier("x".repeat(4097)), "Advanced");
        assert.throws(() => parameterTier("x".repeat(8193)), /at most 8192/);
    });

    it("lists the log groups a config writes to", () => {
        const c = renderOverlayAgentConfig({ name: "web", platform: "linux", logFiles: [{ path: "/a" }, { path: "/b", logGroup: "access" }], journaldUnits: ["x.service"] }, { logGroupPrefix: "/oss/s" });
        assert.deepStrictEqual(agentLogGroups(c), ["/oss/s/access", "/oss/s/journal", "/oss/s/web"]);
    });

    it("renders common-config.toml with the credentials profile for on-prem hosts", () => {
        const toml = renderAgentCommonConfig({ credentialsFile: "/etc/cwagent/credentials", httpsProxy: "http://proxy.dc1:3128", noProxy: ["169.254.169.254", "localhost"], caBundlePath: "/etc/pki/ca.pem" });
        assert.match(toml, /^\[credentials\]\n {2}shared_credential_profile = "AmazonCloudWatchAgent"\n {2}shared_credential_file = "\/etc\/cwagent\/credentials"\n/);
        assert.match(toml, /\[proxy\]\n {2}https_proxy = "http:\/\/proxy.dc1:3128"\n {2}no_proxy = "169.254.169.254,localhost"/);
        assert.match(toml, /\[ssl\]\n {2}ca_bundle_path = "\/etc\/pki\/ca.pem"/);
        assert.throws(() => renderAgentCommonConfig({ credentialsFile: "a\"b" }), /credentialsFile: must not contain quotes/);
    });
});
