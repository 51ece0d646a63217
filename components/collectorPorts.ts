/** Ports of the hub collector, shared by the collector config, task definition, NLB and spokes. */
export const COLLECTOR_PORTS = {
    /** OTLP/gRPC over TLS from monitored accounts (NLB TLS listener re-encrypting). */
    otlpGrpc: 4317,
    /** OTLP/HTTP over TLS (monitored accounts and on-prem HTTPS POSTs). */
    otlpHttp: 4318,
    /** OTLP/HTTP with mutual TLS from on-prem sites (NLB TCP pass-through). */
    otlpHttpMtls: 4319,
    /** OTLP/HTTP with a bearer token from on-prem sites (NLB TLS listener). */
    otlpHttpToken: 4320,
    /** health_check extension, over TLS. */
    health: 13133,
} as const;

/** Where the init container writes TLS material inside the task (a task-scoped volume). */
export const TLS_DIR = "/etc/otel/tls";
export const TLS_FILES = {
    cert: `${TLS_DIR}/server.crt`,
    key: `${TLS_DIR}/server.key`,
    clientCa: `${TLS_DIR}/onprem-client-ca.pem`,
} as const;
