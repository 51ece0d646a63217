import { createHash } from "crypto";
import { COLLECTOR_PORTS, TLS_DIR, TLS_FILES } from "./collectorPorts";
import { CONFIG_ENV_VAR } from "./hubCollectorConfig";

/** Non-root identity both containers run as (matches the ADOT image's own user). */
export const COLLECTOR_UID = 10001;

/** ECR pull-through cache prefix for public.ecr.aws: the hub has no internet path. */
export const PULL_THROUGH_PREFIX = "ecr-public";

/** Maps `public.ecr.aws/<repo>:<tag>` to the account's pull-through cache URI. */
export function pullThroughImage(upstream: string, account: string, region: string): string {
    const m = /^public\.ecr\.aws\/(.+)$/.exec(upstream);
    if (!m) {
        // Private ECR images (e.g. a mirrored build) are used as they are.
        return upstream;
    }
    return `${account}.dkr.ecr.${region}.amazonaws.com/${PULL_THROUGH_PREFIX}/${m[1]}`;
}

export const INIT_IMAGE = "public.ecr.aws/docker/library/busybox:1.36.1";

export interface ContainerDefinitionArgs {
    readonly collectorImage: string;
    readonly initImage: string;
    readonly configParameterArn: string;
    /** Secrets Manager ARN with JSON keys `cert` and `key` (PEM). */
    readonly tlsSecretArn: string;
    /** SSM parameter with the on-prem client CA bundle; set when mutual TLS is served. */
    readonly clientCaParameterArn?: string;
    /** Bearer-token environment variable name → Secrets Manager ARN. */
    readonly bearerTokens?: Readonly<Record<string, string>>;
    readonly logGroupName: string;
    readonly region: string;
    /** Memory reserved for the collector container (MiB). */
    readonly memoryMiB: number;
    /**
     * Digest of what the containers read from SSM at start (config, client CA). Those are
     * referenced by ARN, so without it a changed value makes no new task definition revision and
     * running tasks keep the old one until they happen to restart.
     */
    readonly contentDigest?: string;
}

/** Docker label carrying contentDigest: a change makes a new revision and ECS rolls the tasks. */
export const CONTENT_DIGEST_LABEL = "oss-monitoring.content-sha256";

/** SHA-256 over the values injected by ARN (order-sensitive, each length-prefixed). */
export function contentDigest(values: ReadonlyArray<string | undefined>): string {
    const h = createHash("sha256");
    for (const v of values) {
        const s = v ?? "";
        h.update(`${s.length}:${s};`);
    }
    return h.digest("hex");
}

const DROP_ALL_BUT_CHOWN = [
    "AUDIT_WRITE", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "NET_RAW",
    "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
];

/**
 * Two containers: a short-lived init container materialises TLS files into a task-scoped
 * volume (the collector's client-CA option only takes a file, and Fargate volumes are
 * root-owned, so it runs as root with every capability but CHOWN dropped), then the
 * collector starts non-root with a read-only root filesystem.
 */
export function collectorContainerDefinitions(a: ContainerDefinitionArgs): object[] {
    const log = (prefix: string) => ({
        logDriver: "awslogs",
        options: { "awslogs-group": a.logGroupName, "awslogs-region": a.region, "awslogs-stream-prefix": prefix },
    });
    const write = (envVar: string, file: string) => `printf '%s\\n' "$${envVar}" > ${file}`;
    const script = [
        "set -eu",
        "umask 077",
        write("TLS_CERT", TLS_FILES.cert),
        write("TLS_KEY", TLS_FILES.key),
        ...(a.clientCaParameterArn !== undefined ? [write("CLIENT_CA", TLS_FILES.clientCa)] : []),
        `chown -R ${COLLECTOR_UID}:${COLLECTOR_UID} ${TLS_DIR}`,
    ].join(" && ");
    const initSecrets = [
        { name: "TLS_CERT", valueFrom: `${a.tlsSecretArn}:cert::` },
        { name: "TLS_KEY", valueFrom: `${a.tlsSecretArn}:key::` },
        ...(a.clientCaParameterArn !== undefined ? [{ name: "CLIENT_CA", valueFrom: a.clientCaParameterArn }] : []),
    ];
    const ports = [COLLECTOR_PORTS.otlpGrpc, COLLECTOR_PORTS.otlpHttp, COLLECTOR_PORTS.health,
        ...(a.clientCaParameterArn !== undefined ? [COLLECTOR_PORTS.otlpHttpMtls] : []),
        ...(Object.keys(a.bearerTokens ?? {}).length > 0 ? [COLLECTOR_PORTS.otlpHttpToken] : [])];
    return [
        {
            name: "tls-init",
            image: a.initImage,
            essential: false,
            user: "0",
            readonlyRootFilesystem: true,
            privileged: false,
            command: ["sh", "-c", script],
            secrets: initSecrets,
            mountPoints: [{ sourceVolume: "tls", containerPath: TLS_DIR, readOnly: false }],
            linuxParameters: { capabilities: { drop: DROP_ALL_BUT_CHOWN }, initProcessEnabled: false },
            logConfiguration: log("tls-init"),
        },
        {
            name: "adot-collector",
            image: a.collectorImage,
            essential: true,
            user: `${COLLECTOR_UID}:${COLLECTOR_UID}`,
            readonlyRootFilesystem: true,
            privileged: false,
            memoryReservation: a.memoryMiB,
            command: ["--config=env:" + CONFIG_ENV_VAR],
            portMappings: ports.map((p) => ({ containerPort: p, protocol: "tcp" })),
            secrets: [
                { name: CONFIG_ENV_VAR, valueFrom: a.configParameterArn },
                ...Object.entries(a.bearerTokens ?? {}).map(([name, arn]) => ({ name, valueFrom: arn })),
            ],
            dependsOn: [{ containerName: "tls-init", condition: "SUCCESS" }],
            ...(a.contentDigest !== undefined ? { dockerLabels: { [CONTENT_DIGEST_LABEL]: a.contentDigest } } : {}),
            mountPoints: [{ sourceVolume: "tls", containerPath: TLS_DIR, readOnly: true }],
            linuxParameters: { capabilities: { drop: ["ALL"] }, initProcessEnabled: true },
            ulimits: [{ name: "nofile", softLimit: 65536, hardLimit: 65536 }],
            logConfiguration: log("collector"),
            stopTimeout: 60,
        },
    ];
}
