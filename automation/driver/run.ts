import { setMaxListeners } from "events";
import * as fs from "fs";
import * as path from "path";
import { PulumiCommand } from "@pulumi/pulumi/automation";
import { ConfigError } from "../../stacks/config/common";
import { loadManifest } from "../fleet/manifest";
import { FleetManifest, FleetStack } from "../fleet/types";
import { BackoffOptions, DEFAULT_BACKOFF } from "./schedule/attempt";
import { Clock, realClock } from "./schedule/clock";
import { AutomationApi, AutomationEngine } from "./engine/engine";
import { UsageError } from "../io/cliKit";
import { EXIT } from "./errors";
import { execute } from "./rollout";
import { checkOutputTarget, writeOutput } from "../io/output";
import { GateSpec, prometheusQuery, PromQuery } from "./schedule/gate";
import { RoleAssumer, stsAssumer } from "./engine/preflight";
import { parseArgs, usage } from "./flags";
import { assertAcyclic } from "./schedule/graph";
import { acquireLock, decideResume, durationPrior, JournalStore, newId } from "./record/journal";
import { locatePulumi, PulumiLocator } from "./engine/pulumiCli";
import { countResults, FleetReport, previewSummaryLines, StackReport, summaryLines } from "./record/report";
import { selectStacks } from "../fleet/selectors";
import { checkSettingsPaths, describeTolerance, resolveSettings, RunSettings, toleratedFailures } from "./settings";
import { runStatus } from "./record/status";
import { FleetEngine, isRollout, NO_VIOLATIONS } from "./types";
import { planWaves, WavePlan } from "./schedule/waves";

export interface EngineContext {
    readonly settings: RunSettings;
    readonly manifest: FleetManifest;
    readonly pulumiCommand: PulumiCommand;
    /** Pre-flight deploy-role check (absent: not checked). */
    readonly assumeRole?: RoleAssumer;
}

/** Everything the driver touches outside itself, injectable so tests and the benchmark run it offline. */
export interface FleetDeps {
    /** The Pulumi project directory (repository root); relative paths resolve against it. */
    readonly workDir: string;
    readonly out: (line: string) => void;
    readonly err: (line: string) => void;
    readonly clock: Clock;
    readonly random: () => number;
    readonly locatePulumi: PulumiLocator;
    readonly createEngine: (ctx: EngineContext) => FleetEngine;
    readonly loadManifest: (file: string) => FleetManifest;
    /** Asks the operator; absent when there is no terminal (then --yes is required). */
    readonly confirm?: (question: string) => Promise<boolean>;
    /** Graceful stop (first Ctrl-C): no new stacks start, running ones finish. */
    readonly stop?: AbortSignal;
    /** Cancellation: running operations are signalled too. */
    readonly abort?: AbortSignal;
    readonly backoff: BackoffOptions;
    /** How long a timed-out operation may take to wind down after being signalled. */
    readonly graceMs: number;
    /** false: no per-stack log files (benchmark). */
    readonly stackLogs: boolean;
    /** Interval of the live status line (done N/M, running stacks with elapsed time); 0: none. */
    readonly progressIntervalMs: number;
    /** Pre-flight: assumes each deploy role once (STS); unset to skip. */
    readonly assumeRole?: RoleAssumer;
    /** The metrics store the canary health gate queries (AMP with SigV4, or Prometheus). */
    readonly gateQuery: (gate: GateSpec) => PromQuery;
}

/** The Automation API engine for a run; `automation` replaces the real module in the contract test. */
export function engineFor({ settings, manifest, pulumiCommand, assumeRole }: EngineContext, automation?: AutomationApi): AutomationEngine {
    return new AutomationEngine({
        ...(assumeRole !== undefined ? { assumeRole } : {}),
        workDir: settings.programDir,
        organization: manifest.pulumiOrganization,
        pulumiCommand,
        policyPacks: settings.policyPacks,
        backendUrl: settings.backend,
        secretsProvider: settings.secretsProvider,
        executor: settings.executor,
        remote: settings.remote,
        ...(automation !== undefined ? { automation } : {}),
    });
}

export function defaultDeps(workDir: string): FleetDeps {
    return {
        workDir,
        out: (l) => console.log(l),
        err: (l) => console.error(l),
        clock: realClock,
        random: Math.random,
        locatePulumi: () => PulumiCommand.get(),
        createEngine: (ctx) => engineFor(ctx),
        loadManifest,
        backoff: DEFAULT_BACKOFF,
        graceMs: 120_000,
        stackLogs: true,
        gateQuery: (gate) => prometheusQuery(gate.endpoint, gate.region),
        assumeRole: stsAssumer(),
        progressIntervalMs: 30_000,
    };
}

/** The commit the work tree is on, read from .git without running git. */
export function sourceRevision(workDir: string): string | undefined {
    try {
        const gitDir = path.join(workDir, ".git");
        const head = fs.readFileSync(path.join(gitDir, "HEAD"), "utf8").trim();
        if (!head.startsWith("ref: ")) {
            return head;
        }
        const ref = head.slice(5);
        const loose = path.join(gitDir, ref);
        if (fs.existsSync(loose)) {
            return fs.readFileSync(loose, "utf8").trim();
        }
        const packed = fs.readFileSync(path.join(gitDir, "packed-refs"), "utf8").split("\n").find((l) => l.endsWith(` ${ref}`));
        return packed?.split(" ")[0];
    } catch {
        return undefined;
    }
}

/** Stacks that depend on `s` per the manifest. */
function dependentsInManifest(manifest: FleetManifest, s: FleetStack): FleetStack[] {
    return manifest.stacks.filter((d) => d.dependsOn.includes(s.name));
}

/**
 * destroy must not pull the hub (or any stack) from under stacks that still use it. Evidence that
 * a dependent exists is a journal entry whose last operation is not a successful destroy.
 */
function checkDestroyOrder(manifest: FleetManifest, toRun: readonly FleetStack[], store: JournalStore): void {
    const destroying = new Set(toRun.map((s) => s.name));
    const problems: string[] = [];
    for (const s of toRun) {
        const alive = dependentsInManifest(manifest, s).filter((d) => {
            if (destroying.has(d.name)) {
                return false;
            }
            const sj = store.current.stacks[d.name];
            if (sj === undefined) {
                return false;
            }
            const destroyed = sj.ops.destroy;
            return !(sj.last === "destroy" && destroyed?.result === "succeeded");
        });
        if (alive.length > 0) {
            problems.push(`${s.name} is used by ${alive.map((d) => d.name).join(", ")}`);
        }
    }
    if (problems.length > 0) {
        throw new UsageError(`destroy: ${problems.join("; ")}, which the journal does not show as destroyed. Include them (--stacks), destroy them first, or pass --force.`);
    }
}

function waveSummary(plan: WavePlan): string {
    return plan.waves.map((w) => `${w.name} wave ${w.stacks.length <= 3 ? `[${w.stacks.join(", ")}]` : `${w.stacks.length} stacks`}`).join(" → ");
}

/**
 * One fleet operation end to end: select, resume, plan waves, check the CLI, run under the
 * scheduler with retries and timeouts, journal every transition, report.
 */
export async function runFleet(settings: RunSettings, manifest: FleetManifest, d: FleetDeps): Promise<FleetReport> {
    const op = settings.operation;
    const clock = d.clock;
    const at = () => new Date(clock.now()).toISOString();
    const startMs = clock.now();
    // Every running stack listens on the run's signals; Node warns past 10 listeners by default.
    for (const signal of [d.stop, d.abort]) {
        if (signal !== undefined) {
            setMaxListeners(0, signal);
        }
    }
    const show = op === "outputs" ? d.err : d.out;
    const selected = selectStacks(manifest.stacks, settings.selectors);
    const store = new JournalStore(path.join(settings.stateDir, "journal.json"));
    store.load();
    const runId = newId(new Date(clock.now()));
    const resume = decideResume(store.current, op, selected, settings.force, runId);
    const toRun = selected.filter((s) => !resume.done.has(s.name));
    if (op === "destroy" && !settings.force) {
        checkDestroyOrder(manifest, toRun, store);
    }
    const plan = planWaves(toRun, {
        operation: op,
        canary: settings.canary,
        canaryCount: settings.canaryCount,
        regionOrder: settings.regionOrder,
        history: durationPrior(store.current, op, toRun),
    });
    const mainSize = plan.waves.find((w) => w.kind === "main")?.stacks.length ?? 0;
    const tolerance = isRollout(op) ? toleratedFailures(settings.failureTolerance, mainSize) : Number.POSITIVE_INFINITY;
    const revision = sourceRevision(settings.workDir);
    const previous = store.current.rollouts[op];

    show(
        `${op}: ${selected.length} stack(s) selected${resume.done.size > 0 ? `, ${resume.done.size} already done in rollout ${resume.rolloutId}` : ""}; ${toRun.length} to run` +
            (toRun.length > 0 ? `: ${waveSummary(plan)}` : "") +
            `; concurrency ${settings.concurrency}` +
            (isRollout(op) ? `, failure tolerance ${describeTolerance(settings.failureTolerance, mainSize)}, ${settings.mode} mode` : "") +
            `, executor ${settings.executor}`,
    );
    if (resume.resumed && previous?.revision !== undefined && revision !== undefined && previous.revision !== revision) {
        show(`warning: the source changed since rollout ${resume.rolloutId} started (${previous.revision.slice(0, 8)} → ${revision.slice(0, 8)}); stacks it already finished keep the older version. Pass --force to re-run them.`);
    }

    const reports = new Map<string, StackReport>();
    for (const [name, e] of resume.done) {
        const s = selected.find((x) => x.name === name)!;
        reports.set(name, {
            stack: name,
            role: s.role,
            account: s.account,
            region: s.region,
            result: "up-to-date",
            attempts: 0,
            changes: {},
            resourcesChanged: 0,
            policyViolations: NO_VIOLATIONS,
            note: `done in this rollout at ${e.finishedAt ?? "?"}`,
        });
    }

    let stopReason: string | undefined;
    if (toRun.length > 0) {
        const pulumiCommand = await locatePulumi(d.locatePulumi);
        const engine = d.createEngine({ settings, manifest, pulumiCommand, ...(d.assumeRole !== undefined && manifest.rollout.checkDeployRoles ? { assumeRole: d.assumeRole } : {}) });
        if (engine.preflight !== undefined && !settings.preflightDone) {
            for (const line of await engine.preflight(toRun, op)) {
                show(line);
            }
        }
        const mutating = op === "up" || op === "destroy" || op === "refresh";
        if (mutating && !settings.yes) {
            if (d.confirm === undefined) {
                throw new UsageError(`${op} changes ${toRun.length} stack(s); pass --yes to run without a terminal, e.g. npm run fleet -- ${op} --yes`);
            }
            if (op === "up") {
                // What would change, before the operator says yes: a preview of the same stacks.
                const preview = await runFleet({ ...settings, operation: "preview", yes: true, jsonReport: undefined, selectors: toRun.map((s) => s.name), preflightDone: true }, manifest, { ...d, confirm: undefined });
                for (const line of previewSummaryLines(preview)) {
                    show(line);
                }
            }
            if (!(await d.confirm(`Run ${op} on ${toRun.length} stack(s)?`))) {
                throw new UsageError(`${op} not confirmed; nothing was touched`);
            }
        }
        const release = acquireLock(path.join(settings.stateDir, "lock"), runId, new Date(clock.now()));
        try {
            const abort = d.abort ?? new AbortController().signal;
            try {
                await engine.prepare(toRun, op, abort);
            } catch (e) {
                throw new UsageError(`preparing the ${engine.kind} engine failed, no stack was touched: ${e instanceof Error ? e.message : String(e)}`);
            }
            stopReason = await execute(settings, plan, tolerance, toRun, engine, store, reports, { runId, rolloutId: resume.rolloutId, revision, previous, resumed: resume.resumed, show, at }, d);
        } finally {
            await store.flush();
            release();
        }
    }

    const stacks = selected.map((s) => reports.get(s.name)!);
    const counts = countResults(stacks);
    const cancelled = d.stop?.aborted === true || d.abort?.aborted === true;
    const failedAny = counts.failed + counts.skipped + counts["not-run"] + counts.cancelled > 0;
    const exitCode = cancelled ? EXIT.cancelled : failedAny ? EXIT.failed : op === "drift" && stacks.some((s) => s.drifted) ? EXIT.drift : EXIT.ok;
    const report: FleetReport = {
        version: 1,
        command: op,
        runId,
        rolloutId: resume.rolloutId,
        resumed: resume.resumed,
        startedAt: new Date(startMs).toISOString(),
        finishedAt: at(),
        durationMs: clock.now() - startMs,
        exitCode,
        ...(stopReason !== undefined ? { stopReason } : {}),
        settings: {
            concurrency: settings.concurrency,
            failureTolerance: settings.failureTolerance,
            toleratedFailures: Number.isFinite(tolerance) ? tolerance : null,
            mode: settings.mode,
            retries: settings.retries,
            timeoutMinutes: settings.timeoutMs / 60_000,
            executor: settings.executor,
            selectors: settings.selectors,
            policyPacks: settings.policyPacks,
        },
        counts,
        stacks,
    };
    summaryLines(report).forEach(show);
    if (op === "outputs") {
        d.out(JSON.stringify(Object.fromEntries(stacks.filter((s) => s.outputs !== undefined).map((s) => [s.stack, s.outputs])), null, 2));
    }
    if (settings.jsonReport !== undefined) {
        writeOutput(settings.jsonReport, `${JSON.stringify(report, null, 2)}\n`, "--json");
        const rel = path.relative(settings.workDir, settings.jsonReport);
        show(`wrote ${rel.startsWith("..") || path.isAbsolute(rel) ? settings.jsonReport : rel}`);
    }
    return report;
}

/** `npm run fleet -- <command>` for every command but plan and config; returns the exit code. */
export async function runFleetCommand(argv: readonly string[], deps: Partial<FleetDeps> & { readonly workDir: string }): Promise<number> {
    const d: FleetDeps = { ...defaultDeps(deps.workDir), ...deps };
    try {
        const { command, flags } = parseArgs(argv);
        if (command === "help") {
            d.out(usage());
            return EXIT.ok;
        }
        const manifest = d.loadManifest(path.resolve(d.workDir, flags.manifest ?? "stacks/fleet.yaml"));
        assertAcyclic(manifest.stacks);
        if (command === "status") {
            const selected = selectStacks(manifest.stacks, flags.stacks);
            const statusJson = flags.json !== undefined ? path.resolve(d.workDir, flags.json) : undefined;
            if (statusJson !== undefined) {
                checkOutputTarget(statusJson, "--json");
            }
            return runStatus(path.resolve(d.workDir, flags.stateDir ?? ".fleet"), selected, d.out, statusJson);
        }
        const settings = resolveSettings(command, flags, manifest, d.workDir);
        checkSettingsPaths(settings);
        const report = await runFleet(settings, manifest, d);
        return report.exitCode;
    } catch (e) {
        if (e instanceof UsageError || e instanceof ConfigError) {
            d.err(e.message);
            return EXIT.usage;
        }
        throw e;
    }
}
