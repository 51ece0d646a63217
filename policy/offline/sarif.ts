/**
 * SARIF 2.1.0 for code-scanning UIs: one rule per policy (help = how to fix + scanner equivalents),
 * one result per violation with the URN as logical location and the stack's config file
 * (stacks/Pulumi.<stack>.yaml) as physical location, since that is where a stack is declared.
 */
import { createHash } from "crypto";
import { EnforcementLevel, Policies, Severity } from "@pulumi/policy";
import { Violation } from "./types";

export const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

export type SarifLevel = "error" | "warning" | "note" | "none";

export function sarifLevel(level: EnforcementLevel): SarifLevel {
    switch (level) {
        case "mandatory":
        case "remediate":
            return "error";
        case "advisory":
            return "warning";
        default:
            return "none";
    }
}

/** GitHub code scanning ranks security results by this CVSS-like score. */
const SECURITY_SEVERITY: Record<Severity, string> = { low: "3.0", medium: "5.5", high: "8.0", critical: "9.5" };

export interface SarifOptions {
    toolVersion: string;
    /** Directory of the stack config files, relative to the repository root. */
    stackConfigDir?: string;
}

/** `org/project/stack` and `stack` both map to the stack's own config file. */
export function stackConfigPath(stack: string, dir: string): string {
    return `${dir}/Pulumi.${stack.split("/").pop()}.yaml`;
}

function summaryOf(description: string): string {
    const i = description.indexOf(" Scanner equivalents:");
    return i > 0 ? description.slice(0, i) : description;
}

export function toSarif(violations: readonly Violation[], policies: Policies, opts: SarifOptions): Record<string, unknown> {
    const dir = opts.stackConfigDir ?? "stacks";
    const index = new Map(policies.map((p, i) => [p.name, i]));
    const rules = policies.map((p) => {
        const equivalents = p.description.slice(summaryOf(p.description).length).trim();
        return {
            id: p.name,
            name: p.name,
            shortDescription: { text: summaryOf(p.description) },
            fullDescription: { text: p.description },
            help: {
                text: `How to fix: ${p.remediationSteps ?? "see the description"}\n${equivalents}`,
                markdown: `**How to fix:** ${p.remediationSteps ?? "see the description"}\n\n${equivalents}`,
            },
            defaultConfiguration: { level: sarifLevel(p.enforcementLevel ?? "mandatory") },
            properties: {
                tags: ["security", ...(p.tags ?? [])],
                ...(p.severity ? { "security-severity": SECURITY_SEVERITY[p.severity] } : {}),
            },
        };
    });
    const results = violations.filter((v) => v.enforcementLevel !== "disabled").map((v) => ({
        ruleId: v.policy,
        ...(index.has(v.policy) ? { ruleIndex: index.get(v.policy) } : {}),
        level: sarifLevel(v.enforcementLevel),
        message: { text: v.fix ? `${v.message}\nHow to fix: ${v.fix}` : v.message },
        locations: [{
            physicalLocation: { artifactLocation: { uri: stackConfigPath(v.stack, dir), uriBaseId: "%SRCROOT%" } },
            logicalLocations: [{ fullyQualifiedName: v.urn, name: v.urn.split("::").pop(), kind: "resource" }],
        }],
        partialFingerprints: {
            "urnPolicyMessage/v1": createHash("sha256").update(`${v.urn}\n${v.policy}\n${v.message}`).digest("hex"),
        },
        properties: { stack: v.stack, enforcementLevel: v.enforcementLevel },
    }));
    return {
        $schema: SARIF_SCHEMA,
        version: "2.1.0",
        runs: [{
            tool: { driver: { name: "oss-monitoring-guard", version: opts.toolVersion, semanticVersion: opts.toolVersion, rules } },
            originalUriBaseIds: { "%SRCROOT%": { description: { text: "Repository root" } } },
            results,
        }],
    };
}
