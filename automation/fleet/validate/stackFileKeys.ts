import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import type { FleetManifest } from "../types";

/** Top-level keys Pulumi itself writes into a stack file besides `config`. */
export const PULUMI_STACK_FILE_KEYS = ["config", "secretsprovider", "encryptedkey", "encryptionsalt"] as const;

function isSecureValue(v: unknown): boolean {
    return typeof v === "object" && v !== null && !Array.isArray(v) && "secure" in v;
}

function isObject(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Key paths present in `have` but not in `want` (objects compared key by key; arrays and scalars as leaves). */
function extraPaths(have: unknown, want: unknown, at: string): string[] {
    if (!isObject(have) || !isObject(want)) {
        return [];
    }
    return Object.entries(have).flatMap(([k, v]) => (k in want ? extraPaths(v, want[k], `${at}.${k}`) : [`${at}.${k}`]));
}

/**
 * Keys in stacks/Pulumi.<stack>.yaml that the manifest does not generate: `fleet config` would drop
 * them and the offline plan never sees them, so a hand edit there silently does nothing. Secure
 * values (`pulumi config set --secret`) and Pulumi's own encryption keys are the file's to keep.
 */
export function unknownStackFileKeys(manifest: FleetManifest): string[] {
    const problems: string[] = [];
    const dir = path.dirname(manifest.path);
    manifest.stacks.forEach((s, i) => {
        const file = path.join(dir, `Pulumi.${s.name}.yaml`);
        let text: string;
        try {
            text = fs.readFileSync(file, "utf8");
        } catch {
            return; // not generated yet: `fleet config` writes it
        }
        let doc: unknown;
        try {
            doc = parseYaml(text, { merge: true });
        } catch (e) {
            problems.push(`${file}: not valid YAML (${(e as Error).message.split("\n")[0]}); fix: delete it and run \`npm run fleet -- config\` (set secrets again with \`pulumi config set --secret\`)`);
            return;
        }
        if (doc === null || doc === undefined) {
            return;
        }
        if (!isObject(doc)) {
            problems.push(`${file}: expected a mapping with a config key; fix: delete it and run \`npm run fleet -- config\``);
            return;
        }
        const where = `stacks[${i}] (${s.name})`;
        for (const k of Object.keys(doc)) {
            if (!(PULUMI_STACK_FILE_KEYS as readonly string[]).includes(k)) {
                problems.push(`${file}: top-level key "${k}" is not a stack file key (${PULUMI_STACK_FILE_KEYS.join(", ")}); fix: remove it`);
            }
        }
        const config = isObject(doc.config) ? doc.config : {};
        for (const [key, value] of Object.entries(config)) {
            if (isSecureValue(value)) {
                continue;
            }
            if (!(key in s.config)) {
                problems.push(`${file}: config key "${key}" is not generated from the manifest and would be dropped by \`fleet config\`; fix: set it in ${manifest.path} under ${where} (config:, tags: or secrets:) and run \`npm run fleet -- config\`, or remove it`);
                continue;
            }
            for (const extra of extraPaths(value, s.config[key], key)) {
                problems.push(`${file}: config "${extra}" is not in the manifest and would be dropped by \`fleet config\`; fix: move it into ${manifest.path} under ${where}.config and run \`npm run fleet -- config\`, or remove it`);
            }
        }
    });
    return problems;
}
