import * as pulumi from "@pulumi/pulumi";
import { EC2_AGENT_NAMESPACE } from "../components/agent/hostMetrics";
import { ObservabilityLink } from "../components/cloudwatch/observabilityLink";
import { sinkArnForRegion } from "../components/cloudwatch/observabilityPolicy";
import { discoverEndpointServices } from "../components/network/endpointDiscovery";
import { hubIdentitySecretArn, tenantIdentityTls } from "../components/spoke/tenantIdentity";
import { awsServiceEndpoints, MonitoredAccount } from "../components/monitored/monitoredAccount";
import { MonitoredStackConfig } from "./config";
import { ConfigError, PROJECT } from "./config/common";
import { deployProvider } from "./provider";

/** Hub outputs a monitored account cannot work without. */
export const REQUIRED_HUB_OUTPUTS = ["endpointServiceName", "collectorDomain"] as const;

/**
 * Checks that need more than one part of the config (the EKS token command and the deploy role);
 * throws before any resource is registered.
 */
export function checkMonitoredConfig(config: MonitoredStackConfig, keyPrefix = `${PROJECT}:`): void {
    const eks = config.monitored.eks;
    if (eks !== undefined && config.deployRole?.externalId !== undefined && eks.awsProfile === undefined) {
        throw new ConfigError(`Invalid configuration:\n  - ${keyPrefix}monitored.eks.awsProfile: required because the deploy role needs an external ID, ` +
            "which `aws eks get-token --role-arn` cannot pass; name an AWS CLI profile with role_arn and external_id.");
    }
}

/** An endpoint service is reachable from its own region only (the hub enables no cross-region access). */
export function checkHubRegion(hubStack: string, hubRegion: string, region: string): void {
    if (hubRegion !== region) {
        throw new Error(`hub stack ${hubStack} is in ${hubRegion} but this stack is in ${region}; ` +
            "deploy monitored accounts in the hub's region (PrivateLink endpoint services are regional)");
    }
}

/**
 * Composes one monitored account and returns what operators and the fleet need. Looks up the
 * VPC's existing endpoints first, since they decide which endpoints this stack declares.
 */
export async function monitoredStack(config: MonitoredStackConfig): Promise<Record<string, pulumi.Input<unknown>>> {
    checkMonitoredConfig(config);
    const m = config.monitored;
    const stackName = pulumi.getStack();
    const provider = deployProvider("monitored-aws", config);
    const hub = new pulumi.StackReference(config.hubStack, { name: config.hubStack });
    const hubOutput = (key: string) => hub.requireOutput(key).apply((v) => {
        if (typeof v !== "string" || v.length === 0) {
            throw new Error(`hub stack ${config.hubStack}: output ${key} is missing or empty; deploy the hub first`);
        }
        return v;
    });
    const serviceName = pulumi.all([hubOutput("endpointServiceName"), hubOutput("region")]).apply(([service, hubRegion]) => {
        checkHubRegion(config.hubStack, hubRegion, config.region);
        return service;
    });
    // Only a collector presents the account's certificate (the CloudWatch agent sends to CloudWatch).
    const tenant = { kind: "monitored" as const, account: config.account };
    const identityArn = m.eks !== undefined ? await hubIdentitySecretArn(hub, config.hubStack, tenant) : undefined;
    const c = m.connectivity;
    const endpoints = await discoverEndpointServices({
        vpcId: m.vpc.vpcId,
        region: config.region,
        ownerStack: stackName,
        wanted: awsServiceEndpoints(c.mode, c.extraServices),
        declared: c.existingEndpoints,
        detect: c.detectExistingEndpoints,
        provider,
    });
    const caBundle = hub.getOutput("collectorCaBundle").apply((v) => (typeof v === "string" && v.length > 0 ? v : undefined));

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
        connectivity: { ...c, existingEndpoints: Object.keys(endpoints.reused) },
        hub: { endpointServiceName: serviceName, collectorDomain: hubOutput("collectorDomain"), caBundle, collectorPorts: m.eks !== undefined ? hub.requireOutput("collectorPorts") as pulumi.Output<number[]> : undefined },
        agent: m.agent,
        eks: m.eks !== undefined && identity !== undefined
            ? {
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
            }
            : undefined,
        tags: config.tags,
    }, { providers: [provider] });

    // Shares the agents' metrics and log groups with the hub (CloudWatch cross-account observability, same region).
    const link = new ObservabilityLink("monitored-oam", {
        sinkArn: hub.requireOutput("observabilitySinkArns").apply((arns) => sinkArnForRegion(arns as Record<string, unknown>, config.region, config.hubStack)),
        namespaces: [EC2_AGENT_NAMESPACE],
        tags: config.tags,
    }, { providers: [provider] });

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
    });
}

function compact(outputs: Record<string, pulumi.Input<unknown>>): Record<string, pulumi.Input<unknown>> {
    return Object.fromEntries(Object.entries(outputs).filter(([, v]) => v !== undefined));
}
