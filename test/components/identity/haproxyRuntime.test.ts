import * as assert from "assert";
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as https from "https";
import * as os from "os";
import * as path from "path";
import { normalizeSerial, revokedSerialsFile } from "../../../components/identity/proxyFiles";
import { renderHaproxyConfig } from "../../../components/identity/haproxyConfig";
import { renderCertSeenLua } from "../../../components/identity/certSeen";
import { seenSeries } from "./certSeenText";
import { TENANT_HEADERS, Tenant, tenantMaps, tenantSubject } from "../../../components/identity/tenants";
import { freePorts } from "../../e2e/datapath/lib/procs";

/**
 * The rendered proxy config running in Debian's HAProxy 2.6 on loopback, in front of a stand-in
 * collector that echoes the identity headers it receives (the data path with the real collector is
 * the end-to-end suite's). Certificates come from openssl, as the hub's CA would issue them.
 */

const reader = (a: string) => `arn:aws:iam::${a}:role/OrganizationMonitoringDeploy`;
const A: Tenant = { kind: "monitored", account: "222222222222", readerRoleArn: reader("222222222222") };
const SITE: Tenant = { kind: "onprem", account: "777777777777", site: "dc1", readerRoleArn: reader("777777777777") };

async function until<T>(what: string, check: () => Promise<T | undefined>): Promise<T> {
    const deadline = Date.now() + 30_000;
    for (;;) {
        const v = await check().catch(() => undefined);
        if (v !== undefined) return v;
        if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 200));
    }
}

function openssl(args: string[]): void {
    const r = spawnSync("openssl", args, { encoding: "utf8" });
    assert.strictEqual(r.status, 0, `openssl ${args.join(" ")}: ${r.stderr}`);
}

interface Pem { cert: string; key: string }

describe("tenant proxy at run time (HAProxy 2.6 on loopback)", function () {
    this.timeout(120_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "haproxy-run-"));
    let haproxy: ChildProcess | undefined;
    let backend: http.Server | undefined;
    let health: http.Server | undefined;
    const ports = { otlpGrpc: 0, otlpHttp: 0, health: 0, backendHttp: 0, backendGrpc: 0, backendHealth: 0, certSeen: 0 };
    const pem: Record<string, Pem> = {};
    let serial = "";

    // A CA, a server certificate, tenant certificates (one revoked, one unknown to the maps) and a foreign CA's.
    before(async () => {
        const p = (n: string) => path.join(dir, n);
        const ca = (name: string) => openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", p(`${name}.key`), "-out", p(`${name}.pem`), "-subj", `/CN=${name}`, "-days", "1"]);
        ca("tenant-ca");
        ca("foreign-ca");
        const leaf = (name: string, subj: string, issuer: string, serialArgs = ["-CAcreateserial"]) => {
            openssl(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", p(`${name}.key`), "-out", p(`${name}.csr`), "-subj", subj]);
            openssl(["x509", "-req", "-in", p(`${name}.csr`), "-CA", p(`${issuer}.pem`), "-CAkey", p(`${issuer}.key`), "-days", "1", ...serialArgs, "-out", p(`${name}.crt`)]);
            pem[name] = { cert: fs.readFileSync(p(`${name}.crt`), "utf8"), key: fs.readFileSync(p(`${name}.key`), "utf8") };
        };
        const subj = (t: Tenant) => { const s = tenantSubject(t); return `/O=${s.organization}/OU=${s.organizationalUnit}/CN=${s.commonName}`; };
        leaf("server", "/CN=collector.monitoring.internal", "tenant-ca");
        leaf("a", subj(A), "tenant-ca");
        leaf("site", subj(SITE), "tenant-ca");
        leaf("revoked", subj(A), "tenant-ca");
        // Top bit set: DER writes 00 80 AA BB CC, the revocation list may quote it that way.
        leaf("revokedHighBit", subj(A), "tenant-ca", ["-set_serial", "0x80AABBCC"]);
        leaf("unknown", "/O=oss-monitoring/OU=monitored/CN=account-999999999999", "tenant-ca");
        leaf("foreign", subj(A), "foreign-ca");
        // Valid into 2051: notAfter is then a GeneralizedTime (RFC 5280 4.1.2.5), which HAProxy prints without its "20".
        leaf("aLong", subj(A), "tenant-ca", ["-CAcreateserial", "-days", "9000"]);
        serial = spawnSync("openssl", ["x509", "-in", p("revoked.crt"), "-noout", "-serial"], { encoding: "utf8" }).stdout.trim().split("=")[1];
        fs.writeFileSync(p("server.pem"), pem.server.cert + pem.server.key);
        const maps = tenantMaps([A, SITE]);
        fs.writeFileSync(p("account.map"), maps.account);
        fs.writeFileSync(p("site.map"), maps.site);
        // As an operator would paste it: lower case with colons.
        fs.writeFileSync(p("revoked.lst"), revokedSerialsFile([serial.toLowerCase().replace(/(..)(?!$)/g, "$1:"), "00:80:aa:bb:cc"]));

        // Distinct ports: the kernel may hand the same free port out twice in a row.
        const free = await freePorts(Object.keys(ports).length);
        for (const [i, k] of (Object.keys(ports) as Array<keyof typeof ports>).entries()) ports[k] = free[i];
        // The stand-in collector: echoes the identity headers it was given, or answers what a test asks
        // (x-test-status / x-test-body: the collector's error answers, see "store answers" below).
        backend = http.createServer((req, res) => {
            req.resume();
            const asked = req.headers["x-test-status"];
            if (typeof asked === "string") {
                req.on("end", () => { res.statusCode = Number(asked); res.end(String(req.headers["x-test-body"] ?? "")); });
                return;
            }
            req.on("end", () => res.end(JSON.stringify(Object.fromEntries(Object.values(TENANT_HEADERS).map((h) => [h, req.headers[h]])))));
        }).listen(ports.backendHttp, "127.0.0.1");
        fs.writeFileSync(p("cert-seen.lua"), renderCertSeenLua());
        fs.writeFileSync(p("haproxy.cfg"), renderHaproxyConfig({
            host: "127.0.0.1",
            ports: { otlpGrpc: ports.otlpGrpc, otlpHttp: ports.otlpHttp, health: ports.health },
            backends: { otlpGrpc: `127.0.0.1:${ports.backendGrpc}`, otlpHttp: `127.0.0.1:${ports.backendHttp}`, health: `127.0.0.1:${ports.backendHealth}` },
            files: { serverPem: p("server.pem"), tenantCa: p("tenant-ca.pem"), accountMap: p("account.map"), siteMap: p("site.map"), revokedSerials: p("revoked.lst"), certSeenLua: p("cert-seen.lua") },
            certSeenPort: ports.certSeen,
        }));
        haproxy = spawn("haproxy", ["-db", "-f", p("haproxy.cfg")], { stdio: ["ignore", "ignore", "pipe"] });
        await until("haproxy listening", async () => ((await status("/", undefined, ports.health)) !== undefined ? true : undefined));
    });

    after(() => {
        haproxy?.kill();
        backend?.close();
        health?.close();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    /** One HTTP/1.1 POST over TLS; the status and body, or the TLS error's code. */
    function post(port: number, cert: Pem | undefined, headers: Record<string, string> = {}, urlPath = "/v1/metrics"): Promise<{ status?: number; body?: string; error?: string }> {
        return new Promise((resolve) => {
            const req = https.request({
                host: "127.0.0.1", port, path: urlPath, method: "POST", servername: "collector.monitoring.internal",
                ca: fs.readFileSync(path.join(dir, "tenant-ca.pem")), ...(cert ?? {}), headers, agent: false,
            }, (res) => {
                let body = "";
                res.on("data", (c) => { body += c; });
                res.on("end", () => resolve({ status: res.statusCode, body }));
            });
            req.on("error", (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
            req.end("{}");
        });
    }

    async function status(urlPath: string, cert: Pem | undefined, port: number): Promise<number | undefined> {
        return (await post(port, cert, {}, urlPath)).status;
    }

    it("overwrites the identity a tenant claims with the one its certificate names", async () => {
        const spoof = { [TENANT_HEADERS.account]: "111111111111", "X-Tenant-Site": "berlin", [TENANT_HEADERS.role]: "hub" };
        const a = await post(ports.otlpHttp, pem.a, spoof);
        assert.strictEqual(a.status, 200, JSON.stringify(a));
        assert.deepStrictEqual(JSON.parse(a.body ?? ""), { [TENANT_HEADERS.account]: "222222222222", [TENANT_HEADERS.role]: "monitored" });
        const site = await post(ports.otlpHttp, pem.site, spoof);
        assert.deepStrictEqual(JSON.parse(site.body ?? ""), { [TENANT_HEADERS.account]: "777777777777", [TENANT_HEADERS.site]: "dc1", [TENANT_HEADERS.role]: "onprem" });
    });

    it("refuses no certificate, a foreign CA's, a revoked one and one the maps do not know", async () => {
        for (const port of [ports.otlpHttp, ports.otlpGrpc]) {
            for (const [name, cert] of [["none", undefined], ["foreign CA", pem.foreign]] as const) {
                const r = await post(port, cert);
                assert.ok(r.status === undefined && r.error !== undefined, `${port} ${name}: refused in the handshake (${JSON.stringify(r)})`);
            }
        }
        // A revoked serial: the handshake completes, then the connection is closed without an answer
        // (ECONNRESET, "socket hang up"), which OTLP exporters retry over a new handshake.
        for (const [name, cert] of [[`revoked serial ${serial}`, pem.revoked], ["revoked serial 80AABBCC, listed as 00:80:aa:bb:cc", pem.revokedHighBit]] as const) {
            const r = await post(ports.otlpHttp, cert);
            assert.deepStrictEqual([r.status, r.error], [undefined, "ECONNRESET"], name);
        }
        assert.strictEqual((await post(ports.otlpHttp, pem.a)).status, 200, "its sibling with another serial is not");
        assert.strictEqual((await post(ports.otlpHttp, pem.unknown)).status, 403);
    });

    it("records the serial and notAfter of every certificate a mapped tenant presented, none of a refused one, on loopback only", async () => {
        for (const cert of [pem.a, pem.site, pem.aLong, pem.revoked, pem.revokedHighBit, pem.unknown, pem.foreign]) {
            await post(ports.otlpHttp, cert);
        }
        await post(ports.otlpGrpc, pem.a); // the same certificate over the other frontend: still one entry
        const want: Record<string, number> = {};
        for (const [name, account, site] of [["a", A.account, undefined], ["site", SITE.account, SITE.site], ["aLong", A.account, undefined]] as const) {
            const crt = path.join(dir, `${name}.crt`);
            const out = (flag: string) => spawnSync("openssl", ["x509", "-in", crt, "-noout", flag], { encoding: "utf8" }).stdout.trim().split("=")[1];
            const labels = `tenant_account="${account}"${site !== undefined ? `,tenant_site="${site}"` : ""},serial="${normalizeSerial(out("-serial"))}"`;
            want[`{${labels}}`] = Date.parse(out("-enddate")) / 1000;
        }
        const r = await new Promise<{ status?: number; body: string }>((resolve, reject) => {
            http.get({ host: "127.0.0.1", port: ports.certSeen, path: "/metrics" }, (res) => {
                let body = "";
                res.on("data", (c) => { body += c; });
                res.on("end", () => resolve({ status: res.statusCode, body }));
            }).on("error", reject);
        });
        assert.strictEqual(r.status, 200);
        assert.deepStrictEqual(seenSeries(r.body), want);
        assert.ok(Object.values(want).some((v) => v > Date.UTC(2050, 0, 1) / 1000), "the 2051 certificate is read as 2051");
        assert.deepStrictEqual(seenSeries(r.body, "oss_tenant_proxy_client_certificates_unparsed_total"), { "": 0 });
        // Not on the public frontends.
        assert.strictEqual((await post(ports.otlpHttp, pem.a, {}, "/metrics")).body?.includes("oss_tenant_proxy"), false);
    });

    it("store answers: the collector's 500 about an unreachable, failing or throttling store becomes 503 (retry), AMP's refusal of the data stays 500 (final)", async () => {
        // The collector's words for each case, as the built collector (contrib v0.156.0) answers them over OTLP/HTTP
        // when its store answers 400, 413, does not answer within the budget (STORE_REFUSED_PATTERN's comment).
        const cases: Array<[string, number]> = [
            ["Permanent error: context deadline exceeded", 503],
            ["Permanent error: Post \"https://aps/api/v1/remote_write\": dial tcp 127.0.0.1:9: connect: connection refused", 503],
            ["Permanent error: remote write request failed", 500],
            ["Permanent error: remote write request failed; Permanent error: remote write request failed", 500],
            ["Permanent error: remote write request failed; Permanent error: context deadline exceeded", 500],
        ];
        for (const [body, expected] of cases) {
            const r = await post(ports.otlpHttp, pem.a, { "x-test-status": "500", "x-test-body": body });
            assert.strictEqual(r.status, expected, body);
        }
        // Other answers pass unchanged.
        assert.strictEqual((await post(ports.otlpHttp, pem.a, { "x-test-status": "503", "x-test-body": "memory limiter" })).status, 503);
        assert.strictEqual((await post(ports.otlpHttp, pem.a, { "x-test-status": "400", "x-test-body": "bad request" })).status, 400);
        assert.strictEqual((await post(ports.otlpHttp, pem.a)).status, 200);
    });

    it("answers the health check without a client certificate: 503 while the collector is down, 200 once it is up, 404 elsewhere", async () => {
        assert.strictEqual(await status("/", undefined, ports.health), 503);
        assert.strictEqual(await status("/v1/metrics", pem.a, ports.health), 404, "nothing is forwarded from the health port");
        health = http.createServer((_req, res) => res.end("{}")).listen(ports.backendHealth, "127.0.0.1");
        await until("health 200", async () => ((await status("/", undefined, ports.health)) === 200 ? true : undefined));
        await new Promise<void>((r) => health?.close(() => r()));
        health = undefined;
        await until("health 503 after the collector stops", async () => ((await status("/", undefined, ports.health)) === 503 ? true : undefined));
    });
});
