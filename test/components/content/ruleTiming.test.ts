import * as assert from "assert";
import { alertingRuleGroups } from "../../../components/content/alertingRules";
import { promDuration, resolveContentOptions, scaledFor } from "../../../components/content/options";
import { recordingRuleGroups } from "../../../components/content/recordingRules";

describe("rule timing options (evaluation interval, alert `for` scale)", () => {
    it("keeps the deployed rules as written by default", () => {
        const o = resolveContentOptions();
        for (const g of [...alertingRuleGroups(o), ...recordingRuleGroups(o)]) assert.strictEqual(g.interval, "1m", g.name);
        const down = alertingRuleGroups(o)[0].rules.find((r) => r.alert === "HubCollectorDown");
        assert.strictEqual(down?.for, "5m");
    });

    it("scales every alert's `for` and sets the groups' interval when asked (the e2e suite's shortening)", () => {
        const o = resolveContentOptions({ alertForScale: 0.1, ruleIntervalSeconds: 10 });
        const alerts = alertingRuleGroups(o).flatMap((g) => g.rules);
        assert.strictEqual(alerts.find((r) => r.alert === "HubCollectorDown")?.for, "30s");
        assert.strictEqual(alerts.find((r) => r.alert === "HubCertificateExpiringSoon")?.for, "6m");
        assert.strictEqual(alerts.find((r) => r.alert === "MonitoredAccountSilent")?.for, "0m");
        for (const g of [...alertingRuleGroups(o), ...recordingRuleGroups(o)]) assert.strictEqual(g.interval, "10s");
    });

    it("formats and scales durations", () => {
        assert.deepStrictEqual([promDuration(60), promDuration(90), promDuration(7200), promDuration(0)], ["1m", "90s", "2h", "0m"]);
        assert.strictEqual(scaledFor("15m", 0.5), "450s");
        assert.strictEqual(scaledFor("1h", 1), "1h");
    });

    it("refuses a scale outside (0, 1] and a bad interval, naming the field", () => {
        assert.throws(() => resolveContentOptions({ alertForScale: 2 }), /alertForScale must be in \(0, 1\]/);
        assert.throws(() => resolveContentOptions({ alertForScale: 0 }), /alertForScale/);
        assert.throws(() => resolveContentOptions({ ruleIntervalSeconds: 0 }), /ruleIntervalSeconds/);
    });
});
