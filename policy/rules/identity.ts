/**
 * Tenant identity: every ingress path into a telemetry hub requires a client identity, and the
 * tenant labels a hub writes come from that identity, never from what the sender claims.
 */
import { aws } from "../lib/providers";
import { PolicyResource } from "@pulumi/policy";
import { CONFIG_TEXT_TYPES } from "../lib/telemetry/configTypes";
import { configLocations, findCollectorDocs, POD_TEMPLATE_TYPES } from "../lib/telemetry/collector";
import { containerDefinitions } from "../lib/aws/secrets";
import { resourcePolicy, STACK_TAGS, stackPolicy } from "../lib/define";
import {
    actionsServe, ECS_SERVICE, ECS_TASK_DEFINITION, elbv2Kind, ENDPOINT_SERVICE, forwardedTargetGroups, isClassicElb, prop, resolveRefs, valueNames,
} from "../lib/aws/loadBalancers";
import { Terminator, terminatorsOf } from "../lib/telemetry/terminators";
import { tenantLabelFindings } from "../lib/telemetry/tenantLabels";
import { asArray, asBool, asNumber, asSetting, asString, isRecord, knownValue } from "../lib/values";

/** Default OTLP ports: 4317 gRPC and 4318 HTTP (IANA / OTLP spec), and 4319/4320 the pack's fleets have used for extra OTLP receivers. */
const DEFAULT_OTLP_PORTS = [4317, 4318, 4319, 4320];

/** Resources whose inputs can hold a terminator's configuration (same places as collector-exporter-tls). */
function isConfigBearing(type: string): boolean {
    return /^aws:(ssm\/parameter|s3\/bucketObject(v2)?|secretsmanager\/secretVersion|lambda\/function|batch\/jobDefinition|ecs\/(taskDefinition|daemonTaskDefinition)):/.test(type)
        || /^kubernetes:(core\/v1:(ConfigMap|ConfigMapPatch|Secret|SecretPatch)|helm\.sh\/)/.test(type) || POD_TEMPLATE_TYPES.includes(type);
}

/** The task definition and the parameters/secrets its containers read (secrets valueFrom, env), i.e. where its config comes from. */
function taskSources(td: PolicyResource, all: PolicyResource[]): PolicyResource[] {
    const out = new Set<PolicyResource>([td]);
    for (const d of td.propertyDependencies?.containerDefinitions ?? []) {
        if (isConfigBearing(d.type)) out.add(d);
    }
    const refs = containerDefinitions(prop(td, "containerDefinitions")).containers
        .flatMap((c) => asArray(c.secrets).filter(isRecord).map((s) => asString(s.valueFrom)))
        .filter((v): v is string => v !== undefined);
    const secrets = all.filter((r) => r.type === "aws:secretsmanager/secret:Secret" && refs.some((v) => valueNames(v, r)));
    for (const r of all) {
        if (r.type === "aws:ssm/parameter:Parameter") {
            const name = asString(prop(r, "name")) ?? r.name;
            if (refs.some((v) => valueNames(v, r) || v === name || v === `/${name}`)) out.add(r);
        } else if (r.type === "aws:secretsmanager/secretVersion:SecretVersion" && secrets.length > 0) {
            if (resolveRefs(r, "secretId", [prop(r, "secretId")], secrets).resources.length > 0) out.add(r);
        }
    }
    return [...out];
}

interface Target {
    /** Ports the targets receive the traffic on. */
    ports: number[];
    /** Where to look for the terminator; empty means the whole stack. */
    sources: PolicyResource[];
    what: string;
}

/** Where a target group delivers: ECS services' container ports and task configuration, attachments' ports, or the group's port. */
function targetsOf(tg: PolicyResource, all: PolicyResource[]): Target {
    const services = all.filter((r) => r.type === ECS_SERVICE);
    const tds = all.filter((r) => r.type === ECS_TASK_DEFINITION);
    const ports = new Set<number>();
    const sources = new Set<PolicyResource>();
    const names: string[] = [];
    for (const svc of services) {
        const lbs = asArray(prop(svc, "loadBalancers")).filter(isRecord);
        const mine = lbs.filter((l) => resolveRefs(svc, "loadBalancers", [l.targetGroupArn], [tg]).resources.length > 0
            && (asString(l.targetGroupArn) !== undefined || lbs.length === 1));
        if (mine.length === 0) continue;
        mine.forEach((l) => { const p = asNumber(l.containerPort); if (p !== undefined) ports.add(p); });
        names.push(`ECS service ${svc.name}`);
        for (const td of resolveRefs(svc, "taskDefinition", [prop(svc, "taskDefinition")], tds).resources) {
            taskSources(td, all).forEach((s) => sources.add(s));
        }
    }
    for (const att of all.filter((r) => elbv2Kind(r.type) === "targetGroupAttachment")) {
        if (resolveRefs(att, "targetGroupArn", [prop(att, "targetGroupArn")], [tg]).resources.length > 0) {
            const p = asNumber(prop(att, "port"));
            if (p !== undefined) ports.add(p);
        }
    }
    if (ports.size === 0) {
        const p = asNumber(prop(tg, "port"));
        if (p !== undefined) ports.add(p);
    }
    return { ports: [...ports], sources: [...sources], what: names.length > 0 ? names.join(", ") : `target group ${tg.name}` };
}

/** Without the target group in the plan, ECS services that name the same target-group ARN string are the targets. */
function unresolvedTargets(refs: unknown[], port: number | undefined, all: PolicyResource[]): Target {
    const arns = refs.map(asString).filter((v): v is string => v !== undefined);
    const tds = all.filter((r) => r.type === ECS_TASK_DEFINITION);
    const ports = new Set<number>();
    const sources = new Set<PolicyResource>();
    const names: string[] = [];
    for (const svc of all.filter((r) => r.type === ECS_SERVICE)) {
        const mine = asArray(prop(svc, "loadBalancers")).filter(isRecord).filter((x) => arns.includes(asString(x.targetGroupArn) ?? "\u0000"));
        if (mine.length === 0) continue;
        mine.forEach((x) => { const p = asNumber(x.containerPort); if (p !== undefined) ports.add(p); });
        names.push(`ECS service ${svc.name}`);
        for (const td of resolveRefs(svc, "taskDefinition", [prop(svc, "taskDefinition")], tds).resources) {
            taskSources(td, all).forEach((x) => sources.add(x));
        }
    }
    if (ports.size === 0 && port !== undefined) ports.add(port);
    return { ports: [...ports], sources: [...sources], what: names.length > 0 ? names.join(", ") : "its targets" };
}

const terminatorCache = new WeakMap<PolicyResource, Terminator[]>();
function terminatorsIn(r: PolicyResource): Terminator[] {
    let t = terminatorCache.get(r);
    if (t === undefined) {
        t = isConfigBearing(r.type) ? (knownTerminators(r) ?? []) : [];
        terminatorCache.set(r, t);
    }
    return t;
}
/** Unknown values (a real preview) leave a resource without known terminators instead of failing the whole rule. */
function knownTerminators(r: PolicyResource): Terminator[] | undefined {
    return knownValue(() => terminatorsOf(r.type, r.name, r.urn, r.props));
}

/** Judges the terminators listening on `port` reachable from the load balancer; undefined when they all require client certificates. */
function terminatorProblem(port: number, scoped: PolicyResource[], all: PolicyResource[]): string | undefined {
    const pool = (scoped.length > 0 ? scoped : all).flatMap(terminatorsIn);
    let candidates = pool.filter((t) => t.from <= port && port <= t.to && t.scope !== "loopback");
    if (candidates.length === 0 && scoped.length > 0 && !pool.some((t) => t.scope !== "loopback")) {
        // The task's own sources show no listener at all (its config comes from a place the plan does not link): look stack-wide.
        // When they do show listeners, just not on this port, another resource's terminator is not this task's.
        candidates = all.flatMap(terminatorsIn).filter((t) => t.from <= port && port <= t.to && t.scope !== "loopback");
    }
    if (candidates.length === 0) {
        const elsewhere = pool.filter((t) => t.scope !== "loopback").map((t) => `${t.label} in ${t.where}`);
        return `no terminator listening on port ${port} was found in the plan (an HAProxy \`bind\` or a collector receiver on a non-loopback address${elsewhere.length > 0 ? `; found only ${elsewhere.slice(0, 3).join("; ")}` : ""})`;
    }
    const weak = candidates.filter((t) => t.gap !== undefined);
    if (weak.length > 0) {
        return weak.map((t) => `${t.kind === "haproxy" ? "HAProxy" : "collector"} ${t.label} in ${t.where} ${t.gap}`).join("; ");
    }
    return undefined;
}

/** The short form of the fix that messages end with (the remediation text carries the long form). */
const FIX_LB = "Fix: set mutualAuthentication { mode: \"verify\", trustStoreArn } on the listener, or make it a TCP pass-through to a target that requires client certificates.";
const FIX_PASS = "Fix: terminate at the target with a verified client certificate (HAProxy `bind :<port> ssl crt <pem> ca-file <CA> verify required`, or a collector receiver with tls.client_ca_file), or use a TLS listener with mutualAuthentication verify.";

const FIX = "Either terminate TLS at the load balancer with mutualAuthentication { mode: \"verify\", trustStoreArn } (and " +
    "ignoreClientCertificateExpiry false), or pass TCP through to a target that requires a verified client certificate: HAProxy " +
    "`bind :<port> ssl crt <pem> ca-file <tenant CA> verify required`, or a collector receiver with tls.client_ca_file.";

export const hubIngressClientIdentity = stackPolicy({
    name: "hub-ingress-client-identity",
    theme: "identity",
    severity: "critical",
    summary: "Every ingress path into a telemetry hub requires a client identity. Ingress paths are the listeners (aws.lb/aws.alb " +
        "Listener and their elasticloadbalancingv2/applicationloadbalancing aliases) of load balancers published through a VPC " +
        "endpoint service (networkLoadBalancerArns/gatewayLoadBalancerArns), and listeners (also classic ELB listeners) on the OTLP " +
        "ports of any load balancer. A listener that terminates TLS needs mutualAuthentication mode verify with a trust store and " +
        "without ignoreClientCertificateExpiry (https://docs.aws.amazon.com/elasticloadbalancing/latest/network/mutual-authentication.html); " +
        "a TCP pass-through needs a terminator found in the plan on the target port (ECS container port, attachment port or target-group " +
        "port) that requires a verified client certificate: an HAProxy bind with ssl, crt, ca-file and verify required and no " +
        "*-ignore-err, or a collector receiver with tls.client_ca_file. Plain HTTP, UDP and GENEVE listeners carry no client identity.",
    refs: {},
    remediation: FIX,
    reads: [aws.lb.Listener, aws.alb.Listener, aws.lb.LoadBalancer, aws.alb.LoadBalancer, aws.lb.TargetGroup, aws.alb.TargetGroup, aws.lb.TargetGroupAttachment, aws.alb.TargetGroupAttachment, aws.elb.LoadBalancer, aws.ec2.VpcEndpointService, aws.ecs.Service, aws.ecs.TaskDefinition],
    config: {
        otlpPorts: {
            type: "array", items: { type: "integer", minimum: 1, maximum: 65535 }, default: DEFAULT_OTLP_PORTS,
            description: "Listener ports that are telemetry ingress on any load balancer, published or not.",
        },
        acceptLoadBalancerMtls: {
            type: "boolean", default: true,
            description: "Count a TLS/HTTPS listener with mutualAuthentication verify + trust store as requiring a client identity. NLB verify " +
                "mode passes nothing about the client to targets, so tenant labels cannot be bound to it; see collector-tenant-labels-from-identity.",
        },
    },
    validate({ args, config, report }) {
        const all = args.resources;
        const lbs = all.filter((r) => elbv2Kind(r.type) === "loadBalancer");
        const tgs = all.filter((r) => elbv2Kind(r.type) === "targetGroup");
        const services = all.filter((r) => r.type === ENDPOINT_SERVICE).map((eps) => {
            const keys = ["networkLoadBalancerArns", "gatewayLoadBalancerArns"];
            const resolved = keys.map((k) => resolveRefs(eps, k, asArray(prop(eps, k)), lbs));
            const raw = keys.flatMap((k) => asArray(prop(eps, k)));
            return {
                eps, lbs: resolved.flatMap((r) => r.resources), unresolved: resolved.some((r) => r.unresolved),
                raw: raw.map(asString).filter((v): v is string => v !== undefined), hasUnknown: raw.some((v) => asString(v) === undefined),
            };
        });
        for (const l of all.filter((r) => elbv2Kind(r.type) === "listener")) {
            const lb = resolveRefs(l, "loadBalancerArn", [prop(l, "loadBalancerArn")], lbs).resources[0];
            const port = asNumber(prop(l, "port"));
            const rawLb = asString(prop(l, "loadBalancerArn"));
            // Resolved resources compare as resources; references the plan cannot resolve compare as the same ARN string,
            // and an unknown one on either side may be the same load balancer.
            const publishedBy = services.filter((s) => (lb !== undefined && s.lbs.includes(lb)) || (rawLb !== undefined && s.raw.includes(rawLb))
                || (lb === undefined && s.unresolved && (rawLb === undefined || s.hasUnknown))).map((s) => s.eps.name);
            if (publishedBy.length === 0 && (port === undefined || !config.otlpPorts.includes(port))) {
                continue;
            }
            const lbType = lb !== undefined ? (asString(prop(lb, "loadBalancerType")) ?? "application") : undefined;
            const protocol = (asString(prop(l, "protocol")) ?? (lbType === "gateway" ? "GENEVE" : lbType === "network" ? "TCP" : "HTTP")).toUpperCase();
            const subject = `Listener ${l.name} (port ${port ?? "unset"}, ${protocol})${lb !== undefined ? ` of load balancer ${lb.name}` : ""}` +
                (publishedBy.length > 0 ? `, published through endpoint service ${publishedBy.join(", ")},` : " on an OTLP port");
            const problem = listenerProblem(l, protocol, port, config.acceptLoadBalancerMtls, tgs, all);
            if (problem !== undefined) {
                report(`${subject} ${problem}`, l.urn);
            }
        }
        for (const elb of all.filter((r) => isClassicElb(r.type))) {
            asArray(prop(elb, "listeners")).filter(isRecord).forEach((li, i) => {
                const port = asNumber(li.lbPort);
                if (port === undefined || !config.otlpPorts.includes(port)) return;
                const proto = (asString(li.lbProtocol) ?? "").toUpperCase();
                let problem: string | undefined;
                if (proto !== "TCP") {
                    problem = `terminates ${proto} at the classic load balancer, which cannot require client certificates.`;
                } else {
                    const p = terminatorProblem(asNumber(li.instancePort) ?? port, [], all);
                    problem = p === undefined ? undefined : `passes TCP through, but ${p}.`;
                }
                if (problem !== undefined) {
                    report(`Classic load balancer ${elb.name} listeners[${i}] (port ${port}, ${proto}) on an OTLP port ${problem} ${FIX_PASS.replace(", or use a TLS listener with mutualAuthentication verify", "")}`, elb.urn);
                }
            });
        }
    },
});

function listenerProblem(l: PolicyResource, protocol: string, port: number | undefined, acceptMtls: boolean, tgs: PolicyResource[], all: PolicyResource[]): string | undefined {
    const actions = prop(l, "defaultActions");
    if (protocol === "HTTPS" || protocol === "TLS") {
        const ma = asArray(prop(l, "mutualAuthentication")).find(isRecord);
        const mode = (asString(ma?.mode) ?? "off").toLowerCase();
        if (mode !== "verify") {
            return `terminates ${protocol} at the load balancer and mutualAuthentication.mode is ${mode === "off" && ma === undefined ? "not set (off)" : mode}, ` +
                `so clients connect without a verified certificate${mode === "passthrough" ? " (passthrough hands the unverified chain to the target in a header)" : ""}. ${FIX_LB}`;
        }
        // During a preview the trust store's ARN is not known yet; its property dependency says it is set.
        const trustStoreDep = (l.propertyDependencies?.mutualAuthentication ?? []).some((d) => /\/trustStore:TrustStore$/.test(d.type));
        if (asSetting(ma?.trustStoreArn) === undefined && !trustStoreDep) {
            return `sets mutualAuthentication.mode verify without a trustStoreArn. Fix: set mutualAuthentication.trustStoreArn to a trust store holding only the tenant CA.`;
        }
        if (asBool(ma?.ignoreClientCertificateExpiry) === true) {
            return "sets mutualAuthentication.ignoreClientCertificateExpiry true, so expired client certificates are admitted. Fix: set it to false.";
        }
        if (!acceptMtls) {
            return `relies on load-balancer mutual TLS, which this configuration does not accept (acceptLoadBalancerMtls false). ${FIX_PASS}`;
        }
        return undefined;
    }
    if (!actionsServe(actions)) {
        return undefined; // redirects / fixed responses only: nothing reaches a target
    }
    if (protocol === "GENEVE") {
        return `forwards raw packets (GENEVE) to appliances; no client identity is established on this path. Fix: publish the hub through a Network Load Balancer whose listeners require client certificates.`;
    }
    if (protocol === "HTTP") {
        return `accepts plain HTTP: the load balancer ends the client connection, so no client certificate can reach a target. ${FIX_LB.replace("make it", "use")}`;
    }
    if (protocol === "UDP" || protocol === "TCP_UDP") {
        return `accepts UDP, which carries no TLS and so no client certificate. Fix: use a TLS listener with mutualAuthentication verify, or a TCP pass-through to a target that requires client certificates.`;
    }
    const refs = forwardedTargetGroups(actions);
    const resolved = resolveRefs(l, "defaultActions", refs, tgs).resources;
    const targets = resolved.length > 0 ? resolved.map((tg) => targetsOf(tg, all)) : [unresolvedTargets(refs, port, all)];
    const problems: string[] = [];
    for (const t of targets) {
        if (t.ports.length === 0) {
            problems.push(`the port ${t.what} receive on is unknown`);
        }
        for (const p of t.ports) {
            const problem = terminatorProblem(p, t.sources, all);
            if (problem !== undefined) problems.push(`${t.what} on port ${p}: ${problem}`);
        }
    }
    return problems.length > 0 ? `passes ${protocol} through, but ${problems.join("; ")}. ${FIX_PASS}` : undefined;
}


export const collectorTenantLabelsFromIdentity = resourcePolicy({
    name: "collector-tenant-labels-from-identity",
    theme: "identity",
    severity: "critical",
    summary: "In a collector that receives OTLP from other parties and writes to a metrics store (a pipeline, possibly through " +
        "connectors, from an otlp/otlp/* receiver to a prometheusremotewrite* exporter), every tenant label is set from an identity " +
        "the sender cannot forge: a resource processor action from_context metadata.<key> or auth.<key> (upsert or insert) placed " +
        "after a delete that removes every copy of every key the exporter turns into that label (an OTLP request may repeat a key, " +
        "and a key delete, upsert or update touches only the first copy; keys such as `source.role`, `source..role` or `source_-_role` also become `source_role`, and with a UTF-8 translation_strategy resource attributes still do on target_info), " +
        "after every processor that sets the label from attributes or values, before any batch processor that does not keep that " +
        "metadata key (metadata_keys); the pipeline's OTLP receivers set include_metadata: true on every protocol for metadata.* " +
        "keys; and on data points every copy of those keys is deleted (attributes processor delete by pattern, or a transform " +
        "delete_matching_keys/keep_keys) before export, because a data-point attribute survives beside or instead of the resource's. " +
        "Label names follow the exporter's translation_strategy (NoUTF8EscapingWithSuffixes/NoTranslation: the raw key on data points); " +
        "a value the exporter's Validate refuses (the collector would not start) is reported. " +
        "Collectors without a metrics-store exporter (forwarders) and stacks outside `roles` (default hub; spokes label themselves) are out of scope.",
    refs: {},
    remediation: "In every ingest pipeline, before batch: resource/identity { delete pattern ^(?:account|site|source[^0-9A-Za-z]+role)$; " +
        "upsert <label> from_context: metadata.<header set by the TLS terminator from the client certificate> } and attributes/identity " +
        "{ delete the same pattern }, and include_metadata: true on the OTLP receivers' grpc and http protocols.",
    types: CONFIG_TEXT_TYPES,
    config: {
        tenantLabels: {
            type: "array", items: { type: "string" }, minItems: 1, default: ["account", "site", "source_role"],
            description: "Labels that name the tenant or its tier (resource attribute keys that become series labels; source_role tells the hub's own series from tenants').",
        },
        ingestReceivers: {
            type: "array", items: { type: "string" }, default: ["otlp"],
            description: "Receiver types that accept telemetry pushed by other parties.",
        },
        metricsStoreExporters: {
            type: "array", items: { type: "string" }, default: ["prometheusremotewrite*"],
            description: "Exporter type globs that write to a metrics store.",
        },
        roles: {
            type: "array", items: { type: "string" }, default: ["hub"],
            description: `Values of the ${STACK_TAGS.role} stack tag whose collectors receive from other tenants (a stack without the tag is judged). ` +
                "Spokes label themselves with fixed values and receive only from their own workloads.",
        },
    },
    validate(props, { args, config, report }) {
        const role = args.stackTags.get(STACK_TAGS.role);
        if (role !== undefined && !config.roles.includes(role)) {
            args.notApplicable(`Only stacks whose ${STACK_TAGS.role} tag is one of ${config.roles.join(", ")}.`);
        }
        for (const { where, value } of configLocations(args.type, props)) {
            for (const found of findCollectorDocs(value, where).docs) {
                for (const f of tenantLabelFindings(found.doc, config)) {
                    report(`${found.where} (collector config): ${f}`);
                }
            }
        }
    },
});
