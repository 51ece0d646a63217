import * as aws from "@pulumi/aws";
import * as grafana from "@pulumiverse/grafana";
import * as pulumi from "@pulumi/pulumi";
import { GrafanaVersion, ampDataSourceType } from "../../telemetry/ampDataSource";
import { GRAFANA_WORKSPACE_DEFAULTS, GrafanaApiAccess, grafanaProblems } from "./grafanaWorkspaceSettings";
import { ampDataSourceJson, grafanaQueryPolicy, grafanaTrust, grafanaWorkspaceEndpointPolicy } from "./grafanaIam";
import { toJson } from "../../security/iam";
import { Tags, withName } from "../../security/tags";
import { rotatingTokenName } from "../../security/rotation";

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
    /** AWS_SSO: IAM Identity Center group IDs given Admin / Editor. Admin required for AWS_SSO. */
    readonly adminGroupIds?: string[];
    readonly editorGroupIds?: string[];
    /**
     * How this stack's Grafana provider reaches the workspace API: through a grafana-workspace
     * endpoint the component creates in the VPC (default), a runner prefix list, or not at all
     * (no Grafana content is managed). See GrafanaApiAccess.
     */
    readonly apiAccess?: GrafanaApiAccess;
    /** With apiAccess prefixList: the runner's public egress prefix list. */
    readonly apiAccessPrefixListId?: string;
    /** The primary AMP workspace: data source target. */
    readonly workspaceId: pulumi.Input<string>;
    readonly queryUrl: pulumi.Input<string>;
    /** Every AMP workspace Grafana may query (primary and DR). */
    readonly workspaceArns: pulumi.Input<string>[];
    /** Token rotation period in days (max 15: tokens live two periods and AMG caps them at 30 days). Default 15. */
    readonly tokenRotationDays?: number;
    /** Clock for the rotation period; tests pin it. Default: now. */
    readonly now?: Date;
    /**
     * Grafana version of the workspace: "10.4" or "12.4". Default 12.4. A change is applied in place
     * (UpdateWorkspaceConfiguration; terraform-provider-aws grafana_version is not ForceNew) and only
     * upward: Managed Grafana cannot downgrade a workspace
     * (https://docs.aws.amazon.com/grafana/latest/userguide/AMG-workspace-version-update.html).
     */
    readonly grafanaVersion?: GrafanaVersion;
    /** Cost-allocation tags. Default: none. */
    readonly tags?: pulumi.Input<Tags>;
}

/** The network access control lists: the configured ones plus what the deploy runner needs. */
export function grafanaNetworkAccess<T>(a: {
    allowedVpceIds: readonly T[]; allowedPrefixListIds: readonly string[]; apiAccess: GrafanaApiAccess;
    apiAccessPrefixListId?: string; apiEndpointId?: T;
}): { vpceIds: T[]; prefixListIds: string[] } {
    return {
        vpceIds: [...a.allowedVpceIds, ...(a.apiAccess === "hubVpcEndpoint" && a.apiEndpointId !== undefined ? [a.apiEndpointId] : [])],
        prefixListIds: [...new Set([...a.allowedPrefixListIds, ...(a.apiAccess === "prefixList" && a.apiAccessPrefixListId !== undefined ? [a.apiAccessPrefixListId] : [])])],
    };
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
    /** Undefined when apiAccess is none (no Grafana content is managed by the stack). */
    public readonly dataSourceUid?: pulumi.Output<string>;
    public readonly folderUid?: pulumi.Output<string>;
    /** Grafana API provider for further content (dashboards, alerts); undefined when apiAccess is none. */
    public readonly provider?: grafana.Provider;
    /** The grafana-workspace interface endpoint the deploy runner uses (apiAccess hubVpcEndpoint). */
    public readonly apiEndpointId?: pulumi.Output<string>;
    /** The workspace's Grafana version, and the type of the AMP data source on it (dashboards name it). */
    public readonly grafanaVersion: GrafanaVersion;
    public readonly dataSourceType: string;

    constructor(name: string, args: GrafanaWorkspaceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("oss-monitoring:hub:GrafanaWorkspace", name, {}, opts);
        this.grafanaVersion = args.grafanaVersion ?? GRAFANA_WORKSPACE_DEFAULTS.grafanaVersion;
        this.dataSourceType = ampDataSourceType(this.grafanaVersion);
        const authentication = args.authentication ?? GRAFANA_WORKSPACE_DEFAULTS.authentication;
        const apiAccess = args.apiAccess ?? GRAFANA_WORKSPACE_DEFAULTS.apiAccess;
        const problem = grafanaProblems({
            authentication, samlMetadataUrl: args.samlMetadataUrl, adminGroupIds: args.adminGroupIds ?? [], editorGroupIds: args.editorGroupIds,
            apiAccess, apiAccessPrefixListId: args.apiAccessPrefixListId, allowedVpceIds: args.allowedVpceIds, allowedPrefixListIds: args.allowedPrefixListIds ?? [],
        })[0];
        if (problem !== undefined) {
            throw new Error(`${name}: ${problem.key}: ${problem.message}`);
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
        const apiEndpoint = apiAccess === "hubVpcEndpoint" ? this.apiEndpoint(name, args) : undefined;
        const nac = grafanaNetworkAccess<pulumi.Input<string>>({
            allowedVpceIds: args.allowedVpceIds, allowedPrefixListIds: args.allowedPrefixListIds ?? [], apiAccess,
            apiAccessPrefixListId: args.apiAccessPrefixListId, apiEndpointId: apiEndpoint?.id,
        });
        const workspace = new aws.grafana.Workspace(`${name}-workspace`, {
            name,
            description: "Central monitoring: AMP dashboards and alerts",
            accountAccessType: "CURRENT_ACCOUNT",
            authenticationProviders: [authentication],
            permissionType: "CUSTOMER_MANAGED",
            roleArn: role.arn,
            dataSources: ["PROMETHEUS"],
            grafanaVersion: this.grafanaVersion,
            configuration: JSON.stringify({ plugins: { pluginAdminEnabled: false }, unifiedAlerting: { enabled: true } }),
            vpcConfiguration: { securityGroupIds: [sg.id], subnetIds: args.subnetIds },
            networkAccessControl: nac,
            tags: withName(args.tags, name),
        }, { parent: this });
        this.signIn(name, args, authentication, workspace);
        this.url = pulumi.interpolate`https://${workspace.endpoint}`;
        this.workspaceId = workspace.id;
        this.roleArn = role.arn;
        this.roleName = role.name;
        this.apiEndpointId = apiEndpoint?.id;
        if (apiAccess !== "none") {
            const api = this.automation(name, args, workspace, apiEndpoint);
            this.provider = api.provider;
            this.dataSourceUid = api.dataSourceUid;
            this.folderUid = api.folderUid;
        }
        this.registerOutputs({
            url: this.url,
            workspaceId: this.workspaceId,
            ...(apiAccess !== "none" ? { dataSourceUid: this.dataSourceUid, folderUid: this.folderUid } : {}),
        });
    }

    /**
     * The grafana-workspace interface endpoint in the hub VPC: com.amazonaws.<region>.grafana-workspace
     * is the endpoint network access control admits
     * (https://docs.aws.amazon.com/grafana/latest/userguide/VPC-endpoints.html); with private DNS
     * the workspace URL resolves to it inside the VPC.
     */
    private apiEndpoint(name: string, args: GrafanaWorkspaceArgs): aws.ec2.VpcEndpoint {
        const apiSg = new aws.ec2.SecurityGroup(`${name}-api-vpce-sg`, {
            vpcId: args.vpcId,
            description: "grafana-workspace endpoint: HTTPS from the hub VPC (deploy runner, operators) only",
            tags: withName(args.tags, `${name}-api-vpce`),
        }, { parent: this });
        new aws.vpc.SecurityGroupIngressRule(`${name}-api-vpce-in`, {
            securityGroupId: apiSg.id, ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: args.vpcCidr,
            description: "HTTPS to the Grafana workspace from the hub VPC", tags: args.tags,
        }, { parent: this });
        return new aws.ec2.VpcEndpoint(`${name}-api-vpce`, {
            vpcId: args.vpcId,
            serviceName: `com.amazonaws.${args.region}.grafana-workspace`,
            vpcEndpointType: "Interface",
            privateDnsEnabled: true,
            subnetIds: args.subnetIds,
            securityGroupIds: [apiSg.id],
            policy: toJson(grafanaWorkspaceEndpointPolicy(args.account, args.region)),
            tags: withName(args.tags, `${name}-api-vpce`),
        }, { parent: this });
    }

    /** SAML configuration, or for AWS_SSO a role association per group. */
    private signIn(name: string, args: GrafanaWorkspaceArgs, authentication: "AWS_SSO" | "SAML", workspace: aws.grafana.Workspace): void {
        if (authentication === "SAML") {
            new aws.grafana.WorkspaceSamlConfiguration(`${name}-saml`, {
                workspaceId: workspace.id,
                idpMetadataUrl: args.samlMetadataUrl,
                adminRoleValues: args.samlAdminRoleValues ?? [...GRAFANA_WORKSPACE_DEFAULTS.samlAdminRoleValues],
                editorRoleValues: ["grafana-editors"],
                roleAssertion: "role",
                loginValidityDuration: 480,
            }, { parent: this });
        }
        // AWS_SSO sign-in needs a role association per group
        // (https://docs.aws.amazon.com/grafana/latest/userguide/AMG-manage-users-and-groups-AMG.html).
        const associations: Array<[string, "ADMIN" | "EDITOR", readonly string[]]> = [
            ["admins", "ADMIN", args.adminGroupIds ?? []],
            ["editors", "EDITOR", args.editorGroupIds ?? []],
        ];
        for (const [suffix, role, groupIds] of associations) {
            if (authentication === "AWS_SSO" && groupIds.length > 0) {
                new aws.grafana.RoleAssociation(`${name}-${suffix}`, { workspaceId: workspace.id, role, groupIds: [...groupIds] }, { parent: this });
            }
        }
    }

    /** The automation service account, its rotating token, the Grafana API provider, the AMP data source and the folder. */
    private automation(name: string, args: GrafanaWorkspaceArgs, workspace: aws.grafana.Workspace, apiEndpoint: aws.ec2.VpcEndpoint | undefined) {
        const serviceAccount = new aws.grafana.WorkspaceServiceAccount(`${name}-automation`, {
            workspaceId: workspace.id,
            name: "pulumi-automation",
            grafanaRole: "ADMIN",
        }, { parent: this });
        const rotationDays = args.tokenRotationDays ?? GRAFANA_WORKSPACE_DEFAULTS.tokenRotationDays;
        const token = new aws.grafana.WorkspaceServiceAccountToken(`${name}-token`, {
            workspaceId: workspace.id,
            serviceAccountId: serviceAccount.serviceAccountId,
            name: rotatingTokenName("pulumi", args.now ?? new Date(), rotationDays),
            // Two periods: a stack not updated for one period still works until the next run.
            secondsToLive: Math.min(2 * rotationDays, 30) * 86_400,
        }, { parent: this, additionalSecretOutputs: ["key"], replaceOnChanges: ["name"] });
        const provider = new grafana.Provider(`${name}-api`, {
            url: pulumi.interpolate`https://${workspace.endpoint}`,
            auth: pulumi.secret(token.key),
        }, { parent: this, dependsOn: apiEndpoint !== undefined ? [apiEndpoint] : [] });
        const dataSource = new grafana.oss.DataSource(`${name}-amp`, {
            name: "Amazon Managed Prometheus (hub)",
            // On a 10.4 -> 12.4 change the type is updated in place (terraform-provider-grafana
            // grafana_data_source: `type` is not ForceNew, UpdateDataSource PUTs by uid), so the uid
            // every dashboard names is kept.
            type: this.dataSourceType,
            url: args.queryUrl,
            isDefault: true,
            jsonDataEncoded: JSON.stringify(ampDataSourceJson(args.region, this.grafanaVersion)),
        }, { parent: this, provider });
        const folder = new grafana.oss.Folder(`${name}-folder`, { title: "Central monitoring" }, { parent: this, provider });
        return { provider, dataSourceUid: dataSource.uid, folderUid: folder.uid };
    }
}
