/**
 * Sizing of the gateway collector's persistent sending queue, so a WAN outage of the
 * configured length loses no data. Pure: the config schema and the collector renderer
 * both call it, so what is validated is exactly what is deployed.
 *
 * The queue counts samples (`sizer: items`, components/agent/spokeCollectorConfig.ts
 * durableSendingQueue): every sample pushed and not yet taken by the hub, those in the batch being
 * formed or retried included. Counted in requests it would count each sender's pushes, whose size
 * the gateway does not choose, so no outage length could be promised from it.
 */
import { QUEUE_BYTES_PER_SAMPLE } from "../agent/spokeCollectorConfig";

/** Bytes one queued sample takes on disk (QUEUE_BYTES_PER_SAMPLE of the shared renderer). */
export const BYTES_PER_SAMPLE = QUEUE_BYTES_PER_SAMPLE;

/** Queue capacity above the outage's expected volume (traffic bursts, catch-up after recovery). */
export const QUEUE_HEADROOM = 1.25;

/** bbolt compaction in file_storage copies the database, so the volume must hold it twice. */
export const COMPACTION_FACTOR = 2;

const GIB = 1024 ** 3;

export interface QueueSizingInput {
    /** WAN outage the queue must absorb, in minutes. */
    readonly outageMinutes: number;
    /** Samples (data points) per second the gateway forwards at peak. */
    readonly samplesPerSecond: number;
    /**
     * Samples in one batch (sending_queue.batch.min_size): the collector refuses a queue that cannot
     * hold one (exporterhelper@v0.156.0/internal/queuebatch/config.go:81-86).
     */
    readonly batchSize: number;
}

export interface QueueSizing {
    /** Samples arriving during the outage. */
    readonly samples: number;
    /** sending_queue.queue_size, in samples (sizer items), headroom included, at least one batch. */
    readonly queueSize: number;
    /** Smallest PersistentVolumeClaim (GiB) that holds a full queue plus a compaction copy. */
    readonly minStorageGi: number;
}

/**
 * The queue a gateway needs: the outage's samples plus headroom, and a disk that holds them
 * (and a compaction copy), so neither the queue's count nor the disk fills before the outage ends.
 */
export function queueSizing(i: QueueSizingInput): QueueSizing {
    for (const [k, v] of Object.entries(i)) {
        if (!(Number.isFinite(v) && v > 0)) {
            throw new Error(`queueSizing: ${k} must be a positive number (got ${String(v)})`);
        }
    }
    const seconds = i.outageMinutes * 60;
    const samples = Math.ceil(i.samplesPerSecond * seconds);
    const queueSize = Math.max(Math.ceil(samples * QUEUE_HEADROOM), Math.ceil(i.batchSize));
    const bytes = samples * QUEUE_HEADROOM * BYTES_PER_SAMPLE * COMPACTION_FACTOR;
    return { samples, queueSize, minStorageGi: Math.max(1, Math.ceil(bytes / GIB)) };
}

/** Minutes of outage a volume of `storageGi` absorbs at `samplesPerSecond` (floor). */
export function outageCoveredMinutes(storageGi: number, samplesPerSecond: number): number {
    return Math.floor((storageGi * GIB) / (samplesPerSecond * 60 * QUEUE_HEADROOM * BYTES_PER_SAMPLE * COMPACTION_FACTOR));
}
