import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml, stringify } from "yaml";
import { FleetManifest, FleetStack, loadManifest } from "./manifest";

export const GENERATED_HEADER =
    "# Generated from stacks/fleet.yaml by `npm run fleet -- config`. Edit the manifest, not this file.\n" +
    "# Secrets (`pulumi config set --secret`) and the encryption salt are kept when regenerating.\n";

/** Keys Pulumi writes into a stack file that must survive regeneration. */
const KEPT_TOP_LEVEL = ["secretsprovider", "encryptedkey", "encryptionsalt"];

function isSecureValue(v: unknown): boolean {
    return typeof v === "object" && v !== null && "secure" in v;
}

/**
 * The stack file for one fleet member: config from the manifest plus whatever secrets and
 * encryption settings the existing file holds (those never live in the manifest).
 */
export function renderStackFile(stack: FleetStack, existing?: string): string {
    const old = (existing !== undefined ? parseYaml(existing) : undefined) ?? {};
    const doc: Record<string, unknown> = {};
    for (const k of KEPT_TOP_LEVEL) {
        if (old[k] !== undefined) {
            doc[k] = old[k];
        }
    }
    const config: Record<string, unknown> = { ...stack.config };
    for (const [k, v] of Object.entries((old.config ?? {}) as Record<string, unknown>)) {
        if (isSecureValue(v)) {
            config[k] = v;
        }
    }
    doc.config = config;
    return GENERATED_HEADER + stringify(doc, { lineWidth: 0 });
}

export function stackFilePath(manifest: FleetManifest, stack: string): string {
    return path.join(path.dirname(manifest.path), `Pulumi.${stack}.yaml`);
}

/** `fleet config [--manifest F] [--check]`: writes (or checks) every stack file. */
export async function runConfigCommand(argv: string[]): Promise<number> {
    let manifestPath = "stacks/fleet.yaml";
    let check = false;
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === "--manifest") {
            manifestPath = argv[++i] ?? "";
        } else if (argv[i] === "--check") {
            check = true;
        } else {
            console.error(`fleet config: unknown argument ${argv[i]}. Usage: npm run fleet -- config [--manifest stacks/fleet.yaml] [--check]`);
            return 2;
        }
    }
    const manifest = loadManifest(manifestPath);
    const stale: string[] = [];
    for (const s of manifest.stacks) {
        const file = stackFilePath(manifest, s.name);
        const existing = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined;
        const next = renderStackFile(s, existing);
        if (next !== existing) {
            stale.push(file);
            if (!check) {
                fs.writeFileSync(file, next);
                console.log(`wrote ${file}`);
            }
        }
    }
    if (check && stale.length > 0) {
        console.error(`stack files out of date with ${manifestPath}: ${stale.join(", ")}\nRun: npm run fleet -- config`);
        return 1;
    }
    if (stale.length === 0) {
        console.log(`all ${manifest.stacks.length} stack files match ${manifestPath}`);
    }
    return 0;
}
