import * as assert from "assert";
import { parse } from "yaml";
import { tenantSeriesLimits } from "../../../../components/hub/tenantLimits";
import { PROMETHEUS_WORKSPACE_DEFAULTS } from "../../../../components/hub/prometheusWorkspaceSettings";
import { cortexLabelSetLimits, renderCortexConfig } from "./cortex";
import { ACCOUNTS, KEYS, SITES, TENANTS } from "./fleet";

const HOME = "/run/s11/primary";

/** Every string in a parsed YAML document, with its dotted path. */
function strings(v: unknown, at = ""): Array<[string, string]> {
    if (typeof v === "string") return [[at, v]];
    if (Array.isArray(v)) return v.flatMap((x, i) => strings(x, `${at}[${i}]`));
    if (v !== null && typeof v === "object") return Object.entries(v).flatMap(([k, x]) => strings(x, at === "" ? k : `${at}.${k}`));
    return [];
}

describe("e2e Cortex store: the hub's limits as Cortex's, and a configuration that stays on loopback and in its directory", () => {
    const limits = cortexLabelSetLimits(tenantSeriesLimits(TENANTS, { maxActiveSeries: 0, overrides: { [KEYS.spokeA]: 50 } }) ?? []);
    const cfg = parse(renderCortexConfig({ home: HOME, httpPort: 19009, grpcPort: 19095, tls: { cert: "/run/pki/store.pem", key: "/run/pki/store.key" }, limits })) as Record<string, Record<string, unknown>>;

    it("carries each tenant's label set and limit field for field, 0 (no limit in AMP and in Cortex) included", () => {
        assert.deepStrictEqual(limits, [
            { label_set: { account: ACCOUNTS.spokeA }, limits: { max_series: 50 } },
            { label_set: { account: ACCOUNTS.spokeB }, limits: { max_series: 0 } },
            { label_set: { account: ACCOUNTS.site, site: SITES.dc1 }, limits: { max_series: 0 } },
            { label_set: { account: ACCOUNTS.site2, site: SITES.dc2 }, limits: { max_series: 0 } },
        ]);
        assert.deepStrictEqual(cfg.limits.limits_per_label_set, limits);
    });

    it("listens on 127.0.0.1 only, over TLS, and turns off the alertmanager's cluster listener (default 0.0.0.0:9094)", () => {
        assert.strictEqual(cfg.server.http_listen_address, "127.0.0.1");
        assert.strictEqual(cfg.server.grpc_listen_address, "127.0.0.1");
        assert.deepStrictEqual(cfg.server.http_tls_config, { cert_file: "/run/pki/store.pem", key_file: "/run/pki/store.key" });
        assert.deepStrictEqual(cfg.alertmanager.cluster, { listen_address: "" });
    });

    it("writes only inside its home: every directory or path it names is under it (Cortex's defaults are relative to the working directory)", () => {
        const paths = strings(cfg).filter(([k]) => /(^|\.|_)(dir|directory|path|sync_dir|rule_path)$/.test(k));
        assert.ok(paths.length >= 9, `the data, blocks, sync, compactor, rules, ruler, alertmanager, alerts and query-tracker paths (${paths.map(([k]) => k).join(", ")})`);
        for (const [k, v] of paths) assert.ok(v.startsWith(`${HOME}/`), `${k}: ${v}`);
    });

    it("runs the ruler with the hub workspace's rule query offset as the tenants' default, one tenant and no runtime file unless a test asks", () => {
        assert.strictEqual(cfg.limits.ruler_query_offset, `${PROMETHEUS_WORKSPACE_DEFAULTS.ruleQueryOffsetSeconds}s`);
        assert.strictEqual(cfg.auth_enabled, false);
        assert.strictEqual(cfg.runtime_config, undefined);
        const tenants = parse(renderCortexConfig({ home: HOME, httpPort: 1, grpcPort: 2, tls: { cert: "c", key: "k" }, limits: [], authEnabled: true, tenantOverrides: { t: { ruler_query_offset: "0s" } } })) as Record<string, unknown>;
        assert.strictEqual(tenants.auth_enabled, true);
        assert.deepStrictEqual(tenants.runtime_config, { file: `${HOME}/runtime.yaml`, period: "10s" });
    });
});
