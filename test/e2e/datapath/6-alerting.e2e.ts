import * as assert from "assert";
import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import { stringify } from "yaml";
import { ALERTS } from "../../../components/content/alertingRules";
import { RECEIVERS, TEMPLATE_FILE, alertmanagerConfig, renderTemplates } from "../../../components/content/alertmanager";
import { resolveContentOptions } from "../../../components/content/options";
import { Collector } from "./lib/collector";
import { PARAMS } from "./lib/env";
import { parseExposition, request } from "./lib/http";
import { Proc, freePort, sleep, stopAll, waitFor } from "./lib/procs";
import { scenario } from "./lib/report";
import { ACCOUNTS, REGION, contentRules, prepareRun, spokeCollector, spokePorts, startHub, startStore } from "./lib/topology";

interface Notification { receiver: string; status: string; alerts: Array<{ status: string; labels: Record<string, string> }> }

/**
 * The rendered Alertmanager configuration with only the SNS receivers swapped for webhooks to
 * this test (routes, grouping and inhibitions untouched), and the template file by path.
 */
function alertmanagerForTest(webhookPort: number, templateFile: string): string {
    const cfg = alertmanagerConfig({ topicArn: `arn:aws:sns:${REGION}:${ACCOUNTS.hub}:alerts`, region: REGION, labels: resolveContentOptions().labels }) as { receivers: Array<{ name: string }>; templates: string[] };
    cfg.receivers = cfg.receivers.map((r) => ({ name: r.name, webhook_configs: [{ url: `http://127.0.0.1:${webhookPort}/${r.name}`, send_resolved: true }] }));
    cfg.templates = cfg.templates.map((t) => (t === TEMPLATE_FILE ? templateFile : t));
    return stringify(cfg, { lineWidth: 0 });
}

describe("data path 6: alerting rules in Prometheus, the alert manager config in Alertmanager", function () {
    it("fires nothing for a healthy fleet, pages a silent account with its label, and inhibits spoke alerts while the hub is down", async function () {
        this.timeout(3_600_000);
        const { dir, pki } = await prepareRun("s6");
        await scenario("6-alerting", async (f) => {
            const { options, ruleFiles } = contentRules(dir);

            const received: Notification[] = [];
            const webhook = http.createServer((req, res) => {
                const chunks: Buffer[] = [];
                req.on("data", (c: Buffer) => chunks.push(c));
                req.on("end", () => { received.push(JSON.parse(Buffer.concat(chunks).toString("utf8")) as Notification); res.end("ok"); });
            });
            const webhookPort = await freePort();
            await new Promise<void>((r) => webhook.listen(webhookPort, "127.0.0.1", r));
            try {
                const amPort = await freePort();
                const templateFile = path.join(dir, "templates.tmpl");
                fs.writeFileSync(templateFile, renderTemplates(options.labels));
                const amConfig = path.join(dir, "alertmanager.yml");
                fs.writeFileSync(amConfig, alertmanagerForTest(webhookPort, templateFile));
                new Proc("alertmanager", "prometheus-alertmanager", [`--config.file=${amConfig}`, `--storage.path=${path.join(dir, "am")}`, `--web.listen-address=127.0.0.1:${amPort}`, "--cluster.listen-address="], path.join(dir, "alertmanager.log")).start();
                await waitFor("alertmanager", async () => ((await request(`http://127.0.0.1:${amPort}/-/ready`)).status === 200 ? true : undefined), 30_000);

                // Remote-written samples carry no staleness markers, so absent() of the hub's `up` sees
                // a stopped hub after the lookback delta: shortened like the rules' `for`.
                const prom = await startStore("primary", dir, pki, { ruleFiles, alertmanagerPort: amPort, evaluationSeconds: PARAMS.ruleIntervalSeconds, lookbackDelta: "1m" });
                const hub = await startHub("hub", dir, pki, [{ name: "primary", url: prom.remoteWriteUrl }]);
                // Each spoke presents its own tenant certificate: the `account` the rules group by is the certificate's.
                const spokes: Collector[] = [];
                for (const [account, cluster] of [[ACCOUNTS.spokeA, "analytics"], [ACCOUNTS.spokeB, "payments"]]) {
                    spokes.push(await spokeCollector(`spoke-${cluster}`, dir, pki, account, cluster, hub.ports.otlpGrpc, await spokePorts()).start());
                }
                const firing = async (): Promise<string[]> => (await prom.query(`ALERTS{alertstate="firing"}`)).map((r) => `${r.metric.alertname}${r.metric.account !== undefined ? `{account=${r.metric.account}}` : ""}`).sort();

                // Healthy: both accounts present (recorded), nothing fires over a settling period.
                await waitFor("both accounts recorded as present", async () => ((await prom.value(`count(source:collector_heartbeat:present{account=~"${ACCOUNTS.spokeA}|${ACCOUNTS.spokeB}"})`)) === 2 ? true : undefined), 180_000, 2_000);
                await sleep(60_000);
                const healthyFiring = await firing();
                const healthyNotifications = received.length;

                // Silence one spoke: MonitoredAccountSilent for its account reaches the webhook.
                await spokes[1].stop();
                const silencedAt = Date.now();
                const page = await waitFor("the silent-account page", async () => received.flatMap((n) => n.alerts.map((a) => ({ n, a }))).find(({ a }) => a.status === "firing" && a.labels.alertname === ALERTS.accountSilent), (PARAMS.silentAfterMinutes * 60 + 180) * 1000, 1_000);
                const silentAfterSeconds = Math.round((Date.now() - silencedAt) / 1000);

                // Hub down: HubCollectorDown fires and the per-account alerts it causes are inhibited.
                await hub.stop();
                const hubStoppedAt = Date.now();
                await waitFor("HubCollectorDown at the webhook", async () => received.some((n) => n.alerts.some((a) => a.status === "firing" && a.labels.alertname === ALERTS.hubCollectorDown)) || undefined, 300_000, 1_000);
                const hubDownAfterSeconds = Math.round((Date.now() - hubStoppedAt) / 1000);
                const inhibited = await waitFor("account A's silent alert, inhibited", async () => {
                    const r = await request(`http://127.0.0.1:${amPort}/api/v2/alerts?filter=${encodeURIComponent(`alertname="${ALERTS.accountSilent}"`)}&filter=${encodeURIComponent(`account="${ACCOUNTS.spokeA}"`)}`);
                    const alerts = JSON.parse(r.body) as Array<{ status: { state: string; inhibitedBy: string[] } }>;
                    return alerts.find((a) => a.status.state === "suppressed" && a.status.inhibitedBy.length > 0);
                }, (PARAMS.silentAfterMinutes * 60 + 180) * 1000, 2_000);
                await sleep(PARAMS.ruleIntervalSeconds * 1000 + 35_000); // beyond group_wait: an uninhibited page would have arrived
                const pagedForA = received.some((n) => n.alerts.some((a) => a.status === "firing" && a.labels.alertname === ALERTS.accountSilent && a.labels.account === ACCOUNTS.spokeA));

                // Sent: what Alertmanager counts as delivered to the webhook integration (attempted less
                // failed, alertmanager v0.25.0 notify/notify.go); stored: what the receiver got.
                const delivered = async (): Promise<number> => {
                    const m = (await request(`http://127.0.0.1:${amPort}/metrics`)).body;
                    const webhook = (l: string): boolean => l.includes('integration="webhook"');
                    return parseExposition(m, "alertmanager_notifications_total", webhook) - parseExposition(m, "alertmanager_notifications_failed_total", webhook);
                };
                f.sent = await waitFor("the receiver to have every notification Alertmanager delivered", async () => { const d = await delivered(); return d === received.length ? d : undefined; }, 30_000).catch(delivered);
                f.stored = received.length;
                f.details = {
                    options: { silentAfterMinutes: options.silentAfterMinutes, alertForScale: options.alertForScale, ruleIntervalSeconds: options.ruleIntervalSeconds },
                    healthyFiring, healthyNotifications, silentPage: { receiver: page.n.receiver, account: page.a.labels.account, severity: page.a.labels.severity, afterSeconds: silentAfterSeconds },
                    hubDownAfterSeconds, accountAInhibitedBy: inhibited.status.inhibitedBy.length, accountAPaged: pagedForA, notifications: received.length,
                };
                assert.strictEqual(f.stored, f.sent, "every notification Alertmanager delivered reached the receiver, once");
                assert.ok(f.sent >= 2, `the silent-account page and the hub-down page were delivered (${f.sent})`);
                assert.deepStrictEqual(healthyFiring, [], "a healthy fleet fires nothing");
                assert.strictEqual(healthyNotifications, 0);
                assert.strictEqual(page.a.labels.account, ACCOUNTS.spokeB, "the silent account's label reaches the receiver");
                assert.strictEqual(page.n.receiver, RECEIVERS.critical);
                assert.strictEqual(pagedForA, false, "spoke alerts are inhibited while the hub is down");
            } finally {
                webhook.close();
            }
        });
    });
    after(stopAll);
});
