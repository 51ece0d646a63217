import * as assert from "assert";
import { execFileSync } from "child_process";
import * as path from "path";

const ROOT = path.resolve(__dirname, "../../..");

/**
 * Packages a plan's parent process has no use for: the stack program's SDKs (the workers plan), the policy pack (the
 * workers evaluate it), the Automation API and the AWS SDK clients (the driver's and enrol's). Each is tens of MiB
 * of memory and hundreds of modules to load; a parallel plan's parent only validates the manifest and relays results.
 */
const HEAVY = ["@pulumi/pulumi/", "@pulumi/aws/", "@pulumi/kubernetes/", "@pulumi/tls/", "@pulumi/policy/", "@pulumiverse/", "@grafana/", "@aws-sdk/", "@cloud-copilot/"];
/** The one exception: the AWS provider's generated Region enum (12 small modules, no SDK), the manifest's region list. */
const ALLOWED = "/node_modules/@pulumi/aws/types/enums/";

/** Heavy packages (and how many of their files) loaded in a fresh process after running `body`. */
function heavyLoaded(body: string): Record<string, number> {
    const script = `require("ts-node/register/transpile-only"); ${body};
        const heavy = ${JSON.stringify(HEAVY)};
        const found = {};
        for (const k of Object.keys(require.cache)) {
            const pkg = heavy.find((h) => k.includes("/node_modules/" + h));
            if (pkg !== undefined && !k.includes(${JSON.stringify(ALLOWED)})) found[pkg] = (found[pkg] || 0) + 1;
        }
        console.log(JSON.stringify(found));`;
    return JSON.parse(execFileSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8" }));
}

describe("what a plan's parent process loads", () => {
    it("the fleet command's module graph (every command's definition) loads none of the program's, pack's or driver's SDKs", () => {
        assert.deepStrictEqual(heavyLoaded(`require("./automation/cli/main")`), {});
    });

    it("validating the example fleet manifest (every stack's config schema, every cross-stack check) loads none of them either", () => {
        assert.deepStrictEqual(heavyLoaded(`
            const m = require("./automation/fleet/manifest").loadManifest("stacks/fleet.yaml");
            if (m.stacks.length < 2) throw new Error("manifest not loaded")`), {});
    });

    it("the check itself notices: planning in-process does load the program's SDKs", () => {
        const found = heavyLoaded(`require("./automation/plan/inProcess")`);
        assert.ok((found["@pulumi/aws/"] ?? 0) > 0 && (found["@pulumi/pulumi/"] ?? 0) > 0, JSON.stringify(found));
    });
});
