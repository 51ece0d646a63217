/**
 * Pure renderers for CloudWatch agent configuration (JSON), shared by the monitored-account and
 * on-prem roles. Nothing here creates resources; AgentAssociations stores the output in SSM.
 *
 * Exported API
 * - `renderBaseAgentConfig(o: AgentRenderOptions): CloudWatchAgentConfig` host metrics and the
 *   agent's own log (Linux: cpu/mem/disk/diskio/swap/net/netstat; Windows: performance counters and
 *   the System/Application event logs). `o.mode`:
 *     - `"ec2"` (default): EC2 dimensions (`${aws:InstanceId}`...), `{instance_id}` log streams.
 *     - `"onPremise"`: no instance metadata, so `agent.region` is required, streams are `{hostname}`,
 *       optional `o.onPremise.roleArn` → `agent.credentials.role_arn` (the only key the schema allows
 *       there). The credentials *profile* lives in common-config.toml: `renderAgentCommonConfig`.
 *   Linux runs as `o.runAsUser` (default `cwagent`, non-root; `agent.run_as_user`).
 * - `renderOverlayAgentConfig(overlay: WorkloadOverlay, o)`: one workload's additions (log files,
 *   journald units, Windows events, procstat processes, StatsD). Overlays carry no `agent` section
 *   and no metric-level dimensions so they merge cleanly with `configure (append)`.
 * - `renderAgentLayers(o: AgentLayersOptions): AgentLayer[]`: the layered set for a stack: one base
 *   per platform (`AmazonCloudWatch-<prefix>-base-linux`, `...-base-windows`) plus one per overlay
 *   (`AmazonCloudWatch-<prefix>-<overlay>`), each with its JSON and SSM tier. Feed it to
 *   `AgentAssociations`.
 * - `agentParameterName(prefix, layer)`, `agentConfigJson(config)`, `parameterTier(json)`,
 *   `agentLogGroups(config)` (log groups a config writes to, so they can be created with KMS first),
 *   `renderAgentCommonConfig(o)` (common-config.toml: credentials profile/file, proxy, CA bundle).
 * Bad options throw an Error naming the field (`overlays[1].logFiles[0].path: ...`).
 * Every variant validates against vendor/cloudwatch-agent/config.schema.json
 * (test/components/agent/agentSchema.ts `validateAgentConfig`).
 */

import { AGENT_PLATFORMS, AgentPlatform, EC2_AGENT_NAMESPACE, measurementsOf } from "./hostMetrics";
import { DEFAULT_LOG_RETENTION_DAYS, LOG_RETENTION_DAYS } from "../security/logRetention";

export type AgentMode = "ec2" | "onPremise";


/** The agent JSON as a plain object; the schema is the authority on its shape. */
export type CloudWatchAgentConfig = Record<string, unknown>;

/** Defaults of AgentRenderOptions; the monitored and on-prem `agent` schemas use the same values. */
export const AGENT_CONFIG_DEFAULTS = {
    /** Seconds between metric collections. */
    metricsCollectionInterval: 60,
    /** Retention the agent sets on the log groups it writes: the audit minimum. */
    logRetentionDays: DEFAULT_LOG_RETENTION_DAYS,
} as const;

export interface AgentRenderOptions {
    readonly platform: AgentPlatform;
    /** `ec2` (default) or `onPremise` (hybrid managed instances, no instance metadata). */
    readonly mode?: AgentMode;
    /** Region the agent sends to. Required for onPremise; default for ec2: the instance's region. */
    readonly region?: string;
    /** Log group names start with this, e.g. `/oss-monitoring/monitored-payments`. */
    readonly logGroupPrefix: string;
    /** Retention the agent sets on log groups it creates. Default AGENT_CONFIG_DEFAULTS (365). */
    readonly logRetentionDays?: number;
    /** Metrics collection interval in seconds. Default AGENT_CONFIG_DEFAULTS (60). */
    readonly metricsCollectionInterval?: number;
    /** CloudWatch metric namespace. Default `CWAgent`. */
    readonly namespace?: string;
    /** Static dimensions added to every metric, e.g. `{ site: "dc1" }`. Default none. */
    readonly dimensions?: Readonly<Record<string, string>>;
    /** Linux user the agent runs as. Default `cwagent` (created by the package; non-root). Ignored on Windows. */
    readonly runAsUser?: string;
    /** onPremise only: role the agent assumes after loading its profile credentials. Default none. */
    readonly onPremise?: { readonly roleArn?: string };
    /**
     * ec2 mode: add the AutoScalingGroupName dimension. The agent resolves it with
     * ec2:DescribeTags (plugins/processors/ec2tagger/ec2tagger.go and
     * translator/translate/util/placeholderUtil.go in aws/amazon-cloudwatch-agent), which needs a
     * path to the EC2 API: false in privatelink mode without an `ec2` endpoint. Default true.
     */
    readonly autoScalingGroupDimension?: boolean;
    /** https:// endpoints for CloudWatch and Logs when private DNS is not available (e.g. on-prem over VPN). Default none. */
    readonly endpointOverrides?: { readonly metrics?: string; readonly logs?: string };
}

export interface WorkloadLogFile {
    /** Absolute path or glob of the file(s). */
    readonly path: string;
    /** Log group suffix under the prefix. Default: the overlay name. */
    readonly logGroup?: string;
    readonly multiLineStartPattern?: string;
    readonly timestampFormat?: string;
    /** Default `UTC`. */
    readonly timezone?: "UTC" | "Local";
}

export type WindowsEventLevel = "CRITICAL" | "ERROR" | "WARNING" | "INFORMATION" | "VERBOSE";

export interface WorkloadOverlay {
    /** Lower-case name: the parameter suffix and the `MonitoringOverlay-<name>` host tag. */
    readonly name: string;
    readonly platform: AgentPlatform;
    /** Files to ship to CloudWatch Logs. */
    readonly logFiles?: readonly WorkloadLogFile[];
    /** Linux only: systemd units whose journal is shipped. */
    readonly journaldUnits?: readonly string[];
    /** Windows only: event logs to ship. */
    readonly windowsEvents?: readonly { readonly eventName: string; readonly levels: readonly WindowsEventLevel[] }[];
    /** Processes to measure (procstat); each needs exe, pattern or pidFile. */
    readonly processes?: readonly { readonly exe?: string; readonly pattern?: string; readonly pidFile?: string }[];
    /** Local StatsD listener port (UDP). Default: no StatsD. */
    readonly statsdPort?: number;
    /**
     * Linux only: groups the agent's user (`cwagent`) joins so it can read this overlay's files,
     * e.g. `adm` for /var/log files of group adm. Journald overlays add `systemd-journal`. Files
     * readable by root only stay unreadable: give them a group first. Default none.
     */
    readonly readGroups?: readonly string[];
}

/** Journal files belong to group systemd-journal (journalctl(1), "Access Control"). */
export const JOURNAL_GROUP = "systemd-journal";

/**
 * Groups `cwagent` must be in for an overlay. The Linux agent drops to `cwagent` and takes its
 * supplementary groups from /etc/group at start (aws/amazon-cloudwatch-agent,
 * internal/util/user/userutil_linux.go `toExecUser`/`switchUser`), so a group granted before the
 * agent restarts is in effect; without it journald and group-readable logs read nothing, silently.
 */
export function overlayReadGroups(ov: Pick<WorkloadOverlay, "platform" | "journaldUnits" | "readGroups">): string[] {
    if (ov.platform !== "linux") {
        return [];
    }
    return [...new Set([...((ov.journaldUnits ?? []).length > 0 ? [JOURNAL_GROUP] : []), ...(ov.readGroups ?? [])])].sort();
}

export interface AgentLayersOptions extends Omit<AgentRenderOptions, "platform"> {
    /** Parameter name part after `AmazonCloudWatch-`, normally the stack name. */
    readonly parameterPrefix: string;
    /** Platforms that get a base layer. Default both. */
    readonly platforms?: readonly AgentPlatform[];
    /** Per-workload overlays. Default none. */
    readonly overlays?: readonly WorkloadOverlay[];
}

export interface AgentLayer {
    /** `base-linux`, `base-windows` or the overlay name. */
    readonly layer: string;
    readonly kind: "base" | "overlay";
    readonly platform: AgentPlatform;
    readonly parameterName: string;
    /** Compact JSON, what goes into the parameter. */
    readonly json: string;
    readonly tier: ParameterTier;
    /** Groups `cwagent` joins before this layer is loaded (overlayReadGroups). */
    readonly readGroups: string[];
}

export type ParameterTier = "Standard" | "Advanced";

const NAME = /^[a-z][a-z0-9-]{0,40}$/;
const PREFIX = /^[A-Za-z0-9_.-]{1,100}$/;
const LINUX_AGENT_LOG = "/opt/aws/amazon-cloudwatch-agent/logs/amazon-cloudwatch-agent.log";
const WINDOWS_AGENT_LOG = "C:\\ProgramData\\Amazon\\AmazonCloudWatchAgent\\Logs\\amazon-cloudwatch-agent.log";
/** The agent expands these from instance metadata; only the metric-level block supports them. */
const EC2_DIMENSIONS = {
    InstanceId: "${aws:InstanceId}",
    InstanceType: "${aws:InstanceType}",
    ImageId: "${aws:ImageId}",
    AutoScalingGroupName: "${aws:AutoScalingGroupName}",
};

function fail(field: string, message: string): never {
    throw new Error(`${field}: ${message}`);
}

/** `AmazonCloudWatch-<prefix>-<layer>`: the prefix CloudWatchAgentServerPolicy lets hosts read. */
export function agentParameterName(prefix: string, layer: string): string {
    if (!PREFIX.test(prefix)) {
        fail("parameterPrefix", `"${prefix}" must be 1-100 letters, digits, '.', '_' or '-'`);
    }
    return `AmazonCloudWatch-${prefix}-${layer}`;
}

/** Standard parameters hold 4 KB, Advanced 8 KB; anything larger must be split into overlays. */
export function parameterTier(json: string): ParameterTier {
    const bytes = Buffer.byteLength(json, "utf8");
    if (bytes <= 4096) {
        return "Standard";
    }
    if (bytes <= 8192) {
        return "Advanced";
    }
    throw new Error(`CloudWatch agent config is ${bytes} bytes; SSM parameters hold at most 8192. Split it into overlays.`);
}

export function agentConfigJson(config: CloudWatchAgentConfig): string {
    return JSON.stringify(config);
}

function checkCommon(o: Omit<AgentRenderOptions, "platform">): void {
    const mode = o.mode ?? "ec2";
    if (mode !== "ec2" && mode !== "onPremise") {
        fail("mode", `expected ec2 or onPremise, got "${String(mode)}"`);
    }
    if (mode === "onPremise" && (o.region === undefined || o.region.length === 0)) {
        fail("region", "required in onPremise mode: hybrid hosts have no instance metadata to find their region");
    }
    if (mode === "ec2" && o.onPremise !== undefined) {
        fail("onPremise", "only valid with mode onPremise");
    }
    if (o.onPremise?.roleArn !== undefined && !/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/.test(o.onPremise.roleArn)) {
        fail("onPremise.roleArn", `expected an IAM role ARN, got "${o.onPremise.roleArn}"`);
    }
    if (!/^\/[\w./#-]{1,400}$/.test(o.logGroupPrefix)) {
        fail("logGroupPrefix", `"${o.logGroupPrefix}" must start with / and use letters, digits, '_', '-', '.', '/', '#'`);
    }
    const retention = o.logRetentionDays ?? AGENT_CONFIG_DEFAULTS.logRetentionDays;
    if (!(LOG_RETENTION_DAYS as readonly number[]).includes(retention)) {
        fail("logRetentionDays", `${retention} is not a CloudWatch Logs retention; use one of ${LOG_RETENTION_DAYS.join(", ")}`);
    }
    const interval = o.metricsCollectionInterval ?? AGENT_CONFIG_DEFAULTS.metricsCollectionInterval;
    if (!Number.isInteger(interval) || interval < 1 || interval > 172800) {
        fail("metricsCollectionInterval", "expected whole seconds between 1 and 172800");
    }
    for (const [k, v] of Object.entries(o.dimensions ?? {})) {
        if (k.length === 0 || v.length === 0 || v.length > 1024) {
            fail(`dimensions.${k}`, "dimension names and values must be non-empty (values up to 1024 characters)");
        }
    }
    if (Object.keys(o.dimensions ?? {}).length > 25) {
        fail("dimensions", "at most 25 static dimensions (the agent allows 30 including its own)");
    }
    for (const [k, v] of Object.entries(o.endpointOverrides ?? {})) {
        if (v !== undefined && !/^https:\/\/[^\s]+$/.test(v)) {
            fail(`endpointOverrides.${k}`, `"${v}" must be an https:// URL`);
        }
    }
    if (o.runAsUser !== undefined && !/^[a-z_][a-z0-9_-]{0,31}$/.test(o.runAsUser)) {
        fail("runAsUser", `"${o.runAsUser}" is not a Linux user name`);
    }
}

function agentSection(o: AgentRenderOptions): Record<string, unknown> {
    const agent: Record<string, unknown> = {
        metrics_collection_interval: o.metricsCollectionInterval ?? AGENT_CONFIG_DEFAULTS.metricsCollectionInterval,
        logfile: o.platform === "linux" ? LINUX_AGENT_LOG : WINDOWS_AGENT_LOG,
        debug: false,
    };
    if (o.platform === "linux") {
        agent.run_as_user = o.runAsUser ?? "cwagent";
    }
    if (o.region !== undefined) {
        agent.region = o.region;
    }
    if (o.onPremise?.roleArn !== undefined) {
        agent.credentials = { role_arn: o.onPremise.roleArn };
    }
    return agent;
}

/** Per-plugin fields: the interval, and static dimensions (only plugins accept arbitrary ones). */
function plugin(o: Omit<AgentRenderOptions, "platform">, body: Record<string, unknown>): Record<string, unknown> {
    const dims = o.dimensions ?? {};
    return {
        ...body,
        metrics_collection_interval: o.metricsCollectionInterval ?? AGENT_CONFIG_DEFAULTS.metricsCollectionInterval,
        ...(Object.keys(dims).length > 0 ? { append_dimensions: { ...dims } } : {}),
    };
}

function linuxMetrics(o: AgentRenderOptions): Record<string, unknown> {
    const m = (plugin: string) => measurementsOf("linux", plugin);
    return {
        cpu: plugin(o, { measurement: m("cpu"), resources: ["*"], totalcpu: true }),
        mem: plugin(o, { measurement: m("mem") }),
        disk: plugin(o, {
            measurement: m("disk"),
            resources: ["*"],
            ignore_file_system_types: ["sysfs", "devtmpfs", "tmpfs", "overlay", "squashfs"],
            drop_device: true,
        }),
        diskio: plugin(o, { measurement: m("diskio"), resources: ["*"] }),
        swap: plugin(o, { measurement: m("swap") }),
        net: plugin(o, { measurement: m("net"), resources: ["*"] }),
        netstat: plugin(o, { measurement: m("netstat") }),
    };
}

function windowsMetrics(o: AgentRenderOptions): Record<string, unknown> {
    const m = (object: string) => measurementsOf("windows", object);
    return {
        Memory: plugin(o, { measurement: m("Memory") }),
        Processor: plugin(o, { measurement: m("Processor"), resources: ["_Total"] }),
        LogicalDisk: plugin(o, { measurement: m("LogicalDisk"), resources: ["*"] }),
        PhysicalDisk: plugin(o, { measurement: m("PhysicalDisk"), resources: ["*"] }),
        "Paging File": plugin(o, { measurement: m("Paging File"), resources: ["*"] }),
        "Network Interface": plugin(o, { measurement: m("Network Interface"), resources: ["*"] }),
        TCPv4: plugin(o, { measurement: m("TCPv4") }),
    };
}

function ec2Dimensions(asg: boolean): Record<string, unknown> {
    const { AutoScalingGroupName, ...instance } = EC2_DIMENSIONS;
    return asg
        ? { append_dimensions: { ...instance, AutoScalingGroupName }, aggregation_dimensions: [["InstanceId"], ["AutoScalingGroupName"]] }
        : { append_dimensions: instance, aggregation_dimensions: [["InstanceId"]] };
}

function streamName(o: Pick<AgentRenderOptions, "mode">): string {
    return (o.mode ?? "ec2") === "ec2" ? "{instance_id}" : "{hostname}";
}

function logsSection(o: Omit<AgentRenderOptions, "platform">, collected: Record<string, unknown>): Record<string, unknown> {
    return {
        logs_collected: collected,
        force_flush_interval: 15,
        ...(o.endpointOverrides?.logs !== undefined ? { endpoint_override: o.endpointOverrides.logs } : {}),
    };
}

/** The log group the agent ships its own log to (dashboards and alerts read it centrally). */
export function agentOwnLogGroup(logGroupPrefix: string): string {
    return `${logGroupPrefix}/cloudwatch-agent`;
}

/** Host metrics and the agent's own log for one platform. */
export function renderBaseAgentConfig(o: AgentRenderOptions): CloudWatchAgentConfig {
    checkCommon(o);
    const ec2 = (o.mode ?? "ec2") === "ec2";
    const retention = o.logRetentionDays ?? AGENT_CONFIG_DEFAULTS.logRetentionDays;
    const stream = streamName(o);
    const metrics: Record<string, unknown> = {
        namespace: o.namespace ?? EC2_AGENT_NAMESPACE,
        metrics_collected: o.platform === "linux" ? linuxMetrics(o) : windowsMetrics(o),
        ...(ec2 ? ec2Dimensions(o.autoScalingGroupDimension ?? true) : {}),
        ...(o.endpointOverrides?.metrics !== undefined ? { endpoint_override: o.endpointOverrides.metrics } : {}),
    };
    const agentLog = {
        file_path: o.platform === "linux" ? LINUX_AGENT_LOG : WINDOWS_AGENT_LOG,
        log_group_name: agentOwnLogGroup(o.logGroupPrefix),
        log_stream_name: stream,
        retention_in_days: retention,
        timezone: "UTC",
    };
    const collected: Record<string, unknown> = { files: { collect_list: [agentLog] } };
    if (o.platform === "windows") {
        collected.windows_events = {
            collect_list: ["System", "Application"].map((eventName) => ({
                event_name: eventName,
                event_levels: ["CRITICAL", "ERROR", "WARNING"],
                log_group_name: `${o.logGroupPrefix}/windows/${eventName.toLowerCase()}`,
                log_stream_name: stream,
                retention_in_days: retention,
                event_format: "xml",
            })),
        };
    }
    return { agent: agentSection(o), metrics, logs: logsSection(o, collected) };
}

function checkOverlay(ov: WorkloadOverlay, where: string): void {
    if (!NAME.test(ov.name) || ov.name.startsWith("base")) {
        fail(`${where}.name`, `"${ov.name}" must be lower-case letters, digits and '-', start with a letter, and not start with "base"`);
    }
    if (ov.platform !== "linux" && ov.platform !== "windows") {
        fail(`${where}.platform`, `expected linux or windows, got "${String(ov.platform)}"`);
    }
    if (ov.platform === "windows" && (ov.journaldUnits ?? []).length > 0) {
        fail(`${where}.journaldUnits`, "journald exists only on Linux");
    }
    if (ov.platform === "windows" && (ov.readGroups ?? []).length > 0) {
        fail(`${where}.readGroups`, "Linux only: the Windows agent runs as LocalSystem");
    }
    (ov.readGroups ?? []).forEach((g, i) => {
        if (!/^[a-z_][a-z0-9_-]{0,31}$/.test(g)) {
            fail(`${where}.readGroups[${i}]`, `"${g}" is not a Linux group name`);
        }
    });
    if (ov.platform === "linux" && (ov.windowsEvents ?? []).length > 0) {
        fail(`${where}.windowsEvents`, "Windows event logs exist only on Windows");
    }
    (ov.logFiles ?? []).forEach((f, i) => {
        const absolute = ov.platform === "linux" ? f.path.startsWith("/") : /^[A-Za-z]:\\/.test(f.path);
        if (!absolute) {
            fail(`${where}.logFiles[${i}].path`, `"${f.path}" must be an absolute ${ov.platform} path`);
        }
        if (f.logGroup !== undefined && !/^[\w.#-][\w./#-]{0,100}$/.test(f.logGroup)) {
            fail(`${where}.logFiles[${i}].logGroup`, `"${f.logGroup}" must be a log group suffix (letters, digits, '_', '-', '.', '/', '#')`);
        }
    });
    (ov.windowsEvents ?? []).forEach((e, i) => {
        if (e.eventName.length === 0 || e.eventName === "Forwarded Events" || e.levels.length === 0) {
            fail(`${where}.windowsEvents[${i}]`, "needs an event log name (not Forwarded Events) and at least one level");
        }
    });
    (ov.processes ?? []).forEach((p, i) => {
        if (p.exe === undefined && p.pattern === undefined && p.pidFile === undefined) {
            fail(`${where}.processes[${i}]`, "set exe, pattern or pidFile to select the process");
        }
    });
    if (ov.statsdPort !== undefined && (!Number.isInteger(ov.statsdPort) || ov.statsdPort < 1024 || ov.statsdPort > 65535)) {
        fail(`${where}.statsdPort`, "expected an unprivileged port 1024-65535 (the agent runs as non-root)");
    }
    const empty = (ov.logFiles ?? []).length + (ov.journaldUnits ?? []).length + (ov.windowsEvents ?? []).length + (ov.processes ?? []).length === 0
        && ov.statsdPort === undefined;
    if (empty) {
        fail(where, `overlay "${ov.name}" collects nothing; add logFiles, journaldUnits, windowsEvents, processes or statsdPort`);
    }
}

/** One workload's additions, merged on hosts by `configure (append)`. */
export function renderOverlayAgentConfig(ov: WorkloadOverlay, o: Omit<AgentRenderOptions, "platform">, where = "overlay"): CloudWatchAgentConfig {
    checkCommon(o);
    checkOverlay(ov, where);
    const retention = o.logRetentionDays ?? AGENT_CONFIG_DEFAULTS.logRetentionDays;
    const stream = streamName(o);
    const group = (suffix: string | undefined) => `${o.logGroupPrefix}/${suffix ?? ov.name}`;
    const out: CloudWatchAgentConfig = {};
    const metrics: Record<string, unknown> = {};
    if ((ov.processes ?? []).length > 0) {
        metrics.procstat = (ov.processes ?? []).map((p) => plugin(o, {
            ...(p.exe !== undefined ? { exe: p.exe } : {}),
            ...(p.pattern !== undefined ? { pattern: p.pattern } : {}),
            ...(p.pidFile !== undefined ? { pid_file: p.pidFile } : {}),
            measurement: ["cpu_usage", "memory_rss", "pid_count"],
        }));
    }
    if (ov.statsdPort !== undefined) {
        // Loopback only: applications on the host push, nothing from the network.
        metrics.statsd = { service_address: `127.0.0.1:${ov.statsdPort}`, metrics_collection_interval: 10, metrics_aggregation_interval: 60 };
    }
    if (Object.keys(metrics).length > 0) {
        out.metrics = {
            namespace: o.namespace ?? EC2_AGENT_NAMESPACE,
            metrics_collected: metrics,
            ...(o.endpointOverrides?.metrics !== undefined ? { endpoint_override: o.endpointOverrides.metrics } : {}),
        };
    }
    const collected: Record<string, unknown> = {};
    if ((ov.logFiles ?? []).length > 0) {
        collected.files = {
            collect_list: (ov.logFiles ?? []).map((f) => ({
                file_path: f.path,
                log_group_name: group(f.logGroup),
                log_stream_name: stream,
                retention_in_days: retention,
                timezone: f.timezone ?? "UTC",
                ...(f.multiLineStartPattern !== undefined ? { multi_line_start_pattern: f.multiLineStartPattern } : {}),
                ...(f.timestampFormat !== undefined ? { timestamp_format: f.timestampFormat } : {}),
            })),
        };
    }
    if ((ov.journaldUnits ?? []).length > 0) {
        collected.journald = {
            collect_list: [{ log_group_name: group("journal"), log_stream_name: stream, retention_in_days: retention, units: [...(ov.journaldUnits ?? [])] }],
        };
    }
    if ((ov.windowsEvents ?? []).length > 0) {
        collected.windows_events = {
            collect_list: (ov.windowsEvents ?? []).map((e) => ({
                event_name: e.eventName,
                event_levels: [...new Set(e.levels)],
                log_group_name: group(`events/${e.eventName.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`),
                log_stream_name: stream,
                retention_in_days: retention,
            })),
        };
    }
    if (Object.keys(collected).length > 0) {
        out.logs = logsSection(o, collected);
    }
    return out;
}

/** The stack's layered set: a base per platform plus one layer per overlay, with names and tiers. */
export function renderAgentLayers(o: AgentLayersOptions): AgentLayer[] {
    const platforms = o.platforms ?? AGENT_PLATFORMS;
    if (platforms.length === 0) {
        fail("platforms", "list at least one of linux, windows");
    }
    const overlays = o.overlays ?? [];
    const seen = new Set<string>();
    overlays.forEach((ov, i) => {
        if (seen.has(ov.name)) {
            fail(`overlays[${i}].name`, `"${ov.name}" is used twice; overlay names must be unique`);
        }
        seen.add(ov.name);
        if (!platforms.includes(ov.platform)) {
            fail(`overlays[${i}].platform`, `${ov.platform} has no base layer; add it to platforms`);
        }
    });
    const layer = (name: string, kind: AgentLayer["kind"], platform: AgentPlatform, config: CloudWatchAgentConfig, readGroups: string[] = []): AgentLayer => {
        const json = agentConfigJson(config);
        return { layer: name, kind, platform, parameterName: agentParameterName(o.parameterPrefix, name), json, tier: parameterTier(json), readGroups };
    };
    // A root agent reads everything; groups matter only for the unprivileged user.
    const unprivileged = (o.runAsUser ?? "cwagent") !== "root";
    return [
        ...platforms.map((p) => layer(`base-${p}`, "base", p, renderBaseAgentConfig({ ...o, platform: p }))),
        ...overlays.map((ov, i) => layer(ov.name, "overlay", ov.platform, renderOverlayAgentConfig(ov, o, `overlays[${i}]`), unprivileged ? overlayReadGroups(ov) : [])),
    ];
}

/** Every log group a rendered config writes to (they can be created with KMS before the agent runs). */
export function agentLogGroups(config: CloudWatchAgentConfig): string[] {
    const logs = config.logs as { logs_collected?: Record<string, { collect_list?: { log_group_name?: string }[] }> } | undefined;
    const names = Object.values(logs?.logs_collected ?? {}).flatMap((s) => (s.collect_list ?? []).map((e) => e.log_group_name));
    return [...new Set(names.filter((n): n is string => typeof n === "string"))].sort();
}

export interface AgentCommonConfigOptions {
    /** Profile in the shared credentials file the agent uses. Default `AmazonCloudWatchAgent`. */
    readonly credentialsProfile?: string;
    /** Shared credentials file. Default: the agent user's ~/.aws/credentials. */
    readonly credentialsFile?: string;
    /** HTTPS proxy for hosts without a direct private path. Default none. */
    readonly httpsProxy?: string;
    /** Hosts that bypass the proxy. Default none. */
    readonly noProxy?: readonly string[];
    /** CA bundle for TLS inspection proxies or private endpoints. Default: system roots. */
    readonly caBundlePath?: string;
}

/** A TOML basic string, or a literal string ('...') for Windows paths with backslashes. */
function tomlString(field: string, v: string): string {
    if (/[\n\r]/.test(v) || (/"/.test(v)) || (/\\/.test(v) && /'/.test(v))) {
        fail(field, "must not contain quotes, newlines, or backslashes together with single quotes");
    }
    return v.includes("\\") ? `'${v}'` : `"${v}"`;
}

/**
 * The agent's common-config.toml for on-premises hosts: which shared-credentials profile
 * (and file) to use, plus optional proxy and CA bundle. Not JSON, so outside the schema.
 */
export function renderAgentCommonConfig(o: AgentCommonConfigOptions = {}): string {
    const profile = o.credentialsProfile ?? "AmazonCloudWatchAgent";
    if (!/^[\w.-]{1,64}$/.test(profile)) {
        fail("credentialsProfile", `"${profile}" must be 1-64 letters, digits, '.', '_' or '-'`);
    }
    if (o.httpsProxy !== undefined && !/^https?:\/\/[^\s]+$/.test(o.httpsProxy)) {
        fail("httpsProxy", `"${o.httpsProxy}" must be a proxy URL`);
    }
    const lines = ["[credentials]", `  shared_credential_profile = ${tomlString("credentialsProfile", profile)}`];
    if (o.credentialsFile !== undefined) {
        lines.push(`  shared_credential_file = ${tomlString("credentialsFile", o.credentialsFile)}`);
    }
    if (o.httpsProxy !== undefined) {
        lines.push("", "[proxy]", `  https_proxy = ${tomlString("httpsProxy", o.httpsProxy)}`);
        if ((o.noProxy ?? []).length > 0) {
            lines.push(`  no_proxy = ${tomlString("noProxy", (o.noProxy ?? []).join(","))}`);
        }
    }
    if (o.caBundlePath !== undefined) {
        lines.push("", "[ssl]", `  ca_bundle_path = ${tomlString("caBundlePath", o.caBundlePath)}`);
    }
    return lines.join("\n") + "\n";
}
