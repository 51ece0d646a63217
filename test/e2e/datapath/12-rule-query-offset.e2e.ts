import * as assert from "assert";
import * as path from "path";
import { RECORDS, recordingRuleGroups } from "../../../components/content/recordingRules";
import { resolveContentOptions } from "../../../components/content/options";
import { SCRAPE_UP } from "../../../components/content/metrics";
import { renderRuleFile } from "../../../components/content/ruleTypes";
import { PROMETHEUS_WORKSPACE_DEFAULTS } from "../../../components/hub/prometheusWorkspaceSettings";
import { SOURCE_LABELS } from "../../../components/telemetry/labels";
import { Cortex, startCortex } from "./lib/cortex";
import { sleep, stopAll } from "./lib/procs";
import { scenario } from "./lib/report";
import { remoteWrite } from "./lib/remoteWrite";
import { ACCOUNTS, prepareRun } from "./lib/topology";

/**
 * The workspace's rule query offset on the ruler of the engine AMP runs (Cortex v1.21.1, `ruler_query_offset`,
 * set from PROMETHEUS_WORKSPACE_DEFAULTS in lib/cortex.ts). Two tenants, like two workspaces, get the same
 * samples at the same moments and run the same rendered rule group: WORKSPACE with the hub's offset,
 * ZERO with offset 0 (a per-tenant override). Every sample lands LAG_SECONDS after its timestamp, less than
 * the offset, as a batch of the hub's remote write lands late (a scrape, the sender's batch, the hub's retries:
 * components/hub/ruleQueryOffset.ts).
 */
const WORKSPACE = "workspace-offset";
const ZERO = "no-offset";
/** One sample every SAMPLE_SECONDS; the group is evaluated at the same interval, so each evaluation's newest sample is a different one. */
const SAMPLE_SECONDS = 5;
/** How long after its timestamp each sample lands: below the offset, well above one sample interval. */
const LAG_SECONDS = 30;
const SAMPLES = 24;
/** The rendered group whose `last_seen` rule records the newest heartbeat sample's timestamp: exact, so every miss shows. */
const GROUP = "oss-monitoring-sources";

const labels = { __name__: SCRAPE_UP, job: "e2e-heartbeat", instance: "10.0.0.1:8888", [SOURCE_LABELS.account]: ACCOUNTS.spokeA, [SOURCE_LABELS.region]: "us-east-1", [SOURCE_LABELS.sourceRole]: "monitored" };

describe("data path 12: rule query offset — on Cortex's ruler (the engine AMP runs) the workspace's offset lets the hub's rules see samples that land late, offset 0 misses them", function () {
    let dir: string;
    let cortex: Cortex;
    let run = "";
    /** Timestamps of the samples sent (ms) and how late each landed (ms after its timestamp, push answered). */
    const sent: number[] = [];
    const landedLateMs: number[] = [];
    const took = { startSeconds: 0, trafficSeconds: 0 };

    before(async function () {
        this.timeout(600_000);
        let pki;
        ({ dir, pki } = await prepareRun("s12"));
        run = path.basename(dir);
        const t0 = Date.now();
        // The hub's own rendered group, at an evaluation interval of one sample (the deployed content uses 60 s).
        const group = recordingRuleGroups(resolveContentOptions({ ruleIntervalSeconds: SAMPLE_SECONDS })).find((g) => g.name === GROUP);
        if (group === undefined) throw new Error(`no recording group ${GROUP} in the content`);
        const rules = renderRuleFile([group]);
        cortex = await startCortex("ruler", dir, pki, [], {
            authEnabled: true,
            tenantOverrides: { [ZERO]: { ruler_query_offset: "0s" } },
            rules: { [WORKSPACE]: { recording: rules }, [ZERO]: { recording: rules } },
        });
        took.startSeconds = Math.round((Date.now() - t0) / 100) / 10;
        const t1 = Date.now();
        // Whole seconds, so each timestamp is exact in the recorded float value; sample j is taken at
        // first + j·interval and lands LAG_SECONDS later, in both tenants at once.
        const first = Math.ceil(Date.now() / 1000) * 1000 + 1000;
        const series = { ...labels, e2e_run: run };
        for (let j = 0; j < SAMPLES; j++) {
            const ts = first + j * SAMPLE_SECONDS * 1000;
            await sleep(Math.max(0, ts + LAG_SECONDS * 1000 - Date.now()));
            const answers = await Promise.all([WORKSPACE, ZERO].map((t) => remoteWrite(cortex.remoteWriteUrl, [{ labels: series, samples: [{ timestampMs: ts, value: 1 }] }], { ca: pki.ca, headers: { "X-Scope-OrgID": t } })));
            for (const a of answers) assert.ok(a.status >= 200 && a.status < 300, `Cortex stored the push (${a.status} ${a.body})`);
            sent.push(ts);
            landedLateMs.push(Date.now() - ts);
        }
        // The last sample is recorded by the WORKSPACE group once offset + one interval have passed.
        await sleep(Math.max(0, sent[sent.length - 1] + (PROMETHEUS_WORKSPACE_DEFAULTS.ruleQueryOffsetSeconds + 2 * SAMPLE_SECONDS) * 1000 - Date.now()));
        took.trafficSeconds = Math.round((Date.now() - t1) / 100) / 10;
    });
    after(stopAll);

    /** Each evaluation's recorded value against the newest sample sent at or before the time it recorded. */
    async function evaluations(tenant: string): Promise<Array<{ at: number; recorded: number; newestSent: number }>> {
        const [series, ...more] = await cortex.rawSamples(`${RECORDS.sourceLastSeen}{${SOURCE_LABELS.account}="${ACCOUNTS.spokeA}"}`, "15m", tenant);
        assert.strictEqual(more.length, 0, `one recorded series in ${tenant}`);
        return (series?.values ?? [])
            .map(([at, v]) => ({ at: Math.round(at * 1000), recorded: Math.round(Number(v) * 1000) }))
            // Evaluations while samples were being sent: at or after the first sample, before the one after the last.
            .filter((e) => e.at >= sent[0] && e.at < sent[sent.length - 1] + SAMPLE_SECONDS * 1000)
            .map((e) => ({ ...e, newestSent: Math.max(...sent.filter((t) => t <= e.at)) }));
    }

    it("with the workspace's offset every evaluation records the newest sample sent before it, and the recorded series takes every sample's timestamp", async () => scenario("12-rule-query-offset-complete", async (f) => {
        const evals = await evaluations(WORKSPACE);
        const recordedSamples = [...new Set(evals.map((e) => e.recorded))];
        const expected = sent.filter((t) => t >= evals[0]?.newestSent && t <= evals[evals.length - 1]?.newestSent);
        f.sent = expected.length;
        f.stored = recordedSamples.filter((t) => expected.includes(t)).length;
        const late = { min: Math.min(...landedLateMs) / 1000, max: Math.max(...landedLateMs) / 1000 };
        f.details = {
            ...took, queryOffsetSeconds: PROMETHEUS_WORKSPACE_DEFAULTS.ruleQueryOffsetSeconds, lagSeconds: LAG_SECONDS, sampleSeconds: SAMPLE_SECONDS, samplesSent: sent.length,
            landedLateSecondsMin: late.min, landedLateSecondsMax: late.max,
            evaluations: evals.length, exactEvaluations: evals.filter((e) => e.recorded === e.newestSent).length,
        };
        // The premise: every sample landed later than its timestamp by less than the offset.
        assert.ok(late.min >= LAG_SECONDS && late.max < PROMETHEUS_WORKSPACE_DEFAULTS.ruleQueryOffsetSeconds, `samples landed ${late.min}-${late.max}s late`);
        assert.ok(evals.length >= SAMPLES - 4, `the group was evaluated over the samples (${evals.length} evaluations)`);
        for (const e of evals) assert.strictEqual(e.recorded, e.newestSent, `evaluation recorded at ${new Date(e.at).toISOString()} saw the newest sample sent before it`);
        assert.deepStrictEqual(recordedSamples, expected, "the recorded series took every sample's timestamp, in order");
    }));

    it("with offset 0 the same rule group, fed the same samples, records a sample older than the newest one sent at every evaluation: the late samples are missed", async () => scenario("12-rule-query-offset-zero-misses", async (f) => {
        const evals = (await evaluations(ZERO)).filter((e) => e.at >= sent[0] + LAG_SECONDS * 1000);
        const behind = evals.map((e) => (e.newestSent - e.recorded) / 1000);
        // The store itself has every sample of this tenant: what the rule misses is timing, not data.
        const [input, ...others] = await cortex.rawSamples(`${SCRAPE_UP}{e2e_run="${run}"}`, "15m", ZERO);
        f.sent = sent.length;
        f.stored = input?.values.length ?? 0;
        f.details = {
            evaluations: evals.length, evaluationsSeeingNewestSample: evals.filter((e) => e.recorded === e.newestSent).length,
            behindSecondsMin: Math.min(...behind), behindSecondsMax: Math.max(...behind), lagSeconds: LAG_SECONDS,
        };
        assert.strictEqual(others.length, 0);
        assert.deepStrictEqual((input?.values ?? []).map(([t]) => Math.round(t * 1000)), sent, "the store holds every sample sent to this tenant");
        assert.ok(evals.length >= SAMPLES - LAG_SECONDS / SAMPLE_SECONDS - 4, `the group was evaluated while samples landed (${evals.length})`);
        // Each evaluation at t saw only samples that had landed, taken before t - LAG_SECONDS: it misses the newest ones.
        for (const e of evals) assert.ok(e.recorded < e.newestSent, `evaluation at ${new Date(e.at).toISOString()} missed the late samples (recorded ${e.recorded}, newest sent ${e.newestSent})`);
        assert.ok(Math.min(...behind) >= LAG_SECONDS - SAMPLE_SECONDS, `behind by at least the lag less one interval (${Math.min(...behind)}s)`);
    }));
});
