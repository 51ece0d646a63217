import * as aws from "@pulumi/aws";
import * as grafana from "@pulumiverse/grafana";
import * as pulumi from "@pulumi/pulumi";
import { toJson } from "../security/iam";
import { AGENT_RULE_GROUP, agentRuleGroup, CLOUDWATCH_AGENTS_FOLDER, GRAFANA_ALERT_ROUTING } from "./agentAlerts";
import { alertPublishPolicy } from "./cloudwatchIam";
import { AgentSource, buildHostDashboard } from "./hostDashboard";

export interface CloudWatchHostContentArgs {
    /** uid of the CloudWatch data source. */
    readonly dataSourceUid: pulumi.Input<string>;
    /** Regions with a sink; the first is the dashboard's default. */
    readonly regions: readonly string[];
    /** Every stack whose agents report (from the fleet manifest). */
    readonly sources: readonly AgentSource[];
    /** The alert topic AMP's alert manager publishes to: CloudWatch agent alerts take the same path. */
    readonly alertTopicArn: pulumi.Input<string>;
    /** Its CMK. */
    readonly alertKmsKeyArn: pulumi.Input<string>;
    /** Name of the Grafana workspace role, which the SNS contact point publishes with. */
    readonly workspaceRoleName: pulumi.Input<string>;
    /** Minutes without the agent heartbeat before a host alerts. Default 10. */
    readonly silentAfterMinutes?: number;
}

/**
 * Grafana content for the CloudWatch agents: the hosts dashboard, the "agent not reporting" rules
 * and the SNS contact point they notify (the AMP alert topic). Pass the Grafana provider in `providers`.
 */
export class CloudWatchHostContent extends pulumi.ComponentResource {
    public readonly dashboardUrl: pulumi.Output<string>;
    public readonly folderUid: pulumi.Output<string>;

    constructor(name: string, args: CloudWatchHostContentArgs, opts?: pulumi.ComponentResourceOptions) {
        super("oss-monitoring:cloudwatch:CloudWatchHostContent", name, {}, opts);
        const child = { parent: this };
        const folder = new grafana.oss.Folder(`${name}-folder`, { uid: CLOUDWATCH_AGENTS_FOLDER.uid, title: CLOUDWATCH_AGENTS_FOLDER.title }, child);
        const dashboard = new grafana.oss.Dashboard(`${name}-hosts`, {
            configJson: pulumi.output(args.dataSourceUid).apply((uid) => JSON.stringify(buildHostDashboard({ dataSourceUid: uid, regions: args.regions, sources: args.sources }))),
            folder: folder.uid,
            overwrite: true,
            message: "Managed by Pulumi (oss-monitoring CloudWatchHostContent)",
        }, child);

        const publish = new aws.iam.RolePolicy(`${name}-publish`, {
            role: args.workspaceRoleName,
            policy: pulumi.all([args.alertTopicArn, args.alertKmsKeyArn]).apply(([topic, key]) => toJson(alertPublishPolicy(topic, key))),
        }, child);
        const contactPoint = new grafana.alerting.ContactPoint(`${name}-sns`, {
            name: GRAFANA_ALERT_ROUTING.contactPoint,
            // authProvider default: the workspace's IAM role.
            sns: [{ topic: args.alertTopicArn, messageFormat: "json" }],
        }, { parent: this, dependsOn: [publish] });
        // The organization's policy tree has one root; everything Grafana alerts on goes to the AMP alert topic.
        new grafana.alerting.NotificationPolicy(`${name}-routing`, {
            contactPoint: contactPoint.name,
            groupBies: [...GRAFANA_ALERT_ROUTING.groupBies],
            groupWait: GRAFANA_ALERT_ROUTING.groupWait,
            groupInterval: GRAFANA_ALERT_ROUTING.groupInterval,
            repeatInterval: GRAFANA_ALERT_ROUTING.repeatInterval,
        }, child);
        const group = pulumi.output(args.dataSourceUid).apply((uid) => agentRuleGroup(args.sources, { dataSourceUid: uid, silentAfterMinutes: args.silentAfterMinutes }));
        if (args.sources.length > 0) {
            new grafana.alerting.RuleGroup(`${name}-agents`, {
                name: AGENT_RULE_GROUP.name,
                folderUid: folder.uid,
                intervalSeconds: AGENT_RULE_GROUP.intervalSeconds,
                rules: group.apply((g) => g!.rules),
            }, child);
        }
        this.dashboardUrl = dashboard.url;
        this.folderUid = folder.uid;
        this.registerOutputs({ dashboardUrl: this.dashboardUrl, folderUid: this.folderUid });
    }
}
