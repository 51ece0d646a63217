/**
 * What the hub's tenant proxy costs (figures, not pass/fail): Debian's HAProxy 2.6 with the rendered
 * configuration (mutual TLS, identity rules, maps of `--tenants` entries) in front of a stand-in
 * collector that only drains request bodies, loaded like `npm run bench:collector` does: 4 closed-loop
 * senders of 1,000-series OTLP/HTTP JSON requests over keep-alive mutual-TLS connections. Reports
 * samples/s and samples per HAProxy CPU-second (from /proc/<pid>/stat), the proxy's share of the
 * sizing rule's per-vCPU figure. Run: npx ts-node --transpile-only test/bench/proxy.ts [--seconds 20] [--tenants 500]
 */
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as https from "https";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { revokedSerialsFile } from "../../components/identity/proxyFiles";
import { renderHaproxyConfig } from "../../components/identity/haproxyConfig";
import { renderCertSeenLua } from "../../components/identity/certSeen";
import { Tenant, tenantMaps } from "../../components/identity/tenants";

function arg(name: string, dflt: number): number {
    const i = process.argv.indexOf(`--${name}`);
    const v = i >= 0 ? Number(process.argv[i + 1]) : dflt;
    if (!Number.isFinite(v) || v <= 0) {
        console.error(`bench:proxy: --${name} expects a positive number (got ${process.argv[i + 1]})`);
        process.exit(2);
    }
    return v;
}

const SECONDS = arg("seconds", 20);
const TENANTS = arg("tenants", 500);
const SERIES = 1000;
const WORKERS = 4;

function freePort(): Promise<number> {
    return new Promise((resolve) => {
        const s = net.createServer().listen(0, "127.0.0.1", () => {
            const port = (s.address() as net.AddressInfo).port;
            s.close(() => resolve(port));
        });
    });
}

function openssl(args: string[]): void {
    const r = spawnSync("openssl", args, { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`openssl ${args.join(" ")}: ${r.stderr}`);
}

const CLK_TCK = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim()) || 100;

/** utime + stime of a process, seconds (proc(5): fields 14 and 15 of /proc/<pid>/stat, in clock ticks). */
function cpuSeconds(pid: number): number {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

function rssMiB(pid: number): number {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : NaN;
}

function body(round: number): string {
    const points = Array.from({ length: SERIES }, (_, i) => ({ timeUnixNano: `${Date.now()}000000`, asDouble: round + i / 1000, attributes: [{ key: "series", value: { stringValue: String(i) } }] }));
    return JSON.stringify({ resourceMetrics: [{ resource: { attributes: [{ key: "service.name", value: { stringValue: "bench" } }] }, scopeMetrics: [{ metrics: [{ name: "bench_proxy", gauge: { dataPoints: points } }] }] }] });
}

async function main(): Promise<void> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-proxy-"));
    const p = (n: string) => path.join(dir, n);
    openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", p("ca.key"), "-out", p("ca.pem"), "-subj", "/CN=tenant CA", "-days", "1"]);
    const leaf = (name: string, subj: string) => {
        openssl(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", p(`${name}.key`), "-out", p(`${name}.csr`), "-subj", subj]);
        openssl(["x509", "-req", "-in", p(`${name}.csr`), "-CA", p("ca.pem"), "-CAkey", p("ca.key"), "-CAcreateserial", "-out", p(`${name}.crt`), "-days", "1"]);
    };
    leaf("server", "/CN=collector.monitoring.internal");
    leaf("client", "/O=oss-monitoring/OU=monitored/CN=account-200000000000");
    fs.writeFileSync(p("server.pem"), fs.readFileSync(p("server.crt"), "utf8") + fs.readFileSync(p("server.key"), "utf8"));
    const tenants = Array.from({ length: TENANTS }, (_, i): Tenant => { const a = String(200000000000 + i); return { kind: "monitored", account: a, readerRoleArn: `arn:aws:iam::${a}:role/x` }; });
    const maps = tenantMaps(tenants);
    fs.writeFileSync(p("account.map"), maps.account);
    fs.writeFileSync(p("site.map"), "# none\n");
    fs.writeFileSync(p("revoked.lst"), revokedSerialsFile(["0A1B2C"]));
    const [front, back, health, hb, grpc, seen] = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort(), await freePort()];
    fs.writeFileSync(p("cert-seen.lua"), renderCertSeenLua());
    const backend = http.createServer({ keepAlive: true }, (req, res) => { req.resume(); req.on("end", () => res.end("{}")); }).listen(back, "127.0.0.1");
    fs.writeFileSync(p("haproxy.cfg"), renderHaproxyConfig({
        host: "127.0.0.1", ports: { otlpGrpc: grpc, otlpHttp: front, health },
        backends: { otlpGrpc: "127.0.0.1:1", otlpHttp: `127.0.0.1:${back}`, health: `127.0.0.1:${hb}` },
        files: { serverPem: p("server.pem"), tenantCa: p("ca.pem"), accountMap: p("account.map"), siteMap: p("site.map"), revokedSerials: p("revoked.lst"), certSeenLua: p("cert-seen.lua") },
        certSeenPort: seen,
    }));
    const hap: ChildProcess = spawn("haproxy", ["-db", "-f", p("haproxy.cfg")], { stdio: ["ignore", "ignore", "ignore"] });
    await new Promise((r) => setTimeout(r, 1000));
    const agent = new https.Agent({ keepAlive: true, maxSockets: WORKERS, ca: fs.readFileSync(p("ca.pem")), cert: fs.readFileSync(p("client.crt")), key: fs.readFileSync(p("client.key")), servername: "collector.monitoring.internal" });
    const payload = body(0);
    let ok = 0;
    let failed = 0;
    const send = () => new Promise<void>((resolve) => {
        const req = https.request({ host: "127.0.0.1", port: front, path: "/v1/metrics", method: "POST", agent, headers: { "content-type": "application/json" } }, (res) => {
            res.resume();
            res.on("end", () => { if (res.statusCode === 200) ok++; else failed++; resolve(); });
        });
        req.on("error", () => { failed++; resolve(); });
        req.end(payload);
    });
    const run = async (seconds: number) => {
        const until = Date.now() + seconds * 1000;
        await Promise.all(Array.from({ length: WORKERS }, async () => { while (Date.now() < until) await send(); }));
    };
    await run(3);
    ok = 0;
    failed = 0;
    const cpu0 = cpuSeconds(hap.pid ?? 0);
    const t0 = Date.now();
    await run(SECONDS);
    const wall = (Date.now() - t0) / 1000;
    const cpu = cpuSeconds(hap.pid ?? 0) - cpu0;
    const rss = rssMiB(hap.pid ?? 0);
    hap.kill();
    backend.close();
    agent.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
    const samples = ok * SERIES;
    console.log(JSON.stringify({
        haproxy: spawnSync("haproxy", ["-v"], { encoding: "utf8" }).stdout.split("\n")[0], tenants: TENANTS, seconds: wall, requestBytes: Buffer.byteLength(payload),
        requests: ok, failed, samplesPerSecond: Math.round(samples / wall), proxyCpuSeconds: Number(cpu.toFixed(2)), samplesPerProxyCpuSecond: Math.round(samples / cpu), proxyRssMiB: Math.round(rss),
    }, null, 2));
}

main().catch((e) => { console.error(`bench:proxy: ${(e as Error).message}`); process.exit(1); });
