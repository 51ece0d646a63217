import * as assert from "assert";
import YAML from "yaml";
import {
    ALERTS,
    ALERT_LABELS,
    HUB_OUTAGE_ALERTS,
    PRIMARY_REMOTE_WRITE_EXPORTER,
    RECEIVERS,
    TEMPLATE_FILE,
    alertmanagerConfig,
    isAlert,
    renderAlertManagerDefinition,
    renderAlertmanagerConfig,
    renderRuleNamespaces,
    renderTemplates,
    resolveContentOptions,
} from "../../../components/content";
import { removeTempDirs, requireTool, run, tempDir, writeFiles } from "./tools";

const TOPIC = "arn:aws:sns:eu-west-1:123456789012:hub-alerts-1a2b3c";
const o = resolveContentOptions();
const am = { topicArn: TOPIC, region: "eu-west-1", labels: o.labels };

interface Route {
    receiver: string;
    group_by?: string[];
    matchers?: string[];
    routes?: Route[];
}
interface AmConfig {
    templates: string[];
    route: Route;
    inhibit_rules: { source_matchers: string[]; target_matchers: string[] }[];
    receivers: { name: string; sns_configs: { topic_arn: string; sigv4: { region: string }; attributes: Record<string, string> }[] }[];
}

describe("content: AMP alert manager definition", () => {
    after(removeTempDirs);

    it("wraps the standard config in AMP's alertmanager_config and template_files", () => {
        const def = YAML.parse(renderAlertManagerDefinition(am)) as { alertmanager_config: string; template_files: Record<string, string> };
        assert.deepStrictEqual(Object.keys(def).sort(), ["alertmanager_config", "template_files"]);
        assert.strictEqual(def.alertmanager_config, renderAlertmanagerConfig(am));
        assert.deepStrictEqual(Object.keys(def.template_files), [TEMPLATE_FILE]);
        assert.strictEqual(def.template_files[TEMPLATE_FILE], renderTemplates(o.labels));
        assert.deepStrictEqual((YAML.parse(def.alertmanager_config) as AmConfig).templates, [TEMPLATE_FILE]);
    });

    it("routes by severity to the SNS topic with SigV4, one notification group per account/region/site", () => {
        const cfg = alertmanagerConfig(am) as unknown as AmConfig;
        assert.deepStrictEqual(cfg.route.group_by, ["alertname", o.labels.account, o.labels.region, o.labels.site]);
        assert.deepStrictEqual(
            cfg.route.routes!.map((r) => [r.matchers, r.receiver]),
            [
                [[`${ALERT_LABELS.severity}="critical"`], RECEIVERS.critical],
                [[`${ALERT_LABELS.severity}="warning"`], RECEIVERS.warning],
            ],
        );
        assert.strictEqual(cfg.receivers.length, 3);
        for (const r of cfg.receivers) {
            assert.strictEqual(r.sns_configs.length, 1);
            const sns = r.sns_configs[0];
            assert.strictEqual(sns.topic_arn, TOPIC);
            assert.deepStrictEqual(sns.sigv4, { region: "eu-west-1" });
            // Subscribers filter on these message attributes, e.g. one team per account.
            assert.match(sns.attributes[o.labels.account], new RegExp(`CommonLabels\\.${o.labels.account}`));
            assert.ok(sns.attributes[ALERT_LABELS.severity]);
        }
    });

    it("inhibits spoke alerts while the hub is down or its PRIMARY remote write fails, and the rules label them so", () => {
        const cfg = alertmanagerConfig(am) as unknown as AmConfig;
        const spokeRules = cfg.inhibit_rules.filter((r) => r.target_matchers.includes(`${ALERT_LABELS.scope}="spoke"`));
        assert.deepStrictEqual(spokeRules.map((r) => r.source_matchers), [
            [`alertname="${ALERTS.hubCollectorDown}"`],
            [`alertname="${ALERTS.hubRemoteWriteFailing}"`, `exporter="${PRIMARY_REMOTE_WRITE_EXPORTER}"`],
        ]);
        const alerts = renderRuleNamespaces(o).flatMap((ns) => ns.groups.flatMap((g) => g.rules)).filter(isAlert);
        const names = new Set(alerts.map((a) => a.alert));
        HUB_OUTAGE_ALERTS.forEach((n) => assert.ok(names.has(n), `inhibiting alert ${n} does not exist`));
        // Per-account alerts are exactly the ones carrying the account label in their grouping.
        for (const a of alerts) {
            const perAccount = a.alert === ALERTS.accountSilent || a.alert === ALERTS.siteSilent || a.expr.includes(`by (${o.labels.account}, `);
            assert.strictEqual(a.labels[ALERT_LABELS.scope] === "spoke", perAccount, `${a.alert} scope`);
        }
    });

    it("amtool check-config accepts the inner config and parses its templates", () => {
        requireTool("amtool");
        const dir = tempDir("hub-am");
        writeFiles(dir, { "alertmanager.yml": renderAlertmanagerConfig(am), [TEMPLATE_FILE]: renderTemplates(o.labels) });
        const output = run("amtool", ["check-config", "alertmanager.yml"], dir);
        assert.match(output, /SUCCESS/);
        assert.match(output, /3 inhibit rules/);
        assert.match(output, /3 receivers/);
        assert.match(output, /1 templates/);
    });

    it("refuses a topic outside the workspace's region or a malformed ARN", () => {
        assert.throws(() => alertmanagerConfig({ ...am, region: "us-east-1" }), /differs from the topic's region "eu-west-1"/);
        assert.throws(() => alertmanagerConfig({ ...am, topicArn: "hub-alerts" }), /is not an SNS topic ARN/);
    });
});
