import * as path from "path";
import { checkOutputTarget, checkStateDir } from "../io/output";
import type { FleetManifest } from "../fleet/types";
import type { GateSpec } from "./schedule/gate";
import { UsageError } from "../io/cliKit";
import { FailureTolerance, FleetFlags, parseFailureTolerance } from "./flags";
import type { ExecutorKind, FailureMode, Operation } from "./types";

/** Everything a run needs: manifest rollout values overridden by flags, paths resolved. */
export interface RunSettings {
    readonly operation: Operation;
    readonly selectors: readonly string[];
    readonly concurrency: number;
    readonly failureTolerance: FailureTolerance;
    readonly mode: FailureMode;
    readonly retries: number;
    readonly timeoutMs: number;
    /** Named canary stacks (manifest rollout.canary), unless --canary-count overrides. */
    readonly canary: readonly string[];
    readonly canaryCount: number;
    readonly regionOrder: readonly string[];
    readonly backend?: string;
    readonly secretsProvider?: string;
    readonly policyPacks: readonly string[];
    readonly jsonReport?: string;
    readonly yes: boolean;
    readonly force: boolean;
    readonly executor: ExecutorKind;
    readonly remote: { readonly url?: string; readonly branch?: string; readonly projectPath?: string };
    readonly stateDir: string;
    /** The repository root: relative paths (state dir, policy pack, reports) resolve against it. */
    readonly workDir: string;
    /** The Pulumi project the stacks run (manifest `program`, default the repository root). */
    readonly programDir: string;
    /** Set for the preview an interactive `up` runs first: the checks already ran. */
    readonly preflightDone?: boolean;
    /** Health gate after the canary wave of `up` (manifest rollout.gate). */
    readonly gate?: GateSpec;
    /**
     * Pulumi update plans, one `<stack>.json` per stack: preview saves them (--save-plan), up runs
     * exactly them (--plan; the interactive up saves and uses its own under <state-dir>/plans/<run>).
     */
    readonly planDir?: string;
}

/** Absolute number of tolerated main-wave failures; percentages round down, like StackSets. */
export function toleratedFailures(t: FailureTolerance, mainWaveSize: number): number {
    return t.kind === "count" ? t.value : Math.floor((t.value * mainWaveSize) / 100);
}

export function describeTolerance(t: FailureTolerance, mainWaveSize: number): string {
    return t.kind === "count" ? String(t.value) : `${toleratedFailures(t, mainWaveSize)} (${t.value}% of ${mainWaveSize})`;
}

/** `preview --save-plan DIR` and `up --plan DIR`; the other commands take neither. */
function planDirOf(operation: Operation, flags: FleetFlags, cwd: string): { planDir?: string } {
    const [flag, value, owner] = flags.savePlan !== undefined ? ["save-plan", flags.savePlan, "preview"] : flags.plan !== undefined ? ["plan", flags.plan, "up"] : [];
    if (flag === undefined || value === undefined) {
        return {};
    }
    if (operation !== owner) {
        throw new UsageError(`--${flag} applies to ${owner} only (preview --save-plan DIR, then up --plan DIR), e.g. npm run fleet -- ${owner} --${flag} ${value}`);
    }
    if (flags.executor === "remote") {
        throw new UsageError(`--${flag} needs --executor local: Pulumi Deployments runs its own preview`);
    }
    return { planDir: path.resolve(cwd, value) };
}

/** Paths on the command line resolve against `cwd` (where the operator is); defaults against `workDir` (the project). */
export function resolveSettings(operation: Operation, flags: FleetFlags, manifest: FleetManifest, workDir: string, cwd: string = workDir): RunSettings {
    const r = manifest.rollout;
    let tolerance = flags.failureTolerance;
    if (tolerance === undefined) {
        const parsed = parseFailureTolerance(String(r.failureTolerance));
        if (typeof parsed === "string") {
            throw new UsageError(`${manifest.path}: rollout.failureTolerance: ${parsed}`);
        }
        tolerance = parsed;
    }
    const executor = flags.executor ?? "local";
    if (executor !== "remote") {
        for (const [flag, value] of [["remote-url", flags.remoteUrl], ["remote-branch", flags.remoteBranch], ["remote-project-path", flags.remoteProjectPath]] as const) {
            if (value !== undefined) {
                throw new UsageError(`--${flag} only applies with --executor remote, e.g. --executor remote --${flag} ${value}`);
            }
        }
    } else {
        if (flags.policyPack !== undefined) {
            throw new UsageError("--policy-pack applies to --executor local; on Pulumi Deployments enforce the pack through a Pulumi Cloud policy group");
        }
        if (flags.backend !== undefined && !flags.backend.startsWith("https://")) {
            throw new UsageError(`--backend ${flags.backend}: --executor remote runs on Pulumi Deployments and needs a Pulumi Cloud backend, e.g. --backend https://api.pulumi.com`);
        }
        if (operation === "drift") {
            throw new UsageError("drift needs --executor local: Pulumi Deployments has no refresh preview");
        }
    }
    return {
        operation,
        selectors: flags.stacks,
        concurrency: flags.concurrency ?? r.concurrency,
        failureTolerance: tolerance,
        mode: flags.mode ?? r.mode,
        retries: flags.retries ?? r.retries,
        timeoutMs: (flags.timeoutMinutes ?? r.timeoutMinutes) * 60_000,
        canary: flags.canaryCount !== undefined ? [] : r.canary,
        canaryCount: flags.canaryCount ?? r.canaryCount,
        regionOrder: r.regionOrder,
        backend: flags.backend,
        secretsProvider: flags.secretsProvider,
        policyPacks: executor === "remote" ? [] : [flags.policyPack !== undefined ? path.resolve(cwd, flags.policyPack) : path.resolve(workDir, "policy")],
        jsonReport: flags.json === undefined ? undefined : flags.json === "-" ? "-" : path.resolve(cwd, flags.json),
        yes: flags.yes,
        force: flags.force,
        executor,
        remote: { url: flags.remoteUrl, branch: flags.remoteBranch, projectPath: flags.remoteProjectPath },
        stateDir: flags.stateDir !== undefined ? path.resolve(cwd, flags.stateDir) : path.resolve(workDir, ".fleet"),
        workDir,
        programDir: manifest.program ?? workDir,
        ...(r.gate !== undefined ? { gate: r.gate } : {}),
        ...planDirOf(operation, flags, cwd),
    };
}

/**
 * Checks where a run will write (report, journal, lock, logs) before any stack is touched: a
 * report path in a missing folder or a read-only state folder found after an hour of `up` is an
 * hour lost. Throws a ConfigError (exit 2).
 */
export function checkSettingsPaths(settings: Pick<RunSettings, "jsonReport" | "stateDir">): void {
    checkStateDir(settings.stateDir);
    if (settings.jsonReport !== undefined) {
        checkOutputTarget(settings.jsonReport, "--json");
    }
}
