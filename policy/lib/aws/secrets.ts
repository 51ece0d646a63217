/**
 * Recognising credentials by name and by shape, shared by the SSM-parameter and ECS-environment rules,
 * and ECS container definitions (a JSON string input) in parsed form.
 */
import { asArray, isRecord, parseJsonish } from "../values";

/** Substrings of names that hold credentials (trivy's list plus common spellings). */
export const DEFAULT_SENSITIVE_NAME_PARTS = [
    "password", "passwd", "passphrase", "pwd", "secret", "token", "api_key", "apikey", "api-key", "private_key", "private-key",
    "privatekey", "credential", "aws_access_key_id", "aws_secret_access_key", "access_key", "accesskey", "auth_header",
    "authorization", "basic_auth", "bearer", "client_secret", "session_key", "signing_key", "encryption_key",
    "connection_string", "connstr", "dsn", "webhook_url", "license_key",
];

/**
 * Name shapes that contain a sensitive word but hold no secret: a reference to one (ARN, name, ID, URL
 * of a token endpoint), a file path (`..._FILE`, the convention for mounting secrets as files, e.g.
 * https://docs.docker.com/compose/how-tos/use-secrets/ and the Grafana `__FILE` variables), a type or a TTL.
 */
const NOT_SENSITIVE = [
    /token_?type/i, /token_?(url|endpoint|uri)$/i, /(secret|token|password|credentials?)_?(arn|name|id|ref|file|path|dir|ttl|length)$/i, /key_?(arn|alias|name|file|path)$/i,
    /_(file|path|dir|ttl)$/i, /^(pwd|oldpwd)$/i,
];

/** High-confidence credential formats; generic entropy checks produce too many false positives. */
const SECRET_VALUE_PATTERNS: { name: string; re: RegExp }[] = [
    { name: "AWS access key ID", re: /\b(AKIA|ASIA)[0-9A-Z]{16}\b/ },
    { name: "PEM private key", re: /-----BEGIN [A-Z ]*PRIVATE KEY-----/ },
    { name: "Grafana token", re: /\bgl(sa|c)_[A-Za-z0-9_=+/-]{20,}/ },
    // OTEL_EXPORTER_OTLP_HEADERS="Authorization=Basic ...", "authorization: Bearer ..." (RFC 7617, RFC 6750).
    { name: "HTTP Authorization header", re: /authorization\s*[=:]\s*(basic|bearer)\s+[A-Za-z0-9._~+/-]{8,}=*/i },
    { name: "bearer token", re: /^\s*bearer\s+[A-Za-z0-9._~+/-]{16,}=*\s*$/i },
    { name: "JSON Web Token", re: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/ },
    { name: "URL with embedded password", re: /\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:[^\s@/]{3,}@/i },
    { name: "GitHub token", re: /\bgh[pousr]_[A-Za-z0-9]{30,}/ },
    { name: "Slack token", re: /\bxox[abpr]-[A-Za-z0-9-]{10,}/ },
];

export function isSensitiveName(name: string, parts: readonly string[]): boolean {
    // camelCase and kebab names compare like SNAKE_CASE ones: apiKey → api_key.
    const snake = name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").replace(/[-.\s]/g, "_").toLowerCase();
    const flat = name.toLowerCase();
    return parts.some((p) => flat.includes(p.toLowerCase()) || snake.includes(p.toLowerCase().replace(/-/g, "_")))
        && !NOT_SENSITIVE.some((re) => re.test(snake));
}

/** Name of the credential format `value` matches, if any. */
export function secretValueKind(value: string): string | undefined {
    return SECRET_VALUE_PATTERNS.find((p) => p.re.test(value))?.name;
}

/** A value that is a file system path (a secret mounted as a file), not the secret itself. */
export function isFilePath(value: string): boolean {
    return /^(\/|\.\/|~\/|[a-z]:\\)[^\s]*$/i.test(value.trim());
}

/** A value that points at a secret store instead of holding the secret. */
export function isSecretReference(value: string): boolean {
    return /^arn:aws[a-z-]*:(secretsmanager|ssm):/.test(value) || /^\{\{resolve:/.test(value) || /^\$\{[^}]+\}$/.test(value.trim());
}

export type ContainerDefinition = Record<string, unknown>;

/**
 * Every field name of an ECS container definition and its nested objects: the properties of the
 * interfaces in @pulumi/aws/ecs/container.d.ts (test/policy/lib/aws/secrets.test.ts re-derives the list).
 */
export const CONTAINER_DEFINITION_FIELDS = [
    "add", "appProtocol", "capabilities", "command", "condition", "containerName", "containerPath", "containerPort",
    "containerPortRange", "cpu", "credentialsParameter", "dependsOn", "devices", "disableNetworking", "dnsSearchDomains",
    "dnsServers", "dockerLabels", "dockerSecurityOptions", "drop", "enabled", "entryPoint", "environment", "environmentFiles",
    "essential", "extraHosts", "firelensConfiguration", "hardLimit", "healthCheck", "hostPath", "hostPort", "hostname",
    "ignoredExitCodes", "image", "initProcessEnabled", "interactive", "interval", "ipAddress", "links", "linuxParameters",
    "logConfiguration", "logDriver", "memory", "memoryReservation", "mountPoints", "name", "namespace", "options", "permissions",
    "portMappings", "privileged", "protocol", "pseudoTerminal", "readOnly", "readonlyRootFilesystem", "repositoryCredentials",
    "resourceRequirements", "restartAttemptPeriod", "restartPolicy", "retries", "secretOptions", "secrets", "softLimit",
    "sourceContainer", "sourceVolume", "startPeriod", "startTimeout", "stopTimeout", "systemControls", "timeout", "type",
    "ulimits", "user", "value", "valueFrom", "versionConsistency", "volumesFrom", "workingDirectory",
] as const;

const CANONICAL_FIELD = new Map<string, string>(CONTAINER_DEFINITION_FIELDS.map((f) => [f.toLowerCase(), f]));
/** Objects whose keys are the user's own (label names, log-driver options, secret options): never renamed. */
const USER_KEYED = new Set(["dockerLabels", "options"]);

/**
 * The document as the provider reads it. The AWS provider decodes `containerDefinitions` (and Batch
 * `containerProperties`) with Go's encoding/json into the AWS SDK's ContainerDefinition structs
 * (terraform-provider-aws internal/service/ecs/container_definitions.go, expandContainerDefinitions),
 * and encoding/json "matches incoming object keys to the keys used by Marshal (either the struct field
 * name or its tag), preferring an exact match but also accepting a case-insensitive match"
 * (https://pkg.go.dev/encoding/json#Unmarshal). So `Environment`/`Name`/`Value` and `PRIVILEGED` are the
 * fields `environment`/`name`/`value` and `privileged`; when a document spells one field twice, the later
 * key wins, as each one overwrites the same struct field in document order.
 */
export function canonicalContainerKeys(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(canonicalContainerKeys);
    }
    if (!isRecord(value)) {
        return value;
    }
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
        const field = CANONICAL_FIELD.get(key.toLowerCase()) ?? key;
        delete out[field]; // keep document order: the later spelling is the one that counts
        out[field] = USER_KEYED.has(field) ? v : canonicalContainerKeys(v);
    }
    return out;
}

/** The container definitions of an aws.ecs.TaskDefinition (`containerDefinitions` is a JSON string input), keys as the provider reads them. */
export function containerDefinitions(value: unknown): { containers: ContainerDefinition[]; error?: string } {
    const parsed = parseJsonish(value);
    if (!parsed.ok) {
        return { containers: [], error: parsed.error };
    }
    return { containers: asArray(canonicalContainerKeys(parsed.value)).filter(isRecord) };
}

export function containerName(c: ContainerDefinition, index: number): string {
    return typeof c.name === "string" ? `container "${c.name}"` : `container ${index}`;
}
