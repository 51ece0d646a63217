import { request } from "./http";

/**
 * An OTLP/HTTP (JSON encoding) client that counts what the receiver accepted: one request per
 * round carries one gauge point per series, stamped with the round's time. It stands for an
 * application or exporter sending to a collector, independent of the collector code under test.
 */
export class OtlpSender {
    accepted = 0;
    failedRequests = 0;
    rounds = 0;
    constructor(
        private readonly url: string,
        private readonly o: {
            metric: string;
            series: number;
            resource: Record<string, string>;
            tls?: { ca?: string; cert?: string; key?: string; servername?: string };
        },
    ) {}

    private payload(nowMs: number): string {
        const attr = (k: string, v: string): unknown => ({ key: k, value: { stringValue: v } });
        const points = Array.from({ length: this.o.series }, (_, i) => ({
            timeUnixNano: `${nowMs}000000`,
            asDouble: this.rounds + i / 1000,
            attributes: [attr("series", String(i))],
        }));
        return JSON.stringify({
            resourceMetrics: [{
                resource: { attributes: Object.entries(this.o.resource).map(([k, v]) => attr(k, v)) },
                scopeMetrics: [{ scope: { name: "ossmon-e2e" }, metrics: [{ name: this.o.metric, gauge: { dataPoints: points } }] }],
            }],
        });
    }

    /** One round; true when the receiver accepted every point. */
    async round(): Promise<boolean> {
        const body = this.payload(Date.now());
        try {
            const r = await request(this.url, { method: "POST", body, headers: { "content-type": "application/json" }, ...(this.o.tls ?? {}), timeoutMs: 5_000 });
            const rejected = r.status === 200 ? Number((JSON.parse(r.body || "{}") as { partialSuccess?: { rejectedDataPoints?: string } }).partialSuccess?.rejectedDataPoints ?? 0) : this.o.series;
            if (r.status === 200 && rejected === 0) {
                this.accepted += this.o.series;
                this.rounds++;
                return true;
            }
            this.failedRequests++;
            return false;
        } catch {
            this.failedRequests++;
            return false;
        }
    }

    /** Rounds every `intervalMs` until `untilMs` (epoch ms) or `stop()` is called. */
    async run(intervalMs: number, untilMs: number): Promise<void> {
        this.stopped = false;
        while (!this.stopped && Date.now() < untilMs) {
            const t = Date.now();
            await this.round();
            const wait = intervalMs - (Date.now() - t);
            if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        }
    }

    private stopped = false;
    stop(): void { this.stopped = true; }
}
