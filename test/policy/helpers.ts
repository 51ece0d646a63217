/**
 * Runs one policy of the pack against hand-written inputs, with validation args built by the same
 * code the offline evaluator uses (policy/offline/args.ts), so unit tests exercise the exact
 * isType / asType / getConfig / notApplicable / stackTags behaviour the engine provides.
 */
import { Policy, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { STACK_TAGS } from "../../policy/lib/define";
import { freezeMap, NotApplicableError, resourceValidationArgs, stackValidationArgs } from "../../policy/offline/args";
import { resolveConfig } from "../../policy/offline/config";
import { PlanResource } from "../../policy/offline/types";

export interface RunOptions {
    name?: string;
    /** Policy config overrides (properties only). */
    config?: Record<string, unknown>;
    stackTags?: Record<string, string>;
    role?: string;
    regulated?: boolean;
    account?: string;
    /** Inputs of the resource's provider (e.g. { defaultTags: ... }). */
    providerInputs?: Record<string, unknown>;
}

export interface RunResult {
    messages: string[];
    /** Set when the policy declared itself not applicable; its reason. */
    notApplicable?: string;
    urns: string[];
}

export const urnOf = (type: string, name: string) => `urn:pulumi:test::oss-monitoring::${type}::${name}`;

function tagsOf(opts: RunOptions): ReadonlyMap<string, string> {
    const m = new Map<string, string>([
        [STACK_TAGS.role, opts.role ?? "hub"],
        [STACK_TAGS.regulated, opts.regulated ? "true" : "false"],
    ]);
    if (opts.account) {
        m.set(STACK_TAGS.account, opts.account);
    }
    for (const [k, v] of Object.entries(opts.stackTags ?? {})) {
        m.set(k, v);
    }
    return freezeMap(m);
}

function configFor(policy: Policy, overrides?: Record<string, unknown>): () => Record<string, unknown> {
    const resolved = resolveConfig([policy], "mandatory", overrides ? { [policy.name]: overrides } : {});
    const props = resolved.get(policy.name)?.properties ?? {};
    return () => structuredClone(props);
}

function capture(call: (report: (m: string, urn?: string) => void) => void | Promise<void>): RunResult {
    const messages: string[] = [];
    const urns: string[] = [];
    try {
        void call((m, urn) => {
            messages.push(m);
            if (urn) urns.push(urn);
        });
    } catch (e) {
        if (e instanceof NotApplicableError) {
            return { messages, urns, notApplicable: e.reason ?? "" };
        }
        throw e;
    }
    return { messages, urns };
}

export function runResource(policy: ResourceValidationPolicy, type: string, inputs: Record<string, unknown>, opts: RunOptions = {}): RunResult {
    const name = opts.name ?? "subject";
    const resource: PlanResource = { urn: urnOf(type, name), type, name, parent: null, inputs };
    const byUrn = new Map<string, PlanResource>([[resource.urn, resource]]);
    if (opts.providerInputs) {
        const provider: PlanResource = { urn: urnOf("pulumi:providers:aws", "default"), type: "pulumi:providers:aws", name: "default", inputs: opts.providerInputs };
        byUrn.set(provider.urn, provider);
        resource.provider = `${provider.urn}::provider-id`;
    }
    const args = resourceValidationArgs(resource, { stackTags: tagsOf(opts), getConfig: configFor(policy, opts.config), byUrn });
    const all = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource!];
    // As the evaluator and the server's fast path: validations tagged with another type do not run.
    const validations = all.filter((v) => {
        const t = (v as { __pulumiType?: string }).__pulumiType;
        return t === undefined || t === type;
    });
    if (validations.length === 0) {
        return { messages: [], urns: [], notApplicable: `Policy only applies to other resource types than ${type}` };
    }
    return capture((report) => validations.forEach((v) => { void v(args, report); }));
}

export interface StackEntry {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
    /** Property name -> names of the entries it depends on (resolved to their URNs). */
    propertyDependencies?: Record<string, string[]>;
}

export function runStack(policy: StackValidationPolicy, entries: StackEntry[], opts: RunOptions = {}): RunResult {
    const urnByName = new Map(entries.map((e) => [e.name, urnOf(e.type, e.name)]));
    const resources: PlanResource[] = entries.map((e) => ({
        urn: urnOf(e.type, e.name), type: e.type, name: e.name, parent: null, inputs: e.inputs,
        ...(e.propertyDependencies ? { propertyDependencies: Object.fromEntries(Object.entries(e.propertyDependencies).map(([k, names]) => [k, names.map((n) => urnByName.get(n) ?? n)])) } : {}),
    }));
    const args = stackValidationArgs(resources, {
        stackTags: tagsOf(opts),
        getConfig: configFor(policy, opts.config),
        byUrn: new Map(resources.map((r) => [r.urn, r])),
    });
    return capture((report) => policy.validateStack(args, report));
}

/** Cost-allocation tags that satisfy the pack's default requiredKeys. */
export const COST_TAGS = { CostCenter: "cc-1234", Owner: "platform", Environment: "test", MonitoringRole: "hub" };
