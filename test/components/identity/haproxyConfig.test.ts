import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { COLLECTOR_INTERNAL_PORTS, COLLECTOR_PORTS } from "../../../components/telemetry/collectorPorts";
import { IDENTITY_FILES, renderHaproxyConfig } from "../../../components/identity/haproxyConfig";
import { CERT_SEEN_DEFAULTS, CERT_SEEN_LUA_NAMES, renderCertSeenLua } from "../../../components/identity/certSeen";
import { TENANT_HEADERS, Tenant, tenantMaps } from "../../../components/identity/tenants";

/** Section header ("frontend otlp_http") → its directive lines, trimmed, comments dropped. */
function sections(cfg: string): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    let current = "";
    for (const raw of cfg.split("\n")) {
        if (raw.trim() === "" || raw.trim().startsWith("#")) continue;
        if (!/^\s/.test(raw)) {
            current = raw.trim();
            out[current] = [];
        } else {
            out[current].push(raw.trim());
        }
    }
    return out;
}

const TENANTS: Tenant[] = [
    { kind: "monitored", account: "222222222222", readerRoleArn: "arn:aws:iam::222222222222:role/oss-monitoring-deploy" },
    { kind: "onprem", account: "777777777777", site: "dc1", readerRoleArn: "arn:aws:iam::777777777777:role/oss-monitoring-deploy" },
];

/** `haproxy` from PATH (tools/setup.sh installs Debian's package), or a failure naming the fix. */
function haproxyBinary(): string {
    for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
        const p = path.join(dir, "haproxy");
        if (dir !== "" && fs.existsSync(p)) return p;
    }
    throw new Error("haproxy not found: run `bash tools/setup.sh` (or apt-get install -y haproxy)");
}

/** A throw-away tenant CA and server certificate made with openssl, as the files the init container writes. */
function writeFiles(dir: string, revoked: string): Required<NonNullable<Parameters<typeof renderHaproxyConfig>[0]>["files"]> {
    const f = {
        serverPem: path.join(dir, "server.pem"), tenantCa: path.join(dir, "tenant-ca.pem"), accountMap: path.join(dir, "tenant-account.map"),
        siteMap: path.join(dir, "tenant-site.map"), revokedSerials: path.join(dir, "revoked-serials.lst"), certSeenLua: path.join(dir, "cert-seen.lua"),
    };
    fs.writeFileSync(f.certSeenLua, renderCertSeenLua());
    const req = (subj: string, key: string, crt: string) => {
        const r = spawnSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", crt, "-subj", subj, "-days", "1"], { encoding: "utf8" });
        assert.strictEqual(r.status, 0, r.stderr);
    };
    req("/CN=oss-monitoring tenant CA", path.join(dir, "ca.key"), f.tenantCa);
    req("/CN=collector.monitoring.internal", path.join(dir, "server.key"), path.join(dir, "server.crt"));
    fs.writeFileSync(f.serverPem, fs.readFileSync(path.join(dir, "server.crt"), "utf8") + fs.readFileSync(path.join(dir, "server.key"), "utf8"));
    const maps = tenantMaps(TENANTS);
    fs.writeFileSync(f.accountMap, maps.account);
    fs.writeFileSync(f.siteMap, maps.site);
    fs.writeFileSync(f.revokedSerials, revoked);
    return f;
}

describe("tenant proxy (HAProxy) config", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "haproxy-cfg-"));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("serves gRPC and HTTP with mutual TLS against the tenant CA only, TLS 1.2+", () => {
        const s = sections(renderHaproxyConfig());
        for (const [fe, port, alpn] of [["frontend otlp_grpc", COLLECTOR_PORTS.otlpGrpc, "h2"], ["frontend otlp_http", COLLECTOR_PORTS.otlpHttp, "h2,http/1.1"]] as const) {
            const binds = s[fe].filter((l) => l.startsWith("bind "));
            assert.deepStrictEqual(binds, [`bind 0.0.0.0:${port} ssl crt ${IDENTITY_FILES.serverPem} ssl-min-ver TLSv1.2 ca-file ${IDENTITY_FILES.tenantCa} verify required alpn ${alpn}`], fe);
            // One CA file, the hub tenant CA: a site CA in it could mint any tenant's name.
            assert.strictEqual(binds[0].match(/ca-file /g)?.length, 1);
            assert.ok(!/verify (none|optional)/.test(s[fe].join("\n")));
        }
        assert.ok(s.global.includes("ssl-default-bind-options ssl-min-ver TLSv1.2 no-tls-tickets"));
        const ciphers = s.global.find((l) => l.startsWith("ssl-default-bind-ciphers "))?.split(" ")[1].split(":") ?? [];
        assert.ok(ciphers.length > 0 && ciphers.every((c) => c.startsWith("ECDHE-") && /GCM|CHACHA20/.test(c)), "forward-secret AEAD only");
    });

    it("deletes every client-sent identity header before setting them from the certificate", () => {
        const s = sections(renderHaproxyConfig());
        for (const fe of ["frontend otlp_grpc", "frontend otlp_http"]) {
            const rules = s[fe].filter((l) => l.startsWith("http-request "));
            for (const h of Object.values(TENANT_HEADERS)) {
                const del = rules.indexOf(`http-request del-header ${h}`);
                const set = rules.findIndex((l) => l.startsWith(`http-request set-header ${h} `));
                assert.ok(del >= 0 && set > del, `${fe}: ${h} deleted (${del}) before it is set (${set})`);
            }
            assert.ok(rules.includes(`http-request set-var(txn.tenant_account) ssl_c_s_dn(CN),map(${IDENTITY_FILES.accountMap})`));
            assert.ok(rules.includes(`http-request set-var(txn.tenant_site) ssl_c_s_dn(CN),map(${IDENTITY_FILES.siteMap})`));
            assert.ok(rules.includes(`http-request set-header ${TENANT_HEADERS.role} %[ssl_c_s_dn(OU)]`));
            // Refusals come before any header is set, so a refused request never carries an identity.
            const denies = rules.filter((l) => l.startsWith("http-request deny "));
            assert.deepStrictEqual(denies, ["http-request deny deny_status 403 unless { var(txn.tenant_account) -m found }"]);
            const lastDeny = rules.lastIndexOf(denies[0]);
            assert.ok(rules.findIndex((l) => l.startsWith("http-request set-header ")) > lastDeny);
            // The presented certificate is recorded only once the tenant is mapped and every refusal is past.
            assert.deepStrictEqual(rules.slice(-3), [
                "http-request set-var(txn.cert_serial) ssl_c_serial,hex",
                "http-request set-var(txn.cert_not_after) ssl_c_notafter",
                `http-request lua.${CERT_SEEN_LUA_NAMES.action}`,
            ]);
            // A revoked serial's connection is closed once the handshake is done: no HTTP answer at all.
            assert.deepStrictEqual(s[fe].filter((l) => l.startsWith("tcp-request ")), [`tcp-request session reject if { ssl_c_serial,hex -m str -f ${IDENTITY_FILES.revokedSerials} }`]);
        }
    });

    it("forwards to the collector on loopback: gRPC as h2c, HTTP plain", () => {
        const s = sections(renderHaproxyConfig());
        assert.deepStrictEqual(s["frontend otlp_grpc"].filter((l) => l.startsWith("default_backend")), ["default_backend collector_grpc"]);
        assert.deepStrictEqual(s["backend collector_grpc"], [`server collector 127.0.0.1:${COLLECTOR_INTERNAL_PORTS.otlpGrpc} proto h2`]);
        assert.deepStrictEqual(s["backend collector_http"], [`server collector 127.0.0.1:${COLLECTOR_INTERNAL_PORTS.otlpHttp}`]);
        assert.ok(s["backend collector_health"].includes(`server collector 127.0.0.1:${COLLECTOR_INTERNAL_PORTS.health} check inter 2s fall 2 rise 1`));
    });

    it("answers the NLB health check without a client certificate, and serves nothing else there", () => {
        const fe = sections(renderHaproxyConfig())["frontend health"];
        assert.deepStrictEqual(fe, [
            `bind 0.0.0.0:${COLLECTOR_PORTS.health} ssl crt ${IDENTITY_FILES.serverPem} ssl-min-ver TLSv1.2 alpn http/1.1`,
            "monitor-uri /",
            // 503 once the collector's own health check fails: the NLB then stops sending to this task.
            "monitor fail if { nbsrv(collector_health) lt 1 }",
            // Anything but the monitor URI is refused; nothing is ever forwarded from this port.
            "http-request deny deny_status 404",
        ]);
    });

    it("serves the presented-certificate table on loopback only, GET /metrics and nothing else", () => {
        const s = sections(renderHaproxyConfig());
        assert.ok(s.global.includes(`lua-load ${IDENTITY_FILES.certSeenLua}`));
        assert.deepStrictEqual(s["frontend cert_seen"], [
            `bind 127.0.0.1:${CERT_SEEN_DEFAULTS.port}`,
            `http-request use-service lua.${CERT_SEEN_LUA_NAMES.service} if { path /metrics } { method GET }`,
            "http-request deny deny_status 404",
        ]);
        assert.match(sections(renderHaproxyConfig({ certSeenPort: 24990 }))["frontend cert_seen"][0], /^bind 127\.0\.0\.1:24990$/);
        assert.throws(() => renderHaproxyConfig({ certSeenPort: COLLECTOR_PORTS.otlpHttp }), /certSeenPort: 4318 is already a public frontend's port/);
        assert.throws(() => renderHaproxyConfig({ certSeenPort: 0 }), /certSeenPort: expected a port/);
    });

    it("binds where told (e2e runs several on loopback) and refuses bad ports, addresses and paths", () => {
        const s = sections(renderHaproxyConfig({
            host: "127.0.0.1", ports: { otlpGrpc: 24317, otlpHttp: 24318, health: 23133 },
            backends: { otlpGrpc: "127.0.0.1:25317", otlpHttp: "127.0.0.1:25318", health: "127.0.0.1:25133" },
            files: { serverPem: "/run/s.pem", tenantCa: "/run/ca.pem", accountMap: "/run/a.map", siteMap: "/run/s.map", revokedSerials: "/run/r.lst" },
            stats: { socket: "/run/haproxy.sock" },
        }));
        assert.match(s["frontend otlp_grpc"][0], /^bind 127\.0\.0\.1:24317 ssl crt \/run\/s\.pem .* ca-file \/run\/ca\.pem verify required/);
        assert.match(s["frontend health"][0], /^bind 127\.0\.0\.1:23133 /);
        assert.deepStrictEqual(s["backend collector_grpc"], ["server collector 127.0.0.1:25317 proto h2"]);
        assert.ok(s["frontend otlp_http"].includes("tcp-request session reject if { ssl_c_serial,hex -m str -f /run/r.lst }"));
        assert.ok(s.global.includes("stats socket /run/haproxy.sock mode 600 level admin"));
        assert.ok(!sections(renderHaproxyConfig()).global.some((l) => l.startsWith("stats socket")), "no runtime API unless asked");
        assert.throws(() => renderHaproxyConfig({ ports: { health: 4317 } }), /ports: the gRPC, HTTP and health frontends need their own port/);
        assert.throws(() => renderHaproxyConfig({ ports: { otlpHttp: 70000 } }), /ports\.otlpHttp: expected a port/);
        assert.throws(() => renderHaproxyConfig({ backends: { otlpHttp: "127.0.0.1" } }), /backends\.otlpHttp: expected host:port/);
        assert.throws(() => renderHaproxyConfig({ files: { tenantCa: "/run/ca.pem verify none" } }), /files\.tenantCa: expected a path/);
    });

    it("is accepted by `haproxy -c` (Debian's 2.6) without warnings, with the maps tenantMaps renders", () => {
        const bin = haproxyBinary();
        for (const [name, revoked] of [["empty", "# no revoked certificates\n"], ["two", "0A1B2C\n7F00FF\n"]] as const) {
            const sub = path.join(dir, name);
            fs.mkdirSync(sub);
            const files = writeFiles(sub, revoked);
            const cfg = path.join(sub, "haproxy.cfg");
            fs.writeFileSync(cfg, renderHaproxyConfig({ files, stats: { socket: path.join(sub, "haproxy.sock") } }));
            const r = spawnSync(bin, ["-c", "-f", cfg], { encoding: "utf8" });
            assert.strictEqual(r.status, 0, `${r.stdout}${r.stderr}`);
            assert.doesNotMatch(`${r.stdout}${r.stderr}`, /WARNING|ALERT/, name);
        }
        // The check is real: a missing tenant CA file fails it.
        const cfg = path.join(dir, "missing.cfg");
        fs.writeFileSync(cfg, renderHaproxyConfig({ files: { ...writeFiles(fs.mkdtempSync(path.join(dir, "m-")), ""), tenantCa: path.join(dir, "nope.pem") } }));
        assert.notStrictEqual(spawnSync(bin, ["-c", "-f", cfg], { encoding: "utf8" }).status, 0);
    });
});
