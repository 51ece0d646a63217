import * as fs from "fs";
import * as http from "http";
import * as https from "https";

export interface Reply { readonly status: number; readonly body: string; readonly raw: Buffer }

/** One HTTP(S) request; `tls` adds a CA to trust and optionally a client certificate. */
export function request(url: string, opts: { method?: string; body?: string | Buffer; headers?: Record<string, string>; ca?: string; cert?: string; key?: string; servername?: string; timeoutMs?: number } = {}): Promise<Reply> {
    const u = new URL(url);
    const lib = u.protocol === "https:" ? https : http;
    return new Promise((resolve, reject) => {
        const req = lib.request(u, {
            method: opts.method ?? "GET",
            headers: opts.headers,
            ...(u.protocol === "https:" ? {
                ca: opts.ca !== undefined ? fs.readFileSync(opts.ca) : undefined,
                cert: opts.cert !== undefined ? fs.readFileSync(opts.cert) : undefined,
                key: opts.key !== undefined ? fs.readFileSync(opts.key) : undefined,
                servername: opts.servername,
                minVersion: "TLSv1.2",
                agent: false,
            } : { agent: false }),
            timeout: opts.timeoutMs ?? 10_000,
        }, (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (c: Buffer) => chunks.push(c));
            res.on("end", () => { const raw = Buffer.concat(chunks); resolve({ status: res.statusCode ?? 0, body: raw.toString("utf8"), raw }); });
            res.on("error", reject);
        });
        req.on("timeout", () => req.destroy(new Error(`timeout ${url}`)));
        req.on("error", reject);
        if (opts.body !== undefined) req.write(opts.body);
        req.end();
    });
}

/** Counter and gauge values of a Prometheus text exposition, summed per metric name over label sets matching `filter`. */
export function parseExposition(text: string, name: string, filter: (labels: string) => boolean = () => true): number {
    let sum = 0;
    for (const line of text.split("\n")) {
        if (line.startsWith("#")) continue;
        const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
        if (m && m[1] === name && filter(m[2] ?? "")) sum += Number(m[3]);
    }
    return sum;
}

export function metricNames(text: string): string[] {
    const out = new Set<string>();
    for (const line of text.split("\n")) {
        const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)[{\s]/.exec(line);
        if (m && !line.startsWith("#")) out.add(m[1]);
    }
    return [...out].sort();
}
