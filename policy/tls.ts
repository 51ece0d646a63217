/** TLS in transit: load balancers, S3 access, Grafana data sources and telemetry-agent exporters. */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as grafana from "@pulumiverse/grafana";
import { scanAgentConfig } from "./lib/collector";
import { resourcePolicy } from "./lib/define";
import { describeStatement, parseDocument } from "./lib/iam";
import { asArray, asBool, asString, asTags, isPlainHttpToNetwork, isRecord, parseJsonish, Props } from "./lib/values";

/** Strongest-first; ELBSecurityPolicy-TLS13-1-2-2021-06 is the AWS-recommended default, the others are stricter. */
export const DEFAULT_SSL_POLICIES = [
    "ELBSecurityPolicy-TLS13-1-2-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
    "ELBSecurityPolicy-TLS13-1-3-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
];

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
    summary: "Load-balancer listeners use HTTPS or TLS. HTTP is allowed only when every default action redirects to HTTPS; " +
        "TCP/UDP listeners only when tagged as TLS pass-through (the target terminates TLS, e.g. for mutual TLS).",
    refs: { checkov: ["CKV_AWS_2", "CKV_AWS_376", "CKV2_AWS_20"], trivy: ["AVD-AWS-0054"], cfnNag: ["W78"] },
    remediation: "Use protocol HTTPS (ALB) or TLS (NLB) with a certificate; keep HTTP only as a redirect action to HTTPS; " +
        "for TLS pass-through set the listener tag TlsTermination=target and terminate TLS in the target.",
    types: [aws.lb.Listener, aws.alb.Listener],
    config: {
        tlsTerminationTagKey: { type: "string", default: "TlsTermination", description: "Tag declaring that the target terminates TLS." },
        tlsTerminationTagValue: { type: "string", default: "target", description: "Value of that tag for TLS pass-through." },
    },
    validate(props, { config, report }) {
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

export const lbListenerTlsPolicy = resourcePolicy({
    name: "lb-listener-tls-policy",
    theme: "tls",
    severity: "high",
    summary: "HTTPS/TLS listeners name an SSL policy from an allow-list of TLS 1.2+/1.3 policies (default " +
        "ELBSecurityPolicy-TLS13-1-2-2021-06); an omitted policy means AWS's older default.",
    refs: { checkov: ["CKV_AWS_103", "CKV2_AWS_74"], trivy: ["AVD-AWS-0047"], cfnNag: ["W55"] },
    remediation: "Set sslPolicy to ELBSecurityPolicy-TLS13-1-2-2021-06 (or a stricter policy in allowedSslPolicies).",
    types: [aws.lb.Listener, aws.alb.Listener],
    config: {
        allowedSslPolicies: {
            type: "array", items: { type: "string" }, minItems: 1, default: DEFAULT_SSL_POLICIES,
            description: "ELB security policies accepted on HTTPS/TLS listeners.",
        },
    },
    validate(props, { config, report }) {
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
    summary: "Target groups do not use plain HTTP between the load balancer and the targets.",
    refs: { checkov: ["CKV_AWS_378"] },
    remediation: "Use protocol HTTPS (ALB) or TLS (NLB) on the target group and serve TLS from the target.",
    types: [aws.lb.TargetGroup, aws.alb.TargetGroup],
    config: {
        forbiddenProtocols: {
            type: "array", items: { type: "string" }, default: ["HTTP"],
            description: "Target-group protocols that carry plain text.",
        },
    },
    validate(props, { config, report }) {
        const protocol = asString(props.protocol)?.toUpperCase();
        if (protocol !== undefined && config.forbiddenProtocols.map((p) => p.toUpperCase()).includes(protocol)) {
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

export const s3BucketPolicySecureTransport = resourcePolicy({
    name: "s3-bucket-policy-secure-transport",
    theme: "tls",
    severity: "high",
    summary: "S3 bucket policies deny every principal when aws:SecureTransport is false, so the bucket cannot be read or written over HTTP.",
    refs: { checkov: ["CKV_AWS_379"] },
    remediation: "Add a statement { Effect: Deny, Principal: \"*\", Action: \"s3:*\", Resource: [bucket ARN, bucket ARN/*], " +
        "Condition: { Bool: { \"aws:SecureTransport\": \"false\" } } }.",
    types: [aws.s3.BucketPolicy],
    config: {},
    validate(props, { report }) {
        const doc = parseDocument(props.policy);
        if (doc === undefined || !doc.ok) {
            report(`The bucket policy cannot be read: ${doc === undefined ? "it is empty" : doc.error}.`);
            return;
        }
        const deniesPlainText = doc.statements.some((s) =>
            s.effect === "Deny" && s.principals.some((p) => p.kind === "*")
            && s.conditions.some((c) => /^bool(ifexists)?$/i.test(c.operator) && c.key.toLowerCase() === "aws:securetransport"
                && c.values.map((v) => v.toLowerCase()).includes("false")));
        if (!deniesPlainText) {
            const allows = doc.statements.filter((s) => s.effect === "Allow").map(describeStatement);
            report(`No Deny statement for Principal "*" with Bool aws:SecureTransport=false` +
                (allows.length > 0 ? `; ${allows.join(", ")} can then be used over plain HTTP.` : "."));
        }
    },
});

export const grafanaDataSourceTls = resourcePolicy({
    name: "grafana-datasource-tls",
    theme: "tls",
    severity: "high",
    summary: "Grafana data sources reach their backend over https and verify its certificate (no tlsSkipVerify). " +
        "No scanner checks Grafana data sources.",
    refs: {},
    remediation: "Use an https:// url and remove tlsSkipVerify from jsonDataEncoded; for a private CA set tlsAuthWithCACert " +
        "and put the CA in secureJsonDataEncoded.",
    types: [grafana.oss.DataSource],
    config: {
        allowLoopbackHttp: { type: "boolean", default: true, description: "Allow http:// to localhost (traffic stays on the host)." },
    },
    validate(props, { config, report }) {
        const url = asString(props.url);
        if (url !== undefined && isPlainHttpToNetwork(url, config.allowLoopbackHttp)) {
            report(`Data source url ${url} is plain http.`);
        }
        const jsonData = parseJsonish(props.jsonDataEncoded);
        if (jsonData.ok && isRecord(jsonData.value) && asBool(jsonData.value.tlsSkipVerify) === true) {
            report("jsonData.tlsSkipVerify is true: the backend certificate is not verified.");
        }
    },
});

/** Where rendered agent configuration lives in the inputs of each inspected type. */
function renderedConfigs(type: string, props: Props): { where: string; text: string }[] {
    if (type === "kubernetes:core/v1:ConfigMap") {
        const data = isRecord(props.data) ? props.data : {};
        return Object.entries(data).flatMap(([k, v]) => (typeof v === "string" ? [{ where: `data["${k}"]`, text: v }] : []));
    }
    // `insecureValue` is how non-secret parameters (rendered configs) keep their diff visible.
    return (["value", "insecureValue"] as const).flatMap((where) => {
        const text = asString(props[where]);
        return text === undefined ? [] : [{ where, text }];
    });
}

export const collectorExporterTls = resourcePolicy({
    name: "collector-exporter-tls",
    theme: "tls",
    severity: "high",
    summary: "Rendered OpenTelemetry/ADOT collector YAML and CloudWatch agent JSON (in SSM parameters and ConfigMaps) send " +
        "telemetry over verified TLS: no insecure: true, no insecure_skip_verify: true, no http:// endpoints. " +
        "No scanner looks inside rendered agent configuration.",
    refs: {},
    remediation: "Use https:// endpoints, remove insecure/insecure_skip_verify, and give the exporter a ca_file when the " +
        "endpoint uses a private CA.",
    types: [aws.ssm.Parameter, k8s.core.v1.ConfigMap],
    config: {
        collectorSections: {
            type: "array", items: { type: "string" }, default: ["exporters", "extensions"],
            description: "Collector config sections holding client-side (outbound) settings.",
        },
        insecureKeys: {
            type: "array", items: { type: "string" }, default: ["insecure", "insecure_skip_verify", "tls_skip_verify"],
            description: "Keys that disable TLS or certificate verification when true.",
        },
        allowLoopbackHttp: { type: "boolean", default: true, description: "Allow http:// to localhost (traffic stays on the host)." },
    },
    validate(props, { args, config, report }) {
        for (const { where, text } of renderedConfigs(args.type, props)) {
            const { kind, findings } = scanAgentConfig(text, config);
            for (const f of findings) {
                report(`${where} (${kind} config): ${f.path}: ${f.problem}.`);
            }
        }
    },
});
