import { strict as assert } from "assert";
import { chunkLines, Tenant, tenantKey, tenantMaps, tenantProblems, tenantSecretName, tenantSubject } from "../../../components/identity/tenants";

const mon = (account: string): Tenant => ({ kind: "monitored", account, readerRoleArn: `arn:aws:iam::${account}:role/Deploy` });
const site = (name: string, account: string): Tenant => ({ kind: "onprem", account, site: name, readerRoleArn: `arn:aws:iam::${account}:role/Deploy` });

describe("tenant identity model", () => {
    it("names tenants by account or site, and the subject comes from the name", () => {
        assert.equal(tenantKey(mon("222222222222")), "account-222222222222");
        assert.equal(tenantKey(site("dc1", "777777777777")), "site-dc1");
        assert.deepEqual(tenantSubject(site("dc1", "777777777777")), { commonName: "site-dc1", organizationalUnit: "onprem", organization: "oss-monitoring" });
        assert.equal(tenantSecretName(mon("222222222222")), "oss-monitoring/identity/account-222222222222");
    });

    it("renders sorted HAProxy maps: every tenant has an account, only sites a site", () => {
        const maps = tenantMaps([mon("333333333333"), site("dc1", "777777777777"), mon("222222222222")]);
        assert.equal(maps.account, "account-222222222222 222222222222\naccount-333333333333 333333333333\nsite-dc1 777777777777\n");
        assert.equal(maps.site, "site-dc1 dc1\n");
    });

    it("refuses duplicates, bad accounts, sites without names and readers of another account", () => {
        const problems = tenantProblems([mon("222222222222"), mon("222222222222"), mon("22"), { kind: "onprem", account: "777777777777", readerRoleArn: "arn:aws:iam::777777777777:role/D" }, { ...mon("444444444444"), readerRoleArn: "arn:aws:iam::555555555555:role/D" }]);
        const text = problems.join("\n");
        assert.match(text, /tenants\[1\]: account-222222222222 is listed twice \(first at tenants\[0\]\)/);
        assert.match(text, /tenants\[2\]\.account: expected a 12-digit account ID/);
        assert.match(text, /tenants\[3\]\.site: an on-prem tenant needs a site name/);
        assert.match(text, /tenants\[4\]\.readerRoleArn: expected a role of account 444444444444/);
        assert.equal(problems.filter((p) => p.startsWith("tenants[0]")).length, 0);
        assert.throws(() => tenantMaps([mon("1")]), /tenants\[0\]\.account/);
    });

    it("chunks a 500-account map into SSM-sized pieces at line boundaries, losing nothing", () => {
        const tenants = Array.from({ length: 500 }, (_, i) => mon(String(100000000000 + i)));
        const { account } = tenantMaps(tenants);
        const chunks = chunkLines(account, 8192);
        assert.ok(chunks.length >= 3, `${chunks.length} chunks for ${Buffer.byteLength(account)} bytes`);
        for (const c of chunks) {
            assert.ok(Buffer.byteLength(c) <= 8192);
            assert.ok(c.endsWith("\n"));
        }
        assert.equal(chunks.join(""), account);
        assert.deepEqual(chunkLines(""), [""]);
    });
});
