import * as assert from "assert";
import { PrometheusWorkspace } from "../../../components/hub/prometheusWorkspace";
import { tenantLabelSet, tenantLimitProblems, tenantLimitSignals, tenantSeriesLimits } from "../../../components/hub/tenantLimits";
import { Tenant } from "../../../components/identity/tenants";
import { runProgram } from "../../harness";

const role = (a: string) => `arn:aws:iam::${a}:role/OrganizationMonitoringDeploy`;
const mon = (account: string): Tenant => ({ kind: "monitored", account, readerRoleArn: role(account) });
const site = (name: string, account: string): Tenant => ({ kind: "onprem", account, site: name, readerRoleArn: role(account) });
const TENANTS = [mon("222222222222"), mon("333333333333"), site("dc1", "777777777777"), site("dc2", "777777777777")];
const QUOTA = 50_000_000;

describe("tenant active-series limits (AMP label sets)", () => {
    it("selects each tenant by its identity labels: {account} for an account, {account, site} for a site", () => {
        assert.deepEqual(tenantLabelSet(TENANTS[0]), { account: "222222222222" });
        assert.deepEqual(tenantLabelSet(TENANTS[2]), { account: "777777777777", site: "dc1" });
    });

    it("gives every tenant the fleet default unless overridden, and no label set at all without limits", () => {
        assert.equal(tenantSeriesLimits(TENANTS, {}), undefined);
        assert.deepEqual(tenantSeriesLimits(TENANTS, { maxActiveSeries: 1_000_000, overrides: { "account-333333333333": 4_000_000, "site-dc2": 0 } }), [
            { labelSet: { account: "222222222222" }, limits: { maxSeries: 1_000_000 } },
            { labelSet: { account: "333333333333" }, limits: { maxSeries: 4_000_000 } },
            { labelSet: { account: "777777777777", site: "dc1" }, limits: { maxSeries: 1_000_000 } },
            { labelSet: { account: "777777777777", site: "dc2" }, limits: { maxSeries: 0 } },
        ]);
        // Only overridden tenants get a label set when there is no default.
        assert.deepEqual(tenantSeriesLimits(TENANTS, { overrides: { "site-dc1": 10 } }), [{ labelSet: { account: "777777777777", site: "dc1" }, limits: { maxSeries: 10 } }]);
        assert.deepEqual(tenantLimitSignals(TENANTS, { overrides: { "site-dc1": 10, "account-222222222222": 5 } }), [
            { account: "222222222222", maxSeries: 5 }, { account: "777777777777", site: "dc1", maxSeries: 10 },
        ]);
    });

    it("refuses, one line per field, limits AMP or the workspace cannot hold and overrides naming no tenant", () => {
        assert.deepEqual(tenantLimitProblems(TENANTS, { maxActiveSeries: 2_000_000 }, QUOTA), []);
        assert.deepEqual(tenantLimitProblems(TENANTS, { maxActiveSeries: -1, overrides: { "account-999999999999": 5, "site-dc1": 1.5 } }, QUOTA), [
            "tenantLimits.maxActiveSeries: expected a whole number of active series, 0 or more (got -1)",
            "tenantLimits.overrides.account-999999999999: no tenant of the fleet has this key (tenants: account-222222222222, account-333333333333, site-dc1, site-dc2)",
            "tenantLimits.overrides.site-dc1: expected a whole number of active series, 0 or more (got 1.5)",
        ]);
        assert.match(tenantLimitProblems(TENANTS, { maxActiveSeries: QUOTA + 1 }, QUOTA)[0], /above the workspace's active-series quota \(50000000, quotas\.activeSeries\)/);
    });

    it("makes a landing account that is also monitored leave room for its sites (their series match both label sets)", () => {
        const fleet = [mon("777777777777"), site("dc1", "777777777777"), site("dc2", "777777777777")];
        assert.deepEqual(tenantLimitProblems(fleet, { maxActiveSeries: 1_000_000 }, QUOTA), [
            "tenantLimits: account-777777777777 (1000000) is also the landing account of site-dc1, site-dc2 (together 2000000); their series count against both, so raise account-777777777777's limit above 2000000",
        ]);
        assert.deepEqual(tenantLimitProblems(fleet, { maxActiveSeries: 1_000_000, overrides: { "account-777777777777": 3_000_000 } }, QUOTA), []);
        assert.match(tenantLimitProblems(fleet, { overrides: { "account-777777777777": 3_000_000 } }, QUOTA)[0], /which have no limit/);
    });

    it("sets the limits on the workspace's one configuration resource, next to its retention", async () => {
        const limits = tenantSeriesLimits(TENANTS, { maxActiveSeries: 1_000_000 });
        const r = await runProgram(() => {
            new PrometheusWorkspace("amp", { account: "111111111111", region: "us-east-1", limitsPerLabelSets: limits });
        });
        const config = r.one("aws:amp/workspaceConfiguration:WorkspaceConfiguration");
        assert.equal(config.name, "amp-retention", "the existing resource (URN unchanged), not a second configuration");
        assert.equal(config.inputs.retentionPeriodInDays, 150);
        assert.deepEqual(config.inputs.limitsPerLabelSets, limits);
        const without = await runProgram(() => {
            new PrometheusWorkspace("amp", { account: "111111111111", region: "us-east-1" });
        });
        assert.equal(without.one("aws:amp/workspaceConfiguration:WorkspaceConfiguration").inputs.limitsPerLabelSets, undefined);
    });
});
