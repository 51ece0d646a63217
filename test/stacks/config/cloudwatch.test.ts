import * as assert from "assert";
import { resolveManifest } from "../../../automation/fleet/manifest";
import { parseStackConfig } from "../../../stacks/config";
import { ConfigError } from "../../../stacks/config/common";
import { hubRaw } from "../fixtures/hub";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

describe("hub.cloudwatch configuration", () => {
    it("defaults to organization-wide links and a 10-minute silence", () => {
        const c = parseStackConfig(hubRaw());
        assert.ok(c.role === "hub");
        assert.deepStrictEqual(c.hub.cloudwatch, { sinkPrincipals: "organization", silentAfterMinutes: 10, sources: [] });
    });

    it("names the key of a bad value", () => {
        assert.throws(() => parseStackConfig(hubRaw({ cloudwatch: { sinkPrincipals: "everyone" } })),
            (e: unknown) => e instanceof ConfigError && e.message.includes("oss-monitoring:hub.cloudwatch.sinkPrincipals"));
        assert.throws(() => parseStackConfig(hubRaw({ cloudwatch: { silentAfterMinutes: 2 } })),
            (e: unknown) => e instanceof ConfigError && e.message.includes("oss-monitoring:hub.cloudwatch.silentAfterMinutes"));
    });

    it("derives the agent sources from the manifest: namespace, log groups, site and region of every spoke", () => {
        const doc = parse(fs.readFileSync(path.resolve(__dirname, "../../../stacks/fleet.yaml"), "utf8"));
        doc.stacks.find((s: { name: string }) => s.name === "onprem-dc1").config.agent.namespace = "Site/DC1";
        const hub = resolveManifest(doc).hub.parsed;
        assert.ok(hub.role === "hub");
        assert.deepStrictEqual(hub.hub.cloudwatch.sources.map((s) => [s.stack, s.kind, s.account, s.region, s.namespace, s.logGroupPrefix, s.site]), [
            ["monitored-payments", "monitored", "222222222222", "us-east-1", "CWAgent", "/oss-monitoring/monitored-payments", undefined],
            ["monitored-analytics", "monitored", "333333333333", "us-east-1", "CWAgent", "/oss-monitoring/monitored-analytics", undefined],
            ["monitored-legacy", "monitored", "444444444444", "us-east-1", "CWAgent", "/oss-monitoring/monitored-legacy", undefined],
            ["onprem-dc1", "onprem", "777777777777", "us-east-1", "Site/DC1", "/oss-monitoring/onprem/dc1", "dc1"],
            ["monitored-web-west", "monitored", "565656565656", "us-west-2", "CWAgent", "/oss-monitoring/monitored-web-west", undefined],
        ]);
    });
});
