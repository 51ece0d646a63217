import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { toJson } from "../security/iam";
import { Tags, withName } from "../security/tags";
import { sinkPolicy } from "./observabilityPolicy";

export interface ObservabilitySinkArgs {
    /** Regions the fleet uses; one sink each (links attach only to a sink of their own region). */
    readonly regions: readonly string[];
    /** Organization whose accounts may link (aws:PrincipalOrgID on every grant). */
    readonly organizationId: string;
    /** Only these accounts may link (the fleet's). Default: any account of the organization. */
    readonly accounts?: readonly string[];
    /** Cost-allocation tags. Default: none. */
    readonly tags?: pulumi.Input<Tags>;
}

/**
 * The monitoring account's side of CloudWatch cross-account observability: an OAM sink per fleet
 * region with a policy admitting only the organization's (or the fleet's) accounts, sharing
 * metrics and log groups. An account can have one sink per region
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-oam-sink.html).
 */
export class ObservabilitySink extends pulumi.ComponentResource {
    /** Sink ARN per region: spokes pick theirs from the hub's outputs. */
    public readonly sinkArns: pulumi.Output<Record<string, string>>;

    constructor(name: string, args: ObservabilitySinkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("oss-monitoring:cloudwatch:ObservabilitySink", name, {}, opts);
        if (args.regions.length === 0) {
            throw new Error(`${name}: regions: list at least one region`);
        }
        const policy = toJson(sinkPolicy({ organizationId: args.organizationId, accounts: args.accounts }));
        const arns: Record<string, pulumi.Output<string>> = {};
        for (const region of [...new Set(args.regions)].sort()) {
            const sink = new aws.oam.Sink(`${name}-${region}`, {
                name: `${name}-${region}`,
                region,
                tags: withName(args.tags, `${name}-${region}`),
            }, { parent: this });
            new aws.oam.SinkPolicy(`${name}-${region}-policy`, { sinkIdentifier: sink.arn, region, policy }, { parent: this });
            arns[region] = sink.arn;
        }
        this.sinkArns = pulumi.output(arns);
        this.registerOutputs({ sinkArns: this.sinkArns });
    }
}
