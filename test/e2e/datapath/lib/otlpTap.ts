import * as grpc from "@grpc/grpc-js";
import { BinaryReader } from "google-protobuf";

/** One number data point as it was on the wire: its series (metric, resource and point attributes), time and value. */
export interface WirePoint {
    readonly metric: string;
    /** Resource attributes then point attributes, `k=v` sorted: the series identity before any processing. */
    readonly series: string;
    /** time_unix_nano as a decimal string (fixed64 exceeds a double's integer range). */
    readonly timeUnixNano: string;
    readonly value: number;
}

function attribute(bytes: Uint8Array): string {
    const r = new BinaryReader(bytes);
    let key = "";
    let value = "";
    while (r.nextField() && !r.isEndGroup()) {
        if (r.getFieldNumber() === 1) key = r.readString();
        else if (r.getFieldNumber() === 2) {
            const v = new BinaryReader(r.readBytes());
            while (v.nextField() && !v.isEndGroup()) {
                // AnyValue string_value = 1; any other kind is kept as its field number and raw bytes' length.
                if (v.getFieldNumber() === 1) value = v.readString();
                else { value = `#${v.getFieldNumber()}`; v.skipField(); }
            }
        } else r.skipField();
    }
    return `${key}=${value}`;
}

/** Fields of a message as (field number, bytes) for the length-delimited ones this decoder descends into. */
function fields(bytes: Uint8Array, onField: (n: number, r: BinaryReader) => void): void {
    const r = new BinaryReader(bytes);
    while (r.nextField() && !r.isEndGroup()) onField(r.getFieldNumber(), r);
}

/**
 * Every number data point (gauge or sum) of an OTLP ExportMetricsServiceRequest, decoded from the
 * bytes a client sent. Field numbers from opentelemetry-proto (github.com/open-telemetry/opentelemetry-proto):
 * collector/metrics/v1/metrics_service.proto (resource_metrics = 1), metrics/v1/metrics.proto
 * (ResourceMetrics resource = 1, scope_metrics = 2; ScopeMetrics metrics = 2; Metric name = 1,
 * gauge = 5, sum = 7; Gauge/Sum data_points = 1; NumberDataPoint time_unix_nano = 3 fixed64,
 * as_double = 4, as_int = 6 sfixed64, attributes = 7), common/v1/common.proto (KeyValue key = 1,
 * value = 2; AnyValue string_value = 1), resource/v1/resource.proto (attributes = 1).
 */
export function decodeExportRequest(bytes: Uint8Array): WirePoint[] {
    const out: WirePoint[] = [];
    fields(bytes, (n, r) => {
        if (n !== 1) { r.skipField(); return; }
        const resource: string[] = [];
        const metrics: Uint8Array[] = [];
        fields(r.readBytes(), (rn, rr) => {
            if (rn === 1) fields(rr.readBytes(), (an, ar) => { if (an === 1) resource.push(attribute(ar.readBytes())); else ar.skipField(); });
            else if (rn === 2) fields(rr.readBytes(), (sn, sr) => { if (sn === 2) metrics.push(sr.readBytes()); else sr.skipField(); });
            else rr.skipField();
        });
        for (const m of metrics) {
            let name = "";
            const points: Uint8Array[] = [];
            fields(m, (mn, mr) => {
                if (mn === 1) name = mr.readString();
                else if (mn === 5 || mn === 7) fields(mr.readBytes(), (dn, dr) => { if (dn === 1) points.push(dr.readBytes()); else dr.skipField(); });
                else mr.skipField();
            });
            for (const p of points) {
                let time = "0";
                let value = NaN;
                const attrs: string[] = [];
                fields(p, (pn, pr) => {
                    if (pn === 3) time = pr.readFixed64String();
                    else if (pn === 4) value = pr.readDouble();
                    else if (pn === 6) value = Number(pr.readSfixed64String());
                    else if (pn === 7) attrs.push(attribute(pr.readBytes()));
                    else pr.skipField();
                });
                out.push({ metric: name, series: [...resource, ...attrs].sort().join(","), timeUnixNano: time, value });
            }
        }
    });
    return out;
}

const EXPORT = "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export";
const raw = (b: Buffer): Buffer => b;

/**
 * An OTLP/gRPC metrics pass-through placed between a client (telemetrygen) and the collector under
 * test: it records every data point of every request exactly as the client sent it, forwards the
 * request's bytes and metadata unchanged, and answers with the collector's own response or status.
 * What it records is the true source count: the client's bytes, before any code of this project.
 */
export class OtlpTap {
    readonly points: WirePoint[] = [];
    requests = 0;
    refused = 0;
    private readonly server = new grpc.Server();
    private readonly upstream: grpc.Client;
    port = 0;

    constructor(upstreamHostPort: string) {
        this.upstream = new grpc.Client(upstreamHostPort, grpc.credentials.createInsecure());
        this.server.addService({
            Export: { path: EXPORT, requestStream: false, responseStream: false, requestSerialize: raw, requestDeserialize: raw, responseSerialize: raw, responseDeserialize: raw },
        }, {
            Export: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
                this.requests++;
                const tapped = decodeExportRequest(call.request);
                this.upstream.makeUnaryRequest(EXPORT, raw, raw, call.request, call.metadata, { deadline: Date.now() + 10_000 }, (err, res) => {
                    if (err) { this.refused++; callback(err); return; }
                    this.points.push(...tapped);
                    callback(null, res);
                });
            },
        });
    }

    async start(): Promise<this> {
        this.port = await new Promise<number>((resolve, reject) => this.server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
        return this;
    }

    stop(): void {
        this.server.forceShutdown();
        this.upstream.close();
    }
}
