import { strict as assert } from "assert";
import {
    albDropInvalidHeaders,
    collectorExporterTls,
    collectorReceiverTls,
    grafanaDataSourceTls,
    haproxyBindTlsMinVersion,
    lbListenerTls,
    lbListenerTlsPolicy,
    lbTargetGroupTls,
    s3BucketPolicySecureTransport,
} from "../../../policy/rules/tls";
import { runResource } from "../helpers";

const LISTENER = "aws:lb/listener:Listener";
const SSM = "aws:ssm/parameter:Parameter";

function collector(grpc: Record<string, unknown> | null, http?: Record<string, unknown>): string {
    return JSON.stringify({
        receivers: { otlp: { protocols: { grpc, ...(http ? { http } : {}) } } },
        exporters: { otlp: { endpoint: "hub.internal:4317" } },
        service: { pipelines: { metrics: { receivers: ["otlp"], exporters: ["otlp"] } } },
    });
}
const receiverTls = (text: string, config?: Record<string, unknown>) => runResource(collectorReceiverTls, SSM, { type: "String", value: text }, { config }).messages;

describe("policy/rules/tls", () => {
    describe("lb-listener-tls", () => {
        it("rejects an HTTP listener that forwards", () => {
            const r = runResource(lbListenerTls, LISTENER, { protocol: "HTTP", port: 80, defaultActions: [{ type: "forward", targetGroupArn: "arn:tg" }] });
            assert.equal(r.messages.length, 1);
            assert.match(r.messages[0], /HTTP listener serves plain text/);
        });
        it("accepts HTTP only as a redirect to HTTPS", () => {
            const redirect = { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } };
            assert.deepEqual(runResource(lbListenerTls, LISTENER, { protocol: "HTTP", defaultActions: [redirect] }).messages, []);
            const toHttp = { type: "redirect", redirect: { protocol: "HTTP", port: "8080", statusCode: "HTTP_301" } };
            assert.equal(runResource(lbListenerTls, LISTENER, { protocol: "HTTP", defaultActions: [toHttp] }).messages.length, 1);
        });
        it("treats a missing protocol as HTTP", () => {
            assert.equal(runResource(lbListenerTls, LISTENER, { defaultActions: [{ type: "forward" }] }).messages.length, 1);
        });
        it("accepts HTTPS and TLS listeners, also through the alb module's type", () => {
            assert.deepEqual(runResource(lbListenerTls, LISTENER, { protocol: "TLS" }).messages, []);
            assert.deepEqual(runResource(lbListenerTls, "aws:alb/listener:Listener", { protocol: "HTTPS" }).messages, []);
            assert.equal(runResource(lbListenerTls, "aws:alb/listener:Listener", { protocol: "HTTP" }).messages.length, 1);
        });
        it("allows TCP only with the TLS pass-through tag (key and value configurable)", () => {
            assert.match(runResource(lbListenerTls, LISTENER, { protocol: "TCP" }).messages[0], /TlsTermination=target/);
            assert.deepEqual(runResource(lbListenerTls, LISTENER, { protocol: "TCP", tags: { TlsTermination: "target" } }).messages, []);
            assert.equal(runResource(lbListenerTls, LISTENER, { protocol: "TCP", tags: { TlsTermination: "lb" } }).messages.length, 1);
            const cfg = { tlsTerminationTagKey: "Passthrough", tlsTerminationTagValue: "yes" };
            assert.deepEqual(runResource(lbListenerTls, LISTENER, { protocol: "TCP", tags: { Passthrough: "yes" } }, { config: cfg }).messages, []);
        });
        it("is not applicable to other resource types", () => {
            assert.notEqual(runResource(lbListenerTls, "aws:lb/targetGroup:TargetGroup", { protocol: "HTTP" }).notApplicable, undefined);
        });
        it("honours exemptNames", () => {
            const r = runResource(lbListenerTls, LISTENER, { protocol: "HTTP" }, { name: "legacy-http", config: { exemptNames: ["legacy-*"] } });
            assert.deepEqual(r.messages, []);
        });
    });

    describe("lb-listener-tls-policy", () => {
        it("rejects a missing or outdated sslPolicy on TLS listeners", () => {
            assert.match(runResource(lbListenerTlsPolicy, LISTENER, { protocol: "HTTPS" }).messages[0], /No sslPolicy/);
            assert.match(runResource(lbListenerTlsPolicy, LISTENER, { protocol: "TLS", sslPolicy: "ELBSecurityPolicy-2016-08" }).messages[0],
                /ELBSecurityPolicy-2016-08 is not in the allow-list/);
            assert.equal(runResource(lbListenerTlsPolicy, LISTENER, { protocol: "TLS", sslPolicy: "ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06" }).messages.length, 1);
        });
        it("accepts the default policy and ignores non-TLS listeners", () => {
            assert.deepEqual(runResource(lbListenerTlsPolicy, LISTENER, { protocol: "HTTPS", sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06" }).messages, []);
            assert.deepEqual(runResource(lbListenerTlsPolicy, LISTENER, { protocol: "HTTP" }).messages, []);
        });
        it("uses the configured allow-list", () => {
            const cfg = { allowedSslPolicies: ["ELBSecurityPolicy-TLS13-1-3-2021-06"] };
            assert.equal(runResource(lbListenerTlsPolicy, LISTENER, { protocol: "TLS", sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06" }, { config: cfg }).messages.length, 1);
        });
    });

    describe("lb-target-group-tls", () => {
        it("rejects plain HTTP target groups and accepts HTTPS/TLS/lambda", () => {
            assert.match(runResource(lbTargetGroupTls, "aws:lb/targetGroup:TargetGroup", { protocol: "HTTP", port: 80 }).messages[0], /plain text/);
            assert.deepEqual(runResource(lbTargetGroupTls, "aws:lb/targetGroup:TargetGroup", { protocol: "HTTPS", port: 443 }).messages, []);
            assert.deepEqual(runResource(lbTargetGroupTls, "aws:alb/targetGroup:TargetGroup", { protocol: "TLS", port: 443 }).messages, []);
            assert.deepEqual(runResource(lbTargetGroupTls, "aws:lb/targetGroup:TargetGroup", { targetType: "lambda" }).messages, []);
        });
    });

    describe("alb-drop-invalid-headers", () => {
        it("requires dropInvalidHeaderFields on application load balancers (the default type)", () => {
            assert.equal(runResource(albDropInvalidHeaders, "aws:lb/loadBalancer:LoadBalancer", { internal: true }).messages.length, 1);
            assert.deepEqual(runResource(albDropInvalidHeaders, "aws:lb/loadBalancer:LoadBalancer", { dropInvalidHeaderFields: true }).messages, []);
        });
        it("does not apply the header setting to network load balancers", () => {
            assert.deepEqual(runResource(albDropInvalidHeaders, "aws:lb/loadBalancer:LoadBalancer", { loadBalancerType: "network" }).messages, []);
        });
    });

    describe("s3-bucket-policy-secure-transport", () => {
        const deny = { Effect: "Deny", Principal: "*", Action: "s3:*", Resource: ["arn:aws:s3:::b", "arn:aws:s3:::b/*"], Condition: { Bool: { "aws:SecureTransport": "false" } } };
        const allow = { Sid: "Logs", Effect: "Allow", Principal: { Service: "logging.s3.amazonaws.com" }, Action: "s3:PutObject", Resource: "arn:aws:s3:::b/*" };
        it("rejects a policy without the SecureTransport deny and names the exposed statements", () => {
            const r = runResource(s3BucketPolicySecureTransport, "aws:s3/bucketPolicy:BucketPolicy", { bucket: "b", policy: JSON.stringify({ Statement: [allow] }) });
            assert.match(r.messages[0], /statement 0 \(Sid "Logs"\) can then be used over plain HTTP/);
        });
        it("accepts the deny as a JSON string or an object", () => {
            assert.deepEqual(runResource(s3BucketPolicySecureTransport, "aws:s3/bucketPolicy:BucketPolicy", { policy: JSON.stringify({ Statement: [allow, deny] }) }).messages, []);
            assert.deepEqual(runResource(s3BucketPolicySecureTransport, "aws:s3/bucketPolicy:BucketPolicy", { policy: { Statement: deny } }).messages, []);
        });
        it("does not accept a deny limited to one principal", () => {
            const narrow = { ...deny, Principal: { AWS: "arn:aws:iam::111111111111:root" } };
            assert.equal(runResource(s3BucketPolicySecureTransport, "aws:s3/bucketPolicy:BucketPolicy", { policy: { Statement: [narrow] } }).messages.length, 1);
        });
        it("reports an unreadable policy", () => {
            assert.match(runResource(s3BucketPolicySecureTransport, "aws:s3/bucketPolicy:BucketPolicy", { policy: "{not json" }).messages[0], /not valid JSON/);
        });
    });

    describe("grafana-datasource-tls", () => {
        const DS = "grafana:oss/dataSource:DataSource";
        it("rejects http urls and tlsSkipVerify", () => {
            const r = runResource(grafanaDataSourceTls, DS, { type: "prometheus", url: "http://amp.internal:9090", jsonDataEncoded: JSON.stringify({ tlsSkipVerify: true }) });
            assert.equal(r.messages.length, 2);
            assert.match(r.messages[0], /plain http/);
            assert.match(r.messages[1], /tlsSkipVerify/);
        });
        it("accepts https with verification, and loopback http by default", () => {
            assert.deepEqual(runResource(grafanaDataSourceTls, DS, { url: "https://aps-workspaces.us-east-1.amazonaws.com/workspaces/ws-1", jsonDataEncoded: JSON.stringify({ sigV4Auth: true }) }).messages, []);
            assert.deepEqual(runResource(grafanaDataSourceTls, DS, { url: "http://localhost:3000" }).messages, []);
            assert.equal(runResource(grafanaDataSourceTls, DS, { url: "http://localhost:3000" }, { config: { allowLoopbackHttp: false } }).messages.length, 1);
        });
    });

    describe("collector-exporter-tls", () => {
        const insecureYaml = [
            "receivers:", "  otlp:", "    protocols:", "      grpc:", "        endpoint: 0.0.0.0:4317",
            "exporters:", "  otlphttp/hub:", "    endpoint: http://hub.monitoring.internal:4318",
            "  otlp/backup:", "    endpoint: backup.internal:4317", "    tls:", "      insecure: true",
            "  prometheusremotewrite:", "    endpoint: https://aps-workspaces.us-east-1.amazonaws.com/workspaces/ws-1/api/v1/remote_write",
            "    tls:", "      insecure_skip_verify: true",
            "service:", "  pipelines:", "    metrics:", "      receivers: [otlp]", "      exporters: [otlphttp/hub]",
        ].join("\n");
        it("finds http endpoints, insecure and insecure_skip_verify in collector YAML in an SSM parameter", () => {
            const r = runResource(collectorExporterTls, "aws:ssm/parameter:Parameter", { type: "String", value: insecureYaml });
            assert.deepEqual(r.messages, [
                "value (collector config): exporters.otlphttp/hub.endpoint: plain-text endpoint http://hub.monitoring.internal:4318.",
                "value (collector config): exporters.otlp/backup.tls.insecure: insecure is true (TLS disabled or not verified).",
                "value (collector config): exporters.prometheusremotewrite.tls.insecure_skip_verify: insecure_skip_verify is true (TLS disabled or not verified).",
            ]);
        });
        it("scans every ConfigMap data entry and ignores receivers' listen addresses", () => {
            const safe = insecureYaml.replace("http://hub", "https://hub").replace("insecure: true", "ca_file: /etc/ca.pem").replace("insecure_skip_verify: true", "min_version: \"1.2\"");
            const r = runResource(collectorExporterTls, "kubernetes:core/v1:ConfigMap", { data: { "collector.yaml": safe, "other.yaml": insecureYaml } });
            assert.equal(r.messages.length, 3);
            assert.ok(r.messages.every((m) => m.startsWith("data[\"other.yaml\"]")));
        });
        it("scans CloudWatch agent JSON", () => {
            const agent = JSON.stringify({ agent: { region: "us-east-1" }, traces: { insecure: true, endpoint_override: "http://xray.internal:2000" } });
            const r = runResource(collectorExporterTls, "aws:ssm/parameter:Parameter", { type: "String", value: agent });
            assert.deepEqual(r.messages, [
                "value (cloudwatch-agent config): traces.insecure: insecure is true (TLS disabled or not verified).",
                "value (cloudwatch-agent config): traces.endpoint_override: plain-text endpoint http://xray.internal:2000.",
            ]);
        });
        it("scans insecureValue, where non-secret parameters keep rendered configs", () => {
            const r = runResource(collectorExporterTls, "aws:ssm/parameter:Parameter", { type: "String", insecureValue: insecureYaml });
            assert.deepEqual(r.messages.map((m) => m.split(":")[0]), ["insecureValue (collector config)", "insecureValue (collector config)", "insecureValue (collector config)"]);
        });
        it("ignores parameters that are not agent configuration", () => {
            assert.deepEqual(runResource(collectorExporterTls, "aws:ssm/parameter:Parameter", { type: "String", value: "http://example.com" }).messages, []);
        });
    });
});

describe("policy/rules/tls receivers and HAProxy", () => {
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
});
