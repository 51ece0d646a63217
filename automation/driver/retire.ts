import * as fs from "fs";
import * as path from "path";
import { LocalWorkspace } from "@pulumi/pulumi/automation";
import { isMap, isSeq, parse as parseYaml, parseDocument } from "yaml";
import { PROJECT } from "../../stacks/config/common";
import { parseStackConfig } from "../../stacks/config";
import { stackFileFor } from "../fleet/stackConfig";
import { renderStackFile, stackFilePath } from "../fleet/stackFiles";
import type { FleetManifest, FleetStack } from "../fleet/types";
import { UsageError } from "../io/cliKit";
import { writeOutput } from "../io/output";
import type { FleetDeps } from "./deps";
import { qualifiedStackName } from "./engine/engine";
import { locatePulumi } from "./engine/pulumiCli";
import { EXIT } from "./errors";
import { runFleet } from "./run";
import type { RunSettings } from "./settings";

/**
 * Retiring a spoke marked `retiring: true` in the manifest (or whose entry is already gone), in the
 * only safe order:
 *   1. destroy the spoke (the driver's destroy: preview-free approval, journal, resume);
 *   2. remove its entry from the manifest (comments and the other entries kept as written), so the
 *      hub's tenants no longer include it;
 *   3. update the hub from that manifest: its certificate name leaves the proxy's map, its OAM link
 *      and identity secret are deleted;
 *   4. remove the stack from the backend (`pulumi stack rm`), then its generated stack file.
 * Until step 3 the hub keeps admitting the tenant, so nothing the spoke still sends is refused while
 * it is being destroyed. Each step is recorded in <state-dir>/retire.json once it succeeded, so a
 * rerun after a failure or Ctrl-C continues with the first step not done (step 1 also resumes inside
 * the driver's journal).
 */
export const RETIRE_STEPS = ["destroyed", "entry-removed", "hub-updated", "state-removed", "file-removed"] as const;
export type RetireStep = (typeof RETIRE_STEPS)[number];

type RetireJournal = Record<string, Partial<Record<RetireStep, string>>>;

function readJournal(file: string): RetireJournal {
    try {
        return JSON.parse(fs.readFileSync(file, "utf8")) as RetireJournal;
    } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") {
            return {};
        }
        throw new UsageError(`${file}: unreadable retire journal (${(e as Error).message}); fix: move it aside and rerun (every step is safe to repeat)`);
    }
}

/** The stack as its generated stack file describes it (the manifest no longer does). */
export function stackFromFile(name: string, file: string, hubName: string): FleetStack {
    let doc: { config?: Record<string, unknown> } | null;
    try {
        doc = parseYaml(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | null;
    } catch (e) {
        throw new UsageError(`retire ${name}: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); fix: restore it from git (the stack's config) and rerun`);
    }
    const config = doc?.config ?? {};
    const raw: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(config)) {
        if (k.startsWith(`${PROJECT}:`)) {
            raw[k.slice(PROJECT.length + 1)] = v;
        }
    }
    raw.region = config["aws:region"];
    const parsed = parseStackConfig(raw, `${file}: `);
    return {
        name,
        role: parsed.role,
        account: parsed.account,
        region: parsed.region,
        regulated: false,
        dependsOn: parsed.role === "hub" ? [] : [hubName],
        secrets: [],
        tags: (raw.tags ?? {}) as Record<string, string>,
        config,
        parsed,
    };
}

/** Refuses what cannot be retired: a stack the manifest still names, the hub while spokes exist. */
export function retireProblems(manifest: FleetManifest, targets: readonly string[]): string[] {
    const problems: string[] = [];
    const spokes = manifest.stacks.filter((s) => s.role !== "hub");
    for (const t of targets) {
        const entry = manifest.stacks.find((s) => s.name === t);
        if (entry?.role === "hub") {
            if (spokes.length > 0) {
                problems.push(`retire ${t}: the hub cannot be retired while spokes exist (${spokes.map((s) => s.name).join(", ")}); fix: retire them first`);
            }
        } else if (entry !== undefined && entry.retiring !== true) {
            problems.push(`retire ${t}: ${manifest.path} still names it without retiring: true, so the next up would deploy it again; fix: add retiring: true to its entry (fleet enrol --write does for departed accounts), then retire`);
        }
    }
    return problems;
}

export interface RetireContext {
    readonly settings: RunSettings;
    readonly manifest: FleetManifest;
    readonly d: FleetDeps;
    /** Loads the manifest again (after the entry's removal), validated like any other load. */
    readonly reload: (file: string) => FleetManifest;
}

/**
 * The manifest file without the named entry, written atomically through the yaml Document API so
 * every comment, key order and anchor of the other entries stays as written. Idempotent: an entry
 * already gone is reported, not an error (a resumed retirement, or one removed by hand).
 */
export function removeEntry(file: string, name: string): string {
    const text = fs.readFileSync(file, "utf8");
    const doc = parseDocument(text, { merge: true });
    const stacks = doc.get("stacks");
    if (!isSeq(stacks)) {
        throw new UsageError(`${file}: stacks: expected a list; fix: restore the manifest from git and rerun`);
    }
    const before = stacks.items.length;
    stacks.items = stacks.items.filter((item) => !(isMap(item) && String(item.get("name")) === name));
    if (stacks.items.length === before) {
        return `${path.relative(process.cwd(), file) || file} has no entry ${name} (already removed)`;
    }
    writeOutput(file, doc.toString({ lineWidth: 0 }), "fleet manifest");
    return `removed its entry from ${path.relative(process.cwd(), file) || file}`;
}

async function removeBackendStack(c: RetireContext, name: string): Promise<string> {
    const ws = await LocalWorkspace.create({
        workDir: c.settings.programDir,
        pulumiCommand: await locatePulumi(c.d.locatePulumi),
        envVars: { PULUMI_SKIP_UPDATE_CHECK: "true", ...(c.settings.backend !== undefined ? { PULUMI_BACKEND_URL: c.settings.backend } : {}) },
    });
    const fq = qualifiedStackName(c.manifest.pulumiOrganization, name);
    const exists = (await ws.listStacks()).some((s) => s.name === name || s.name === fq || s.name.endsWith(`/${name}`));
    if (!exists) {
        return `${fq} is not in the backend`;
    }
    // stack rm refuses a stack that still has resources (no --force): the destroy above must have emptied it.
    await ws.removeStack(fq);
    return `removed ${fq} from the backend`;
}

/** A stack's generated file rendered again from the manifest (secrets kept); the path when it changed. */
function rewriteStackFile(m: FleetManifest, stack: FleetStack): string | undefined {
    const file = stackFilePath(m, stack.name);
    const existing = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined;
    const next = renderStackFile(stack, existing);
    if (next === existing) {
        return undefined;
    }
    writeOutput(file, next, "stack file");
    return file;
}

function removeFiles(c: RetireContext, name: string): string[] {
    const files = [...new Set([stackFilePath(c.manifest, name), stackFileFor(c.settings.programDir, name)])];
    return files.filter((f) => fs.existsSync(f)).map((f) => {
        fs.rmSync(f);
        return `removed ${path.relative(process.cwd(), f) || f}`;
    });
}

/** One step of one stack; returns the driver's exit code (0: done). */
async function runStep(c: RetireContext, target: FleetStack, step: RetireStep): Promise<number> {
    const { settings, manifest, d } = c;
    switch (step) {
        case "destroyed": {
            const withTarget: FleetManifest = { ...manifest, stacks: [...manifest.stacks.filter((s) => s.name !== target.name), target] };
            return (await runFleet({ ...settings, operation: "destroy", selectors: [target.name], jsonReport: undefined }, withTarget, d)).exitCode;
        }
        case "entry-removed":
            d.out(`retire ${target.name}: ${removeEntry(manifest.path, target.name)}`);
            return EXIT.ok;
        case "hub-updated": {
            if (target.role === "hub") {
                return EXIT.ok;
            }
            // The manifest as step 2 left it: the hub's tenants no longer include the target. Its
            // generated stack file follows, so `fleet config --check` agrees with what is deployed.
            const now = c.reload(manifest.path);
            const wrote = rewriteStackFile(now, now.hub);
            if (wrote !== undefined) {
                d.out(`retire ${target.name}: wrote ${path.relative(process.cwd(), wrote) || wrote} (the hub's tenants without ${target.name})`);
            }
            // force: a resumable up rollout the journal holds must not skip the hub as "already done".
            return (await runFleet({ ...settings, operation: "up", selectors: [now.hub.name], force: true, jsonReport: undefined }, now, d)).exitCode;
        }
        case "state-removed":
            d.out(`retire ${target.name}: ${await removeBackendStack(c, target.name)}`);
            return EXIT.ok;
        case "file-removed":
            removeFiles(c, target.name).forEach((l) => d.out(`retire ${target.name}: ${l}`));
            return EXIT.ok;
    }
}

/** Retires each target in turn, journaling every step; stops at the first step that fails. */
export async function retireStacks(c: RetireContext, targets: readonly string[]): Promise<number> {
    const problems = retireProblems(c.manifest, targets);
    if (problems.length > 0) {
        throw new UsageError(problems.join("\n"));
    }
    const journalFile = path.join(c.settings.stateDir, "retire.json");
    const journal = readJournal(journalFile);
    for (const name of targets) {
        const done = (journal[name] ??= {});
        const file = stackFilePath(c.manifest, name);
        const entry = c.manifest.stacks.find((s) => s.name === name);
        if (entry === undefined && done.destroyed === undefined && !fs.existsSync(file) && !fs.existsSync(stackFileFor(c.settings.programDir, name))) {
            throw new UsageError(`retire ${name}: no stack file ${file} and no retirement under way; fix: check the name (npm run fleet -- config --check lists orphans)`);
        }
        const target = entry ?? stackFromFile(name, fs.existsSync(file) ? file : stackFileFor(c.settings.programDir, name), c.manifest.hub.name);
        for (const step of RETIRE_STEPS) {
            if (done[step] !== undefined) {
                c.d.out(`retire ${name}: ${step} already (${done[step]})`);
                continue;
            }
            if (c.d.stop?.aborted) {
                c.d.err(`retire ${name}: stopped before ${step}; rerun the same command to resume`);
                return EXIT.cancelled;
            }
            const code = await runStep(c, target, step);
            if (code !== EXIT.ok) {
                c.d.err(`retire ${name}: stopped at ${step} (exit ${code}); fix the cause and rerun the same command to resume`);
                return code;
            }
            done[step] = new Date(c.d.clock.now()).toISOString();
            fs.mkdirSync(c.settings.stateDir, { recursive: true });
            writeOutput(journalFile, `${JSON.stringify(journal, null, 2)}\n`, "retire journal");
        }
        delete journal[name];
        writeOutput(journalFile, `${JSON.stringify(journal, null, 2)}\n`, "retire journal");
        c.d.out(`retire ${name}: done; its series stay in AMP for the workspace's retention (README "Decommissioning an account")`);
    }
    return EXIT.ok;
}
