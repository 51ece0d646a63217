/**
 * The canary health gate against a real Prometheus (Debian's `prometheus`) on 127.0.0.1 that
 * scrapes a tiny exporter this test serves: the canary account's heartbeat and the hub's refused
 * points. The driver queries Prometheus' HTTP API exactly as it queries AMP's (unsigned here: no
 * region in the gate).
 */
import * as assert from "assert";
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as http from "http";
import type { AddressInfo } from "net";
import * as path from "path";
import { measured } from "../report";
import { account, CANARY, FixtureFleet, toolsBin, waitFor } from "./harness";

const SUBSET = ["--stacks", "hub,spoke-01,spoke-02,spoke-03", "--force"];

describe("e2e: canary health gate on a real Prometheus", function () {
    this.timeout(900_000);
    let fleet: FixtureFleet;
    let exporter: http.Server;
    let prometheus: ChildProcess;
    let promUrl = "";
    const heartbeats = new Set<string>();
    let refused = 0;

    before(async function () {
        this.timeout(3_600_000);
        fleet = new FixtureFleet(toolsBin());
        exporter = http.createServer((_req, res) => {
            res.setHeader("content-type", "text/plain; version=0.0.4");
            res.end(
                [
                    "# TYPE fleet_heartbeat gauge",
                    ...[...heartbeats].map((a) => `fleet_heartbeat{account="${a}"} 1`),
                    "# TYPE fleet_refused_points_total counter",
                    `fleet_refused_points_total ${refused}`,
                    "",
                ].join("\n"),
            );
        });
        await new Promise<void>((resolve) => exporter.listen(0, "127.0.0.1", resolve));
        const target = `127.0.0.1:${(exporter.address() as AddressInfo).port}`;
        const promDir = path.join(fleet.dir, "prometheus");
        fs.mkdirSync(promDir);
        fs.writeFileSync(path.join(promDir, "prometheus.yml"), `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: fleet\n    static_configs:\n      - targets: ["${target}"]\n`);
        const port = await freePort();
        promUrl = `http://127.0.0.1:${port}`;
        prometheus = spawn("prometheus", [`--config.file=${path.join(promDir, "prometheus.yml")}`, `--storage.tsdb.path=${path.join(promDir, "data")}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: "ignore" });
        await waitFor(() => fs.existsSync(path.join(promDir, "data")), 30_000, "prometheus to start");
        fleet.writeManifest({
            gate: {
                endpoint: promUrl,
                timeoutSeconds: 20,
                intervalSeconds: 2,
                queries: [
                    { name: "canary-heartbeat", expr: 'max by (account) (fleet_heartbeat{account=~"{{accounts}}"})', perAccount: "account" },
                    { name: "no-refused-points", expr: "sum(rate(fleet_refused_points_total[10s])) == 0" },
                ],
            },
        });
    });

    after(() => {
        prometheus?.kill();
        exporter?.close();
        fleet?.cleanup();
    });

    it("passes once the canary account's heartbeat is in Prometheus, then the main wave runs", async () => measured("engine: health gate passes", async (f) => {
        heartbeats.add(account(CANARY));
        refused = 0;
        const r = await fleet.fleet("up", SUBSET);
        const journal = JSON.parse(fs.readFileSync(path.join(fleet.stateDir, "journal.json"), "utf8")) as { runs: { gate?: { ok: boolean } }[] };
        f.details = { exit: r.code, prometheus: promUrl, results: Object.fromEntries((r.report?.stacks ?? []).map((s) => [s.stack, s.result])), journalGate: journal.runs.at(-1)?.gate };
        assert.strictEqual(r.code, 0, r.stdout + r.stderr);
        assert.match(r.stdout, /health gate passed/);
        assert.ok(r.report!.stacks.every((s) => s.result === "succeeded"));
        assert.strictEqual(journal.runs.at(-1)!.gate?.ok, true);
    }));

    it("a failing gate stops the rollout like a failed canary: the main wave does not run", async () => measured("engine: health gate fails", async (f) => {
        heartbeats.clear();
        const r = await fleet.fleet("up", SUBSET);
        const results = Object.fromEntries((r.report?.stacks ?? []).map((s) => [s.stack, s.result]));
        f.details = { exit: r.code, stopReason: r.report?.stopReason, results };
        assert.strictEqual(r.code, 1, r.stdout + r.stderr);
        assert.match(r.report!.stopReason ?? "", /health gate failed after .*canary-heartbeat \(no series\)/);
        assert.deepStrictEqual(results, { hub: "succeeded", [CANARY]: "succeeded", "spoke-02": "not-run", "spoke-03": "not-run" });
    }));
});

function freePort(): Promise<number> {
    return new Promise((resolve) => {
        const s = http.createServer();
        s.listen(0, "127.0.0.1", () => {
            const port = (s.address() as AddressInfo).port;
            s.close(() => resolve(port));
        });
    });
}
