/**
 * The host metrics the CloudWatch agent collects, defined once: `cloudwatchAgentConfig.ts` renders
 * the agent's `metrics_collected` measurements from these lists and the CloudWatch dashboards and
 * alerts (components/cloudwatch/) query the metric names derived from them, so a measurement
 * dropped from the agent cannot leave a dashboard querying a metric nobody publishes.
 *
 * Metric names in CloudWatch (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch-Agent-Configuration-File-Details.html,
 * "measurement ... you can specify either just the metric name ... or the metric name with the
 * plugin prefix"; the agent publishes `<plugin>_<measurement>` on Linux) and, on Windows,
 * `<object> <counter>` (same page, Windows section: "the metric name is the object name and the
 * counter name", e.g. `Memory % Committed Bytes In Use`).
 */

/** The platforms the CloudWatch agent runs on. */
export type AgentPlatform = "linux" | "windows";
export const AGENT_PLATFORMS: readonly AgentPlatform[] = ["linux", "windows"];

/** The namespace monitored accounts' agents publish to (renderBaseAgentConfig's default). */
export const EC2_AGENT_NAMESPACE = "CWAgent";

/** What a dashboard panel shows; `other` metrics are collected but not charted. */
export type HostPanel = "cpu" | "memory" | "disk" | "network" | "other";

export interface HostMeasurement {
    /** The measurement as written in the agent config. */
    readonly measurement: string;
    /** Panel that charts it. */
    readonly panel: HostPanel;
    /** Idle/free percentages: low values are the busy hosts, so panels list the lowest first. */
    readonly lowIsBusy?: boolean;
}

/** Linux plugins (telegraf-style) and their measurements, in the order the agent config lists them. */
export const LINUX_HOST_METRICS: Readonly<Record<string, readonly HostMeasurement[]>> = {
    cpu: [
        { measurement: "cpu_usage_idle", panel: "cpu", lowIsBusy: true },
        { measurement: "cpu_usage_iowait", panel: "other" },
        { measurement: "cpu_usage_user", panel: "other" },
        { measurement: "cpu_usage_system", panel: "other" },
    ],
    mem: [
        { measurement: "mem_used_percent", panel: "memory" },
        { measurement: "mem_available_percent", panel: "other" },
    ],
    disk: [
        { measurement: "used_percent", panel: "disk" },
        { measurement: "inodes_free", panel: "other" },
    ],
    diskio: [
        { measurement: "io_time", panel: "other" },
        { measurement: "read_bytes", panel: "other" },
        { measurement: "write_bytes", panel: "other" },
        { measurement: "reads", panel: "other" },
        { measurement: "writes", panel: "other" },
    ],
    swap: [{ measurement: "swap_used_percent", panel: "other" }],
    net: [
        { measurement: "bytes_sent", panel: "network" },
        { measurement: "bytes_recv", panel: "network" },
        { measurement: "drop_in", panel: "other" },
        { measurement: "drop_out", panel: "other" },
        { measurement: "err_in", panel: "other" },
        { measurement: "err_out", panel: "other" },
    ],
    netstat: [
        { measurement: "tcp_established", panel: "other" },
        { measurement: "tcp_time_wait", panel: "other" },
    ],
};

/** Windows performance-counter objects and their counters. */
export const WINDOWS_HOST_METRICS: Readonly<Record<string, readonly HostMeasurement[]>> = {
    Memory: [
        { measurement: "% Committed Bytes In Use", panel: "memory" },
        { measurement: "Available MBytes", panel: "other" },
    ],
    Processor: [
        { measurement: "% Processor Time", panel: "cpu" },
        { measurement: "% Idle Time", panel: "other" },
    ],
    LogicalDisk: [
        { measurement: "% Free Space", panel: "disk", lowIsBusy: true },
        { measurement: "Free Megabytes", panel: "other" },
    ],
    PhysicalDisk: [
        { measurement: "% Disk Time", panel: "other" },
        { measurement: "Avg. Disk Queue Length", panel: "other" },
    ],
    "Paging File": [{ measurement: "% Usage", panel: "other" }],
    "Network Interface": [
        { measurement: "Bytes Sent/sec", panel: "network" },
        { measurement: "Bytes Received/sec", panel: "network" },
    ],
    TCPv4: [{ measurement: "Connections Established", panel: "other" }],
};

export function hostMetricPlugins(platform: AgentPlatform): Readonly<Record<string, readonly HostMeasurement[]>> {
    return platform === "linux" ? LINUX_HOST_METRICS : WINDOWS_HOST_METRICS;
}

/** The measurement names the agent config lists for one plugin/object. */
export function measurementsOf(platform: AgentPlatform, plugin: string): string[] {
    const list = hostMetricPlugins(platform)[plugin];
    if (list === undefined) {
        throw new Error(`no ${platform} host metrics are defined for plugin "${plugin}"`);
    }
    return list.map((m) => m.measurement);
}

/** The metric name the agent publishes for a measurement of a plugin (see the module comment). */
export function cloudWatchMetricName(platform: AgentPlatform, plugin: string, measurement: string): string {
    if (platform === "windows") {
        return `${plugin} ${measurement}`;
    }
    return measurement.startsWith(`${plugin}_`) ? measurement : `${plugin}_${measurement}`;
}

export interface HostPanelMetric {
    readonly platform: AgentPlatform;
    readonly plugin: string;
    /** Published CloudWatch metric name. */
    readonly metricName: string;
    readonly panel: Exclude<HostPanel, "other">;
    readonly lowIsBusy?: boolean;
}

/** Every charted metric, per platform, in definition order. */
export function hostPanelMetrics(platform: AgentPlatform): HostPanelMetric[] {
    return Object.entries(hostMetricPlugins(platform)).flatMap(([plugin, list]) =>
        list.flatMap((m) => (m.panel === "other"
            ? []
            : [{ platform, plugin, metricName: cloudWatchMetricName(platform, plugin, m.measurement), panel: m.panel, ...(m.lowIsBusy === true ? { lowIsBusy: true } : {}) }])),
    );
}

const heartbeats = new Map<AgentPlatform, string>();

/**
 * The metric whose absence means "the agent is not reporting": memory is collected on every host
 * of a platform without a per-device dimension, so one series per host.
 */
export function heartbeatMetric(platform: AgentPlatform): string {
    // A hub's dashboards ask once per site and query; the answer depends only on the constant tables above.
    const held = heartbeats.get(platform);
    if (held !== undefined) {
        return held;
    }
    const m = hostPanelMetrics(platform).find((x) => x.panel === "memory");
    if (m === undefined) {
        throw new Error(`no ${platform} memory metric is defined; the agent heartbeat needs one`);
    }
    heartbeats.set(platform, m.metricName);
    return m.metricName;
}
