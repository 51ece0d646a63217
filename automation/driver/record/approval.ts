import * as fs from "fs";
import * as path from "path";
import type { FleetStack } from "../../fleet/types";
import { UsageError } from "../../io/cliKit";
import { writeOutput } from "../../io/output";
import { stackFingerprint } from "./journal";

/**
 * What an approved preview is tied to. Pulumi's update plan (`preview --save-plan`, `up --plan`)
 * makes the engine refuse any operation beyond the plan's, per resource
 * (https://www.pulumi.com/docs/iac/concepts/update-plans/); the approval file adds what the engine
 * cannot see: the manifest entry each plan was made from (stackFingerprint: account, region, tags,
 * config) and the source revision. `up --plan` refuses before touching any stack when either moved.
 */
export interface Approval {
    readonly version: 1;
    readonly createdAt: string;
    readonly revision?: string;
    /** stack name → fingerprint of its manifest entry at preview time. */
    readonly stacks: Readonly<Record<string, string>>;
}

export const APPROVAL_FILE = "approval.json";

export function planFileOf(dir: string, stack: string): string {
    return path.join(dir, `${stack}.json`);
}

/** Before a `preview --save-plan`: the folder exists and holds no older plan of these stacks (a failed preview must not leave one behind). */
export function startApproval(dir: string, stacks: readonly FleetStack[]): void {
    fs.mkdirSync(dir, { recursive: true });
    for (const s of stacks) {
        fs.rmSync(planFileOf(dir, s.name), { force: true });
    }
    fs.rmSync(path.join(dir, APPROVAL_FILE), { force: true });
}

/** After the preview: the stacks whose plan was saved, with their fingerprints. */
export function recordApproval(dir: string, stacks: readonly FleetStack[], at: string, revision: string | undefined): Approval {
    const saved = stacks.filter((s) => fs.existsSync(planFileOf(dir, s.name)));
    const approval: Approval = { version: 1, createdAt: at, ...(revision !== undefined ? { revision } : {}), stacks: Object.fromEntries(saved.map((s) => [s.name, stackFingerprint(s)])) };
    writeOutput(path.join(dir, APPROVAL_FILE), `${JSON.stringify(approval, null, 2)}\n`, "--save-plan");
    return approval;
}

/**
 * Why `up --plan DIR` must not run these stacks, or undefined: no approval, a stack without a saved
 * plan, a manifest entry or a source revision that changed since the preview.
 */
export function approvalProblem(dir: string, stacks: readonly FleetStack[], revision: string | undefined): string | undefined {
    const again = `; fix: run preview --save-plan ${dir} again, review it, then up --plan ${dir} (nothing was touched)`;
    let approval: Approval;
    try {
        approval = JSON.parse(fs.readFileSync(path.join(dir, APPROVAL_FILE), "utf8")) as Approval;
    } catch {
        return `--plan ${dir}: no ${APPROVAL_FILE} there, so no approved preview${again}`;
    }
    const missing = stacks.filter((s) => approval.stacks[s.name] === undefined || !fs.existsSync(planFileOf(dir, s.name)));
    if (missing.length > 0) {
        return `--plan ${dir}: no saved plan for ${missing.slice(0, 5).map((s) => s.name).join(", ")}${missing.length > 5 ? ` and ${missing.length - 5} more` : ""} (not previewed, or its preview failed)${again}`;
    }
    const changed = stacks.filter((s) => approval.stacks[s.name] !== stackFingerprint(s));
    if (changed.length > 0) {
        return `--plan ${dir}: the manifest changed since the preview of ${approval.createdAt} for ${changed.slice(0, 5).map((s) => s.name).join(", ")}${changed.length > 5 ? ` and ${changed.length - 5} more` : ""}${again}`;
    }
    if (approval.revision !== undefined && revision !== undefined && approval.revision !== revision) {
        return `--plan ${dir}: the source changed since the preview (${approval.revision.slice(0, 8)} → ${revision.slice(0, 8)})${again}`;
    }
    return undefined;
}

/** Throws the approval problem as a usage error (exit 2, nothing touched). */
export function checkApproval(dir: string, stacks: readonly FleetStack[], revision: string | undefined): void {
    const problem = approvalProblem(dir, stacks, revision);
    if (problem !== undefined) {
        throw new UsageError(problem);
    }
}
