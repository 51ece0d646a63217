import * as assert from "assert";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { runStackProgram } from "../../../../automation/plan/mock/runStackProgram";

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
