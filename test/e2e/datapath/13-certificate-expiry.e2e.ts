import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { renderRuleNamespaces } from "../../../components/content/index";
import { resolveContentOptions } from "../../../components/content/options";
import { TENANT_ALERTS, TENANT_RECORDS } from "../../../components/content/tenantRules";
import { CERT_SEEN_METRIC, TENANT_PROXY_JOB } from "../../../components/telemetry/certSeenMetrics";
import { normalizeSerial } from "../../../components/identity/proxyFiles";
import { tenantCertificateSignals } from "../../../components/identity/tenantIdentities";
import { seenSeries } from "../../components/identity/certSeenText";
import { PARAMS } from "./lib/env";
import { OtlpSender } from "./lib/otlp";
import { Prometheus } from "./lib/prometheus";
import { sleep, stopAll, waitFor } from "./lib/procs";
import { scenario } from "./lib/report";
import { TenantCert, issueTenantCert } from "./lib/tls";
import { ACCOUNTS, Hub, SITES, TENANTS, prepareRun, startHub, startStore } from "./lib/topology";

/** identity.rotationDays as deployed (the alert warns one period ahead). */
const ROTATION_DAYS = 30;
/** The proxy forgets a certificate not presented for this long (deployed: 2 h), so the rotation is seen within the test. */
const TTL_SECONDS = 40;
/** The alert's `for` (1h deployed) scaled to 30 s; rules evaluated every PARAMS.ruleIntervalSeconds. */
const FOR_SCALE = 30 / 3600;
const SERIES = 10;

const SITE = TENANTS.find((t) => t.kind === "onprem" && t.site === SITES.dc1)!;
const ACCOUNT = TENANTS.find((t) => t.kind === "monitored" && t.account === ACCOUNTS.spokeA)!;

/** notAfter of a PEM certificate, Unix seconds, as openssl prints it. */
function notAfter(cert: TenantCert): number {
    const out = execFileSync("openssl", ["x509", "-noout", "-enddate", "-in", cert.cert], { encoding: "utf8" });
    return Date.parse(out.trim().replace(/^notAfter=/, "")) / 1000;
}

describe("data path 13: certificate expiry — the hub alerts on the certificate a tenant's senders actually present", function () {
    let dir: string;
    let prom: Prometheus;
    let hub: Hub;
    let run = "";
    let issued = 0;
    let short: TenantCert;
    let renewed: TenantCert;
    let long: TenantCert;
    // One sender per certificate: a rotation is a new client (new handshake), as a restarted collector is.
    let siteShort: OtlpSender;
    let siteRenewed: OtlpSender;
    let account: OtlpSender;
    const siteSel = (metric: string) => `${metric}{e2e_run="${run}",account="${SITE.account}",site="${SITE.site}"}`;
    const record = async (t: { account: string; site?: string }) => prom.value(`${TENANT_RECORDS.certificateExpiry}{account="${t.account}",site="${t.site ?? ""}"}`);
    const firing = async () => (await prom.query(`ALERTS{alertname="${TENANT_ALERTS.certificateExpiring}",alertstate="firing"}`)).map((r) => ({ account: r.metric.account, site: r.metric.site }));
    const seen = async () => seenSeries(await hub.certificatesSeen());
    const seenKey = (t: { account: string; site?: string }, cert: TenantCert) => `{tenant_account="${t.account}"${t.site !== undefined ? `,tenant_site="${t.site}"` : ""},serial="${normalizeSerial(cert.serial)}"}`;
    /** One round of each given sender every sample interval until `done` answers. */
    async function sendUntil<T>(what: string, senders: OtlpSender[], done: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
            const t = Date.now();
            await Promise.all(senders.map((s) => s.round()));
            const v = await done().catch(() => undefined);
            if (v !== undefined) return v;
            if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
            await sleep(Math.max(0, PARAMS.sampleIntervalSeconds * 1000 - (Date.now() - t)));
        }
    }

    before(async function () {
        this.timeout(600_000);
        let pki;
        ({ dir, pki } = await prepareRun("s13"));
        run = path.basename(dir);
        // The issued constants exactly as the hub renders them (60-90 days out with 30-day rotation): they alone fire nothing.
        const signals = tenantCertificateSignals(TENANTS, new Date(), ROTATION_DAYS);
        issued = signals[0].notAfterSeconds;
        const options = resolveContentOptions({
            tenantCertificates: signals, tenantCertWarningDays: ROTATION_DAYS, alertForScale: FOR_SCALE,
            ruleIntervalSeconds: PARAMS.ruleIntervalSeconds, silentAfterMinutes: PARAMS.silentAfterMinutes, minHubCollectorReplicas: 1,
        });
        const ruleFiles = renderRuleNamespaces(options).map((ns) => { const file = path.join(dir, `${ns.kind}.rules.yml`); fs.writeFileSync(file, ns.yaml); return file; });
        // A lookback of 1 m: a series the proxy stopped serving leaves the rule's view within a minute of its last sample.
        prom = await startStore("primary", dir, pki, { ruleFiles, evaluationSeconds: PARAMS.ruleIntervalSeconds, lookbackDelta: "1m" });
        hub = await startHub("hub", dir, pki, [{ name: "primary", url: prom.remoteWriteUrl }], { certSeen: { ttlSeconds: TTL_SECONDS } });
        const pkiDir = path.join(dir, "pki");
        // The site holds a certificate with rotationDays - 1 days left (a copy nobody renewed); the account a fresh one.
        short = issueTenantCert(pkiDir, SITE, "site-short", ROTATION_DAYS - 1);
        renewed = issueTenantCert(pkiDir, SITE, "site-renewed", 3 * ROTATION_DAYS);
        long = issueTenantCert(pkiDir, ACCOUNT, "account-long", 3 * ROTATION_DAYS);
        const base = { series: SERIES, pointAttributes: { e2e_run: run } };
        siteShort = new OtlpSender(hub.httpUrl, { ...base, metric: "e2e_cert_site", resource: { "service.name": "gateway" }, transport: "http-protobuf", tls: hub.senderTls(short) });
        siteRenewed = new OtlpSender(hub.httpUrl, { ...base, metric: "e2e_cert_site", resource: { "service.name": "gateway" }, transport: "http-protobuf", tls: hub.senderTls(renewed) });
        account = new OtlpSender(hub.grpcEndpoint, { ...base, metric: "e2e_cert_account", resource: { "service.name": "spoke" }, transport: "grpc", tls: hub.senderTls(long) });
    });
    after(async () => { siteShort?.close(); siteRenewed?.close(); account?.close(); await stopAll(); });

    it("raises the expiry alert for the tenant whose senders present a certificate about to expire, with its account and site, while all its data is stored; not for the other", async function () {
        this.timeout(600_000);
        await scenario("13-expiring-certificate-alert", async (f) => {
            const t0 = Date.now();
            const alerts = await sendUntil("the expiry alert", [siteShort, account], async () => { const a = await firing(); return a.length > 0 ? a : undefined; }, 300_000);
            const firedAfterSeconds = Math.round((Date.now() - t0) / 1000);
            // Its data keeps flowing while the alert fires.
            for (let i = 0; i < 5; i++) {
                await Promise.all([siteShort.round(), account.round()]);
                await sleep(PARAMS.sampleIntervalSeconds * 1000);
            }
            const stillFiring = await firing();
            const recorded = { site: await record(SITE), account: await record(ACCOUNT) };
            const table = await seen();
            f.sent = siteShort.accepted;
            f.stored = await waitFor("every sample of the site", async () => { const n = await prom.samples(siteSel("e2e_cert_site")); return n >= f.sent ? n : undefined; }, 60_000).catch(async () => prom.samples(siteSel("e2e_cert_site")));
            f.lost = f.sent - f.stored;
            const accountSent = account.accepted;
            const accountStored = await prom.samples(`e2e_cert_account{e2e_run="${run}",account="${ACCOUNT.account}"}`);
            f.details = {
                rotationDays: ROTATION_DAYS, shortCertificateDays: ROTATION_DAYS - 1, forSeconds: 30, ruleIntervalSeconds: PARAMS.ruleIntervalSeconds,
                firedAfterSeconds, firing: stillFiring, recorded, issued, shortNotAfter: notAfter(short), longNotAfter: notAfter(long),
                proxyTable: table, siteFailedRounds: siteShort.failedRequests, accountSent, accountStored,
            };
            assert.deepStrictEqual(alerts, [{ account: SITE.account, site: SITE.site }], "only the site's alert, with its account and site");
            assert.deepStrictEqual(stillFiring, alerts);
            assert.strictEqual(recorded.site, notAfter(short), "the site's expiry is the certificate its senders present, not the later one the hub issued");
            assert.ok(recorded.site < issued);
            assert.strictEqual(recorded.account, issued, "the account's presented certificate outlives the issued one: the issued one counts");
            assert.strictEqual(table[seenKey(SITE, short)], notAfter(short));
            assert.strictEqual(table[seenKey(ACCOUNT, long)], notAfter(long));
            assert.strictEqual(siteShort.failedRequests, 0);
            assert.ok(f.sent > 0);
            assert.strictEqual(f.stored, f.sent, "every sample the site sent is stored");
            assert.strictEqual(accountStored, accountSent);
        });
    });

    it("stops counting a certificate its tenant rotated away from: the proxy drops it after its TTL and the alert resolves, nothing the tenant sent is lost", async function () {
        this.timeout(600_000);
        await scenario("13-rotated-certificate-dropped", async (f) => {
            siteShort.close();
            const lastPresented = Math.max(...siteShort.acceptedRounds.map((r) => r.answeredAt));
            const t0 = Date.now();
            const afterRotation = await sendUntil("the short certificate to leave the proxy's table", [siteRenewed, account], async () => {
                const t = await seen();
                return t[seenKey(SITE, short)] === undefined && t[seenKey(SITE, renewed)] !== undefined ? t : undefined;
            }, (TTL_SECONDS + 60) * 1000);
            const droppedAfterSeconds = Math.round((Date.now() - lastPresented) / 1000);
            const resolved = await sendUntil("the site's record back to the issued expiry and no alert", [siteRenewed, account], async () => {
                return (await record(SITE)) === issued && (await firing()).length === 0 ? true : undefined;
            }, 300_000);
            const resolvedAfterSeconds = Math.round((Date.now() - t0) / 1000);
            f.sent = siteShort.accepted + siteRenewed.accepted;
            f.stored = await waitFor("every sample of the site, both certificates", async () => { const n = await prom.samples(siteSel("e2e_cert_site")); return n >= f.sent ? n : undefined; }, 60_000).catch(async () => prom.samples(siteSel("e2e_cert_site")));
            f.lost = f.sent - f.stored;
            f.details = { ttlSeconds: TTL_SECONDS, droppedAfterSeconds, resolvedAfterSeconds, proxyTable: afterRotation, renewedNotAfter: notAfter(renewed), failedRounds: siteRenewed.failedRequests };
            assert.strictEqual(resolved, true);
            // Kept while it could still be in use: not before its TTL since it was last presented (the proxy's clock has whole seconds).
            assert.ok(droppedAfterSeconds >= TTL_SECONDS - 1, `dropped ${droppedAfterSeconds} s after it was last presented (TTL ${TTL_SECONDS} s)`);
            assert.strictEqual(afterRotation[seenKey(SITE, renewed)], notAfter(renewed));
            assert.strictEqual(siteRenewed.failedRequests, 0);
            assert.strictEqual(f.stored, f.sent, "every sample the site sent, before and after its rotation, is stored");
        });
    });

    it("ignores a tenant's own series named like the proxy's: claiming another tenant's certificate expired moves nobody's expiry", async function () {
        this.timeout(600_000);
        await scenario("13-forged-expiry-ignored", async (f) => {
            // The account pushes the proxy's metric under the proxy's job, claiming to be the hub, about the site.
            const forger = new OtlpSender(hub.grpcEndpoint, {
                metric: CERT_SEEN_METRIC, series: 1, transport: "grpc", tls: hub.senderTls(long),
                resource: { "service.name": TENANT_PROXY_JOB, source_role: "hub", account: ACCOUNTS.hub, "monitoring.source_role": "hub" },
                pointAttributes: { e2e_run: run, tenant_account: SITE.account, tenant_site: SITES.dc1, serial: "66", source_role: "hub", account: ACCOUNTS.hub },
            });
            try {
                const stored = await sendUntil("the forged series in the store", [forger, siteRenewed, account], async () => {
                    const s = await prom.series(`${CERT_SEEN_METRIC}{e2e_run="${run}"}`);
                    return s.length > 0 ? s : undefined;
                }, 120_000);
                // Two more scrapes of the proxy and several rule evaluations with the forged samples in the store.
                await sendUntil("two proxy scrapes", [forger, siteRenewed, account], async () => undefined, 65_000).catch(() => undefined);
                const recorded = { site: await record(SITE), account: await record(ACCOUNT) };
                const alerts = await firing();
                f.sent = forger.accepted;
                f.stored = await prom.samples(`${CERT_SEEN_METRIC}{e2e_run="${run}"}`);
                f.details = { forgedSeries: stored, recorded, alerts, forgedValueMax: forger.rounds };
                assert.deepStrictEqual(stored.map((s) => ({ account: s.account, source_role: s.source_role, site: s.site })), [{ account: ACCOUNT.account, source_role: "monitored", site: undefined }], "stored under the sender's own identity");
                assert.strictEqual(recorded.site, issued, "the site's expiry did not move");
                assert.strictEqual(recorded.account, issued, "nor the forger's");
                assert.deepStrictEqual(alerts, []);
            } finally {
                forger.close();
            }
        });
    });
});
