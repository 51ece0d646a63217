import * as assert from "assert";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { planStacksOneAtATime, runStackProgram } from "../../../../automation/plan/mock/runStackProgram";
import { planExampleFleet } from "./planExample";

const ctx = { account: "111111111111", region: "us-east-1", stackOutputs: new Map() };

describe("stack runs that fail asynchronously", () => {
    const base = { project: "oss-monitoring", stack: "t", config: {}, context: ctx };

    it("fail with the error thrown inside an apply instead of hanging", async () => {
        await assert.rejects(runStackProgram({
            ...base,
            program: () => {
                const bad = pulumi.output("x").apply((): string => { throw new Error("boom in apply"); });
                return { arn: new aws.kms.Key("k", { description: bad }).arn };
            },
        }), /boom in apply/);
    });

    it("fail naming a StackReference that no planned stack answers", async () => {
        await assert.rejects(runStackProgram({
            ...base,
            program: () => ({ x: new pulumi.StackReference("organization/oss-monitoring/nowhere").requireOutput("x") }),
        }), /StackReference "organization\/oss-monitoring\/nowhere" is not a stack planned before this one/);
    });
});

describe("stacks planned one at a time on the process-wide runtime store", function () {
    this.timeout(60_000);
    const base = { project: "oss-monitoring", config: {}, context: ctx };
    afterEach(() => planStacksOneAtATime(false));

    it("plan the example fleet byte-identically to async-local stores", async () => {
        const asyncLocal = await planExampleFleet();
        planStacksOneAtATime();
        assert.strictEqual(await planExampleFleet(), asyncLocal);
    });

    it("after a stack fails, the next gets its own store: the failed stack's late registration stays out of its plan", async () => {
        planStacksOneAtATime();
        await assert.rejects(runStackProgram({
            ...base,
            stack: "failing",
            program: () => {
                // A registration the failed program schedules for later, as an unfinished promise chain would.
                setTimeout(() => new aws.kms.Key("late-from-failed-stack"), 50);
                return { x: pulumi.output("x").apply((): string => { throw new Error("boom"); }) };
            },
        }), /boom/);
        const next = await runStackProgram({
            ...base,
            stack: "next",
            program: async () => {
                await new Promise((resolve) => setTimeout(resolve, 200));
                return { arn: new aws.kms.Key("own").arn };
            },
        });
        assert.deepStrictEqual(next.resources.filter((r) => r.type === "aws:kms/key:Key").map((r) => r.name), ["own"]);
    });
});
