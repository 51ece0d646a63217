/**
 * Hub collector sizing: tasks = ceil(samples/s ÷ (per-task capacity × target CPU)), where
 * samples/s = active series ÷ scrape interval. The per-task capacity is a measurement
 * (`npm run bench:collector`, README "Scale"): samples per second per vCPU through the hub
 * task (the tenant proxy terminating mutual TLS, the collector's identity and resource processors,
 * batch, SigV4 remote write out), scaled by the task's vCPUs.
 */

/**
 * Measured samples/s one vCPU carries through the hub task on the project's machine
 * (`npm run bench:collector`, 2026-11-29, README "Scale": proxy and collector together ~141,000
 * at GOMAXPROCS 2; before the proxy, the collector terminating TLS itself ~133,000). Rounded down.
 */
export const MEASURED_SAMPLES_PER_VCPU = 130_000;

/** Measured resident memory per 100k active series in flight (batch + queue), MiB, rounded up. */
export const MEASURED_MIB_PER_100K_SERIES = 76;

export interface HubSizingInput {
    readonly activeSeries: number;
    /** Seconds between two samples of a series (the senders' scrape interval). */
    readonly scrapeIntervalSeconds: number;
    /** Fargate task vCPUs (cpu units / 1024). */
    readonly taskVcpu: number;
    /** Autoscaling CPU target, percent: tasks run at most this busy in steady state. */
    readonly targetCpuPercent: number;
    /** Floor for high availability. Default 2. */
    readonly minTasks?: number;
    readonly samplesPerVcpu?: number;
}

export interface HubSizing {
    readonly samplesPerSecond: number;
    readonly perTaskSamplesPerSecond: number;
    /** Tasks the steady load needs at the CPU target (at least minTasks). */
    readonly tasks: number;
    /** Headroom for a replica loss and a backlog drain: twice the steady need. */
    readonly maxTasks: number;
}

export function hubSizing(i: HubSizingInput): HubSizing {
    for (const [k, v] of Object.entries(i)) {
        if (!(typeof v === "number" && Number.isFinite(v) && v > 0)) throw new Error(`hubSizing: ${k} must be a positive number (got ${String(v)})`);
    }
    const samplesPerSecond = i.activeSeries / i.scrapeIntervalSeconds;
    const perTask = (i.samplesPerVcpu ?? MEASURED_SAMPLES_PER_VCPU) * i.taskVcpu;
    const steady = Math.ceil(samplesPerSecond / (perTask * (i.targetCpuPercent / 100)));
    const tasks = Math.max(i.minTasks ?? 2, steady);
    // After an outage the spokes' queues replay faster than real time; twice the steady need
    // drains a backlog as long as the outage in about the same time again.
    return { samplesPerSecond, perTaskSamplesPerSecond: perTask, tasks, maxTasks: Math.max(tasks + 1, steady * 2) };
}
