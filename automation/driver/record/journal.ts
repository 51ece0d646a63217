import type { DeployedVersions } from "../../../stacks/outputs";
import { createHash, randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import type { FleetStack } from "../../fleet/types";
import { journalShapeProblem } from "./journalShape";
import { UsageError } from "../../io/cliKit";
import type { ChangeCounts, Operation, PolicyViolations, StackResult } from "../types";
import { isRollout } from "../types";

export const JOURNAL_VERSION = 1;

/** The outcome of one operation on one stack. */
export interface JournalEntry {
    readonly operation: Operation;
    readonly result: "running" | Exclude<StackResult, "up-to-date">;
    readonly rolloutId: string;
    readonly runId: string;
    readonly startedAt?: string;
    readonly finishedAt?: string;
    readonly durationMs?: number;
    readonly attempts?: number;
    readonly changes?: ChangeCounts;
    readonly resourcesChanged?: number;
    readonly policyViolations?: PolicyViolations;
    readonly version?: number;
    readonly drifted?: boolean;
    readonly error?: string;
    readonly reason?: string;
    /** Hash of the stack's manifest entry; a resumed rollout re-runs a stack whose entry changed. */
    readonly fingerprint: string;
    /** up: expiry of the tenant certificate the stack holds (spoke) or issued (hub), from its outputs. */
    readonly certificateExpiresAt?: string;
    /** up: what the stack deployed, from its outputs (record/versions.ts). */
    readonly deployedVersions?: DeployedVersions;
    /** Duration of the last successful run of this operation: start-order priority next time. */
    readonly lastSuccessMs?: number;
}

/** Per stack: the latest entry of each operation, and which operation ran last. */
export interface StackJournal {
    last: Operation;
    ops: Partial<Record<Operation, JournalEntry>>;
}

/** An up or destroy across the fleet, possibly spanning several runs (resume). */
export interface RolloutRecord {
    readonly id: string;
    readonly operation: Operation;
    readonly startedAt: string;
    readonly stacks: readonly string[];
    readonly complete: boolean;
    readonly revision?: string;
}

export interface RunRecord {
    readonly id: string;
    readonly command: string;
    readonly pid: number;
    readonly startedAt: string;
    readonly finishedAt?: string;
    readonly rolloutId?: string;
    readonly stopReason?: string;
    /** The canary health gate's verdict, when the run had one. */
    readonly gate?: { readonly ok: boolean; readonly waitedMs: number; readonly outcomes: readonly { readonly name: string; readonly ok: boolean; readonly detail: string }[] };
}

export interface JournalData {
    readonly version: number;
    stacks: Record<string, StackJournal>;
    rollouts: Partial<Record<Operation, RolloutRecord>>;
    runs: RunRecord[];
}

const KEEP_RUNS = 50;

export function emptyJournal(): JournalData {
    return { version: JOURNAL_VERSION, stacks: {}, rollouts: {}, runs: [] };
}

function stable(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(stable);
    }
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.keys(value).sort().map((k) => [k, stable((value as Record<string, unknown>)[k])]));
    }
    return value;
}

/** Hash of everything the manifest says about a stack. */
export function stackFingerprint(s: FleetStack): string {
    const { name, role, account, region, regulated, dependsOn, secrets, tags, config } = s;
    return createHash("sha256").update(JSON.stringify(stable({ name, role, account, region, regulated, dependsOn, secrets, tags, config }))).digest("hex").slice(0, 16);
}

export function newId(now: Date): string {
    return `${now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z")}-${randomBytes(3).toString("hex")}`;
}

/**
 * The journal file. Every write goes to a temporary file that is fsynced and renamed over the
 * journal, so a crash mid-write leaves the previous journal intact. Writes are coalesced: a
 * burst of state changes costs one write.
 */
export class JournalStore {
    private data: JournalData = emptyJournal();
    private scheduled = false;
    private timer: NodeJS.Timeout | undefined;
    private lastWrite = 0;
    private writing: Promise<void> = Promise.resolve();

    /**
     * @param minIntervalMs at most one write per interval (real time): a 500-stack rollout
     * changes state about a thousand times, and each write serialises the whole journal.
     */
    constructor(
        readonly file: string,
        private readonly minIntervalMs = 250,
    ) {}

    load(): JournalData {
        const dir = path.dirname(this.file);
        if (fs.existsSync(dir)) {
            // Leftovers of a crash between write and rename: the journal itself is intact.
            for (const f of fs.readdirSync(dir)) {
                if (f.startsWith(`${path.basename(this.file)}.`) && f.endsWith(".tmp")) {
                    fs.rmSync(path.join(dir, f), { force: true });
                }
            }
        }
        if (!fs.existsSync(this.file)) {
            this.data = emptyJournal();
            return this.data;
        }
        let parsed: unknown;
        try {
            parsed = JSON.parse(fs.readFileSync(this.file, "utf8"));
        } catch (e) {
            throw new UsageError(`journal ${this.file} is not valid JSON (${(e as Error).message}); fix it, or delete it to forget which stacks a resumed rollout can skip`);
        }
        const problem = journalShapeProblem(parsed, JOURNAL_VERSION);
        if (problem !== undefined) {
            throw new UsageError(`journal ${this.file}: ${problem}; fix: delete it to start over (a resumed rollout then re-runs every stack)`);
        }
        const j = parsed as JournalData;
        this.data = { version: JOURNAL_VERSION, stacks: j.stacks, rollouts: j.rollouts ?? {}, runs: j.runs ?? [] };
        return this.data;
    }

    get current(): JournalData {
        return this.data;
    }

    /** Applies a change in memory and schedules a write. */
    update(change: (j: JournalData) => void): void {
        change(this.data);
        this.data.runs = this.data.runs.slice(-KEEP_RUNS);
        if (!this.scheduled) {
            this.scheduled = true;
            const wait = Math.max(0, this.lastWrite + this.minIntervalMs - Date.now());
            const write = () => {
                this.timer = undefined;
                this.scheduled = false;
                this.writing = this.writing.then(() => this.writeNow());
            };
            if (wait === 0) {
                setImmediate(write);
            } else {
                this.timer = setTimeout(write, wait);
            }
        }
    }

    /** Waits until everything updated so far is on disk. */
    async flush(): Promise<void> {
        if (this.scheduled) {
            clearTimeout(this.timer);
            this.timer = undefined;
            this.scheduled = false;
            this.writing = this.writing.then(() => this.writeNow());
        }
        await this.writing;
    }

    private writeNow(): void {
        this.lastWrite = Date.now();
        fs.mkdirSync(path.dirname(this.file), { recursive: true });
        const tmp = `${this.file}.${process.pid}-${randomBytes(4).toString("hex")}.tmp`;
        const fd = fs.openSync(tmp, "w");
        try {
            fs.writeSync(fd, `${JSON.stringify(this.data, null, 1)}\n`);
            fs.fsyncSync(fd);
        } finally {
            fs.closeSync(fd);
        }
        fs.renameSync(tmp, this.file);
    }
}

export interface ResumeDecision {
    readonly rolloutId: string;
    readonly resumed: boolean;
    /** Stacks a resumed rollout skips: they succeeded in it and their manifest entry is unchanged. */
    readonly done: ReadonlyMap<string, JournalEntry>;
}

/**
 * `up` and `destroy` resume the last rollout of the same operation when it did not complete:
 * stacks that already succeeded in it (with an unchanged manifest entry) are skipped. A complete
 * rollout, a read-only operation or --force starts afresh.
 */
export function decideResume(journal: JournalData, operation: Operation, stacks: readonly FleetStack[], force: boolean, freshId: string): ResumeDecision {
    const last = journal.rollouts[operation];
    if (!isRollout(operation) || force || last === undefined || last.complete) {
        return { rolloutId: freshId, resumed: false, done: new Map() };
    }
    const done = new Map<string, JournalEntry>();
    for (const s of stacks) {
        const e = journal.stacks[s.name]?.ops[operation];
        if (e && e.operation === operation && e.rolloutId === last.id && e.result === "succeeded" && e.fingerprint === stackFingerprint(s)) {
            done.set(s.name, e);
        }
    }
    return { rolloutId: last.id, resumed: true, done };
}

/** A rollout is complete when every stack it ever included succeeded in it. */
export function rolloutComplete(journal: JournalData, rollout: RolloutRecord): boolean {
    return rollout.stacks.every((name) => {
        const e = journal.stacks[name]?.ops[rollout.operation];
        return e !== undefined && e.operation === rollout.operation && e.rolloutId === rollout.id && e.result === "succeeded";
    });
}

/** Records an entry as the stack's latest for its operation. */
export function recordEntry(journal: JournalData, stack: string, entry: JournalEntry): void {
    const sj = (journal.stacks[stack] ??= { last: entry.operation, ops: {} });
    sj.last = entry.operation;
    sj.ops[entry.operation] = entry;
}

/** Durations of the last successful `operation` per stack: start-order hints for the scheduler. */
export function durationHistory(journal: JournalData, operation: Operation): Map<string, number> {
    const out = new Map<string, number>();
    for (const [name, e] of Object.entries(journal.stacks)) {
        const d = e.ops[operation]?.lastSuccessMs;
        if (d !== undefined) {
            out.set(name, d);
        }
    }
    return out;
}

function medianOf(values: readonly number[]): number | undefined {
    if (values.length === 0) {
        return undefined;
    }
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
}

/**
 * Expected durations for start order when the journal has no `operation` history for a stack
 * (a first rollout, or new stacks): the stack's last successful preview, scaled by the fleet's
 * median up/preview ratio where both are known (a preview walks the same resources and provider
 * calls as the update, so its duration ranks stacks alike), else the median `operation` duration
 * of its role. Without any of these the scheduler's own fallback applies (equal durations).
 */
export function durationPrior(journal: JournalData, operation: Operation, stacks: readonly { readonly name: string; readonly role: string }[]): Map<string, number> {
    const own = durationHistory(journal, operation);
    const out = new Map(own);
    const preview = operation === "preview" ? new Map<string, number>() : durationHistory(journal, "preview");
    const ratios = [...own].filter(([n]) => preview.has(n)).map(([n, d]) => d / preview.get(n)!);
    const ratio = medianOf(ratios) ?? 1;
    const byRole = new Map<string, number[]>();
    for (const s of stacks) {
        const d = own.get(s.name);
        if (d !== undefined) {
            byRole.set(s.role, [...(byRole.get(s.role) ?? []), d]);
        }
    }
    for (const s of stacks) {
        if (out.has(s.name)) {
            continue;
        }
        const p = preview.get(s.name);
        const guess = p !== undefined ? p * ratio : medianOf(byRole.get(s.role) ?? []);
        if (guess !== undefined) {
            out.set(s.name, guess);
        }
    }
    return out;
}

function alive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (e) {
        return (e as NodeJS.ErrnoException).code === "EPERM";
    }
}

/**
 * One fleet run per state directory: two concurrent `up`s would race on every stack. A lock left
 * by a crashed run (its process is gone) is taken over.
 */
export function acquireLock(file: string, runId: string, now: Date): () => void {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const body = JSON.stringify({ pid: process.pid, runId, startedAt: now.toISOString() });
    for (let i = 0; i < 2; i++) {
        try {
            fs.writeFileSync(file, body, { flag: "wx" });
            return () => {
                try {
                    const held = JSON.parse(fs.readFileSync(file, "utf8")) as { runId?: string };
                    if (held.runId === runId) {
                        fs.rmSync(file, { force: true });
                    }
                } catch {
                    // Already gone.
                }
            };
        } catch (e) {
            if ((e as NodeJS.ErrnoException).code !== "EEXIST") {
                throw e;
            }
            let holder: { pid?: number; startedAt?: string } = {};
            try {
                holder = JSON.parse(fs.readFileSync(file, "utf8")) as typeof holder;
            } catch {
                // Unreadable lock: treat as stale.
            }
            if (typeof holder.pid === "number" && holder.pid !== process.pid && alive(holder.pid)) {
                throw new UsageError(`another fleet run (pid ${holder.pid}, started ${holder.startedAt ?? "?"}) is using ${path.dirname(file)}; wait for it, or delete ${file} if that process is not a fleet run`);
            }
            fs.rmSync(file, { force: true });
        }
    }
    throw new UsageError(`could not take the lock ${file}; delete it and retry`);
}

/** Process liveness for `status`: a "running" entry whose run's process is gone was interrupted. */
export function runIsAlive(run: RunRecord | undefined): boolean {
    return run !== undefined && run.finishedAt === undefined && alive(run.pid);
}
