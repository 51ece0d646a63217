import type { Clock } from "../schedule/clock";
import { formatDuration } from "../errors";
import type { ChangeCounts, Operation, PolicyViolations, StackResult } from "../types";
import { ResourceChange, stackChangeLines } from "./changes";

export interface StackReport {
    readonly stack: string;
    readonly role: string;
    readonly account: string;
    readonly region: string;
    readonly wave?: string;
    readonly result: StackResult;
    readonly attempts: number;
    readonly startedAt?: string;
    readonly finishedAt?: string;
    readonly durationMs?: number;
    readonly changes: ChangeCounts;
    readonly resourcesChanged: number;
    readonly policyViolations: PolicyViolations;
    readonly drifted?: boolean;
    readonly outputs?: Record<string, unknown>;
    /** preview: every resource that would change (create, update, replace, delete) and its changed properties; drift: every resource that drifted. */
    readonly resources?: readonly ResourceChange[];
    readonly note?: string;
    readonly error?: string;
    readonly reason?: string;
    readonly log?: string;
}

export interface FleetReport {
    readonly version: 1;
    readonly command: Operation;
    readonly runId: string;
    readonly rolloutId: string;
    readonly resumed: boolean;
    readonly startedAt: string;
    readonly finishedAt: string;
    readonly durationMs: number;
    readonly exitCode: number;
    readonly stopReason?: string;
    readonly settings: Record<string, unknown>;
    readonly counts: Record<StackResult, number>;
    readonly stacks: readonly StackReport[];
}

/** ": <name> <op> [<outputs>]; …" for a drifted stack's resources (none known: nothing). */
function driftedText(resources: readonly ResourceChange[] | undefined): string {
    if (resources === undefined || resources.length === 0) {
        return "";
    }
    const one = (c: ResourceChange) => `${c.urn.split("::").pop()} ${c.op}${c.diffs.length > 0 ? ` [${c.diffs.join(", ")}]` : ""}`;
    return `: ${resources.slice(0, 5).map(one).join("; ")}${resources.length > 5 ? `; … and ${resources.length - 5} more` : ""}`;
}

export const RESULT_ORDER: readonly StackResult[] = ["succeeded", "up-to-date", "failed", "skipped", "not-run", "cancelled"];

export function countResults(stacks: readonly { result: StackResult }[]): Record<StackResult, number> {
    const counts = Object.fromEntries(RESULT_ORDER.map((r) => [r, 0])) as Record<StackResult, number>;
    stacks.forEach((s) => counts[s.result]++);
    return counts;
}

const SYMBOL: Record<string, string> = { running: "▶", succeeded: "✔", failed: "✘", skipped: "↷", "not-run": "·", cancelled: "■", "up-to-date": "=" };

function clockText(ms: number): string {
    const s = Math.floor(ms / 1000);
    const h = Math.floor(s / 3600);
    const mm = String(Math.floor((s % 3600) / 60)).padStart(2, "0");
    const ss = String(s % 60).padStart(2, "0");
    return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

export function policyText(v: PolicyViolations): string {
    if (v.mandatory === 0 && v.advisory === 0) {
        return "-";
    }
    return [v.mandatory > 0 ? `${v.mandatory} mandatory` : "", v.advisory > 0 ? `${v.advisory} advisory` : ""].filter(Boolean).join(", ");
}

/**
 * Live progress: one line per stack state change with the running totals and elapsed time.
 * "not run" is reported once, in aggregate, because a stopped 500-stack rollout would
 * otherwise print hundreds of identical lines.
 */
export class Progress {
    private readonly start: number;
    private done = 0;
    private failed = 0;
    private running = 0;
    private notRun = 0;

    constructor(
        private readonly out: (line: string) => void,
        private readonly clock: Clock,
        private readonly total: number,
    ) {
        this.start = clock.now();
    }

    private emit(text: string): void {
        this.out(`[${clockText(this.clock.now() - this.start)}] ${text}  (done ${this.done}/${this.total}, failed ${this.failed}, running ${this.running})`);
    }

    note(text: string): void {
        this.out(`[${clockText(this.clock.now() - this.start)}] ${text}`);
    }

    /** When each running stack started, for the periodic status line. */
    private readonly since = new Map<string, number>();

    /**
     * The periodic status line: done N/M and every running stack with its elapsed time (the
     * longest first, so a stuck stack stands out), capped so 200 in flight stay one line.
     */
    statusLine(maxShown = 8): string {
        const now = this.clock.now();
        const running = [...this.since].sort((a, b) => a[1] - b[1]).map(([name, t]) => `${name} ${formatDuration(now - t)}`);
        const shown = running.slice(0, maxShown).join(", ") + (running.length > maxShown ? `, +${running.length - maxShown} more` : "");
        return `[${clockText(now - this.start)}] ${this.done}/${this.total} done, ${this.failed} failed${running.length > 0 ? `; running ${running.length}: ${shown}` : ""}`;
    }

    started(stack: string, wave: string, detail: string): void {
        this.since.set(stack, this.clock.now());
        this.running++;
        this.emit(`${SYMBOL.running} ${stack} started (${wave} wave, ${detail})`);
    }

    retrying(stack: string, attempt: number, reason: string, delayMs: number): void {
        this.note(`↻ ${stack} attempt ${attempt} failed (${reason}); retrying in ${formatDuration(delayMs)}`);
    }

    finished(r: StackReport): void {
        if (r.result === "not-run") {
            this.notRun++;
            return;
        }
        if (r.startedAt !== undefined) {
            this.since.delete(r.stack);
            this.running--;
        }
        this.done++;
        if (r.result === "failed") {
            this.failed++;
        }
        const bits = [
            r.durationMs !== undefined ? formatDuration(r.durationMs) : "",
            r.result === "succeeded" ? `${r.resourcesChanged} changed` : "",
            r.drifted ? `DRIFTED${driftedText(r.resources)}` : "",
            r.error ?? r.reason ?? r.note ?? "",
            r.result === "failed" && r.log !== undefined ? `log ${r.log}` : "",
        ].filter(Boolean);
        this.emit(`${SYMBOL[r.result]} ${r.stack} ${r.result}${bits.length > 0 ? ` (${bits.join(", ")})` : ""}`);
    }

    /** A started task that stopped before its operation began (the run is stopping). */
    unstarted(stack: string): void {
        this.since.delete(stack);
        this.running--;
        this.notRun++;
        this.note(`${SYMBOL["not-run"]} ${stack} not started: the run is stopping`);
    }

    flushNotRun(reason: string | undefined): void {
        if (this.notRun > 0) {
            this.note(`${SYMBOL["not-run"]} ${this.notRun} stack(s) not run${reason ? `: ${reason}` : ""}`);
        }
    }
}

function table(headers: readonly string[], rows: readonly string[][]): string[] {
    const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const fmt = (r: readonly string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join("  ").trimEnd();
    return [fmt(headers), fmt(widths.map((w) => "-".repeat(w))), ...rows.map(fmt)];
}

function oneLine(text: string | undefined, max = 100): string {
    if (text === undefined) {
        return "";
    }
    const flat = text.replace(/\s+/g, " ").trim();
    return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** The final table: stack, account, result, resources changed, duration, policy violations. */
export function summaryLines(report: FleetReport): string[] {
    const rows = report.stacks.map((s) => [
        s.stack,
        s.account,
        s.region,
        s.result + (s.drifted ? " (drift)" : ""),
        s.result === "succeeded" ? String(s.resourcesChanged) : "-",
        s.durationMs !== undefined ? formatDuration(s.durationMs) : "-",
        policyText(s.policyViolations),
        oneLine(s.error ?? s.reason ?? s.note),
    ]);
    const counts = RESULT_ORDER.filter((r) => report.counts[r] > 0).map((r) => `${report.counts[r]} ${r}`);
    const logs = report.stacks.filter((s) => s.result === "failed" && s.log !== undefined).map((s) => s.log!);
    return [
        "",
        ...table(["STACK", "ACCOUNT", "REGION", "RESULT", "CHANGED", "DURATION", "POLICY", "NOTE"], rows),
        "",
        ...failureGroupLines(report.stacks),
        ...(logs.length > 0 ? [`logs of failed stacks: ${logs.slice(0, 5).join(", ")}${logs.length > 5 ? ` and ${logs.length - 5} more in ${logs[0].replace(/[^/]+$/, "")}` : ""}`] : []),
        `${report.command}: ${counts.join(", ") || "no stacks"} in ${formatDuration(report.durationMs)}${report.stopReason ? `; stopped: ${report.stopReason}` : ""}${report.resumed ? ` (resumed rollout ${report.rolloutId})` : ""}`,
    ];
}

/** What an `up` would do, from a preview run: totals, then the stacks that would change or failed. */
export function previewSummaryLines(preview: FleetReport): string[] {
    const totals: Record<string, number> = {};
    for (const s of preview.stacks) {
        for (const [op, n] of Object.entries(s.changes)) {
            totals[op] = (totals[op] ?? 0) + n;
        }
    }
    const order = ["create", "update", "replace", "delete", "same"];
    const ops = Object.keys(totals).sort((a, b) => (order.indexOf(a) + 99) % 99 - (order.indexOf(b) + 99) % 99);
    const changing = preview.stacks.filter((s) => s.resourcesChanged > 0);
    const failed = preview.stacks.filter((s) => s.result === "failed");
    return [
        `preview: ${ops.map((op) => `${totals[op]} to ${op}`).join(", ") || "no changes"} across ${preview.stacks.length} stack(s); ${changing.length} stack(s) would change` +
            (failed.length > 0 ? `, ${failed.length} failed to preview` : ""),
        ...changing.slice(0, 20).flatMap((s) => s.resources !== undefined && s.resources.length > 0
            ? stackChangeLines(s.stack, s.resources).map((l) => `  ${l}`)
            : [`  ${s.stack}: ${Object.entries(s.changes).filter(([op]) => op !== "same").map(([op, n]) => `${n} ${op}`).join(", ")}`]),
        ...(changing.length > 20 ? [`  … and ${changing.length - 20} more stack(s) (every change is in the --json report)`] : []),
        ...failureGroupLines(failed),
    ];
}

/**
 * Identical failures once, with a count: the stack name, account IDs, URNs and numbers are masked
 * so one credentials error across 206 stacks is one line.
 */
export function failureGroups(stacks: readonly StackReport[]): { cause: string; stacks: string[] }[] {
    const groups = new Map<string, string[]>();
    for (const s of stacks) {
        const text = s.error ?? (s.result === "failed" ? "failed" : undefined);
        if (text === undefined) {
            continue;
        }
        const cause = text
            .split(s.stack)
            .join("<stack>")
            .replace(/urn:pulumi:[^\s"']+/g, "<urn>")
            .replace(/\b\d{12}\b/g, "<account>")
            .replace(/\b\d+(\.\d+)?(ms|s|m)\b/g, "<n>");
        groups.set(cause, [...(groups.get(cause) ?? []), s.stack]);
    }
    return [...groups.entries()].map(([cause, names]) => ({ cause, stacks: names })).sort((a, b) => b.stacks.length - a.stacks.length);
}

export function failureGroupLines(stacks: readonly StackReport[]): string[] {
    const groups = failureGroups(stacks);
    if (groups.length === 0) {
        return [];
    }
    return [
        "failures by cause:",
        ...groups.map((g) => `  ${g.stacks.length}× ${oneLine(g.cause, 160)} (${g.stacks.slice(0, 5).join(", ")}${g.stacks.length > 5 ? ` and ${g.stacks.length - 5} more` : ""})`),
    ];
}

/** Summarises an error for the table and the journal; the full text is in the stack's log. */
export function shortError(err: unknown): string {
    const text = err instanceof Error ? err.message : String(err);
    const lines = text.split("\n").map((l) => l.trim()).filter(Boolean);
    const meaningful = lines.find((l) => /^(error|Error):/.test(l) && !/^error: update failed$/i.test(l)) ?? lines.find((l) => /error/i.test(l) && !/^(code|stdout|stderr|err\?):\s*$/.test(l));
    return oneLine((meaningful ?? lines[0] ?? "unknown error").replace(/^(stderr|err\?):\s*/, ""), 300);
}
