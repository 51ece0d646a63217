import * as path from "path";
import type { FleetStack } from "../fleet/types";
import { AttemptError, runWithRetries } from "./schedule/attempt";
import { waitForGate } from "./schedule/gate";
import { formatDuration, NotStartedError, OperationCancelledError } from "./errors";
import { JournalEntry, JournalStore, recordEntry, RolloutRecord, rolloutComplete, stackFingerprint } from "./record/journal";
import { NULL_LOG, OpenStackLog, openStackLog } from "./record/logs";
import { Progress, shortError, StackReport } from "./record/report";
import type { FleetDeps } from "./run";
import { runSchedule, TaskOutcome } from "./schedule/scheduler";
import type { RunSettings } from "./settings";
import { changedResources, FleetEngine, isRollout, NO_VIOLATIONS } from "./types";
import type { Wave, WavePlan } from "./schedule/waves";

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

/** Runs the scheduled stacks; returns why the rollout stopped early, if it did. */
export async function execute(
    settings: RunSettings,
    plan: WavePlan,
    tolerance: number,
    toRun: readonly FleetStack[],
    engine: FleetEngine,
    store: JournalStore,
    reports: Map<string, StackReport>,
    ctx: RunContext,
    d: FleetDeps,
): Promise<string | undefined> {
    const op = settings.operation;
    const clock = d.clock;
    const byName = new Map(toRun.map((s) => [s.name, s]));
    const journaled = op !== "outputs";
    const logsDir = path.join(settings.stateDir, "logs");
    const progress = new Progress(ctx.show, clock, toRun.length);
    const closing: Promise<void>[] = [];

    store.update((j) => {
        j.runs.push({ id: ctx.runId, command: op, pid: process.pid, startedAt: ctx.at(), rolloutId: ctx.rolloutId });
        if (isRollout(op)) {
            const resumed = ctx.resumed ? ctx.previous : undefined;
            const names = new Set([...(resumed?.stacks ?? []), ...toRun.map((s) => s.name)]);
            // A resumed rollout keeps its start and revision, so a later resume still sees the source change.
            const revision = resumed !== undefined ? resumed.revision : ctx.revision;
            j.rollouts[op] = {
                id: ctx.rolloutId,
                operation: op,
                startedAt: resumed?.startedAt ?? ctx.at(),
                stacks: [...names],
                complete: false,
                ...(revision !== undefined ? { revision } : {}),
            };
        }
    });

    const base = (s: FleetStack, wave?: string) => ({ stack: s.name, role: s.role, account: s.account, region: s.region, ...(wave !== undefined ? { wave } : {}) });
    const journal = (s: FleetStack, entry: Omit<JournalEntry, "operation" | "rolloutId" | "runId" | "fingerprint" | "lastSuccessMs">) => {
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

    /** Stacks whose task ran but whose operation never started (reported and journaled by the task). */
    const unstarted = new Set<string>();
    const task = async (name: string, wave: Wave): Promise<TaskOutcome> => {
        const s = byName.get(name)!;
        // Queue time (waiting for workspace selection, backoff before a retry) is not the stack's:
        // the clock starts when the engine starts the first Pulumi operation (onStarted), or here
        // for engines that do not say.
        let t0 = clock.now();
        let startedAt = ctx.at();
        let operationStarted = false;
        journal(s, { result: "running", startedAt });
        progress.started(name, wave.name, `${s.account}/${s.region}`);
        const onStarted = () => {
            if (!operationStarted) {
                operationStarted = true;
                t0 = clock.now();
                startedAt = ctx.at();
            }
        };
        const log: OpenStackLog = d.stackLogs ? openStackLog(logsDir, name, `${op} (run ${ctx.runId}, rollout ${ctx.rolloutId})`, () => new Date(clock.now())) : NULL_LOG;
        let report: StackReport;
        let outcome: TaskOutcome;
        try {
            const { value, attempts } = await runWithRetries(
                (signal, attempt) => {
                    if (d.stop?.aborted) {
                        // Stopping: no first start, and no retry either.
                        throw attempt === 1 || !operationStarted ? new NotStartedError() : new OperationCancelledError();
                    }
                    log.line(`attempt ${attempt}: ${op} ${name} (${s.account}/${s.region})`);
                    return engine.run({ stack: s, operation: op, signal, log, attempt, runId: ctx.runId, ...(d.stop !== undefined ? { stop: d.stop } : {}), onStarted });
                },
                {
                    retries: settings.retries,
                    timeoutMs: settings.timeoutMs,
                    clock,
                    random: d.random,
                    backoff: d.backoff,
                    abort: d.abort,
                    graceMs: d.graceMs,
                    onRetry: (attempt, err, delayMs, reason) => {
                        log.line(`attempt ${attempt} failed (${reason}), retrying in ${formatDuration(delayMs)}: ${err instanceof Error ? err.message : String(err)}`);
                        progress.retrying(name, attempt, reason, delayMs);
                    },
                },
            );
            const durationMs = clock.now() - t0;
            report = {
                ...base(s, wave.name),
                result: "succeeded",
                attempts,
                startedAt,
                finishedAt: ctx.at(),
                durationMs,
                changes: value.changes,
                resourcesChanged: changedResources(value.changes),
                policyViolations: value.policyViolations,
                ...(value.drifted !== undefined ? { drifted: value.drifted } : {}),
                ...(value.outputs !== undefined ? { outputs: value.outputs } : {}),
                ...(value.note !== undefined ? { note: value.note } : {}),
                ...(log.file ? { log: path.relative(settings.workDir, log.file) } : {}),
            };
            outcome = "succeeded";
            log.line(`${op} succeeded in ${formatDuration(durationMs)}: ${JSON.stringify(value.changes)}`);
            journal(s, {
                result: "succeeded",
                startedAt,
                finishedAt: report.finishedAt,
                durationMs,
                attempts,
                changes: value.changes,
                resourcesChanged: report.resourcesChanged,
                policyViolations: value.policyViolations,
                ...(value.version !== undefined ? { version: value.version } : {}),
                ...(value.drifted !== undefined ? { drifted: value.drifted } : {}),
            });
        } catch (e) {
            const ae = e instanceof AttemptError ? e : new AttemptError(e, 1, { retryable: false, reason: "error" });
            if (ae.error instanceof NotStartedError) {
                log.line(`${op} not started: the run is stopping`);
                closing.push(log.close());
                journal(s, { result: "not-run", reason: "cancelled before it started" });
                progress.unstarted(name);
                unstarted.add(name);
                return "not-run";
            }
            // After the first Ctrl-C, Pulumi (same process group) cancels the update itself; the
            // error it ends with is the cancellation, not a failure of the stack.
            const cancelled = ae.classification.reason === "cancelled" || (d.stop?.aborted === true && ae.classification.reason !== "timeout");
            const lockHint = ae.classification.reason === "another update is running on this stack"
                ? "; if no update is running, the lock is stale: `pulumi cancel` (Pulumi Cloud) or remove it from the backend's .pulumi/locks"
                : "";
            const error = `${shortError(ae.error)}${ae.attempts > 1 ? ` (after ${ae.attempts} attempts)` : ""}${lockHint}`;
            const durationMs = clock.now() - t0;
            log.line(`${op} ${cancelled ? "cancelled" : "failed"} after ${formatDuration(durationMs)}: ${ae.error instanceof Error ? (ae.error.stack ?? ae.error.message) : String(ae.error)}`);
            outcome = cancelled ? "cancelled" : "failed";
            report = {
                ...base(s, wave.name),
                result: outcome,
                attempts: ae.attempts,
                startedAt,
                finishedAt: ctx.at(),
                durationMs,
                changes: {},
                resourcesChanged: 0,
                policyViolations: NO_VIOLATIONS,
                error,
                ...(log.file ? { log: path.relative(settings.workDir, log.file) } : {}),
            };
            journal(s, { result: outcome, startedAt, finishedAt: report.finishedAt, durationMs, attempts: ae.attempts, error });
        }
        closing.push(log.close());
        reports.set(name, report);
        progress.finished(report);
        return outcome;
    };

    const logsRel = path.relative(settings.workDir, logsDir);
    ctx.show(`logs: ${logsRel.startsWith("..") || path.isAbsolute(logsRel) ? logsDir : logsRel}/<stack>.log`);
    // Real time on purpose: a status line every interval while stacks run (0 disables).
    const ticker = d.progressIntervalMs > 0 ? setInterval(() => ctx.show(progress.statusLine()), d.progressIntervalMs) : undefined;
    ticker?.unref();
    const stops = [d.stop, d.abort].filter((x): x is AbortSignal => x !== undefined);
    const result = await runSchedule(plan, { concurrency: settings.concurrency, failureTolerance: tolerance, mode: settings.mode }, task, {
        stop: stops.length > 0 ? AbortSignal.any(stops) : undefined,
        hooks: {
            afterWave: async (wave) => {
                const gate = settings.gate;
                if (gate === undefined || op !== "up" || wave.name !== "canary") {
                    return undefined;
                }
                // The canary accounts' own telemetry must reach the metrics store before the main wave.
                const accounts = [...new Set(wave.stacks.map((n) => byName.get(n)!.account))].sort();
                progress.note(`⧗ health gate: waiting up to ${formatDuration(gate.timeoutSeconds * 1000)} for ${gate.queries.map((q) => q.name).join(", ")} (canary accounts ${accounts.join(", ")})`);
                let last = "";
                const result = await waitForGate(gate, accounts, {
                    query: d.gateQuery(gate),
                    clock,
                    ...(stops.length > 0 ? { signal: AbortSignal.any(stops) } : {}),
                    onRound: (outcomes) => {
                        const text = outcomes.map((o) => `${o.name} ${o.ok ? "ok" : `pending (${o.detail})`}`).join(", ");
                        if (text !== last) {
                            progress.note(`⧗ health gate: ${text}`);
                            last = text;
                        }
                    },
                });
                store.update((j) => {
                    const run = j.runs.find((r) => r.id === ctx.runId);
                    if (run !== undefined) {
                        Object.assign(run, { gate: { ok: result.ok, waitedMs: result.waitedMs, outcomes: result.outcomes } });
                    }
                });
                if (result.ok) {
                    progress.note(`✔ health gate passed after ${formatDuration(result.waitedMs)}`);
                    return undefined;
                }
                progress.note(`✘ ${result.reason}`);
                return result.reason;
            },
            onState: (name, state, info) => {
                if (state !== "skipped" && state !== "not-run") {
                    return;
                }
                const s = byName.get(name)!;
                const report: StackReport = {
                    ...base(s, info.wave),
                    result: state,
                    attempts: 0,
                    changes: {},
                    resourcesChanged: 0,
                    policyViolations: NO_VIOLATIONS,
                    ...(info.reason !== undefined ? { reason: info.reason } : {}),
                };
                reports.set(name, report);
                if (unstarted.has(name)) {
                    return;
                }
                progress.finished(report);
                journal(s, { result: state, ...(info.reason !== undefined ? { reason: info.reason } : {}) });
            },
        },
    });
    if (ticker !== undefined) {
        clearInterval(ticker);
    }
    progress.flushNotRun(result.stopReason);
    if (result.stopReason !== undefined) {
        ctx.show(`rollout stopped: ${result.stopReason}. Fix the cause and run \`npm run fleet -- ${op}\` again${isRollout(op) ? " to resume" : ""}.`);
    }
    await Promise.all(closing);
    store.update((j) => {
        const run = j.runs.find((r) => r.id === ctx.runId);
        if (run !== undefined) {
            Object.assign(run, { finishedAt: ctx.at(), ...(result.stopReason !== undefined ? { stopReason: result.stopReason } : {}) });
        }
        const rollout = j.rollouts[op];
        if (isRollout(op) && rollout !== undefined && rollout.id === ctx.rolloutId && rolloutComplete(j, rollout)) {
            j.rollouts[op] = { ...rollout, complete: true };
        }
    });
    return result.stopReason;
}
