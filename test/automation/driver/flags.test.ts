import * as assert from "assert";
import { parseArgs } from "../../../automation/driver/flags";
import { UsageError } from "../../../automation/io/cliKit";

function usageError(argv: string[], ...fragments: string[]): void {
    assert.throws(
        () => parseArgs(argv),
        (e: unknown) => {
            assert.ok(e instanceof UsageError, `expected UsageError, got ${String(e)}`);
            for (const f of fragments) {
                assert.ok(e.message.includes(f), `"${e.message}" should mention ${f}`);
            }
            return true;
        },
    );
}

describe("fleet flags", () => {
    it("parses values given with a space or =, aliases and repeated selectors", () => {
        const { command, flags } = parseArgs([
            "up",
            "--stacks", "role:monitored,hub",
            "--only=tag:Environment=prod",
            "--concurrency=25",
            "--failure-tolerance", "10%",
            "--mode", "soft",
            "--retries", "0",
            "--backend", "s3://state-bucket?region=eu-west-1",
            "--secrets-provider", "awskms://alias/fleet?region=eu-west-1",
            "--json", "report.json",
            "--yes",
        ]);
        assert.strictEqual(command, "up");
        assert.deepStrictEqual(flags.stacks, ["role:monitored", "hub", "tag:Environment=prod"]);
        assert.strictEqual(flags.concurrency, 25);
        assert.deepStrictEqual(flags.failureTolerance, { kind: "percent", value: 10 });
        assert.strictEqual(flags.mode, "soft");
        assert.strictEqual(flags.retries, 0);
        assert.strictEqual(flags.backend, "s3://state-bucket?region=eu-west-1");
        assert.strictEqual(flags.secretsProvider, "awskms://alias/fleet?region=eu-west-1");
        assert.strictEqual(flags.json, "report.json");
        assert.strictEqual(flags.yes, true);
        assert.strictEqual(flags.force, false);
    });

    it("treats a count tolerance as a count", () => {
        assert.deepStrictEqual(parseArgs(["up", "--failure-tolerance", "3"]).flags.failureTolerance, { kind: "count", value: 3 });
    });

    it("rejects an unknown flag, naming it and suggesting the closest one with an example", () => {
        usageError(["up", "--concurency", "5"], "--concurency", "did you mean --concurrency", "e.g. --concurrency 25");
    });

    it("rejects bad values, naming the flag and showing an example", () => {
        usageError(["up", "--concurrency", "0"], "--concurrency", "1 to 200", "\"0\"", "e.g. --concurrency 25");
        usageError(["up", "--concurrency", "many"], "--concurrency", "\"many\"");
        usageError(["up", "--failure-tolerance", "150%"], "--failure-tolerance", "0% to 100%", "e.g. --failure-tolerance 5%");
        usageError(["up", "--failure-tolerance", "-1"], "--failure-tolerance");
        usageError(["up", "--mode", "lenient"], "--mode", "strict or soft", "\"lenient\"");
        usageError(["up", "--retries", "11"], "--retries", "0 to 10");
        usageError(["up", "--backend", "ftp://x"], "--backend", "s3://", "e.g. --backend s3://");
        usageError(["up", "--backend", "s3://"], "--backend");
        usageError(["up", "--secrets-provider", "kms"], "--secrets-provider", "awskms://");
        usageError(["up", "--executor", "cloud"], "--executor", "local or remote");
        usageError(["up", "--stacks", "a,,b"], "--stacks", "empty selector");
    });

    it("rejects a missing value, a value on a switch, a stray argument and an unknown command", () => {
        usageError(["up", "--concurrency"], "--concurrency needs a value", "e.g. --concurrency 25");
        usageError(["up", "--manifest", "--yes"], "--manifest needs a value");
        usageError(["up", "--yes=true"], "--yes takes no value");
        usageError(["up", "hub"], "unexpected argument \"hub\"", "--stacks hub");
        usageError(["deploy"], "unknown command \"deploy\"", "plan, config, preview");
    });

    it("falls back to help without a command or with --help", () => {
        assert.strictEqual(parseArgs([]).command, "help");
        assert.strictEqual(parseArgs(["up", "--help"]).command, "help");
    });
});
