import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { batchesOf, inBatches, REGISTRATION_BATCH_DEFAULTS } from "../../../components/identity/registrationBatches";
import { tenantIdentityProblems, TenantIdentities, TenantIdentitiesArgs, tenantResourceNames } from "../../../components/identity/tenantIdentities";
import { Tenant, tenantKey } from "../../../components/identity/tenants";
import { PlanMonitor } from "../../../automation/plan/mock/monitor";
import { Recorded, runProgram } from "../../harness";

const HUB = "111111111111";
const NOW = new Date("2026-11-29T12:00:00Z");
const RESOURCES_PER_TENANT = 6;
/** The component itself, its CA (3 resources) and its KMS key (a component with a key and an alias). */
const FIXED = 7;
const tenants = (n: number): Tenant[] => Array.from({ length: n }, (_, i) => {
    const account = String(200000000000 + i);
    return { kind: "monitored", account, readerRoleArn: `arn:aws:iam::${account}:role/OrganizationMonitoringDeploy` };
});
const args = (n: number, registrationBatch?: number): TenantIdentitiesArgs => ({
    account: HUB, region: "us-east-1", organizationId: "o-abcd123456", tenants: tenants(n), rotationDays: 30, now: NOW, registrationBatch,
});

interface Measured {
    readonly recorded: Recorded;
    /** Most resources constructed and not yet answered by the monitor, at any moment. */
    readonly maxPending: number;
    readonly constructed: number;
}

/**
 * Plans TenantIdentities under the offline plan's monitor, counting constructions (a transformation
 * runs in every Resource constructor, children inherit their parent's: @pulumi/pulumi 3.248.0
 * resource.js Resource constructor) against the monitor's answers.
 */
async function measure(a: TenantIdentitiesArgs): Promise<Measured> {
    let constructed = 0;
    let answered = 0;
    let maxPending = 0;
    const original = PlanMonitor.prototype.registerResource;
    PlanMonitor.prototype.registerResource = async function (this: PlanMonitor, req: any, callback: (err: any, resp?: any) => void) {
        return original.call(this, req, (err: unknown, resp?: unknown) => {
            answered++;
            callback(err, resp);
        });
    };
    const count: pulumi.ResourceTransformation = () => {
        constructed++;
        maxPending = Math.max(maxPending, constructed - answered);
        return undefined;
    };
    try {
        const recorded = await runProgram(() => {
            const ids = new TenantIdentities("identity", a, { transformations: [count] });
            return { secretArns: ids.secretArns, certificateArns: ids.certificateArns, certificatePems: ids.certificatePems };
        }, { account: HUB });
        return { recorded, maxPending, constructed };
    } finally {
        PlanMonitor.prototype.registerResource = original;
    }
}

describe("hub identities registered in batches (issue 26)", function () {
    this.timeout(120_000);
    let batched: Measured;
    before(async () => {
        batched = await measure(args(300));
    });

    it("with 300 tenants at most one batch (50 tenants × 6 resources) plus the fixed resources is ever pending; all in one batch, every resource is", async () => {
        assert.equal(batched.constructed, FIXED + 300 * RESOURCES_PER_TENANT);
        assert.equal(batched.recorded.resources.filter((x) => x.type !== "pulumi:pulumi:Stack").length, batched.constructed, "every constructed resource registered");
        assert.ok(batched.maxPending <= REGISTRATION_BATCH_DEFAULTS.tenants * RESOURCES_PER_TENANT + FIXED,
            `at most ${REGISTRATION_BATCH_DEFAULTS.tenants * RESOURCES_PER_TENANT + FIXED} pending, was ${batched.maxPending}`);
        // The same count sees the unbatched peak (one batch of every tenant; 120 keep the test short).
        const once = await measure(args(120, 120));
        assert.equal(once.constructed, FIXED + 120 * RESOURCES_PER_TENANT);
        assert.equal(once.maxPending, once.constructed, "one batch: nothing answered before the last construction");
    });

    it("gives the late batches' tenants the same resources, parents, options, dependencies and outputs as the first batch's", () => {
        const r = batched.recorded;
        const urnOf = (n: string) => r.named(n).urn;
        const shape = (t: Tenant) => {
            const names = tenantResourceNames("identity", t, NOW, 30);
            const local = (urn: string) => urn.replace(tenantKey(t), "<tenant>");
            return Object.values(names).map((n) => {
                const res = r.named(n);
                return { type: res.type, parent: res.parent, options: res.options, dependencies: res.dependencies.map(local), provider: res.provider };
            });
        };
        const all = tenants(300);
        assert.deepEqual(shape(all[299]), shape(all[0]));
        assert.deepEqual(shape(all[175]), shape(all[0]));
        // The tenant's certificate waits for the CA's installation (dependsOn) in every batch.
        const cert = r.named(tenantResourceNames("identity", all[299], NOW, 30).certificate);
        assert.ok(cert.dependencies.includes(urnOf("identity-ca-install")));
        const secretArns = r.outputs.secretArns as Record<string, string>;
        assert.deepEqual(Object.keys(secretArns), all.map(tenantKey), "one ARN per tenant, in tenant order");
        assert.equal(new Set(Object.values(secretArns)).size, 300);
        for (const t of [all[0], all[299]]) {
            assert.match(secretArns[tenantKey(t)], new RegExp(`^arn:aws:secretsmanager:us-east-1:${HUB}:secret:`));
            assert.match((r.outputs.certificatePems as Record<string, string>)[tenantKey(t)], /^-----BEGIN CERTIFICATE-----\n/);
        }
    });

    it("cuts tenants into consecutive batches in order and refuses a batch size below 1 naming the field", () => {
        assert.deepEqual(batchesOf([1, 2, 3, 4, 5], 2), [[1, 2], [3, 4], [5]]);
        assert.deepEqual(batchesOf([], 50), []);
        assert.throws(() => batchesOf([1], 0), /^Error: registrationBatch: expected a whole number of tenants, at least 1 \(got 0\)$/);
        assert.deepEqual(tenantIdentityProblems(args(3, 1.5)), ["registrationBatch: expected a whole number of tenants, at least 1 (got 1.5)"]);
        assert.deepEqual(tenantIdentityProblems(args(3)), []);
    });

    it("fails the program with the error of a batch whose construction throws, for that item's outputs and every later one's", async () => {
        const seen: number[] = [];
        const plan = runProgram(() => {
            const out = inBatches([1, 2, 3, 4, 5], 2, ["v"], (i) => {
                seen.push(i);
                if (i === 3) {
                    throw new Error("item 3 cannot be built");
                }
                return { v: pulumi.output(`value ${i}`) };
            });
            return { values: pulumi.all(out.map((o) => o.v)) };
        });
        await assert.rejects(plan, /item 3 cannot be built/);
        assert.deepEqual(seen, [1, 2, 3], "stops at the failing item");
    });
});
