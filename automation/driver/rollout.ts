import * as path from "path";
import type { FleetStack } from "../fleet/types";
import type { FleetDeps } from "./deps";
import { formatDuration } from "./errors";
import { JournalStore, rolloutComplete } from "./record/journal";
import { Progress, StackReport } from "./record/report";
import { waitForGate } from "./schedule/gate";
import { runSchedule } from "./schedule/scheduler";
import type { Wave, WavePlan } from "./schedule/waves";
import type { RunSettings } from "./settings";
import { baseReport, RunContext, stackJournal, stackTask, StackTaskEnv } from "./stackTask";
import { isRollout, NO_VIOLATIONS, Operation, StackState } from "./types";

export interface RolloutOptions {
    readonly settings: RunSettings;
    readonly plan: WavePlan;
    /** Main-wave failures tolerated (Infinity for operations that are not rollouts). */
    readonly tolerance: number;
    readonly toRun: readonly FleetStack[];
    readonly engine: StackTaskEnv["engine"];
    readonly store: JournalStore;
    /** Filled in per stack as stacks finish, are skipped or do not run. */
    readonly reports: Map<string, StackReport>;
    readonly ctx: RunContext;
    readonly deps: FleetDeps;
}

/** Journals the run, and for up/destroy the rollout it starts or resumes. */
function recordRunStart(store: JournalStore, op: Operation, toRun: readonly FleetStack[], ctx: RunContext): void {
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
}

/** Journals the end of the run, and marks the rollout complete when every stack of it is done. */
function recordRunEnd(store: JournalStore, op: Operation, ctx: RunContext, stopReason: string | undefined): void {
    store.update((j) => {
        const run = j.runs.find((r) => r.id === ctx.runId);
        if (run !== undefined) {
            Object.assign(run, { finishedAt: ctx.at(), ...(stopReason !== undefined ? { stopReason } : {}) });
        }
        const rollout = j.rollouts[op];
        if (isRollout(op) && rollout !== undefined && rollout.id === ctx.rolloutId && rolloutComplete(j, rollout)) {
            j.rollouts[op] = { ...rollout, complete: true };
        }
    });
}

/**
 * The canary health gate, after the canary wave of `up`: the canary accounts' own telemetry must
 * reach the metrics store before the main wave. Returns why the rollout stops, if it does.
 */
async function canaryGate(env: StackTaskEnv, store: JournalStore, wave: Wave, stops: AbortSignal[]): Promise<string | undefined> {
    const gate = env.settings.gate;
    if (gate === undefined || env.settings.operation !== "up" || wave.name !== "canary") {
        return undefined;
    }
    const { progress, deps: d } = env;
    const accounts = [...new Set(wave.stacks.map((n) => env.byName.get(n)!.account))].sort();
    progress.note(`⧗ health gate: waiting up to ${formatDuration(gate.timeoutSeconds * 1000)} for ${gate.queries.map((q) => q.name).join(", ")} (canary accounts ${accounts.join(", ")})`);
    let last = "";
    const result = await waitForGate(gate, accounts, {
        query: d.gateQuery(gate),
        clock: d.clock,
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
        const run = j.runs.find((r) => r.id === env.ctx.runId);
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
}

/** Reports and journals a stack the scheduler skipped or never started (a task reports its own not-run). */
function recordUnscheduled(env: StackTaskEnv, name: string, state: StackState, info: { readonly wave: string; readonly reason?: string }): void {
    if (state !== "skipped" && state !== "not-run") {
        return;
    }
    const s = env.byName.get(name)!;
    const report: StackReport = {
        ...baseReport(s, info.wave),
        result: state,
        attempts: 0,
        changes: {},
        resourcesChanged: 0,
        policyViolations: NO_VIOLATIONS,
        ...(info.reason !== undefined ? { reason: info.reason } : {}),
    };
    env.reports.set(name, report);
    if (env.unstarted.has(name)) {
        return;
    }
    env.progress.finished(report);
    env.journal(s, { result: state, ...(info.reason !== undefined ? { reason: info.reason } : {}) });
}

/** Runs the scheduled stacks in waves; returns why the rollout stopped early, if it did. */
export async function rollout(o: RolloutOptions): Promise<string | undefined> {
    const { settings, ctx, deps: d, store } = o;
    const op = settings.operation;
    const env: StackTaskEnv = {
        settings,
        engine: o.engine,
        ctx,
        deps: d,
        byName: new Map(o.toRun.map((s) => [s.name, s])),
        progress: new Progress(ctx.show, d.clock, o.toRun.length),
        reports: o.reports,
        journal: stackJournal(store, op, ctx),
        logsDir: path.join(settings.stateDir, "logs"),
        closing: [],
        unstarted: new Set<string>(),
    };
    recordRunStart(store, op, o.toRun, ctx);

    const logsRel = path.relative(settings.workDir, env.logsDir);
    ctx.show(`logs: ${logsRel.startsWith("..") || path.isAbsolute(logsRel) ? env.logsDir : logsRel}/<stack>.log`);
    // Real time on purpose: a status line every interval while stacks run (0 disables).
    const ticker = d.progressIntervalMs > 0 ? setInterval(() => ctx.show(env.progress.statusLine()), d.progressIntervalMs) : undefined;
    ticker?.unref();
    const stops = [d.stop, d.abort].filter((x): x is AbortSignal => x !== undefined);
    const result = await runSchedule(o.plan, { concurrency: settings.concurrency, failureTolerance: o.tolerance, mode: settings.mode }, stackTask(env), {
        stop: stops.length > 0 ? AbortSignal.any(stops) : undefined,
        hooks: {
            afterWave: (wave) => canaryGate(env, store, wave, stops),
            onState: (name, state, info) => recordUnscheduled(env, name, state, info),
        },
    });
    if (ticker !== undefined) {
        clearInterval(ticker);
    }
    env.progress.flushNotRun(result.stopReason);
    if (result.stopReason !== undefined) {
        ctx.show(`rollout stopped: ${result.stopReason}. Fix the cause and run \`npm run fleet -- ${op}\` again${isRollout(op) ? " to resume" : ""}.`);
    }
    await Promise.all(env.closing);
    recordRunEnd(store, op, ctx, result.stopReason);
    return result.stopReason;
}
