/**
 * `AgentAssociations` (type `oss-monitoring:agent:AgentAssociations`): stores each rendered
 * CloudWatch agent layer in SSM Parameter Store and keeps hosts installed and configured with
 * State Manager. Works for EC2 instances and hybrid managed instances (`mi-...`) alike: both are
 * selected by tag.
 *
 * Exported API
 * - `new AgentAssociations(name, args: AgentAssociationsArgs, opts)`; args.layers usually come from
 *   `renderAgentLayers(...)` (components/agent/cloudwatchAgentConfig.ts). Outputs:
 *   `parameterNames` / `parameterArns` (by layer), `installAssociationId`,
 *   `configureAssociationIds` (by layer), `logGroupArns` (by log group name, when `logGroups` is set).
 * - Host tags it targets (defaults): `MonitoringAgent=cloudwatch-linux|cloudwatch-windows` for the
 *   install and base layers; an overlay additionally needs `MonitoringOverlay-<overlay>=true`.
 * - Pure helpers: `agentTargets`, `installParameters`, `configureParameters`,
 *   `agentParameterReadPolicy(parameterArns)` (ssm:GetParameter on exactly these ARNs, for host roles).
 *
 * Every layer, the base included, is applied with `configure (append)` by default: State Manager
 * runs associations independently and in no fixed order, and a plain `configure` (fetch-config)
 * deletes every other config file on the host, so each scheduled base run would wipe the overlays
 * until they ran again. Appending is idempotent per parameter (the agent keeps one file per source),
 * so the merged result no longer depends on the order. `baseAction: "configure"` restores the
 * reset-to-base behaviour for fleets without overlays.
 */
import { createHash } from "crypto";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policyDocument, PolicyDocument } from "../security/iam";
import { Tags, withName } from "../security/tags";
import { parameterTier } from "./cloudwatchAgentConfig";
import { AgentPlatform } from "./hostMetrics";
import { AGENT_ASSOCIATION_DEFAULTS, platformTagValuesProblem } from "./agentAssociationsSettings";

export type ManageAgentAction = "configure" | "configure (append)";
export type ComplianceSeverity = "CRITICAL" | "HIGH" | "MEDIUM" | "LOW" | "UNSPECIFIED";

export interface AgentLayerInput {
    /** Layer name, e.g. `base-linux` or an overlay name; keys the outputs. */
    readonly layer: string;
    readonly kind: "base" | "overlay";
    readonly platform: AgentPlatform;
    /** `AmazonCloudWatch-...` (the prefix CloudWatchAgentServerPolicy lets hosts read). */
    readonly parameterName: string;
    /** The agent JSON. */
    readonly json: pulumi.Input<string>;
    /** Linux groups `cwagent` joins before this layer loads (overlayReadGroups). Default none. */
    readonly readGroups?: readonly string[];
}

export interface AgentTargeting {
    /** Tag key selecting agent hosts. Default `MonitoringAgent`. */
    readonly tagKey?: string;
    /** Tag value per platform. Default `cloudwatch-linux` / `cloudwatch-windows`. */
    readonly platformValues?: Partial<Record<AgentPlatform, string>>;
    /** Prefix of the per-overlay tag key (`<prefix><overlay>=true`). Default `MonitoringOverlay-`. */
    readonly overlayTagPrefix?: string;
}

export interface AgentAssociationsArgs {
    /** Rendered layers; at least one base layer. */
    readonly layers: readonly AgentLayerInput[];
    /** Which hosts get the agent. Default: see AgentTargeting. */
    readonly targeting?: AgentTargeting;
    /** ManageAgent `mode`: `ec2`, `onPremise` (hybrid hosts) or `auto`. Default `ec2`. */
    readonly mode?: "ec2" | "onPremise" | "auto";
    /** Action for base layers. Default `configure (append)` (see the file header). Overlays always append. */
    readonly baseAction?: ManageAgentAction;
    /** How often the package association re-runs (keeps the agent updated). Default `rate(7 days)`. */
    readonly installSchedule?: string;
    /**
     * Schedule of the configure associations. Default none: each runs when created, when a new
     * host matches its targets, and when its layer changes (the layer's hash is a parameter, so
     * the association is updated and State Manager runs it); ManageAgent restarts the agent on
     * each run, so a 30-minute schedule restarted every agent twice an hour.
     */
    readonly configureSchedule?: string;
    /** Command steps run before ManageAgent in the configure document (e.g. host files). Default none. */
    readonly preConfigureSteps?: readonly Record<string, unknown>[];
    /** AmazonCloudWatchAgent package version. Default: latest. */
    readonly agentVersion?: string;
    /** Hosts updated at once. Default `10%`. */
    readonly maxConcurrency?: string;
    /** Failures after which a run stops. Default `10%`. */
    readonly maxErrors?: string;
    /** Compliance severity when an association fails. Default `HIGH`. */
    readonly complianceSeverity?: ComplianceSeverity;
    /**
     * Create the log groups the layers write to, encrypted and with retention, before the agent
     * does (agent-created groups have no KMS key). Default: not created here.
     */
    readonly logGroups?: { readonly names: readonly string[]; readonly kmsKeyArn: pulumi.Input<string>; readonly retentionDays: number };
    /** Cost-allocation tags. Default: none. */
    readonly tags?: pulumi.Input<Tags>;
}

const RATE = /^(rate\((30|[3-9]\d|\d{3,}) minutes\)|rate\(\d+ (hour|hours|day|days)\)|cron\(.+\))$/;
const CONCURRENCY = /^([1-9]\d{0,3}|([1-9]\d?|100)%)$/;
const ERRORS = /^(\d{1,4}|(\d{1,2}|100)%)$/;
const SEVERITIES: readonly ComplianceSeverity[] = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "UNSPECIFIED"];

export interface ResolvedTargeting {
    readonly tagKey: string;
    readonly platformValues: Record<AgentPlatform, string>;
    readonly overlayTagPrefix: string;
}

export function resolveTargeting(t: AgentTargeting = {}): ResolvedTargeting {
    const r = {
        tagKey: t.tagKey ?? AGENT_ASSOCIATION_DEFAULTS.tagKey,
        platformValues: {
            linux: t.platformValues?.linux ?? AGENT_ASSOCIATION_DEFAULTS.platformValues.linux,
            windows: t.platformValues?.windows ?? AGENT_ASSOCIATION_DEFAULTS.platformValues.windows,
        },
        overlayTagPrefix: t.overlayTagPrefix ?? AGENT_ASSOCIATION_DEFAULTS.overlayTagPrefix,
    };
    for (const [field, v] of [["targeting.tagKey", r.tagKey], ["targeting.overlayTagPrefix", r.overlayTagPrefix]] as const) {
        if (!/^[\w.\-/=+@]{1,100}$/.test(v) || v.toLowerCase().startsWith("aws")) {
            throw new Error(`${field}: "${v}" is not a usable tag key (letters, digits, _.-/=+@, not starting with aws)`);
        }
    }
    for (const [p, v] of Object.entries(r.platformValues)) {
        if (!/^[\w.\-/=+@ ]{1,256}$/.test(v)) {
            throw new Error(`targeting.platformValues.${p}: "${v}" is not a valid tag value`);
        }
    }
    const values = platformTagValuesProblem(r.platformValues.linux, r.platformValues.windows);
    if (values !== undefined) {
        throw new Error(`targeting.platformValues: ${values}`);
    }
    return r;
}

/** State Manager targets (ANDed): the platform tag, plus the overlay's own tag for overlays. */
export function agentTargets(t: ResolvedTargeting, platforms: readonly AgentPlatform[], overlay?: string): { key: string; values: string[] }[] {
    return [
        { key: `tag:${t.tagKey}`, values: platforms.map((p) => t.platformValues[p]) },
        ...(overlay !== undefined ? [{ key: `tag:${t.overlayTagPrefix}${overlay}`, values: ["true"] }] : []),
    ];
}

/** AWS-ConfigureAWSPackage parameters that install (or update to) the CloudWatch agent. */
export function installParameters(version?: string): Record<string, string> {
    return { action: "Install", name: "AmazonCloudWatchAgent", ...(version !== undefined ? { version } : {}) };
}

/** Parameters of AmazonCloudWatch-ManageAgent the configure document passes through. */
export const MANAGE_AGENT_PARAMETERS = ["action", "mode", "optionalConfigurationSource", "optionalConfigurationLocation", "optionalRestart"] as const;

/**
 * Parameters of the configure document for one layer: AmazonCloudWatch-ManageAgent's, plus
 * `layerHash` (of the layer JSON), which only exists to change the association when the layer
 * changes, so State Manager runs it then, and only then (an updated association runs at once,
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/state-manager-about.html).
 */
export function configureParameters(action: ManageAgentAction, parameterName: string, mode: "ec2" | "onPremise" | "auto", layerJson = "", readGroups: readonly string[] = []): Record<string, string> {
    return {
        action, mode, optionalConfigurationSource: "ssm", optionalConfigurationLocation: parameterName, optionalRestart: "yes",
        layerHash: createHash("sha256").update(layerJson).digest("hex").slice(0, 16),
        readGroups: [...readGroups].sort().join(" "),
    };
}

/**
 * Linux step of the configure document: adds `cwagent` to the layer's read groups (journald,
 * group-readable logs) before ManageAgent restarts the agent, which then runs with them.
 */
export const GRANT_READ_GROUPS_STEP: Record<string, unknown> = {
    action: "aws:runShellScript",
    name: "grantReadGroups",
    precondition: { StringEquals: ["platformType", "Linux"] },
    inputs: {
        timeoutSeconds: "60",
        runCommand: [
            "set -eu",
            "groups='{{ readGroups }}'",
            "[ -z \"$groups\" ] && exit 0",
            "id cwagent >/dev/null 2>&1 || { echo 'user cwagent does not exist yet (the agent package creates it)' >&2; exit 1; }",
            "for g in $groups; do",
            "  getent group \"$g\" >/dev/null || { echo \"group $g does not exist on this host\" >&2; exit 1; }",
            "  id -nG cwagent | tr ' ' '\\n' | grep -qx \"$g\" || usermod -a -G \"$g\" cwagent",
            "done",
        ],
    },
};

/**
 * The configure document (Command, schema 2.2): `preSteps`, then AmazonCloudWatch-ManageAgent
 * with the pass-through parameters (`aws:runDocument`,
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/documents-command-ssm-plugin-reference.html#aws-rundocument).
 */
export function configureDocumentContent(preSteps: readonly Record<string, unknown>[] = []): Record<string, unknown> {
    const parameters: Record<string, unknown> = Object.fromEntries(MANAGE_AGENT_PARAMETERS.map((p) => [p, { type: "String", description: `AmazonCloudWatch-ManageAgent ${p}.` }]));
    parameters.layerHash = { type: "String", description: "Hash of the layer; changes when the layer does, so State Manager re-runs the association.", default: "" };
    parameters.readGroups = { type: "String", description: "Linux groups cwagent joins (space-separated).", default: "", allowedPattern: "^([a-z_][a-z0-9_-]{0,31}( [a-z_][a-z0-9_-]{0,31})*)?$" };
    return {
        schemaVersion: "2.2",
        description: "Configures the CloudWatch agent from Parameter Store (AmazonCloudWatch-ManageAgent), after any host preparation steps.",
        parameters,
        mainSteps: [
            ...preSteps,
            GRANT_READ_GROUPS_STEP,
            {
                action: "aws:runDocument",
                name: "manageAgent",
                inputs: {
                    documentType: "SSMDocument",
                    documentPath: "AmazonCloudWatch-ManageAgent",
                    documentParameters: Object.fromEntries(MANAGE_AGENT_PARAMETERS.map((p) => [p, `{{ ${p} }}`])),
                },
            },
        ],
    };
}

/** Host-role statement: read exactly these agent parameters (ARNs, no wildcard). */
export function agentParameterReadPolicy(parameterArns: readonly string[]): PolicyDocument {
    if (parameterArns.length === 0) {
        throw new Error("agentParameterReadPolicy: no parameter ARNs to scope the permission to");
    }
    return policyDocument([
        { Sid: "ReadThisStacksAgentConfiguration", Effect: "Allow", Action: ["ssm:GetParameter"], Resource: [...parameterArns].sort() },
    ]);
}

function validate(name: string, args: AgentAssociationsArgs): void {
    const layers = args.layers;
    if (!layers.some((l) => l.kind === "base")) {
        throw new Error(`${name}: layers: at least one base layer is required (renderAgentLayers produces one per platform)`);
    }
    const seen = new Set<string>();
    layers.forEach((l, i) => {
        if (seen.has(l.layer)) {
            throw new Error(`${name}: layers[${i}].layer: "${l.layer}" is used twice`);
        }
        seen.add(l.layer);
        if (!/^AmazonCloudWatch-[A-Za-z0-9_.-]{1,200}$/.test(l.parameterName)) {
            throw new Error(`${name}: layers[${i}].parameterName: "${l.parameterName}" must start with AmazonCloudWatch- (hosts may only read those)`);
        }
        if (!/^[a-z][a-z0-9-]{0,40}$/.test(l.layer)) {
            throw new Error(`${name}: layers[${i}].layer: "${l.layer}" must be lower-case letters, digits and '-'`);
        }
    });
    for (const [field, v] of [["installSchedule", args.installSchedule], ["configureSchedule", args.configureSchedule]] as const) {
        if (v !== undefined && !RATE.test(v)) {
            throw new Error(`${name}: ${field}: "${v}" must be rate(N minutes|hours|days) with at least 30 minutes, or cron(...)`);
        }
    }
    if (args.maxConcurrency !== undefined && !CONCURRENCY.test(args.maxConcurrency)) {
        throw new Error(`${name}: maxConcurrency: "${args.maxConcurrency}" must be a count (10) or a percentage (10%)`);
    }
    if (args.maxErrors !== undefined && !ERRORS.test(args.maxErrors)) {
        throw new Error(`${name}: maxErrors: "${args.maxErrors}" must be a count (0) or a percentage (10%)`);
    }
    if (args.complianceSeverity !== undefined && !SEVERITIES.includes(args.complianceSeverity)) {
        throw new Error(`${name}: complianceSeverity: expected one of ${SEVERITIES.join(", ")}`);
    }
}

/** Association names allow letters, digits, `_`, `-`, `.` up to 128 characters. */
function associationName(name: string, suffix: string): string {
    return `${name}-${suffix}`.replace(/[^A-Za-z0-9_.-]/g, "-").slice(0, 128);
}

export class AgentAssociations extends pulumi.ComponentResource {
    public readonly parameterNames: Record<string, pulumi.Output<string>>;
    public readonly parameterArns: Record<string, pulumi.Output<string>>;
    public readonly installAssociationId: pulumi.Output<string>;
    public readonly configureAssociationIds: Record<string, pulumi.Output<string>>;
    public readonly logGroupArns: Record<string, pulumi.Output<string>>;
    /** The configure document (ManageAgent after any preparation steps). */
    public readonly documentName: pulumi.Output<string>;

    constructor(name: string, args: AgentAssociationsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("oss-monitoring:agent:AgentAssociations", name, {}, opts);
        validate(name, args);
        const targeting = resolveTargeting(args.targeting);
        const mode = args.mode ?? "ec2";
        const common = {
            maxConcurrency: args.maxConcurrency ?? AGENT_ASSOCIATION_DEFAULTS.maxConcurrency,
            maxErrors: args.maxErrors ?? AGENT_ASSOCIATION_DEFAULTS.maxErrors,
            complianceSeverity: args.complianceSeverity ?? "HIGH",
            syncCompliance: "AUTO",
            applyOnlyAtCronInterval: false,
            tags: args.tags,
        };

        const logGroupResources = this.logGroups(name, args);
        this.logGroupArns = Object.fromEntries(logGroupResources.map((lg, i) => [(args.logGroups?.names ?? [])[i], lg.arn]));

        const platforms = [...new Set(args.layers.filter((l) => l.kind === "base").map((l) => l.platform))];
        const install = new aws.ssm.Association(`${name}-install`, {
            name: "AWS-ConfigureAWSPackage",
            associationName: associationName(name, "install"),
            parameters: installParameters(args.agentVersion),
            targets: agentTargets(targeting, platforms),
            scheduleExpression: args.installSchedule ?? "rate(7 days)",
            ...common,
        }, { parent: this });

        const document = new aws.ssm.Document(`${name}-configure`, {
            name: associationName(name, "configure"),
            documentType: "Command",
            documentFormat: "JSON",
            content: JSON.stringify(configureDocumentContent(args.preConfigureSteps)),
            tags: withName(args.tags, `${name}-configure`),
        }, { parent: this });
        this.documentName = document.name;
        this.parameterNames = {};
        this.parameterArns = {};
        this.configureAssociationIds = {};
        for (const l of args.layers) {
            const parameter = new aws.ssm.Parameter(`${name}-${l.layer}`, {
                name: l.parameterName,
                type: "String",
                dataType: "text",
                tier: pulumi.output(l.json).apply(parameterTier),
                // insecureValue: agent JSON holds no secrets, so previews show its diff (as the hub's config does).
                insecureValue: l.json,
                description: `CloudWatch agent configuration, ${l.kind} layer ${l.layer} (${l.platform}); applied by State Manager`,
                tags: withName(args.tags, l.parameterName),
            }, { parent: this });
            const action: ManageAgentAction = l.kind === "base" ? args.baseAction ?? "configure (append)" : "configure (append)";
            const configure = new aws.ssm.Association(`${name}-configure-${l.layer}`, {
                name: document.name,
                associationName: associationName(name, `configure-${l.layer}`),
                parameters: pulumi.output(l.json).apply((json) => configureParameters(action, l.parameterName, mode, json, l.readGroups ?? [])),
                targets: agentTargets(targeting, [l.platform], l.kind === "overlay" ? l.layer : undefined),
                ...(args.configureSchedule !== undefined ? { scheduleExpression: args.configureSchedule } : {}),
                ...common,
            }, { parent: this, dependsOn: [parameter, install, ...logGroupResources] });
            this.parameterNames[l.layer] = parameter.name;
            this.parameterArns[l.layer] = parameter.arn;
            this.configureAssociationIds[l.layer] = configure.associationId;
        }
        this.installAssociationId = install.associationId;
        this.registerOutputs({
            parameterNames: this.parameterNames,
            parameterArns: this.parameterArns,
            installAssociationId: this.installAssociationId,
            configureAssociationIds: this.configureAssociationIds,
            logGroupArns: this.logGroupArns,
        });
    }

    /** The log groups the agent writes, created first with KMS and retention (the agent may not create them). */
    private logGroups(name: string, args: AgentAssociationsArgs): aws.cloudwatch.LogGroup[] {
        return (args.logGroups?.names ?? []).map((groupName, i) => new aws.cloudwatch.LogGroup(`${name}-logs-${i}`, {
            name: groupName,
            kmsKeyId: args.logGroups?.kmsKeyArn,
            retentionInDays: args.logGroups?.retentionDays,
            tags: withName(args.tags, groupName),
        }, { parent: this }));
    }
}
