/**
 * Validates CloudWatch agent JSON against the agent's official schema (draft-04), shared by the
 * monitored and on-prem tests: `validateAgentConfig(json)` returns `[]` or one message per problem.
 */
import * as fs from "fs";
import * as path from "path";
import Ajv from "ajv-draft-04";
import type { ValidateFunction } from "ajv";

/** Where CI clones the shared schemas: beside the repository. */
export const AGENT_SCHEMA_PATH = path.resolve(__dirname, "../../../vendor/cloudwatch-agent/config.schema.json");

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
    if (compiled === undefined) {
        const schema = JSON.parse(fs.readFileSync(AGENT_SCHEMA_PATH, "utf8"));
        compiled = new Ajv({ allErrors: true, strict: false }).compile(schema);
    }
    return compiled;
}

/** Schema errors of a CloudWatch agent config (object or JSON text), as `<path>: <message>` lines. */
export function validateAgentConfig(json: unknown): string[] {
    const doc = typeof json === "string" ? JSON.parse(json) : json;
    const validate = validator();
    if (validate(doc)) {
        return [];
    }
    return (validate.errors ?? []).map((e) => `${e.instancePath || "/"}: ${e.message ?? "invalid"}${e.params ? ` ${JSON.stringify(e.params)}` : ""}`);
}
