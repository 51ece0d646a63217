/**
 * The health gate between the canary and the main wave: PromQL instant queries against the metrics
 * store (Amazon Managed Service for Prometheus, or any Prometheus), polled until each passes or the
 * gate times out. A query passes when it returns at least one series, and, with `perAccount`, a
 * series for every canary account under that label; write the healthy condition as the query
 * (`... == 0` returns nothing while the condition is false).
 */
import { Sha256 } from "@aws-crypto/sha256-js";
import { defaultProvider } from "@aws-sdk/credential-provider-node";
import { SignatureV4 } from "@smithy/signature-v4";
import type { AwsCredentialIdentityProvider } from "@smithy/types";
import type { Clock } from "./clock";
import { formatDuration } from "../errors";

export interface GateQuery {
    readonly name: string;
    readonly expr: string;
    readonly perAccount?: string;
}

export interface GateSpec {
    readonly endpoint: string;
    readonly region?: string;
    readonly queries: readonly GateQuery[];
    readonly timeoutSeconds: number;
    readonly intervalSeconds: number;
}

export interface Series {
    readonly metric: Record<string, string>;
    readonly value: readonly [number, string];
}

/** Runs one PromQL instant query; rejects on transport or API errors. */
export type PromQuery = (expr: string, signal?: AbortSignal) => Promise<Series[]>;

export interface QueryOutcome {
    readonly name: string;
    readonly ok: boolean;
    readonly detail: string;
}

export type GateResult = { readonly ok: true; readonly outcomes: readonly QueryOutcome[]; readonly waitedMs: number } | { readonly ok: false; readonly reason: string; readonly outcomes: readonly QueryOutcome[]; readonly waitedMs: number };

/** PromQL regex-escaped alternation of the accounts (`{{accounts}}` in a query). */
export function renderExpr(expr: string, accounts: readonly string[]): string {
    const alternation = accounts.map((a) => a.replace(/[.*+?^${}()|[\]\\]/g, "\\\\$&")).join("|");
    return expr.split("{{accounts}}").join(alternation);
}

export function evaluateQuery(q: GateQuery, series: readonly Series[], accounts: readonly string[]): QueryOutcome {
    if (series.length === 0) {
        return { name: q.name, ok: false, detail: "no series" };
    }
    if (q.perAccount !== undefined) {
        const seen = new Set(series.map((s) => s.metric[q.perAccount!]).filter((v): v is string => v !== undefined));
        const missing = accounts.filter((a) => !seen.has(a));
        if (missing.length > 0) {
            return { name: q.name, ok: false, detail: `no series for account(s) ${missing.join(", ")}` };
        }
    }
    return { name: q.name, ok: true, detail: `${series.length} series` };
}

/**
 * Polls every query until all pass (at once, in one round) or the timeout. A query error (network,
 * 4xx/5xx, bad PromQL) counts as not passing yet, and is reported when the gate gives up.
 */
export async function waitForGate(
    gate: GateSpec,
    accounts: readonly string[],
    deps: { readonly query: PromQuery; readonly clock: Clock; readonly signal?: AbortSignal; readonly onRound?: (outcomes: readonly QueryOutcome[], elapsedMs: number) => void },
): Promise<GateResult> {
    const start = deps.clock.now();
    const deadline = start + gate.timeoutSeconds * 1000;
    let outcomes: QueryOutcome[];
    for (;;) {
        outcomes = await Promise.all(
            gate.queries.map(async (q) => {
                try {
                    return evaluateQuery(q, await deps.query(renderExpr(q.expr, accounts), deps.signal), accounts);
                } catch (e) {
                    return { name: q.name, ok: false, detail: `query failed: ${e instanceof Error ? e.message : String(e)}` };
                }
            }),
        );
        const elapsed = deps.clock.now() - start;
        deps.onRound?.(outcomes, elapsed);
        if (outcomes.every((o) => o.ok)) {
            return { ok: true, outcomes, waitedMs: elapsed };
        }
        if (deps.signal?.aborted) {
            return { ok: false, reason: "cancelled while waiting for the health gate", outcomes, waitedMs: elapsed };
        }
        if (deps.clock.now() + gate.intervalSeconds * 1000 > deadline) {
            const failing = outcomes.filter((o) => !o.ok).map((o) => `${o.name} (${o.detail})`);
            return { ok: false, reason: `health gate failed after ${formatDuration(elapsed)}: ${failing.join("; ")}`, outcomes, waitedMs: elapsed };
        }
        await deps.clock.sleep(gate.intervalSeconds * 1000, deps.signal);
    }
}

/**
 * A PromQuery for `<endpoint>/api/v1/query`, POSTing the form-encoded query. With a region the
 * request is SigV4-signed for service `aps`, as AMP requires
 * (https://docs.aws.amazon.com/prometheus/latest/userguide/AMP-onboard-query-APIs.html,
 * https://docs.aws.amazon.com/prometheus/latest/userguide/AMP-compatible-APIs.html: POST with
 * Content-Type application/x-www-form-urlencoded, `--service aps`); credentials come from the
 * default Node provider chain (environment, profile, SSO, instance/task role) unless given.
 */
export function prometheusQuery(endpoint: string, region?: string, credentials?: AwsCredentialIdentityProvider): PromQuery {
    const url = new URL(`${endpoint.replace(/\/+$/, "")}/api/v1/query`);
    const signer = region !== undefined ? new SignatureV4({ service: "aps", region, credentials: credentials ?? defaultProvider(), sha256: Sha256 }) : undefined;
    return async (expr, signal) => {
        const body = new URLSearchParams({ query: expr }).toString();
        let headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded", host: url.host };
        if (signer !== undefined) {
            const signed = await signer.sign({
                method: "POST",
                protocol: url.protocol,
                hostname: url.hostname,
                ...(url.port !== "" ? { port: Number(url.port) } : {}),
                path: url.pathname,
                query: {},
                headers,
                body,
            });
            headers = signed.headers;
        }
        // fetch sets Host itself; it is in the signature only.
        const sendHeaders = Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== "host"));
        const res = await fetch(url, { method: "POST", headers: sendHeaders, body, ...(signal !== undefined ? { signal } : {}) });
        const text = await res.text();
        if (!res.ok) {
            throw new Error(`HTTP ${res.status} from ${url.host}: ${text.slice(0, 200)}`);
        }
        const parsed = JSON.parse(text) as { status: string; error?: string; data?: { resultType: string; result: Series[] } };
        if (parsed.status !== "success" || parsed.data === undefined) {
            throw new Error(parsed.error ?? `unexpected response from ${url.host}`);
        }
        if (parsed.data.resultType !== "vector") {
            throw new Error(`expected an instant vector, got a ${parsed.data.resultType}`);
        }
        return parsed.data.result;
    };
}
