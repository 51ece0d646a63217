/**
 * Time as the scheduler sees it. Injected so tests and the benchmark run a 500-stack rollout
 * in virtual time: deterministic and without sleeping.
 */
export interface Clock {
    now(): number;
    /** Resolves after `ms`, or early (without error) when `signal` aborts. */
    sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: Clock = {
    now: () => Date.now(),
    sleep: (ms, signal) =>
        new Promise<void>((resolve) => {
            if (signal?.aborted) {
                resolve();
                return;
            }
            const done = () => {
                clearTimeout(timer);
                signal?.removeEventListener("abort", done);
                resolve();
            };
            const timer = setTimeout(done, ms);
            signal?.addEventListener("abort", done, { once: true });
        }),
};

interface Timer {
    readonly at: number;
    readonly seq: number;
    readonly resolve: () => void;
}

/**
 * A discrete-event clock: when every pending task waits on a timer, time jumps to the earliest
 * timer. Advancing happens in a macrotask (setImmediate), after all promise reactions settled,
 * so the code under test has reacted to one instant before the next one begins. Timers due at
 * the same instant fire in the order they were set, which keeps runs reproducible.
 */
export class VirtualClock implements Clock {
    private current: number;
    private seq = 0;
    private timers: Timer[] = [];
    private ticking = false;

    constructor(start = 0) {
        this.current = start;
    }

    now(): number {
        return this.current;
    }

    sleep(ms: number, signal?: AbortSignal): Promise<void> {
        if (Number.isNaN(ms)) {
            return Promise.reject(new RangeError("VirtualClock.sleep: duration is NaN"));
        }
        return new Promise<void>((resolve) => {
            if (signal?.aborted) {
                resolve();
                return;
            }
            const timer: Timer = {
                at: this.current + Math.max(0, ms),
                seq: this.seq++,
                resolve: () => {
                    signal?.removeEventListener("abort", cancel);
                    resolve();
                },
            };
            const cancel = () => {
                this.timers = this.timers.filter((t) => t !== timer);
                resolve();
            };
            signal?.addEventListener("abort", cancel, { once: true });
            this.timers.push(timer);
            this.schedule();
        });
    }

    /** Number of timers not yet fired; lets tests assert nothing was left waiting. */
    get pending(): number {
        return this.timers.length;
    }

    private schedule(): void {
        if (this.ticking) {
            return;
        }
        this.ticking = true;
        setImmediate(() => this.tick());
    }

    private tick(): void {
        this.ticking = false;
        if (this.timers.length === 0) {
            return;
        }
        const next = this.timers.reduce((a, b) => (b.at < a.at || (b.at === a.at && b.seq < a.seq) ? b : a));
        this.current = Math.max(this.current, next.at);
        const due = this.timers.filter((t) => t.at <= this.current).sort((a, b) => a.at - b.at || a.seq - b.seq);
        this.timers = this.timers.filter((t) => t.at > this.current);
        for (const t of due) {
            t.resolve();
        }
        if (this.timers.length > 0) {
            this.schedule();
        }
    }
}
