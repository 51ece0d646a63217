/**
 * Public ports of a hub collector task, served by its `tenant-proxy` container (HAProxy) and shared
 * by the task definition, the NLB and the spokes. Every tenant authenticates with its client
 * certificate on both OTLP ports (components/identity/tenants.ts); the former 4319 (site mTLS) and
 * 4320 (bearer token) ports are gone: a shared token cannot name a site unforgeably.
 */
/** The OTLP ports (OpenTelemetry specification, "OTLP/gRPC" and "OTLP/HTTP" default ports): every collector here listens on them. */
export const OTLP_PORTS = { grpc: 4317, http: 4318 } as const;

export const COLLECTOR_PORTS = {
    /** OTLP/gRPC, mutual TLS (NLB TCP pass-through, the proxy terminates and forwards HTTP/2). */
    otlpGrpc: OTLP_PORTS.grpc,
    /** OTLP/HTTP, mutual TLS (NLB TCP pass-through). */
    otlpHttp: OTLP_PORTS.http,
    /** Health of the task for the NLB: TLS without a client certificate (the health checker has none). */
    health: 13133,
} as const;

/**
 * Where the collector itself listens: loopback only, inside the task's network namespace (awsvpc),
 * reachable from the proxy and nothing else, so whatever reaches it went through the proxy's
 * certificate check. Self-telemetry stays on 127.0.0.1:8888.
 */
export const COLLECTOR_INTERNAL_PORTS = {
    otlpGrpc: 14317,
    otlpHttp: 14318,
    health: 14133,
} as const;

/** Where the init container writes TLS and identity material inside the task (a task-scoped volume). */
export const TLS_DIR = "/etc/otel/tls";
