/**
 * Hub collector sizing: tasks = ceil(samples/s ÷ (per-task capacity × target CPU)), where
 * samples/s = active series ÷ scrape interval. The per-task capacity is a measurement
 * (`npm run bench:collector`, README "Scale"): samples per second per vCPU through the hub
 * task (the tenant proxy terminating mutual TLS, the collector's identity and resource processors,
 * batch, SigV4 remote write out), scaled by the task's vCPUs.
 */

/**
 * Measured samples/s one vCPU carries through the hub task on the project's machine
 * (`npm run bench:collector`, 2026-12-06, README "Hub collector capacity": proxy and collector together
 * 103,054 at GOMAXPROCS 1 and 119,231 at 2, with the synchronous primary path of issue 31: one remote
 * write per incoming request; 148,387 / 133,460 in the same run with the old batch processor and queue,
 * which acknowledged before AMP had the data). Rounded down.
 */
export const MEASURED_SAMPLES_PER_VCPU = 100_000;

/**
 * Measured resident memory per 100k active series in flight, MiB, rounded up (same run: 159 with 100
 * concurrent 1,000-series requests, each held until AMP answers; 73-76 with the old batch + queue).
 */
export const MEASURED_MIB_PER_100K_SERIES = 160;

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
