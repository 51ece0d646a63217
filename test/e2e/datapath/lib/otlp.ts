import * as fs from "fs";
import * as grpc from "@grpc/grpc-js";
import { BinaryReader, BinaryWriter } from "google-protobuf";
import { request } from "./http";

/** Client TLS of a sender: the CA it trusts, the name it verifies, optionally its client certificate. */
export interface SenderTls { readonly ca?: string; readonly cert?: string; readonly key?: string; readonly servername?: string }

/**
 * Attributes as a map, or as the wire's list of key-value pairs, which may repeat a key: OTLP
 * carries attributes as `repeated KeyValue` (protobuf) or a JSON array, and nothing on the wire
 * makes keys unique (opentelemetry-proto common.proto; the collector keeps every copy: issue #6169).
 */
export type Attributes = Readonly<Record<string, string>> | ReadonlyArray<readonly [string, string]>;

const pairs = (a: Attributes | undefined): Array<readonly [string, string]> => (a === undefined ? [] : Array.isArray(a) ? [...a] : Object.entries(a));

/** How a sender encodes and carries OTLP: OTLP/HTTP JSON, OTLP/HTTP protobuf, or OTLP/gRPC. */
export type OtlpTransport = "http" | "http-protobuf" | "grpc";

export interface OtlpSenderOptions {
    readonly metric: string;
    readonly series: number;
    /** Resource attributes (a sender may claim anything here, e.g. another account). */
    readonly resource: Attributes;
    /** Attributes of the instrumentation scope. */
    readonly scopeAttributes?: Attributes;
    /** Attributes on every data point, before `series` (claims at the data-point level). */
    readonly pointAttributes?: Attributes;
    /** Request headers (HTTP) or metadata (gRPC), e.g. a forged x-tenant-account. */
    readonly headers?: Record<string, string>;
    readonly tls?: SenderTls;
    /**
     * "http": OTLP/HTTP with the JSON encoding to `<url>`; "http-protobuf": OTLP/HTTP with the binary
     * protobuf encoding to `<url>`; "grpc": OTLP/gRPC (protobuf) to `host:port`. Default http.
     */
    readonly transport?: OtlpTransport;
}

interface Point { time: number; value: number; attributes: Array<readonly [string, string]> }

/**
 * Protobuf encoding of ExportMetricsServiceRequest with one gauge; field numbers from
 * opentelemetry-proto (github.com/open-telemetry/opentelemetry-proto):
 * opentelemetry/proto/collector/metrics/v1/metrics_service.proto (resource_metrics = 1),
 * opentelemetry/proto/metrics/v1/metrics.proto (ResourceMetrics resource = 1, scope_metrics = 2;
 * ScopeMetrics scope = 1, metrics = 2; Metric name = 1, gauge = 5; Gauge data_points = 1;
 * NumberDataPoint time_unix_nano = 3 fixed64, as_double = 4, attributes = 7),
 * opentelemetry/proto/common/v1/common.proto (KeyValue key = 1, value = 2; AnyValue string_value = 1;
 * InstrumentationScope name = 1, attributes = 3), opentelemetry/proto/resource/v1/resource.proto (attributes = 1).
 * google-protobuf's BinaryWriter does the wire format; no generated code is needed for 9 fields.
 */
export function encodeRequest(metric: string, resource: Attributes, scopeAttributes: Attributes | undefined, points: Point[]): Uint8Array {
    const w = new BinaryWriter();
    // writeMessage skips a null value, so the callbacks get a placeholder; they write the fields themselves.
    const msg = (field: number, body: () => void): void => w.writeMessage(field, {}, body);
    const kv = (field: number, k: string, v: string): void => {
        msg(field, () => {
            w.writeString(1, k);
            msg(2, () => w.writeString(1, v));
        });
    };
    msg(1, () => {
        msg(1, () => { for (const [k, v] of pairs(resource)) kv(1, k, v); });
        msg(2, () => {
            msg(1, () => {
                w.writeString(1, "ossmon-e2e");
                for (const [k, v] of pairs(scopeAttributes)) kv(3, k, v);
            });
            msg(2, () => {
                w.writeString(1, metric);
                msg(5, () => {
                    for (const p of points) {
                        msg(1, () => {
                            w.writeFixed64String(3, `${p.time}000000`);
                            w.writeDouble(4, p.value);
                            for (const [k, v] of p.attributes) kv(7, k, v);
                        });
                    }
                });
            });
        });
    });
    return w.getResultBuffer();
}

/** ExportMetricsServiceResponse.partial_success (1).rejected_data_points (1, int64). */
function rejectedPoints(buf: Buffer): number {
    let rejected = 0;
    const r = new BinaryReader(buf);
    while (r.nextField() && !r.isEndGroup()) {
        if (r.getFieldNumber() === 1) {
            r.readMessage({}, () => {
                while (r.nextField() && !r.isEndGroup()) {
                    if (r.getFieldNumber() === 1) rejected = Number(r.readInt64String());
                    else r.skipField();
                }
            });
        } else r.skipField();
    }
    return rejected;
}

const EXPORT = "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export";

/**
 * An OTLP client that counts what the receiver accepted: one request per round carries one gauge
 * point per series, stamped with the round's time. It stands for an application or exporter
 * sending to a collector (or a compromised spoke forging claims), independent of the collector code
 * under test. `lastError` keeps why the last refused round failed (status, gRPC code, TLS alert).
 */
export class OtlpSender {
    accepted = 0;
    failedRequests = 0;
    rounds = 0;
    /** Timestamp (ms, the points' time) of every accepted round, and when its answer arrived. */
    readonly acceptedRounds: Array<{ ms: number; answeredAt: number }> = [];
    lastError = "";
    private grpcClient: grpc.Client | undefined;
    constructor(private readonly url: string, private readonly o: OtlpSenderOptions) {}

    private points(nowMs: number): Point[] {
        return Array.from({ length: this.o.series }, (_, i) => ({
            time: nowMs, value: this.rounds + i / 1000, attributes: [...pairs(this.o.pointAttributes), ["series", String(i)]],
        }));
    }

    private json(points: Point[]): string {
        const attrs = (a: Attributes | undefined): unknown[] => pairs(a).map(([key, v]) => ({ key, value: { stringValue: v } }));
        return JSON.stringify({
            resourceMetrics: [{
                resource: { attributes: attrs(this.o.resource) },
                scopeMetrics: [{ scope: { name: "ossmon-e2e", attributes: attrs(this.o.scopeAttributes) }, metrics: [{ name: this.o.metric, gauge: { dataPoints: points.map((p) => ({ timeUnixNano: `${p.time}000000`, asDouble: p.value, attributes: attrs(p.attributes) })) } }] }],
            }],
        });
    }

    private async sendHttp(points: Point[]): Promise<number> {
        const r = await request(this.url, { method: "POST", body: this.json(points), headers: { "content-type": "application/json", ...(this.o.headers ?? {}) }, ...(this.o.tls ?? {}), timeoutMs: 5_000 });
        if (r.status !== 200) throw new Error(`HTTP ${r.status}`);
        return Number((JSON.parse(r.body || "{}") as { partialSuccess?: { rejectedDataPoints?: string } }).partialSuccess?.rejectedDataPoints ?? 0);
    }

    /** OTLP/HTTP binary protobuf: the request and response are the gRPC service's messages (OTLP spec, "OTLP/HTTP Request"). */
    private async sendHttpProtobuf(points: Point[]): Promise<number> {
        const body = Buffer.from(encodeRequest(this.o.metric, this.o.resource, this.o.scopeAttributes, points));
        const r = await request(this.url, { method: "POST", body, headers: { "content-type": "application/x-protobuf", ...(this.o.headers ?? {}) }, ...(this.o.tls ?? {}), timeoutMs: 5_000 });
        if (r.status !== 200) throw new Error(`HTTP ${r.status}`);
        return rejectedPoints(r.raw);
    }

    private client(): grpc.Client {
        if (this.grpcClient === undefined) {
            const t = this.o.tls;
            const creds = t === undefined
                ? grpc.credentials.createInsecure()
                : grpc.credentials.createSsl(t.ca !== undefined ? fs.readFileSync(t.ca) : null, t.key !== undefined ? fs.readFileSync(t.key) : null, t.cert !== undefined ? fs.readFileSync(t.cert) : null);
            this.grpcClient = new grpc.Client(this.url, creds, t?.servername !== undefined ? { "grpc.ssl_target_name_override": t.servername, "grpc.default_authority": t.servername } : {});
        }
        return this.grpcClient;
    }

    private sendGrpc(points: Point[]): Promise<number> {
        const md = new grpc.Metadata();
        for (const [k, v] of Object.entries(this.o.headers ?? {})) md.set(k, v);
        const body = Buffer.from(encodeRequest(this.o.metric, this.o.resource, this.o.scopeAttributes, points));
        return new Promise((resolve, reject) => {
            this.client().makeUnaryRequest(EXPORT, (b: Buffer) => b, (b: Buffer) => b, body, md, { deadline: Date.now() + 5_000 }, (err, res) => {
                if (err) reject(new Error(`gRPC ${grpc.status[err.code]}: ${err.details}`));
                else resolve(rejectedPoints(res ?? Buffer.alloc(0)));
            });
        });
    }

    /** One round; true when the receiver accepted every point. */
    async round(): Promise<boolean> {
        const points = this.points(Date.now());
        try {
            const t = this.o.transport ?? "http";
            const rejected = t === "grpc" ? await this.sendGrpc(points) : t === "http-protobuf" ? await this.sendHttpProtobuf(points) : await this.sendHttp(points);
            if (rejected === 0) {
                this.accepted += this.o.series;
                this.rounds++;
                this.acceptedRounds.push({ ms: points[0]?.time ?? 0, answeredAt: Date.now() });
                return true;
            }
            this.lastError = `${rejected} points rejected`;
        } catch (e) {
            const m = e instanceof Error ? e.message : String(e);
            // OpenSSL's alert text is the useful part of a refused handshake ("alert certificate expired").
            this.lastError = /alert ([a-z ]+)/.exec(m)?.[0] ?? m.split("\n")[0];
        }
        this.failedRequests++;
        return false;
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

    close(): void { this.grpcClient?.close(); this.grpcClient = undefined; }
}
