import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { withLocalStorage } from "../../automation/plan/mock/sdkInternals";
import { stackOutput } from "../../stacks/outputs";

const HUB = "organization/oss-monitoring/hub";

interface Facts {
    value: unknown;
    known: boolean;
    secret: boolean;
    resources: string[];
}

/** What an Output carries, read through the SDK's internal promises (the facts a resource's inputs inherit). */
async function facts(o: pulumi.Output<unknown>): Promise<Facts> {
    // promise(), isKnown, isSecret and allResources() are @internal in the SDK typings.
    const i = o as any;
    const resources = [...((await i.allResources()) as Set<pulumi.Resource>)];
    return { value: await i.promise(), known: await i.isKnown, secret: await i.isSecret, resources: await Promise.all(resources.map((r) => (r.urn as unknown as { promise(): Promise<string> }).promise())) };
}

/** Reads `keys` both through StackReference.getOutput and stackOutput, against a referenced stack the SDK's own mocks answer. */
function readBoth(outputs: Record<string, unknown>, secretOutputNames: string[] | undefined, keys: string[]): Promise<Array<[Facts, Facts]>> {
    return withLocalStorage(async () => {
        await pulumi.runtime.setMocks({
            newResource: (a) => ({ id: String(a.inputs.name), state: { name: a.inputs.name, outputs, ...(secretOutputNames ? { secretOutputNames } : {}) } }),
            call: () => ({}),
        }, "oss-monitoring", "spoke", true);
        const ref = new pulumi.StackReference("hub", { name: HUB });
        return Promise.all(keys.map(async (k) => [await facts(ref.getOutput(k)), await facts(stackOutput(ref, k))] as [Facts, Facts]));
    });
}

describe("stackOutput: a StackReference output as getOutput gives it, without walking every output per key", function () {
    this.timeout(60_000);
    const tenants = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`monitored-${i}`, `arn:aws:secretsmanager:us-east-1:111111111111:secret:t${i}`]));

    it("the same value, known-ness, secretness and dependencies when nothing is secret, a key is missing, or values are structured", async () => {
        for (const [sdk, mine] of await readBoth({ region: "us-east-1", ports: [4317, 4318], tenants }, [], ["region", "ports", "tenants", "absent"])) {
            assert.deepStrictEqual(mine, sdk);
        }
        const [[sdk]] = await readBoth({ region: "us-east-1" }, [], ["region"]);
        assert.deepStrictEqual(sdk, { value: "us-east-1", known: true, secret: false, resources: [`urn:pulumi:spoke::oss-monitoring::pulumi:pulumi:StackReference::hub`] });
    });

    it("secret exactly for the keys the referenced stack lists as secret, though its outputs as a whole are secret", async () => {
        const outputs = { region: "us-east-1", token: pulumi.secret("s3cr3t"), tenants };
        const read = await readBoth(outputs, ["token"], ["region", "token", "tenants"]);
        for (const [sdk, mine] of read) {
            assert.deepStrictEqual(mine, sdk);
        }
        assert.deepStrictEqual(read.map(([sdk]) => sdk.secret), [false, true, false]);
    });

    it("without a list of secret names (an older engine), every key as secret as the outputs as a whole", async () => {
        for (const [outputs, secret] of [[{ region: "us-east-1", token: pulumi.secret("s") }, true], [{ region: "us-east-1" }, false]] as const) {
            for (const [sdk, mine] of await readBoth(outputs, undefined, ["region", "token"])) {
                assert.deepStrictEqual(mine, sdk);
                assert.strictEqual(sdk.secret, secret);
            }
        }
    });
});
