import { PulumiCommand } from "@pulumi/pulumi/automation";
import { loadManifest } from "../fleet/manifest";
import type { FleetManifest } from "../fleet/types";
import { AutomationApi, AutomationEngine } from "./engine/engine";
import { RoleAssumer, stsAssumer } from "./engine/preflight";
import type { PulumiLocator } from "./engine/pulumiCli";
import { BackoffOptions, DEFAULT_BACKOFF } from "./schedule/attempt";
import { Clock, realClock } from "./schedule/clock";
import { GateSpec, prometheusQuery, PromQuery } from "./schedule/gate";
import type { RunSettings } from "./settings";
import type { FleetEngine } from "./types";

export interface EngineContext {
    readonly settings: RunSettings;
    readonly manifest: FleetManifest;
    readonly pulumiCommand: PulumiCommand;
    /** Pre-flight deploy-role check (absent: not checked). */
    readonly assumeRole?: RoleAssumer;
}

/** Everything the driver touches outside itself, injectable so tests and the benchmark run it offline. */
export interface FleetDeps {
    /** The Pulumi project directory (repository root); relative paths resolve against it. */
    readonly workDir: string;
    /**
     * Where the operator is (default workDir): paths given on the command line resolve against it, so the
     * installed command works from any folder; defaults (stacks/fleet.yaml, .fleet, policy/) stay in workDir.
     */
    readonly cwd?: string;
    /** How the operator invoked the tool, for help pages (default `npm run fleet --`). */
    readonly program?: string;
    readonly out: (line: string) => void;
    readonly err: (line: string) => void;
    readonly clock: Clock;
    readonly random: () => number;
    readonly locatePulumi: PulumiLocator;
    readonly createEngine: (ctx: EngineContext) => FleetEngine;
    readonly loadManifest: (file: string) => FleetManifest;
    /** Asks the operator; absent when there is no terminal (then --yes is required). */
    readonly confirm?: (question: string) => Promise<boolean>;
    /** Graceful stop (first Ctrl-C): no new stacks start, running ones finish. */
    readonly stop?: AbortSignal;
    /** Cancellation: running operations are signalled too. */
    readonly abort?: AbortSignal;
    readonly backoff: BackoffOptions;
    /** How long a timed-out operation may take to wind down after being signalled. */
    readonly graceMs: number;
    /** false: no per-stack log files (benchmark). */
    readonly stackLogs: boolean;
    /** Interval of the live status line (done N/M, running stacks with elapsed time); 0: none. */
    readonly progressIntervalMs: number;
    /** Pre-flight: assumes each deploy role once (STS); unset to skip. */
    readonly assumeRole?: RoleAssumer;
    /** The metrics store the canary health gate queries (AMP with SigV4, or Prometheus). */
    readonly gateQuery: (gate: GateSpec) => PromQuery;
}

/** The Automation API engine for a run; `automation` replaces the real module in the contract test. */
export function engineFor({ settings, manifest, pulumiCommand, assumeRole }: EngineContext, automation?: AutomationApi): AutomationEngine {
    return new AutomationEngine({
        ...(assumeRole !== undefined ? { assumeRole } : {}),
        workDir: settings.programDir,
        organization: manifest.pulumiOrganization,
        pulumiCommand,
        policyPacks: settings.policyPacks,
        backendUrl: settings.backend,
        secretsProvider: settings.secretsProvider,
        executor: settings.executor,
        remote: settings.remote,
        ...(automation !== undefined ? { automation } : {}),
    });
}

export function defaultDeps(workDir: string): FleetDeps {
    return {
        workDir,
        out: (l) => console.log(l),
        err: (l) => console.error(l),
        clock: realClock,
        random: Math.random,
        locatePulumi: () => PulumiCommand.get(),
        createEngine: (ctx) => engineFor(ctx),
        loadManifest,
        backoff: DEFAULT_BACKOFF,
        graceMs: 120_000,
        stackLogs: true,
        gateQuery: (gate) => prometheusQuery(gate.endpoint, gate.region),
        assumeRole: stsAssumer(),
        progressIntervalMs: 30_000,
    };
}
