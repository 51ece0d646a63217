import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Tags, withName } from "../security/tags";
import { linkConfiguration, SHARED_RESOURCE_TYPES } from "./observabilityPolicy";

export interface ObservabilityLinkArgs {
    /** The hub's sink in this stack's region (from the hub's outputs, checked by sinkArnForRegion). */
    readonly sinkArn: pulumi.Input<string>;
    /** CloudWatch namespaces the agents of this account publish to; nothing else is shared. */
    readonly namespaces: readonly string[];
    /** Cost-allocation tags. Default: none. */
    readonly tags?: pulumi.Input<Tags>;
}

/**
 * A source account's link to the hub's sink: shares the agents' metrics and this project's log
 * groups with the monitoring account, so Grafana there sees every host without signing in here.
 */
export class ObservabilityLink extends pulumi.ComponentResource {
    public readonly linkArn: pulumi.Output<string>;

    constructor(name: string, args: ObservabilityLinkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("oss-monitoring:cloudwatch:ObservabilityLink", name, {}, opts);
        const link = new aws.oam.Link(`${name}-link`, {
            sinkIdentifier: args.sinkArn,
            // The account's name as the monitoring account shows it (OAM label variables).
            labelTemplate: "$AccountName",
            resourceTypes: [...SHARED_RESOURCE_TYPES],
            linkConfiguration: linkConfiguration(args.namespaces),
            tags: withName(args.tags, `${name}-link`),
        }, { parent: this });
        this.linkArn = link.arn;
        this.registerOutputs({ linkArn: this.linkArn });
    }
}
