import { distance } from "fastest-levenshtein";

/**
 * "Did you mean": the closest valid name to a mistyped one, by Levenshtein distance
 * (fastest-levenshtein, MIT), close enough to be a typo: at most 2 edits, or a third of the name
 * for long names (`monitored-paymnets` is 2 edits from `monitored-payments`; `foo` is no typo of `hub`).
 * A case-only difference always counts (YAML keys are case-sensitive, people's memory is not).
 */
export function closest(input: string, candidates: readonly string[]): string | undefined {
    const limit = Math.max(2, Math.floor(input.length / 3));
    let best: { name: string; d: number } | undefined;
    for (const c of candidates) {
        const d = c.toLowerCase() === input.toLowerCase() ? 0.5 : distance(input, c);
        if (d <= limit && (best === undefined || d < best.d)) {
            best = { name: c, d };
        }
    }
    return best?.name;
}

/** `; did you mean X?` (with the fix to apply), or "" when nothing is close. */
export function didYouMean(input: string, candidates: readonly string[]): string {
    const c = closest(input, candidates);
    return c === undefined ? "" : `; did you mean ${c}?`;
}
