import * as assert from "assert";
import { SPOKE_COLLECTOR_JOB } from "../../../components/agent/spokeCollectorConfig";
import { RECORDS } from "../../../components/content/recordingRules";
import { TENANT_HEADERS } from "../../../components/identity/tenants";
import { PARAMS } from "./lib/env";
import { request } from "./lib/http";
import { Attributes, OtlpSender, OtlpSenderOptions, OtlpTransport } from "./lib/otlp";
import { Prometheus } from "./lib/prometheus";
import { stopAll, waitFor } from "./lib/procs";
import { scenario } from "./lib/report";
import { KeyPair, RunPki } from "./lib/tls";
import { ACCOUNTS, Hub, KEYS, SITES, contentRules, gatewayCollector, prepareRun, spokeCollector, spokePorts, startHub, startStore } from "./lib/topology";

type Transport = OtlpTransport;
const TRANSPORTS: readonly Transport[] = ["grpc", "http"];
/** Every encoding and transport the hub accepts: OTLP/gRPC, OTLP/HTTP protobuf, OTLP/HTTP JSON. */
const ENCODINGS: readonly Transport[] = ["grpc", "http-protobuf", "http"];

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

/**
 * A claim repeated the way the OTLP wire allows (attributes are a list; nothing makes keys unique):
 * several copies of each identity label, of the semantic-convention keys the hub maps to them, and of
 * keys the remote-write exporter merges into `source_role` (`source.role`, `source-role`, a newline, and,
 * since its label namer collapses a run of non-alphanumeric runes into one `_`, `source._role`,
 * `source--role`, `source_\u00e9_role`: prometheus/otlptranslator@v1.0.0 strconv.go:52-66),
 * in resource, scope and data-point attributes. Before the fix a key delete removed only the first
 * copy and the exporter built labels from the rest (issue 21).
 */
function repeatedClaims(account: string, site: string, role: string, serviceName: string, shape: "everywhere" | "resource" = "everywhere"): Pick<OtlpSenderOptions, "resource" | "scopeAttributes" | "pointAttributes" | "headers"> {
    const times = (n: number, kv: readonly [string, string]): Array<readonly [string, string]> => Array.from({ length: n }, () => kv);
    const identity = (n: number): Array<readonly [string, string]> => [
        ...times(n, ["account", account]), ...times(n, ["site", site]), ...times(n, ["source_role", role]),
        ["source.role", role], ["source-role", role], ["source\nrole", role],
        ["source._role", role], ["source--role", role], ["source_\u00e9_role", role],
    ];
    const resource: Attributes = [
        ["service.name", serviceName], ...identity(3),
        ...times(2, ["cloud.account.id", account]), ...times(2, ["monitoring.site", site]), ...times(2, ["monitoring.source_role", role]),
        ...identity(1),
    ];
    // Only the resource repeats the claim (three copies of each label): the shape that stored clean
    // forged values before the fix, where repetitions on data points stored `;`-joined ones.
    if (shape === "resource") {
        const labels = (n: number) => [...times(n, ["account", account]), ...times(n, ["site", site]), ...times(n, ["source_role", role])];
        return { resource: [["service.name", serviceName], ...labels(3)] };
    }
    return {
        resource, scopeAttributes: identity(2), pointAttributes: [...identity(3), ...identity(1)],
        headers: { [TENANT_HEADERS.account]: account, [TENANT_HEADERS.site]: site, [TENANT_HEADERS.role]: role },
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

    /** Every series of `metric`, grouped by job, with the identity labels each carries (absent as undefined). */
    const identityLabelsByJob = async (metric: string): Promise<Record<string, Array<{ account?: string; site?: string; source_role?: string }>>> => {
        const out: Record<string, Array<{ account?: string; site?: string; source_role?: string }>> = {};
        for (const l of await prom.series(metric)) (out[l.job] ??= []).push({ account: l.account, site: l.site, source_role: l.source_role });
        return out;
    };

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

    it("stores every sample under the certificate's tenant whatever copies of identity keys a request repeats, over gRPC, HTTP protobuf and HTTP JSON", async () => scenario("8-repeated-identity-keys", async (f) => {
        const metric = "e2e_repeated_gauge";
        const rounds = 5;
        const series = 4;
        // Each tenant aims at another tenant and at the hub's own identity (which its self-monitoring alerts trust).
        const attacks = [
            { tenant: "A", cert: KEYS.spokeA, target: "B", account: ACCOUNTS.spokeB, site: SITES.dc2, role: "monitored" },
            { tenant: "A", cert: KEYS.spokeA, target: "hub", account: ACCOUNTS.hub, site: SITES.dc2, role: "hub" },
            { tenant: "dc1", cert: KEYS.dc1, target: "dc2", account: ACCOUNTS.site2, site: SITES.dc2, role: "onprem" },
            { tenant: "dc1", cert: KEYS.dc1, target: "hub", account: ACCOUNTS.hub, site: SITES.dc2, role: "hub" },
        ];
        const expected = { A: { account: ACCOUNTS.spokeA, site: undefined, source_role: "monitored" }, dc1: { account: ACCOUNTS.site, site: SITES.dc1, source_role: "onprem" } };
        const shapes = ["everywhere", "resource"] as const;
        const senders = attacks.flatMap((a) => shapes.flatMap((shape) => ENCODINGS.map((t) => {
            const job = `repeat-${a.tenant}-as-${a.target}-${shape}-${t}`;
            return { job, tenant: a.tenant as keyof typeof expected, s: sender(t, pki.tenants[a.cert], { metric, series, ...repeatedClaims(a.account, a.site, a.role, job, shape) }) };
        })));
        for (let i = 0; i < rounds; i++) {
            for (const { s } of senders) await s.round();
            await new Promise((r) => setTimeout(r, PARAMS.sampleIntervalSeconds * 1000));
        }
        senders.forEach(({ s }) => s.close());
        f.sent = senders.reduce((n, { s }) => n + s.accepted, 0);
        const storedUnder = async (job: string, tenant: keyof typeof expected): Promise<number> => {
            const e = expected[tenant];
            return prom.samples(`${metric}{job="${job}", account="${e.account}", site="${e.site ?? ""}", source_role="${e.source_role}"}`);
        };
        const storedOwn = async (): Promise<number> => (await Promise.all(senders.map(({ job, tenant }) => storedUnder(job, tenant)))).reduce((a, b) => a + b, 0);
        f.stored = await waitFor("every repeated-claim sample under its certificate's tenant", async () => { const n = await storedOwn(); return n >= f.sent ? n : undefined; }, 60_000)
            .catch(storedOwn);
        f.lost = f.sent - f.stored;
        const labels = await identityLabelsByJob(metric);
        const claimed = {
            [`account=${ACCOUNTS.spokeB}`]: await prom.samples(`${metric}{account="${ACCOUNTS.spokeB}"}`),
            [`account=${ACCOUNTS.site2}`]: await prom.samples(`${metric}{account="${ACCOUNTS.site2}"}`),
            [`account=${ACCOUNTS.hub}`]: await prom.samples(`${metric}{account="${ACCOUNTS.hub}"}`),
            [`site=${SITES.dc2}`]: await prom.samples(`${metric}{site="${SITES.dc2}"}`),
            "source_role=hub": await prom.samples(`${metric}{source_role="hub"}`),
            "a value with ;": await prom.samples(`${metric}{account=~".*;.*"}`) + await prom.samples(`${metric}{site=~".*;.*"}`) + await prom.samples(`${metric}{source_role=~".*;.*"}`),
        };
        f.details = {
            acceptedBySender: Object.fromEntries(senders.map(({ job, s }) => [job, s.accepted])),
            storedUnderClaims: claimed, labelsOfEachJob: Object.fromEntries(Object.entries(labels).map(([j, l]) => [j, l[0]])),
        };

        assert.strictEqual(senders.every(({ s }) => s.failedRequests === 0 && s.accepted === rounds * series), true, "a tenant's own certificate is admitted whatever its request repeats");
        for (const { job, tenant, s } of senders) {
            assert.deepStrictEqual(labels[job], Array.from({ length: series }, () => expected[tenant]), `${job}: every series labelled exactly with the certificate's identity`);
            assert.strictEqual(await storedUnder(job, tenant), s.accepted, `${job}: every sample stored under its certificate's tenant`);
        }
        assert.deepStrictEqual(claimed, Object.fromEntries(Object.keys(claimed).map((k) => [k, 0])), "nothing under another tenant, the hub, or a corrupted value");
        assert.strictEqual(f.stored, f.sent);
    }));

    it("relays an application's repeated identity keys through an honest spoke collector and site gateway without changing the tenant", async () => scenario("8-repeated-keys-relayed", async (f) => {
        const metric = "e2e_relayed_repeat_gauge";
        const [sp, gp] = [await spokePorts(), await spokePorts()];
        const spoke = await spokeCollector("spoke-honest", dir, pki, ACCOUNTS.spokeA, "payments", hub.ports.otlpGrpc, sp).start();
        const gateway = await gatewayCollector("gateway-honest", dir, pki, hub.ports.otlpHttp, gp, { outageMinutes: 10, samplesPerSecond: 100, storageGi: 1 }).start();
        // Applications that can reach a spoke or gateway hold no certificate; they claim the hub and another tenant.
        const apps = [
            { via: "spoke", job: "relayed-spoke-app", t: "grpc" as const, url: `127.0.0.1:${sp.otlpGrpc}`, claims: repeatedClaims(ACCOUNTS.hub, SITES.dc2, "hub", "relayed-spoke-app"), expect: { account: ACCOUNTS.spokeA, site: undefined, source_role: "monitored" } },
            { via: "gateway", job: "relayed-gateway-app", t: "http-protobuf" as const, url: `http://127.0.0.1:${gp.otlpHttp}/v1/metrics`, claims: repeatedClaims(ACCOUNTS.site2, SITES.dc2, "hub", "relayed-gateway-app"), expect: { account: ACCOUNTS.site, site: SITES.dc1, source_role: "onprem" } },
        ];
        const senders = apps.map((a) => ({ ...a, s: new OtlpSender(a.url, { metric, series: 4, transport: a.t, ...a.claims }) }));
        for (let i = 0; i < 5; i++) {
            for (const { s } of senders) await s.round();
            await new Promise((r) => setTimeout(r, PARAMS.sampleIntervalSeconds * 1000));
        }
        senders.forEach(({ s }) => s.close());
        await spoke.stop();
        await gateway.stop(); // graceful: both flush their queues
        f.sent = senders.reduce((n, { s }) => n + s.accepted, 0);
        const own = async (): Promise<number> => (await Promise.all(senders.map(({ job, expect: e }) =>
            prom.samples(`${metric}{job="${job}", account="${e.account}", site="${e.site ?? ""}", source_role="${e.source_role}"}`)))).reduce((a, b) => a + b, 0);
        f.stored = await waitFor("the relayed samples", async () => { const n = await own(); return n >= f.sent ? n : undefined; }, 60_000).catch(own);
        f.lost = f.sent - f.stored;
        const labels = await identityLabelsByJob(metric);
        const foreign = await prom.samples(`${metric}{account!~"${ACCOUNTS.spokeA}|${ACCOUNTS.site}"}`) + await prom.samples(`${metric}{source_role="hub"}`) + await prom.samples(`${metric}{site="${SITES.dc2}"}`);
        f.details = { acceptedBySender: Object.fromEntries(senders.map(({ job, s }) => [job, s.accepted])), labelsOfEachJob: Object.fromEntries(Object.entries(labels).map(([j, l]) => [j, l[0]])), storedUnderClaims: foreign };

        assert.strictEqual(senders.every(({ s }) => s.failedRequests === 0 && s.accepted === 20), true, "the spoke and gateway accept the applications' requests");
        for (const { job, expect: e } of senders) assert.deepStrictEqual(labels[job], Array.from({ length: 4 }, () => e), `${job}: labelled with the relaying tenant's certificate identity`);
        assert.strictEqual(foreign, 0, "nothing under the hub, another tenant or another site");
        assert.strictEqual(f.stored, f.sent, "every relayed sample stored");
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
        // expired → certificate_expired, foreign CA → unknown_ca, during the handshake; unmapped CN →
        // HTTP 403 after it, which grpc-js reports as PERMISSION_DENIED (@grpc/grpc-js 1.14.7
        // src/subchannel-call.ts, HTTP status mapping); revoked serial → the connection closed right after
        // the handshake (UNAVAILABLE / socket hang up: retried by OTLP exporters, issue 31). `error` records what happened.
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
        // The store is shared by this file's tests: earlier ones leave heartbeats (the honest spoke's under A, the
        // site gateway's under dc1) inside the 5-minute lookback, so select this spoke's own series by its
        // self-metrics instance, and wait for a rule evaluation that saw its heartbeat before judging the records.
        const own = `up{job="${SPOKE_COLLECTOR_JOB}", instance="127.0.0.1:${sp.selfMetrics}"}`;
        const firstBeat = await waitFor("the compromised spoke's heartbeat stored", async () => {
            const ms = (await prom.rawSamples(own)).flatMap((r) => r.samples.map((x) => x.ms));
            return ms.length > 0 ? Math.min(...ms) / 1000 : undefined;
        }, 180_000, 2_000);
        const lastSeenA = (): Promise<number> => prom.value(`max(${RECORDS.sourceLastSeen}{account="${ACCOUNTS.spokeA}", site=""})`);
        await waitFor("a rule evaluation that saw the compromised spoke's heartbeat", async () => ((await lastSeenA()) >= firstBeat ? true : undefined), 180_000, 2_000)
            .catch(async (e: Error) => { throw new Error(`${e.message}: first heartbeat ${firstBeat}, ${JSON.stringify(await prom.query(RECORDS.sourceLastSeen))}, own ${JSON.stringify(await prom.rawSamples(own, "5m"))}`); });
        app.stop();
        await sending;
        await spoke.stop(); // graceful: the spoke flushes its queue
        f.sent = app.accepted;
        const underA = `${metric}{account="${ACCOUNTS.spokeA}", cluster="payments"}`;
        f.stored = await waitFor("the application's samples", async () => { const n = await prom.samples(underA); return n >= f.sent ? n : undefined; }, 60_000).catch(async () => prom.samples(underA));
        f.lost = f.sent - f.stored;
        const heartbeats = await prom.series(own);
        // Monitored accounts only (no site): the site gateway's records of an earlier test carry `site`.
        const recorded = await prom.query(`${RECORDS.sourcePresent}{site=""}`);
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
