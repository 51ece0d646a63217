/**
 * Pure builders for CloudWatch cross-account observability (Observability Access Manager):
 * the sink policy, the link's sharing filters, and the region check between a link and its sink.
 */
import { PROJECT_LOG_GROUP_ROOT } from "../agent/logGroups";
import { policyDocument, PolicyDocument } from "../security/iam";

/**
 * What spokes share. Metrics and log groups only: the agents send no traces (the CloudWatch agent
 * configs in components/agent/cloudwatchAgentConfig.ts render no `traces` section, and the ADOT
 * collectors export metrics to AMP only), so `AWS::XRay::Trace` would share nothing but widen the
 * grant. Type names: https://docs.aws.amazon.com/OAM/latest/APIReference/API_PutSinkPolicy.html
 */
export const SHARED_RESOURCE_TYPES = ["AWS::CloudWatch::Metric", "AWS::Logs::LogGroup"] as const;

export { PROJECT_LOG_GROUP_ROOT };

const ORG = /^o-[a-z0-9]{10,32}$/;
const ACCOUNT = /^\d{12}$/;

export interface SinkPolicyArgs {
    /** The AWS organization whose accounts may link: always a condition (aws:PrincipalOrgID). */
    readonly organizationId: string;
    /** Restrict further to these accounts (the fleet's, from the manifest). Default: any account of the organization. */
    readonly accounts?: readonly string[];
}

/**
 * Sink policy: accounts of the organization (and, when listed, only the fleet's accounts) may create
 * or update links that share metrics and log groups, nothing else. Shape and the oam:ResourceTypes
 * condition follow the API reference examples
 * (https://docs.aws.amazon.com/OAM/latest/APIReference/API_PutSinkPolicy.html).
 */
export function sinkPolicy(args: SinkPolicyArgs): PolicyDocument {
    if (!ORG.test(args.organizationId)) {
        throw new Error(`organizationId: "${args.organizationId}" is not an AWS organization ID (o-xxxxxxxxxx)`);
    }
    const accounts = [...new Set(args.accounts ?? [])].sort();
    accounts.forEach((a, i) => {
        if (!ACCOUNT.test(a)) {
            throw new Error(`accounts[${i}]: "${a}" is not a 12-digit account ID`);
        }
    });
    return policyDocument([
        {
            Sid: "OrganizationAccountsLinkMetricsAndLogs",
            Effect: "Allow",
            Principal: accounts.length > 0 ? { AWS: accounts } : "*",
            Action: ["oam:CreateLink", "oam:UpdateLink"],
            Resource: "*",
            Condition: {
                StringEquals: { "aws:PrincipalOrgID": args.organizationId },
                "ForAllValues:StringEquals": { "oam:ResourceTypes": [...SHARED_RESOURCE_TYPES] },
            },
        },
    ]);
}

/**
 * Link filters: only the agents' namespaces and this project's log groups leave the account, so a
 * link never exposes a workload's other telemetry. Filter syntax:
 * https://docs.aws.amazon.com/OAM/latest/APIReference/API_LogGroupConfiguration.html and
 * https://docs.aws.amazon.com/OAM/latest/APIReference/API_MetricConfiguration.html
 */
export function linkConfiguration(namespaces: readonly string[]): { logGroupConfiguration: { filter: string }; metricConfiguration: { filter: string } } {
    if (namespaces.length === 0) {
        throw new Error("namespaces: list at least one CloudWatch namespace to share");
    }
    namespaces.forEach((n, i) => {
        if (n.includes("'")) {
            throw new Error(`namespaces[${i}]: "${n}" must not contain a quote`);
        }
    });
    const list = [...new Set(namespaces)].map((n) => `'${n}'`).join(", ");
    return {
        logGroupConfiguration: { filter: `LogGroupName LIKE '${PROJECT_LOG_GROUP_ROOT}%'` },
        metricConfiguration: { filter: `Namespace IN (${list})` },
    };
}

const SINK_ARN = /^arn:aws[a-z-]*:oam:([a-z0-9-]+):(\d{12}):sink\/[A-Za-z0-9-]+$/;

/**
 * The sink a link in `region` must use. Cross-account observability works within one Region
 * ("monitor and troubleshoot applications that span multiple accounts within a Region",
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch-Unified-Cross-Account.html),
 * so a link can only attach to a sink of its own Region: the hub creates one per fleet Region and
 * this picks it, refusing an ARN of another Region or a missing one.
 */
export function sinkArnForRegion(sinkArns: Record<string, unknown> | undefined, region: string, hubStack: string): string {
    const arn = sinkArns?.[region];
    if (typeof arn !== "string" || arn.length === 0) {
        const have = Object.keys(sinkArns ?? {}).sort().join(", ") || "none";
        throw new Error(`hub stack ${hubStack}: no CloudWatch observability sink in ${region} (sinks: ${have}); ` +
            "OAM links must use a sink in their own region: deploy the hub after adding this stack to the fleet manifest");
    }
    const m = SINK_ARN.exec(arn);
    if (m === null) {
        throw new Error(`hub stack ${hubStack}: observabilitySinkArns.${region}: "${arn}" is not an OAM sink ARN`);
    }
    if (m[1] !== region) {
        throw new Error(`hub stack ${hubStack}: observabilitySinkArns.${region} is a sink in ${m[1]}; OAM links must use a sink in their own region (${region})`);
    }
    return arn;
}

/** Regions that need a sink: the hub's and every spoke's, once each, sorted. */
export function sinkRegions(hubRegion: string, spokeRegions: readonly string[]): string[] {
    return [...new Set([hubRegion, ...spokeRegions])].sort();
}
