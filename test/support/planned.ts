import { parse } from "yaml";
import { PlanStack } from "../../automation/plan/plan";

export interface PlannedCollectorConfig {
    readonly stack: string;
    /** `<stack>/<resource name>`, for messages and file names. */
    readonly where: string;
    readonly yaml: string;
}

/**
 * Every collector configuration in planned stacks: the hub's SSM parameter and the spokes' and
 * gateways' ConfigMap entries, recognised as YAML with receivers and exporters.
 */
export function plannedCollectorConfigs(stacks: readonly PlanStack[]): PlannedCollectorConfig[] {
    const out: PlannedCollectorConfig[] = [];
    for (const s of stacks) {
        for (const r of s.resources) {
            const texts = r.type === "kubernetes:core/v1:ConfigMap"
                ? Object.values((r.inputs.data ?? {}) as Record<string, string>)
                : r.type === "aws:ssm/parameter:Parameter" ? [typeof r.inputs.insecureValue === "string" ? r.inputs.insecureValue : ""] : [];
            for (const yaml of texts) {
                const doc = (() => { try { return parse(yaml) as unknown; } catch { return undefined; } })();
                if (doc !== null && typeof doc === "object" && "receivers" in doc && "exporters" in doc) {
                    out.push({ stack: s.stack, where: `${s.stack}/${r.name}`, yaml });
                }
            }
        }
    }
    return out;
}
