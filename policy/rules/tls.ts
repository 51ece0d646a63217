/** TLS in transit: load balancers, S3 access, Grafana data sources and telemetry-agent exporters. */
import { PolicyResource } from "@pulumi/policy";
import { aws, grafana } from "../lib/providers";
import { classesWith } from "../lib/aws/awsTypes";
import { CONFIG_TEXT_TYPES } from "../lib/telemetry/configTypes";
import { configLocations, environmentVariables, findCollectorDocs, findConfigs, otlpEnvFindings } from "../lib/telemetry/collector";
import { bindMinVersionGap, looksLikeHaproxy, parseHaproxyConfig } from "../lib/telemetry/haproxy";
import { receiverServers, SERVER_RECEIVER_TYPES } from "../lib/telemetry/terminators";
import { resourcePolicy, stackPolicy } from "../lib/define";
import { conditionPins, describeStatement, globCovers, parseDocument, Statement } from "../lib/aws/iam";
import { patternsCoverService } from "../lib/aws/iamCatalog";
import { asArray, asBool, asString, asTags, isPlainHttpToNetwork, isRecord, knownValue, parseJsonish, Props } from "../lib/values";

/**
 * Exactly the predefined ELB policies that negotiate TLS 1.2 or later only and offer only forward-secret
 * ciphers (TLS 1.3 suites and ECDHE-*): "policies that support TLS 1.3 and TLS 1.2 with only TLS_* and
 * ECDHE_* ciphers provide FS" (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html,
 * same tables for NLB: .../network/describe-ssl-policies.html). Left out on purpose: ELBSecurityPolicy-TLS-1-2-2017-01
 * and -TLS-1-2-Ext-2018-06, and the TLS13 Ext0/Ext1/Ext2 variants (they add AES*-SHA* RSA key exchange, no FS), and
 * every policy that still offers TLS 1.0/1.1 (2016-08, FS-2018-06, FS-1-1-2019-08, TLS13-1-0/1-1).
 */
export const DEFAULT_SSL_POLICIES = [
    "ELBSecurityPolicy-TLS13-1-2-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
    "ELBSecurityPolicy-TLS13-1-3-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-FIPS-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-3-FIPS-PQ-2025-09",
    "ELBSecurityPolicy-FS-1-2-2019-08",
    "ELBSecurityPolicy-FS-1-2-Res-2019-08",
    "ELBSecurityPolicy-FS-1-2-Res-2020-10",
];

/** Classic ELB listeners (aws.elb.LoadBalancer `listeners`), as `{ lbProtocol, instanceProtocol }` upper-cased. */
function classicListeners(props: Props): { index: number; lb: string; instance: string }[] {
    return asArray(props.listeners).flatMap((l, index) => isRecord(l)
        ? [{ index, lb: (asString(l.lbProtocol) ?? "").toUpperCase(), instance: (asString(l.instanceProtocol) ?? "").toUpperCase() }]
        : []);
}

const CLASSIC_LB = "aws:elb/loadBalancer:LoadBalancer";

const TLS_PROTOCOLS = new Set(["HTTPS", "TLS"]);

/** ALB listeners default to HTTP when no protocol is given. */
function listenerProtocol(props: Props): string {
    return (asString(props.protocol) ?? "HTTP").toUpperCase();
}

function redirectsToHttps(action: unknown): boolean {
    return isRecord(action) && asString(action.type) === "redirect" && isRecord(action.redirect)
        && asString(action.redirect.protocol)?.toUpperCase() === "HTTPS";
}

export const lbListenerTls = resourcePolicy({
    name: "lb-listener-tls",
    theme: "tls",
    severity: "high",
    summary: "Load-balancer listeners (aws.lb/aws.alb Listener, and the listeners of a classic aws.elb.LoadBalancer) use HTTPS, " +
        "TLS or SSL. HTTP is allowed only when every default action redirects to HTTPS (ALB; never on a classic ELB); TCP/UDP " +
        "listeners only when tagged as TLS pass-through (the target terminates TLS, e.g. for mutual TLS). Listener rules " +
        "(aws.lb.ListenerRule) are not inspected.",
    refs: { checkov: ["CKV_AWS_2", "CKV_AWS_376", "CKV2_AWS_20"], trivy: ["AVD-AWS-0054"], cfnNag: ["W78"] },
    remediation: "Use protocol HTTPS (ALB) or TLS (NLB) with a certificate; keep HTTP only as a redirect action to HTTPS; " +
        "for TLS pass-through set the listener tag TlsTermination=target and terminate TLS in the target.",
    types: [aws.lb.Listener, aws.alb.Listener, aws.elb.LoadBalancer],
    config: {
        tlsTerminationTagKey: { type: "string", default: "TlsTermination", description: "Tag declaring that the target terminates TLS." },
        tlsTerminationTagValue: { type: "string", default: "target", description: "Value of that tag for TLS pass-through." },
    },
    validate(props, { args, config, report }) {
        if (args.type === CLASSIC_LB) {
            const passThrough = asTags(props.tags)[config.tlsTerminationTagKey] === config.tlsTerminationTagValue;
            for (const l of classicListeners(props)) {
                if (l.lb === "HTTP" || (l.lb === "TCP" && !passThrough)) {
                    report(`listeners[${l.index}] accepts ${l.lb} without TLS at the classic load balancer` +
                        (l.lb === "TCP" ? ` and the load balancer does not declare TLS pass-through (tag ${config.tlsTerminationTagKey}=${config.tlsTerminationTagValue}).` : "."));
                }
            }
            return;
        }
        const protocol = listenerProtocol(props);
        if (TLS_PROTOCOLS.has(protocol) || protocol === "GENEVE") {
            return;
        }
        if (protocol === "HTTP") {
            const actions = asArray(props.defaultActions);
            if (actions.length === 0 || !actions.every(redirectsToHttps)) {
                report("HTTP listener serves plain text: its default actions must all be redirects to HTTPS.");
            }
            return;
        }
        if (asTags(props.tags)[config.tlsTerminationTagKey] !== config.tlsTerminationTagValue) {
            report(`${protocol} listener carries traffic without TLS at the load balancer and does not declare TLS pass-through ` +
                `(tag ${config.tlsTerminationTagKey}=${config.tlsTerminationTagValue}).`);
        }
    },
});

/**
 * Classic ELB SSL negotiation: either a Reference-Security-Policy from the allow-list, or custom
 * attributes that enable only TLS 1.2 and ECDHE ciphers (https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/elb-ssl-security-policy.html).
 */
function classicNegotiationProblems(type: string, props: Props, allowed: readonly string[]): string[] {
    const attrs = asArray(type === "aws:elb/sslNegotiationPolicy:SslNegotiationPolicy" ? props.attributes : props.policyAttributes)
        .filter(isRecord).map((a) => ({ name: asString(a.name) ?? "", value: asString(a.value) ?? JSON.stringify(a.value ?? "") }));
    if (type === "aws:elb/loadBalancerPolicy:LoadBalancerPolicy" && asString(props.policyTypeName) !== "SSLNegotiationPolicyType") {
        return [];
    }
    const ref = attrs.find((a) => a.name === "Reference-Security-Policy");
    if (ref !== undefined) {
        return allowed.includes(ref.value) ? [] : [`Reference-Security-Policy ${ref.value} is not in the allow-list (${allowed.join(", ")}).`];
    }
    const enabled = attrs.filter((a) => a.value.toLowerCase() === "true").map((a) => a.name);
    const problems: string[] = [];
    const oldProtocols = enabled.filter((n) => /^Protocol-(SSLv\d|TLSv1(\.1)?)$/.test(n));
    if (oldProtocols.length > 0) {
        problems.push(`enables ${oldProtocols.join(", ")} (older than TLS 1.2).`);
    }
    const nonFs = enabled.filter((n) => !n.startsWith("Protocol-") && !/^(ECDHE-|Server-Defined-Cipher-Order$)/.test(n));
    if (nonFs.length > 0) {
        problems.push(`enables ciphers without forward secrecy: ${nonFs.join(", ")}.`);
    }
    if (!enabled.includes("Protocol-TLSv1.2")) {
        problems.push("does not enable Protocol-TLSv1.2.");
    }
    return problems;
}

/** Actions that hand the request to a backend (so on a plain-HTTP listener, plain text reaches it). */
function servesContent(action: unknown): boolean {
    const type = isRecord(action) ? asString(action.type) : undefined;
    return type === "forward" || type === "authenticate-oidc" || type === "authenticate-cognito";
}

export const lbListenerRuleTls = stackPolicy({
    name: "lb-listener-rule-tls",
    theme: "tls",
    severity: "high",
    summary: "Listener rules (aws.lb/aws.alb ListenerRule) do not forward traffic from a plain-HTTP listener: a listener whose " +
        "default action redirects to HTTPS still serves plain text through a rule that forwards. The rule's listener is found " +
        "through its listenerArn property dependency; when the plan does not record it, a rule is reported only if every " +
        "listener of the stack is plain HTTP.",
    refs: { checkov: ["CKV_AWS_2"] },
    remediation: "Attach forwarding rules to the HTTPS listener; on the HTTP listener keep only a redirect to HTTPS.",
    reads: [aws.lb.Listener, aws.alb.Listener, aws.lb.ListenerRule, aws.alb.ListenerRule],
    config: {},
    validate({ args, report }) {
        const listeners = args.resources.filter((r) => r.isType(aws.lb.Listener) || r.isType(aws.alb.Listener));
        const plain = (l: PolicyResource) => (knownValue(() => asString(l.props.protocol)) ?? "HTTP").toUpperCase() === "HTTP";
        for (const rule of args.resources.filter((r) => r.isType(aws.lb.ListenerRule) || r.isType(aws.alb.ListenerRule))) {
            const actions = knownValue(() => asArray(rule.props.actions)) ?? [];
            if (!actions.some(servesContent)) {
                continue;
            }
            const deps = (rule.propertyDependencies?.listenerArn ?? []).filter((d) => listeners.some((l) => l.urn === d.urn));
            const candidates = deps.length > 0 ? deps : listeners;
            if (candidates.length > 0 && candidates.every(plain)) {
                report(`The rule forwards requests from the plain-HTTP listener ${candidates.map((l) => l.name).join(", ")}.`, rule.urn);
            }
        }
    },
});

export const lbListenerTlsPolicy = resourcePolicy({
    name: "lb-listener-tls-policy",
    theme: "tls",
    severity: "high",
    summary: "HTTPS/TLS listeners name an SSL policy from the allow-list, which by default is exactly the predefined policies " +
        "with TLS 1.2+ only and forward-secret ciphers only (TLS13-1-2/1-3 incl. Res, FIPS and PQ variants, FS-1-2*); an omitted " +
        "policy means AWS's ELBSecurityPolicy-2016-08. Classic ELB SSL negotiation policies (aws.elb.LoadBalancerPolicy, " +
        "SslNegotiationPolicy) reference an allow-listed policy or enable only Protocol-TLSv1.2 and ECDHE-* ciphers.",
    refs: { checkov: ["CKV_AWS_103", "CKV2_AWS_74"], trivy: ["AVD-AWS-0047"], cfnNag: ["W55"] },
    remediation: "Set sslPolicy to ELBSecurityPolicy-TLS13-1-2-2021-06 (or another policy in allowedSslPolicies); on a classic " +
        "ELB, attach an SSLNegotiationPolicyType policy with only Protocol-TLSv1.2 and ECDHE-* ciphers enabled.",
    types: [...classesWith(["lb:sslPolicy", "alb:sslPolicy"]), aws.elb.LoadBalancerPolicy, aws.elb.SslNegotiationPolicy],
    config: {
        allowedSslPolicies: {
            type: "array", items: { type: "string" }, minItems: 1, default: DEFAULT_SSL_POLICIES,
            description: "ELB security policies accepted on HTTPS/TLS listeners.",
        },
    },
    validate(props, { args, config, report }) {
        if (args.type !== "aws:lb/listener:Listener" && args.type !== "aws:alb/listener:Listener") {
            classicNegotiationProblems(args.type, props, config.allowedSslPolicies).forEach((m) => report(m));
            return;
        }
        if (!TLS_PROTOCOLS.has(listenerProtocol(props))) {
            return;
        }
        const sslPolicy = asString(props.sslPolicy);
        if (sslPolicy === undefined) {
            report("No sslPolicy: AWS then applies ELBSecurityPolicy-2016-08, which still negotiates TLS 1.0 and 1.1.");
        } else if (!config.allowedSslPolicies.includes(sslPolicy)) {
            report(`sslPolicy ${sslPolicy} is not in the allow-list (${config.allowedSslPolicies.join(", ")}).`);
        }
    },
});

export const lbTargetGroupTls = resourcePolicy({
    name: "lb-target-group-tls",
    theme: "tls",
    severity: "medium",
    summary: "Target groups (aws.lb/aws.alb TargetGroup) and classic ELB listeners' instanceProtocol do not use plain HTTP " +
        "between the load balancer and the targets.",
    refs: { checkov: ["CKV_AWS_378"] },
    remediation: "Use protocol HTTPS (ALB) or TLS (NLB) on the target group and serve TLS from the target.",
    types: [aws.lb.TargetGroup, aws.alb.TargetGroup, aws.elb.LoadBalancer],
    config: {
        forbiddenProtocols: {
            type: "array", items: { type: "string" }, default: ["HTTP"],
            description: "Target-group protocols that carry plain text.",
        },
    },
    validate(props, { args, config, report }) {
        const forbidden = config.forbiddenProtocols.map((p) => p.toUpperCase());
        if (args.type === CLASSIC_LB) {
            for (const l of classicListeners(props).filter((x) => forbidden.includes(x.instance))) {
                report(`listeners[${l.index}] sends ${l.instance} (plain text) to the instances.`);
            }
            return;
        }
        const protocol = asString(props.protocol)?.toUpperCase();
        if (protocol !== undefined && forbidden.includes(protocol)) {
            report(`Target group protocol ${protocol} sends plain text to the targets.`);
        }
    },
});

export const albDropInvalidHeaders = resourcePolicy({
    name: "alb-drop-invalid-headers",
    theme: "tls",
    severity: "medium",
    summary: "Application load balancers drop invalid HTTP header fields instead of passing them to targets (request smuggling).",
    refs: { checkov: ["CKV_AWS_131"], trivy: ["AVD-AWS-0052"] },
    remediation: "Set dropInvalidHeaderFields: true on the application load balancer.",
    types: [aws.lb.LoadBalancer, aws.alb.LoadBalancer],
    config: {},
    validate(props, { report }) {
        const type = asString(props.loadBalancerType) ?? "application";
        if (type === "application" && asBool(props.dropInvalidHeaderFields) !== true) {
            report("dropInvalidHeaderFields is not true.");
        }
    },
});

/** Is this statement's only narrowing the "request is not over TLS" condition? */
function isInsecureTransportDeny(s: Statement): boolean {
    if (s.effect !== "Deny" || !s.principals.some((p) => p.kind === "*") || s.notPrincipals.length > 0 || s.notActions.length > 0) {
        return false;
    }
    const tls = s.conditions.filter((c) => /^bool(ifexists)?$/i.test(c.operator) && c.key.toLowerCase() === "aws:securetransport"
        && c.values.length > 0 && c.values.every((v) => v.toLowerCase() === "false"));
    // Any other condition that narrows the Deny leaves requests it does not match allowed over plain HTTP.
    return tls.length > 0 && s.conditions.every((c) => tls.includes(c) || !conditionPins(c));
}

export const s3BucketPolicySecureTransport = resourcePolicy({
    name: "s3-bucket-policy-secure-transport",
    theme: "tls",
    severity: "high",
    summary: "S3 bucket policies (aws.s3.BucketPolicy, or inline on aws.s3.Bucket/BucketV2) deny every principal every S3 " +
        "action on both the bucket and all its objects when aws:SecureTransport is false, with no other condition narrowing " +
        "the Deny. Action lists are judged against the IAM catalogue (s3:* or a set of patterns covering every S3 action).",
    refs: { checkov: ["CKV_AWS_379"] },
    remediation: "Add a statement { Effect: Deny, Principal: \"*\", Action: \"s3:*\", Resource: [bucket ARN, bucket ARN/*], " +
        "Condition: { Bool: { \"aws:SecureTransport\": \"false\" } } }.",
    types: classesWith(["s3:policy"], (t) => /\/(bucket|bucketV2|bucketPolicy):/.test(t)),
    config: {},
    validate(props, { args, report }) {
        const inline = args.type !== "aws:s3/bucketPolicy:BucketPolicy";
        const doc = parseDocument(props.policy);
        if (inline && doc === undefined) {
            return; // no inline policy: the bucket's policy, if any, is a separate aws.s3.BucketPolicy
        }
        if (doc === undefined || !doc.ok) {
            report(`The bucket policy cannot be read: ${doc === undefined ? "it is empty" : doc.error}.`);
            return;
        }
        const bucket = knownValue(() => asString(props.bucket)) ?? "zzprobe9-bucket";
        const bucketArn = `arn:aws:s3:::${bucket}`;
        const denies = doc.statements.filter(isInsecureTransportDeny);
        const allActions = (ss: Statement[]) => ss.length > 0 && patternsCoverService(ss.flatMap((x) => x.actions), "s3");
        // S3 ARNs carry no account or region; a Resource covers the bucket or all its objects when it matches them whatever they are called.
        // Without a known bucket name, any bucket ARN stands for the bucket and any `.../*` for its objects.
        const unknownName = bucket === "zzprobe9-bucket";
        const onBucket = denies.filter((x) => x.resources.some((r) => globCovers(r, bucketArn) || (unknownName && /^arn:[^:]*:s3:::[^/]+$/.test(r))));
        const onObjects = denies.filter((x) => x.resources.some((r) => globCovers(r, `${bucketArn}/*`) || (unknownName && /^arn:[^:]*:s3:::[^/]+\/\*$/.test(r))));
        const gaps: string[] = [];
        if (!allActions(onBucket)) {
            gaps.push("the bucket");
        }
        if (!allActions(onObjects)) {
            gaps.push("its objects");
        }
        if (denies.length === 0) {
            const allows = doc.statements.filter((x) => x.effect === "Allow").map(describeStatement);
            report(`No Deny statement for Principal "*" with Bool aws:SecureTransport=false` +
                (allows.length > 0 ? `; ${allows.join(", ")} can then be used over plain HTTP.` : "."));
        } else if (gaps.length > 0) {
            report(`The aws:SecureTransport=false Deny does not cover every S3 action on ${gaps.join(" and ")}: ` +
                "requests it leaves out are still served over plain HTTP.");
        }
    },
});

export const grafanaDataSourceTls = resourcePolicy({
    name: "grafana-datasource-tls",
    theme: "tls",
    severity: "high",
    summary: "Grafana data sources (grafana.oss.DataSource and DataSourceConfig) reach their backend over https and verify its " +
        "certificate: no http:// url (nor url/endpoint fields in jsonData), no jsonData.tlsSkipVerify. Loopback http is allowed " +
        "by default. No scanner checks Grafana data sources.",
    refs: {},
    remediation: "Use an https:// url and remove tlsSkipVerify from jsonDataEncoded; for a private CA set tlsAuthWithCACert " +
        "and put the CA in secureJsonDataEncoded.",
    types: [grafana.oss.DataSource, grafana.oss.DataSourceConfig],
    config: {
        allowLoopbackHttp: { type: "boolean", default: true, description: "Allow http:// to localhost (traffic stays on the host)." },
    },
    validate(props, { config, report }) {
        const url = asString(props.url);
        if (url !== undefined && isPlainHttpToNetwork(url, config.allowLoopbackHttp)) {
            report(`Data source url ${url} is plain http.`);
        }
        const jsonData = parseJsonish(props.jsonDataEncoded);
        if (jsonData.ok && isRecord(jsonData.value)) {
            if (asBool(jsonData.value.tlsSkipVerify) === true) {
                report("jsonData.tlsSkipVerify is true: the backend certificate is not verified.");
            }
            // Some plugins take their endpoint from jsonData (e.g. Tempo/Loki derived fields, Prometheus sigV4 endpoints).
            for (const [k, v] of Object.entries(jsonData.value)) {
                if (typeof v === "string" && /url|endpoint/i.test(k) && isPlainHttpToNetwork(v, config.allowLoopbackHttp)) {
                    report(`jsonData.${k} ${v} is plain http.`);
                }
            }
        }
    },
});

export const collectorExporterTls = resourcePolicy({
    name: "collector-exporter-tls",
    theme: "tls",
    severity: "high",
    summary: "OpenTelemetry/ADOT collector configuration (whole files and fragments) and CloudWatch agent JSON send telemetry " +
        "over verified TLS 1.2+: no insecure/insecure_skip_verify: true, no min_version below 1.2, no http:// endpoint (also in " +
        "endpoint lists and in service.telemetry exporters), wherever the configuration lives: SSM parameters, ConfigMaps, " +
        "Secrets, Helm values, S3 objects, Secrets Manager versions, and container environment variables (AOT_CONFIG_CONTENT, " +
        "CW_CONFIG_CONTENT, OTEL_EXPORTER_OTLP_*ENDPOINT/INSECURE) of ECS task definitions, Kubernetes pod templates, Lambda " +
        "functions and Batch jobs. No scanner looks inside agent configuration.",
    refs: {},
    remediation: "Use https:// endpoints, remove insecure/insecure_skip_verify, and give the exporter a ca_file when the " +
        "endpoint uses a private CA.",
    types: CONFIG_TEXT_TYPES,
    config: {
        collectorSections: {
            type: "array", items: { type: "string" }, default: ["exporters", "extensions", "service.telemetry"],
            description: "Collector config sections (dotted paths) holding client-side (outbound) settings.",
        },
        insecureKeys: {
            type: "array", items: { type: "string" }, default: ["insecure", "insecure_skip_verify", "tls_skip_verify"],
            description: "Keys that disable TLS or certificate verification when true.",
        },
        allowLoopbackHttp: { type: "boolean", default: true, description: "Allow http:// to localhost (traffic stays on the host)." },
    },
    validate(props, { args, config, report }) {
        for (const { where, value } of configLocations(args.type, props)) {
            for (const found of findConfigs(value, where, config)) {
                for (const f of found.findings) {
                    report(`${found.where} (${found.kind} config): ${f.path}: ${f.problem}.`);
                }
            }
        }
        for (const v of environmentVariables(args.type, props).vars) {
            const problem = otlpEnvFindings(v.name, v.value, config.allowLoopbackHttp);
            if (problem !== undefined) {
                report(`${v.where}: ${problem}.`);
            }
        }
    },
});

export const nlbTlsTargetGroupNoStickiness = resourcePolicy({
    name: "nlb-tls-target-group-no-stickiness",
    theme: "tls",
    severity: "medium",
    summary: "Target groups with protocol TLS do not enable stickiness: Network Load Balancers do not support sticky sessions " +
        "with TLS listeners (\"Sticky sessions are not supported with TLS listeners and TLS target groups\", " +
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/network/edit-target-group-attributes.html#sticky-sessions), " +
        "so the deployment fails.",
    refs: {},
    remediation: "Remove stickiness (or set stickiness.enabled: false) on TLS target groups; use source-IP stickiness only with TCP/UDP.",
    types: classesWith(["lb:stickiness", "alb:stickiness"]),
    config: {},
    validate(props, { report }) {
        const stickiness = asArray(props.stickiness).find(isRecord);
        if ((asString(props.protocol) ?? "").toUpperCase() === "TLS" && stickiness !== undefined && asBool(stickiness.enabled) !== false) {
            report(`stickiness (${asString(stickiness.type) ?? "source_ip"}) is enabled on a TLS target group, which NLB does not support.`);
        }
    },
});


export const collectorReceiverTls = resourcePolicy({
    name: "collector-receiver-tls",
    theme: "tls",
    severity: "high",
    summary: "Collector receivers that serve pushed telemetry (otlp grpc/http, jaeger, zipkin, ... : serverReceivers) and listen on a " +
        "network address (0.0.0.0, ::, :port, a host IP or name) terminate TLS themselves (tls.cert_file/key_file, min_version not " +
        "below 1.2). Receivers bound to loopback (127.0.0.0/8, ::1, localhost) need none: that is the sidecar pattern, where a TLS " +
        "terminator in the same task or pod network namespace forwards to them. An omitted otlp endpoint is localhost:4317/4318 " +
        "(otlpreceiver v0.117.0 factory.go:46,54). Hosts substituted at run time (${env:POD_IP}) are judged only with judgeRuntimeHosts.",
    refs: {},
    remediation: "Bind the receiver to 127.0.0.1 behind a TLS terminator in the same task/pod (e.g. HAProxy), or give it tls.cert_file, " +
        "tls.key_file and min_version \"1.2\" (with tls.client_ca_file to require client certificates).",
    types: CONFIG_TEXT_TYPES,
    config: {
        serverReceivers: {
            type: "array", items: { type: "string" }, default: SERVER_RECEIVER_TYPES,
            description: "Receiver types whose endpoint is a server for pushed telemetry (scraping receivers' endpoints are clients).",
        },
        judgeRuntimeHosts: {
            type: "boolean", default: false,
            description: "Also judge endpoints whose host is substituted at run time (${env:...}), treating them as network addresses.",
        },
    },
    validate(props, { args, config, report }) {
        for (const { where, value } of configLocations(args.type, props)) {
            for (const found of findCollectorDocs(value, where).docs) {
                for (const s of receiverServers(found.doc, config.serverReceivers)) {
                    if (s.scope === "loopback" || (s.scope === "runtime" && !config.judgeRuntimeHosts)) {
                        continue;
                    }
                    const tls = s.tls;
                    const hasCert = tls !== undefined && (asString(tls.cert_file) !== undefined || asString(tls.cert_pem) !== undefined);
                    const scope = s.scope === "any" ? "every interface" : `the network address ${s.host}`;
                    if (!hasCert) {
                        report(`${found.where} (collector config): ${s.path} listens on ${scope} (endpoint ${s.endpoint}) without TLS ` +
                            "(no tls.cert_file): bind it to 127.0.0.1 behind a TLS terminator in the same task, or set tls.cert_file/key_file.");
                    } else if (/^1\.[01]$/.test(asString(tls.min_version) ?? (typeof tls.min_version === "number" ? tls.min_version.toFixed(1) : ""))) {
                        report(`${found.where} (collector config): ${s.path}.tls.min_version ${JSON.stringify(tls.min_version)} allows TLS older than 1.2: set min_version "1.2".`);
                    }
                }
            }
        }
    },
});

export const haproxyBindTlsMinVersion = resourcePolicy({
    name: "haproxy-bind-tls-min-version",
    theme: "tls",
    severity: "medium",
    summary: "HAProxy configurations (found wherever the pack finds configuration text) declare TLS 1.2 as the minimum on every bind " +
        "with ssl: ssl-min-ver TLSv1.2 or TLSv1.3 on the bind or in global ssl-default-bind-options, no ssl-max-ver or force-* below " +
        "TLS 1.2 (https://docs.haproxy.org/2.6/configuration.html#5.1-ssl-min-ver). Declared rather than left to the image's build " +
        "default, so a different HAProxy build cannot lower it.",
    refs: {},
    remediation: "Add `ssl-default-bind-options ssl-min-ver TLSv1.2` to the global section (or `ssl-min-ver TLSv1.2` to each ssl bind).",
    types: CONFIG_TEXT_TYPES,
    config: {},
    validate(props, { args, report }) {
        for (const { where, value } of configLocations(args.type, props)) {
            for (const t of findCollectorDocs(value, where).texts.filter((x) => looksLikeHaproxy(x.text))) {
                for (const b of parseHaproxyConfig(t.text).binds.filter((x) => x.ssl)) {
                    const gap = bindMinVersionGap(b);
                    if (gap !== undefined) {
                        report(`${t.where} (HAProxy config): \`${b.text}\` (${b.section}, line ${b.line}) ${gap}: add ssl-min-ver TLSv1.2 to the bind or to global ssl-default-bind-options.`);
                    }
                }
            }
        }
    },
});
