import * as assert from "assert";
import { BinaryReader } from "google-protobuf";
import { encodeWriteRequest, snappyLiteral } from "./remoteWrite";

/** Reads a snappy block of literals back (google/snappy format_description.txt), refusing anything else. */
function unsnappy(b: Buffer): Buffer {
    let i = 0;
    let length = 0;
    for (let shift = 0; ; shift += 7) {
        const c = b[i++];
        length += (c & 127) * 2 ** shift;
        if (c < 128) break;
    }
    const out: Buffer[] = [];
    while (i < b.length) {
        const tag = b[i++];
        assert.strictEqual(tag & 3, 0, "literal tags only");
        let l = tag >> 2;
        if (l >= 60) {
            const n = l - 59;
            l = 0;
            for (let k = 0; k < n; k++) l += b[i++] * 256 ** k;
        }
        out.push(b.subarray(i, i + l + 1));
        i += l + 1;
    }
    const data = Buffer.concat(out);
    assert.strictEqual(data.length, length, "the preamble states the uncompressed length");
    return data;
}

describe("e2e remote-write client: snappy block of literals and the WriteRequest wire format", () => {
    it("writes the snappy preamble and literal tags of the format description for short, 1-byte and 2-byte lengths", () => {
        assert.deepStrictEqual([...snappyLiteral(new Uint8Array([]))], [0]);
        assert.deepStrictEqual([...snappyLiteral(Buffer.from("a"))], [1, 0, 0x61]);
        assert.deepStrictEqual([...snappyLiteral(Buffer.alloc(100, 7)).subarray(0, 3)], [100, 60 << 2, 99]);
        assert.deepStrictEqual([...snappyLiteral(Buffer.alloc(300, 7)).subarray(0, 5)], [0xac, 0x02, 61 << 2, 0x2b, 0x01]);
        for (const n of [0, 1, 59, 60, 61, 255, 256, 257, 65536, 65537, 200_000]) {
            const data = Buffer.from(Array.from({ length: n }, (_, k) => (k * 31) % 251));
            assert.ok(unsnappy(snappyLiteral(data)).equals(data), `${n} bytes round trip`);
        }
    });

    it("encodes each series' labels sorted by name (__name__ first) and its samples as value and millisecond timestamp", () => {
        const r = new BinaryReader(encodeWriteRequest([{ labels: { job: "j", __name__: "up", account: "1" }, samples: [{ timestampMs: 1_765_000_000_123, value: 1.5 }] }]));
        const labels: Array<[string, string]> = [];
        const samples: Array<[number, number]> = [];
        assert.ok(r.nextField() && r.getFieldNumber() === 1);
        r.readMessage({}, () => {
            while (r.nextField()) {
                if (r.getFieldNumber() === 1) {
                    const l: [string, string] = ["", ""];
                    r.readMessage({}, () => { while (r.nextField()) l[r.getFieldNumber() - 1] = r.readString(); });
                    labels.push(l);
                } else {
                    const s: [number, number] = [0, 0];
                    r.readMessage({}, () => { while (r.nextField()) { if (r.getFieldNumber() === 1) s[0] = r.readDouble(); else s[1] = r.readInt64(); } });
                    samples.push(s);
                }
            }
        });
        assert.deepStrictEqual(labels, [["__name__", "up"], ["account", "1"], ["job", "j"]]);
        assert.deepStrictEqual(samples, [[1.5, 1_765_000_000_123]]);
    });
});
