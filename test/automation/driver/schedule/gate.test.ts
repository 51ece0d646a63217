import * as assert from "assert";
import * as http from "http";
import type { AddressInfo } from "net";
import { VirtualClock } from "../../../../automation/driver/schedule/clock";
import { evaluateQuery, GateSpec, prometheusQuery, renderExpr, Series, waitForGate } from "../../../../automation/driver/schedule/gate";

const series = (metric: Record<string, string>): Series => ({ metric, value: [0, "1"] });

describe("canary health gate", () => {
    it("puts the canary accounts into {{accounts}} as a regex alternation", () => {
        assert.strictEqual(renderExpr('up{account=~"{{accounts}}"}', ["111111111111", "222222222222"]), 'up{account=~"111111111111|222222222222"}');
        assert.strictEqual(renderExpr('x{a=~"{{accounts}}"}', ["a.b"]), 'x{a=~"a\\\\.b"}');
    });

    it("passes a query on any series, or with perAccount only when every canary account has one", () => {
        assert.deepStrictEqual(evaluateQuery({ name: "q", expr: "x" }, [], ["1"]), { name: "q", ok: false, detail: "no series" });
        assert.strictEqual(evaluateQuery({ name: "q", expr: "x" }, [series({})], ["1"]).ok, true);
        const partial = evaluateQuery({ name: "hb", expr: "x", perAccount: "account" }, [series({ account: "1" })], ["1", "2"]);
        assert.deepStrictEqual(partial, { name: "hb", ok: false, detail: "no series for account(s) 2" });
        assert.strictEqual(evaluateQuery({ name: "hb", expr: "x", perAccount: "account" }, [series({ account: "1" }), series({ account: "2" })], ["1", "2"]).ok, true);
    });

    const gate: GateSpec = { endpoint: "http://127.0.0.1:1", queries: [{ name: "heartbeat", expr: "hb" }, { name: "refused", expr: "r == 0" }], timeoutSeconds: 60, intervalSeconds: 10 };

    it("polls until every query passes in the same round", async () => {
        const clock = new VirtualClock(0);
        let round = 0;
        const asked: string[] = [];
        const result = await waitForGate(gate, ["1"], {
            clock,
            query: async (expr) => {
                asked.push(expr);
                if (expr === "hb") {
                    round++;
                }
                return round >= 3 ? [series({})] : expr === "hb" ? [] : [series({})];
            },
        });
        assert.strictEqual(result.ok, true);
        assert.strictEqual(result.waitedMs, 20_000);
        assert.strictEqual(asked.length, 6);
    });

    it("fails at the timeout naming the queries that never passed; query errors count as not passing", async () => {
        const clock = new VirtualClock(0);
        const result = await waitForGate(gate, ["1"], { clock, query: async (expr) => (expr === "hb" ? [] : Promise.reject(new Error("HTTP 503"))) });
        assert.strictEqual(result.ok, false);
        assert.ok(!result.ok && /^health gate failed after 1m00s: heartbeat \(no series\); refused \(query failed: HTTP 503\)$/.test(result.reason), JSON.stringify(result));
    });

    it("signs AMP queries with SigV4 for service aps and POSTs the form-encoded query", async () => {
        let seen: { method?: string; url?: string; headers: http.IncomingHttpHeaders; body: string } = { headers: {}, body: "" };
        const server = http.createServer((req, res) => {
            let body = "";
            req.on("data", (c: Buffer) => (body += c.toString()));
            req.on("end", () => {
                seen = { method: req.method, url: req.url, headers: req.headers, body };
                res.setHeader("content-type", "application/json");
                res.end(JSON.stringify({ status: "success", data: { resultType: "vector", result: [{ metric: { account: "1" }, value: [1, "1"] }] } }));
            });
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        try {
            const port = (server.address() as AddressInfo).port;
            const query = prometheusQuery(`http://127.0.0.1:${port}/workspaces/ws-1/`, "eu-west-1", async () => ({ accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" }));
            const result = await query('up{account="1"}');
            assert.deepStrictEqual(result, [{ metric: { account: "1" }, value: [1, "1"] }]);
            assert.strictEqual(seen.method, "POST");
            assert.strictEqual(seen.url, "/workspaces/ws-1/api/v1/query");
            assert.strictEqual(seen.body, "query=up%7Baccount%3D%221%22%7D");
            assert.strictEqual(seen.headers["content-type"], "application/x-www-form-urlencoded");
            assert.match(String(seen.headers.authorization), /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/aps\/aws4_request, SignedHeaders=[^,]*host[^,]*x-amz-date[^,]*, Signature=[0-9a-f]{64}$/);
            assert.ok(seen.headers["x-amz-content-sha256"] !== undefined || /x-amz-date/.test(String(seen.headers.authorization)));
        } finally {
            server.close();
        }
    });

    it("sends no signature to a plain Prometheus and reports API errors", async () => {
        const server = http.createServer((req, res) => {
            res.statusCode = req.headers.authorization === undefined ? 400 : 500;
            res.end(JSON.stringify({ status: "error", error: "parse error" }));
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        try {
            const query = prometheusQuery(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
            await assert.rejects(query("up{"), /HTTP 400 from 127\.0\.0\.1:\d+: .*parse error/);
        } finally {
            server.close();
        }
    });
});
