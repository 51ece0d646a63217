import * as fs from "fs";
import * as path from "path";
import { Command } from "commander";
import { parse as parseYaml, stringify } from "yaml";
import { ConfigError } from "../../stacks/config/common";
import { configureProgram, EXIT_HELP, runProgram, setExitCode } from "../io/cliKit";
import { checkOutputTarget, writeOutput } from "../io/output";
import { defaultManifest } from "../io/paths";
import { loadManifest } from "./manifest";
import { orphanLine, orphanStackFiles } from "./orphans";
import { FleetManifest, FleetStack } from "./types";

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
    const old = (existing !== undefined ? parseYaml(existing, { merge: true }) : undefined) ?? {};
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

/**
 * Writes (or with `check`, compares) every stack file. Files holding secrets and the encryption
 * salt are replaced atomically with their permissions kept, so an interrupted run never leaves a
 * stack file that has lost its secrets.
 */
export function configureStacks(opts: { manifest: string; check?: boolean }, out: (line: string) => void = console.log, err: (line: string) => void = console.error): number {
    const manifest = loadManifest(opts.manifest);
    const stale: string[] = [];
    const writes: Array<[string, string]> = [];
    for (const s of manifest.stacks) {
        const file = stackFilePath(manifest, s.name);
        let existing: string | undefined;
        try {
            existing = fs.readFileSync(file, "utf8");
        } catch (e) {
            if ((e as NodeJS.ErrnoException).code !== "ENOENT") {
                throw new ConfigError(`${file}: cannot read it (${(e as NodeJS.ErrnoException).code}); fix: make it readable`);
            }
        }
        const next = renderStackFile(s, existing);
        if (next !== existing) {
            stale.push(file);
            writes.push([file, next]);
        }
    }
    const orphans = orphanStackFiles(manifest);
    orphans.forEach((o) => err(orphanLine(o, opts.manifest)));
    if (opts.check) {
        if (stale.length > 0) {
            err(`stack files out of date with ${opts.manifest}: ${stale.join(", ")}; fix: npm run fleet -- config`);
            return 1;
        }
        if (orphans.length > 0) {
            return 1;
        }
    } else {
        // Every target is checked before the first write, so a read-only file cannot leave the fleet half-regenerated.
        const targets = writes.map(([file]) => checkOutputTarget(file, "stack file"));
        writes.forEach(([file, text], i) => {
            writeOutput(targets[i], text, "stack file");
            out(`wrote ${file}`);
        });
    }
    if (stale.length === 0 && orphans.length === 0) {
        out(`all ${manifest.stacks.length} stack files match ${opts.manifest}`);
    }
    return 0;
}

/** `fleet config`: the commander definition. */
export function configCommand(): Command {
    return new Command("config")
        .description("generate stacks/Pulumi.<stack>.yaml from the manifest (secrets and the encryption salt are kept)")
        .option("--manifest <file>", "fleet manifest (default: the project's stacks/fleet.yaml)")
        .option("--check", "only check that every stack file matches the manifest (exit 1 if not)")
        .addHelpText("after", `\n${EXIT_HELP}`)
        .action((o: { manifest?: string; check?: boolean }, cmd: Command) => setExitCode(cmd, configureStacks({ ...o, manifest: o.manifest ?? defaultManifest() })));
}

/** `npm run fleet -- config ...` on its own (tests). */
export async function runConfigCommand(argv: string[]): Promise<number> {
    const program = configureProgram(new Command("fleet").addCommand(configCommand()), (l) => console.error(l));
    return runProgram(program, ["config", ...argv], (l) => console.error(l));
}
