/**
 * Keeps a plan worker's garbage within a fixed headroom over its live heap (README "Scale").
 *
 * V8 collects the old generation when it reaches a limit it sets from the heap it has seen, and the
 * limit it sets while the hub (the largest stack) is planned stays high for the spokes that worker
 * plans afterwards: their garbage grows to about 500 MiB before V8 collects it (500 + 20 fleet,
 * heapUsed sampled every 50 spokes), and the worker's peak RSS with it. A full collection between
 * stacks whenever the heap has grown `headroomMiB` above what the last one left keeps the worker near
 * its live heap. Between stacks only: nothing of a stack's plan depends on when garbage is collected.
 * Needs `--expose-gc` (the parent forks workers with it); without it nothing is collected here.
 * 128 MiB: on the 500 + 20 fleet (Node.js 24, paired runs at load 4.4) the plan's peak RSS fell from
 * 1,668 to 1,206 MiB for 1.7 s more CPU (33.6 s against 31.9 s, all processes); 64 MiB reached 1,143 MiB
 * but cost about 12 s more CPU (a full collection marks the whole live heap, every ~20 spokes).
 */
export const HEAP_HEADROOM_DEFAULTS = { headroomMiB: 128 } as const;

const MIB = 1024 * 1024;

/** Whether a heap of `usedBytes` is more than `headroomMiB` above `liveBytes` (what the last collection left). */
export function overHeadroom(usedBytes: number, liveBytes: number, headroomMiB: number = HEAP_HEADROOM_DEFAULTS.headroomMiB): boolean {
    return usedBytes - liveBytes > headroomMiB * MIB;
}

/**
 * A function to call between stacks: collects when the heap is over its headroom (see above) and
 * returns whether it did. `gc` and `heapUsed` are Node's (`global.gc`, process.memoryUsage) unless given.
 */
export function headroomCollector(
    gc: (() => void) | undefined = (globalThis as { gc?: () => void }).gc,
    heapUsed: () => number = () => process.memoryUsage().heapUsed,
    headroomMiB: number = HEAP_HEADROOM_DEFAULTS.headroomMiB,
): () => boolean {
    let live = heapUsed();
    return () => {
        if (gc === undefined || !overHeadroom(heapUsed(), live, headroomMiB)) {
            return false;
        }
        gc();
        live = heapUsed();
        return true;
    };
}
