import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { renderAgentLayers } from "../../../components/agent/cloudwatchAgentConfig";
import { cloudWatchMetricName, hostPanelMetrics } from "../../../components/agent/hostMetrics";
import { agentAlertRules, heartbeatSearch } from "../../../components/cloudwatch/agentAlerts";
import { dashboardRefreshCost } from "../../../components/cloudwatch/dashboardCost";
import {
    AgentSource, agentLogTargets, buildHostDashboard, dashboardMetricQueries, dashboardPanels, LOGS_INSIGHTS_MAX_LOG_GROUPS, metricsInsightsSql, miIdentifier,
} from "../../../components/cloudwatch/hostDashboard";
import { siteAgentLayers } from "../../../components/onprem/siteAgent";

const ONPREM_NS = "CWAgent/OnPrem";
const SOURCES: AgentSource[] = [
    { stack: "monitored-payments", kind: "monitored", account: "222222222222", region: "us-east-1", namespace: "CWAgent", logGroupPrefix: "/oss-monitoring/monitored-payments" },
    { stack: "onprem-dc1", kind: "onprem", account: "777777777777", region: "us-east-1", namespace: ONPREM_NS, logGroupPrefix: "/oss-monitoring/onprem/dc1", site: "dc1" },
];

/** namespace → metric names the project's own agent configurations publish. */
function publishedMetrics(): Map<string, Set<string>> {
    const layers = [
        ...renderAgentLayers({ parameterPrefix: "monitored-payments", logGroupPrefix: "/oss-monitoring/monitored-payments" }),
        ...siteAgentLayers({
            siteName: "dc1", region: "us-east-1",
            agent: { platforms: ["linux", "windows"], metricsCollectionInterval: 60, namespace: ONPREM_NS, logFiles: [], logRetentionDays: 90 },
            credentials: { mode: "hybridActivation", registrationLimit: 10 },
        }),
    ];
    const out = new Map<string, Set<string>>();
    for (const l of layers) {
        const metrics = JSON.parse(l.json).metrics as { namespace: string; metrics_collected: Record<string, { measurement?: string[] }> } | undefined;
        if (metrics === undefined) {
            continue;
        }
        const set = out.get(metrics.namespace) ?? new Set<string>();
        for (const [plugin, body] of Object.entries(metrics.metrics_collected)) {
            for (const m of body.measurement ?? []) {
                set.add(cloudWatchMetricName(l.platform, plugin, m));
            }
        }
        out.set(metrics.namespace, set);
    }
    return out;
}

describe("CloudWatch hosts dashboard", () => {
    const model = buildHostDashboard({ dataSourceUid: "cw-uid", regions: ["us-east-1"], sources: SOURCES });
    const queries = dashboardMetricQueries(model);
    const published = publishedMetrics();

    it("queries only metrics the project's agent configurations publish, in their namespaces", () => {
        assert.deepStrictEqual([...published.keys()].sort(), ["CWAgent", ONPREM_NS]);
        assert.ok(queries.length > 0);
        for (const q of queries) {
            assert.ok(published.get(q.namespace)?.has(q.metricName), `${q.panel}: ${q.namespace}/${q.metricName} is not published by any agent config`);
            assert.ok(q.sql.includes(miIdentifier(q.metricName)), `${q.panel}: SQL ${q.sql} reads ${q.metricName}`);
        }
    });

    it("charts every CPU, memory, disk and network metric of the definition, in both namespaces", () => {
        for (const ns of ["CWAgent", ONPREM_NS]) {
            const charted = new Set(queries.filter((q) => q.namespace === ns).map((q) => q.metricName));
            const defined = new Set((["linux", "windows"] as const).flatMap((p) => hostPanelMetrics(p).map((m) => m.metricName)));
            assert.deepStrictEqual([...charted].sort(), [...defined].sort(), ns);
        }
        assert.deepStrictEqual(new Set(hostPanelMetrics("linux").map((m) => m.panel)), new Set(["cpu", "memory", "disk", "network"]));
    });

    it("reads EC2 hosts through the per-instance roll-up and on-prem hosts by site", () => {
        for (const q of queries.filter((x) => x.namespace === "CWAgent")) {
            assert.match(q.sql, / FROM SCHEMA\(CWAgent, InstanceId\)/, q.sql);
        }
        for (const q of queries.filter((x) => x.namespace === ONPREM_NS && !x.sql.startsWith("SELECT COUNT"))) {
            assert.match(q.sql, /FROM "CWAgent\/OnPrem" WHERE site = '\$site' GROUP BY host/, q.sql);
        }
        assert.ok(queries.some((q) => q.sql === 'SELECT COUNT(mem_used_percent) FROM SCHEMA(CWAgent, InstanceId) GROUP BY AWS.AccountId'));
    });

    it("has account, site and instance variables on the CloudWatch data source", () => {
        const vars = Object.fromEntries((model.templating?.list ?? []).map((v) => [v.name, v]));
        assert.deepStrictEqual(Object.keys(vars).sort(), ["account", "instance", "region", "site"]);
        assert.deepStrictEqual(vars.account.datasource, { type: "cloudwatch", uid: "cw-uid" });
        assert.strictEqual((vars.account.query as Record<string, unknown>).queryType, "accounts");
        assert.strictEqual((vars.site.query as Record<string, unknown>).dimensionKey, "site");
        assert.strictEqual((vars.instance.query as Record<string, unknown>).dimensionKey, "InstanceId");
    });

    it("shows the agents' own log groups, at most 50 per Logs Insights query", () => {
        const logPanels = dashboardPanels(model).map((p) => p.panel).filter((p) => p.type === "logs") as unknown as Array<{ targets: Array<{ logGroups: Array<{ arn: string }> }> }>;
        assert.strictEqual(logPanels.length, 1);
        assert.deepStrictEqual(logPanels[0].targets.flatMap((t) => t.logGroups.map((g) => g.arn)), [
            "arn:aws:logs:us-east-1:222222222222:log-group:/oss-monitoring/monitored-payments/cloudwatch-agent",
            "arn:aws:logs:us-east-1:777777777777:log-group:/oss-monitoring/onprem/dc1/cloudwatch-agent",
        ]);
        const many = Array.from({ length: 120 }, (_, i) => ({ ...SOURCES[0], stack: `m${i}`, account: String(200000000000 + i) }));
        const targets = agentLogTargets(many, "us-east-1", "cw").map((t) => t.build());
        assert.deepStrictEqual(targets.map((t) => t.logGroups?.length), [50, 50, 20]);
        assert.ok(targets.every((t) => (t.logGroups?.length ?? 0) <= LOGS_INSIGHTS_MAX_LOG_GROUPS));
    });

    it("quotes identifiers Metrics Insights needs quoted", () => {
        assert.strictEqual(metricsInsightsSql({ fn: "AVG", metricName: "LogicalDisk % Free Space", from: miIdentifier("CWAgent/OnPrem"), groupBy: ["AWS.AccountId", "host"] }),
            'SELECT AVG("LogicalDisk % Free Space") FROM "CWAgent/OnPrem" GROUP BY AWS.AccountId, host');
    });

    it("opens only the reporting row by default, so a refresh costs a fraction of every row", () => {
        const open = queries.filter((q) => !q.collapsed);
        assert.ok(open.length > 0 && open.every((q) => q.sql.startsWith("SELECT COUNT(")), open.map((q) => q.sql).join("\n"));
        assert.strictEqual(model.refresh, undefined, "no auto-refresh: every refresh is billed");
        const fleet = { ec2Hosts: 10_000, onpremHosts: 1_000 };
        const byDefault = dashboardRefreshCost(model, fleet);
        const all = dashboardRefreshCost(model, fleet, true);
        assert.strictEqual(all.queries, queries.length);
        assert.strictEqual(byDefault.queries, open.length);
        // 4 EC2 heartbeat counts over 10,000 hosts and 2 on-prem counts over 1,000 hosts.
        assert.strictEqual(byDefault.metricsAnalyzed, 4 * 10_000 + 2 * 1_000);
        assert.ok(all.usd > byDefault.usd);
        // Linear in the fleet: twice the hosts, twice the metrics analyzed.
        assert.strictEqual(dashboardRefreshCost(model, { ec2Hosts: 20_000, onpremHosts: 2_000 }, true).metricsAnalyzed, 2 * all.metricsAnalyzed);
    });
});

describe("README cost note", () => {
    it("quotes the refresh cost dashboardRefreshCost computes for 500 accounts and 20 sites", () => {
        const sources: AgentSource[] = [
            ...Array.from({ length: 500 }, (_, i) => ({ ...SOURCES[0], stack: `monitored-${i}`, account: String(200000000000 + i), logGroupPrefix: `/oss-monitoring/monitored-${i}` })),
            ...Array.from({ length: 20 }, (_, i) => ({ ...SOURCES[1], stack: `onprem-s${i}`, account: String(700000000000 + i), logGroupPrefix: `/oss-monitoring/onprem/s${i}`, site: `s${i}` })),
        ];
        const model = buildHostDashboard({ dataSourceUid: "cw", regions: ["us-east-1"], sources });
        const fleet = { ec2Hosts: 10_000, onpremHosts: 1_000 };
        const usd = (n: number) => `$${n.toFixed(2)}`;
        const byDefault = dashboardRefreshCost(model, fleet);
        const all = dashboardRefreshCost(model, fleet, true);
        const readme = fs.readFileSync(path.resolve(__dirname, "../../../README.md"), "utf8");
        assert.ok(readme.includes(`**${usd(byDefault.usd)}** with the default rows (${byDefault.queries} queries, ${byDefault.metricsAnalyzed.toLocaleString("en-US")} metrics)`), "default-rows figure");
        assert.ok(readme.includes(`**${usd(all.usd)}** with every row open\n(${all.queries} queries, ${all.metricsAnalyzed.toLocaleString("en-US")} metrics)`), "all-rows figure");
        // Alerts: two SEARCHes per account every 5 minutes over 20 hosts per account and 50 per site.
        const perRound = 2 * (500 * 20 + 20 * 50);
        assert.ok(readme.includes(`${perRound.toLocaleString("en-US")} metrics per\nround, about $${Math.round(perRound * 8640 * 0.01 / 1000).toLocaleString("en-US")} per 30 days`), "alert figure");
    });
});

describe("CloudWatch agent alerts", () => {
    const rules = agentAlertRules(SOURCES, { dataSourceUid: "cw-uid" });

    it("has one rule per source account, firing on hosts seen earlier and silent since", () => {
        assert.deepStrictEqual(rules.map((r) => r.name), ["CloudWatch agent not reporting: monitored-payments", "CloudWatch agent not reporting: onprem-dc1"]);
        const r = rules[0];
        assert.strictEqual(r.condition, "SILENT");
        const byRef = Object.fromEntries(r.data.map((d) => [d.refId, d]));
        assert.deepStrictEqual(byRef.EARLIER.relativeTimeRange, { from: 3600, to: 600 });
        assert.deepStrictEqual(byRef.RECENT.relativeTimeRange, { from: 600, to: 0 });
        assert.strictEqual(byRef.SILENT.model.expression, "$SEEN > 0 && $SENT == 0");
        assert.strictEqual(r.labels.account, "222222222222");
        assert.strictEqual(rules[1].labels.site, "dc1");
    });

    it("searches the heartbeat metrics the agent configs publish", () => {
        const published = publishedMetrics();
        assert.strictEqual(heartbeatSearch(SOURCES[0], 60),
            `FILL(SEARCH('{CWAgent,InstanceId} (MetricName="mem_used_percent" OR MetricName="Memory % Committed Bytes In Use") :aws.AccountId = "222222222222"', 'SampleCount', 60), 0)`);
        for (const name of ["mem_used_percent", "Memory % Committed Bytes In Use"]) {
            assert.ok(published.get("CWAgent")?.has(name) && published.get(ONPREM_NS)?.has(name), name);
        }
        assert.match(heartbeatSearch(SOURCES[1], 60), /^FILL\(SEARCH\('Namespace="CWAgent\/OnPrem" /);
    });

    it("rejects silence windows CloudWatch cannot support", () => {
        assert.throws(() => agentAlertRules(SOURCES, { dataSourceUid: "x", silentAfterMinutes: 1 }), /silentAfterMinutes/);
        assert.throws(() => agentAlertRules(SOURCES, { dataSourceUid: "x", silentAfterMinutes: 30, lookbackMinutes: 20 }), /lookbackMinutes/);
    });
});
