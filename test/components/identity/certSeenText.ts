import { CERT_SEEN_METRIC } from "../../../components/telemetry/certSeenMetrics";

/** The series of one metric family in Prometheus text, `{labels}` (as printed) → value. */
export function seenSeries(body: string, metric = CERT_SEEN_METRIC): Record<string, number> {
    const out: Record<string, number> = {};
    for (const line of body.split("\n")) {
        const m = new RegExp(`^${metric}(\\{.*\\})? (\\S+)$`).exec(line);
        if (m !== null) out[m[1] ?? ""] = Number(m[2]);
    }
    return out;
}
