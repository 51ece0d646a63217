import * as fs from "fs";
import * as path from "path";
import { isDeepStrictEqual } from "util";
import { parse as parseYaml } from "yaml";
import type { ConfigMap } from "@pulumi/pulumi/automation";
import type { FleetStack } from "./types";
import { PROJECT } from "../../stacks/config/common";

/** The entry format of `pulumi config --json`, which `pulumi config set-all --json` reads back. */
export interface ConfigJsonValue {
    readonly value: string;
    readonly secret: false;
    /** Present for structured values: the CLI stores them as YAML objects, not JSON strings. */
    readonly objectValue?: unknown;
}

/**
 * The manifest's config for a stack in `set-all --json` form: strings stay strings, and objects,
 * arrays, numbers and booleans carry `objectValue` so the stack file holds real YAML structures
 * (the same file `npm run fleet -- config` writes) rather than JSON text.
 */
export function configJson(stack: FleetStack): Record<string, ConfigJsonValue> {
    const out: Record<string, ConfigJsonValue> = {};
    for (const [key, value] of Object.entries(stack.config)) {
        out[key] = typeof value === "string" ? { value, secret: false } : { value: JSON.stringify(value), objectValue: value, secret: false };
    }
    return out;
}

/**
 * Fallback for CLIs without `set-all --json`: structured values as JSON text, which the stack
 * program decodes (stacks/config/index.ts). Never `--path`: path mode turns "111111111111" into a number.
 */
export function configMap(stack: FleetStack): ConfigMap {
    const out: ConfigMap = {};
    for (const [key, value] of Object.entries(stack.config)) {
        out[key] = { value: typeof value === "string" ? value : JSON.stringify(value), secret: false };
    }
    return out;
}

/** Stack tags the policy pack reads (policy/lib/define.ts STACK_TAGS). */
export function stackTags(stack: FleetStack): Record<string, string> {
    return {
        [`${PROJECT}:role`]: stack.role,
        [`${PROJECT}:regulated`]: String(stack.regulated),
        [`${PROJECT}:account`]: stack.account,
    };
}

/** Fully qualified config key of a manifest `secrets` entry. */
export function secretKey(name: string): string {
    return name.includes(":") ? name : `${PROJECT}:${name}`;
}

/**
 * Secrets the manifest declares but the stack lacks, or holds in plain text. Only key names and
 * the secret flag are looked at; values are never logged.
 */
export function secretProblems(stack: FleetStack, current: ConfigMap, fqName: string): string[] {
    const problems: string[] = [];
    for (const name of stack.secrets) {
        const key = secretKey(name);
        const v = current[key];
        if (v === undefined) {
            problems.push(`missing secret ${key}: set it with \`pulumi config set --secret ${key} --stack ${fqName}\``);
        } else if (v.secret !== true) {
            problems.push(`${key} is stored in plain text: re-set it with \`pulumi config set --secret ${key} --stack ${fqName}\``);
        }
    }
    return problems;
}

/** Where the CLI keeps a stack's config file: Pulumi.yaml's stackConfigDir (stacks/ here). */
export function stackFileFor(workDir: string, stack: string): string {
    let dir = "";
    try {
        const project = parseYaml(fs.readFileSync(path.join(workDir, "Pulumi.yaml"), "utf8")) as { stackConfigDir?: string } | null;
        dir = project?.stackConfigDir ?? "";
    } catch {
        // No readable project file: the CLI will report that itself.
    }
    return path.join(workDir, dir, `Pulumi.${stack}.yaml`);
}

export interface ConfigComparison {
    /** Manifest keys whose value in the stack file differs or is missing. */
    readonly differing: readonly string[];
    /** Plain keys in the stack file that the manifest no longer has. */
    readonly stale: readonly string[];
}

/**
 * Compares the stack file with the manifest, so the driver only rewrites config (one CLI call,
 * and a reformatted generated file) when it actually differs.
 */
export function compareStackFile(stack: FleetStack, file: string): ConfigComparison {
    let config: Record<string, unknown> = {};
    try {
        const doc = parseYaml(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | null;
        config = doc?.config ?? {};
    } catch {
        return { differing: Object.keys(stack.config), stale: [] };
    }
    const differing = Object.entries(stack.config)
        .filter(([k, v]) => !isDeepStrictEqual(config[k], v))
        .map(([k]) => k);
    const stale = Object.entries(config)
        .filter(([k, v]) => !(k in stack.config) && !(typeof v === "object" && v !== null && "secure" in v))
        .map(([k]) => k);
    return { differing, stale };
}
