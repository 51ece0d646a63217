/** Offline enforcement of the pack: what `npm run policy -- check` and `fleet plan` call. */
export { evaluatePlan, evaluatePlanStack, parsePlan, stackTagsFor, stackUrnOf, withViolations } from "./evaluate";
export type { EvaluateOptions } from "./evaluate";
export { resolveConfig } from "./config";
export { sarifLevel, stackConfigPath, toSarif } from "./sarif";
export { InputError, PLAN_VERSION } from "./types";
export type { Plan, PlanResource, PlanStack, Violation } from "./types";
