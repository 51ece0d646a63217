/**
 * The offline plan (`npm run fleet -- plan --json FILE`) as far as the evaluator reads it, and the
 * violations it produces. Kept structural so the plan runner's own, richer types are assignable.
 */
import { EnforcementLevel } from "@pulumi/policy";

export const PLAN_VERSION = 1;

export interface PlanResource {
    urn: string;
    /** Pulumi type token, e.g. `aws:lb/listener:Listener`. */
    type: string;
    name: string;
    /** URN of the parent resource, or null/absent at the top level. */
    parent?: string | null;
    /** Inputs as the SDK serialises them for the engine. */
    inputs: Record<string, unknown>;
    /** Provider reference (`<provider urn>::<id>` or the provider URN), when the runner records it. */
    provider?: string | null;
    dependencies?: string[];
    propertyDependencies?: Record<string, string[]>;
    protect?: boolean;
}

export interface PlanStack {
    stack: string;
    /** hub | monitored | onprem — becomes the oss-monitoring:role stack tag. */
    role: string;
    account?: string;
    region?: string;
    /** Becomes oss-monitoring:regulated; missing means false. */
    regulated?: boolean;
    /** Extra stack tags (the fleet driver's real stack tags), merged over the derived ones. */
    tags?: Record<string, string>;
    resources: PlanResource[];
}

export interface Plan {
    version: number;
    stacks: PlanStack[];
}

export interface Violation {
    policy: string;
    enforcementLevel: EnforcementLevel;
    stack: string;
    /** The resource's URN, or the stack's URN for stack-wide violations. */
    urn: string;
    message: string;
    /** How to fix it (the policy's remediation steps). */
    fix?: string;
}

/** Bad input (unreadable file, wrong plan version, invalid config); the CLI exits 2 on it. */
export class InputError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "InputError";
    }
}
