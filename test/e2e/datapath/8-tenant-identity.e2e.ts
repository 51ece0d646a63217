import * as assert from "assert";
import { RECORDS } from "../../../components/content/recordingRules";
import { TENANT_HEADERS } from "../../../components/identity/tenants";
import { PARAMS } from "./lib/env";
import { request } from "./lib/http";
import { OtlpSender, OtlpSenderOptions } from "./lib/otlp";
import { Prometheus } from "./lib/prometheus";
import { stopAll, waitFor } from "./lib/procs";
import { scenario } from "./lib/report";
import { KeyPair, RunPki } from "./lib/tls";
import { ACCOUNTS, Hub, KEYS, SITES, contentRules, prepareRun, spokeCollector, spokePorts, startHub, startStore } from "./lib/topology";

type Transport = "grpc" | "http";
const TRANSPORTS: readonly Transport[] = ["grpc", "http"];

/**
 * Everything a sender controls that names a tenant, set to another tenant: resource attributes
 * (the semantic-convention keys the hub maps and the label names themselves), data-point attributes
 * and the very headers the hub's proxy sets (identity-design.md "The shape (hub)").
 */
function claims(account: string, site: string, serviceName: string): Pick<OtlpSenderOptions, "resource" | "pointAttributes" | "headers"> {
    return {
        resource: {
            "service.name": serviceName,
            "cloud.account.id": account, account,
            "monitoring.site": site, site,
            "monitoring.source_role": "onprem", source_role: "onprem",
        },
        pointAttributes: { account, site, source_role: "onprem" },
        headers: { [TENANT_HEADERS.account]: account, [TENANT_HEADERS.site]: site, [TENANT_HEADERS.role]: "onprem" },
    };
}

describe("data path 8: tenant identity — the hub labels series from the client certificate, never from what the sender claims", function () {
    let dir: string;
    let pki: RunPki;
    let prom: Prometheus;
    let hub: Hub;

    /** A sender to the hub's gRPC (4317 role) or HTTP (4318 role) port presenting `cert`. */
    const sender = (transport: Transport, cert: KeyPair | undefined, o: Omit<OtlpSenderOptions, "transport" | "tls">): OtlpSender =>
        new OtlpSender(transport === "grpc" ? hub.grpcEndpoint : hub.httpUrl, { ...o, transport, tls: hub.senderTls(cert) });

    before(async function () {
        this.timeout(3_600_000);
        ({ dir, pki } = await prepareRun("s8"));
        const { ruleFiles } = contentRules(dir);
        prom = await startStore("primary", dir, pki, { ruleFiles, evaluationSeconds: PARAMS.ruleIntervalSeconds });
        hub = await startHub("hub", dir, pki, [{ name: "primary", url: prom.remoteWriteUrl }]);
    });
    after(stopAll);

    it("stores a sender claiming another tenant under its certificate's tenant only, over gRPC and HTTP", async () => scenario("8-forged-claims", async (f) => {
        const metric = "e2e_forged_gauge";
        const rounds = 5;
        // Tenant A (account-222…) claims B (333…) and site dc2; site dc1 claims dc2 and dc2's landing account.
        const forger = (t: Transport, key: string, account: string, job: string): OtlpSender =>
            sender(t, pki.tenants[key], { metric, series: 10, ...claims(account, SITES.dc2, job) });
        const senders = {
            "A-as-B-grpc": forger("grpc", KEYS.spokeA, ACCOUNTS.spokeB, "forger-grpc"),
            "A-as-B-http": forger("http", KEYS.spokeA, ACCOUNTS.spokeB, "forger-http"),
            "dc1-as-dc2-http": forger("http", KEYS.dc1, ACCOUNTS.site2, "site-forger-http"),
            "dc1-as-dc2-grpc": forger("grpc", KEYS.dc1, ACCOUNTS.site2, "site-forger-grpc"),
        };
        const all = Object.values(senders);
        for (let i = 0; i < rounds; i++) {
            for (const s of all) await s.round();
            await new Promise((r) => setTimeout(r, PARAMS.sampleIntervalSeconds * 1000));
        }
        all.forEach((s) => s.close());
        f.sent = all.reduce((n, s) => n + s.accepted, 0);
        const sentA = senders["A-as-B-grpc"].accepted + senders["A-as-B-http"].accepted;
        const sentDc1 = senders["dc1-as-dc2-http"].accepted + senders["dc1-as-dc2-grpc"].accepted;
        const underA = `${metric}{account="${ACCOUNTS.spokeA}"}`;
        const underDc1 = `${metric}{account="${ACCOUNTS.site}",site="${SITES.dc1}"}`;
        f.stored = await waitFor("the forgers' samples under their own tenants", async () => {
            const n = (await prom.samples(underA)) + (await prom.samples(underDc1));
            return n >= f.sent ? n : undefined;
        }, 60_000).catch(async () => (await prom.samples(underA)) + (await prom.samples(underDc1)));
        f.lost = f.sent - f.stored;
        const series = await prom.series(metric);
        const claimed = {
            [`account=${ACCOUNTS.spokeB}`]: await prom.samples(`${metric}{account="${ACCOUNTS.spokeB}"}`),
            [`account=${ACCOUNTS.site2}`]: await prom.samples(`${metric}{account="${ACCOUNTS.site2}"}`),
            [`site=${SITES.dc2}`]: await prom.samples(`${metric}{site="${SITES.dc2}"}`),
        };
        const byJob = (job: string): Array<Record<string, string>> => series.filter((s) => s.job === job);
        f.details = {
            acceptedBySender: Object.fromEntries(Object.entries(senders).map(([k, s]) => [k, s.accepted])),
            storedUnderA: await prom.samples(underA), storedUnderDc1: await prom.samples(underDc1),
            storedUnderClaims: claimed, series: series.length,
            labelsOfAForger: byJob("forger-grpc")[0], labelsOfSiteForger: byJob("site-forger-http")[0],
        };

        assert.strictEqual(all.every((s) => s.failedRequests === 0), true, "a tenant's own certificate is admitted whatever it claims");
        assert.strictEqual(await prom.samples(underA), sentA, "every sample of tenant A stored under A");
        assert.strictEqual(await prom.samples(underDc1), sentDc1, "every sample of site dc1 stored under dc1 and its landing account");
        assert.deepStrictEqual(claimed, { [`account=${ACCOUNTS.spokeB}`]: 0, [`account=${ACCOUNTS.site2}`]: 0, [`site=${SITES.dc2}`]: 0 }, "tenant A cannot write as B; site dc1 cannot write as dc2");
        assert.strictEqual(series.length, 40, "10 series per sender");
        for (const job of ["forger-grpc", "forger-http"]) {
            const s = byJob(job);
            assert.ok(s.length === 10 && s.every((l) => l.account === ACCOUNTS.spokeA && l.site === undefined && l.source_role === "monitored"), `${job}: ${JSON.stringify(s[0])}`);
        }
        for (const job of ["site-forger-http", "site-forger-grpc"]) {
            const s = byJob(job);
            assert.ok(s.length === 10 && s.every((l) => l.account === ACCOUNTS.site && l.site === SITES.dc1 && l.source_role === "onprem"), `${job}: ${JSON.stringify(s[0])}`);
        }
    }));

    it("refuses an expired, revoked, unmapped or foreign-CA certificate and a sender without one, on every hub port", async () => scenario("8-refused-identities", async (f) => {
        const metric = "e2e_identity_gauge";
        const rounds = 3;
        const identities: Array<[string, KeyPair | undefined]> = [
            ["no certificate", undefined],
            ["expired", pki.refused.expired],
            ["revoked serial", pki.refused.revoked],
            ["CN not in the maps", pki.refused.unmapped],
            ["foreign CA", pki.refused.foreignCa],
        ];
        // How each is refused (HAProxy 2.6 manual 5.1 `verify required` + `ca-file`, and the renderer's
        // deny rules): no certificate → TLS alert certificate_required (116, RFC 8446 4.4.2.4 / 6.2),
        // expired → certificate_expired, foreign CA → unknown_ca, during the handshake; unmapped CN and
        // revoked serial → HTTP 403 after it, which grpc-js reports as PERMISSION_DENIED
        // (@grpc/grpc-js 1.14.7 src/subchannel-call.ts, HTTP status mapping). `error` records what happened.
        const attempts: Record<string, { accepted: number; refusedRounds: number; error: string }> = {};
        let sentRefused = 0;
        for (const [name, cert] of identities) {
            for (const t of TRANSPORTS) {
                const s = sender(t, cert, { metric, series: 2, resource: { "service.name": `refused-${t}-${name.replace(/\W+/g, "-")}` } });
                for (let i = 0; i < rounds; i++) await s.round();
                s.close();
                sentRefused += rounds * 2;
                attempts[`${name} (${t})`] = { accepted: s.accepted, refusedRounds: s.failedRequests, error: s.lastError };
            }
        }
        // The health port (13133 role): no client certificate, only the monitor URI answers, nothing is forwarded.
        const healthUrl = `https://127.0.0.1:${hub.ports.health}`;
        const tls = hub.senderTls();
        const body = JSON.stringify({ resourceMetrics: [{ resource: { attributes: [{ key: "service.name", value: { stringValue: "refused-health" } }] }, scopeMetrics: [{ metrics: [{ name: metric, gauge: { dataPoints: [{ timeUnixNano: `${Date.now()}000000`, asDouble: 1 }] } }] }] }] });
        const health = {
            "GET /": (await request(`${healthUrl}/`, tls)).status,
            "POST /v1/metrics": (await request(`${healthUrl}/v1/metrics`, { ...tls, method: "POST", body, headers: { "content-type": "application/json" } })).status,
            "POST /": (await request(`${healthUrl}/`, { ...tls, method: "POST", body, headers: { "content-type": "application/json" } })).status,
        };
        // The control, sent last: once its samples are stored, anything admitted before them would be too.
        const controls = TRANSPORTS.map((t) => sender(t, pki.tenants[KEYS.spokeA], { metric, series: 2, resource: { "service.name": `control-${t}` } }));
        for (const c of controls) { await c.round(); c.close(); }
        const controlSent = controls.reduce((n, c) => n + c.accepted, 0);
        await waitFor("the control samples", async () => ((await prom.samples(`${metric}{job=~"control-.*"}`)) >= controlSent ? true : undefined), 60_000);

        // Sent: the refused senders' points, the two health-port POSTs' one point each, the control's.
        f.sent = sentRefused + 2 + controlSent;
        const storedRefused = await prom.samples(`${metric}{job=~"refused-.*"}`);
        f.stored = storedRefused + (await prom.samples(`${metric}{job=~"control-.*"}`));
        const refusedRequests = Object.values(attempts).reduce((n, a) => n + a.refusedRounds, 0);
        f.details = { refusedRequests, storedFromRefused: storedRefused, attempts, healthPort: health, controlSent };

        for (const [k, a] of Object.entries(attempts)) assert.deepStrictEqual([k, a.accepted, a.refusedRounds], [k, 0, rounds], `${k}: ${a.error}`);
        assert.strictEqual(controlSent, 4, "tenant A's own certificate is admitted on both ports (control)");
        assert.strictEqual(storedRefused, 0, "nothing of a refused sender reaches the store");
        assert.strictEqual(health["GET /"], 200, "the health check answers without a client certificate");
        assert.notStrictEqual(health["POST /v1/metrics"], 200, "the health port serves no OTLP");
        assert.strictEqual(f.stored, controlSent);
    }));

    it("rules see the enforced labels: a compromised spoke configured as account B with A's certificate keeps only A present", async () => scenario("8-rules-on-enforced-labels", async (f) => {
        // The monitored account's real collector config, with B's account and cluster, presenting A's
        // certificate; an application behind it claims B as well.
        const sp = await spokePorts();
        const spoke = await spokeCollector("spoke-compromised", dir, pki, ACCOUNTS.spokeB, "payments", hub.ports.otlpGrpc, sp, pki.tenants[KEYS.spokeA]).start();
        const metric = "e2e_compromised_gauge";
        const app = new OtlpSender(`http://127.0.0.1:${sp.otlpHttp}/v1/metrics`, { metric, series: 10, ...claims(ACCOUNTS.spokeB, SITES.dc2, "payments-app") });
        const sending = app.run(PARAMS.sampleIntervalSeconds * 1000, Date.now() + 3_600_000);
        const present = (account: string): Promise<number> => prom.value(`count(${RECORDS.sourcePresent}{account="${account}"})`);
        await waitFor("the compromised spoke's heartbeat recorded", async () => ((await present(ACCOUNTS.spokeA)) > 0 ? true : undefined), 180_000, 2_000);
        app.stop();
        await sending;
        await spoke.stop(); // graceful: the spoke flushes its queue
        f.sent = app.accepted;
        const underA = `${metric}{account="${ACCOUNTS.spokeA}", cluster="payments"}`;
        f.stored = await waitFor("the application's samples", async () => { const n = await prom.samples(underA); return n >= f.sent ? n : undefined; }, 60_000).catch(async () => prom.samples(underA));
        f.lost = f.sent - f.stored;
        const heartbeats = await prom.series(`up{job="adot-spoke-collector"}`);
        const recorded = await prom.query(RECORDS.sourcePresent);
        const storedUnderB = await prom.samplesAcrossNames(`{account="${ACCOUNTS.spokeB}"}`);
        f.details = {
            recordedPresent: recorded.map((r) => r.metric), heartbeatLabels: heartbeats.map((h) => ({ account: h.account, cluster: h.cluster, source_role: h.source_role })),
            storedUnderB, presentB: await present(ACCOUNTS.spokeB),
        };
        assert.ok(heartbeats.length > 0 && heartbeats.every((h) => h.account === ACCOUNTS.spokeA && h.source_role === "monitored" && h.site === undefined), JSON.stringify(heartbeats));
        assert.deepStrictEqual(recorded.map((r) => r.metric.account), [ACCOUNTS.spokeA], `${RECORDS.sourcePresent} carries the certificate's account only`);
        assert.strictEqual(await present(ACCOUNTS.spokeB), 0, "the spoke cannot keep account B present (its silent alert would still fire)");
        assert.strictEqual(storedUnderB, 0, "nothing stored under B");
        assert.strictEqual(f.stored, f.sent, "every relayed sample stored, under A");
    }));
});
