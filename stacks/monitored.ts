import * as pulumi from "@pulumi/pulumi";
import { EC2_AGENT_NAMESPACE } from "../components/agent/hostMetrics";
import { ObservabilityLink } from "../components/cloudwatch/observabilityLink";
import { discoverEndpointServices, sharedZoneConflict } from "../components/network/endpointDiscovery";
import { TlsSecretData } from "../components/spoke/clientTlsFiles";
import { identityExpiryOutput, tenantIdentityTls } from "../components/spoke/tenantIdentity";
import { MonitoredAccount } from "../components/monitored/monitoredAccount";
import { checkMonitoredConfig, MonitoredStackConfig } from "./config";
import { compact, hubServiceName, DEPLOYED_VERSIONS_OUTPUT, deployedVersions, HubOutputsReader, readHubOutputs, SPOKE_CERTIFICATE_OUTPUT } from "./outputs";
import { PROJECT_RELEASE } from "./release";
import { deployProvider } from "./provider";
import { awsServiceEndpoints } from "../components/monitored/connectivity";

/**
 * Composes one monitored account and returns what operators and the fleet need. Looks up the
 * VPC's existing endpoints first, since they decide which endpoints this stack declares.
 */
export async function monitoredStack(config: MonitoredStackConfig): Promise<Record<string, pulumi.Input<unknown>>> {
    checkMonitoredConfig(config);
    const m = config.monitored;
    const stackName = pulumi.getStack();
    const provider = deployProvider("monitored-aws", config);
    const hub = readHubOutputs(new pulumi.StackReference(config.hubStack, { name: config.hubStack }), config.hubStack);
    const serviceName = hubServiceName(hub, config);
    // Only a collector presents the account's certificate (the CloudWatch agent sends to CloudWatch).
    const tenant = { kind: "monitored" as const, account: config.account };
    const identityArn = m.eks !== undefined ? await hub.tenantIdentitySecretArn(tenant) : undefined;
    const c = m.connectivity;
    const endpoints = await discoverEndpointServices({
        vpcId: m.vpc.vpcId,
        region: config.region,
        ownerStack: stackName,
        wanted: awsServiceEndpoints(c.mode, c.extraServices),
        declared: [...c.existingEndpoints, ...Object.keys(c.sharedZones)],
        detect: c.detectExistingEndpoints,
        provider,
    });
    const conflict = await sharedZoneConflict({ vpcId: m.vpc.vpcId, region: config.region, ownerStack: stackName, services: Object.keys(c.sharedZones), detect: c.detectExistingEndpoints, provider });
    if (conflict !== undefined) {
        throw new Error(conflict);
    }
    const caBundle = hub.collectorCaBundle();

    const identity = identityArn !== undefined ? tenantIdentityTls({ hubStack: config.hubStack, secretArn: identityArn, tenant }, { provider }) : undefined;
    const account = new MonitoredAccount("monitored", {
        stackName,
        account: config.account,
        region: config.region,
        organizationId: config.organizationId,
        regulated: m.regulated,
        vpcId: m.vpc.vpcId,
        subnetIds: m.vpc.subnetIds,
        workloadCidrs: m.workloads.cidrs,
        workloadPrefixListIds: m.workloads.prefixListIds,
        connectivity: { ...c, existingEndpoints: Object.keys(endpoints.reused).filter((s) => c.sharedZones[s] === undefined) },
        hub: { endpointServiceName: serviceName, serviceRegion: config.hubRegion, collectorDomain: hub.string("collectorDomain"), caBundle, collectorPorts: m.eks !== undefined ? hub.collectorPorts() : undefined },
        agent: m.agent,
        eks: eksCollector(config, identity),
        tags: config.tags,
    }, { providers: [provider] });

    // Shares the agents' metrics and log groups with the hub's sink in this region (CloudWatch cross-account observability).
    const link = observabilityLink(config, hub, provider);

    return compact({
        account: config.account,
        region: config.region,
        regulated: m.regulated,
        connectivityMode: m.connectivity.mode,
        hubEndpointId: account.hubEndpointId,
        hubEndpointDnsName: account.hubEndpointDnsName,
        collectorDomain: account.collectorDomain,
        awsEndpointIds: account.awsEndpointIds,
        reusedEndpoints: Object.keys(endpoints.reused).length > 0 ? endpoints.reused : undefined,
        s3RouteTableIds: account.s3RouteTableIds,
        natGatewayId: account.natGatewayId,
        agentParameterNames: account.parameterNames,
        agentInstallAssociationId: account.installAssociationId,
        agentConfigureAssociationIds: account.configureAssociationIds,
        agentInstanceRoleArn: account.instanceRoleArn,
        agentInstanceProfileName: account.instanceProfileName,
        agentLogKeyArn: account.logKeyArn,
        collectorRoleArn: account.collectorRoleArn,
        observabilityLinkArn: link.linkArn,
        [DEPLOYED_VERSIONS_OUTPUT]: deployedVersions(PROJECT_RELEASE, m.eks?.image),
        [SPOKE_CERTIFICATE_OUTPUT]: identity !== undefined ? identityExpiryOutput(identity) : undefined,
    });
}

/** The EKS collector's settings, when the account has a cluster (and so an identity). */
function eksCollector(config: MonitoredStackConfig, identity: pulumi.Output<TlsSecretData> | undefined) {
    const m = config.monitored;
    if (m.eks === undefined || identity === undefined) {
        return undefined;
    }
    return {
        clusterName: m.eks.clusterName,
        namespace: m.eks.namespace,
        image: m.eks.image,
        replicas: m.eks.replicas,
        scrapeNamespaces: m.eks.scrapeNamespaces,
        clientCidrs: m.eks.clientCidrs ?? m.workloads.cidrs,
        deployRoleArn: config.deployRole?.roleArn,
        awsProfile: m.eks.awsProfile,
        resources: { cpu: m.eks.cpu, memory: m.eks.memory },
        identity,
    };
}

function observabilityLink(config: MonitoredStackConfig, hub: HubOutputsReader, provider: pulumi.ProviderResource): ObservabilityLink {
    return new ObservabilityLink("monitored-oam", {
        sinkArn: hub.observabilitySinkArn(config.region),
        namespaces: [EC2_AGENT_NAMESPACE],
        tags: config.tags,
    }, { providers: [provider] });
}
