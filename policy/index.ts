/**
 * Policy-pack entry point for `pulumi preview --policy-pack policy` (and the fleet driver's preview/up).
 * This is the only place that constructs the PolicyPack: constructing it starts the analyzer's gRPC
 * server, so nothing else may import this file (the offline evaluator imports ./policies instead).
 */
import { PolicyPack } from "@pulumi/policy";
import { PACK_ENFORCEMENT_LEVEL, PACK_NAME, policies } from "./policies";

new PolicyPack(PACK_NAME, {
    policies,
    enforcementLevel: PACK_ENFORCEMENT_LEVEL,
    description: "TLS in transit, least-privilege IAM, private endpoints, encryption/retention hygiene and cost-allocation tags for AWS stacks.",
    provider: "aws",
    tags: ["aws", "security", "tls", "iam", "networking", "cost"],
});
