import * as aws from "@pulumi/aws";
import * as grafana from "@pulumiverse/grafana";
import * as pulumi from "@pulumi/pulumi";
import { ampDataSourceJson, grafanaQueryPolicy, grafanaTrust, rotatingTokenName } from "./grafanaIam";
import { toJson } from "./iam";
import { Tags, withName } from "./tags";

export interface GrafanaWorkspaceArgs {
    readonly account: string;
    readonly region: string;
    readonly vpcId: pulumi.Input<string>;
    readonly subnetIds: pulumi.Input<string>[];
    readonly vpcCidr: pulumi.Input<string>;
    /** `AWS_SSO` (IAM Identity Center) or `SAML`. Default AWS_SSO. */
    readonly authentication?: "AWS_SSO" | "SAML";
    /** SAML IdP metadata URL, required for SAML. */
    readonly samlMetadataUrl?: string;
    /** SAML assertion values granting Grafana Admin. Default ["grafana-admins"]. */
    readonly samlAdminRoleValues?: string[];
    /** VPC endpoints and prefix lists allowed to reach the workspace (network access control). */
    readonly allowedVpceIds: string[];
    readonly allowedPrefixListIds?: string[];
    /** The primary AMP workspace: data source target. */
    readonly workspaceId: pulumi.Input<string>;
    readonly queryUrl: pulumi.Input<string>;
    /** Every AMP workspace Grafana may query (primary and DR). */
    readonly workspaceArns: pulumi.Input<string>[];
    /** Token rotation period in days (max 15: tokens live two periods and AMG caps them at 30 days). Default 15. */
    readonly tokenRotationDays?: number;
    /** Clock for the rotation period; tests pin it. Default: now. */
    readonly now?: Date;
    /** Cost-allocation tags. Default: none. */
    readonly tags?: pulumi.Input<Tags>;
}

/**
 * Amazon Managed Grafana in the hub VPC, restricted by network access control, with a role
 * that can only query the hub's AMP workspaces, and (through @pulumiverse/grafana with a
 * rotating service-account token) the AMP data source and a folder.
 */
export class GrafanaWorkspace extends pulumi.ComponentResource {
    public readonly url: pulumi.Output<string>;
    public readonly workspaceId: pulumi.Output<string>;
    public readonly roleArn: pulumi.Output<string>;
    /** The workspace role's name, for permissions other components attach (CloudWatch data source, SNS). */
    public readonly roleName: pulumi.Output<string>;
    public readonly dataSourceUid: pulumi.Output<string>;
    public readonly folderUid: pulumi.Output<string>;
    /** Grafana API provider for further content (dashboards, alerts). */
    public readonly provider: grafana.Provider;

    constructor(name: string, args: GrafanaWorkspaceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("oss-monitoring:hub:GrafanaWorkspace", name, {}, opts);
        const authentication = args.authentication ?? "AWS_SSO";
        if (authentication === "SAML" && !args.samlMetadataUrl) {
            throw new Error(`${name}: samlMetadataUrl is required when authentication is SAML`);
        }
        if (args.allowedVpceIds.length === 0 && (args.allowedPrefixListIds ?? []).length === 0) {
            throw new Error(`${name}: network access control needs at least one VPC endpoint or prefix list`);
        }
        const role = new aws.iam.Role(`${name}-role`, {
            description: "Amazon Managed Grafana: query the hub AMP workspaces",
            assumeRolePolicy: toJson(grafanaTrust(args.account, args.region)),
            tags: withName(args.tags, `${name}-role`),
        }, { parent: this });
        new aws.iam.RolePolicy(`${name}-query`, {
            role: role.name,
            policy: pulumi.output(args.workspaceArns).apply((arns) => toJson(grafanaQueryPolicy(arns))),
        }, { parent: this });
        const sg = new aws.ec2.SecurityGroup(`${name}-sg`, {
            vpcId: args.vpcId,
            description: "Managed Grafana ENIs: HTTPS to VPC endpoints only",
            tags: withName(args.tags, `${name}-sg`),
        }, { parent: this });
        new aws.vpc.SecurityGroupEgressRule(`${name}-out-https`, {
            securityGroupId: sg.id, ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: args.vpcCidr,
            description: "HTTPS to the AMP interface endpoint", tags: args.tags,
        }, { parent: this });
        const workspace = new aws.grafana.Workspace(`${name}-workspace`, {
            name,
            description: "Central monitoring: AMP dashboards and alerts",
            accountAccessType: "CURRENT_ACCOUNT",
            authenticationProviders: [authentication],
            permissionType: "CUSTOMER_MANAGED",
            roleArn: role.arn,
            dataSources: ["PROMETHEUS"],
            grafanaVersion: "10.4",
            configuration: JSON.stringify({ plugins: { pluginAdminEnabled: false }, unifiedAlerting: { enabled: true } }),
            vpcConfiguration: { securityGroupIds: [sg.id], subnetIds: args.subnetIds },
            networkAccessControl: { vpceIds: args.allowedVpceIds, prefixListIds: args.allowedPrefixListIds ?? [] },
            tags: withName(args.tags, name),
        }, { parent: this });
        if (authentication === "SAML") {
            new aws.grafana.WorkspaceSamlConfiguration(`${name}-saml`, {
                workspaceId: workspace.id,
                idpMetadataUrl: args.samlMetadataUrl,
                adminRoleValues: args.samlAdminRoleValues ?? ["grafana-admins"],
                editorRoleValues: ["grafana-editors"],
                roleAssertion: "role",
                loginValidityDuration: 480,
            }, { parent: this });
        }
        const serviceAccount = new aws.grafana.WorkspaceServiceAccount(`${name}-automation`, {
            workspaceId: workspace.id,
            name: "pulumi-automation",
            grafanaRole: "ADMIN",
        }, { parent: this });
        const rotationDays = args.tokenRotationDays ?? 15;
        const token = new aws.grafana.WorkspaceServiceAccountToken(`${name}-token`, {
            workspaceId: workspace.id,
            serviceAccountId: serviceAccount.serviceAccountId,
            name: rotatingTokenName("pulumi", args.now ?? new Date(), rotationDays),
            // Two periods: a stack not updated for one period still works until the next run.
            secondsToLive: Math.min(2 * rotationDays, 30) * 86_400,
        }, { parent: this, additionalSecretOutputs: ["key"], replaceOnChanges: ["name"] });
        this.provider = new grafana.Provider(`${name}-api`, {
            url: pulumi.interpolate`https://${workspace.endpoint}`,
            auth: pulumi.secret(token.key),
        }, { parent: this });
        const dataSource = new grafana.oss.DataSource(`${name}-amp`, {
            name: "Amazon Managed Prometheus (hub)",
            type: "prometheus",
            url: args.queryUrl,
            isDefault: true,
            jsonDataEncoded: JSON.stringify(ampDataSourceJson(args.region)),
        }, { parent: this, provider: this.provider });
        const folder = new grafana.oss.Folder(`${name}-folder`, { title: "Central monitoring" }, { parent: this, provider: this.provider });
        this.url = pulumi.interpolate`https://${workspace.endpoint}`;
        this.workspaceId = workspace.id;
        this.roleArn = role.arn;
        this.roleName = role.name;
        this.dataSourceUid = dataSource.uid;
        this.folderUid = folder.uid;
        this.registerOutputs({ url: this.url, workspaceId: this.workspaceId, dataSourceUid: this.dataSourceUid, folderUid: this.folderUid });
    }
}
