import * as assert from "assert";
import { grafanaNetworkAccess } from "../../../../components/hub/grafana/grafanaWorkspace";
import { grafanaAccessProblem } from "../../../../components/hub/grafana/grafanaWorkspaceSettings";

const base = { authentication: "AWS_SSO" as const, adminGroupIds: ["g1"], apiAccess: "hubVpcEndpoint" as const, allowedVpceIds: [] as string[], allowedPrefixListIds: [] as string[] };

describe("Grafana access checks", () => {
    it("refuses an AWS_SSO workspace without a role association (nobody can sign in)", () => {
        assert.match(String(grafanaAccessProblem({ ...base, adminGroupIds: [] })), /^adminGroupIds: .*nobody sign in/);
        assert.strictEqual(grafanaAccessProblem({ ...base, authentication: "SAML", adminGroupIds: [] }), undefined);
    });

    it("refuses a prefix-list runner without its prefix list, and NAC that admits no one", () => {
        // API_NetworkAccessConfiguration: both lists empty means no traffic is allowed.
        assert.match(String(grafanaAccessProblem({ ...base, apiAccess: "prefixList" })), /^apiAccessPrefixListId: /);
        assert.match(String(grafanaAccessProblem({ ...base, apiAccess: "none" })), /^allowedVpceIds: .*admits no one/);
        assert.strictEqual(grafanaAccessProblem(base), undefined);
    });

    it("adds the runner's path to network access control", () => {
        assert.deepStrictEqual(grafanaNetworkAccess({ ...base, allowedVpceIds: ["vpce-a"], apiEndpointId: "vpce-hub" }), { vpceIds: ["vpce-a", "vpce-hub"], prefixListIds: [] });
        assert.deepStrictEqual(grafanaNetworkAccess({ ...base, apiAccess: "prefixList", apiAccessPrefixListId: "pl-1", allowedPrefixListIds: ["pl-1"], apiEndpointId: "vpce-hub" }),
            { vpceIds: [], prefixListIds: ["pl-1"] });
        assert.deepStrictEqual(grafanaNetworkAccess({ ...base, apiAccess: "none", allowedVpceIds: ["vpce-a"], apiEndpointId: "vpce-hub" }), { vpceIds: ["vpce-a"], prefixListIds: [] });
    });
});
