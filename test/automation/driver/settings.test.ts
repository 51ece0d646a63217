import * as assert from "assert";
import * as path from "path";
import { parseArgs } from "../../../automation/driver/flags";
import { resolveSettings, toleratedFailures } from "../../../automation/driver/settings";
import { fleet } from "./fixtures";

describe("fleet settings", () => {
    const manifest = fleet(["alpha", "beta"], { concurrency: 7, failureTolerance: "20%", mode: "soft", retries: 4, timeoutMinutes: 30, canary: ["beta"], regionOrder: ["eu-west-1", "us-east-1"] });
    const workDir = "/repo";

    it("takes the manifest's rollout values as defaults", () => {
        const s = resolveSettings("up", parseArgs(["up"]).flags, manifest, workDir);
        assert.strictEqual(s.concurrency, 7);
        assert.deepStrictEqual(s.failureTolerance, { kind: "percent", value: 20 });
        assert.strictEqual(s.mode, "soft");
        assert.strictEqual(s.retries, 4);
        assert.strictEqual(s.timeoutMs, 30 * 60_000);
        assert.deepStrictEqual(s.canary, ["beta"]);
        assert.deepStrictEqual(s.regionOrder, ["eu-west-1", "us-east-1"]);
        assert.deepStrictEqual(s.policyPacks, [path.resolve(workDir, "policy")]);
        assert.strictEqual(s.stateDir, path.resolve(workDir, ".fleet"));
        assert.strictEqual(s.executor, "local");
    });

    it("lets flags override the manifest", () => {
        const s = resolveSettings("up", parseArgs(["up", "--concurrency", "3", "--failure-tolerance", "2", "--mode", "strict", "--retries", "0", "--timeout-minutes", "5", "--canary-count", "0", "--policy-pack", "other/pack"]).flags, manifest, workDir);
        assert.strictEqual(s.concurrency, 3);
        assert.deepStrictEqual(s.failureTolerance, { kind: "count", value: 2 });
        assert.strictEqual(s.mode, "strict");
        assert.strictEqual(s.retries, 0);
        assert.strictEqual(s.timeoutMs, 5 * 60_000);
        assert.deepStrictEqual(s.canary, [], "--canary-count overrides the named canaries");
        assert.strictEqual(s.canaryCount, 0);
        assert.deepStrictEqual(s.policyPacks, [path.resolve(workDir, "other/pack")]);
    });

    it("rounds percentage tolerances down over the main wave, like StackSets", () => {
        assert.strictEqual(toleratedFailures({ kind: "percent", value: 10 }, 19), 1);
        assert.strictEqual(toleratedFailures({ kind: "percent", value: 10 }, 9), 0);
        assert.strictEqual(toleratedFailures({ kind: "count", value: 4 }, 2), 4);
    });

    it("rejects flag combinations that cannot work, naming the flag", () => {
        assert.throws(() => resolveSettings("up", parseArgs(["up", "--remote-url", "https://github.com/acme/x.git"]).flags, manifest, workDir), /--remote-url only applies with --executor remote/);
        assert.throws(() => resolveSettings("up", parseArgs(["up", "--executor", "remote", "--policy-pack", "policy"]).flags, manifest, workDir), /--policy-pack applies to --executor local/);
        assert.throws(() => resolveSettings("up", parseArgs(["up", "--executor", "remote", "--backend", "s3://b"]).flags, manifest, workDir), /--backend s3:\/\/b: --executor remote .* Pulumi Cloud/);
        assert.throws(() => resolveSettings("drift", parseArgs(["drift", "--executor", "remote"]).flags, manifest, workDir), /drift needs --executor local/);
    });
});
