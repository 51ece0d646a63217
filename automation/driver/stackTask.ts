import * as path from "path";
import type { FleetStack } from "../fleet/types";
import type { FleetDeps } from "./deps";
import { formatDuration, NotStartedError, OperationCancelledError } from "./errors";
import { JournalEntry, JournalStore, recordEntry, RolloutRecord, stackFingerprint } from "./record/journal";
import { NULL_LOG, OpenStackLog, openStackLog } from "./record/logs";
import { Progress, shortError, StackReport } from "./record/report";
import { AttemptError, runWithRetries } from "./schedule/attempt";
import type { TaskOutcome } from "./schedule/scheduler";
import type { Wave } from "./schedule/waves";
import type { RunSettings } from "./settings";
import { changedResources, FleetEngine, NO_VIOLATIONS, Operation, OperationResult } from "./types";

export interface RunContext {
    readonly runId: string;
    readonly rolloutId: string;
    readonly revision?: string;
    /** The rollout being resumed, when resuming. */
    readonly previous?: RolloutRecord;
    readonly resumed: boolean;
    readonly show: (line: string) => void;
    readonly at: () => string;
}

/** A stack's journal entry without what the run fills in. */
export type StackEntry = Omit<JournalEntry, "operation" | "rolloutId" | "runId" | "fingerprint" | "lastSuccessMs">;

/** Records a stack's transitions in the journal; `outputs` changes nothing and records nothing. */
export function stackJournal(store: JournalStore, op: Operation, ctx: RunContext): (s: FleetStack, entry: StackEntry) => void {
    const journaled = op !== "outputs";
    return (s, entry) => {
        if (!journaled) {
            return;
        }
        store.update((j) => {
            const prev = j.stacks[s.name]?.ops[op];
            const lastSuccessMs = entry.result === "succeeded" ? entry.durationMs : prev?.lastSuccessMs;
            recordEntry(j, s.name, {
                operation: op,
                rolloutId: ctx.rolloutId,
                runId: ctx.runId,
                fingerprint: stackFingerprint(s),
                ...entry,
                ...(lastSuccessMs !== undefined ? { lastSuccessMs } : {}),
            });
        });
    };
}

/** The report fields every stack has, whatever happened to it. */
export function baseReport(s: FleetStack, wave?: string): Pick<StackReport, "stack" | "role" | "account" | "region" | "wave"> {
    return { stack: s.name, role: s.role, account: s.account, region: s.region, ...(wave !== undefined ? { wave } : {}) };
}

/** What the stack tasks of one run share. */
export interface StackTaskEnv {
    readonly settings: RunSettings;
    readonly engine: FleetEngine;
    readonly ctx: RunContext;
    readonly deps: FleetDeps;
    readonly byName: ReadonlyMap<string, FleetStack>;
    readonly progress: Progress;
    readonly reports: Map<string, StackReport>;
    readonly journal: (s: FleetStack, entry: StackEntry) => void;
    readonly logsDir: string;
    /** Log files being closed; the run awaits them before it ends. */
    readonly closing: Promise<void>[];
    /** Stacks whose task ran but whose operation never started (reported and journaled by the task). */
    readonly unstarted: Set<string>;
}

/**
 * When a stack's operation started. Queue time (waiting for workspace selection, backoff before a
 * retry) is not the stack's: the clock starts when the engine starts the first Pulumi operation
 * (onStarted), or when the task starts for engines that do not say.
 */
class OperationTiming {
    t0: number;
    startedAt: string;
    operationStarted = false;

    constructor(private readonly now: () => number, private readonly at: () => string) {
        this.t0 = now();
        this.startedAt = at();
    }

    readonly onStarted = (): void => {
        if (!this.operationStarted) {
            this.operationStarted = true;
            this.t0 = this.now();
            this.startedAt = this.at();
        }
    };

    elapsedMs(): number {
        return this.now() - this.t0;
    }
}

/** The operation with retries and a timeout; stops before a first start or a retry once the run is stopping. */
function attemptOperation(env: StackTaskEnv, s: FleetStack, log: OpenStackLog, timing: OperationTiming): Promise<{ value: OperationResult; attempts: number }> {
    const { settings, deps: d, ctx, progress } = env;
    const op = settings.operation;
    return runWithRetries(
        (signal, attempt) => {
            if (d.stop?.aborted) {
                // Stopping: no first start, and no retry either.
                throw attempt === 1 || !timing.operationStarted ? new NotStartedError() : new OperationCancelledError();
            }
            log.line(`attempt ${attempt}: ${op} ${s.name} (${s.account}/${s.region})`);
            const planFile = settings.planDir !== undefined ? { planFile: path.join(settings.planDir, `${s.name}.json`) } : {};
            return env.engine.run({ stack: s, operation: op, signal, log, attempt, runId: ctx.runId, ...planFile, ...(d.stop !== undefined ? { stop: d.stop } : {}), onStarted: timing.onStarted });
        },
        {
            retries: settings.retries,
            timeoutMs: settings.timeoutMs,
            clock: d.clock,
            random: d.random,
            backoff: d.backoff,
            abort: d.abort,
            graceMs: d.graceMs,
            onRetry: (attempt, err, delayMs, reason) => {
                log.line(`attempt ${attempt} failed (${reason}), retrying in ${formatDuration(delayMs)}: ${err instanceof Error ? err.message : String(err)}`);
                progress.retrying(s.name, attempt, reason, delayMs);
            },
        },
    );
}

function logField(env: StackTaskEnv, log: OpenStackLog): { log?: string } {
    return log.file ? { log: path.relative(env.settings.workDir, log.file) } : {};
}

/** Reports and journals a succeeded operation. */
function succeeded(env: StackTaskEnv, s: FleetStack, wave: Wave, log: OpenStackLog, timing: OperationTiming, value: OperationResult, attempts: number): StackReport {
    const op = env.settings.operation;
    const durationMs = timing.elapsedMs();
    const report: StackReport = {
        ...baseReport(s, wave.name),
        result: "succeeded",
        attempts,
        startedAt: timing.startedAt,
        finishedAt: env.ctx.at(),
        durationMs,
        changes: value.changes,
        resourcesChanged: changedResources(value.changes),
        policyViolations: value.policyViolations,
        ...(value.drifted !== undefined ? { drifted: value.drifted } : {}),
        ...(value.outputs !== undefined ? { outputs: value.outputs } : {}),
        ...(value.resources !== undefined ? { resources: value.resources } : {}),
        ...(value.note !== undefined ? { note: value.note } : {}),
        ...logField(env, log),
    };
    log.line(`${op} succeeded in ${formatDuration(durationMs)}: ${JSON.stringify(value.changes)}`);
    env.journal(s, {
        result: "succeeded",
        startedAt: timing.startedAt,
        finishedAt: report.finishedAt,
        durationMs,
        attempts,
        changes: value.changes,
        resourcesChanged: report.resourcesChanged,
        policyViolations: value.policyViolations,
        ...(value.version !== undefined ? { version: value.version } : {}),
        ...(value.drifted !== undefined ? { drifted: value.drifted } : {}),
        ...(value.certificateExpiresAt !== undefined ? { certificateExpiresAt: value.certificateExpiresAt } : {}),
        ...(value.deployedVersions !== undefined ? { deployedVersions: value.deployedVersions } : {}),
    });
    return report;
}

/** Reports and journals a failed or cancelled operation. */
function failed(env: StackTaskEnv, s: FleetStack, wave: Wave, log: OpenStackLog, timing: OperationTiming, ae: AttemptError): StackReport {
    const op = env.settings.operation;
    const d = env.deps;
    // After the first Ctrl-C, Pulumi (same process group) cancels the update itself; the
    // error it ends with is the cancellation, not a failure of the stack.
    const cancelled = ae.classification.reason === "cancelled" || (d.stop?.aborted === true && ae.classification.reason !== "timeout");
    const lockHint = ae.classification.reason === "another update is running on this stack"
        ? "; if no update is running, the lock is stale: `pulumi cancel` (Pulumi Cloud) or remove it from the backend's .pulumi/locks"
        : "";
    const error = `${shortError(ae.error)}${ae.attempts > 1 ? ` (after ${ae.attempts} attempts)` : ""}${lockHint}`;
    const durationMs = timing.elapsedMs();
    log.line(`${op} ${cancelled ? "cancelled" : "failed"} after ${formatDuration(durationMs)}: ${ae.error instanceof Error ? (ae.error.stack ?? ae.error.message) : String(ae.error)}`);
    const outcome = cancelled ? "cancelled" : "failed";
    const report: StackReport = {
        ...baseReport(s, wave.name),
        result: outcome,
        attempts: ae.attempts,
        startedAt: timing.startedAt,
        finishedAt: env.ctx.at(),
        durationMs,
        changes: {},
        resourcesChanged: 0,
        policyViolations: NO_VIOLATIONS,
        error,
        ...logField(env, log),
    };
    env.journal(s, { result: outcome, startedAt: timing.startedAt, finishedAt: report.finishedAt, durationMs, attempts: ae.attempts, error });
    return report;
}

/** The scheduler's task for one stack: the operation with retries and a timeout, logged, journaled and reported. */
export function stackTask(env: StackTaskEnv): (name: string, wave: Wave) => Promise<TaskOutcome> {
    const { settings, deps: d, ctx, progress } = env;
    const op = settings.operation;
    return async (name, wave) => {
        const s = env.byName.get(name)!;
        const timing = new OperationTiming(() => d.clock.now(), ctx.at);
        env.journal(s, { result: "running", startedAt: timing.startedAt });
        progress.started(name, wave.name, `${s.account}/${s.region}`);
        const log: OpenStackLog = d.stackLogs ? openStackLog(env.logsDir, name, `${op} (run ${ctx.runId}, rollout ${ctx.rolloutId})`, () => new Date(d.clock.now())) : NULL_LOG;
        let report: StackReport;
        try {
            const { value, attempts } = await attemptOperation(env, s, log, timing);
            report = succeeded(env, s, wave, log, timing, value, attempts);
        } catch (e) {
            const ae = e instanceof AttemptError ? e : new AttemptError(e, 1, { retryable: false, reason: "error" });
            if (ae.error instanceof NotStartedError) {
                log.line(`${op} not started: the run is stopping`);
                env.closing.push(log.close());
                env.journal(s, { result: "not-run", reason: "cancelled before it started" });
                progress.unstarted(name);
                env.unstarted.add(name);
                return "not-run";
            }
            report = failed(env, s, wave, log, timing, ae);
        }
        env.closing.push(log.close());
        env.reports.set(name, report);
        progress.finished(report);
        return report.result as TaskOutcome;
    };
}
