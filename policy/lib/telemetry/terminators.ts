/**
 * Where client connections end: HAProxy binds and OpenTelemetry collector receivers found in any
 * configuration the pack discovers (configLocations: SSM parameters, ConfigMaps, Secrets, Helm values,
 * S3 objects, Secrets Manager versions, container environment), with the addresses and ports they
 * listen on and whether they require a verified client certificate.
 */
import { configLocations, findCollectorDocs, podSpecs } from "./collector";
import { componentTypeKey, isOfType } from "./componentTypes";
import { containerDefinitions } from "../aws/secrets";
import { bindClientCertGap, HaproxyBind, looksLikeHaproxy, parseHaproxyConfig } from "./haproxy";
import { asArray, asNumber, asString, asStringArray, isRecord, Props } from "../values";

/** `loopback`: only the host itself; `any`: every interface; `specific`: one address; `runtime`: substituted at run time (${env:...}). */
export type HostScope = "loopback" | "any" | "specific" | "runtime";

/** Classifies a listen host: 127.0.0.0/8, ::1, localhost (and IPv4-mapped loopback) are loopback. */
export function hostScope(rawHost: string): HostScope {
    const host = rawHost.trim().replace(/^\[(.*)\]$/, "$1").toLowerCase();
    if (host.includes("${") || host.includes("$(")) {
        return "runtime";
    }
    if (host === "" || host === "*" || host === "0.0.0.0" || host === "::" || /^(0+:){7}0+$/.test(host) || host === "::0") {
        return "any";
    }
    if (host === "localhost" || host.endsWith(".localhost") || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) || host === "::1"
        || /^(0+:){7}0*1$/.test(host) || /^::ffff:127\./.test(host)) {
        return "loopback";
    }
    return "specific";
}

/** Splits `host:port` (`[v6]:port`, `:port`); the port is undefined when not a literal number. */
export function splitHostPort(endpoint: string): { host: string; port?: number } {
    const e = endpoint.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, "").replace(/\/.*$/, "");
    const bracket = /^\[([^\]]*)\](?::(.*))?$/.exec(e);
    if (bracket) {
        return { host: bracket[1], port: asNumber(bracket[2]) };
    }
    const i = e.lastIndexOf(":");
    return i < 0 ? { host: e } : { host: e.slice(0, i), port: /^\d+$/.test(e.slice(i + 1)) ? Number(e.slice(i + 1)) : undefined };
}

/** A server endpoint of a collector receiver. */
export interface ReceiverServer {
    receiver: string;
    protocol?: string;
    /** Dotted path of the server settings, e.g. `receivers.otlp.protocols.http`. */
    path: string;
    endpoint: string;
    host: string;
    port?: number;
    scope: HostScope;
    tls?: Record<string, unknown>;
    /** True when the endpoint was not written and the receiver's default applies. */
    defaulted: boolean;
}

/**
 * Default OTLP receiver endpoints: localhost:4317 (gRPC) and localhost:4318 (HTTP) in
 * go.opentelemetry.io/collector/receiver/otlpreceiver@v0.117.0 factory.go:46,54 (the release ADOT's
 * pinned components are built from).
 */
const OTLP_DEFAULTS: Record<string, string> = { grpc: "localhost:4317", http: "localhost:4318" };

/** Protocols that are UDP datagrams (no TLS possible), e.g. jaeger thrift_compact/thrift_binary. */
const UDP_PROTOCOLS = /^(thrift_compact|thrift_binary|udp)$/;

function receiverType(id: string): string {
    return componentTypeKey(id);
}

/** Every server endpoint of the given receiver types in a collector configuration. */
export function receiverServers(doc: Record<string, unknown>, types: readonly string[]): ReceiverServer[] {
    const out: ReceiverServer[] = [];
    const receivers = isRecord(doc.receivers) ? doc.receivers : {};
    for (const [id, cfg] of Object.entries(receivers)) {
        const type = receiverType(id);
        if (!isOfType(id, types)) {
            continue;
        }
        const add = (protocol: string | undefined, settings: unknown, path: string) => {
            const s = isRecord(settings) ? settings : {};
            const written = asString(s.endpoint);
            const endpoint = written ?? (type === "otlp" && protocol !== undefined ? OTLP_DEFAULTS[protocol] : undefined);
            if (endpoint === undefined) {
                return;
            }
            const { host, port } = splitHostPort(endpoint);
            out.push({ receiver: id, protocol, path, endpoint, host, port, scope: hostScope(host), tls: isRecord(s.tls) ? s.tls : undefined, defaulted: written === undefined });
        };
        const c = isRecord(cfg) ? cfg : {};
        if (isRecord(c.protocols)) {
            for (const [p, settings] of Object.entries(c.protocols)) {
                if (!UDP_PROTOCOLS.test(p)) {
                    add(p, settings, `receivers.${id}.protocols.${p}`);
                }
            }
        } else if (type !== "otlp") {
            add(undefined, c, `receivers.${id}`);
        }
    }
    return out;
}

/** A place where a client connection ends, found in some resource's configuration. */
export interface Terminator {
    /** Resource name and input, e.g. `hub-haproxy-config value`. */
    where: string;
    urn: string;
    kind: "haproxy" | "collector";
    /** What listens, for messages: `bind :4318 (frontend fe, line 3)` or `receivers.otlp.protocols.http (0.0.0.0:4318)`. */
    label: string;
    from: number;
    to: number;
    scope: HostScope;
    /** Why it does not require a verified client certificate; undefined when it does. */
    gap?: string;
}

/** Receiver types that are servers for pushed telemetry (their `endpoint` is where they listen). */
export const SERVER_RECEIVER_TYPES = ["otlp", "otelarrow", "jaeger", "zipkin", "opencensus", "prometheusremotewrite", "loki", "splunk_hec",
    "signalfx", "datadog", "influxdb", "skywalking", "sapm", "awsfirehose", "webhookevent"];

/**
 * A collector server requires a verified client certificate exactly when its server TLS names
 * client_ca_file: "This sets the ClientCAs and ClientAuth to RequireAndVerifyClientCert"
 * (go.opentelemetry.io/collector/config/configtls@v1.23.0 configtls.go:118-121, applied at 398-412).
 */
export function receiverClientCertGap(s: ReceiverServer): string | undefined {
    if (s.tls === undefined || (asString(s.tls.cert_file) === undefined && asString(s.tls.cert_pem) === undefined)) {
        return "has no server TLS (tls.cert_file)";
    }
    if (asString(s.tls.client_ca_file) === undefined) {
        return "does not require a client certificate (no tls.client_ca_file)";
    }
    return undefined;
}

function bindLabel(b: HaproxyBind): string {
    return `\`${b.text}\` (${b.section}, line ${b.line})`;
}

/**
 * Container command lines, where a configuration is sometimes written inline (`sh -c "cat > haproxy.cfg <<EOF ..."`):
 * each argument of an ECS container's command/entryPoint and a pod container's command/args.
 */
function commandLocations(type: string, props: Props): { where: string; value: unknown }[] {
    const out: { where: string; value: unknown }[] = [];
    if (type === "aws:ecs/taskDefinition:TaskDefinition" || type === "aws:ecs/daemonTaskDefinition:DaemonTaskDefinition") {
        containerDefinitions(props.containerDefinitions).containers.forEach((c, i) => {
            for (const k of ["command", "entryPoint"]) {
                asStringArray(c[k]).forEach((v, j) => out.push({ where: `container ${typeof c.name === "string" ? `"${c.name}"` : i} ${k}[${j}]`, value: v }));
            }
        });
    }
    for (const { where, spec } of podSpecs(type, props)) {
        for (const list of ["containers", "initContainers"] as const) {
            for (const c of asArray(spec[list]).filter(isRecord)) {
                for (const k of ["command", "args"]) {
                    asStringArray(c[k]).forEach((v, j) => out.push({ where: `${where}.${list}[${asString(c.name) ?? "?"}].${k}[${j}]`, value: v }));
                }
            }
        }
    }
    return out;
}

/** Every HAProxy bind and collector receiver server in one resource's configuration inputs. */
export function terminatorsOf(type: string, name: string, urn: string, props: Props): Terminator[] {
    const out: Terminator[] = [];
    for (const loc of [...configLocations(type, props), ...commandLocations(type, props)]) {
        const found = findCollectorDocs(loc.value, loc.where);
        for (const { where, doc } of found.docs) {
            for (const s of receiverServers(doc, SERVER_RECEIVER_TYPES)) {
                if (s.port === undefined) {
                    continue;
                }
                out.push({ where: `${name} ${where}`, urn, kind: "collector", label: `${s.path} (${s.endpoint}${s.defaulted ? ", the default" : ""})`,
                    from: s.port, to: s.port, scope: s.scope, gap: receiverClientCertGap(s) });
            }
        }
        for (const { where, text } of found.texts) {
            if (!looksLikeHaproxy(text)) {
                continue;
            }
            for (const b of parseHaproxyConfig(text).binds) {
                for (const a of b.addresses) {
                    out.push({ where: `${name} ${where}`, urn, kind: "haproxy", label: bindLabel(b), from: a.from, to: a.to, scope: hostScope(a.host), gap: bindClientCertGap(b) });
                }
            }
        }
    }
    return out;
}
