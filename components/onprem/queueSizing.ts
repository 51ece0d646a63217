/**
 * Sizing of the gateway collector's persistent sending queue, so a WAN outage of the
 * configured length loses no data. Pure: the config schema and the collector renderer
 * both call it, so what is validated is exactly what is deployed.
 */

/**
 * Bytes one queued sample takes on disk: an OTLP data point with its attributes serialised
 * as protobuf is ~100-150 bytes; 200 leaves room for label-heavy series.
 */
export const BYTES_PER_SAMPLE = 200;

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
    /** Items per batch (batch processor send_batch_size). */
    readonly batchSize: number;
    /** Batch processor timeout in seconds: at low rates batches close on time, not on size. */
    readonly batchTimeoutSeconds: number;
}

export interface QueueSizing {
    /** Samples arriving during the outage. */
    readonly samples: number;
    /** sending_queue.queue_size, in batches (requests), headroom included. */
    readonly queueSize: number;
    /** Smallest PersistentVolumeClaim (GiB) that holds a full queue plus a compaction copy. */
    readonly minStorageGi: number;
}

/**
 * The queue a gateway needs. Batches are counted the pessimistic way (by size or by timeout,
 * whichever yields more), bytes by items, so neither the in-memory batch count nor the disk
 * fills before the outage ends.
 */
export function queueSizing(i: QueueSizingInput): QueueSizing {
    for (const [k, v] of Object.entries(i)) {
        if (!(Number.isFinite(v) && v > 0)) {
            throw new Error(`queueSizing: ${k} must be a positive number (got ${String(v)})`);
        }
    }
    const seconds = i.outageMinutes * 60;
    const samples = Math.ceil(i.samplesPerSecond * seconds);
    const batches = Math.max(Math.ceil(samples / i.batchSize), Math.ceil(seconds / i.batchTimeoutSeconds));
    const queueSize = Math.ceil(batches * QUEUE_HEADROOM);
    const bytes = samples * QUEUE_HEADROOM * BYTES_PER_SAMPLE * COMPACTION_FACTOR;
    return { samples, queueSize, minStorageGi: Math.max(1, Math.ceil(bytes / GIB)) };
}

/** Minutes of outage a volume of `storageGi` absorbs at `samplesPerSecond` (floor). */
export function outageCoveredMinutes(storageGi: number, samplesPerSecond: number): number {
    return Math.floor((storageGi * GIB) / (samplesPerSecond * 60 * QUEUE_HEADROOM * BYTES_PER_SAMPLE * COMPACTION_FACTOR));
}
