import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { rolloutSchema } from "../../../automation/fleet/manifestSchema";
import { FleetManifest, FleetStack } from "../../../automation/fleet/types";
import { PROJECT, Role } from "../../../stacks/config/common";
import type { StackConfig } from "../../../stacks/config";
import type { Clock } from "../../../automation/driver/schedule/clock";
import type { FleetDeps } from "../../../automation/driver/deps";
import type { FleetEngine, Operation, OperationRequest, OperationResult } from "../../../automation/driver/types";

export const HUB_CONFIG = {
    collector: { tlsSecretArn: "arn:aws:secretsmanager:us-east-1:111111111111:secret:hub/collector-tls-AbCdEf" },
    ingress: { certificateArn: "arn:aws:acm:us-east-1:111111111111:certificate/0f0e0d0c-0000-4000-8000-000000000001" },
    grafana: { allowedVpceIds: ["vpce-0a1b2c3d4e5f60718"], adminGroupIds: ["90677e8d-a0d1-70e1-1234-5678abcdef01"] },
};

export interface SpokeSpec {
    readonly name: string;
    readonly region?: string;
    readonly dependsOn?: readonly string[];
    readonly tags?: Record<string, string>;
    readonly regulated?: boolean;
    readonly secrets?: readonly string[];
    readonly account?: string;
}

const ORG_ID = "o-a1b2c3d4e5";
const DEFAULT_TAGS = { CostCenter: "cc-1", Owner: "team", Environment: "test" };

/**
 * A resolved manifest built directly, shaped like resolveManifest's output (spokes depend on the
 * hub, config under Pulumi keys, structured values as objects). Built by hand so the driver's
 * tests do not depend on the role schemas, which evolve separately; `parsed` is unused by the driver.
 */
export function fleet(spokes: readonly (SpokeSpec | string)[], rollout: Record<string, unknown> = {}, hubName = "hub"): FleetManifest {
    const specs = spokes.map((sp, i) => ({ account: String(200000000001 + i), ...(typeof sp === "string" ? { name: sp } : sp) }));
    const hubRef = `organization/${PROJECT}/${hubName}`;
    const member = (name: string, role: Role, account: string, region: string, extra: Partial<FleetStack>, roleConfig: Record<string, unknown>): FleetStack => {
        const tags = { ...DEFAULT_TAGS, ...(extra.tags ?? {}), MonitoringRole: role };
        return {
            name,
            role,
            account,
            region,
            regulated: extra.regulated ?? false,
            dependsOn: extra.dependsOn ?? [],
            secrets: extra.secrets ?? [],
            tags,
            config: {
                "aws:region": region,
                [`${PROJECT}:role`]: role,
                [`${PROJECT}:account`]: account,
                [`${PROJECT}:organizationId`]: ORG_ID,
                [`${PROJECT}:deployRole`]: { roleArn: `arn:aws:iam::${account}:role/OrganizationMonitoringDeploy`, sessionName: `${PROJECT}-${name}` },
                [`${PROJECT}:tags`]: tags,
                ...roleConfig,
            },
            parsed: {} as StackConfig,
        };
    };
    const hub = member(hubName, "hub", "111111111111", "us-east-1", {}, {
        [`${PROJECT}:hub`]: { ...HUB_CONFIG, monitoredAccounts: [...new Set(specs.map((s) => s.account))].sort(), onpremSites: [] },
    });
    const members = specs.map((s) =>
        member(s.name, "monitored", s.account, s.region ?? "us-east-1", { ...s, dependsOn: [...new Set([hubName, ...(s.dependsOn ?? [])])] }, {
            [`${PROJECT}:hubStack`]: hubRef,
            [`${PROJECT}:monitored`]: { vpc: { vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"] }, workloads: { cidrs: ["10.1.0.0/16"] } },
        }),
    );
    return { path: "stacks/fleet.yaml", pulumiOrganization: "organization", rollout: rolloutSchema.parse(rollout), stacks: [hub, ...members], hub };
}

/** A raw manifest document for the real loader (validation tests). */
export function fleetDoc(spokes: readonly string[]): Record<string, unknown> {
    return {
        version: 1,
        awsOrganizationId: ORG_ID,
        defaults: { region: "us-east-1", tags: DEFAULT_TAGS },
        stacks: [{ name: "hub", role: "hub", account: "111111111111", config: HUB_CONFIG }, ...spokes.map((name, i) => ({ name, role: "monitored", account: String(200000000001 + i) }))],
    };
}

export function spokeNames(n: number, prefix = "spoke"): string[] {
    return Array.from({ length: n }, (_, i) => `${prefix}-${String(i + 1).padStart(3, "0")}`);
}

export interface Behaviour {
    /** Virtual milliseconds the operation takes. Default 1000. */
    readonly durationMs?: number;
    /** Thrown after the duration. */
    readonly error?: Error;
    /** Keep running after the signal aborts (an engine that ignores cancellation). */
    readonly ignoreSignal?: boolean;
    readonly result?: Partial<OperationResult>;
}

export interface FakeCall {
    readonly stack: string;
    readonly operation: Operation;
    readonly attempt: number;
    readonly start: number;
    /** The Pulumi update plan the call saved (preview) or ran (up). */
    readonly planFile?: string;
    end?: number;
    outcome?: "ok" | "error" | "aborted";
    inFlightAtStart: number;
}

/** An engine that sleeps on the (virtual) clock and records what the scheduler asked of it. */
export class FakeEngine implements FleetEngine {
    readonly kind = "fake";
    readonly calls: FakeCall[] = [];
    prepared: Operation[] = [];
    inFlight = 0;
    maxInFlight = 0;

    constructor(
        private readonly clock: Clock,
        private readonly behave: (stack: string, op: Operation, attempt: number) => Behaviour = () => ({}),
    ) {}

    async prepare(_stacks: unknown, operation: Operation): Promise<void> {
        this.prepared.push(operation);
    }

    async run(req: OperationRequest): Promise<OperationResult> {
        const b = this.behave(req.stack.name, req.operation, req.attempt);
        const call: FakeCall = { stack: req.stack.name, operation: req.operation, attempt: req.attempt, start: this.clock.now(), inFlightAtStart: this.inFlight + 1, ...(req.planFile !== undefined ? { planFile: req.planFile } : {}) };
        this.calls.push(call);
        this.inFlight++;
        this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
        req.log.line(`fake ${req.operation} ${req.stack.name}`);
        try {
            await this.clock.sleep(b.durationMs ?? 1000, b.ignoreSignal ? undefined : req.signal);
            if (req.signal.aborted && !b.ignoreSignal) {
                call.outcome = "aborted";
                throw req.signal.reason instanceof Error ? req.signal.reason : new Error("aborted");
            }
            if (b.error) {
                call.outcome = "error";
                throw b.error;
            }
            call.outcome = "ok";
            if (req.operation === "preview" && req.planFile !== undefined) {
                // Like `pulumi preview --save-plan`: the plan exists once the preview succeeded.
                fs.writeFileSync(req.planFile, JSON.stringify({ stack: req.stack.name }));
            }
            return { changes: { create: 3, same: 2 }, policyViolations: { mandatory: 0, advisory: 1 }, ...b.result };
        } finally {
            call.end = this.clock.now();
            this.inFlight--;
        }
    }

    started(op?: Operation): string[] {
        return this.calls.filter((c) => op === undefined || c.operation === op).map((c) => c.stack);
    }
}

export function tempDir(prefix = "fleet-driver-"): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface Captured {
    readonly out: string[];
    readonly err: string[];
}

/** Dependencies for runFleetCommand with everything offline and captured. */
export function testDeps(clock: Clock, engine: FleetEngine, manifest: FleetManifest, workDir: string, extra: Partial<FleetDeps> = {}): { deps: Partial<FleetDeps> & { workDir: string }; captured: Captured } {
    const captured: Captured = { out: [], err: [] };
    return {
        captured,
        deps: {
            workDir,
            out: (l) => captured.out.push(l),
            err: (l) => captured.err.push(l),
            clock,
            random: () => 0.5,
            locatePulumi: async () => ({ command: "pulumi", version: null }),
            createEngine: () => engine,
            loadManifest: () => manifest,
            backoff: { baseMs: 100, maxMs: 1000 },
            graceMs: 5_000,
            ...extra,
        },
    };
}

/** An error shaped like the Automation API's, for classification tests. */
export function namedError(name: string, message: string): Error {
    const e = new Error(message);
    e.name = name;
    return e;
}
