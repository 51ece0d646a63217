import * as assert from "assert";
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import YAML from "yaml";
import { ALERTS, ALERT_LABELS, PRIMARY_REMOTE_WRITE_EXPORTER, TENANT_ALERTS, alertmanagerConfig, resolveContentOptions } from "../../../components/content";
import { removeTempDirs, tempDir } from "./tools";
import { freePort } from "../../e2e/datapath/lib/procs";

/**
 * The real Alertmanager (Debian prometheus-alertmanager) evaluates the rendered inhibit rules on
 * loopback. Receivers are reduced to their names: the routing tree and inhibit rules are the ones AMP
 * runs, but nothing is ever sent to SNS.
 */
const o = resolveContentOptions();
const TOPIC = "arn:aws:sns:us-east-1:111111111111:hub-alerts";

function binary(): string {
    for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
        for (const name of ["prometheus-alertmanager", "alertmanager"]) {
            if (dir && fs.existsSync(path.join(dir, name))) {
                return path.join(dir, name);
            }
        }
    }
    throw new Error("alertmanager not found: apt-get install -y prometheus-alertmanager");
}


interface AmAlert { labels: Record<string, string>; status: { state: string; inhibitedBy: string[] } }

describe("content: inhibit rules in a real Alertmanager", function () {
    this.timeout(60_000);
    let am: ChildProcess | undefined;
    let url = "";

    before(async () => {
        const cfg = alertmanagerConfig({ topicArn: TOPIC, region: "us-east-1", labels: o.labels }) as { receivers: Array<{ name: string }>; templates?: string[] };
        cfg.receivers = cfg.receivers.map((r) => ({ name: r.name }));
        delete cfg.templates;
        const dir = tempDir("am-inhibit");
        fs.writeFileSync(path.join(dir, "alertmanager.yml"), YAML.stringify(cfg));
        const port = await freePort();
        url = `http://127.0.0.1:${port}`;
        am = spawn(binary(), [
            `--config.file=${path.join(dir, "alertmanager.yml")}`, `--storage.path=${path.join(dir, "data")}`,
            `--web.listen-address=127.0.0.1:${port}`, "--cluster.listen-address=",
        ], { stdio: "ignore" });
        for (let i = 0; i < 200; i++) {
            try {
                if ((await fetch(`${url}/-/ready`)).ok) {
                    return;
                }
            } catch {
                // not listening yet
            }
            await new Promise((r) => setTimeout(r, 100));
        }
        throw new Error("alertmanager did not become ready");
    });

    after(async () => {
        // Alertmanager writes its snapshot on the way out: remove its data directory only once it has exited.
        if (am !== undefined && am.exitCode === null) {
            const exited = new Promise((r) => am!.once("exit", r));
            am.kill();
            await exited;
        }
        removeTempDirs();
    });

    async function post(alerts: Array<Record<string, string>>): Promise<void> {
        const res = await fetch(`${url}/api/v2/alerts`, {
            method: "POST", headers: { "content-type": "application/json" },
            body: JSON.stringify(alerts.map((labels) => ({ labels, startsAt: new Date().toISOString() }))),
        });
        assert.ok(res.ok, `POST alerts: ${res.status}`);
    }

    /** Polls (bounded) until at least `expectInhibited` alerts are suppressed, then returns all alerts. */
    async function states(expectInhibited: number): Promise<AmAlert[]> {
        let alerts: AmAlert[] = [];
        for (let i = 0; i < 100; i++) {
            alerts = (await (await fetch(`${url}/api/v2/alerts`)).json()) as AmAlert[];
            if (alerts.filter((a) => a.status.state === "suppressed").length >= expectInhibited) {
                break;
            }
            await new Promise((r) => setTimeout(r, 100));
        }
        return alerts;
    }

    const spoke = { alertname: ALERTS.accountSilent, [ALERT_LABELS.scope]: "spoke", [ALERT_LABELS.severity]: "critical", [o.labels.account]: "222222222222" };
    const drFailing = { alertname: ALERTS.hubRemoteWriteFailing, [ALERT_LABELS.scope]: "hub", [ALERT_LABELS.severity]: "critical", job: o.hubCollectorJob, exporter: "prometheusremotewrite/dr" };
    const primaryFailing = { ...drFailing, exporter: PRIMARY_REMOTE_WRITE_EXPORTER };

    it("a failing DR exporter mutes no spoke alert, a failing primary exporter mutes them", async () => {
        await post([spoke, drFailing]);
        let alerts = await states(0);
        assert.deepStrictEqual(alerts.filter((a) => a.status.state === "suppressed").map((a) => a.labels.alertname), []);
        assert.strictEqual(alerts.find((a) => a.labels.alertname === ALERTS.accountSilent)?.status.state, "active");

        await post([primaryFailing]);
        alerts = await states(1);
        const silent = alerts.find((a) => a.labels.alertname === ALERTS.accountSilent);
        assert.strictEqual(silent?.status.state, "suppressed");
        // Exactly one inhibitor (the primary alert): with the old rule the DR alert would be a second one.
        assert.strictEqual(silent?.status.inhibitedBy.length, 1);
        // The DR alert itself stays visible: it is a hub alert, not a spoke alert.
        assert.strictEqual(alerts.find((a) => a.labels.exporter === "prometheusremotewrite/dr")?.status.state, "active");
    });

    it("a failing primary exporter mutes no tenant alert: a tenant at its series limit (whose refused writes may be the failures) and an expiring certificate stay active", async () => {
        const tenant = { [ALERT_LABELS.scope]: "spoke", [ALERT_LABELS.severity]: "warning", [o.labels.account]: "333333333333" };
        const nearLimit = { ...tenant, alertname: TENANT_ALERTS.activeSeriesNearLimit };
        const expiring = { ...tenant, alertname: TENANT_ALERTS.certificateExpiring };
        const otherSilent = { ...spoke, [o.labels.account]: "333333333333" };
        await post([primaryFailing, nearLimit, expiring, otherSilent]);
        const alerts = await states(2);
        const state = (name: string, account: string): string | undefined => alerts.find((a) => a.labels.alertname === name && a.labels[o.labels.account] === account)?.status.state;
        assert.strictEqual(state(ALERTS.accountSilent, "333333333333"), "suppressed", "a spoke symptom of the outage is still muted");
        assert.strictEqual(state(TENANT_ALERTS.activeSeriesNearLimit, "333333333333"), "active");
        assert.strictEqual(state(TENANT_ALERTS.certificateExpiring, "333333333333"), "active");
    });
});
