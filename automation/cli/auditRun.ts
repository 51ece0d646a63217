/**
 * What `fleet audit` runs (auditCommand.ts defines the command): loaded only when an audit runs, since it brings
 * the Automation API and the policy pack, which no other fleet command needs.
 */
import * as fs from "fs";
import * as path from "path";
import { LocalWorkspace, PulumiCommand } from "@pulumi/pulumi/automation";
import { PACK_ENFORCEMENT_LEVEL, policies } from "../../policy/policies";
import { InputError, resolveConfig, toSarif, Violation } from "../../policy/offline";
import { checkOutputTarget, writeOutput } from "../io/output";
import { loadManifest } from "../fleet/manifest";
import { selectStacks } from "../fleet/selectors";
import type { FleetManifest, FleetStack } from "../fleet/types";
import { Orphan, orphanBackendStacks, orphanLine } from "../fleet/orphans";
import { auditExitCode, auditReport, auditStack, StackAudit } from "../driver/audit";
import { qualifiedStackName, serialized } from "../driver/engine/engine";
import { locatePulumi } from "../driver/engine/pulumiCli";
import { formatViolation, summaryByPolicy } from "./policyCli";

export interface AuditArgs {
    manifest: string;
    stacks?: string[];
    backend?: string;
    refresh?: boolean;
    config?: string;
    json?: string;
    sarif?: string;
}

function readConfig(file: string): Record<string, unknown> {
    let json: unknown;
    try {
        json = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (e) {
        throw new InputError(`--config ${file}: ${(e as Error).message}; fix: pass the JSON policy configuration used with --policy-pack-config`);
    }
    if (typeof json !== "object" || json === null || Array.isArray(json)) {
        throw new InputError(`--config ${file}: must be a JSON object keyed by policy name (the --policy-pack-config format)`);
    }
    try {
        // Checked once before any stack is touched: an unknown policy or a bad value is bad input (exit 2), not a failed stack.
        resolveConfig(policies, PACK_ENFORCEMENT_LEVEL, json as Record<string, unknown>);
    } catch (e) {
        throw new InputError(`--config ${file}: ${(e as Error).message}`);
    }
    return json as Record<string, unknown>;
}

/** One stack: refresh when asked, export the state, evaluate the pack. Failures become the stack's error. */
async function auditOne(s: FleetStack, ctx: { workDir: string; organization: string; pulumi: PulumiCommand; backend?: string; refresh: boolean; config?: Record<string, unknown>; log: (l: string) => void }): Promise<StackAudit> {
    const envVars: Record<string, string> = { PULUMI_SKIP_UPDATE_CHECK: "true", ...(ctx.backend !== undefined ? { PULUMI_BACKEND_URL: ctx.backend } : {}) };
    try {
        // Selection rewrites the workspace's current-stack file: one at a time per work dir, as in the driver.
        const stack = await serialized(path.resolve(ctx.workDir), () =>
            LocalWorkspace.selectStack({ stackName: qualifiedStackName(ctx.organization, s.name), workDir: ctx.workDir }, { pulumiCommand: ctx.pulumi, envVars }));
        if (ctx.refresh) {
            await stack.refresh({ color: "never", message: "fleet audit refresh" });
        }
        const tags: Record<string, string> = await stack.listTags().catch(() => ({}));
        return auditStack(s, await stack.exportStack(), { refreshed: ctx.refresh, tags, ...(ctx.config !== undefined ? { config: ctx.config } : {}) });
    } catch (e) {
        const message = (e instanceof Error ? e.message : String(e)).split("\n").map((l) => l.trim()).find((l) => /error|not found|no stack/i.test(l)) ?? String(e);
        ctx.log(`${s.name}: cannot audit (${message})`);
        return { stack: s.name, role: s.role, account: s.account, refreshed: false, resources: 0, error: message, violations: [] };
    }
}

/**
 * The backend's stacks of this project that no manifest entry explains: what a removed entry left
 * running (and billed). Undefined, with one line on stderr, when the backend cannot be listed.
 */
async function backendOrphans(manifest: FleetManifest, ctx: { workDir: string; pulumi: PulumiCommand; backend?: string; log: (l: string) => void }): Promise<Orphan[] | undefined> {
    const envVars: Record<string, string> = { PULUMI_SKIP_UPDATE_CHECK: "true", ...(ctx.backend !== undefined ? { PULUMI_BACKEND_URL: ctx.backend } : {}) };
    try {
        const ws = await LocalWorkspace.create({ workDir: ctx.workDir, pulumiCommand: ctx.pulumi, envVars });
        return orphanBackendStacks(manifest, (await ws.listStacks()).map((s) => s.name));
    } catch (e) {
        ctx.log(`cannot list the backend's stacks (${(e instanceof Error ? e.message : String(e)).split("\n")[0]}); orphans not checked`);
        return undefined;
    }
}

function stackLine(a: StackAudit): string {
    if (a.error !== undefined) {
        return `${a.stack}: NOT AUDITED: ${a.error}`;
    }
    const mandatory = a.violations.filter((v) => v.enforcementLevel === "mandatory").length;
    return `${a.stack}: ${mandatory} mandatory, ${a.violations.length - mandatory} other violation(s) over ${a.resources} deployed resource(s)${a.refreshed ? " (refreshed)" : ""}`;
}

export async function audit(args: AuditArgs, workDir: string): Promise<number> {
    const jsonTarget = args.json !== undefined ? checkOutputTarget(args.json, "--json") : undefined;
    const sarifTarget = args.sarif !== undefined ? checkOutputTarget(args.sarif, "--sarif") : undefined;
    const config = args.config !== undefined ? readConfig(args.config) : undefined;
    const manifest = loadManifest(path.resolve(workDir, args.manifest));
    const stacks = selectStacks(manifest.stacks, args.stacks ?? []);
    const pulumi = await locatePulumi();
    const startedAt = new Date();
    const ctx = { workDir: manifest.program ?? workDir, organization: manifest.pulumiOrganization, pulumi, refresh: args.refresh === true, log: (l: string) => console.error(l),
        ...(args.backend !== undefined ? { backend: args.backend } : {}), ...(config !== undefined ? { config } : {}) };
    // As many stacks at once as a rollout runs (manifest rollout.concurrency); results keep the manifest's order.
    const audits: StackAudit[] = new Array<StackAudit>(stacks.length);
    let next = 0;
    const worker = async () => {
        for (let i = next++; i < stacks.length; i = next++) {
            audits[i] = await auditOne(stacks[i], ctx);
        }
    };
    await Promise.all(Array.from({ length: Math.min(manifest.rollout.concurrency, stacks.length) }, worker));
    const orphans = await backendOrphans(manifest, ctx);
    const report = auditReport(audits, startedAt, orphans);
    const all: Violation[] = audits.flatMap((a) => a.violations);
    audits.forEach((a) => console.log(stackLine(a)));
    all.forEach((v) => console.log(formatViolation(v)));
    if (all.length > 0) {
        console.log("Summary by policy:");
        summaryByPolicy(all).forEach((l) => console.log(l));
    }
    orphans?.forEach((o) => console.log(orphanLine(o, args.manifest)));
    console.log(`audit: ${report.summary.mandatory} mandatory, ${report.summary.advisory} other violation(s) in ${audits.length} stack(s); ${report.summary.failed} not audited; ${orphans === undefined ? "backend stacks not listed" : `${orphans.length} backend stack(s) no entry explains`}.`);
    if (jsonTarget !== undefined) {
        writeOutput(jsonTarget, `${JSON.stringify(report, null, 2)}\n`, "--json");
    }
    if (sarifTarget !== undefined) {
        writeOutput(sarifTarget, `${JSON.stringify(toSarif(all, policies, { toolVersion: "audit" }), null, 2)}\n`, "--sarif");
    }
    return auditExitCode(report);
}
