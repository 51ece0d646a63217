import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AgentAssociations } from "../agent/agentAssociations";
import { AgentLayer, agentLogGroups, renderAgentLayers, WorkloadOverlay } from "../agent/cloudwatchAgentConfig";
import { KubernetesCollector } from "../agent/kubernetesCollector";
import { monitoredLogGroupPrefix } from "../agent/logGroups";
import { renderSpokeCollectorConfig } from "../agent/spokeCollectorConfig";
import { CLIENT_TLS_MOUNT, TlsSecretData } from "../spoke/clientTlsFiles";
import { clientTlsVolume } from "../spoke/tenantIdentity";
import { requireHubPort, tenantHubPort } from "../spoke/hubPort";
import { EncryptionKey } from "../security/encryptionKey";
import { s3GatewayPolicy } from "../network/endpointCatalog";
import { oidcTrust, toJson } from "../security/iam";
import { InterfaceEndpoints } from "../network/interfaceEndpoints";
import { Tags, withName } from "../security/tags";
import { AgentHostRole } from "./agentHostRole";
import { eksKubeconfig, issuerHost, kubernetesServiceIp } from "./eksAccess";
import { HubEndpoint } from "../spoke/hubEndpoint";
import { activeVpcCidrs, awsServiceEndpoints, checkConnectivity, ConnectivityMode, hasEc2Path, s3RouteProblem } from "./connectivity";
import { AgentPlatform } from "../agent/hostMetrics";

export interface MonitoredEksArgs {
    /** Existing EKS cluster in this account and region (needs an OIDC issuer and an IAM OIDC provider). */
    readonly clusterName: string;
    /** Namespace the collector runs in (created). */
    readonly namespace: string;
    /** Pinned ADOT collector image. */
    readonly image: string;
    /** Replicas; each scrapes its share of the annotated pods. */
    readonly replicas: number;
    /** Namespaces scraped. Default: all. */
    readonly scrapeNamespaces?: readonly string[];
    /** Networks allowed to send OTLP to the collector. */
    readonly clientCidrs: readonly string[];
    /** Role `aws eks get-token` assumes (the deploy role). Default: the caller's credentials. */
    readonly deployRoleArn?: string;
    /** AWS CLI profile for get-token instead of --role-arn. Default none. */
    readonly awsProfile?: string;
    /** Per-replica CPU and memory (requests = limits, Guaranteed QoS). */
    readonly resources: { readonly cpu: string; readonly memory: string };
    /**
     * The account's certificate (tls.crt: certificate + chain) and key (tls.key) as the hub issued
     * them (components/spoke/tenantIdentity.ts tenantIdentityTls); the collector presents it to the
     * hub, which labels the series with this account and refuses senders without one. A Pulumi secret.
     */
    readonly identity: pulumi.Input<TlsSecretData>;
}

export interface MonitoredAccountArgs {
    /** Stack name: parameter names (AmazonCloudWatch-<stack>-...) and log groups (/oss-monitoring/<stack>/...). */
    readonly stackName: string;
    /** The monitored account (where everything is created). */
    readonly account: string;
    /** Its region; the hub's, or another the hub's endpoint service supports (hub.serviceRegion). */
    readonly region: string;
    /** Organization whose principals may use the AWS service endpoints. */
    readonly organizationId: string;
    /** Regulated accounts accept only privatelink connectivity. Default false. */
    readonly regulated?: boolean;
    /** The workload VPC. */
    readonly vpcId: string;
    /** Subnets (two or more AZs) for every interface endpoint. */
    readonly subnetIds: readonly string[];
    /** Workload networks: admitted to the hub ports and the AWS endpoints. */
    readonly workloadCidrs: readonly string[];
    /** Workload prefix lists. Default none. */
    readonly workloadPrefixListIds?: readonly string[];
    /** How hosts reach AWS APIs. */
    readonly connectivity: {
        /** privatelink (interface endpoints), nat (existing NAT gateway) or internet. */
        readonly mode: ConnectivityMode;
        /** nat mode: the NAT gateway the subnets route through (must exist). */
        readonly natGatewayId?: string;
        /** privatelink mode: more endpoint services. Default none. */
        readonly extraServices?: readonly string[];
        /** privatelink mode: `gateway` (restricted S3 gateway endpoint, default) or `existing` (checked S3 route). */
        readonly s3Path?: "gateway" | "existing";
        /** privatelink mode: workload route tables for the S3 path. Default: those associated with subnetIds. */
        readonly routeTableIds?: readonly string[];
        /** privatelink mode: services served by endpoints/zones this stack does not own (no endpoint created). Default none. */
        readonly existingEndpoints?: readonly string[];
        /** privatelink mode, shared-endpoint shape: central private hosted zones by service, associated with the VPC (no endpoint created for them). Default none. */
        readonly sharedZones?: Readonly<Record<string, string>>;
    };
    /** The hub's outputs (StackReference). */
    readonly hub: {
        readonly endpointServiceName: pulumi.Input<string>;
        readonly collectorDomain: pulumi.Input<string>;
        /** The hub's region when it is not `region` (a cross-region endpoint). Default: the same region. */
        readonly serviceRegion?: string;
        /** PEM of the CA that issued the hub certificate. Default: system roots. */
        readonly caBundle?: pulumi.Input<string | undefined>;
        /** Ports the hub serves; the EKS collector checks its own is among them. Default: not checked. */
        readonly collectorPorts?: pulumi.Input<number[]>;
    };
    /** CloudWatch agent settings (defaults live in the config schema, stacks/config/monitored.ts). */
    readonly agent: {
        /** Platforms with a base layer. */
        readonly platforms: readonly AgentPlatform[];
        /** Per-workload layers. */
        readonly overlays: readonly WorkloadOverlay[];
        /** Host tag key selecting agent hosts, and its value per platform. */
        readonly targetTagKey: string;
        readonly linuxTagValue: string;
        readonly windowsTagValue: string;
        /** Seconds between metric collections. */
        readonly metricsCollectionInterval: number;
        /** Retention of the agent's log groups (days). */
        readonly logRetentionDays: number;
        /** State Manager rollout limits. */
        readonly maxConcurrency: string;
        readonly maxErrors: string;
    };
    /** ADOT collector on an EKS cluster. Default none. */
    readonly eks?: MonitoredEksArgs;
    /** Cost-allocation tags. Default none. */
    readonly tags?: pulumi.Input<Tags>;
}

/**
 * Everything one monitored account needs to send telemetry to the hub privately: the hub
 * endpoint and its private name, AWS service endpoints per connectivity mode, the CloudWatch
 * agent (parameters, associations, host role, encrypted log groups) and, optionally, an ADOT
 * collector on EKS.
 */
export class MonitoredAccount extends pulumi.ComponentResource {
    public readonly hubEndpointId: pulumi.Output<string>;
    public readonly hubEndpointDnsName: pulumi.Output<string>;
    public readonly collectorDomain: pulumi.Output<string>;
    public readonly awsEndpointIds: Record<string, pulumi.Output<string>>;
    public readonly parameterNames: Record<string, pulumi.Output<string>>;
    public readonly installAssociationId: pulumi.Output<string>;
    public readonly configureAssociationIds: Record<string, pulumi.Output<string>>;
    public readonly instanceRoleArn: pulumi.Output<string>;
    public readonly instanceProfileName: pulumi.Output<string>;
    public readonly logKeyArn: pulumi.Output<string>;
    public readonly collectorRoleArn?: pulumi.Output<string>;
    public readonly natGatewayId?: pulumi.Output<string>;
    /** privatelink mode: the route tables that reach the agent's S3 buckets (checked). */
    public readonly s3RouteTableIds?: pulumi.Output<string[]>;

    constructor(name: string, args: MonitoredAccountArgs, opts?: pulumi.ComponentResourceOptions) {
        super("oss-monitoring:monitored:MonitoredAccount", name, {}, opts);
        const c = args.connectivity;
        checkConnectivity(args.regulated ?? false, c.mode);
        if (c.mode === "nat" && c.natGatewayId === undefined) {
            throw new Error(`${name}: connectivity.natGatewayId: required in nat mode`);
        }
        const services = awsServiceEndpoints(c.mode, c.extraServices).filter((s) => !(c.existingEndpoints ?? []).includes(s) && (c.sharedZones ?? {})[s] === undefined);
        const layers = renderAgentLayers({
            parameterPrefix: args.stackName,
            logGroupPrefix: monitoredLogGroupPrefix(args.stackName),
            platforms: args.agent.platforms,
            overlays: args.agent.overlays,
            metricsCollectionInterval: args.agent.metricsCollectionInterval,
            logRetentionDays: args.agent.logRetentionDays,
            autoScalingGroupDimension: hasEc2Path(c.mode, c.extraServices),
        });
        const logGroupNames = [...new Set(layers.flatMap((l) => agentLogGroups(JSON.parse(l.json))))].sort();
        const tags = args.tags;
        const child = { parent: this };

        const hub = new HubEndpoint(`${name}-hub`, {
            vpcId: args.vpcId,
            subnetIds: args.subnetIds,
            subnetsKey: "oss-monitoring:monitored.vpc.subnetIds",
            serviceName: args.hub.endpointServiceName,
            serviceRegion: args.hub.serviceRegion,
            collectorDomain: args.hub.collectorDomain,
            allowedCidrs: args.workloadCidrs,
            allowedPrefixListIds: args.workloadPrefixListIds,
            tags,
        }, child);

        this.awsEndpointIds = services.length > 0 ? this.serviceEndpoints(name, args, services) : {};
        if (c.mode === "privatelink") {
            this.s3RouteTableIds = this.s3Path(name, args, c.s3Path ?? "gateway", tags);
            this.associateSharedZones(name, args.vpcId, c.sharedZones ?? {});
        }
        if (c.mode === "nat" && c.natGatewayId !== undefined) {
            this.natGatewayId = this.natGateway(name, c.natGatewayId);
        }

        const { logKey, agent, hosts } = this.hostAgent(name, args, layers, logGroupNames);

        if (args.eks !== undefined) {
            this.collectorRoleArn = this.eksCollector(name, args, args.eks, tags);
        }

        this.hubEndpointId = hub.endpointId;
        this.hubEndpointDnsName = hub.endpointDnsName;
        this.collectorDomain = hub.collectorDomain;
        this.parameterNames = agent.parameterNames;
        this.installAssociationId = agent.installAssociationId;
        this.configureAssociationIds = agent.configureAssociationIds;
        this.instanceRoleArn = hosts.roleArn;
        this.instanceProfileName = hosts.instanceProfileName;
        this.logKeyArn = logKey.keyArn;
        this.registerOutputs({
            hubEndpointId: this.hubEndpointId,
            hubEndpointDnsName: this.hubEndpointDnsName,
            awsEndpointIds: this.awsEndpointIds,
            parameterNames: this.parameterNames,
            installAssociationId: this.installAssociationId,
            configureAssociationIds: this.configureAssociationIds,
            instanceRoleArn: this.instanceRoleArn,
            collectorRoleArn: this.collectorRoleArn,
            s3RouteTableIds: this.s3RouteTableIds,
        });
    }

    /** Interface endpoints for the AWS APIs agents call, admitting the workload networks. */
    private serviceEndpoints(name: string, args: MonitoredAccountArgs, services: string[]): Record<string, pulumi.Output<string>> {
        const child = { parent: this };
        const endpoints = new InterfaceEndpoints(`${name}-aws`, {
            vpcId: args.vpcId,
            subnetIds: [...args.subnetIds],
            region: args.region,
            services,
            allowedCidrs: [...args.workloadCidrs],
            vpcCidrs: aws.ec2.getVpcOutput({ id: args.vpcId }, child).cidrBlockAssociations.apply(activeVpcCidrs),
            allowedPrefixListIds: [...(args.workloadPrefixListIds ?? [])],
            organizationId: args.organizationId,
            ownerStack: args.stackName,
            tags: args.tags,
        }, child);
        return endpoints.endpointIds;
    }

    /**
     * Shared-endpoint shape: the VPC joins each central zone (the zone's account authorized it first). A VPC
     * that kept its own private-DNS endpoint for the service would hold a conflicting zone for the same name.
     */
    private associateSharedZones(name: string, vpcId: string, zones: Readonly<Record<string, string>>): void {
        for (const [service, zoneId] of Object.entries(zones).sort(([a], [b]) => a.localeCompare(b))) {
            new aws.route53.ZoneAssociation(`${name}-shared-zone-${service}`, { zoneId, vpcId }, { parent: this });
        }
    }

    /** nat mode: the workloads' NAT gateway, which must exist and be available. */
    private natGateway(name: string, natGatewayId: string): pulumi.Output<string> {
        const nat = aws.ec2.getNatGatewayOutput({ id: natGatewayId }, { parent: this });
        // Fails the preview when the gateway is gone, rather than leaving agents without a path.
        return pulumi.all([nat.id, nat.state]).apply(([id, state]) => {
            if (state !== "available") {
                throw new Error(`${name}: connectivity.natGatewayId: ${natGatewayId} is ${state}, not available`);
            }
            return id;
        });
    }

    /** The CloudWatch agent: its encrypted log groups, parameters and associations, and the hosts' role. */
    private hostAgent(name: string, args: MonitoredAccountArgs, layers: AgentLayer[], logGroupNames: string[]) {
        const child = { parent: this };
        const tags = args.tags;
        const c = args.connectivity;
        const logKey = new EncryptionKey(`${name}-logs`, {
            account: args.account,
            region: args.region,
            services: ["logs"],
            description: `CloudWatch agent log groups of ${args.stackName}`,
            tags,
        }, child);
        const agent = new AgentAssociations(`${name}-agent`, {
            layers: layers.map((l) => ({ layer: l.layer, kind: l.kind, platform: l.platform, parameterName: l.parameterName, json: l.json, readGroups: l.readGroups })),
            targeting: {
                tagKey: args.agent.targetTagKey,
                platformValues: { linux: args.agent.linuxTagValue, windows: args.agent.windowsTagValue },
            },
            mode: "ec2",
            maxConcurrency: args.agent.maxConcurrency,
            maxErrors: args.agent.maxErrors,
            logGroups: { names: logGroupNames, kmsKeyArn: logKey.keyArn, retentionDays: args.agent.logRetentionDays },
            tags,
        }, child);
        const hosts = new AgentHostRole(`${name}-hosts`, {
            account: args.account,
            region: args.region,
            parameterArns: Object.values(agent.parameterArns),
            logGroupPrefix: `/oss-monitoring/${args.stackName}`,
            describeTags: hasEc2Path(c.mode, c.extraServices),
            tags,
        }, child);
        return { logKey, agent, hosts };
    }

    /**
     * The S3 path for AWS-ConfigureAWSPackage in a NAT-less VPC: a gateway endpoint restricted to
     * the AWS-owned agent buckets on the workload route tables, or a check that those tables route
     * S3 through an existing gateway endpoint. Returns the checked route tables.
     */
    private s3Path(name: string, args: MonitoredAccountArgs, path: "gateway" | "existing", tags: pulumi.Input<Tags> | undefined): pulumi.Output<string[]> {
        const child = { parent: this };
        const key = "oss-monitoring:monitored.connectivity.routeTableIds";
        const ids = (args.connectivity.routeTableIds ?? []).length > 0
            ? pulumi.output([...(args.connectivity.routeTableIds ?? [])])
            : aws.ec2.getRouteTablesOutput({ vpcId: args.vpcId, filters: [{ name: "association.subnet-id", values: [...args.subnetIds] }] }, child).ids;
        const s3List = aws.ec2.getPrefixListOutput({ name: `com.amazonaws.${args.region}.s3` }, child).id;
        const checked = pulumi.all([ids, s3List]).apply(async ([tableIds, prefixList]) => {
            const tables = await Promise.all(tableIds.map((id) => aws.ec2.getRouteTable({ routeTableId: id }, child)));
            const problem = s3RouteProblem(path, tables.map((t) => ({ id: t.routeTableId, routes: t.routes })), prefixList);
            if (problem !== undefined) {
                throw new Error(`${key}: ${problem}`);
            }
            return tableIds;
        });
        if (path === "gateway") {
            new aws.ec2.VpcEndpoint(`${name}-s3`, {
                vpcId: args.vpcId,
                serviceName: `com.amazonaws.${args.region}.s3`,
                vpcEndpointType: "Gateway",
                routeTableIds: checked,
                policy: toJson(s3GatewayPolicy(args.region)),
                tags: withName(tags, `${name}-s3`),
            }, child);
        }
        return checked;
    }

    /** IRSA role, a kubeconfig for the cluster and the collector; returns the role ARN. */
    private eksCollector(name: string, args: MonitoredAccountArgs, eks: MonitoredEksArgs, tags: pulumi.Input<Tags> | undefined): pulumi.Output<string> {
        const child = { parent: this };
        const collectorName = `${name}-collector`;
        const cluster = aws.eks.getClusterOutput({ name: eks.clusterName }, child);
        const issuer = cluster.identities.apply((ids) => {
            const url = ids?.[0]?.oidcs?.[0]?.issuer;
            if (url === undefined || url === "") {
                throw new Error(`${name}: eks.clusterName: cluster ${eks.clusterName} has no OIDC issuer; IRSA needs one`);
            }
            return url;
        });
        const provider = aws.iam.getOpenIdConnectProviderOutput({ url: issuer }, child);
        const role = new aws.iam.Role(`${name}-collector-irsa`, {
            description: `ADOT collector service account ${eks.namespace}/${collectorName} on ${eks.clusterName} (IRSA)`,
            // No permissions: the collector exports OTLP to the hub and calls no AWS API. The role
            // keeps the pod off the node's instance credentials and is where future rights go.
            assumeRolePolicy: pulumi.all([provider.arn, issuer]).apply(([arn, url]) => toJson(oidcTrust(arn, issuerHost(url), eks.namespace, collectorName))),
            maxSessionDuration: 3600,
            tags: withName(tags, `${name}-collector-irsa`),
        }, child);
        const kubeconfig = pulumi.all([cluster.endpoint, cluster.certificateAuthorities]).apply(([endpoint, cas]) => eksKubeconfig({
            clusterName: eks.clusterName,
            region: args.region,
            endpoint,
            certificateAuthorityData: cas?.[0]?.data ?? "",
            roleArn: eks.deployRoleArn,
            awsProfile: eks.awsProfile,
        }));
        const k8sProvider = new k8s.Provider(`${name}-k8s`, { kubeconfig, enableServerSideApply: true, clusterIdentifier: cluster.arn }, child);
        const vpcCidr = aws.ec2.getVpcOutput({ id: args.vpcId }, child).cidrBlock;
        const apiServiceIp = cluster.kubernetesNetworkConfigs.apply((n) => kubernetesServiceIp(n?.[0]?.serviceIpv4Cidr ?? ""));
        const hubPort = args.hub.collectorPorts !== undefined
            ? pulumi.output(args.hub.collectorPorts).apply((ports) => requireHubPort(ports, "monitored"))
            : pulumi.output(tenantHubPort("monitored"));
        const configYaml = pulumi.all([args.hub.collectorDomain, args.hub.caBundle, hubPort]).apply(([domain, ca, port]) => renderSpokeCollectorConfig({
            source: { account: args.account, region: args.region, sourceRole: "monitored", cluster: eks.clusterName },
            exporter: {
                kind: "otlp",
                endpoint: `${domain}:${port}`,
                clientCert: { certFile: CLIENT_TLS_MOUNT.certFile, keyFile: CLIENT_TLS_MOUNT.keyFile },
                ...(ca !== undefined && ca !== "" ? { caPem: ca } : {}),
            },
            podScrape: { shards: eks.replicas, ...(eks.scrapeNamespaces !== undefined ? { namespaces: eks.scrapeNamespaces } : {}) },
        }));
        new KubernetesCollector(collectorName, {
            namespace: eks.namespace,
            image: eks.image,
            configYaml,
            replicas: eks.replicas,
            serviceAccountRoleArn: role.arn,
            resources: { requests: { cpu: eks.resources.cpu, memory: eks.resources.memory }, limits: { cpu: eks.resources.cpu, memory: eks.resources.memory } },
            ingress: { cidrs: [...eks.clientCidrs] },
            // The hub endpoint's interfaces and the EKS API endpoints live in the VPC; the second
            // API address is the in-cluster `kubernetes` Service (before DNAT).
            egress: { hubCidrs: [vpcCidr], hubPorts: [tenantHubPort("monitored")], apiServerCidrs: [vpcCidr, apiServiceIp] },
            secretVolumes: [clientTlsVolume(eks.identity)],
            podDiscovery: eks.scrapeNamespaces !== undefined ? { namespaces: eks.scrapeNamespaces } : {},
            shardedScrape: eks.replicas > 1,
            zoneSpread: "preferred",
        }, { parent: this, providers: [k8sProvider] });
        return role.arn;
    }
}
