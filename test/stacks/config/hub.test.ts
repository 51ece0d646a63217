import * as assert from "assert";
import { ConfigError } from "../../../stacks/config/common";
import { parseStackConfig } from "../../../stacks/config";
import { tenantProblems } from "../../../components/identity/tenants";
import { hubTenants } from "../../../stacks/config/hub";
import { DEFAULT_COLLECTOR_IMAGE } from "../../../components/telemetry/adotComponents";
import { hubConfig, hubRaw, PEM, SITE } from "../fixtures/hub";

function rejects(raw: Record<string, unknown>, ...fragments: string[]): void {
    assert.throws(() => parseStackConfig(raw), (e: unknown) => {
        assert.ok(e instanceof ConfigError, `expected ConfigError, got ${String(e)}`);
        for (const f of fragments) {
            assert.ok(e.message.includes(f), `error should mention ${JSON.stringify(f)}:\n${e.message}`);
        }
        return true;
    });
}

describe("hub stack config", () => {
    it("applies documented defaults", () => {
        const c = hubConfig();
        assert.strictEqual(c.hub.network.cidr, "10.60.0.0/16");
        assert.strictEqual(c.hub.network.azCount, 3);
        assert.strictEqual(c.hub.collector.minTasks, 2);
        assert.strictEqual(c.hub.collector.image, DEFAULT_COLLECTOR_IMAGE);
        assert.strictEqual(c.hub.grafana.authentication, "AWS_SSO");
        assert.strictEqual(c.hub.grafana.tokenRotationDays, 15);
        assert.strictEqual(c.hub.ingress.acceptanceRequired, false);
        assert.deepStrictEqual(c.hub.quotas, { activeSeries: 50_000_000, samplesPerSecond: 1_666_666 });
    });

    it("needs no ACM certificate (the proxy presents the server certificate) but names a malformed one with an example", () => {
        const parsed = parseStackConfig(hubRaw({ ingress: {} }));
        assert.ok(parsed.role === "hub" && parsed.hub.ingress.certificateArn === undefined);
        rejects(hubRaw({ ingress: { certificateArn: "not-an-arn" } }), "oss-monitoring:hub.ingress.certificateArn", "arn:aws:acm:");
    });

    it("rejects a malformed account ID and region naming the keys", () => {
        rejects(hubRaw({}, { account: "1234" }), "oss-monitoring:account", "12-digit");
        rejects(hubRaw({}, { region: "useast1" }), "oss-monitoring:region", "us-east-1");
    });

    it("refuses a single-AZ or single-task hub", () => {
        rejects(hubRaw({ network: { azCount: 1 } }), "hub.network.azCount", "high availability");
        rejects(hubRaw({ collector: { tlsSecretArn: "arn:aws:secretsmanager:us-east-1:111111111111:secret:x", minTasks: 1 } }), "hub.collector.minTasks");
    });

    it("validates hub AZ IDs against the region and refuses them with a bring-your-own VPC", () => {
        rejects(hubRaw({ network: { availabilityZoneIds: ["use1-az1", "usw2-az2"] } }), "oss-monitoring:hub.network.availabilityZoneIds", "usw2-az2 is not an AZ ID of us-east-1");
        rejects(hubRaw({ network: { availabilityZoneIds: ["us-east-1a", "us-east-1b"] } }), "hub.network.availabilityZoneIds[0]", "expected an AZ ID");
        rejects(hubRaw({ network: { vpcId: "vpc-0123456789abcdef0", privateSubnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"], availabilityZoneIds: ["use1-az1", "use1-az2"] } }),
            "hub.network.availabilityZoneIds", "bring-your-own VPC");
        assert.deepStrictEqual(hubConfig({ network: { availabilityZoneIds: ["use1-az1", "use1-az6"] } }).hub.network.availabilityZoneIds, ["use1-az1", "use1-az6"]);
    });

    it("requires vpcId and privateSubnetIds together", () => {
        rejects(hubRaw({ network: { vpcId: "vpc-0123456789abcdef0" } }), "hub.network", "privateSubnetIds");
    });

    it("rejects CIDRs with host bits and the whole internet", () => {
        rejects(hubRaw({ ingress: { certificateArn: "arn:aws:acm:us-east-1:111111111111:certificate/x", allowedCidrs: ["10.1.2.3/16"] } }), "hub.ingress.allowedCidrs[0]", "10.1.0.0/16");
        rejects(hubRaw({ ingress: { certificateArn: "arn:aws:acm:us-east-1:111111111111:certificate/x", allowedCidrs: ["0.0.0.0/0"] } }), "hub.ingress.allowedCidrs[0]", "every address");
    });

    it("requires SAML metadata and network access control for Grafana", () => {
        rejects(hubRaw({ grafana: { authentication: "SAML", allowedVpceIds: ["vpce-0a1b2c3d4e5f60718"] } }), "hub.grafana.samlMetadataUrl");
        rejects(hubRaw({ grafana: { apiAccess: "none", adminGroupIds: ["90677e8d-a0d1-70e1-1234-5678abcdef01"] } }), "hub.grafana.allowedVpceIds", "no one can reach the workspace");
    });

    it("refuses an AWS_SSO workspace nobody can sign in to, and group IDs with SAML", () => {
        rejects(hubRaw({ grafana: { allowedVpceIds: ["vpce-0a1b2c3d4e5f60718"] } }), "hub.grafana.adminGroupIds", "nobody sign in");
        rejects(hubRaw({ grafana: { adminGroupIds: ["admins"] } }), "hub.grafana.adminGroupIds[0]", "IAM Identity Center group ID");
        rejects(hubRaw({ grafana: { authentication: "SAML", samlMetadataUrl: "https://idp.example.com/m.xml", adminGroupIds: ["90677e8d-a0d1-70e1-1234-5678abcdef01"] } }),
            "hub.grafana.adminGroupIds", "AWS_SSO only");
    });

    it("refuses Grafana API access combinations the deploy runner cannot use", () => {
        const admins = ["90677e8d-a0d1-70e1-1234-5678abcdef01"];
        rejects(hubRaw({ grafana: { adminGroupIds: admins, apiAccess: "prefixList" } }), "hub.grafana.apiAccessPrefixListId", "required when apiAccess is prefixList");
        rejects(hubRaw({ grafana: { adminGroupIds: admins, apiAccessPrefixListId: "pl-0123456789abcdef0" } }), "hub.grafana.apiAccessPrefixListId", "only used with apiAccess: prefixList");
        rejects(hubRaw({ grafana: { adminGroupIds: admins, apiAccess: "sometimes" } }), "hub.grafana.apiAccess");
        // The default (a grafana-workspace endpoint in the hub VPC) needs nothing else listed.
        assert.strictEqual(hubConfig({ grafana: { adminGroupIds: admins } }).hub.grafana.apiAccess, "hubVpcEndpoint");
    });

    it("rejects a DR region equal to the primary", () => {
        rejects(hubRaw({ drRegion: "us-east-1" }), "hub.drRegion", "must differ");
    });

    it("names the fix for the removed per-site clientCaBundle and bearerTokenSecretArn keys, one line each", () => {
        rejects(hubRaw({ onpremSites: [{ ...SITE, clientCaBundle: PEM }] }), "oss-monitoring:hub.onpremSites[0].clientCaBundle: removed:", "delete clientCaBundle");
        rejects(hubRaw({ onpremSites: [{ ...SITE, bearerTokenSecretArn: "arn:aws:secretsmanager:us-east-1:111111111111:secret:t-AbCdEf" }] }),
            "oss-monitoring:hub.onpremSites[0].bearerTokenSecretArn: removed:", "delete bearerTokenSecretArn");
        rejects(hubRaw({ onpremSites: [{ name: "onprem-dc1", cidrs: ["172.16.0.0/20"] }] }), "hub.onpremSites[0].site", "hub.onpremSites[0].account");
    });

    it("gives every site one identity: distinct site names", () => {
        rejects(hubRaw({ onpremSites: [SITE, { ...SITE, name: "onprem-dc1b", cidrs: ["172.17.0.0/20"] }] }), "hub.onpremSites[1].site", "site dc1 of stack onprem-dc1b is also the site of onprem-dc1", "distinct siteName");
    });

    it("defaults identity (30-day rotation, nothing revoked) and refuses bad rotation periods and serials", () => {
        assert.deepStrictEqual(hubConfig().hub.identity, { rotationDays: 30, revokedSerials: [] });
        assert.strictEqual(hubConfig().hub.spokeDeployRoleName, "OrganizationMonitoringDeploy");
        rejects(hubRaw({ identity: { rotationDays: 365 } }), "hub.identity.rotationDays", "at most 120");
        rejects(hubRaw({ identity: { revokedSerials: ["not-hex"] } }), "hub.identity.revokedSerials[0]", "serial in hex");
        rejects(hubRaw({ identity: { revokedSerials: [":"] } }), "hub.identity.revokedSerials[0]");
        rejects(hubRaw({ identity: { revokedSerials: ["ab".repeat(22)] } }), "hub.identity.revokedSerials[0]", "at most 20 bytes");
        assert.deepStrictEqual(hubConfig({ identity: { revokedSerials: ["0a:1b"] } }).hub.identity.revokedSerials, ["0a:1b"]);
    });

    it("derives one tenant per monitored account and per site, read by the spoke deploy role of its account", () => {
        const h = hubConfig({ onpremSites: [SITE], monitoredAccounts: ["333333333333", "222222222222", "222222222222"], spokeDeployRoleName: "FleetDeploy" }).hub;
        assert.deepStrictEqual(hubTenants(h), [
            { kind: "monitored", account: "222222222222", readerRoleArn: "arn:aws:iam::222222222222:role/FleetDeploy" },
            { kind: "monitored", account: "333333333333", readerRoleArn: "arn:aws:iam::333333333333:role/FleetDeploy" },
            { kind: "onprem", account: "777777777777", site: "dc1", readerRoleArn: "arn:aws:iam::777777777777:role/FleetDeploy" },
        ]);
        assert.deepStrictEqual(tenantProblems(hubTenants(h)), []);
    });

    it("rejects unknown keys (typos) instead of ignoring them", () => {
        rejects(hubRaw({ retentionDay: 30 }), "retentionDay");
    });

    it("rejects an unknown role", () => {
        rejects(hubRaw({}, { role: "spoke" }), "oss-monitoring:role", "hub, monitored, onprem");
    });
});
