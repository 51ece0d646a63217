import { strict as assert } from "assert";
import { collectorTenantLabelsFromIdentity, hubIngressClientIdentity } from "../../../policy/rules/identity";
import { runResource, runStack, StackEntry } from "../helpers";

const ACCT = "111111111111";
const lbArn = (name: string, kind = "net") => `arn:aws:elasticloadbalancing:us-east-1:${ACCT}:loadbalancer/${kind}/${name}/0123456789abcdef`;
const tgArn = (name: string) => `arn:aws:elasticloadbalancing:us-east-1:${ACCT}:targetgroup/${name}/0123456789abcdef`;
const ssmArn = (name: string) => `arn:aws:ssm:us-east-1:${ACCT}:parameter${name}`;

const LB = "aws:lb/loadBalancer:LoadBalancer";
const LISTENER = "aws:lb/listener:Listener";
const TG = "aws:lb/targetGroup:TargetGroup";
const EPS = "aws:ec2/vpcEndpointService:VpcEndpointService";
const SSM = "aws:ssm/parameter:Parameter";

const nlb = (name = "hub-nlb", extra: Record<string, unknown> = {}): StackEntry => ({ type: LB, name, inputs: { internal: true, loadBalancerType: "network", ...extra } });
const eps = (lbs: string[], key = "networkLoadBalancerArns"): StackEntry => ({ type: EPS, name: "hub-ingest", inputs: { acceptanceRequired: true, [key]: lbs } });
const tg = (name: string, port: number, protocol = "TCP"): StackEntry => ({ type: TG, name, inputs: { port, protocol, targetType: "ip", vpcId: "vpc-1" } });
const listener = (name: string, port: number, protocol: string, extra: Record<string, unknown> = {}, lb = "hub-nlb"): StackEntry => ({
    type: LISTENER, name,
    inputs: { loadBalancerArn: lbArn(lb), port, protocol, defaultActions: [{ type: "forward", targetGroupArn: tgArn(`tg-${port}`) }], tags: { TlsTermination: "target" }, ...extra },
});
const param = (name: string, text: string): StackEntry => ({ type: SSM, name, inputs: { name: `/oss-monitoring/hub/${name}`, type: "String", insecureValue: text } });

/** HAProxy config the identity design renders (HAProxy 2.6 syntax; binds on every address, tenant CA only). */
function haproxy(binds: string[], global = "    ssl-default-bind-options ssl-min-ver TLSv1.2"): string {
    return [
        "global", global, "defaults", "    mode http", "    timeout client 60s", "    timeout server 60s", "    timeout connect 5s",
        "frontend otlp", ...binds.map((b) => `    ${b}`),
        "    http-request del-header x-tenant-account",
        "    http-request set-header x-tenant-account %[ssl_c_s_dn(CN),map(/run/identity/tenant-account.map)]",
        "    default_backend collector",
        "backend collector", "    server c 127.0.0.1:14318",
    ].join("\n");
}
const mtlsBind = (addr: string) => `bind ${addr} ssl crt /run/identity/server.pem ca-file /run/identity/tenant-ca.pem verify required`;

/** Collector behind the proxy: loopback receivers without TLS (the sidecar pattern). */
const LOOPBACK_COLLECTOR = [
    "receivers:", "  otlp:", "    protocols:", "      grpc:", "        endpoint: 127.0.0.1:14317", "        include_metadata: true",
    "      http:", "        endpoint: 127.0.0.1:14318", "        include_metadata: true",
    "exporters:", "  prometheusremotewrite:", "    endpoint: https://aps-workspaces.us-east-1.amazonaws.com/workspaces/ws-1/api/v1/remote_write",
    "service:", "  pipelines:", "    metrics:", "      receivers: [otlp]", "      exporters: [prometheusremotewrite]",
].join("\n");

/** The design (identity-design.md): NLB TCP pass-through to ECS tasks whose HAProxy config (SSM) requires client certificates. */
function designStack(haproxyText = haproxy([mtlsBind(":4317") + " alpn h2", mtlsBind(":4318"), "bind :13133 ssl crt /run/identity/server.pem"])): StackEntry[] {
    return [
        nlb(), eps([lbArn("hub-nlb")]), tg("tg-4317", 4317), tg("tg-4318", 4318),
        listener("otlp-grpc", 4317, "TCP"), listener("otlp-http", 4318, "TCP"),
        {
            type: "aws:ecs/service:Service", name: "hub-collector",
            inputs: {
                taskDefinition: `arn:aws:ecs:us-east-1:${ACCT}:task-definition/hub-collector:7`,
                loadBalancers: [
                    { containerName: "tenant-proxy", containerPort: 4317, targetGroupArn: tgArn("tg-4317") },
                    { containerName: "tenant-proxy", containerPort: 4318, targetGroupArn: tgArn("tg-4318") },
                ],
            },
        },
        {
            type: "aws:ecs/taskDefinition:TaskDefinition", name: "hub-collector-task",
            inputs: {
                family: "hub-collector",
                containerDefinitions: JSON.stringify([
                    { name: "init", secrets: [{ name: "HAPROXY_CFG", valueFrom: ssmArn("/oss-monitoring/hub/haproxy") }] },
                    { name: "tenant-proxy", portMappings: [{ containerPort: 4317 }, { containerPort: 4318 }] },
                    { name: "adot", secrets: [{ name: "AOT_CONFIG_CONTENT", valueFrom: ssmArn("/oss-monitoring/hub/collector") }] },
                ]),
            },
        },
        param("haproxy", haproxyText),
        param("collector", LOOPBACK_COLLECTOR),
    ];
}

const messagesOf = (entries: StackEntry[], config?: Record<string, unknown>) => runStack(hubIngressClientIdentity, entries, { config }).messages;

describe("policy/rules/identity", () => {
    describe("hub-ingress-client-identity", () => {
        it("passes the design: NLB TCP pass-through to ECS tasks whose HAProxy (config in SSM) requires client certificates", () => {
            assert.deepEqual(messagesOf(designStack()), []);
        });

        it("passes an NLB TLS listener with mutual TLS verify and a trust store, and fails it when that is not accepted", () => {
            const mtls = { mutualAuthentication: { mode: "verify", trustStoreArn: `arn:aws:elasticloadbalancing:us-east-1:${ACCT}:truststore/tenants/1` } };
            const stack = [nlb(), eps([lbArn("hub-nlb")]), tg("tg-4317", 4317, "TLS"), listener("otlp", 4317, "TLS", mtls)];
            assert.deepEqual(messagesOf(stack), []);
            const r = messagesOf(stack, { acceptLoadBalancerMtls: false });
            assert.equal(r.length, 1);
            assert.match(r[0], /acceptLoadBalancerMtls false/);
        });

        it("fails a TLS listener that terminates at the load balancer without verify, naming the listener, the field and the fix", () => {
            const r = messagesOf([nlb(), eps([lbArn("hub-nlb")]), tg("tg-4317", 4317, "TLS"), listener("otlp-tls", 4317, "TLS")]);
            assert.equal(r.length, 1);
            assert.match(r[0], /^Listener otlp-tls \(port 4317, TLS\) of load balancer hub-nlb, published through endpoint service hub-ingest, terminates TLS/);
            assert.match(r[0], /mutualAuthentication\.mode is not set \(off\)/);
            assert.match(r[0], /Fix: set mutualAuthentication \{ mode: "verify", trustStoreArn \}/);
        });

        it("fails mutual TLS that admits unverified or expired certificates (passthrough, verify without trust store, ignoreClientCertificateExpiry)", () => {
            const base = [nlb("hub-alb", { loadBalancerType: "application" }), tg("tg-4318", 4318, "HTTPS")];
            const https = (ma: Record<string, unknown>) => messagesOf([...base, listener("otlp", 4318, "HTTPS", { mutualAuthentication: ma }, "hub-alb")]);
            assert.match(https({ mode: "passthrough" })[0], /mode is passthrough/);
            assert.match(https({ mode: "off" })[0], /mode is off/);
            assert.match(https({ mode: "verify" })[0], /without a trustStoreArn/);
            assert.match(https({ mode: "verify", trustStoreArn: "arn:ts", ignoreClientCertificateExpiry: true })[0], /expired client certificates are admitted/);
            assert.deepEqual(https({ mode: "verify", trustStoreArn: "arn:ts" }), []);
            assert.deepEqual(https({ mode: "VERIFY", trustStoreArn: "arn:ts" }), []);
            // A preview does not know the trust store's ARN yet; the listener's dependency on it shows it is set.
            const preview = [...base, { type: "aws:lb/trustStore:TrustStore", name: "tenants", inputs: {} },
                { ...listener("otlp", 4318, "HTTPS", { mutualAuthentication: { mode: "verify", trustStoreArn: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" } }, "hub-alb"),
                    propertyDependencies: { mutualAuthentication: ["tenants"] } }];
            assert.deepEqual(messagesOf(preview), []);
        });

        it("fails a TCP pass-through whose terminator cannot be found in the plan", () => {
            const r = messagesOf([nlb(), eps([lbArn("hub-nlb")]), tg("tg-4317", 4317), listener("otlp", 4317, "TCP")]);
            assert.equal(r.length, 1);
            assert.match(r[0], /passes TCP through, but target group tg-4317 on port 4317: no terminator listening on port 4317 was found in the plan/);
        });

        it("fails terminators that do not require a verified client certificate", () => {
            const withBind = (bind: string) => messagesOf(designStack(haproxy([bind.replace("PORT", "4317"), bind.replace("PORT", "4318")])));
            assert.match(withBind("bind :PORT ssl crt /s.pem ca-file /ca.pem verify optional")[0], /does not require a client certificate \(verify optional\)/);
            assert.match(withBind("bind :PORT ssl crt /s.pem ca-file /ca.pem verify none")[0], /verify none/);
            assert.match(withBind("bind :PORT ssl crt /s.pem ca-file /ca.pem")[0], /verify none \(the default\)/);
            assert.match(withBind("bind :PORT ssl crt /s.pem verify required")[0], /has no `ca-file`/);
            assert.match(withBind("bind :PORT ssl crt /s.pem ca-file /ca.pem verify required crt-ignore-err all")[0], /admits certificates that fail verification \(crt-ignore-err all\)/);
            assert.match(withBind("bind :PORT ssl crt /s.pem ca-file /ca.pem verify required ca-ignore-err all")[0], /ca-ignore-err all/);
            assert.match(withBind("bind :PORT")[0], /does not terminate TLS/);
            assert.equal(withBind("bind :PORT ssl crt /s.pem ca-file /ca.pem verify required").length, 0);
            // ca-verify-file verifies clients without advertising the CA names (HAProxy 2.6 bind option).
            assert.equal(withBind("bind :PORT ssl crt /s.pem ca-verify-file /ca.pem verify required").length, 0);
        });

        it("fails a pass-through whose HAProxy binds another port, or only loopback", () => {
            const other = messagesOf(designStack(haproxy([mtlsBind(":4417"), mtlsBind(":4418")])));
            assert.equal(other.length, 2);
            // A verifying bind on the right port in some other resource is not the linked task's terminator.
            const decoy: StackEntry = { type: "kubernetes:core/v1:ConfigMap", name: "decoy", inputs: { data: { "haproxy.cfg": haproxy([mtlsBind(":4317"), mtlsBind(":4318")]) } } };
            assert.equal(messagesOf([...designStack(haproxy([mtlsBind(":4417"), mtlsBind(":4418")])), decoy]).length, 2);
            assert.match(other[0], /no terminator listening on port 4317 .*found only `bind :4417/);
            const loopback = messagesOf(designStack(haproxy([mtlsBind("127.0.0.1:4317"), mtlsBind("[::1]:4318")])));
            assert.equal(loopback.length, 2);
        });

        it("reads every bind address form, several binds, port ranges and address lists", () => {
            for (const [a, b] of [[":4317", ":4318"], ["*:4317", "*:4318"], ["0.0.0.0:4317", "0.0.0.0:4318"], ["[::]:4317", ":::4318"],
                ["ipv4@:4317", "ipv6@:::4318"], ["10.0.1.5:4317", "10.0.1.5:4318"]]) {
                assert.deepEqual(messagesOf(designStack(haproxy([mtlsBind(a), mtlsBind(b)]))), [], `${a} ${b}`);
            }
            assert.deepEqual(messagesOf(designStack(haproxy([mtlsBind(":4317-4318")]))), []);
            assert.deepEqual(messagesOf(designStack(haproxy([mtlsBind(":4317,:4318")]))), []);
            // One weak bind on the port is enough to admit clients without a certificate.
            const mixed = messagesOf(designStack(haproxy([mtlsBind(":4317"), mtlsBind(":4318"), "bind 10.0.0.9:4318 ssl crt /s.pem"])));
            assert.equal(mixed.length, 1);
            assert.match(mixed[0], /otlp-http/);
        });

        it("parses comments, quotes, sections and (absent) line continuations as HAProxy 2.6 does", () => {
            const commented = haproxy(["# " + mtlsBind(":4317"), mtlsBind(":4318") + " # tenant CA only"]);
            const r = messagesOf(designStack(commented));
            assert.equal(r.length, 1, "a commented-out bind listens on nothing");
            assert.match(r[0], /otlp-grpc/);
            const quoted = haproxy([`bind ":4317" ssl crt "/run/identity/server.pem" ca-file '/run/identity/tenant-ca.pem' verify "required"`, mtlsBind(":4318")]);
            assert.deepEqual(messagesOf(designStack(quoted)), []);
            // HAProxy 2.6 has no `\` line continuation: the options on the next line are not part of the bind (haproxy -c rejects it).
            const continued = haproxy(["bind :4317 ssl crt /run/identity/server.pem \\", "     ca-file /run/identity/tenant-ca.pem verify required", mtlsBind(":4318")]);
            assert.match(messagesOf(designStack(continued))[0], /otlp-grpc .*verify none/);
            // A bind in a peers section is peer synchronisation, and a disabled frontend listens on nothing.
            const peers = ["peers mesh", "    " + mtlsBind(":4317"), "frontend f2", "    disabled", "    " + mtlsBind(":4318")].join("\n");
            assert.equal(messagesOf(designStack(peers)).length, 2);
        });

        it("judges only the task's own configuration when the plan links it, else the whole stack", () => {
            // The task's collector listens on 4317/4318 without client certificates; an unrelated ConfigMap's HAProxy does not help it.
            const plainCollector = LOOPBACK_COLLECTOR.replace(/127\.0\.0\.1:1431/g, "0.0.0.0:431");
            const decoy: StackEntry = { type: "kubernetes:core/v1:ConfigMap", name: "decoy", inputs: { data: { "haproxy.cfg": haproxy([mtlsBind(":4317"), mtlsBind(":4318")]) } } };
            const stack = designStack(haproxy(["bind 127.0.0.1:9999"])).map((e) => (e.name === "collector" ? param("collector", plainCollector) : e));
            const r = messagesOf([...stack, decoy]);
            assert.equal(r.length, 2);
            assert.match(r[0], /ECS service hub-collector on port 4317: collector receivers\.otlp\.protocols\.grpc \(0\.0\.0\.0:4317\) in collector insecureValue has no server TLS/);
            // Without an ECS link, every terminator of the stack on the port counts, and each must require certificates.
            const unlinked = [nlb(), eps([lbArn("hub-nlb")]), tg("tg-4317", 4317), listener("otlp-grpc", 4317, "TCP"), decoy];
            assert.deepEqual(messagesOf(unlinked), []);
            assert.equal(messagesOf([...unlinked, param("plain", plainCollector)]).length, 1);
        });

        it("finds an HAProxy configuration written inline by a container command", () => {
            const script = (text: string) => `cat > /run/haproxy.cfg <<'EOF'\n${text}\nEOF\nexec haproxy -f /run/haproxy.cfg`;
            const inline = (text: string) => designStack(haproxy(["bind 127.0.0.1:1"])).map((e) => e.type !== "aws:ecs/taskDefinition:TaskDefinition" ? e : {
                ...e, inputs: { ...e.inputs, containerDefinitions: JSON.stringify([{ name: "tenant-proxy", command: ["sh", "-c", script(text)] }]) },
            });
            assert.deepEqual(messagesOf(inline(haproxy([mtlsBind(":4317"), mtlsBind(":4318")]))), []);
            const r = messagesOf(inline(haproxy([mtlsBind(":4317"), "bind :4318 ssl crt /s.pem ca-file /ca.pem verify optional"])));
            assert.equal(r.length, 1);
            assert.match(r[0], /in hub-collector-task container "tenant-proxy" command\[2\] does not require a client certificate \(verify optional\)/);
        });

        it("finds an HAProxy configuration inside a JSON document of files", () => {
            const files = JSON.stringify({ "haproxy.cfg": haproxy([mtlsBind(":4317"), mtlsBind(":4318")]), "tenant-account.map": "t111 111111111111" });
            assert.deepEqual(messagesOf(designStack().map((e) => (e.name === "haproxy" ? param("haproxy", files) : e))), []);
        });

        it("recognises a collector receiver that requires client certificates as the terminator", () => {
            const mtlsCollector = [
                "receivers:", "  otlp/mtls:", "    protocols:", "      http:", "        endpoint: 0.0.0.0:4319",
                "        tls: { cert_file: /tls/server.crt, key_file: /tls/server.key, client_ca_file: /tls/tenant-ca.pem }",
                "exporters:", "  debug: {}", "service:", "  pipelines:", "    metrics:", "      receivers: [otlp/mtls]", "      exporters: [debug]",
            ].join("\n");
            const stack = [nlb(), eps([lbArn("hub-nlb")]), tg("tg-4319", 4319), listener("otlp-mtls", 4319, "TCP"), param("collector", mtlsCollector)];
            assert.deepEqual(messagesOf(stack), []);
            const noCa = stack.map((e) => (e.name === "collector" ? param("collector", mtlsCollector.replace(", client_ca_file: /tls/tenant-ca.pem", "")) : e));
            assert.match(messagesOf(noCa)[0], /does not require a client certificate \(no tls\.client_ca_file\)/);
        });

        it("looks for the terminator on the target port (container port), not the listener port", () => {
            const stack = designStack(haproxy([mtlsBind(":8443"), mtlsBind(":4318")])).map((e) => {
                if (e.type !== "aws:ecs/service:Service") return e;
                const lbs = (e.inputs.loadBalancers as Record<string, unknown>[]).map((l) => (l.containerPort === 4317 ? { ...l, containerPort: 8443 } : l));
                return { ...e, inputs: { ...e.inputs, loadBalancers: lbs } };
            });
            assert.deepEqual(messagesOf(stack), []);
            const wrong = designStack(haproxy([mtlsBind(":4317"), mtlsBind(":4318")])).map((e) => (e.type === TG && e.name === "tg-4317" ? tg("tg-4317", 8443) : e));
            // The ECS container port still says 4317: the HAProxy bind on 4317 is what the target group reaches.
            assert.deepEqual(messagesOf(wrong), []);
        });

        it("covers plain HTTP, UDP and GENEVE listeners, and published listeners on any port", () => {
            const alb = nlb("hub-alb", { loadBalancerType: "application" });
            assert.match(messagesOf([alb, listener("otlp", 4318, "HTTP", {}, "hub-alb")])[0], /on an OTLP port accepts plain HTTP/);
            assert.deepEqual(messagesOf([alb, listener("otlp", 4318, "HTTP", { defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS" } }] }, "hub-alb")]), []);
            assert.match(messagesOf([nlb(), listener("otlp", 4317, "UDP")])[0], /accepts UDP/);
            assert.match(messagesOf([nlb(), listener("otlp", 4317, "TCP_UDP")])[0], /accepts UDP/);
            const gwlb = nlb("hub-gwlb", { loadBalancerType: "gateway" });
            const geneve = { type: LISTENER, name: "gw", inputs: { loadBalancerArn: lbArn("hub-gwlb", "gwy"), defaultActions: [{ type: "forward", targetGroupArn: "arn:tg" }] } };
            assert.match(messagesOf([gwlb, eps([lbArn("hub-gwlb", "gwy")], "gatewayLoadBalancerArns"), geneve])[0], /Listener gw \(port unset, GENEVE\).*published through endpoint service hub-ingest/);
            // Port 443 is not an OTLP port, but a published load balancer's every listener is an ingress path.
            assert.equal(messagesOf([nlb(), eps([lbArn("hub-nlb")]), listener("https", 443, "TLS")]).length, 1);
            assert.deepEqual(messagesOf([nlb(), listener("https", 443, "TLS")]), [], "an unpublished listener on another port is not telemetry ingress");
            assert.deepEqual(messagesOf([nlb(), listener("otlp", 4317, "TCP")], { otlpPorts: [9000] }), []);
        });

        it("follows the elasticloadbalancingv2/alb aliases, property dependencies and unknown ARNs", () => {
            const aliased = designStack().map((e) => ({ ...e, type: e.type.replace(/^aws:lb\//, "aws:elasticloadbalancingv2/") }));
            assert.deepEqual(messagesOf(aliased), []);
            const bad = [nlb(), eps([lbArn("hub-nlb")]), listener("otlp", 4317, "TLS")];
            assert.equal(messagesOf(bad.map((e) => ({ ...e, type: e.type.replace(/^aws:lb\//, "aws:alb/") }))).length, 1);
            // Unknown ARNs (a preview) linked by property dependencies: the listener on port 9000 is still published.
            const deps: StackEntry[] = [
                nlb("a"), nlb("b"),
                { type: EPS, name: "svc", inputs: { networkLoadBalancerArns: ["04da6b54-80e4-46f7-96ec-b56ff0331ba9"] }, propertyDependencies: { networkLoadBalancerArns: ["b"] } },
                { type: LISTENER, name: "on-a", inputs: { port: 9000, protocol: "TLS" }, propertyDependencies: { loadBalancerArn: ["a"] } },
                { type: LISTENER, name: "on-b", inputs: { port: 9000, protocol: "TLS" }, propertyDependencies: { loadBalancerArn: ["b"] } },
            ];
            const r = runStack(hubIngressClientIdentity, deps);
            assert.deepEqual(r.urns.map((u) => u.split("::").pop()), ["on-b"]);
        });

        it("links hand-written placeholder ARNs by equal strings", () => {
            const fake = (e: StackEntry): StackEntry => JSON.parse(JSON.stringify(e).replace(new RegExp(lbArn("hub-nlb").replace(/[/.]/g, "\\$&"), "g"), "arn:nlb")
                .replace(/arn:aws:elasticloadbalancing:[^"]*targetgroup\/tg-4317\/0123456789abcdef/g, "arn:tg-grpc")) as StackEntry;
            // Only the ECS service names the target group: the listener still reaches the task's HAProxy on its container port.
            const stack = designStack(haproxy([mtlsBind(":8443"), mtlsBind(":4318")])).filter((e) => e.name !== "tg-4317").map((e) => {
                if (e.type !== "aws:ecs/service:Service") return fake(e);
                const lbs = (e.inputs.loadBalancers as Record<string, unknown>[]).map((x) => (x.containerPort === 4317 ? { ...x, containerPort: 8443 } : x));
                return fake({ ...e, inputs: { ...e.inputs, loadBalancers: lbs } });
            });
            assert.deepEqual(messagesOf(stack), []);
            // A listener on another load balancer with a port outside otlpPorts is not published by the service naming arn:nlb.
            const alb = [nlb("a"), nlb("b"), { ...eps(["arn:nlb"]) }, { ...listener("web", 443, "HTTPS", { loadBalancerArn: "arn:alb" }), name: "web" }];
            assert.deepEqual(messagesOf(alb), []);
            assert.equal(messagesOf([nlb("a"), nlb("b"), eps(["arn:nlb"]), listener("web", 443, "HTTPS", { loadBalancerArn: "arn:nlb" })]).length, 1);
        });

        it("covers classic ELB listeners on OTLP ports", () => {
            const elb = (proto: string): StackEntry => ({ type: "aws:elb/loadBalancer:LoadBalancer", name: "legacy", inputs: { internal: true, listeners: [{ lbPort: 4317, lbProtocol: proto, instancePort: 4317, instanceProtocol: proto }] } });
            assert.match(messagesOf([elb("SSL")])[0], /Classic load balancer legacy listeners\[0\] \(port 4317, SSL\)/);
            assert.match(messagesOf([elb("TCP")])[0], /no terminator listening on port 4317/);
            assert.deepEqual(messagesOf([elb("TCP"), param("haproxy", haproxy([mtlsBind(":4317")]))]), []);
        });
    });

    describe("collector-tenant-labels-from-identity", () => {
        const R = "aws:ssm/parameter:Parameter";
        /**
         * Every key the exporter (contrib v0.156.0, otlptranslator v1.0.0 LabelNamer) turns into account, site
         * or source_role: a run of runes outside ASCII [0-9A-Za-z] collapses to one `_` (strconv.go:52-76).
         */
        const IDENTITY_PATTERN = "^(?:account|site|source[^0-9A-Za-z]+role)$";
        interface Opts { identity?: string[]; dr?: string[]; grpcMeta?: boolean; httpMeta?: boolean; batch?: Record<string, unknown>; extraProcessors?: Record<string, unknown> }
        /** The hub collector of the design, with knobs for the near misses. */
        function hubConfig(o: Opts = {}): Record<string, unknown> {
            const identity = o.identity ?? ["resource/source-labels", "resource/identity", "attributes/identity", "batch"];
            return {
                receivers: {
                    otlp: { protocols: { grpc: { endpoint: "127.0.0.1:14317", include_metadata: o.grpcMeta ?? true }, http: { endpoint: "127.0.0.1:14318", include_metadata: o.httpMeta ?? true } } },
                    "prometheus/self": { config: { scrape_configs: [{ job_name: "self", static_configs: [{ targets: ["127.0.0.1:8888"] }] }] } },
                },
                processors: {
                    "resource/source-labels": { attributes: [{ key: "account", from_attribute: "cloud.account.id", action: "insert" }, { key: "site", from_attribute: "site", action: "insert" }] },
                    "resource/identity": {
                        attributes: [
                            { pattern: IDENTITY_PATTERN, action: "delete" },
                            { key: "account", from_context: "metadata.x-tenant-account", action: "upsert" },
                            { key: "site", from_context: "metadata.x-tenant-site", action: "upsert" },
                            { key: "source_role", from_context: "metadata.x-tenant-role", action: "upsert" },
                        ],
                    },
                    "attributes/identity": { actions: [{ pattern: IDENTITY_PATTERN, action: "delete" }] },
                    batch: o.batch ?? {},
                    "resource/self": { attributes: [{ key: "account", value: ACCT, action: "upsert" }] },
                    ...(o.extraProcessors ?? {}),
                },
                exporters: {
                    "prometheusremotewrite/primary": { endpoint: "https://aps-workspaces.us-east-1.amazonaws.com/workspaces/ws-1/api/v1/remote_write" },
                    "prometheusremotewrite/dr": { endpoint: "https://aps-workspaces.us-west-2.amazonaws.com/workspaces/ws-2/api/v1/remote_write" },
                },
                service: {
                    pipelines: {
                        metrics: { receivers: ["otlp"], processors: identity, exporters: ["prometheusremotewrite/primary"] },
                        "metrics/dr": { receivers: ["otlp"], processors: o.dr ?? identity, exporters: ["prometheusremotewrite/dr"] },
                        // The collector's own telemetry is labelled with fixed values: not received from other parties.
                        "metrics/self": { receivers: ["prometheus/self"], processors: ["resource/self", "batch"], exporters: ["prometheusremotewrite/primary"] },
                    },
                },
            };
        }
        const check = (doc: Record<string, unknown>, config?: Record<string, unknown>) =>
            runResource(collectorTenantLabelsFromIdentity, R, { type: "String", insecureValue: JSON.stringify(doc) }, { config }).messages;

        it("passes the design (identity processors after the sender's labels and before batch, in every ingest pipeline)", () => {
            assert.deepEqual(check(hubConfig()), []);
        });

        it("fails a DR pipeline that lacks the identity processors while the primary has them, naming the pipeline", () => {
            const r = check(hubConfig({ dr: ["resource/source-labels", "batch"] }));
            assert.equal(r.length, 1);
            assert.match(r[0], /^insecureValue \(collector config\): pipeline metrics\/dr receives otlp and writes to prometheusremotewrite\/dr, but no resource processor sets label "account" from_context/);
            assert.match(r[0], /no attributes processor \(or transform\) deletes the data-point attribute "site"/);
        });

        it("judges the component types under their v0.156.0 names too (prometheus_remote_write, otlp_http, metrics_transform)", () => {
            /** The design with every type written under another of its names, as a config may (aliases). */
            const renamed = (doc: Record<string, any>, dr: string[] | undefined): Record<string, any> => {
                const c = JSON.parse(JSON.stringify(doc));
                c.exporters = { "prometheus_remote_write/primary": c.exporters["prometheusremotewrite/primary"], "prometheus_remote_write/dr": c.exporters["prometheusremotewrite/dr"] };
                for (const p of Object.values<any>(c.service.pipelines)) p.exporters = p.exporters.map((e: string) => e.replace("prometheusremotewrite", "prometheus_remote_write"));
                if (dr !== undefined) c.service.pipelines["metrics/dr"].processors = dr;
                return c;
            };
            assert.deepEqual(check(renamed(hubConfig(), undefined)), []);
            const r = check(renamed(hubConfig(), ["resource/source-labels", "batch"]));
            assert.equal(r.length, 1, "a pipeline writing to prometheus_remote_write is a store path like prometheusremotewrite");
            assert.match(r[0], /pipeline metrics\/dr receives otlp and writes to prometheus_remote_write\/dr, but no resource processor sets label "account"/);
            // A label renamed onto the tenant label by a metrics_transform after the delete is seen as with metricstransform.
            const mt = { "metrics_transform/late": { transforms: [{ include: ".*", match_type: "regexp", action: "update", operations: [{ action: "update_label", label: "tenant", new_label: "account" }] }] } };
            const late = check(hubConfig({ extraProcessors: mt, identity: ["resource/source-labels", "resource/identity", "attributes/identity", "metrics_transform/late", "batch"] }));
            assert.ok(late.some((m) => /metrics_transform\/late adds or renames a data-point label to it after the delete/.test(m)), late.join("\n"));
        });

        it("fails identity processors placed after a batch that drops the metadata, and passes with metadata_keys (case-insensitive)", () => {
            const after = ["resource/source-labels", "batch", "resource/identity", "attributes/identity"];
            const r = check(hubConfig({ identity: after }));
            assert.equal(r.length, 2);
            assert.match(r[0], /set from_context metadata\.x-tenant-account in resource\/identity after batch, which drops client metadata \(x-tenant-account is not in its metadata_keys\)/);
            assert.deepEqual(check(hubConfig({ identity: after, batch: { metadata_keys: ["X-Tenant-Account", "x-tenant-site", "x-tenant-role"] } })), []);
            assert.equal(check(hubConfig({ identity: after, batch: { metadata_keys: ["x-tenant-account"] } })).length, 2, "site still lost");
        });

        it("fails a sender-data setter placed after the identity processor", () => {
            const late = { "resource/late": { attributes: [{ key: "account", from_attribute: "aws.account", action: "upsert" }] } };
            const r = check(hubConfig({ identity: ["resource/identity", "attributes/identity", "resource/late", "batch"], extraProcessors: late }));
            assert.match(r[0], /label "account" is set from the client identity but resource\/late \(from_attribute aws\.account\) sets it again/);
            const group = { groupbyattrs: { keys: ["site"] } };
            assert.match(check(hubConfig({ identity: ["resource/identity", "groupbyattrs", "attributes/identity", "batch"], extraProcessors: group }))[0],
                /groupbyattrs \(groupbyattrs moves the data-point attribute onto the resource\)/);
            const transform = { transform: { metric_statements: [{ context: "resource", statements: ['set(attributes["account"], attributes["claimed"])'] }] } };
            assert.match(check(hubConfig({ identity: ["resource/identity", "transform", "attributes/identity", "batch"], extraProcessors: transform }))[0], /transform `set\(attributes\["account"\]/);
        });

        it("fails from_context on a different label key, client.address, and insert without a prior delete", () => {
            const other = { "resource/identity": { attributes: [
                { key: "tenant_account", from_context: "metadata.x-tenant-account", action: "upsert" },
                { key: "site", from_context: "metadata.x-tenant-site", action: "upsert" }] } };
            assert.match(check(hubConfig({ extraProcessors: other }))[0], /no resource processor sets label "account" from_context/);
            const addr = { "resource/identity": { attributes: [
                { key: "account", from_context: "client.address", action: "upsert" },
                { key: "site", from_context: "metadata.x-tenant-site", action: "upsert" }] } };
            assert.match(check(hubConfig({ extraProcessors: addr }))[0], /label "account"/);
            const same = { "resource/identity": { attributes: [
                { key: "account", from_context: "metadata.x-tenant-account", action: "upsert" },
                { key: "site", from_context: "metadata.X-Tenant-Account", action: "upsert" }] } };
            assert.match(check(hubConfig({ extraProcessors: same }))[0], /labels "account" and "site" are all set from_context metadata\.x-tenant-account/);
            const insert = { "resource/identity": { attributes: [
                { key: "account", from_context: "metadata.x-tenant-account", action: "insert" },
                { pattern: "^site$", action: "delete" }, { key: "site", from_context: "metadata.x-tenant-site", action: "insert" },
                { pattern: "^source[^0-9A-Za-z]+role$", action: "delete" }, { key: "source_role", from_context: "metadata.x-tenant-role", action: "insert" }] } };
            const r = check(hubConfig({ extraProcessors: insert }));
            assert.equal(r.length, 2);
            assert.match(r[0], /resource\/identity inserts it from_context metadata\.x-tenant-account without deleting it first/);
            assert.doesNotMatch(r[0], /label "site"|label "source_role"/, "insert after a delete sets the identity");
        });

        it("fails include_metadata false on one of two receivers (and on one protocol)", () => {
            assert.match(check(hubConfig({ httpMeta: false }))[0], /receiver otlp protocol http does not set include_metadata: true/);
            const two = hubConfig();
            (two.receivers as Record<string, unknown>)["otlp/onprem"] = { protocols: { http: { endpoint: "127.0.0.1:14320" } } };
            const pipes = (two.service as { pipelines: Record<string, { receivers: string[] }> }).pipelines;
            pipes.metrics.receivers.push("otlp/onprem");
            const r = check(two);
            assert.equal(r.length, 1);
            assert.match(r[0], /pipeline metrics receives otlp, otlp\/onprem .*receiver otlp\/onprem protocol http does not set include_metadata: true/);
        });

        it("requires data-point attributes with the label's name to be deleted before export", () => {
            const noDp = check(hubConfig({ identity: ["resource/identity", "batch"] }));
            assert.match(noDp[0], /no attributes processor \(or transform\) deletes the data-point attribute "account" before export/);
            const filtered = { "attributes/identity": { include: { match_type: "strict", services: ["api"] }, actions: [{ key: "account", action: "delete" }, { key: "site", action: "delete" }] } };
            assert.match(check(hubConfig({ extraProcessors: filtered }))[0], /deletes it only for data its include\/exclude selects/);
            const transform = { "attributes/identity": { actions: [] }, "transform/dp": { metric_statements: [{ context: "datapoint", statements: ['keep_keys(attributes, ["series", "cluster"])', 'delete_matching_keys(attributes, "^(site|region)$")'] }] } };
            assert.deepEqual(check(hubConfig({ identity: ["resource/identity", "transform/dp", "batch"], extraProcessors: transform })), []);
            const matching = { "transform/dp": { metric_statements: [{ context: "datapoint", statements: ['delete_matching_keys(attributes, "(?s)^(account|site|source.+role)$")'] }] } };
            assert.deepEqual(check(hubConfig({ identity: ["resource/identity", "transform/dp", "batch"], extraProcessors: matching })), []);
            const mt = { metricstransform: { transforms: [{ include: ".*", match_type: "regexp", action: "update", operations: [{ action: "update_label", label: "claimed_account", new_label: "account" }] }] } };
            assert.match(check(hubConfig({ identity: ["resource/identity", "attributes/identity", "metricstransform", "batch"], extraProcessors: mt }))[0],
                /"account" before export \(metricstransform adds or renames a data-point label to it after the delete\)/);
            const readd = { "attributes/readd": { actions: [{ key: "site", value: "berlin", action: "insert" }] } };
            assert.match(check(hubConfig({ identity: ["resource/identity", "attributes/identity", "attributes/readd", "batch"], extraProcessors: readd }))[0], /"site" before export \(attributes\/readd sets it again after the delete\)/);
        });

        it("fails key deletes and upserts without a pattern delete, which leave a sender's repeated copies (the pre-fix hub)", () => {
            const byKey = {
                "resource/identity": { attributes: [
                    { key: "account", action: "delete" }, { key: "site", action: "delete" }, { key: "source_role", action: "delete" },
                    { key: "account", from_context: "metadata.x-tenant-account", action: "upsert" },
                    { key: "site", from_context: "metadata.x-tenant-site", action: "upsert" },
                    { key: "source_role", from_context: "metadata.x-tenant-role", action: "upsert" }] },
                "attributes/identity": { actions: [{ key: "account", action: "delete" }, { key: "site", action: "delete" }, { key: "source_role", action: "delete" }] },
            };
            const r = check(hubConfig({ extraProcessors: byKey }));
            assert.equal(r.length, 2, "primary and DR");
            for (const label of ["account", "site", "source_role"]) {
                assert.match(r[0], new RegExp(`no resource processor sets label "${label}" from_context .*resource/identity deletes "${label}" by key, which removes only the first copy`));
                assert.match(r[0], new RegExp(`deletes the data-point attribute "${label}" before export \\(attributes/identity deletes "${label}" by key`));
            }
            const upsertOnly = { "resource/identity": { attributes: [{ key: "account", from_context: "metadata.x-tenant-account", action: "upsert" }, { key: "site", from_context: "metadata.x-tenant-site", action: "upsert" }, { key: "source_role", from_context: "metadata.x-tenant-role", action: "upsert" }] } };
            assert.match(check(hubConfig({ extraProcessors: upsertOnly }))[0], /resource\/identity upserts it from_context metadata\.x-tenant-account without first deleting every copy/);
        });

        it("fails a pattern that misses keys the exporter merges into a label, and passes any pattern that covers them", () => {
            const withPattern = (pattern: string) => check(hubConfig({ extraProcessors: {
                "resource/identity": { attributes: [{ pattern, action: "delete" },
                    { key: "account", from_context: "metadata.x-tenant-account", action: "upsert" },
                    { key: "site", from_context: "metadata.x-tenant-site", action: "upsert" },
                    { key: "source_role", from_context: "metadata.x-tenant-role", action: "upsert" }] },
                "attributes/identity": { actions: [{ pattern, action: "delete" }] },
            } }));
            assert.match(withPattern("^(account|site|source_role)$")[0], /misses "source\.role"/);
            assert.match(withPattern("^(account|site|source[._-]role)$")[0], /misses "source\/role"/);
            assert.match(withPattern("^(account|site|source.+role)$")[0], /misses "source\\nrole"/, "Go's `.` skips a newline without (?s)");
            // The pre-v0.156.0 pattern: one rune per `_` no longer covers a run that LabelNamer collapses.
            assert.match(withPattern("(?s)^(?:account|site|source.role)$")[0], /label "source_role".*misses [^;]*"source__role"/);
            assert.match(withPattern("^(?:account|site|source[^a-z]role)$")[0], /misses [^;]*"source__role"/);
            assert.match(withPattern("^(account|site|source\\W+role|source_role)$")[0], /misses [^;]*"source_-_role"/, "\\W does not take `_`");
            assert.match(withPattern("^(account|site|source[^\\pL\\d]+role)$")[0], /misses "source\\u00e9role"/, "non-ASCII letters become `_` now");
            assert.match(withPattern("^(account|site)$")[0], /label "source_role"/);
            assert.deepEqual(withPattern(IDENTITY_PATTERN), []);
            assert.deepEqual(withPattern("^(?:account|site|source[^a-z]+role)$"), []);
            assert.deepEqual(withPattern("^(account|site|source[\\W_]+role)$"), []);
            assert.deepEqual(withPattern("(?is)account|site|source.*role"), [], "unanchored and case-insensitive: deletes more, misses none");
        });

        it("names labels by the exporter's translation_strategy: UTF-8 strategies by the raw key on data points, escaped on target_info; refuses unknown values", () => {
            const withStrategy = (strategy: unknown, pattern: string) => {
                const doc = hubConfig({ extraProcessors: {
                    "resource/identity": { attributes: [{ pattern, action: "delete" },
                        { key: "account", from_context: "metadata.x-tenant-account", action: "upsert" },
                        { key: "site", from_context: "metadata.x-tenant-site", action: "upsert" },
                        { key: "source_role", from_context: "metadata.x-tenant-role", action: "upsert" }] },
                    "attributes/identity": { actions: [{ pattern, action: "delete" }] },
                } });
                const exporters = doc.exporters as Record<string, Record<string, unknown>>;
                for (const e of Object.values(exporters)) Object.assign(e, { translation_strategy: strategy, protobuf_message: "io.prometheus.write.v2.Request" });
                return check(doc);
            };
            // NoTranslation: a data-point attribute `source.role` stays `source.role`, so deleting the raw names suffices there...
            assert.deepEqual(withStrategy("NoTranslation", "^(?:account|site|source_role)$").filter((m) => /data-point attribute/.test(m)), []);
            // ...but resource attributes still become target_info labels escaped (helper.go:571), so `source.role` on the resource joins source_role.
            assert.match(withStrategy("NoTranslation", "^(?:account|site|source_role)$")[0], /no resource processor sets label "source_role" .*misses [^;]*"source\.role"/);
            assert.match(withStrategy("NoUTF8EscapingWithSuffixes", "^(?:account|site|source_role)$")[0], /label "source_role"/);
            assert.deepEqual(withStrategy("NoTranslation", IDENTITY_PATTERN), []);
            assert.deepEqual(withStrategy("UnderscoreEscapingWithoutSuffixes", IDENTITY_PATTERN), []);
            // Escaping strategies collapse runs on data points: the raw-name pattern misses `source..role` there.
            assert.match(withStrategy("UnderscoreEscapingWithSuffixes", "(?s)^(?:account|site|source.role)$")[0], /data-point attribute "source_role" .*misses [^;]*"source__role"/);
            const bad = withStrategy("noTranslation", IDENTITY_PATTERN);
            assert.equal(bad.length, 2, "primary and DR");
            assert.match(bad[0], /exporter prometheusremotewrite\/primary sets translation_strategy "noTranslation", which the collector refuses at start-up \(one of UnderscoreEscapingWithSuffixes, .*NoTranslation, or leave it unset\)/);
            assert.match(withStrategy(3, IDENTITY_PATTERN)[0], /translation_strategy "3"/);
        });

        it("fails a processor that writes a key merging into a tenant label after the identity is set", () => {
            const lateResource = { "resource/late": { attributes: [{ key: "source.role", from_attribute: "claimed", action: "insert" }] } };
            assert.match(check(hubConfig({ identity: ["resource/identity", "attributes/identity", "resource/late", "batch"], extraProcessors: lateResource }))[0],
                /label "source_role" is set from the client identity but resource\/late \(from_attribute claimed\) sets it again/);
            const lateDp = { "attributes/late": { actions: [{ key: "source-role", value: "hub", action: "upsert" }] } };
            assert.match(check(hubConfig({ identity: ["resource/identity", "attributes/identity", "attributes/late", "batch"], extraProcessors: lateDp }))[0],
                /data-point attribute "source_role" before export \(attributes\/late sets it again after the delete\)/);
            const keep = { "attributes/identity": { actions: [] }, "transform/dp": { metric_statements: [{ context: "datapoint", statements: ['keep_keys(attributes, ["series", "source.role"])'] }] } };
            assert.match(check(hubConfig({ identity: ["resource/identity", "transform/dp", "batch"], extraProcessors: keep }))[0], /"source_role" before export \(transform\/dp `keep_keys\(attributes, \["series", "source\.role"\]\)` misses "source\.role", which also becomes "source_role"\)/);
            const deleteKey = { "attributes/identity": { actions: [] }, "transform/dp": { metric_statements: [{ context: "datapoint", statements: ['delete_matching_keys(attributes, "^(site|source.role)$")', 'delete_key(attributes, "account")'] }] } };
            assert.match(check(hubConfig({ identity: ["resource/identity", "transform/dp", "batch"], extraProcessors: deleteKey }))[0], /"account" before export \(transform\/dp \(transform delete_key\) deletes "account" by key/);
        });

        it("treats source_role as a tenant label by default: the hub's own series are told apart by it", () => {
            const noRole = { "resource/identity": { attributes: [{ pattern: IDENTITY_PATTERN, action: "delete" },
                { key: "account", from_context: "metadata.x-tenant-account", action: "upsert" }, { key: "site", from_context: "metadata.x-tenant-site", action: "upsert" }] } };
            const r = check(hubConfig({ extraProcessors: noRole }));
            assert.match(r[0], /no resource processor sets label "source_role"/);
            assert.doesNotMatch(r[0], /label "account"|label "site"/);
            assert.deepEqual(check(hubConfig({ extraProcessors: noRole }), { tenantLabels: ["account", "site"] }), []);
        });

        it("rejects auth.* identities behind a batch, follows connectors, and configures labels and exporters", () => {
            const auth = { "resource/identity": { attributes: [{ pattern: IDENTITY_PATTERN, action: "delete" }, { key: "account", from_context: "auth.account", action: "upsert" },
                { key: "site", from_context: "auth.site", action: "upsert" }, { key: "source_role", from_context: "auth.role", action: "upsert" }] } };
            assert.match(check(hubConfig({ extraProcessors: auth }))[0], /receiver otlp protocol grpc has no auth\.authenticator, so auth\.account is empty/);
            const authed = hubConfig({ extraProcessors: auth });
            const protocols = ((authed.receivers as Record<string, { protocols: Record<string, Record<string, unknown>> }>).otlp).protocols;
            Object.values(protocols).forEach((p) => { p.auth = { authenticator: "oidc" }; });
            assert.deepEqual(check(authed), []);
            assert.match(check(hubConfig({ identity: ["batch", "resource/identity", "attributes/identity"], extraProcessors: auth, batch: { metadata_keys: ["account"] } }))[0], /which drops auth data/);
            const chained = hubConfig();
            chained.connectors = { forward: {} };
            (chained.service as { pipelines: Record<string, unknown> }).pipelines = {
                "metrics/in": { receivers: ["otlp"], processors: ["batch"], exporters: ["forward"] },
                "metrics/out": { receivers: ["forward"], processors: ["resource/identity", "attributes/identity"], exporters: ["prometheusremotewrite/primary"] },
            };
            assert.match(check(chained)[0], /pipeline metrics\/in -> metrics\/out .*after batch/);
            assert.equal(check(hubConfig({ identity: ["resource/identity", "batch"] }), { tenantLabels: ["region"] }).length, 2, "one per ingest pipeline");
            assert.deepEqual(check(hubConfig({ dr: ["batch"] }), { metricsStoreExporters: ["otlphttp*"] }), []);
        });

        it("leaves forwarding collectors and spoke stacks alone, and finds configs in containers, ConfigMaps and Helm values", () => {
            const forwarder = hubConfig({ identity: ["batch"] });
            forwarder.exporters = { "otlp/hub": { endpoint: "hub:4317" } };
            for (const p of Object.values((forwarder.service as { pipelines: Record<string, { exporters: string[] }> }).pipelines)) p.exporters = ["otlp/hub"];
            assert.deepEqual(check(forwarder), []);
            const bad = hubConfig({ identity: ["batch"] });
            assert.equal(runResource(collectorTenantLabelsFromIdentity, R, { insecureValue: JSON.stringify(bad) }, { role: "monitored" }).messages.length, 0);
            const td = runResource(collectorTenantLabelsFromIdentity, "aws:ecs/taskDefinition:TaskDefinition",
                { containerDefinitions: JSON.stringify([{ name: "adot", environment: [{ name: "AOT_CONFIG_CONTENT", value: JSON.stringify(bad) }] }]) });
            assert.equal(td.messages.length, 2);
            assert.match(td.messages[0], /^container "adot" environment AOT_CONFIG_CONTENT \(collector config\): pipeline metrics /);
            const helm = runResource(collectorTenantLabelsFromIdentity, "kubernetes:helm.sh/v3:Release", { values: { config: bad } });
            assert.equal(helm.messages.length, 2);
        });
    });
});
