/**
 * Recognising credentials by name and by shape, shared by the SSM-parameter and ECS-environment rules,
 * and ECS container definitions (a JSON string input) in parsed form.
 */
import { asArray, isRecord, parseJsonish } from "./values";

/** Substrings of names that hold credentials (trivy's list plus common spellings). */
export const DEFAULT_SENSITIVE_NAME_PARTS = [
    "password", "passwd", "secret", "token", "api_key", "apikey", "api-key", "private_key", "private-key",
    "credential", "aws_access_key_id", "aws_secret_access_key",
];

/** Name parts that contain a sensitive word but are not secrets. */
const NOT_SENSITIVE = [/token_type/i, /token_?(url|endpoint|uri)/i, /secret_?(arn|name|id)$/i];

/** High-confidence credential formats; generic entropy checks produce too many false positives. */
const SECRET_VALUE_PATTERNS: { name: string; re: RegExp }[] = [
    { name: "AWS access key ID", re: /\b(AKIA|ASIA)[0-9A-Z]{16}\b/ },
    { name: "PEM private key", re: /-----BEGIN [A-Z ]*PRIVATE KEY-----/ },
    { name: "Grafana token", re: /\bgl(sa|c)_[A-Za-z0-9_=+/-]{20,}/ },
];

export function isSensitiveName(name: string, parts: readonly string[]): boolean {
    const lower = name.toLowerCase();
    return parts.some((p) => lower.includes(p.toLowerCase())) && !NOT_SENSITIVE.some((re) => re.test(name));
}

/** Name of the credential format `value` matches, if any. */
export function secretValueKind(value: string): string | undefined {
    return SECRET_VALUE_PATTERNS.find((p) => p.re.test(value))?.name;
}

/** A value that points at a secret store instead of holding the secret. */
export function isSecretReference(value: string): boolean {
    return /^arn:aws[a-z-]*:(secretsmanager|ssm):/.test(value) || /^\{\{resolve:/.test(value) || /^\$\{[^}]+\}$/.test(value.trim());
}

export type ContainerDefinition = Record<string, unknown>;

/** The container definitions of an aws.ecs.TaskDefinition (`containerDefinitions` is a JSON string input). */
export function containerDefinitions(value: unknown): { containers: ContainerDefinition[]; error?: string } {
    const parsed = parseJsonish(value);
    if (!parsed.ok) {
        return { containers: [], error: parsed.error };
    }
    return { containers: asArray(parsed.value).filter(isRecord) };
}

export function containerName(c: ContainerDefinition, index: number): string {
    return typeof c.name === "string" ? `container "${c.name}"` : `container ${index}`;
}
