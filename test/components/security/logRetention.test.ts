import * as assert from "assert";
import { policies } from "../../../policy/policies";
import { AUDIT_LOG_RETENTION_DAYS, AUDIT_MIN_LOG_RETENTION_DAYS, LOG_RETENTION_DAYS, LOG_RETENTION_RULE, logRetentionProblem } from "../../../components/security/logRetention";
import { parseStackConfig } from "../../../stacks/config";
import { hubRaw } from "../../stacks/fixtures/hub";
import { onpremRaw, siteSettings } from "../../stacks/fixtures/onprem";

describe("log retention: one audit minimum (components/security/logRetention.ts)", () => {
    it("is the policy pack's mandatory log-group-kms-retention minimum", () => {
        const rule = policies.find((p) => p.name === LOG_RETENTION_RULE);
        assert.ok(rule, `the pack has ${LOG_RETENTION_RULE}`);
        assert.strictEqual(rule.enforcementLevel, "mandatory");
        const min = (rule.configSchema?.properties as Record<string, { default?: unknown }> | undefined)?.minRetentionDays?.default;
        assert.strictEqual(min, AUDIT_MIN_LOG_RETENTION_DAYS);
    });

    it("accepts the CloudWatch Logs values from the minimum up, and names the rule otherwise", () => {
        assert.deepStrictEqual(AUDIT_LOG_RETENTION_DAYS, LOG_RETENTION_DAYS.filter((d) => d >= 365));
        assert.strictEqual(logRetentionProblem(365), undefined);
        assert.strictEqual(logRetentionProblem(3653), undefined);
        assert.match(String(logRetentionProblem(90)), /^90 days is shorter than the audit minimum of 365 \(the policy pack's mandatory log-group-kms-retention rule\)/);
        assert.match(String(logRetentionProblem(364)), /^364 is not a CloudWatch Logs retention/);
    });

    it("every schema refuses less, naming the key and the rule", () => {
        const refuses = (raw: Record<string, unknown>, key: string) => assert.throws(() => parseStackConfig(raw),
            new RegExp(`oss-monitoring:${key.replace(/\./g, "\\.")}: 30 days is shorter than the audit minimum of 365 \\(the policy pack's mandatory log-group-kms-retention rule\\)`));
        refuses(hubRaw({ logRetentionDays: 30 }), "hub.logRetentionDays");
        refuses({
            role: "monitored", account: "222222222222", region: "us-east-1", organizationId: "o-a1b2c3d4e5", hubStack: "organization/oss-monitoring/hub",
            monitored: { vpc: { vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"] }, workloads: { cidrs: ["10.0.0.0/16"] }, agent: { logRetentionDays: 30 } },
        }, "monitored.agent.logRetentionDays");
        refuses(onpremRaw(siteSettings({ agent: { logRetentionDays: 30 } })), "onprem.agent.logRetentionDays");
    });
});
