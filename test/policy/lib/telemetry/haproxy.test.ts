import { strict as assert } from "assert";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { bindClientCertGap, parseBindAddresses, parseHaproxyConfig } from "../../../../policy/lib/telemetry/haproxy";
import { hostScope, splitHostPort } from "../../../../policy/lib/telemetry/terminators";
import { collectorExporterTls, collectorReceiverTls, haproxyBindTlsMinVersion } from "../../../../policy/rules/tls";
import { runResource } from "../../helpers";

const SSM = "aws:ssm/parameter:Parameter";

function collector(grpc: Record<string, unknown> | null, http?: Record<string, unknown>): string {
    return JSON.stringify({
        receivers: { otlp: { protocols: { grpc, ...(http ? { http } : {}) } } },
        exporters: { otlp: { endpoint: "hub.internal:4317" } },
        service: { pipelines: { metrics: { receivers: ["otlp"], exporters: ["otlp"] } } },
    });
}
const receiverTls = (text: string, config?: Record<string, unknown>) => runResource(collectorReceiverTls, SSM, { type: "String", value: text }, { config }).messages;

describe("policy/tls receivers and HAProxy", () => {
    describe("collector-receiver-tls", () => {
        it("accepts receivers bound to loopback without TLS (the sidecar pattern) in every spelling", () => {
            for (const host of ["127.0.0.1", "127.0.0.53", "localhost", "[::1]", "[0:0:0:0:0:0:0:1]"]) {
                assert.deepEqual(receiverTls(collector({ endpoint: `${host}:14317` }, { endpoint: `${host}:14318` })), [], host);
            }
            // An omitted endpoint is localhost:4317 / localhost:4318 (otlpreceiver v0.117.0 factory.go:46,54).
            assert.deepEqual(receiverTls(collector(null, {})), []);
        });

        it("rejects receivers on every interface or a network address without TLS, naming the receiver and the fix", () => {
            for (const host of ["0.0.0.0", "", "[::]", "10.0.1.5", "collector.internal"]) {
                const r = receiverTls(collector({ endpoint: `${host}:4317` }));
                assert.equal(r.length, 1, host);
                assert.match(r[0], /^value \(collector config\): receivers\.otlp\.protocols\.grpc listens on .* without TLS \(no tls\.cert_file\): bind it to 127\.0\.0\.1/);
            }
            const tls = { cert_file: "/tls/server.crt", key_file: "/tls/server.key" };
            assert.deepEqual(receiverTls(collector({ endpoint: "0.0.0.0:4317", tls })), []);
            assert.match(receiverTls(collector({ endpoint: "0.0.0.0:4317", tls: { ...tls, min_version: "1.1" } }))[0], /min_version "1\.1" allows TLS older than 1\.2/);
            // Unquoted in YAML, 1.0 is a number.
            assert.equal(receiverTls("receivers:\n  otlp:\n    protocols:\n      grpc:\n        endpoint: 0.0.0.0:4317\n        tls: { cert_file: /c, key_file: /k, min_version: 1.0 }\n").length, 1);
        });

        it("judges run-time hosts only when told to, and ignores UDP protocols and scraping receivers", () => {
            assert.deepEqual(receiverTls(collector({ endpoint: "${env:MY_POD_IP}:4317" })), []);
            assert.equal(receiverTls(collector({ endpoint: "${env:MY_POD_IP}:4317" }), { judgeRuntimeHosts: true }).length, 1);
            const others = JSON.stringify({
                receivers: {
                    jaeger: { protocols: { thrift_compact: { endpoint: "0.0.0.0:6831" }, grpc: { endpoint: "0.0.0.0:14250" } } },
                    kubeletstats: { endpoint: "${env:K8S_NODE_NAME}:10250" },
                    "zipkin/x": { endpoint: "0.0.0.0:9411" },
                },
                exporters: { debug: {} },
                service: { pipelines: { traces: { receivers: ["jaeger", "zipkin/x"], exporters: ["debug"] } } },
            });
            const r = receiverTls(others);
            assert.deepEqual(r.map((m) => m.split(" listens")[0]), ["value (collector config): receivers.jaeger.protocols.grpc", "value (collector config): receivers.zipkin/x"]);
        });

        it("collector-exporter-tls does not flag a loopback receiver without TLS", () => {
            assert.deepEqual(runResource(collectorExporterTls, SSM, { value: collector({ endpoint: "127.0.0.1:14317" }) }).messages, []);
        });
    });

    describe("haproxy-bind-tls-min-version", () => {
        const cfg = (global: string, bind: string) => ["global", global, "frontend f", `    ${bind}`, "    default_backend b", "backend b", "    server s 127.0.0.1:1"].join("\n");
        const check = (text: string) => runResource(haproxyBindTlsMinVersion, "kubernetes:core/v1:ConfigMap", { data: { "haproxy.cfg": text } }).messages;
        it("requires ssl-min-ver TLSv1.2+ on the bind or in global ssl-default-bind-options", () => {
            assert.match(check(cfg("    log stdout local0", "bind :4318 ssl crt /s.pem"))[0], /^data\["haproxy\.cfg"\] \(HAProxy config\): `bind :4318 ssl crt \/s\.pem` \(frontend f, line 4\) sets no ssl-min-ver/);
            assert.deepEqual(check(cfg("    ssl-default-bind-options ssl-min-ver TLSv1.2 no-tls-tickets", "bind :4318 ssl crt /s.pem")), []);
            assert.deepEqual(check(cfg("", "bind :4318 ssl crt /s.pem ssl-min-ver TLSv1.3")), []);
            assert.deepEqual(check(cfg("", "bind :4318 ssl crt /s.pem force-tlsv12")), []);
            assert.match(check(cfg("", "bind :4318 ssl crt /s.pem ssl-min-ver TLSv1.0"))[0], /sets ssl-min-ver TLSv1\.0/);
            assert.match(check(cfg("    ssl-default-bind-options ssl-min-ver TLSv1.2", "bind :4318 ssl crt /s.pem ssl-max-ver TLSv1.1"))[0], /caps the version at TLSv1\.1/);
            assert.deepEqual(check(cfg("", "bind :80")), [], "plain binds are lb/receiver rules' business");
        });
    });

    describe("HAProxy parsing", () => {
        it("splits bind addresses as HAProxy does", () => {
            assert.deepEqual(parseBindAddresses(":::4318"), [{ host: "::", from: 4318, to: 4318 }]);
            assert.deepEqual(parseBindAddresses("::1:4318"), [{ host: "::1", from: 4318, to: 4318 }]);
            assert.deepEqual(parseBindAddresses("[::]:4317-4318,127.0.0.1:9"), [{ host: "::", from: 4317, to: 4318 }, { host: "127.0.0.1", from: 9, to: 9 }]);
            assert.deepEqual(parseBindAddresses("unix@/run/h.sock"), []);
            assert.deepEqual(parseBindAddresses("/run/h.sock"), []);
            assert.deepEqual(parseBindAddresses("*:443"), [{ host: "", from: 443, to: 443 }]);
            assert.deepEqual(splitHostPort("[::1]:4317"), { host: "::1", port: 4317 });
            assert.equal(hostScope("::ffff:127.0.0.1"), "loopback");
            assert.equal(hostScope("0:0:0:0:0:0:0:0"), "any");
        });

        it("agrees with the real haproxy 2.6 on what a config means (continuation lines, ca-file, bind forms)", function () {
            this.timeout(30000);
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "haproxy-policy-"));
            try {
                execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", path.join(dir, "k.pem"),
                    "-out", path.join(dir, "c.pem"), "-days", "1", "-subj", "/CN=policy-test"], { stdio: "ignore" });
                fs.writeFileSync(path.join(dir, "s.pem"), fs.readFileSync(path.join(dir, "c.pem"), "utf8") + fs.readFileSync(path.join(dir, "k.pem"), "utf8"));
                const head = ["global", "    ssl-default-bind-options ssl-min-ver TLSv1.2", "defaults", "    mode tcp", "    timeout connect 5s", "    timeout client 5s", "    timeout server 5s", "frontend f"];
                const tail = ["    default_backend b", "backend b", "    server s 127.0.0.1:9999"];
                const haproxyCheck = (binds: string[]) => {
                    const text = [...head, ...binds.map((b) => `    ${b}`), ...tail].join("\n").replace(/DIR/g, dir);
                    const file = path.join(dir, "h.cfg");
                    fs.writeFileSync(file, `${text}\n`);
                    const r = spawnSync("haproxy", ["-c", "-f", file], { encoding: "utf8" });
                    return { valid: r.status === 0, out: `${r.stdout}${r.stderr}`, parsed: parseHaproxyConfig(text) };
                };
                const good = haproxyCheck([
                    "bind [::]:4318 ssl crt DIR/s.pem ca-file DIR/c.pem verify required # tenant CA",
                    "bind :::4319,127.0.0.1:4320-4321 ssl crt DIR/s.pem ca-file \"DIR/c.pem\" verify required",
                    "bind *:4323 ssl crt DIR/s.pem ca-verify-file DIR/c.pem verify required",
                ]);
                assert.ok(good.valid, `haproxy accepts the forms the parser reads as verified binds: ${good.out}`);
                assert.deepEqual(good.parsed.binds.map((b) => [b.addresses.map((a) => `${a.host}|${a.from}-${a.to}`).join(","), bindClientCertGap(b) ?? "ok"]),
                    [["::|4318-4318", "ok"], ["::|4319-4319,127.0.0.1|4320-4321", "ok"], ["|4323-4323", "ok"]]);
                // No line continuation in 2.6: haproxy refuses the file, and the parser does not join the lines either.
                const continued = haproxyCheck(["bind :4318 ssl crt DIR/s.pem \\", "     ca-file DIR/c.pem verify required"]);
                assert.equal(continued.valid, false);
                assert.match(bindClientCertGap(continued.parsed.binds[0]) ?? "", /verify none/);
                // verify required without a CA file is refused by haproxy; the parser calls it a gap.
                const noCa = haproxyCheck(["bind :4318 ssl crt DIR/s.pem verify required"]);
                assert.equal(noCa.valid, false);
                assert.match(bindClientCertGap(noCa.parsed.binds[0]) ?? "", /no `ca-file`/);
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        });
    });
});
