/**
 * Where a spoke's collector finds its tenant certificate: the Secret's keys and the mount. Pure, apart from
 * tenantIdentity.ts, so the collector configs (and the config schemas that size them) load no provider SDK.
 */

/** Keys of a `kubernetes.io/tls` Secret (https://kubernetes.io/docs/concepts/configuration/secret/#tls-secrets). */
export const TLS_SECRET_KEYS = { certificate: "tls.crt", privateKey: "tls.key" } as const;
export type TlsSecretData = Record<(typeof TLS_SECRET_KEYS)[keyof typeof TLS_SECRET_KEYS], string>;

/** Where every spoke collector mounts its tenant certificate (the Secret's keys become the file names). */
export const CLIENT_TLS_MOUNT = {
    volume: "client-tls",
    directory: "/etc/otel/client",
    certFile: `/etc/otel/client/${TLS_SECRET_KEYS.certificate}`,
    keyFile: `/etc/otel/client/${TLS_SECRET_KEYS.privateKey}`,
} as const;
