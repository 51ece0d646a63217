/**
 * The defaults and argument checks of CollectorService, apart from the component so the stack config schemas and the
 * fleet manifest's validation read them without loading a provider SDK (a plan's parent process loads no program).
 */
import { DEFAULT_LOG_RETENTION_DAYS } from "../../security/logRetention";

/** Defaults of CollectorServiceArgs; the hub config's `hub.collector` schema uses the same values. */
export const COLLECTOR_SERVICE_DEFAULTS = {
    /** Fargate CPU units: one vCPU carries ~100k samples/s through the hub task (hubSizing.ts, README "Hub collector capacity"). */
    cpu: 1024,
    /** Fargate memory, MiB. */
    memory: 2048,
    /** Replica bounds. 2+ keeps ingestion up through an AZ or task failure; 14 is the sizing rule's answer for 500 accounts x 50k series at 60 s (7 tasks steady, doubled for a backlog drain). */
    minTasks: 2,
    maxTasks: 14,
    /** Autoscaling targets, percent. */
    targetCpuPercent: 60,
    targetMemoryPercent: 70,
    /** Retention of the collector's log group, days. */
    logRetentionDays: DEFAULT_LOG_RETENTION_DAYS,
} as const;

/** Why a replica range cannot work (the key to fix and why), or undefined: the hub schema and CollectorService both ask. */
export function collectorTasksProblem(minTasks: number, maxTasks: number): { key: "minTasks" | "maxTasks"; message: string } | undefined {
    if (minTasks < 2) {
        return { key: "minTasks", message: `at least 2 collector tasks are needed for high availability (got ${minTasks})` };
    }
    if (maxTasks < minTasks) {
        return { key: "maxTasks", message: `maxTasks must be at least minTasks (${maxTasks} < ${minTasks})` };
    }
    return undefined;
}
