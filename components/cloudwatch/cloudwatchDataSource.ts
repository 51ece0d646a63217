import * as aws from "@pulumi/aws";
import * as grafana from "@pulumiverse/grafana";
import * as pulumi from "@pulumi/pulumi";
import { toJson } from "../security/iam";
import { cloudWatchDataSourceJson, cloudWatchReadPolicy } from "./cloudwatchIam";

/** uid of the hub's CloudWatch data source. */
export const CLOUDWATCH_DATASOURCE_UID = "oss-monitoring-cloudwatch";

export interface CloudWatchDataSourceArgs {
    /** The monitoring (hub) account. */
    readonly account: string;
    /** Default region of the data source (the hub's). */
    readonly region: string;
    /** Regions with a sink; Grafana may query logs there. */
    readonly regions: readonly string[];
    /** The hub's sinks, region → ARN. */
    readonly sinkArns: pulumi.Input<Record<string, string>>;
    /** Name of the Grafana workspace's IAM role (GrafanaWorkspace.roleName). */
    readonly workspaceRoleName: pulumi.Input<string>;
}

/**
 * The CloudWatch data source of the hub's Grafana workspace (through @pulumiverse/grafana, like the
 * AMP one) and the workspace role's permission to read CloudWatch metrics and the project's logs in
 * the monitoring account, which sees the linked accounts. Pass the Grafana provider in `providers`.
 */
export class CloudWatchDataSource extends pulumi.ComponentResource {
    public readonly dataSourceUid: pulumi.Output<string>;

    constructor(name: string, args: CloudWatchDataSourceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("oss-monitoring:cloudwatch:CloudWatchDataSource", name, {}, opts);
        const policy = new aws.iam.RolePolicy(`${name}-read`, {
            role: args.workspaceRoleName,
            policy: pulumi.output(args.sinkArns).apply((arns) => toJson(cloudWatchReadPolicy({ account: args.account, regions: args.regions, sinkArns: Object.values(arns) }))),
        }, { parent: this });
        const ds = new grafana.oss.DataSource(`${name}-ds`, {
            name: "Amazon CloudWatch (monitoring account)",
            // Fixed, so dashboards and alert rules reference it before Grafana has answered.
            uid: CLOUDWATCH_DATASOURCE_UID,
            type: "cloudwatch",
            isDefault: false,
            jsonDataEncoded: JSON.stringify(cloudWatchDataSourceJson(args.region)),
        }, { parent: this, dependsOn: [policy] });
        this.dataSourceUid = ds.uid;
        this.registerOutputs({ dataSourceUid: this.dataSourceUid });
    }
}
