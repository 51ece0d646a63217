import { createHash } from "crypto";
import { COLLECTOR_PORTS, TLS_DIR } from "../../telemetry/collectorPorts";
import { CONFIG_ENV_VAR, hubFeatureGateArgs } from "./hubCollectorConfig";
import { IDENTITY_FILES } from "../../identity/haproxyConfig";

/** Non-root identity the proxy and the collector run as (matches the ADOT image's own user). */
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

/**
 * The tenant proxy: Docker's official HAProxy image of the 2.6 LTS line, the minor version of Debian
 * 12's package that the unit and end-to-end tests run (test/components/identity/proxyFiles.test.ts
 * checks PROXY_IMAGE_VERSION's minor against the local binary). 2.6 is an LTS branch maintained until
 * 2027-Q2 (https://www.haproxy.org/, "Branch / Status"); 2.6.34 is its newest patch release in
 * docker-library/repo-info (repos/haproxy/remote/2.6.34.md @ 0ed0a0ed36758e850c095b6380c2517baff81896,
 * built 2026-09-25 on Debian trixie). Pinned by the digest of that tag's multi-platform image index
 * (the same file's first `docker pull haproxy@sha256:…` line), so a re-pushed tag cannot change what
 * the hub runs; Fargate picks the linux/arm64 manifest from the index. ECR Public's docker/library
 * mirror serves the Official Images under the same digests. To move on: copy the index digest of the
 * new tag from repo-info (or `docker buildx imagetools inspect haproxy:<tag>`) and run the proxy tests
 * against that minor version. The image's USER is haproxy (uid 99) and its ENTRYPOINT a wrapper
 * script (docker-library/haproxy 2.6/Dockerfile); the task overrides both.
 */
export const PROXY_IMAGE_VERSION = "2.6.34";
export const PROXY_IMAGE = "public.ecr.aws/docker/library/haproxy@sha256:82c023b4f99e2090b14dbe7f04b0590b4e0af608f7c29cedcabf25c34fb066cd";

/** Memory reserved for the proxy (MiB); the collector gets the rest of the task. */
export const PROXY_MEMORY_MIB = 128;

export interface ContainerDefinitionArgs {
    readonly collectorImage: string;
    readonly initImage: string;
    readonly proxyImage: string;
    readonly configParameterArn: string;
    /** Secrets Manager ARN with JSON keys `cert` and `key` (PEM): the server certificate the proxy presents. */
    readonly tlsSecretArn: string;
    /** SSM parameters the init container turns into the proxy's files. */
    readonly identity: IdentityParameterArns;
    readonly logGroupName: string;
    readonly region: string;
    /** Memory reserved for the collector container (MiB). */
    readonly memoryMiB: number;
    /**
     * Digest of what the containers read from SSM at start (configs, CA, maps, revoked serials). Those
     * are referenced by ARN, so without it a changed value makes no new task definition revision and
     * running tasks keep the old one until they happen to restart.
     */
    readonly contentDigest?: string;
}

/** ARNs of the SSM parameters holding the proxy's files; the maps in chunks, in order. */
export interface IdentityParameterArns {
    readonly proxyConfig: string;
    readonly tenantCa: string;
    readonly accountMap: readonly string[];
    readonly siteMap: readonly string[];
    readonly revokedSerials: string;
    /** The presented-certificate Lua script (components/identity/certSeen.ts). */
    readonly certSeenLua: string;
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

/** Container that serves the public ports; the NLB target groups point at it. */
export const PROXY_CONTAINER = "tenant-proxy";

/** The init container's script: every file the proxy reads, written once, then handed to the non-root user. */
export function initScript(chunks: { accountMap: number; siteMap: number }): string {
    const vars = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `"$${prefix}_${i}"`).join(" ");
    // printf '%s\n' per value: a chunk's own trailing newline then leaves an empty line, which map and
    // pattern files ignore ("Empty lines as well as lines beginning with a sharp ('#') will be
    // ignored", https://docs.haproxy.org/2.6/configuration.html#7.1 and #7.3.1-map).
    return [
        "set -eu",
        "umask 077",
        `printf '%s\\n' "$TLS_CERT" "$TLS_KEY" > ${IDENTITY_FILES.serverPem}`,
        `printf '%s\\n' "$TENANT_CA" > ${IDENTITY_FILES.tenantCa}`,
        `printf '%s\\n' ${vars("ACCOUNT_MAP", chunks.accountMap)} > ${IDENTITY_FILES.accountMap}`,
        `printf '%s\\n' ${vars("SITE_MAP", chunks.siteMap)} > ${IDENTITY_FILES.siteMap}`,
        `printf '%s\\n' "$REVOKED_SERIALS" > ${IDENTITY_FILES.revokedSerials}`,
        `printf '%s\\n' "$CERT_SEEN_LUA" > ${IDENTITY_FILES.certSeenLua}`,
        `printf '%s\\n' "$PROXY_CONFIG" > ${IDENTITY_FILES.haproxyCfg}`,
        `chown -R ${COLLECTOR_UID}:${COLLECTOR_UID} ${TLS_DIR}`,
    ].join(" && ");
}

/**
 * Three containers. A short-lived init container materialises the proxy's files into a
 * task-scoped volume (HAProxy reads certificates, CA, maps and its config only from files, and
 * Fargate volumes are root-owned, so it runs as root with every capability but CHOWN dropped).
 * Then the tenant proxy (HAProxy) serves the public ports with mutual TLS and the collector
 * listens on loopback only: neither runs as root, both have read-only root filesystems, and the
 * collector does not even mount the volume with the server key.
 */
export function collectorContainerDefinitions(a: ContainerDefinitionArgs): object[] {
    const log = (prefix: string) => ({
        logDriver: "awslogs",
        options: { "awslogs-group": a.logGroupName, "awslogs-region": a.region, "awslogs-stream-prefix": prefix },
    });
    if (a.identity.accountMap.length === 0 || a.identity.siteMap.length === 0) {
        throw new Error("collectorContainerDefinitions: identity.accountMap and identity.siteMap need at least one parameter each");
    }
    const initSecrets = [
        { name: "TLS_CERT", valueFrom: `${a.tlsSecretArn}:cert::` },
        { name: "TLS_KEY", valueFrom: `${a.tlsSecretArn}:key::` },
        { name: "TENANT_CA", valueFrom: a.identity.tenantCa },
        ...a.identity.accountMap.map((arn, i) => ({ name: `ACCOUNT_MAP_${i}`, valueFrom: arn })),
        ...a.identity.siteMap.map((arn, i) => ({ name: `SITE_MAP_${i}`, valueFrom: arn })),
        { name: "REVOKED_SERIALS", valueFrom: a.identity.revokedSerials },
        { name: "CERT_SEEN_LUA", valueFrom: a.identity.certSeenLua },
        { name: "PROXY_CONFIG", valueFrom: a.identity.proxyConfig },
    ];
    const digest = a.contentDigest !== undefined ? { dockerLabels: { [CONTENT_DIGEST_LABEL]: a.contentDigest } } : {};
    return [
        {
            name: "tls-init",
            image: a.initImage,
            essential: false,
            user: "0",
            readonlyRootFilesystem: true,
            privileged: false,
            command: ["sh", "-c", initScript({ accountMap: a.identity.accountMap.length, siteMap: a.identity.siteMap.length })],
            secrets: initSecrets,
            mountPoints: [{ sourceVolume: "tls", containerPath: TLS_DIR, readOnly: false }],
            linuxParameters: { capabilities: { drop: DROP_ALL_BUT_CHOWN }, initProcessEnabled: false },
            logConfiguration: log("tls-init"),
        },
        {
            name: PROXY_CONTAINER,
            image: a.proxyImage,
            essential: true,
            // The volume's files belong to COLLECTOR_UID (mode 0600), not to the image's haproxy user.
            user: `${COLLECTOR_UID}:${COLLECTOR_UID}`,
            readonlyRootFilesystem: true,
            privileged: false,
            memoryReservation: PROXY_MEMORY_MIB,
            // -db: foreground, no daemon (ECS supervises it); no pid file or chroot, so nothing is written.
            entryPoint: ["haproxy"],
            command: ["-db", "-f", IDENTITY_FILES.haproxyCfg],
            portMappings: Object.values(COLLECTOR_PORTS).map((p) => ({ containerPort: p, protocol: "tcp" })),
            dependsOn: [{ containerName: "tls-init", condition: "SUCCESS" }],
            ...digest,
            mountPoints: [{ sourceVolume: "tls", containerPath: TLS_DIR, readOnly: true }],
            linuxParameters: { capabilities: { drop: ["ALL"] }, initProcessEnabled: true },
            ulimits: [{ name: "nofile", softLimit: 65536, hardLimit: 65536 }],
            logConfiguration: log("tenant-proxy"),
            stopTimeout: 60,
        },
        {
            name: "adot-collector",
            image: a.collectorImage,
            essential: true,
            user: `${COLLECTOR_UID}:${COLLECTOR_UID}`,
            readonlyRootFilesystem: true,
            privileged: false,
            memoryReservation: a.memoryMiB,
            command: ["--config=env:" + CONFIG_ENV_VAR, ...hubFeatureGateArgs()],
            // No port mappings: the collector listens on 127.0.0.1 only (COLLECTOR_INTERNAL_PORTS); in
            // awsvpc mode the containers of a task share one network namespace, so the proxy reaches it
            // there (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-networking-awsvpc.html).
            secrets: [{ name: CONFIG_ENV_VAR, valueFrom: a.configParameterArn }],
            ...digest,
            linuxParameters: { capabilities: { drop: ["ALL"] }, initProcessEnabled: true },
            ulimits: [{ name: "nofile", softLimit: 65536, hardLimit: 65536 }],
            logConfiguration: log("collector"),
            stopTimeout: 60,
        },
    ];
}
