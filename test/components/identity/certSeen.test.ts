import * as assert from "assert";
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CERT_SEEN_LUA_NAMES, renderCertSeenLua } from "../../../components/identity/certSeen";
import { request } from "../../e2e/datapath/lib/http";
import { seenSeries } from "./certSeenText";
import { freePort, waitFor } from "../../e2e/datapath/lib/procs";

/**
 * The rendered Lua script run by Debian's HAProxy 2.6 itself (its Lua 5.3, its `core` API), not by a
 * separate interpreter: a test frontend feeds the action the variables the identity rules set from
 * the certificate (here from request headers), a test service calls the script's time parser, and the
 * script's own service serves the table. The wiring with real client certificates is in
 * haproxyRuntime.test.ts.
 */

describe("tenant proxy: presented-certificate table (Lua in HAProxy 2.6)", function () {
    this.timeout(60_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cert-seen-"));
    const procs: ChildProcess[] = [];

    /** HAProxy with the rendered script, a feeding frontend and the parser service, on one loopback port. */
    async function start(name: string, lua: string): Promise<string> {
        const sub = path.join(dir, name);
        fs.mkdirSync(sub);
        fs.writeFileSync(path.join(sub, "cert-seen.lua"), lua);
        fs.writeFileSync(path.join(sub, "parse.lua"), [
            "core.register_service(\"parse\", \"http\", function(applet)",
            "    local body = tostring(oss_cert_seen.asn1_time_to_unix(applet.qs))",
            "    applet:set_status(200)",
            "    applet:add_header(\"content-length\", tostring(#body))",
            "    applet:start_response()",
            "    applet:send(body)",
            "end)",
        ].join("\n"));
        const port = await freePort();
        fs.writeFileSync(path.join(sub, "haproxy.cfg"), [
            "global",
            `    lua-load ${path.join(sub, "cert-seen.lua")}`,
            `    lua-load ${path.join(sub, "parse.lua")}`,
            "defaults",
            "    mode http",
            "    timeout connect 5s",
            "    timeout client 10s",
            "    timeout server 10s",
            "frontend test",
            `    bind 127.0.0.1:${port}`,
            "    http-request use-service lua.parse if { path /parse }",
            `    http-request use-service lua.${CERT_SEEN_LUA_NAMES.service} if { path /metrics }`,
            "    http-request set-var(txn.tenant_account) req.hdr(x-account) if { req.hdr(x-account) -m found }",
            "    http-request set-var(txn.tenant_site) req.hdr(x-site) if { req.hdr(x-site) -m found }",
            "    http-request set-var(txn.cert_serial) req.hdr(x-serial)",
            "    http-request set-var(txn.cert_not_after) req.hdr(x-not-after)",
            `    http-request lua.${CERT_SEEN_LUA_NAMES.action}`,
            "    http-request return status 204",
            "",
        ].join("\n"));
        const p = spawn("haproxy", ["-db", "-f", path.join(sub, "haproxy.cfg")], { stdio: ["ignore", "ignore", "inherit"] });
        procs.push(p);
        const base = `http://127.0.0.1:${port}`;
        await waitFor(`${name} haproxy`, async () => ((await request(`${base}/metrics`).catch(() => undefined))?.status === 200 ? true : undefined), 20_000, 100);
        return base;
    }

    const present = async (base: string, account: string, serial: string, notAfter: string, site?: string) => {
        const r = await request(`${base}/record`, { headers: { "x-account": account, "x-serial": serial, "x-not-after": notAfter, ...(site !== undefined ? { "x-site": site } : {}) } });
        assert.strictEqual(r.status, 204);
    };

    after(() => {
        for (const p of procs) p.kill();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("converts both ASN.1 time forms to Unix seconds in UTC, two-digit years as 20YY (what HAProxy prints), and refuses anything else", async () => {
        const base = await start("parse", renderCertSeenLua());
        const parse = async (t: string) => (await request(`${base}/parse?${t}`)).body;
        const expected: Array<[string, string]> = [
            ["260101000000Z", String(Date.UTC(2026, 0, 1) / 1000)],
            ["270228235959Z", String(Date.UTC(2027, 1, 28, 23, 59, 59) / 1000)],
            ["280229120000Z", String(Date.UTC(2028, 1, 29, 12) / 1000)], // leap day
            // HAProxy cuts "20" off a GeneralizedTime (src/ssl_utils.c ssl_sock_get_time): 2051, not 1951.
            ["510101000000Z", String(Date.UTC(2051, 0, 1) / 1000)],
            ["20510101000000Z", String(Date.UTC(2051, 0, 1) / 1000)],
            ["21000301000000Z", String(Date.UTC(2100, 2, 1) / 1000)], // 2100 is no leap year
            ["19991231235959Z", String(Date.UTC(1999, 11, 31, 23, 59, 59) / 1000)],
        ];
        for (const [t, want] of expected) {
            assert.strictEqual(await parse(t), want, t);
        }
        for (const bad of ["2601010000Z", "260101000000", "261301000000Z", "260132000000Z", "260101240000Z", "2026-01-01T00:00:00Z", ""]) {
            assert.strictEqual(await parse(bad), "nil", bad);
        }
    });

    it("serves one series per tenant and serial with the notAfter, labels escaped, and counts what it could not parse", async () => {
        const base = await start("table", renderCertSeenLua());
        await present(base, "222222222222", "0A1B", "261207120000Z");
        await present(base, "222222222222", "0A1B", "261207120000Z"); // the same certificate again: one entry
        await present(base, "222222222222", "0C2D", "270107120000Z"); // its renewed one, both held by some sender
        await present(base, "777777777777", "7F", "20510101000000Z", "dc\"1\\x");
        await present(base, "333333333333", "99", "not-a-time");
        const body = (await request(`${base}/metrics`)).body;
        assert.deepStrictEqual(seenSeries(body), {
            [`{tenant_account="222222222222",serial="0A1B"}`]: Date.UTC(2026, 11, 7, 12) / 1000,
            [`{tenant_account="222222222222",serial="0C2D"}`]: Date.UTC(2027, 0, 7, 12) / 1000,
            [`{tenant_account="777777777777",tenant_site="dc\\"1\\\\x",serial="7F"}`]: Date.UTC(2051, 0, 1) / 1000,
        });
        assert.deepStrictEqual(seenSeries(body, "oss_tenant_proxy_client_certificates_tracked"), { "": 3 });
        assert.deepStrictEqual(seenSeries(body, "oss_tenant_proxy_client_certificates_unparsed_total"), { "": 1 });
        // promtool parses it as Prometheus text (the collector's scrape does the same).
        const r = spawnSync("promtool", ["check", "metrics"], { input: body, encoding: "utf8" });
        assert.doesNotMatch(`${r.stdout}${r.stderr}`, /error|parse/i, `${r.stdout}${r.stderr}`);
    });

    it("drops a certificate not presented for ttlSeconds, keeps one still presented, and bounds the table at maxEntries", async () => {
        const base = await start("ttl", renderCertSeenLua({ ttlSeconds: 3, maxEntries: 2 }));
        await present(base, "222222222222", "01", "261207120000Z");
        await present(base, "222222222222", "02", "270107120000Z");
        // Full: a third certificate evicts the least recently presented (01).
        await present(base, "333333333333", "03", "270107120000Z");
        let body = (await request(`${base}/metrics`)).body;
        assert.deepStrictEqual(Object.keys(seenSeries(body)).sort(), [`{tenant_account="222222222222",serial="02"}`, `{tenant_account="333333333333",serial="03"}`]);
        assert.deepStrictEqual(seenSeries(body, "oss_tenant_proxy_client_certificates_evicted_total"), { "": 1 });
        // 02 keeps being presented (its sender rotated to it); 03 is not presented again and expires.
        const until = Date.now() + 4_500;
        while (Date.now() < until) {
            await present(base, "222222222222", "02", "270107120000Z");
            await new Promise((r) => setTimeout(r, 500));
        }
        body = (await request(`${base}/metrics`)).body;
        assert.deepStrictEqual(Object.keys(seenSeries(body)), [`{tenant_account="222222222222",serial="02"}`]);
        assert.deepStrictEqual(seenSeries(body, "oss_tenant_proxy_client_certificates_tracked"), { "": 1 });
    });

    it("fits a standard-tier SSM parameter (4 KB) at its largest settings, so the hub pays no advanced parameter for it", () => {
        // Standard parameters hold up to 4 KB; Intelligent-Tiering makes a larger value advanced, billed per month
        // (https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html).
        assert.ok(Buffer.byteLength(renderCertSeenLua({ ttlSeconds: 30 * 86400, maxEntries: 1_000_000 })) <= 4096);
    });

    it("rejects options outside their range with the field named", () => {
        assert.throws(() => renderCertSeenLua({ ttlSeconds: 0 }), /ttlSeconds: expected an integer from 1/);
        assert.throws(() => renderCertSeenLua({ maxEntries: 1.5 }), /maxEntries: expected an integer from 1/);
    });
});
