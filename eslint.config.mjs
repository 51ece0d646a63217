// @ts-check
// `npm run lint`: eslint's and typescript-eslint's recommended rules, the type-aware set included.
// Rules switched off below each carry the reason; everything else is an error.
import eslint from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
    { ignores: ["node_modules/", "bin/", "dist/", ".cache/", ".fleet/", ".pulumi/", "vendor/"] },
    eslint.configs.recommended,
    tseslint.configs.recommendedTypeChecked,
    {
        languageOptions: {
            parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
        },
        linterOptions: { reportUnusedDisableDirectives: "error" },
        rules: {
            // `_name` marks a parameter an interface requires but this implementation ignores.
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
            // Pulumi resource classes are passed to validateResourceOfType, whose static isInstance does not use `this`.
            "@typescript-eslint/unbound-method": "off",
            // Parsed YAML/JSON, Pulumi SDK internals and protobuf values are `any` in their libraries' typings;
            // typing every access is a rewrite of the plan engine. no-explicit-any still bans writing `any` ourselves.
            "@typescript-eslint/no-unsafe-assignment": "off",
            "@typescript-eslint/no-unsafe-member-access": "off",
            "@typescript-eslint/no-unsafe-call": "off",
            "@typescript-eslint/no-unsafe-argument": "off",
            "@typescript-eslint/no-unsafe-return": "off",
            // Async functions implement Promise-returning interfaces; dropping `async` turns a throw into a sync throw.
            "@typescript-eslint/require-await": "off",
        },
    },
    {
        files: ["test/**/*.ts"],
        rules: {
            // Tests read Pulumi mock inputs and parsed documents, which are untyped by nature.
            "@typescript-eslint/no-explicit-any": "off",
        },
    },
    { files: ["**/*.mjs", "**/*.js"], extends: [tseslint.configs.disableTypeChecked] },
    {
        // CommonJS on purpose (the fixture policy pack: see its header).
        files: ["**/*.js"],
        languageOptions: { sourceType: "commonjs", globals: { require: "readonly", module: "writable", process: "readonly", __dirname: "readonly" } },
        rules: { "@typescript-eslint/no-require-imports": "off" },
    },
);
