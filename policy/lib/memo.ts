/**
 * A pure function of a string, remembered for the last `limit` keys (least recently used dropped).
 * The pack's evaluation repeats the same few hundred patterns and configuration texts over every stack
 * of a fleet; the key is the whole input, so an answer can never go stale.
 */
export interface Memo<V> {
    (key: string): V;
    /** Whether `key`'s answer is held (tests of the memo). */
    has(key: string): boolean;
}

export function memoByKey<V>(limit: number, compute: (key: string) => V): Memo<V> {
    const held = new Map<string, V>();
    const memo = (key: string): V => {
        // One lookup for a held answer (has() first cost a second: keys are whole configuration texts, compared in full).
        const hit = held.get(key);
        if (hit !== undefined || held.has(key)) {
            // Refresh its place: the least recently used key is the one dropped.
            held.delete(key);
            held.set(key, hit as V);
            return hit as V;
        }
        const value = compute(key);
        held.set(key, value);
        if (held.size > limit) {
            held.delete(held.keys().next().value as string);
        }
        return value;
    };
    return Object.assign(memo, { has: (key: string) => held.has(key) });
}

/** Freezes `value` and everything reachable from it, so one shared answer cannot be changed by its readers. */
export function deepFreeze<T>(value: T): T {
    if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
        Object.freeze(value);
        for (const v of Object.values(value)) {
            deepFreeze(v);
        }
    }
    return value;
}
