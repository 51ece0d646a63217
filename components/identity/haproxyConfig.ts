import { COLLECTOR_INTERNAL_PORTS, COLLECTOR_PORTS, TLS_DIR } from "../telemetry/collectorPorts";
import { CERT_SEEN_DEFAULTS, CERT_SEEN_LUA_NAMES } from "./certSeen";
import { TENANT_HEADERS } from "./tenants";

/**
 * The hub task's tenant proxy (HAProxy 2.6, the Debian version the tests run): it terminates the
 * senders' mutual TLS, derives the tenant from the verified client certificate and hands the
 * request to the collector on loopback with the identity headers it set itself.
 *
 * HAProxy 2.6 reference: https://docs.haproxy.org/2.6/configuration.html (also
 * /usr/share/doc/haproxy/configuration.txt.gz of Debian's package). What 2.6 can read: the client
 * certificate's subject (`ssl_c_s_dn`) and serial (`ssl_c_serial`), not its SAN (`ssl_c_san` is
 * 3.1) nor PROXY v2 TLVs such as the VPC endpoint ID (`fc_pp_tlv` is 2.9): hence CN-based maps.
 */

/** Files the proxy reads, in the task volume the init container fills (see collectorTask.ts). */
export const IDENTITY_FILES = {
    /** Server certificate, chain and private key in one PEM (what `bind ... crt` loads). */
    serverPem: `${TLS_DIR}/server.pem`,
    /** The hub tenant CA only: never a site's own CA, which could mint any tenant's name. */
    tenantCa: `${TLS_DIR}/tenant-ca.pem`,
    /** `<CN> <account>` per line (tenantMaps().account). */
    accountMap: `${TLS_DIR}/tenant-account.map`,
    /** `<CN> <site>` per line (tenantMaps().site). */
    siteMap: `${TLS_DIR}/tenant-site.map`,
    /** Revoked certificate serials, upper-case hex without separators, one per line (may be empty). */
    revokedSerials: `${TLS_DIR}/revoked-serials.lst`,
    /** The Lua script recording presented certificates (certSeen.ts renderCertSeenLua). */
    certSeenLua: `${TLS_DIR}/cert-seen.lua`,
    /** The rendered configuration itself. */
    haproxyCfg: `${TLS_DIR}/haproxy.cfg`,
} as const;

type Ports = { otlpGrpc: number; otlpHttp: number; health: number };

export interface HaproxyConfigOptions {
    /** Bind address of the public frontends. Default "0.0.0.0" (the task ENI; the NLB is the only source its security group admits). */
    readonly host?: string;
    /** Public ports. Default COLLECTOR_PORTS. */
    readonly ports?: Partial<Ports>;
    /** The collector's loopback endpoints, "host:port". Default 127.0.0.1:COLLECTOR_INTERNAL_PORTS. */
    readonly backends?: { otlpGrpc?: string; otlpHttp?: string; health?: string };
    /** Where the proxy finds its files. Default IDENTITY_FILES. */
    readonly files?: { serverPem?: string; tenantCa?: string; accountMap?: string; siteMap?: string; revokedSerials?: string; certSeenLua?: string };
    /** Loopback port of the presented-certificate metrics (certSeen.ts). Default CERT_SEEN_DEFAULTS.port. */
    readonly certSeenPort?: number;
    /** Runtime API socket (tests inspect maps and counters through it). Default: none. */
    readonly stats?: { socket: string };
}

/**
 * Forward-secret AEAD suites only for TLS 1.2 (1.3 suites are all forward-secret). Mirrors the
 * "intermediate" profile of https://ssl-config.mozilla.org/ for HAProxy.
 */
export const PROXY_TLS12_CIPHERS = [
    "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384",
    "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305",
].join(":");
export const PROXY_TLS13_CIPHERSUITES = "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";

/** HAProxy refuses to start on a config whose values contain spaces or quotes where a word is expected. */
function word(field: string, v: string): string {
    if (!/^[A-Za-z0-9_./:@-]+$/.test(v)) {
        throw new Error(`renderHaproxyConfig: ${field}: expected a path or address without spaces or quotes (got ${JSON.stringify(v)})`);
    }
    return v;
}

function port(field: string, v: number): number {
    if (!Number.isInteger(v) || v < 1 || v > 65535) {
        throw new Error(`renderHaproxyConfig: ${field}: expected a port 1-65535 (got ${v})`);
    }
    return v;
}

/**
 * The identity rules of one mutual-TLS frontend, in order:
 * 1. close the connection of a revoked serial right after the handshake (`tcp-request session`, 2.6
 *    manual 4.2: evaluated once the TLS session is established, so `ssl_c_serial` is known; `hex` gives
 *    upper-case hex, the list's form). Not a 403: that is final to OTLP exporters (they retry only
 *    429/502/503/504 and UNAVAILABLE-like codes) and kept the connection, so a sender never
 *    re-handshook with its renewed certificate (issue 31). A closed connection is retried by both
 *    exporters, each retry is a new handshake, so the tenant's data waits in its queue and flows
 *    again as soon as its collector presents the new certificate (CLIENT_CERT_RELOAD_INTERVAL);
 * 2. delete every identity header the client sent (a sender must never name itself);
 * 3. look the verified certificate's CN up in the maps;
 * 4. refuse a CN the account map does not know (a CA-valid certificate of a tenant removed from the
 *    fleet) with 403: final, the sender drops the data, as it should for a tenant that no longer exists;
 * 5. set the headers the collector copies into `account`/`site`/`source_role`;
 * 6. record the presented certificate's serial and notAfter for the tenant (certSeen.ts): only here,
 *    after the handshake verified it against the tenant CA, the revoked serials closed it and the
 *    maps named the tenant, so what is recorded is what a sender really uses.
 */
function identityRules(files: Required<NonNullable<HaproxyConfigOptions["files"]>>): string[] {
    const h = TENANT_HEADERS;
    return [
        `tcp-request session reject if { ssl_c_serial,hex -m str -f ${files.revokedSerials} }`,
        ...Object.values(h).map((name) => `http-request del-header ${name}`),
        `http-request set-var(txn.tenant_account) ssl_c_s_dn(CN),map(${files.accountMap})`,
        `http-request set-var(txn.tenant_site) ssl_c_s_dn(CN),map(${files.siteMap})`,
        "http-request deny deny_status 403 unless { var(txn.tenant_account) -m found }",
        `http-request set-header ${h.account} %[var(txn.tenant_account)]`,
        `http-request set-header ${h.site} %[var(txn.tenant_site)] if { var(txn.tenant_site) -m found }`,
        `http-request set-header ${h.role} %[ssl_c_s_dn(OU)]`,
        "http-request set-var(txn.cert_serial) ssl_c_serial,hex",
        "http-request set-var(txn.cert_not_after) ssl_c_notafter",
        `http-request lua.${CERT_SEEN_LUA_NAMES.action}`,
    ];
}

/**
 * AMP's own refusals of a remote write, as the collector reports them. The remote-write exporter of contrib
 * v0.156.0 answers any non-2xx with `remote write request failed` (exporter/prometheusremotewriteexporter
 * exporter.go:498) and marks it permanent only for a 4xx other than 429 (exporter.go:500-510: 5xx, and 429
 * with the RetryOn429 gate, stay retryable); the receiver passes the message on (grpc-message, or the
 * rpc.Status body of OTLP/HTTP) behind consumererror's `Permanent error: ` prefix. A 4xx other than 429
 * (invalid, too old, duplicate-with-another-value samples, a request too large) fails again on every retry.
 * Checked against the built collector: 400 and 413 → `Permanent error: remote write request failed`
 * (INTERNAL / 500); 503, 429 and a refused connection → `remote write request failed` or the dial error
 * (UNAVAILABLE / 503); a store that does not answer within the budget → `Permanent error: context deadline exceeded`.
 */
export const STORE_REFUSED_PATTERN = "Permanent error: remote write request failed";

/**
 * Rules that turn the collector's answers about the store into what a sender should do. The receiver
 * answers a permanent error as gRPC INTERNAL / HTTP 500 and any other as UNAVAILABLE / 503
 * (otlpreceiver@v0.156.0 internal/errors/errors.go:15-57); OTLP exporters never retry INTERNAL / 500.
 * With the hub acknowledging only what AMP stored, the exporter's permanent answers that are not AMP's
 * verdict on the data (a remote write that timed out: `context deadline exceeded`, exporter.go:524-527)
 * would otherwise make senders drop what the hub could not write. So:
 * - AMP unreachable, 5xx, 429 (retryable already), a timeout ("wait"): gRPC status 13 → 14 UNAVAILABLE,
 *   HTTP 500 → 503, both retried by the senders' exporters from their queues;
 * - AMP refused the data itself (STORE_REFUSED_PATTERN, "give up"): left as INTERNAL / 500, final, so
 *   one bad batch cannot block a sender's single-consumer queue forever.
 * gRPC errors come back trailers-only (one HEADERS frame when no header was sent yet: grpc-go's
 * internal/transport/http2_server.go writeStatus), so grpc-status is a response header here. The HTTP body is waited for only on a 500.
 */
function storeAnswerRules(): string[] {
    return [
        `acl store_refused_grpc res.hdr(grpc-message) -m reg "${STORE_REFUSED_PATTERN}"`,
        "http-response set-header grpc-status 14 if { res.hdr(grpc-status) -m str 13 } !store_refused_grpc",
        "http-response wait-for-body time 5s if { status 500 }",
        `http-response set-status 503 if { status 500 } !{ res.body -m reg "${STORE_REFUSED_PATTERN}" }`,
    ];
}

type Backends = { otlpGrpc: string; otlpHttp: string; health: string };
type Files = Required<NonNullable<HaproxyConfigOptions["files"]>>;

function resolvePorts(o: HaproxyConfigOptions): Ports {
    const ports: Ports = { ...COLLECTOR_PORTS, ...(o.ports ?? {}) };
    for (const [k, v] of Object.entries(ports)) {
        port(`ports.${k}`, v);
    }
    if (new Set(Object.values(ports)).size !== 3) {
        throw new Error(`renderHaproxyConfig: ports: the gRPC, HTTP and health frontends need their own port (got ${Object.values(ports).join(", ")})`);
    }
    return ports;
}

function resolveBackends(o: HaproxyConfigOptions): Backends {
    const backends = {
        otlpGrpc: `127.0.0.1:${COLLECTOR_INTERNAL_PORTS.otlpGrpc}`,
        otlpHttp: `127.0.0.1:${COLLECTOR_INTERNAL_PORTS.otlpHttp}`,
        health: `127.0.0.1:${COLLECTOR_INTERNAL_PORTS.health}`,
        ...(o.backends ?? {}),
    };
    for (const [k, v] of Object.entries(backends)) {
        const m = /^(.+):(\d+)$/.exec(word(`backends.${k}`, v));
        if (m === null) {
            throw new Error(`renderHaproxyConfig: backends.${k}: expected host:port (got ${v})`);
        }
        port(`backends.${k}`, Number(m[2]));
    }
    return backends;
}

function resolveFiles(o: HaproxyConfigOptions): Files {
    const files = {
        serverPem: IDENTITY_FILES.serverPem,
        tenantCa: IDENTITY_FILES.tenantCa,
        accountMap: IDENTITY_FILES.accountMap,
        siteMap: IDENTITY_FILES.siteMap,
        revokedSerials: IDENTITY_FILES.revokedSerials,
        certSeenLua: IDENTITY_FILES.certSeenLua,
        ...(o.files ?? {}),
    };
    for (const [k, v] of Object.entries(files)) {
        word(`files.${k}`, v);
    }
    return files;
}

function globalAndDefaults(stats: HaproxyConfigOptions["stats"], files: Files): string[] {
    return [
        "# Rendered by components/identity/haproxyConfig.ts; edits are overwritten.",
        "global",
        // Logs go to the container's stdout (awslogs); no chroot, pid file or daemon: ECS supervises.
        "    log stdout format raw local0 info",
        // One Lua state shared by all threads (2.6 manual 3.1 lua-load), so one table of presented certificates.
        `    lua-load ${files.certSeenLua}`,
        ...(stats !== undefined ? [`    stats socket ${word("stats.socket", stats.socket)} mode 600 level admin`] : []),
        "    ssl-default-bind-options ssl-min-ver TLSv1.2 no-tls-tickets",
        `    ssl-default-bind-ciphers ${PROXY_TLS12_CIPHERS}`,
        `    ssl-default-bind-ciphersuites ${PROXY_TLS13_CIPHERSUITES}`,
        "",
        "defaults",
        "    mode http",
        "    log global",
        "    option httplog",
        "    option dontlognull",
        "    timeout connect 5s",
        "    timeout client 60s",
        "    timeout server 60s",
        "    timeout http-request 15s",
        "    timeout http-keep-alive 60s",
        "",
    ];
}

function frontends(host: string, ports: Ports, files: Files, certSeenPort: number): string[] {
    // `verify required` + `ca-file`: the handshake fails without a certificate chaining to the
    // tenant CA (expired ones included). https://docs.haproxy.org/2.6/configuration.html#5.1-verify
    const tls = `ssl crt ${files.serverPem} ssl-min-ver TLSv1.2`;
    const mtls = `${tls} ca-file ${files.tenantCa} verify required`;
    return [
        "# OTLP/gRPC: mutual TLS, HTTP/2 only (gRPC needs it), identity from the client certificate.",
        "frontend otlp_grpc",
        `    bind ${host}:${ports.otlpGrpc} ${mtls} alpn h2`,
        ...identityRules(files).map((l) => `    ${l}`),
        ...storeAnswerRules().map((l) => `    ${l}`),
        "    default_backend collector_grpc",
        "",
        "# OTLP/HTTP: mutual TLS, identity from the client certificate.",
        "frontend otlp_http",
        `    bind ${host}:${ports.otlpHttp} ${mtls} alpn h2,http/1.1`,
        ...identityRules(files).map((l) => `    ${l}`),
        ...storeAnswerRules().map((l) => `    ${l}`),
        "    default_backend collector_http",
        "",
        // The NLB health checker presents no client certificate, so this frontend asks for none and
        // serves nothing but the monitor URI: it answers before any http-request rule and returns
        // 503 once the collector's own health check fails (monitor-uri / monitor fail, 2.6 manual 4).
        "# Health for the NLB: TLS without client verification; only the monitor URI, nothing is forwarded.",
        "frontend health",
        `    bind ${host}:${ports.health} ${tls} alpn http/1.1`,
        "    monitor-uri /",
        "    monitor fail if { nbsrv(collector_health) lt 1 }",
        "    http-request deny deny_status 404",
        "",
        // Loopback only: the hub collector scrapes it inside the task's network namespace; the task's
        // security group admits nothing on this port either (only the NLB's listener ports).
        "# Presented tenant certificates as Prometheus text (certSeen.ts), for the collector on loopback.",
        "frontend cert_seen",
        `    bind 127.0.0.1:${certSeenPort}`,
        `    http-request use-service lua.${CERT_SEEN_LUA_NAMES.service} if { path /metrics } { method GET }`,
        "    http-request deny deny_status 404",
        "",
    ];
}

function backendSections(backends: Backends): string[] {
    return [
        "backend collector_grpc",
        // h2c to the collector's plaintext loopback gRPC receiver (server `proto h2`, 2.6 manual 5.2).
        `    server collector ${backends.otlpGrpc} proto h2`,
        "",
        "backend collector_http",
        `    server collector ${backends.otlpHttp}`,
        "",
        "backend collector_health",
        "    option httpchk",
        "    http-check send meth GET uri /",
        "    http-check expect status 200",
        `    server collector ${backends.health} check inter 2s fall 2 rise 1`,
        "",
    ];
}

/** The proxy's configuration: two mutual-TLS OTLP frontends and a health frontend for the NLB. */
export function renderHaproxyConfig(o: HaproxyConfigOptions = {}): string {
    const host = word("host", o.host ?? "0.0.0.0");
    const ports = resolvePorts(o);
    const backends = resolveBackends(o);
    const files = resolveFiles(o);
    const certSeenPort = port("certSeenPort", o.certSeenPort ?? CERT_SEEN_DEFAULTS.port);
    if (Object.values(ports).includes(certSeenPort)) {
        throw new Error(`renderHaproxyConfig: certSeenPort: ${certSeenPort} is already a public frontend's port; choose another loopback port`);
    }
    return [...globalAndDefaults(o.stats, files), ...frontends(host, ports, files, certSeenPort), ...backendSections(backends)].join("\n");
}
