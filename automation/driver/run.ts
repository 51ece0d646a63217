import { setMaxListeners } from "events";
import * as fs from "fs";
import * as path from "path";
import { ConfigError } from "../../stacks/config/common";
import { selectStacks } from "../fleet/selectors";
import type { FleetManifest, FleetStack } from "../fleet/types";
import { UsageError } from "../io/cliKit";
import { checkOutputTarget, writeOutput } from "../io/output";
import { defaultDeps, FleetDeps } from "./deps";
import { locatePulumi } from "./engine/pulumiCli";
import { EXIT } from "./errors";
import { parseArgs, usage } from "./flags";
import { checkApproval, recordApproval, startApproval } from "./record/approval";
import { acquireLock, decideResume, durationPrior, JournalStore, newId, ResumeDecision, RolloutRecord } from "./record/journal";
import { countResults, FleetReport, previewSummaryLines, shortError, StackReport, summaryLines } from "./record/report";
import { runStatus } from "./record/status";
import { rollout } from "./rollout";
import { assertAcyclic } from "./schedule/graph";
import { planWaves, WavePlan } from "./schedule/waves";
import { checkSettingsPaths, describeTolerance, resolveSettings, RunSettings, toleratedFailures } from "./settings";
import { isRollout, NO_VIOLATIONS, Operation } from "./types";

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
 * A stack marked `retiring: true` is left as it is by the operations that would change or plan it
 * (up, preview): it keeps running and the hub keeps its tenant until `fleet retire` destroys it in
 * order. Every other operation (destroy, refresh, drift, outputs) still sees it.
 */
export function withoutRetiring(selected: readonly FleetStack[], op: Operation, show: (line: string) => void): FleetStack[] {
    if (op !== "up" && op !== "preview") {
        return [...selected];
    }
    const retiring = selected.filter((s) => s.retiring === true);
    retiring.forEach((s) => show(`${s.name}: retiring, left as it is by ${op}; finish it with \`fleet retire --stacks ${s.name}\``));
    return selected.filter((s) => s.retiring !== true);
}

/** One fleet operation, decided before any stack runs: what is selected, resumed and planned. */
interface RunState {
    readonly settings: RunSettings;
    readonly manifest: FleetManifest;
    readonly d: FleetDeps;
    readonly op: Operation;
    /** Progress lines: stderr for `outputs` and `--json -` (their stdout is the JSON), stdout otherwise. */
    readonly show: (line: string) => void;
    readonly at: () => string;
    readonly startMs: number;
    readonly selected: readonly FleetStack[];
    readonly store: JournalStore;
    readonly runId: string;
    readonly resume: ResumeDecision;
    readonly toRun: readonly FleetStack[];
    readonly plan: WavePlan;
    readonly mainSize: number;
    readonly tolerance: number;
    readonly revision?: string;
    /** The journal's last rollout of this operation. */
    readonly previous?: RolloutRecord;
}

/** Selects the stacks, reads the journal, decides what a resume skips and plans the waves. */
function startRun(settings: RunSettings, manifest: FleetManifest, d: FleetDeps): RunState {
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
    // Standard output carries only machine-readable output when there is some: outputs' JSON, or the report with --json -.
    const show = op === "outputs" || settings.jsonReport === "-" ? d.err : d.out;
    const selected = withoutRetiring(selectStacks(manifest.stacks, settings.selectors), op, show);
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
    return { settings, manifest, d, op, show, at, startMs, selected, store, runId, resume, toRun, plan, mainSize, tolerance, revision, previous };
}

/** The run's first line, and a warning when a resumed rollout's source changed. */
function announce(r: RunState): void {
    const { settings, op, resume, toRun, show } = r;
    show(
        `${op}: ${r.selected.length} stack(s) selected${resume.done.size > 0 ? `, ${resume.done.size} already done in rollout ${resume.rolloutId}` : ""}; ${toRun.length} to run` +
            (toRun.length > 0 ? `: ${waveSummary(r.plan)}` : "") +
            `; concurrency ${settings.concurrency}` +
            (isRollout(op) ? `, failure tolerance ${describeTolerance(settings.failureTolerance, r.mainSize)}, ${settings.mode} mode` : "") +
            `, executor ${settings.executor}`,
    );
    if (resume.resumed && r.previous?.revision !== undefined && r.revision !== undefined && r.previous.revision !== r.revision) {
        show(`warning: the source changed since rollout ${resume.rolloutId} started (${r.previous.revision.slice(0, 8)} → ${r.revision.slice(0, 8)}); stacks it already finished keep the older version. Pass --force to re-run them.`);
    }
}

/** Reports of the stacks a resumed rollout already finished. */
function doneReports(r: RunState): Map<string, StackReport> {
    const reports = new Map<string, StackReport>();
    for (const [name, e] of r.resume.done) {
        const s = r.selected.find((x) => x.name === name)!;
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
    return reports;
}

/**
 * up, destroy and refresh change stacks: they need --yes, or the operator's yes. An interactive
 * `up` first previews the same stacks with saved Pulumi plans and shows every resource change;
 * the yes approves those plans, and the run then executes exactly them (returns their folder).
 */
async function confirmRun(r: RunState): Promise<string | undefined> {
    const { settings, manifest, d, op, toRun } = r;
    const mutating = op === "up" || op === "destroy" || op === "refresh";
    if (!mutating || settings.yes) {
        return settings.planDir;
    }
    if (d.confirm === undefined) {
        throw new UsageError(`${op} changes ${toRun.length} stack(s); pass --yes to run without a terminal, e.g. npm run fleet -- ${op} --yes`);
    }
    let planDir = settings.planDir;
    if (op === "up" && planDir === undefined) {
        planDir = path.join(settings.stateDir, "plans", r.runId);
        // What would change, before the operator says yes: a preview of the same stacks, its plans saved.
        // Its report ends with every resource change (publishReport), right above the question.
        const preview = await runFleet({ ...settings, operation: "preview", yes: true, jsonReport: undefined, selectors: toRun.map((s) => s.name), preflightDone: true, planDir }, manifest, { ...d, confirm: undefined });
        const failed = preview.stacks.filter((s) => s.result !== "succeeded").length;
        if (failed > 0) {
            throw new UsageError(`up: the preview of ${failed} stack(s) did not succeed, so there is nothing complete to approve; nothing was touched; fix: see the errors above (a spoke cannot be previewed before the hub whose outputs it reads is deployed: up --stacks ${manifest.hub.name} first)`);
        }
        checkApproval(planDir, toRun, r.revision);
    }
    const what = op === "up" ? `Run up on ${toRun.length} stack(s), exactly as previewed${settings.planDir !== undefined ? ` in ${settings.planDir}` : " above"}?` : `Run ${op} on ${toRun.length} stack(s)?`;
    if (!(await d.confirm(what))) {
        throw new UsageError(`${op} not confirmed; nothing was touched`);
    }
    return planDir;
}

/** Finds the Pulumi CLI, checks and confirms, then runs the stacks under the lock; returns why the rollout stopped early. */
async function runStacks(r: RunState, reports: Map<string, StackReport>): Promise<string | undefined> {
    const { settings, manifest, d, op, toRun, show } = r;
    const pulumiCommand = await locatePulumi(d.locatePulumi);
    const engine = d.createEngine({ settings, manifest, pulumiCommand, ...(d.assumeRole !== undefined && manifest.rollout.checkDeployRoles ? { assumeRole: d.assumeRole } : {}) });
    if (engine.preflight !== undefined && !settings.preflightDone) {
        for (const line of await engine.preflight(toRun, op)) {
            show(line);
        }
    }
    if (op === "up" && settings.planDir !== undefined) {
        checkApproval(settings.planDir, toRun, r.revision);
    }
    if (op === "preview" && settings.planDir !== undefined) {
        startApproval(settings.planDir, toRun);
    }
    const planDir = await confirmRun(r);
    const release = acquireLock(path.join(settings.stateDir, "lock"), r.runId, new Date(d.clock.now()));
    try {
        const abort = d.abort ?? new AbortController().signal;
        try {
            await engine.prepare(toRun, op, abort);
        } catch (e) {
            // The Automation API's CommandError is a multi-line dump (code, stdout, stderr, err?): its error line is the news.
            throw new UsageError(`preparing the ${engine.kind} engine failed, no stack was touched: ${shortError(e)}`);
        }
        const ctx = { runId: r.runId, rolloutId: r.resume.rolloutId, revision: r.revision, previous: r.previous, resumed: r.resume.resumed, show, at: r.at };
        const stopped = await rollout({ settings: planDir !== undefined ? { ...settings, planDir } : settings, plan: r.plan, tolerance: r.tolerance, toRun, engine, store: r.store, reports, ctx, deps: d });
        if (op === "preview" && settings.planDir !== undefined) {
            const approval = recordApproval(settings.planDir, toRun, r.at(), r.revision);
            show(`saved ${Object.keys(approval.stacks).length} of ${toRun.length} plan(s) in ${settings.planDir}; run exactly them with up --plan ${settings.planDir}`);
        }
        return stopped;
    } finally {
        await r.store.flush();
        release();
    }
}

/** The run report (`--json`) and its exit code. */
function fleetReport(r: RunState, reports: ReadonlyMap<string, StackReport>, stopReason: string | undefined): FleetReport {
    const { settings, d, op } = r;
    const stacks = r.selected.map((s) => reports.get(s.name)!);
    const counts = countResults(stacks);
    const cancelled = d.stop?.aborted === true || d.abort?.aborted === true;
    const failedAny = counts.failed + counts.skipped + counts["not-run"] + counts.cancelled > 0;
    const exitCode = cancelled ? EXIT.cancelled : failedAny ? EXIT.failed : op === "drift" && stacks.some((s) => s.drifted) ? EXIT.drift : EXIT.ok;
    return {
        version: 1,
        command: op,
        runId: r.runId,
        rolloutId: r.resume.rolloutId,
        resumed: r.resume.resumed,
        startedAt: new Date(r.startMs).toISOString(),
        finishedAt: r.at(),
        durationMs: d.clock.now() - r.startMs,
        exitCode,
        ...(stopReason !== undefined ? { stopReason } : {}),
        settings: {
            concurrency: settings.concurrency,
            failureTolerance: settings.failureTolerance,
            toleratedFailures: Number.isFinite(r.tolerance) ? r.tolerance : null,
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
}

/** The summary; for `outputs` the outputs JSON on stdout; the report file for --json. */
function publishReport(r: RunState, report: FleetReport): void {
    const { settings, d, show } = r;
    summaryLines(report).forEach(show);
    if (r.op === "preview") {
        // What `pulumi preview --diff` shows, per resource: replacements and deletions first, security-relevant flagged.
        previewSummaryLines(report).forEach(show);
    }
    if (r.op === "outputs" && settings.jsonReport !== "-") {
        d.out(JSON.stringify(Object.fromEntries(report.stacks.filter((s) => s.outputs !== undefined).map((s) => [s.stack, s.outputs])), null, 2));
    }
    if (settings.jsonReport !== undefined) {
        writeOutput(settings.jsonReport, `${JSON.stringify(report, null, 2)}\n`, "--json");
        if (settings.jsonReport === "-") {
            return;
        }
        const rel = path.relative(settings.workDir, settings.jsonReport);
        show(`wrote ${rel.startsWith("..") || path.isAbsolute(rel) ? settings.jsonReport : rel}`);
    }
}

/**
 * One fleet operation end to end: select, resume, plan waves, check the CLI, run under the
 * scheduler with retries and timeouts, journal every transition, report.
 */
export async function runFleet(settings: RunSettings, manifest: FleetManifest, d: FleetDeps): Promise<FleetReport> {
    const r = startRun(settings, manifest, d);
    announce(r);
    const reports = doneReports(r);
    const stopReason = r.toRun.length > 0 ? await runStacks(r, reports) : undefined;
    const report = fleetReport(r, reports, stopReason);
    publishReport(r, report);
    return report;
}

/** `npm run fleet -- <command>` for every command but plan and config; returns the exit code. */
export async function runFleetCommand(argv: readonly string[], deps: Partial<FleetDeps> & { readonly workDir: string }): Promise<number> {
    const d: FleetDeps = { ...defaultDeps(deps.workDir), ...deps };
    try {
        const { command, flags, topic } = parseArgs(argv);
        if (command === "help") {
            d.out(usage(topic, d.program));
            return EXIT.ok;
        }
        const cwd = d.cwd ?? d.workDir;
        const manifest = d.loadManifest(flags.manifest !== undefined ? path.resolve(cwd, flags.manifest) : path.resolve(d.workDir, "stacks/fleet.yaml"));
        assertAcyclic(manifest.stacks);
        if (command === "status") {
            const selected = selectStacks(manifest.stacks, flags.stacks);
            const statusJson = flags.json === undefined ? undefined : checkOutputTarget(flags.json === "-" ? "-" : path.resolve(cwd, flags.json), "--json");
            return runStatus(flags.stateDir !== undefined ? path.resolve(cwd, flags.stateDir) : path.resolve(d.workDir, ".fleet"), selected, statusJson?.kind === "stdout" ? d.err : d.out, statusJson);
        }
        const settings = resolveSettings(command, flags, manifest, d.workDir, cwd);
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
