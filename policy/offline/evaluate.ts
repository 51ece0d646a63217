/**
 * Runs the pack's policy objects over an offline plan, following the analyzer server's loop: per
 * resource, every enabled resource policy (type fast-path, remediate reported as mandatory, values
 * unknown during preview reported as advisory "can't run"), then every stack policy once per stack.
 */
import { EnforcementLevel, Policies, Policy, PolicyPackConfig, ReportViolation, ResourceValidation, StackValidation } from "@pulumi/policy";
import { STACK_TAGS } from "../lib/define";
import { deepFreeze } from "../lib/memo";
import { UnknownValueError } from "../lib/values";
import { PACK_ENFORCEMENT_LEVEL, policies as packPolicies } from "../policies";
import { ArgsContext, freezeMap, NotApplicableError, resourceValidationArgs, stackValidationArgs } from "./args";
import { resolveConfig, ResolvedPolicyConfig } from "./config";
import { InputError, Plan, PlanResource, PlanStack, PLAN_VERSION, Violation } from "./types";

export interface EvaluateOptions {
    /** Policy-pack config overrides, in the `--policy-pack-config` file format. */
    config?: PolicyPackConfig | Record<string, unknown>;
    /** The policies to run; defaults to the pack's own (tests of the evaluator itself inject others). */
    policies?: Policies;
}

function validationsOf(p: Policy): ResourceValidation[] | undefined {
    const v = (p as { validateResource?: ResourceValidation | ResourceValidation[] }).validateResource;
    return v === undefined ? undefined : Array.isArray(v) ? v : [v];
}

function stackValidationOf(p: Policy): StackValidation | undefined {
    const v = (p as { validateStack?: StackValidation }).validateStack;
    return typeof v === "function" ? v : undefined;
}

/** Stack tags the fleet driver sets for a stack, derived from its plan entry. */
export function stackTagsFor(stack: PlanStack): ReadonlyMap<string, string> {
    const tags = new Map<string, string>();
    const project = projectOf(stack);
    if (project) {
        tags.set("pulumi:project", project);
    }
    tags.set(STACK_TAGS.role, stack.role);
    tags.set(STACK_TAGS.regulated, stack.regulated === true ? "true" : "false");
    if (stack.account) {
        tags.set(STACK_TAGS.account, stack.account);
    }
    for (const [k, v] of Object.entries(stack.tags ?? {})) {
        tags.set(k, v);
    }
    return freezeMap(tags);
}

function projectOf(stack: PlanStack): string | undefined {
    const urn = stack.resources.find((r) => typeof r.urn === "string")?.urn;
    const m = urn ? /^urn:pulumi:[^:]+::([^:]+)::/.exec(urn) : null;
    return m ? m[1] : undefined;
}

/** URN stack-wide violations are attributed to (the stack resource, as the engine does). */
export function stackUrnOf(stack: PlanStack): string {
    const own = stack.resources.find((r) => r.type === "pulumi:pulumi:Stack");
    if (own) {
        return own.urn;
    }
    const project = projectOf(stack) ?? "oss-monitoring";
    return `urn:pulumi:${stack.stack}::${project}::pulumi:pulumi:Stack::${project}-${stack.stack}`;
}

function isThenable(value: unknown): boolean {
    return typeof (value as { then?: unknown } | undefined)?.then === "function";
}

/** Calls one validation, turning the SDK's control-flow errors into what the analyzer server reports. */
function run(policy: Policy, target: string, call: () => unknown, push: (v: Omit<Violation, "stack">) => void): void {
    try {
        if (isThenable(call())) {
            throw new Error("it returned a Promise; the offline evaluator needs synchronous validations");
        }
    } catch (e) {
        if (e instanceof NotApplicableError) {
            return;
        }
        if (e instanceof UnknownValueError) {
            // The server downgrades to advisory: the check cannot run until the value is known.
            push({ policy: policy.name, enforcementLevel: "advisory", urn: target, message: `can't run policy '${policy.name}' during preview: ${e.message}` });
            return;
        }
        throw new Error(`Error validating ${target} with policy '${policy.name}': ${(e as Error).message}`, { cause: e });
    }
}

let lastResolved: { policies: readonly Policy[]; config: string; resolved: ReadonlyMap<string, ResolvedPolicyConfig> } | undefined;

/**
 * resolveConfig for the policies and config given, reusing the last answer while both are the same: a plan
 * evaluates every stack with one config, and resolving it (defaults, JSON Schema validation) per stack was a
 * tenth of the pack's CPU. "The same" is the same policy objects in the same order and config of the same
 * JSON; the evaluator only reads the result (getConfig hands out clones).
 */
export function resolvedConfigFor(policies: Policies, config: EvaluateOptions["config"]): ReadonlyMap<string, ResolvedPolicyConfig> {
    const key = JSON.stringify(config ?? {});
    const last = lastResolved;
    if (last !== undefined && last.config === key && last.policies.length === policies.length && last.policies.every((p, i) => p === policies[i])) {
        return last.resolved;
    }
    const resolved = resolveConfig(policies, PACK_ENFORCEMENT_LEVEL, config);
    lastResolved = { policies: [...policies], config: key, resolved };
    return resolved;
}

/**
 * A policy's resolved config properties, frozen once and shared by every call: rules only read them (the pack's
 * define.ts freezes what it merges them into too), so nothing a rule does can reach the next resource's evaluation.
 */
const frozenConfigs = new WeakMap<ResolvedPolicyConfig, Record<string, unknown>>();
function frozenProperties(cfg: ResolvedPolicyConfig): Record<string, unknown> {
    const held = frozenConfigs.get(cfg) ?? deepFreeze(structuredClone(cfg.properties));
    frozenConfigs.set(cfg, held);
    return held;
}

const levelOf = (cfg: ResolvedPolicyConfig): EnforcementLevel => (cfg.enforcementLevel === "remediate" ? "mandatory" : cfg.enforcementLevel);

/**
 * A policy's validations that apply to a resource type, by its `validateResource` (a function or an array of them):
 * validations tagged with a type (validateResourceOfType) only run on that type, as in the SDK. Filtering them for
 * every resource of every stack was the evaluator's own largest cost; a fleet repeats a few dozen types. Keyed by the
 * `validateResource` value itself, so a policy given other validations is filtered again.
 */
const applicableByType = new WeakMap<object, Map<string, readonly ResourceValidation[]>>();
function applicableTo(policy: Policy, type: string): readonly ResourceValidation[] {
    const key = (policy as { validateResource?: object }).validateResource;
    if (key === undefined) {
        return [];
    }
    let byType = applicableByType.get(key);
    if (byType === undefined) {
        byType = new Map();
        applicableByType.set(key, byType);
    }
    let applicable = byType.get(type);
    if (applicable === undefined) {
        applicable = (validationsOf(policy) ?? []).filter((v) => {
            const fastType = (v as { __pulumiType?: string }).__pulumiType;
            return fastType === undefined || fastType === type;
        });
        byType.set(type, applicable);
    }
    return applicable;
}

/** Violations of one plan stack, resource policies first (in resource order), then stack policies. */
export function evaluatePlanStack(stack: PlanStack, opts: EvaluateOptions = {}): Violation[] {
    const policies = opts.policies ?? packPolicies;
    const resolved = resolvedConfigFor(policies, opts.config);
    const stackTags = stackTagsFor(stack);
    const byUrn = new Map<string, PlanResource>(stack.resources.map((r) => [r.urn, r]));
    const stackUrn = stackUrnOf(stack);
    const out: Violation[] = [];
    const push = (v: Omit<Violation, "stack">) => out.push({ ...v, stack: stack.stack });
    const ctxFor = (cfg: ResolvedPolicyConfig): ArgsContext => ({ stackTags, byUrn, getConfig: () => frozenProperties(cfg) });
    const reporter = (p: Policy, level: EnforcementLevel, fallbackUrn: string, fixedUrn: boolean): ReportViolation =>
        (message, urn) => push({ policy: p.name, enforcementLevel: level, urn: fixedUrn ? fallbackUrn : urn ?? fallbackUrn, message, fix: p.remediationSteps });

    // The enabled resource policies, with what they need per call, once per stack (not per resource).
    const enabled = policies.flatMap((policy) => {
        const cfg = resolved.get(policy.name);
        // Remediation-only policies have nothing to report offline.
        return cfg === undefined || cfg.enforcementLevel === "disabled" || validationsOf(policy) === undefined ? [] : [{ policy, level: levelOf(cfg), ctx: ctxFor(cfg) }];
    });
    for (const r of stack.resources) {
        for (const { policy, level, ctx } of enabled) {
            for (const validate of applicableTo(policy, r.type)) {
                const args = resourceValidationArgs(r, ctx);
                run(policy, r.urn, () => validate(args, reporter(policy, level, r.urn, true)), push);
            }
        }
    }
    for (const p of policies) {
        const cfg = resolved.get(p.name);
        const validate = stackValidationOf(p);
        if (cfg === undefined || cfg.enforcementLevel === "disabled" || validate === undefined) {
            continue;
        }
        const fastType = (validate as { __pulumiType?: string }).__pulumiType;
        if (fastType !== undefined && !stack.resources.some((r) => r.type === fastType)) {
            continue;
        }
        const level = levelOf(cfg);
        const args = stackValidationArgs(stack.resources, ctxFor(cfg));
        run(p, stackUrn, () => validate(args, reporter(p, level, stackUrn, false)), push);
    }
    return out;
}

/** Violations of every stack of the plan, in plan order. */
export function evaluatePlan(plan: Plan, opts: EvaluateOptions = {}): Violation[] {
    return plan.stacks.flatMap((s) => evaluatePlanStack(s, opts));
}

/** A copy of the plan with each stack's `violations` filled in (what `fleet plan --json` writes). */
export function withViolations<P extends Plan>(plan: P, opts: EvaluateOptions = {}): P {
    return { ...plan, stacks: plan.stacks.map((s) => ({ ...s, violations: evaluatePlanStack(s, opts) })) };
}

function fail(field: string, problem: string): never {
    throw new InputError(`${field} ${problem}`);
}

/** Checks the fields the evaluator reads and returns the plan typed; throws InputError naming the field. */
export function parsePlan(json: unknown): Plan {
    if (typeof json !== "object" || json === null || Array.isArray(json)) {
        fail("plan", "must be a JSON object with version and stacks (the output of `npm run fleet -- plan --json FILE`)");
    }
    const plan = json as Record<string, unknown>;
    if (plan.version !== PLAN_VERSION) {
        fail("plan.version", `must be ${PLAN_VERSION} (got ${JSON.stringify(plan.version)}); regenerate the plan with this checkout's \`npm run fleet -- plan --json FILE\``);
    }
    if (!Array.isArray(plan.stacks)) {
        fail("plan.stacks", "must be an array of stacks");
    }
    plan.stacks.forEach((s: unknown, i: number) => {
        const at = `plan.stacks[${i}]`;
        if (typeof s !== "object" || s === null) fail(at, "must be an object");
        const st = s as Record<string, unknown>;
        if (typeof st.stack !== "string" || st.stack === "") fail(`${at}.stack`, "must be a non-empty string");
        if (typeof st.role !== "string") fail(`${at}.role`, "must be a string (hub, monitored or onprem)");
        if (st.regulated !== undefined && typeof st.regulated !== "boolean") fail(`${at}.regulated`, "must be a boolean when present");
        if (!Array.isArray(st.resources)) fail(`${at}.resources`, "must be an array");
        st.resources.forEach((r: unknown, j: number) => {
            const rat = `${at}.resources[${j}]`;
            if (typeof r !== "object" || r === null) fail(rat, "must be an object");
            const res = r as Record<string, unknown>;
            for (const key of ["urn", "type", "name"]) {
                if (typeof res[key] !== "string" || res[key] === "") fail(`${rat}.${key}`, "must be a non-empty string");
            }
            if (typeof res.inputs !== "object" || res.inputs === null || Array.isArray(res.inputs)) fail(`${rat}.inputs`, "must be an object");
        });
    });
    return plan as unknown as Plan;
}
