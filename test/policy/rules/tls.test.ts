import { strict as assert } from "assert";
import {
    albDropInvalidHeaders,
    collectorExporterTls,
    grafanaDataSourceTls,
    lbListenerTls,
    lbListenerTlsPolicy,
    lbTargetGroupTls,
    s3BucketPolicySecureTransport,
} from "../../../policy/rules/tls";
import { runResource } from "../helpers";

const LISTENER = "aws:lb/listener:Listener";

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
