// Plain JavaScript for the reason test/e2e/engine/fixture/policy/index.js gives (no type check per stack).
const { PolicyPack } = require("@pulumi/policy");

new PolicyPack("fleet-dynamic-fixture", {
    policies: [
        {
            name: "fixture-registration-has-path",
            description: "Every dynamic registration resource names its file.",
            enforcementLevel: "advisory",
            validateResource: (args, reportViolation) => {
                if (args.type === "pulumi-nodejs:dynamic:Resource" && typeof args.props.path !== "string") {
                    reportViolation("dynamic resource without a path");
                }
            },
        },
    ],
});
