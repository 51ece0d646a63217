import * as path from "path";
import type { FleetStack } from "../../fleet/types";
import { OutputTarget, writeOutput } from "../../io/output";
import { EXIT, formatDuration } from "../errors";
import { JournalData, JournalStore, rolloutComplete, runIsAlive } from "./journal";
import { policyText } from "./report";
import { daysLeft } from "./certificates";
import { mixedReleases, versionsText } from "./versions";
import type { DeployedVersions } from "../../../stacks/outputs";

export interface StatusRow {
    readonly stack: string;
    readonly account: string;
    readonly region: string;
    readonly operation?: string;
    /** The journal's result, or "never deployed" (no operation in the journal), or "interrupted" for a run whose process is gone. */
    readonly result: string;
    readonly finishedAt?: string;
    readonly durationMs?: number;
    readonly resourcesChanged?: number;
    readonly policy: string;
    /** Expiry of the tenant certificate the stack's senders hold (spoke) or the hub issued, from its last `up`. */
    readonly certificateExpiresAt?: string;
    /** Whole days until certificateExpiresAt at the time of `status`. */
    readonly certificateDaysLeft?: number;
    /** What the stack's last successful `up` deployed (release, collector image, Grafana version). */
    readonly versions?: DeployedVersions;
    readonly note?: string;
}

/** A stack the journal has no operation for: a new stack before its first `up`, not a failure. */
export const NEVER_DEPLOYED = "never deployed";

export function statusRows(journal: JournalData, stacks: readonly FleetStack[], now: Date = new Date()): StatusRow[] {
    const runs = new Map(journal.runs.map((r) => [r.id, r]));
    return stacks.map((s) => {
        const sj = journal.stacks[s.name];
        const e = sj?.ops[sj.last];
        if (e === undefined) {
            return { stack: s.name, account: s.account, region: s.region, result: NEVER_DEPLOYED, policy: "-" };
        }
        // The last successful up's record, whatever ran since (a refresh or drift check changes no certificate).
        const expiresAt = sj?.ops.up?.certificateExpiresAt;
        const versions = sj?.ops.up?.deployedVersions;
        const result = e.result === "running" && !runIsAlive(runs.get(e.runId)) ? "interrupted" : e.result;
        return {
            stack: s.name,
            account: s.account,
            region: s.region,
            operation: e.operation,
            result: result + (e.drifted ? " (drift)" : ""),
            finishedAt: e.finishedAt,
            durationMs: e.durationMs,
            resourcesChanged: e.resourcesChanged,
            policy: e.policyViolations ? policyText(e.policyViolations) : "-",
            ...(expiresAt !== undefined ? { certificateExpiresAt: expiresAt, certificateDaysLeft: daysLeft(expiresAt, now) } : {}),
            ...(versions !== undefined ? { versions } : {}),
            note: e.error ?? e.reason,
        };
    });
}

/**
 * `status`: the journal's view of the selected stacks, offline. Exit 0 when every stack's last
 * operation succeeded or the stack was never deployed (a fresh checkout, a stack just added to the
 * manifest: nothing failed); 1 when one failed, was skipped, cancelled or interrupted.
 */
export function runStatus(stateDir: string, stacks: readonly FleetStack[], out: (line: string) => void, jsonFile?: OutputTarget | string, now: Date = new Date()): number {
    const store = new JournalStore(path.join(stateDir, "journal.json"));
    const journal = store.load();
    const rows = statusRows(journal, stacks, now);
    const headers = ["STACK", "ACCOUNT", "REGION", "OPERATION", "RESULT", "FINISHED", "DURATION", "CHANGED", "POLICY", "CERT DAYS", "VERSIONS", "NOTE"];
    const cells = rows.map((r) => [
        r.stack,
        r.account,
        r.region,
        r.operation ?? "-",
        r.result,
        r.finishedAt ?? "-",
        r.durationMs !== undefined ? formatDuration(r.durationMs) : "-",
        r.resourcesChanged !== undefined ? String(r.resourcesChanged) : "-",
        r.policy,
        r.certificateDaysLeft !== undefined ? String(r.certificateDaysLeft) : "-",
        versionsText(r.versions),
        (r.note ?? "").slice(0, 100),
    ]);
    const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
    const fmt = (c: string[]) => c.map((v, i) => (i === c.length - 1 ? v : v.padEnd(widths[i]))).join("  ").trimEnd();
    out(fmt(headers));
    cells.forEach((c) => out(fmt(c)));
    const mixed = mixedReleases(rows.filter((r) => r.result !== "never run"));
    if (mixed !== undefined) {
        out(mixed);
    }
    for (const rollout of Object.values(journal.rollouts)) {
        if (rollout === undefined) {
            continue;
        }
        const complete = rollout.complete || rolloutComplete(journal, rollout);
        const left = rollout.stacks.filter((n) => journal.stacks[n]?.ops[rollout.operation]?.result !== "succeeded" || journal.stacks[n]?.ops[rollout.operation]?.rolloutId !== rollout.id);
        out(
            complete
                ? `${rollout.operation} rollout ${rollout.id}: complete (${rollout.stacks.length} stacks)`
                : `${rollout.operation} rollout ${rollout.id}: incomplete, ${left.length} of ${rollout.stacks.length} stacks not done; \`npm run fleet -- ${rollout.operation}\` resumes it, --force starts over`,
        );
    }
    if (jsonFile !== undefined) {
        writeOutput(jsonFile, `${JSON.stringify({ version: 1, stacks: rows, rollouts: journal.rollouts }, null, 2)}\n`, "--json");
    }
    return rows.every((r) => r.result === "succeeded" || r.result === NEVER_DEPLOYED) ? EXIT.ok : EXIT.failed;
}
