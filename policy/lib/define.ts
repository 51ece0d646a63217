/**
 * Builders that turn a small rule spec into a real @pulumi/policy policy object: one place for the
 * description format (with scanner equivalents), configSchema defaults, the `exemptNames`
 * suppression every resource rule offers, and type dispatch. The offline evaluator runs these very
 * objects, so nothing here may depend on being offline.
 */
import {
    EnforcementLevel,
    ReportViolation,
    ResourceValidation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
    validateResourceOfType,
} from "@pulumi/policy";
import { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { Resource } from "@pulumi/pulumi";
import { deepFreeze } from "./memo";
import { globMatch, Props } from "./values";

/** Equivalent rule IDs in the scanners this pack is modelled on. */
export interface ScannerRefs {
    checkov?: readonly string[];
    trivy?: readonly string[];
    cfnNag?: readonly string[];
}

export type Theme = "tls" | "least-privilege" | "exposure" | "identity" | "hygiene" | "stack";

export type ConfigProperty = PolicyConfigJSONSchema & { default: unknown; description: string };
export type ConfigProperties = Record<string, ConfigProperty>;
/** The config object a rule sees: every property present, defaults filled in. */
export type ConfigOf<P extends ConfigProperties> = { [K in keyof P]: P[K]["default"] };

/** Any Pulumi resource class (its static `__pulumiType` is what `args.isType` compares). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each class's args type differs; `unknown` would reject them all
export type ResourceClass = new (name: string, args: any, ...rest: any[]) => Resource;

interface CommonSpec<P extends ConfigProperties> {
    /** kebab-case policy name, unique in the pack. */
    name: string;
    theme: Theme;
    /** What is checked and why, one or two sentences. */
    summary: string;
    refs: ScannerRefs;
    /** How to fix a violation; shown with every violation and in SARIF help. */
    remediation: string;
    /** Default: "mandatory". Overridable per policy through policy-pack config. */
    enforcementLevel?: EnforcementLevel;
    severity: Severity;
    config: P;
}

export interface ResourceContext<C> {
    args: ResourceValidationArgs;
    config: C;
    report(message: string): void;
}

export interface ResourceSpec<P extends ConfigProperties> extends CommonSpec<P> {
    /** Resource classes inspected; an empty list means every resource. */
    types: readonly ResourceClass[];
    validate(props: Props, ctx: ResourceContext<ConfigOf<P>>): void;
}

export interface StackContext<C> {
    args: StackValidationArgs;
    config: C;
    /** Without `urn` the violation is attributed to the stack itself. */
    report(message: string, urn?: string): void;
}

export interface StackSpec<P extends ConfigProperties> extends CommonSpec<P> {
    /**
     * Resource types whose settings the rule judges, with the standalone resources that set the same
     * settings (test/policy/lib/aws/standalone.test.ts checks the list against the provider's types).
     */
    reads: readonly ResourceClass[];
    validate(ctx: StackContext<ConfigOf<P>>): void;
}

const STACK_POLICY_READS = new Map<string, string[]>();

/** Type tokens a stack policy of the pack judges (its `reads`); `[]` for unknown names. */
export function stackPolicyReads(name: string): string[] {
    return STACK_POLICY_READS.get(name) ?? [];
}

const EXEMPT_NAMES: ConfigProperty = {
    type: "array",
    items: { type: "string" },
    default: [],
    description: "Resource names (globs) this rule skips (stack rules: violations attributed to those resources). " +
        "Justify every entry in review; prefer fixing the resource.",
};

export function refsToText(refs: ScannerRefs): string {
    const part = (label: string, ids?: readonly string[]) => `${label} ${ids && ids.length > 0 ? ids.join(", ") : "none"}`;
    return `${part("checkov", refs.checkov)}; ${part("trivy", refs.trivy)}; ${part("cfn_nag", refs.cfnNag)}`;
}

function refsToTags(theme: Theme, refs: ScannerRefs): string[] {
    return [
        theme,
        ...(refs.checkov ?? []).map((id) => `checkov:${id}`),
        ...(refs.trivy ?? []).map((id) => `trivy:${id}`),
        ...(refs.cfnNag ?? []).map((id) => `cfn_nag:${id}`),
    ];
}

export function configDefaults(properties: ConfigProperties): Record<string, unknown> {
    return Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, structuredClone(v.default)]));
}

/** A policy's schema defaults, built once per schema and frozen: every evaluation reads the same object. */
const frozenDefaults = new WeakMap<ConfigProperties, Readonly<Record<string, unknown>>>();
/** The merged config per schema and config object, for evaluators that hand out one frozen config (policy/offline). */
const mergedConfigs = new WeakMap<object, WeakMap<ConfigProperties, object>>();

/**
 * Engine config already carries schema defaults; merging again keeps rules safe under older CLIs and unit tests.
 * The result is frozen: rules read their config and never change it (a rule that tried would throw), so the offline
 * evaluator hands every resource of every stack the same object instead of a copy per call (a tenth of
 * `policy check`'s CPU on the 2,000 + 50 fleet went to those copies).
 */
function effectiveConfig<P extends ConfigProperties>(properties: P, getConfig: () => object): ConfigOf<P> {
    const config = getConfig();
    const shared = Object.isFrozen(config) ? mergedConfigs.get(config)?.get(properties) : undefined;
    if (shared !== undefined) {
        return shared as ConfigOf<P>;
    }
    const defaults = frozenDefaults.get(properties) ?? deepFreeze(configDefaults(properties));
    frozenDefaults.set(properties, defaults);
    const merged = deepFreeze({ ...defaults, ...(config as Record<string, unknown>) });
    if (Object.isFrozen(config)) {
        const byProperties = mergedConfigs.get(config) ?? new WeakMap<ConfigProperties, object>();
        mergedConfigs.set(config, byProperties.set(properties, merged));
    }
    return merged as ConfigOf<P>;
}

function metadata<P extends ConfigProperties>(spec: CommonSpec<P>, properties: ConfigProperties) {
    return {
        name: spec.name,
        description: `${spec.summary} Scanner equivalents: ${refsToText(spec.refs)}.`,
        enforcementLevel: spec.enforcementLevel ?? "mandatory",
        severity: spec.severity,
        tags: refsToTags(spec.theme, spec.refs),
        remediationSteps: spec.remediation,
        configSchema: { properties },
    };
}

/**
 * Like the SDK's validateResourceOfType, for one or several classes (or all resources). Several classes
 * become one typed validation each (the SDK helper tags each with __pulumiType), so the engine and the
 * offline evaluator skip other types without calling anything: a thrown notApplicable builds an Error
 * with a stack trace for every resource of every other type, which cost a third of the 500-account check.
 */
function dispatch(types: readonly ResourceClass[], run: (args: ResourceValidationArgs, report: ReportViolation) => void): ResourceValidation | ResourceValidation[] {
    if (types.length === 0) {
        return run;
    }
    if (types.length === 1) {
        // The SDK helper tags the function with __pulumiType, so the engine skips other types cheaply.
        return validateResourceOfType(types[0], (_props, args, report) => run(args, report));
    }
    // The server runs every function of an array (its type fast path only covers single functions), so
    // these return quietly on other types instead of throwing notApplicable.
    return types.map((t) => {
        const fn: ResourceValidation & { __pulumiType?: string } = (args, report) => (args.isType(t) ? run(args, report) : undefined);
        fn.__pulumiType = String((t as unknown as { __pulumiType?: string }).__pulumiType);
        return fn;
    });
}

export function resourcePolicy<P extends ConfigProperties>(spec: ResourceSpec<P>): ResourceValidationPolicy {
    const properties: ConfigProperties = { ...spec.config, exemptNames: EXEMPT_NAMES };
    return {
        ...metadata(spec, properties),
        validateResource: dispatch(spec.types, (args, report) => {
            const config = effectiveConfig(properties, () => args.getConfig()) as ConfigOf<P> & { exemptNames: string[] };
            if (config.exemptNames.some((pattern) => globMatch(pattern, args.name))) {
                return;
            }
            spec.validate(args.props, { args, config, report: (message) => report(message) });
        }),
    };
}

export function stackPolicy<P extends ConfigProperties>(spec: StackSpec<P>): StackValidationPolicy {
    const properties: ConfigProperties = { ...spec.config, exemptNames: EXEMPT_NAMES };
    STACK_POLICY_READS.set(spec.name, spec.reads.map((c) => String((c as unknown as { __pulumiType?: string }).__pulumiType)));
    return {
        ...metadata(spec, properties),
        validateStack: (args, report) => {
            const config = effectiveConfig(properties, () => args.getConfig()) as ConfigOf<P> & { exemptNames: string[] };
            const exempt = (urn?: string) => urn !== undefined && config.exemptNames.some((pattern) => globMatch(pattern, urn.split("::").pop() ?? ""));
            spec.validate({ args, config, report: (message, urn) => (exempt(urn) ? undefined : report(message, urn)) });
        },
    };
}

/** Stack tags the fleet driver sets (and the offline evaluator derives from the plan). */
export const STACK_TAGS = {
    /** hub | monitored | onprem */
    role: "oss-monitoring:role",
    /** "true" when the stack handles regulated data and must keep AWS API traffic private. */
    regulated: "oss-monitoring:regulated",
    /** 12-digit account the stack deploys to; lets trust rules tell same-account from cross-account. */
    account: "oss-monitoring:account",
} as const;

export function isRegulated(tags: ReadonlyMap<string, string>): boolean {
    return tags.get(STACK_TAGS.regulated)?.toLowerCase() === "true";
}
