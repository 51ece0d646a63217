import { BinaryWriter } from "google-protobuf";
import { request } from "./http";

/**
 * A Prometheus remote-write (1.0) client for the tests that must choose each sample's timestamp and the
 * moment it lands, which no collector lets a test do. Wire format from prometheus/prometheus
 * prompb/remote.proto (WriteRequest timeseries = 1) and prompb/types.proto (TimeSeries labels = 1,
 * samples = 2; Label name = 1, value = 2; Sample value = 1 double, timestamp = 2 int64 ms), body
 * snappy-compressed (block format) as the protocol requires and Cortex checks
 * (cortex@v1.21.1 pkg/util/push/push.go:63, util.RawSnappy).
 */

export interface Series { readonly labels: Readonly<Record<string, string>>; readonly samples: ReadonlyArray<{ readonly timestampMs: number; readonly value: number }> }

/** WriteRequest protobuf; labels sorted by name, as the protocol requires (`__name__` first). */
export function encodeWriteRequest(series: readonly Series[]): Uint8Array {
    const w = new BinaryWriter();
    const msg = (field: number, body: () => void): void => w.writeMessage(field, {}, body);
    for (const s of series) {
        msg(1, () => {
            for (const [name, value] of Object.entries(s.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
                msg(1, () => { w.writeString(1, name); w.writeString(2, value); });
            }
            for (const p of s.samples) msg(2, () => { w.writeDouble(1, p.value); w.writeInt64(2, p.timestampMs); });
        });
    }
    return w.getResultBuffer();
}

/**
 * Snappy block format with literals only (google/snappy format_description.txt: the preamble is the
 * uncompressed length as a varint; a literal's tag byte has low bits 00 and holds length-1 in its upper
 * six bits below 60, or 60-63 for a length-1 in the next 1-4 little-endian bytes). Valid snappy that any
 * decoder reads; it does not compress, which a test's small requests do not need. Written here rather
 * than adding a compression package to the lockfile for a test helper.
 */
export function snappyLiteral(data: Uint8Array): Buffer {
    const out: number[] = [];
    for (let n = data.length; ; n = Math.floor(n / 128)) {
        if (n < 128) { out.push(n); break; }
        out.push((n % 128) | 128);
    }
    const chunks: Buffer[] = [Buffer.from(out)];
    const MAX = 65536;
    for (let i = 0; i < data.length; i += MAX) {
        const part = data.subarray(i, Math.min(i + MAX, data.length));
        const l = part.length - 1;
        chunks.push(l < 60 ? Buffer.from([l << 2]) : l < 256 ? Buffer.from([60 << 2, l]) : Buffer.from([61 << 2, l & 255, l >> 8]));
        chunks.push(Buffer.from(part));
    }
    return Buffer.concat(chunks);
}

/** One remote write; resolves with the HTTP status (2xx is stored). */
export async function remoteWrite(url: string, series: readonly Series[], opts: { ca?: string; headers?: Record<string, string> } = {}): Promise<{ status: number; body: string }> {
    const r = await request(url, {
        method: "POST",
        body: snappyLiteral(encodeWriteRequest(series)),
        headers: { "Content-Encoding": "snappy", "Content-Type": "application/x-protobuf", "X-Prometheus-Remote-Write-Version": "0.1.0", ...(opts.headers ?? {}) },
        ca: opts.ca,
    });
    return { status: r.status, body: r.body };
}
