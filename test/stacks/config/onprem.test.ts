import * as assert from "assert";
import * as path from "path";
import { loadManifest } from "../../../automation/fleet/manifest";
import { OnpremStackConfig, parseStackConfig } from "../../../stacks/config";
import { ConfigError } from "../../../stacks/config/common";
import { OnPremSiteRef } from "../../../stacks/config/hub";
import { checkOnpremConfig, checkRemovedSecretKeys, REMOVED_SECRET_KEYS, requiredSecretKeys } from "../../../stacks/config/onprem";
import { CA_PEM, DIRECT_CONNECT, GATEWAY, onpremConfig, onpremRaw, ROLES_ANYWHERE, siteSettings } from "../fixtures/onprem";

function rejects(onprem: Record<string, unknown>, ...fragments: string[]): void {
    assert.throws(() => parseStackConfig(onpremRaw(onprem)), (e: unknown) => {
        assert.ok(e instanceof ConfigError, `expected ConfigError, got ${String(e)}`);
        for (const f of fragments) {
            assert.ok(e.message.includes(f), `error should mention ${JSON.stringify(f)}:\n${e.message}`);
        }
        return true;
    });
}

const NOW = new Date("2026-11-23T00:00:00Z");

describe("onprem stack config", () => {
    it("applies documented defaults", () => {
        const c = onpremConfig(siteSettings({ agent: undefined }));
        assert.deepStrictEqual(c.onprem.auth, { mode: "mtls" });
        assert.deepStrictEqual(onpremConfig(siteSettings({ auth: { mode: "mtls" } })).onprem.auth, { mode: "mtls" }, "an explicit mtls still parses");
        assert.deepStrictEqual(c.onprem.agent.platforms, ["linux"]);
        assert.strictEqual(c.onprem.agent.logRetentionDays, 365);
        assert.strictEqual(c.onprem.agent.namespace, "CWAgent/OnPrem");
        assert.strictEqual(c.onprem.landingVpc.s3GatewayEndpoint, true);
        assert.strictEqual(c.onprem.gateway, undefined);
        const g = onpremConfig(siteSettings({ gateway: GATEWAY })).onprem.gateway;
        assert.strictEqual(g?.namespace, "monitoring-gateway");
        assert.strictEqual(g?.scrapeTargets[0].scrapeInterval, "30s");
    });

    it("rejects overlapping site CIDRs, naming the entry", () => {
        rejects(siteSettings({ siteCidrs: ["172.16.0.0/16", "172.16.32.0/22"] }), "oss-monitoring:onprem.siteCidrs[1]", "overlaps 172.16.0.0/16");
    });

    it("rejects a site CIDR that overlaps the landing VPC", () => {
        rejects(siteSettings({ siteCidrs: ["10.70.2.0/24"] }), "oss-monitoring:onprem.siteCidrs[0]", "landing VPC 10.70.0.0/22");
    });

    it("rejects invalid CIDRs with a suggestion", () => {
        rejects(siteSettings({ siteCidrs: ["172.16.0.1/20"] }), "oss-monitoring:onprem.siteCidrs[0]", "did you mean 172.16.0.0/20");
        rejects(siteSettings({ siteCidrs: ["0.0.0.0/0"] }), "oss-monitoring:onprem.siteCidrs[0]", "admits every address");
        rejects(siteSettings({ siteCidrs: [] }), "oss-monitoring:onprem.siteCidrs", "at least one");
    });

    it("requires a CA for IAM Roles Anywhere", () => {
        const { caBundle: _omit, ...noCa } = ROLES_ANYWHERE;
        rejects(siteSettings({ credentials: noCa }), "oss-monitoring:onprem.credentials.caBundle", "required for IAM Roles Anywhere");
        rejects(siteSettings({ credentials: { ...ROLES_ANYWHERE, caBundle: "not a pem" } }), "oss-monitoring:onprem.credentials.caBundle", "PEM");
        rejects(siteSettings({ credentials: { ...ROLES_ANYWHERE, subject: {} } }), "oss-monitoring:onprem.credentials.subject", "any certificate of the CA");
        const ok = onpremConfig(siteSettings({ credentials: { ...noCa, acmPcaArn: "arn:aws:acm-pca:us-east-1:777777777777:certificate-authority/11111111-2222-3333-4444-555555555555" }, agent: { platforms: ["linux"] } }));
        assert.strictEqual(ok.onprem.credentials.mode, "rolesAnywhere");
    });

    it("refuses the removed site CA and bearer-token settings with one line naming the key and the fix", () => {
        const line = (onprem: Record<string, unknown>): string => {
            try {
                parseStackConfig(onpremRaw(onprem));
            } catch (e) {
                assert.ok(e instanceof ConfigError);
                return e.message.split("\n").filter((l) => l.startsWith("  - ")).join("\n");
            }
            return assert.fail("expected a ConfigError");
        };
        assert.strictEqual(line(siteSettings({ auth: { mode: "mtls", clientCaBundle: CA_PEM } })),
            "  - oss-monitoring:onprem.auth.clientCaBundle: sites now present a certificate the hub issues (components/onprem/README.md, \"The site's certificate\"); delete auth.clientCaBundle");
        assert.match(line(siteSettings({ auth: { mode: "bearer" } })), /^ {2}- oss-monitoring:onprem\.auth\.mode: only mtls: sites now present a certificate the hub issues .* bearer tokens are refused; delete auth\.mode \(or set mtls\)$/);
        assert.match(line(siteSettings({ auth: { bearerTokenSecretArn: "arn:aws:secretsmanager:us-east-1:111111111111:secret:dc1-AbCdEf" } })),
            /^ {2}- oss-monitoring:onprem\.auth\.bearerTokenSecretArn: sites now present a certificate the hub issues .*; delete auth\.bearerTokenSecretArn$/);
        rejects(siteSettings({ auth: { mode: "mtls", clientCa: CA_PEM } }), "oss-monitoring:onprem.auth");
    });

    it("requires exactly one VPN termination and a public device address", () => {
        rejects(siteSettings({ network: { mode: "vpn", customerGatewayIp: "203.0.113.10", transitGatewayId: "tgw-0a1b2c3d4e5f60720", vpnGatewayId: "vgw-0a1b2c3d4e5f60730" } }),
            "oss-monitoring:onprem.network.transitGatewayId", "exactly one");
        rejects(siteSettings({ network: { mode: "vpn", customerGatewayIp: "10.1.1.1", transitGatewayId: "tgw-0a1b2c3d4e5f60720" } }),
            "oss-monitoring:onprem.network.customerGatewayIp", "public address");
        rejects(siteSettings({ network: { mode: "satellite" } }), "oss-monitoring:onprem.network", "vpn", "directConnect");
    });

    it("refuses Direct Connect prefixes that advertise the site back to itself", () => {
        rejects(siteSettings({ network: { ...DIRECT_CONNECT, allowedPrefixes: ["172.16.0.0/24"] } }), "oss-monitoring:onprem.network.allowedPrefixes[0]", "overlaps a site CIDR");
    });

    it("rejects a queue too small for the outage, naming the key and the minimum", () => {
        const small = { ...GATEWAY, queue: { outageMinutes: 240, samplesPerSecond: 2000, storageGi: 5 } };
        rejects(siteSettings({ gateway: small }), "oss-monitoring:onprem.gateway.queue.storageGi", "set at least 14 (GiB)", "outageMinutes 240");
        // The same volume is enough for a shorter outage.
        const shorter = { ...GATEWAY, queue: { outageMinutes: 60, samplesPerSecond: 2000, storageGi: 5 } };
        assert.strictEqual(onpremConfig(siteSettings({ gateway: shorter })).onprem.gateway?.queue.storageGi, 5);
    });

    it("syncs the gateway's queue by default; fsync takes only a boolean, named in the refusal", () => {
        assert.strictEqual(onpremConfig(siteSettings({ gateway: GATEWAY })).onprem.gateway?.queue.fsync, true);
        const off = { ...GATEWAY, queue: { ...GATEWAY.queue, fsync: false } };
        assert.strictEqual(onpremConfig(siteSettings({ gateway: off })).onprem.gateway?.queue.fsync, false);
        rejects(siteSettings({ gateway: { ...GATEWAY, queue: { ...GATEWAY.queue, fsync: "yes" } } }), "oss-monitoring:onprem.gateway.queue.fsync", "true or false");
    });

    it("rejects unknown keys so typos do not silently fall back to defaults", () => {
        rejects(siteSettings({ sitecidrs: ["10.0.0.0/8"] }), "oss-monitoring:onprem", "sitecidrs");
    });
});

describe("registration window (checkOnpremConfig)", () => {
    const withExpiry = (expirationDate: string): OnpremStackConfig =>
        onpremConfig(siteSettings({ credentials: { mode: "hybridActivation", registrationLimit: 5, expirationDate } }));

    it("rejects an expiry in the past, naming the key", () => {
        assert.throws(() => checkOnpremConfig(withExpiry("2026-11-22T23:59:00Z").onprem, NOW),
            (e: Error) => e instanceof ConfigError && e.message.includes("oss-monitoring:onprem.credentials.expirationDate") && e.message.includes("in the past"));
    });

    it("rejects an expiry beyond SSM's 30 days", () => {
        assert.throws(() => checkOnpremConfig(withExpiry("2026-12-24T00:00:01Z").onprem, NOW), /expirationDate: .*more than 30 days ahead/);
    });

    it("accepts an open window and a closed one", () => {
        checkOnpremConfig(withExpiry("2026-12-20T00:00:00Z").onprem, NOW);
        checkOnpremConfig(onpremConfig().onprem, NOW);
    });

    it("rejects a malformed timestamp at parse time", () => {
        rejects(siteSettings({ credentials: { mode: "hybridActivation", expirationDate: "next tuesday" } }), "oss-monitoring:onprem.credentials.expirationDate", "UTC timestamp with whole seconds");
    });
});

describe("secret config keys", () => {
    it("are needed only with a gateway: the kubeconfig, never a certificate (the hub issues it)", () => {
        assert.deepStrictEqual(requiredSecretKeys(onpremConfig().onprem), []);
        assert.deepStrictEqual(requiredSecretKeys(onpremConfig(siteSettings({ gateway: GATEWAY })).onprem), ["gatewayKubeconfig"]);
    });

    it("refuse the removed certificate and token keys, naming the key and how to remove it", () => {
        assert.deepStrictEqual([...REMOVED_SECRET_KEYS], ["gatewayClientCert", "gatewayClientKey", "gatewayBearerToken"]);
        assert.doesNotThrow(() => checkRemovedSecretKeys(() => false, "onprem-dc1"));
        assert.throws(() => checkRemovedSecretKeys((k) => k === "gatewayClientKey", "onprem-dc1"), (e: unknown) => e instanceof ConfigError &&
            e.message.includes("  - oss-monitoring:gatewayClientKey: sites now present a certificate the hub issues") &&
            e.message.includes("`pulumi config rm oss-monitoring:gatewayClientKey -s onprem-dc1`"));
    });
});

describe("example fleet (stacks/fleet.yaml)", () => {
    const manifest = loadManifest(path.resolve(__dirname, "../../../stacks/fleet.yaml"));
    const sites = manifest.stacks.filter((s) => s.role === "onprem");

    it("has an on-prem site whose secrets list is exactly what its config needs", () => {
        assert.ok(sites.some((s) => s.name === "onprem-dc1"), "onprem-dc1 is in the fleet");
        for (const s of sites) {
            const parsed = s.parsed as OnpremStackConfig;
            assert.deepStrictEqual([...s.secrets].sort(), requiredSecretKeys(parsed.onprem).sort(), s.name);
        }
    });

    it("feeds every site's CIDRs to the hub, and no site CA (the hub trusts only its own tenant CA)", () => {
        const hub = manifest.hub.parsed;
        if (hub.role !== "hub") {
            throw new Error("the manifest's hub entry does not parse as a hub");
        }
        for (const s of sites) {
            const parsed = s.parsed as OnpremStackConfig;
            const ref: OnPremSiteRef | undefined = hub.hub.onpremSites.find((x) => x.name === s.name);
            assert.ok(ref, `${s.name} is in the hub's site list`);
            assert.deepStrictEqual(ref.cidrs, parsed.onprem.siteCidrs);
            assert.ok(!("clientCaBundle" in ref), `${s.name}: no site CA reaches the hub`);
        }
    });
});
