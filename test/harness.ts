import * as assert from "assert";
import { MockContext } from "../automation/plan/mock/mockState";
import { RecordedResource } from "../automation/plan/mock/monitor";
import { runStackProgram } from "../automation/plan/mock/runStackProgram";

export const TEST_ACCOUNT = "111111111111";
export const TEST_REGION = "us-east-1";

export interface HarnessOptions {
    readonly account?: string;
    readonly region?: string;
    /** Pulumi config (`ns:key` → value) visible to the program. */
    readonly config?: Record<string, unknown>;
    readonly secretKeys?: string[];
    /** Outputs a StackReference of that fully qualified name returns. */
    readonly stackOutputs?: Record<string, Record<string, unknown>>;
    readonly stack?: string;
    /** Invoke answers by token, before the offline plan's defaults. */
    readonly invokes?: MockContext["invokeOverrides"];
}

/**
 * Runs `program` under the same mock monitor the offline plan uses: every registration is
 * recorded, invokes without a mock throw, StackReferences answer from `stackOutputs`.
 */
export async function runProgram(program: () => unknown, opts: HarnessOptions = {}): Promise<Recorded> {
    const context: MockContext = {
        account: opts.account ?? TEST_ACCOUNT,
        region: opts.region ?? TEST_REGION,
        stackOutputs: new Map(Object.entries(opts.stackOutputs ?? {})),
        invokeOverrides: opts.invokes,
    };
    const result = await runStackProgram({
        project: "oss-monitoring",
        stack: opts.stack ?? "test",
        config: { "aws:region": context.region, ...(opts.config ?? {}) },
        secretKeys: opts.secretKeys,
        context,
        program: async () => {
            const out = await program();
            return (out ?? undefined) as Record<string, unknown> | undefined;
        },
    });
    return new Recorded(result.resources, result.outputs, result.publicOutputs);
}

/** Query helpers over recorded registrations. */
export class Recorded {
    constructor(
        readonly resources: RecordedResource[],
        readonly outputs: Record<string, unknown>,
        readonly publicOutputs: Record<string, unknown>,
    ) {}

    ofType(type: string): RecordedResource[] {
        return this.resources.filter((r) => r.type === type);
    }

    /** The single resource of `type` (whose name contains `name`, if given); fails otherwise. */
    one(type: string, name?: string): RecordedResource {
        const found = this.ofType(type).filter((r) => name === undefined || r.name.includes(name));
        assert.strictEqual(found.length, 1, `expected one ${type}${name ? ` named *${name}*` : ""}, found ${found.map((r) => r.name).join(", ") || "none"}`);
        return found[0];
    }

    named(name: string): RecordedResource {
        const found = this.resources.filter((r) => r.name === name);
        assert.strictEqual(found.length, 1, `expected one resource named ${name}, found ${found.length}`);
        return found[0];
    }

    /** Parsed JSON of a string input (IAM documents, container definitions). */
    json<T = any>(r: RecordedResource, input: string): T {
        const v = r.inputs[input];
        assert.strictEqual(typeof v, "string", `${r.type} ${r.name}.${input} is not a JSON string`);
        return JSON.parse(v as string) as T;
    }

    childrenOf(urn: string): RecordedResource[] {
        return this.resources.filter((r) => r.parent === urn);
    }
}
