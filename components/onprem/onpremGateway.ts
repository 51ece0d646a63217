import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AgentAssociations } from "../agent/agentAssociations";
import { agentLogGroups, agentParameterName } from "../agent/cloudwatchAgentConfig";
import { siteLogGroupPrefix } from "../agent/logGroups";
import { EncryptionKey } from "../security/encryptionKey";
import { mergePolicies, toJson } from "../security/iam";
import { GatewayCollector } from "./gatewayCollector";
import { renderGatewayCollectorConfig, StaticScrapeTarget } from "./gatewayCollectorConfig";
import { HubEndpoint } from "../spoke/hubEndpoint";
import { requireHubPort, tenantHubPort } from "../spoke/hubPort";
import { TlsSecretData } from "../spoke/clientTlsFiles";
import { hybridHostFileSteps, siteCommonConfig, signingHelperCommand, signingHelperUnit } from "./hostFiles";
import { HybridActivation } from "./hybridActivation";
import { agentPermissions, managedInstancePolicy } from "../agent/agentIam";
import { LandingEndpoints } from "./landingEndpoints";
import { ResolverInbound } from "./resolverInbound";
import { RolesAnywhereAccess } from "./rolesAnywhereAccess";
import { trustAnchorCaProblem } from "./rolesAnywhereAccessSettings";
import { hybridHostTags, OnpremAgentSettings, OnpremCredentials, siteAgentLayers, siteTargeting } from "./siteAgent";
import { SiteConnectivity, SitePath } from "./siteConnectivity";
import { Tags, withName } from "../security/tags";
import { AgentPlatform } from "../agent/hostMetrics";

/** Mirrors `oss-monitoring:onprem.gateway` (stacks/config/onprem.ts, documented there). */
export interface OnpremGatewayCollectorSettings {
    readonly clusterName: string;
    readonly namespace: string;
    readonly replicas: number;
    readonly image: string;
    readonly scrapeTargets: readonly StaticScrapeTarget[];
    readonly otlpClientCidrs?: readonly string[];
    readonly otlpClientNamespaces: readonly string[];
    readonly podDiscovery?: { readonly apiServerCidrs: readonly string[]; readonly namespaces?: readonly string[] };
    /** `fsync`: sync each queue write to the device (default PERSISTENT_QUEUE_DEFAULTS.fsync, true). */
    readonly queue: { readonly outageMinutes: number; readonly samplesPerSecond: number; readonly storageGi: number; readonly storageClassName?: string; readonly fsync?: boolean };
    readonly cpu: string;
    readonly memory: string;
}

export interface HubReference {
    /** com.amazonaws.vpce.<region>.vpce-svc-... */
    readonly endpointServiceName: pulumi.Input<string>;
    /** Private name of the collector, e.g. collector.monitoring.internal. */
    readonly collectorDomain: pulumi.Input<string>;
    /** The hub's region when the landing VPC is in another one (a cross-region endpoint). Default: the same region. */
    readonly serviceRegion?: string;
    /** Ports the hub serves. */
    readonly collectorPorts: pulumi.Input<number[]>;
    /** PEM of the CA that issued the hub's certificate. Default: system roots. */
    readonly caBundle?: pulumi.Input<string | undefined>;
}

export interface OnPremGatewayArgs {
    /** The site's landing account. */
    readonly account: string;
    /** Region of the landing VPC (and of the hosts' CloudWatch data). */
    readonly region: string;
    /** Organization whose principals may use the landing endpoints. */
    readonly organizationId: string;
    /** Site name (label `site`, resource and parameter names). */
    readonly siteName: string;
    /** The site's networks: the only sources every landing security group admits. */
    readonly siteCidrs: readonly string[];
    /** The existing landing VPC (see `oss-monitoring:onprem.landingVpc`). */
    readonly landingVpc: {
        readonly vpcId: string;
        readonly cidr: string;
        readonly subnetIds: readonly string[];
        readonly routeTableIds: readonly string[];
        readonly s3GatewayEndpoint: boolean;
        /** Services served by endpoints/zones this stack does not own (looked up or declared). Default none. */
        readonly existingEndpoints?: readonly string[];
    };
    /** How hosts get short-lived credentials. */
    readonly credentials: OnpremCredentials;
    /** VPN or Direct Connect. */
    readonly network: SitePath;
    /** CloudWatch agent settings. */
    readonly agent: OnpremAgentSettings;
    /** What the site reads from the hub stack. */
    readonly hub: HubReference;
    /**
     * Gateway collector on the site's Kubernetes (pass a kubernetes provider in opts.providers).
     * Default: none.
     */
    readonly gateway?: {
        readonly settings: OnpremGatewayCollectorSettings;
        /**
         * The site's certificate (tls.crt: certificate + chain) and key (tls.key), as the hub issued
         * them (components/spoke/tenantIdentity.ts tenantIdentityTls). A Pulumi secret.
         */
        readonly identity: pulumi.Input<TlsSecretData>;
    };
    /** Cost-allocation tags. Default: none. */
    readonly tags?: pulumi.Input<Tags>;
}

/**
 * Joins an on-premises site (data centre or another cloud) to central monitoring: short-lived
 * host credentials (SSM hybrid activation or IAM Roles Anywhere, never access keys), the
 * CloudWatch agent configured through Parameter Store and State Manager, a private path (VPN or
 * Direct Connect) into a landing VPC with interface endpoints, the hub collector's endpoint and
 * a Resolver inbound endpoint, and optionally a gateway collector on the site's Kubernetes that
 * queues on disk through WAN outages.
 */
export class OnPremGateway extends pulumi.ComponentResource {
    public readonly hubUrl: pulumi.Output<string>;
    public readonly resolverAddresses: pulumi.Output<string[]>;
    public readonly agentParameterNames: Record<string, pulumi.Output<string>>;
    public readonly commonConfigParameterName: pulumi.Output<string>;
    public readonly hostRoleArn: pulumi.Output<string>;
    /** Secrets, per platform, while a registration window is open. */
    public readonly activationIds: Partial<Record<AgentPlatform, pulumi.Output<string>>>;
    public readonly activationCodes: Partial<Record<AgentPlatform, pulumi.Output<string>>>;
    public readonly rolesAnywhere?: {
        trustAnchorArn: pulumi.Output<string>; profileArn: pulumi.Output<string>; signingHelperCommand: pulumi.Output<string>; signingHelperUnit: pulumi.Output<string>;
    };
    public readonly vpnConnectionId?: pulumi.Output<string>;
    public readonly vpnTunnelAddresses?: pulumi.Output<string>[];
    public readonly directConnectAssociationId?: pulumi.Output<string>;
    public readonly gatewayNamespace?: pulumi.Output<string>;

    constructor(name: string, args: OnPremGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
        super("oss-monitoring:onprem:OnPremGateway", name, {}, opts);
        const child = { parent: this };
        const tags = args.tags;
        const subnetIds = args.landingVpc.subnetIds.map((s) => pulumi.output(s));

        const key = new EncryptionKey(`${name}-logs-key`, {
            account: args.account, region: args.region, services: ["logs"], description: `Log groups of on-premises site ${args.siteName}`, tags,
        }, child);
        const { connectivity, hubUrl, resolver } = this.landing(name, args, key, subnetIds);
        const { agent, commonConfig } = this.agentConfiguration(name, args, key);
        const parameterArns = pulumi.all([...Object.values(agent.parameterArns), commonConfig.arn]);
        const host = this.hostCredentials(name, args, parameterArns);
        this.hostRoleArn = host.hostRoleArn;
        this.activationIds = host.activationIds;
        this.activationCodes = host.activationCodes;
        this.rolesAnywhere = host.rolesAnywhere;
        if (args.gateway !== undefined) {
            this.gatewayNamespace = this.gatewayCollector(name, args, args.gateway, hubUrl);
        }

        this.hubUrl = hubUrl;
        this.resolverAddresses = resolver.ipAddresses;
        this.agentParameterNames = agent.parameterNames;
        this.commonConfigParameterName = commonConfig.name;
        this.vpnConnectionId = connectivity.vpnConnectionId;
        this.vpnTunnelAddresses = connectivity.tunnelAddresses;
        this.directConnectAssociationId = connectivity.directConnectAssociationId;
        this.registerOutputs({
            hubUrl: this.hubUrl,
            resolverAddresses: this.resolverAddresses,
            agentParameterNames: this.agentParameterNames,
            hostRoleArn: this.hostRoleArn,
            activationIds: this.activationIds,
            activationCodes: this.activationCodes,
        });
    }

    /** The private path from the site: VPN or Direct Connect, landing endpoints, the hub's endpoint, inbound DNS. */
    private landing(name: string, args: OnPremGatewayArgs, key: EncryptionKey, subnetIds: pulumi.Output<string>[]) {
        const child = { parent: this };
        const tags = args.tags;
        const connectivity = new SiteConnectivity(`${name}-path`, {
            siteName: args.siteName,
            path: args.network,
            siteCidrs: args.siteCidrs,
            landingVpcCidr: args.landingVpc.cidr,
            routeTableIds: args.landingVpc.routeTableIds,
            logKmsKeyArn: key.keyArn,
            logRetentionDays: args.agent.logRetentionDays,
            tags,
        }, child);
        new LandingEndpoints(`${name}-endpoints`, {
            account: args.account,
            region: args.region,
            organizationId: args.organizationId,
            vpcId: args.landingVpc.vpcId,
            subnetIds,
            siteCidrs: args.siteCidrs,
            vpcCidrs: [args.landingVpc.cidr],
            skipServices: args.landingVpc.existingEndpoints,
            ownerStack: pulumi.getStack(),
            s3GatewayEndpoint: args.landingVpc.s3GatewayEndpoint,
            rolesAnywhere: args.credentials.mode === "rolesAnywhere",
            tags,
        }, child);
        // Only the site's port (OTLP/HTTP, mutual TLS with the site's certificate); the hub must
        // already serve it, otherwise the plan fails saying to deploy the hub first.
        const hubPort = pulumi.output(args.hub.collectorPorts).apply((ports) => requireHubPort(ports, "onprem"));
        new HubEndpoint(`${name}-hub`, {
            vpcId: args.landingVpc.vpcId,
            subnetIds,
            subnetsKey: "oss-monitoring:onprem.landingVpc.subnetIds",
            serviceName: args.hub.endpointServiceName,
            serviceRegion: args.hub.serviceRegion,
            ports: [hubPort],
            collectorDomain: args.hub.collectorDomain,
            allowedCidrs: args.siteCidrs,
            tags,
        }, child);
        const hubUrl = pulumi.interpolate`https://${args.hub.collectorDomain}:${hubPort}`;
        const resolver = new ResolverInbound(`${name}-dns`, { vpcId: args.landingVpc.vpcId, subnetIds, siteCidrs: args.siteCidrs, tags }, child);
        return { connectivity, hubUrl, resolver };
    }

    /** The CloudWatch agent's layers, State Manager associations, log groups and common-config.toml. */
    private agentConfiguration(name: string, args: OnPremGatewayArgs, key: EncryptionKey) {
        const child = { parent: this };
        const tags = args.tags;
        const layers = siteAgentLayers(args);
        const logGroups = [...new Set(layers.flatMap((l) => agentLogGroups(JSON.parse(l.json))))].sort();
        const agent = new AgentAssociations(`${name}-agent`, {
            layers,
            targeting: siteTargeting(args.siteName),
            mode: "onPremise",
            // Hybrid hosts get common-config.toml and the region from State Manager, before ManageAgent.
            preConfigureSteps: args.credentials.mode === "hybridActivation" ? hybridHostFileSteps({ region: args.region, platforms: args.agent.platforms }) : [],
            logGroups: { names: logGroups, kmsKeyArn: key.keyArn, retentionDays: args.agent.logRetentionDays },
            tags,
        }, child);
        const commonConfigName = agentParameterName(`onprem-${args.siteName}`, "common-config");
        const commonConfig = new aws.ssm.Parameter(`${name}-common-config`, {
            name: commonConfigName,
            type: "String",
            dataType: "text",
            tier: "Standard",
            // No secret inside (a profile name and a path): insecureValue keeps previews readable.
            insecureValue: siteCommonConfig(args.credentials.mode, "linux"),
            description: `CloudWatch agent common-config.toml (Linux) for site ${args.siteName}: which credentials profile and file to use`,
            tags: withName(tags, commonConfigName),
        }, child);
        return { agent, commonConfig };
    }

    /** Short-lived host credentials: an SSM hybrid activation per platform, or IAM Roles Anywhere. */
    private hostCredentials(name: string, args: OnPremGatewayArgs, parameterArns: pulumi.Output<string[]>): HostCredentials {
        const child = { parent: this };
        const tags = args.tags;
        const agentPolicy = (extra: "hybrid" | "certificate") => parameterArns.apply((arns) => toJson(mergePolicies(
            agentPermissions({ account: args.account, region: args.region, namespace: args.agent.namespace, logGroupPrefix: siteLogGroupPrefix(args.siteName), parameterArns: arns }),
            ...(extra === "hybrid" ? [managedInstancePolicy(args.account, args.region)] : []),
        )));

        const creds = args.credentials;
        if (creds.mode === "hybridActivation") {
            const hybrid = new HybridActivation(`${name}-hybrid`, {
                account: args.account,
                region: args.region,
                siteName: args.siteName,
                platforms: args.agent.platforms,
                hostTags: hybridHostTags(args.siteName, args.agent),
                registration: creds.expirationDate !== undefined ? { limit: creds.registrationLimit, expirationDate: creds.expirationDate } : undefined,
                policy: agentPolicy("hybrid"),
                tags,
            }, child);
            return { hostRoleArn: hybrid.roleArn, activationIds: hybrid.activationIds, activationCodes: hybrid.activationCodes };
        }
        const caProblem = trustAnchorCaProblem(creds);
        if (caProblem !== undefined) {
            throw new Error(`${name}: credentials.${caProblem.key}: ${caProblem.message}`);
        }
        const ca = creds.caBundle !== undefined ? { caBundle: creds.caBundle } : { acmPcaArn: creds.acmPcaArn! };
        const ra = new RolesAnywhereAccess(`${name}-ra`, {
            account: args.account,
            siteName: args.siteName,
            ca,
            subject: creds.subject,
            sessionDurationSeconds: creds.sessionDurationSeconds,
            policy: agentPolicy("certificate"),
            tags,
        }, child);
        const ids = pulumi.all([ra.trustAnchorArn, ra.profileArn, ra.roleArn]).apply(([trustAnchorArn, profileArn, roleArn]) => ({ region: args.region, trustAnchorArn, profileArn, roleArn }));
        return {
            hostRoleArn: ra.roleArn,
            activationIds: {},
            activationCodes: {},
            rolesAnywhere: {
                trustAnchorArn: ra.trustAnchorArn,
                profileArn: ra.profileArn,
                signingHelperCommand: ids.apply(signingHelperCommand),
                signingHelperUnit: ids.apply(signingHelperUnit),
            },
        };
    }

    /** The gateway collector on the site's Kubernetes; returns its namespace. */
    private gatewayCollector(name: string, args: OnPremGatewayArgs, gateway: NonNullable<OnPremGatewayArgs["gateway"]>, hubUrl: pulumi.Output<string>): pulumi.Output<string> {
        const g = gateway.settings;
        const configYaml = pulumi.all([hubUrl, pulumi.output(args.hub.caBundle)]).apply(([url, caPem]) => renderGatewayCollectorConfig({
            account: args.account,
            region: args.region,
            site: args.siteName,
            cluster: g.clusterName,
            hubUrl: url,
            ...(typeof caPem === "string" && caPem.length > 0 ? { hubCaPem: caPem } : {}),
            replicas: g.replicas,
            queue: g.queue,
            podDiscovery: g.podDiscovery,
            staticTargets: g.scrapeTargets,
        }));
        const collector = new GatewayCollector(`${name}-gw`, {
            namespace: g.namespace,
            image: g.image,
            configYaml,
            replicas: g.replicas,
            identity: gateway.identity,
            hubCidrs: [args.landingVpc.cidr],
            hubPort: tenantHubPort("onprem"),
            otlpClientCidrs: g.otlpClientCidrs ?? args.siteCidrs,
            otlpClientNamespaces: g.otlpClientNamespaces,
            podDiscovery: g.podDiscovery,
            staticTargets: g.scrapeTargets,
            staticTargetCidrs: args.siteCidrs,
            queue: { storageGi: g.queue.storageGi, storageClassName: g.queue.storageClassName },
            resources: { cpu: g.cpu, memory: g.memory },
        }, { parent: this });
        return collector.namespace;
    }
}

interface HostCredentials {
    readonly hostRoleArn: pulumi.Output<string>;
    readonly activationIds: Partial<Record<AgentPlatform, pulumi.Output<string>>>;
    readonly activationCodes: Partial<Record<AgentPlatform, pulumi.Output<string>>>;
    readonly rolesAnywhere?: OnPremGateway["rolesAnywhere"];
}
