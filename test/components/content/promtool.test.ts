import * as assert from "assert";
import * as path from "path";
import { dashboardQueryRuleFile, panelsOf, prometheusTargets, renderDashboards, renderRuleNamespaces, renderRuleFile, resolveContentOptions } from "../../../components/content";
import YAML from "yaml";
import { OTELCOL, RECORDS, SCRAPE_UP } from "../../../components/content";
import { ACCOUNT_A, REGION, ruleUnitTestFile, TENANT_CASE, tenantRuleUnitTestFile } from "./ruleUnitTests";
import { removeTempDirs, requireTool, run, tempDir, writeFiles } from "./tools";

/** `promtool check rules` prints "SUCCESS: N rules found" per file; returns N by file name. */
function rulesFound(output: string): Record<string, number> {
    const out: Record<string, number> = {};
    for (const m of output.matchAll(/Checking (\S+)\s+SUCCESS: (\d+) rules found/g)) {
        out[path.basename(m[1])] = Number(m[2]);
    }
    return out;
}

describe("content: rules and dashboard queries validated by promtool", function () {
    const o = resolveContentOptions();
    const namespaces = renderRuleNamespaces(o);
    const dashboards = renderDashboards(o, "amp").map((d) => d.dashboard);

    before(() => {
        requireTool("promtool");
    });
    after(removeTempDirs);

    it("promtool check rules accepts every rendered rule file and every dashboard query", () => {
        const dir = tempDir("hub-rules");
        const files = {
            ...Object.fromEntries(namespaces.map((ns) => [`${ns.kind}.rules.yaml`, ns.yaml])),
            "dashboard-queries.rules.yaml": dashboardQueryRuleFile(dashboards),
        };
        const output = run("promtool", ["check", "rules", ...writeFiles(dir, files)], dir);
        const queryCount = dashboards.reduce((n, d) => n + panelsOf(d).flatMap(prometheusTargets).length + (d.templating.list ?? []).length, 0);
        assert.deepStrictEqual(rulesFound(output), {
            "recording.rules.yaml": namespaces[0].groups.flatMap((g) => g.rules).length,
            "alerting.rules.yaml": namespaces[1].groups.flatMap((g) => g.rules).length,
            "dashboard-queries.rules.yaml": queryCount,
        });
    });

    it("promtool check rules rejects a broken expression, so the check above is real", () => {
        const dir = tempDir("hub-rules-bad");
        const bad = renderRuleFile([{ name: "bad", interval: "1m", rules: [{ record: "x:y:z", expr: "sum by (account (up)" }] }]);
        assert.throws(() => run("promtool", ["check", "rules", ...writeFiles(dir, { "bad.yaml": bad })], dir), /parse error|could not parse|unexpected/i);
    });

    it("promtool test rules: silence fires after N minutes not before, hub outage, degradation, quotas, healthy fleet silent", () => {
        const dir = tempDir("hub-rule-tests");
        const ruleFiles = namespaces.map((ns) => `${ns.kind}.rules.yaml`);
        writeFiles(dir, Object.fromEntries(namespaces.map((ns) => [`${ns.kind}.rules.yaml`, ns.yaml])));
        writeFiles(dir, { "tests.yaml": ruleUnitTestFile(o, ruleFiles) });
        const output = run("promtool", ["test", "rules", "tests.yaml"], dir);
        assert.match(output, /SUCCESS/);
    });

    it("promtool test rules: a source's last-seen record is its newest heartbeat when the scrape's up and the collector's uptime carry the same labels", () => {
        // A collector scraping itself publishes both heartbeat names with one label set; the record must neither
        // fail on the collision nor keep only one of them (up's last sample is the newer here).
        const dir = tempDir("last-seen");
        writeFiles(dir, Object.fromEntries(namespaces.map((ns) => [`${ns.kind}.rules.yaml`, ns.yaml])));
        const labels = `${o.labels.account}="${ACCOUNT_A}", ${o.labels.region}="${REGION}", job="adot-spoke-collector", instance="10.0.0.1:8888"`;
        const tests = {
            rule_files: namespaces.map((ns) => `${ns.kind}.rules.yaml`),
            evaluation_interval: "1m",
            tests: [{
                interval: "1m",
                input_series: [
                    { series: `${SCRAPE_UP}{${labels}}`, values: "1x30" },
                    { series: `${OTELCOL.uptime}{${labels}}`, values: "0+60x29" },
                ],
                promql_expr_test: [{
                    expr: RECORDS.sourceLastSeen,
                    eval_time: "31m",
                    exp_samples: [{ labels: `${RECORDS.sourceLastSeen}{${o.labels.account}="${ACCOUNT_A}", ${o.labels.region}="${REGION}"}`, value: 30 * 60 }],
                }],
            }],
        };
        writeFiles(dir, { "tests.yaml": YAML.stringify(tests) });
        assert.match(run("promtool", ["test", "rules", "tests.yaml"], dir), /SUCCESS/);
    });

    it("promtool test rules: tenant limits and certificate expiry alert per tenant, with its labels", () => {
        const t = resolveContentOptions({ tenantSeriesLimits: TENANT_CASE.limits, tenantCertificates: TENANT_CASE.certificates, tenantCertWarningDays: TENANT_CASE.warningDays });
        const rendered = renderRuleNamespaces(t);
        const dir = tempDir("tenant-rule-tests");
        writeFiles(dir, Object.fromEntries(rendered.map((ns) => [`${ns.kind}.rules.yaml`, ns.yaml])));
        const ruleFiles = rendered.map((ns) => `${ns.kind}.rules.yaml`);
        run("promtool", ["check", "rules", ...ruleFiles], dir);
        writeFiles(dir, { "tests.yaml": tenantRuleUnitTestFile(t, ruleFiles) });
        const output = run("promtool", ["test", "rules", "tests.yaml"], dir);
        assert.match(output, /SUCCESS/);
        // The default fleet (no limits, no certificates) renders no tenant rule.
        assert.doesNotMatch(namespaces.map((ns) => ns.yaml).join("\n"), /tenant:/);
    });
});
