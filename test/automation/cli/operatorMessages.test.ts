import * as assert from "assert";
import { condenseSdkWarnings } from "../../../automation/io/cliKit";
import { deployRoleFix } from "../../../automation/driver/engine/preflight";
import { shortError } from "../../../automation/driver/record/report";

/** What an operator reads when something outside the tool is wrong: one line each, with a fix that keeps the safety checks on. */
describe("operator messages", () => {
    it("the AWS SDK's nine-line Node-version warning becomes one line, once; other warnings pass through", () => {
        const lines: string[] = [];
        const passed: string[] = [];
        const onWarning = (w: Error) => passed.push(w.message);
        process.on("warning", onWarning);
        const restore = condenseSdkWarnings((l) => lines.push(l));
        try {
            // The text @aws-sdk/core emitWarningIfUnsupportedVersion emits (node_modules/@aws-sdk/core/dist-es/submodules/client/emitWarningIfUnsupportedVersion.js).
            const sdk = "NodeVersionSupportWarning: The AWS SDK for JavaScript (v3)\nversions published after the first week of January 2027\nwill require node >=22. You are running node v20.20.2.";
            process.emitWarning(sdk);
            process.emitWarning(sdk);
            process.emitWarning("something else", { code: "OSSMON_TEST" });
        } finally {
            restore();
        }
        return new Promise<void>((resolve) => setImmediate(() => {
            process.off("warning", onWarning);
            assert.strictEqual(lines.length, 1);
            assert.match(lines[0], /^note: AWS SDK for JavaScript releases after early January 2027 need Node\.js >= 22 \(this is v\d+/);
            assert.deepStrictEqual(passed, ["something else"]);
            resolve();
        }));
    });

    it("the credentials error never suggests switching the deploy-role check off", () => {
        const none = deployRoleFix([{ error: "CredentialsProviderError: Could not load credentials from any providers", stacks: ["hub"], roles: ["arn:aws:iam::111111111111:role/x"] }]);
        assert.match(none, /^fix: give this shell AWS credentials .* aws sts get-caller-identity$/);
        const denied = deployRoleFix([{ error: "AccessDenied: User: <role> is not authorized to perform: sts:AssumeRole on resource: <role>", stacks: ["a"], roles: [] }]);
        assert.match(denied, /^fix: make each deploy role trust that identity/);
        for (const text of [none, denied, deployRoleFix([{ error: "Throttling", stacks: ["a"], roles: [] }])]) {
            assert.doesNotMatch(text, /checkDeployRoles/);
        }
    });

    it("an Automation API CommandError dump is summarised as its error line", () => {
        const dump = new Error([
            "code: 255",
            " stdout: ",
            " stderr: error: failed to load checkpoint: blob (key \".pulumi/stacks/hub.json\") (code=Unknown): AccessDenied: Access Denied",
            "",
            " err?: Error: Command failed with exit code 255: pulumi stack select --stack organization/oss-monitoring/hub --non-interactive",
        ].join("\n"));
        assert.strictEqual(shortError(dump), "error: failed to load checkpoint: blob (key \".pulumi/stacks/hub.json\") (code=Unknown): AccessDenied: Access Denied");
    });
});
