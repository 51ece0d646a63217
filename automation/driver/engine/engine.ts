import { certificateExpiryFromOutputs } from "../record/certificates";
import { deployedVersionsFromOutputs } from "../record/versions";
import type { DeployedVersions } from "../../../stacks/outputs";
import * as fs from "fs";
import * as path from "path";
import * as automation from "@pulumi/pulumi/automation";
import type {
    EngineEvent,
    LocalProgramArgs,
    LocalWorkspace,
    LocalWorkspaceOptions,
    OutputMap,
    PulumiCommand,
    RemoteGitProgramArgs,
    RemoteStack,
    RemoteWorkspaceOptions,
    Stack,
    StepEventMetadata,
} from "@pulumi/pulumi/automation";
import type { FleetStack } from "../../fleet/types";
import { PROJECT } from "../../../stacks/config/common";
import { UsageError } from "../../io/cliKit";
import { NotStartedError } from "../errors";
import { ResourceChange, resourceChanges } from "../record/changes";
import { checkDeployRoles, deployRoleFix, deployRoleOf, RoleAssumer, roleProblemLines } from "./preflight";
import { compareStackFile, configJson, configMap, secretProblems, stackFileFor, stackTags } from "../../fleet/stackConfig";
import type { ChangeCounts, ExecutorKind, FleetEngine, Operation, OperationRequest, OperationResult, PolicyViolations, StackLog } from "../types";

/** The members of a local Stack the engine calls (a fake implements just these in tests). */
export type StackLike = Pick<
    Stack,
    "name" | "up" | "preview" | "previewRefresh" | "refresh" | "destroy" | "outputs" | "setAllConfigJson" | "setAllConfig" | "listTags" | "setTag" | "getAllConfig"
>;
export type RemoteStackLike = Pick<RemoteStack, "name" | "up" | "preview" | "refresh" | "destroy" | "outputs" | "cancel">;

/** The slice of `@pulumi/pulumi/automation` the engine uses; injectable for the contract test. */
export interface AutomationApi {
    readonly LocalWorkspace: {
        create(opts: LocalWorkspaceOptions): Promise<Pick<LocalWorkspace, "install" | "whoAmI">>;
        createOrSelectStack(args: LocalProgramArgs, opts?: LocalWorkspaceOptions): Promise<StackLike>;
        selectStack(args: LocalProgramArgs, opts?: LocalWorkspaceOptions): Promise<StackLike>;
    };
    readonly RemoteWorkspace: {
        createOrSelectStack(args: RemoteGitProgramArgs, opts?: RemoteWorkspaceOptions): Promise<RemoteStackLike>;
    };
}

export interface AutomationEngineOptions {
    /** The Pulumi project directory (where Pulumi.yaml lives): the repository root. */
    readonly workDir: string;
    readonly organization: string;
    readonly pulumiCommand: PulumiCommand;
    /** Policy pack directories run with preview and up (local executor). */
    readonly policyPacks: readonly string[];
    readonly backendUrl?: string;
    readonly secretsProvider?: string;
    readonly executor: ExecutorKind;
    readonly remote?: { readonly url?: string; readonly branch?: string; readonly projectPath?: string };
    readonly automation?: AutomationApi;
    /** Pre-flight deploy-role check; absent: not checked. */
    readonly assumeRole?: RoleAssumer;
    /** Environment consulted for preflight checks (PULUMI_CONFIG_PASSPHRASE). */
    readonly env?: NodeJS.ProcessEnv;
}

/** `org/project/stack`: unambiguous on Pulumi Cloud and on non-legacy DIY backends (org "organization"). */
export function qualifiedStackName(organization: string, stack: string): string {
    return `${organization}/${PROJECT}/${stack}`;
}

/** Create/select rewrite the workspace's current-stack file: one at a time per work dir. */
const selectQueues = new Map<string, Promise<unknown>>();
export function serialized<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = selectQueues.get(key) ?? Promise.resolve();
    const next = previous.then(fn, fn);
    selectQueues.set(
        key,
        next.catch(() => undefined),
    );
    return next;
}

/** Counts policy violations and keeps the engine's summary, from the event stream. */
class EventTally {
    mandatory = 0;
    advisory = 0;
    changes: ChangeCounts | undefined;
    readonly steps: ResourceChange[] = [];
    /** Each resource's step once it finished: a refresh's verdict (update, delete) arrives only here. */
    readonly finished: ResourceChange[] = [];

    constructor(private readonly log: StackLog) {}

    readonly onEvent = (e: EngineEvent): void => {
        const pre = e.resourcePreEvent?.metadata;
        if (pre !== undefined) {
            this.steps.push({ urn: pre.urn, type: pre.type, op: pre.op, diffs: changedKeys(pre) });
        }
        const out = e.resOutputsEvent?.metadata;
        if (out !== undefined) {
            this.finished.push({ urn: out.urn, type: out.type, op: out.op, diffs: changedOutputKeys(out) });
        }
        if (e.policyEvent) {
            const p = e.policyEvent;
            if (p.enforcementLevel === "mandatory") {
                this.mandatory++;
            } else {
                this.advisory++;
            }
            this.log.line(`policy ${p.enforcementLevel}: ${p.policyPackName}/${p.policyName}${p.resourceUrn ? ` on ${p.resourceUrn}` : ""}: ${p.message.trim()}`);
        }
        if (e.summaryEvent) {
            this.changes = e.summaryEvent.resourceChanges;
        }
    };

    get violations(): PolicyViolations {
        return { mandatory: this.mandatory, advisory: this.advisory };
    }
}

/**
 * The top-level properties a step changes: the engine's diff keys, the keys forcing a replacement,
 * the detailed diff's paths; when a provider reports none of them (the engine then diffed the
 * inputs itself), the inputs that differ between the old and new state.
 */
export function changedKeys(m: StepEventMetadata): string[] {
    const top = (p: string) => p.split(/[.[]/)[0];
    const keys = new Set([...(m.diffs ?? []), ...(m.keys ?? []), ...Object.keys(m.detailedDiff ?? {})].map(top));
    if (keys.size === 0 && m.old?.inputs !== undefined && m.new?.inputs !== undefined) {
        const [o, n] = [m.old.inputs, m.new.inputs];
        for (const k of new Set([...Object.keys(o), ...Object.keys(n)])) {
            if (JSON.stringify(o[k]) !== JSON.stringify(n[k])) {
                keys.add(k);
            }
        }
    }
    return [...keys].filter((k) => k !== "").sort();
}

/**
 * The top-level outputs a refresh step changed: what the provider's read returned (new) against the
 * state (old). A refresh preview announces every resource as `refresh` and says `update` or `delete`
 * only in the step's outputs event, with no diff keys (seen with Pulumi 3.248's engine).
 */
export function changedOutputKeys(m: StepEventMetadata): string[] {
    const [o, n] = [m.old?.outputs, m.new?.outputs];
    if (o === undefined || n === undefined) {
        return [];
    }
    return [...new Set([...Object.keys(o), ...Object.keys(n)])].filter((k) => JSON.stringify(o[k]) !== JSON.stringify(n[k])).sort();
}

/** Refresh-preview ops that mean "the cloud differs from state". */
const DRIFT_OPS = ["create", "update", "delete", "replace", "create-replacement", "delete-replaced"];

/** drift: the resources whose refreshed state differs from the state file, with the outputs that differ. */
export function driftedResources(finished: readonly ResourceChange[]): ResourceChange[] {
    return resourceChanges(finished).filter((r) => DRIFT_OPS.includes(r.op));
}

export function driftCount(changes: ChangeCounts): number {
    return DRIFT_OPS.reduce((n, op) => n + (changes[op] ?? 0), 0);
}

/** The certificate expiry an `up` result's outputs carry, as an OperationResult field (none: no field). */
export function expiryOf(outputs: OutputMap | undefined): { certificateExpiresAt?: string } {
    const at = outputs !== undefined ? certificateExpiryFromOutputs(maskOutputs(outputs)) : undefined;
    return at !== undefined ? { certificateExpiresAt: at } : {};
}

/** What an `up` result's outputs say the stack deployed, as an OperationResult field (none: no field). */
export function versionsOf(outputs: OutputMap | undefined): { deployedVersions?: DeployedVersions } {
    const v = outputs !== undefined ? deployedVersionsFromOutputs(maskOutputs(outputs)) : undefined;
    return v !== undefined ? { deployedVersions: v } : {};
}

export function maskOutputs(outputs: OutputMap): Record<string, unknown> {
    return Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v.secret ? "[secret]" : v.value]));
}

function isNamed(err: unknown, name: string): boolean {
    return err instanceof Error && err.name === name;
}

/**
 * Runs stacks through the Automation API: locally (LocalWorkspace with this repository as the
 * program, the CLI found once up front) or on Pulumi Deployments (RemoteWorkspace).
 */
export class AutomationEngine implements FleetEngine {
    readonly kind: string;
    private readonly api: AutomationApi;

    constructor(private readonly opts: AutomationEngineOptions) {
        this.kind = opts.executor;
        this.api = opts.automation ?? automation;
    }

    private get workspaceOptions(): LocalWorkspaceOptions {
        const envVars: Record<string, string> = { PULUMI_SKIP_UPDATE_CHECK: "true" };
        if (this.opts.backendUrl !== undefined) {
            envVars.PULUMI_BACKEND_URL = this.opts.backendUrl;
        }
        return {
            pulumiCommand: this.opts.pulumiCommand,
            envVars,
            ...(this.opts.secretsProvider !== undefined && this.opts.secretsProvider !== "default" ? { secretsProvider: this.opts.secretsProvider } : {}),
        };
    }

    /**
     * Who the CLI is logged in as, and where (`pulumi whoami --verbose` through the workspace): a
     * missing login fails here once instead of in every stack. Then each deploy role is assumed
     * once (local executor; Pulumi Deployments uses the stacks' OIDC settings instead).
     */
    async preflight(stacks: readonly FleetStack[], _operation: Operation): Promise<string[]> {
        const lines: string[] = [];
        if (this.opts.executor === "local") {
            let who: { user: string; url?: string; organizations?: string[] };
            try {
                const ws = await this.api.LocalWorkspace.create({ ...this.workspaceOptions, workDir: this.opts.workDir });
                who = await ws.whoAmI();
            } catch (e) {
                const msg = (e instanceof Error ? e.message : String(e)).split("\n").map((l) => l.trim()).find((l) => /error/i.test(l)) ?? String(e);
                throw new UsageError(`pre-flight: the Pulumi CLI is not logged in to a usable backend (${msg.trim()}); run \`pulumi login <backend>\` or pass --backend, e.g. --backend file://~/.pulumi-state`);
            }
            lines.push(`pre-flight: Pulumi CLI logged in as ${who.user}${who.url !== undefined ? ` at ${who.url}` : ""}${who.organizations?.length ? ` (organizations: ${who.organizations.join(", ")})` : ""}`);
            if (this.opts.assumeRole !== undefined) {
                const problems = await checkDeployRoles(stacks, this.opts.assumeRole);
                if (problems.length > 0) {
                    const count = problems.reduce((n, p) => n + p.stacks.length, 0);
                    throw new UsageError([`pre-flight: ${count} stack(s) cannot assume their deploy role with the current AWS credentials; no stack was touched:`, ...roleProblemLines(problems), deployRoleFix(problems)].join("\n"));
                }
                const roles = new Set(stacks.map((s) => deployRoleOf(s)?.roleArn).filter((r) => r !== undefined)).size;
                lines.push(`pre-flight: ${roles} deploy role(s) assumed`);
            }
        }
        return lines;
    }

    async prepare(_stacks: readonly FleetStack[], operation: Operation, _signal: AbortSignal): Promise<void> {
        const env = this.opts.env ?? process.env;
        if (this.opts.secretsProvider === "passphrase" && env.PULUMI_CONFIG_PASSPHRASE === undefined && env.PULUMI_CONFIG_PASSPHRASE_FILE === undefined) {
            throw new UsageError("--secrets-provider passphrase: set PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE in the environment (the driver never prompts)");
        }
        if (this.opts.executor === "remote" || operation === "outputs") {
            return;
        }
        if (operation === "preview" || operation === "up") {
            for (const pack of this.opts.policyPacks) {
                await this.preparePolicyPack(pack);
            }
        }
        // Concurrent updates would each try to download missing provider plugins into the same
        // plugin cache; installing once here avoids that race.
        const ws = await this.api.LocalWorkspace.create({ ...this.workspaceOptions, workDir: this.opts.workDir });
        await ws.install({ noDependencies: true });
    }

    private async preparePolicyPack(dir: string): Promise<void> {
        if (!fs.existsSync(path.join(dir, "PulumiPolicy.yaml"))) {
            throw new UsageError(`--policy-pack: ${dir} has no PulumiPolicy.yaml; point it at a policy pack directory, e.g. --policy-pack ./policy`);
        }
        const hasOwnModules = fs.existsSync(path.join(dir, "node_modules"));
        let resolvable = true;
        try {
            require.resolve("@pulumi/policy", { paths: [dir] });
        } catch {
            resolvable = false;
        }
        if (!hasOwnModules && fs.existsSync(path.join(dir, "package.json")) && !resolvable) {
            // Every update would otherwise install the pack's dependencies itself, in parallel.
            const ws = await this.api.LocalWorkspace.create({ ...this.workspaceOptions, workDir: dir });
            await ws.install();
        } else if (!resolvable) {
            throw new UsageError(`--policy-pack: ${dir} cannot load @pulumi/policy; run npm install (in the repository root or ${dir})`);
        }
    }

    async run(req: OperationRequest): Promise<OperationResult> {
        return this.opts.executor === "remote" ? this.runRemote(req) : this.runLocal(req);
    }

    private async runLocal(req: OperationRequest): Promise<OperationResult> {
        const { stack: s, operation, signal, log } = req;
        const stackName = qualifiedStackName(this.opts.organization, s.name);
        const args: LocalProgramArgs = { stackName, workDir: this.opts.workDir };
        const tally = new EventTally(log);
        const common = {
            signal,
            onOutput: (out: string) => log.chunk(out),
            onError: (err: string) => log.chunk(err),
            onEvent: tally.onEvent,
            color: "never" as const,
        };
        const message = `fleet ${operation} (run ${req.runId})`;
        const creates = operation === "up" || operation === "preview";
        let stack: StackLike;
        try {
            stack = await serialized(path.resolve(this.opts.workDir), () =>
                creates ? this.api.LocalWorkspace.createOrSelectStack(args, this.workspaceOptions) : this.api.LocalWorkspace.selectStack(args, this.workspaceOptions),
            );
        } catch (e) {
            if (isNamed(e, "StackNotFoundError")) {
                if (operation === "destroy") {
                    log.line(`stack ${stackName} does not exist; nothing to destroy`);
                    return { changes: {}, policyViolations: tally.violations, note: "stack does not exist; nothing to destroy" };
                }
                throw new Error(`stack ${stackName} does not exist in the backend; deploy it first with \`npm run fleet -- up --stacks ${s.name}\``, { cause: e });
            }
            throw e;
        }
        signal.throwIfAborted();
        if (creates) {
            await this.applyConfig(stack, s, stackName, log);
            await this.applyTags(stack, s, log);
            if (s.secrets.length > 0) {
                const problems = secretProblems(s, await stack.getAllConfig(), stackName);
                if (problems.length > 0) {
                    throw new Error(`stacks entry ${s.name}: ${problems.join("; ")}`);
                }
            }
        }
        signal.throwIfAborted();
        // Selection is serialised per work directory, so a stack may have queued here for a while:
        // once the run is stopping, it must not start (the Ctrl-C promise: no new stacks).
        if (req.stop?.aborted) {
            throw new NotStartedError();
        }
        req.onStarted?.();
        const policyPacks = [...this.opts.policyPacks];
        switch (operation) {
            case "preview": {
                const r = await stack.preview({ ...common, message, policyPacks, ...(req.planFile !== undefined ? { plan: req.planFile } : {}) });
                return { changes: r.changeSummary, policyViolations: tally.violations, resources: resourceChanges(tally.steps) };
            }
            case "up": {
                const r = await stack.up({ ...common, message, policyPacks, ...(req.planFile !== undefined ? { plan: req.planFile } : {}) });
                return { changes: (r.summary.resourceChanges ?? tally.changes ?? {}), policyViolations: tally.violations, version: r.summary.version, ...expiryOf(r.outputs), ...versionsOf(r.outputs) };
            }
            case "refresh": {
                const r = await stack.refresh({ ...common, message });
                return { changes: (r.summary.resourceChanges ?? tally.changes ?? {}), policyViolations: tally.violations, version: r.summary.version };
            }
            case "drift": {
                const r = await stack.previewRefresh({ ...common, message });
                const changes = r.changeSummary as ChangeCounts;
                return { changes, policyViolations: tally.violations, drifted: driftCount(changes) > 0, resources: driftedResources(tally.finished) };
            }
            case "destroy": {
                const r = await stack.destroy({ ...common, message });
                return { changes: (r.summary.resourceChanges ?? tally.changes ?? {}), policyViolations: tally.violations, version: r.summary.version };
            }
            case "outputs":
                return { changes: {}, policyViolations: tally.violations, outputs: maskOutputs(await stack.outputs()) };
        }
    }

    /** Writes the manifest's config into the stack when the stack file differs from it. */
    private async applyConfig(stack: StackLike, s: FleetStack, stackName: string, log: StackLog): Promise<void> {
        const file = stackFileFor(this.opts.workDir, s.name);
        const { differing, stale } = compareStackFile(s, file);
        if (stale.length > 0) {
            log.line(`warning: ${path.relative(this.opts.workDir, file)} has keys the manifest does not: ${stale.join(", ")}; regenerate it with \`npm run fleet -- config\``);
        }
        if (differing.length === 0) {
            return;
        }
        log.line(`config differs from the manifest (${differing.join(", ")}); applying it to ${stackName}`);
        try {
            await stack.setAllConfigJson(JSON.stringify(configJson(s)));
        } catch (e) {
            if (!/unknown flag: --json/.test(e instanceof Error ? e.message : String(e))) {
                throw e;
            }
            log.line("this Pulumi CLI lacks `config set-all --json`; storing structured values as JSON text");
            await stack.setAllConfig(configMap(s));
        }
    }

    private async applyTags(stack: StackLike, s: FleetStack, log: StackLog): Promise<void> {
        try {
            const current = await stack.listTags();
            for (const [k, v] of Object.entries(stackTags(s))) {
                if (current[k] !== v) {
                    await stack.setTag(k, v);
                }
            }
        } catch (e) {
            // Some backends have no stack tags; the policy pack then sees none, which it treats as "not regulated".
            const msg = e instanceof Error ? e.message.split("\n").find((l) => /error/i.test(l)) ?? e.message : String(e);
            log.line(`warning: could not set stack tags (${msg.trim()}); policies keyed on oss-monitoring:regulated will treat the stack as not regulated`);
        }
    }

    private async runRemote(req: OperationRequest): Promise<OperationResult> {
        const { stack: s, operation, signal, log } = req;
        if (operation === "drift") {
            throw new UsageError("drift needs --executor local: Pulumi Deployments has no refresh preview");
        }
        const remote = this.opts.remote ?? {};
        const stack = await this.api.RemoteWorkspace.createOrSelectStack(
            {
                stackName: qualifiedStackName(this.opts.organization, s.name),
                ...(remote.url !== undefined ? { url: remote.url } : {}),
                ...(remote.branch !== undefined ? { branch: remote.branch } : {}),
                ...(remote.projectPath !== undefined ? { projectPath: remote.projectPath } : {}),
            },
            // The stack's deployment settings (OIDC credentials, repository) come from Pulumi Cloud.
            { inheritSettings: true },
        );
        const tally = new EventTally(log);
        const common = { onOutput: (out: string) => log.chunk(out), onEvent: tally.onEvent };
        const cancel = () => {
            log.line("cancelling the remote deployment");
            stack.cancel().catch((e: unknown) => log.line(`cancel failed: ${e instanceof Error ? e.message : String(e)}`));
        };
        signal.addEventListener("abort", cancel, { once: true });
        try {
            switch (operation) {
                case "preview": {
                    const r = await stack.preview(common);
                    return { changes: r.changeSummary, policyViolations: tally.violations };
                }
                case "up": {
                    const r = await stack.up(common);
                    return { changes: (r.summary.resourceChanges ?? {}), policyViolations: tally.violations, version: r.summary.version, ...expiryOf(r.outputs), ...versionsOf(r.outputs) };
                }
                case "refresh": {
                    const r = await stack.refresh(common);
                    return { changes: (r.summary.resourceChanges ?? {}), policyViolations: tally.violations, version: r.summary.version };
                }
                case "destroy": {
                    const r = await stack.destroy(common);
                    return { changes: (r.summary.resourceChanges ?? {}), policyViolations: tally.violations, version: r.summary.version };
                }
                case "outputs":
                    return { changes: {}, policyViolations: tally.violations, outputs: maskOutputs(await stack.outputs()) };
            }
        } finally {
            signal.removeEventListener("abort", cancel);
        }
    }
}
