import * as pulumi from "@pulumi/pulumi";
import { CloudWatchDataSource } from "../components/cloudwatch/cloudwatchDataSource";
import { CloudWatchHostContent } from "../components/cloudwatch/cloudwatchHostContent";
import { ObservabilitySink } from "../components/cloudwatch/observabilitySink";
import { CollectorIngress, ingressListeners } from "../components/hub/collectorIngress";
import { CollectorService } from "../components/hub/collector/collectorService";
import { DrRemoteWritePath } from "../components/hub/drRemoteWritePath";
import { EncryptionKey } from "../components/security/encryptionKey";
import { HubContent } from "../components/hub/hubContent";
import { GrafanaWorkspace } from "../components/hub/grafana/grafanaWorkspace";
import { renderHubCollectorConfig } from "../components/hub/collector/hubCollectorConfig";
import { TenantIdentities } from "../components/identity/tenantIdentities";
import { PrivateNetwork } from "../components/network/privateNetwork";
import { PrometheusWorkspace } from "../components/hub/prometheusWorkspace";
import { HubStackConfig } from "./config";
import { hubTenants } from "./config/hub";
import { compact, deployedVersions, HubOutputs } from "./outputs";
import { PROJECT_RELEASE } from "./release";
import { deployProvider } from "./provider";
import { HUB_ENDPOINT_SERVICES } from "../components/network/endpointCatalog";
import { hubEndpointServices } from "../components/network/hubPaths";
import { tenantSeriesLimits } from "../components/hub/tenantLimits";
import { earliestCertificateExpiry } from "../components/identity/tenantIdentities";
import { HubContentInputs, hubContentInputs } from "./hubContentInputs";
import { tenantKey } from "../components/identity/tenants";

/** Composes the central hub and returns what spokes and operators need (HubOutputs). */
export function hubStack(config: HubStackConfig, now?: Date): Record<string, pulumi.Input<unknown>> {
    const provider = deployProvider("hub-aws", config);
    const opts = { providers: [provider] };
    const amp = ampWorkspaces(config, opts);
    const net = hubNetwork(config, opts, amp.drProvider);
    const front = collectorFrontDoor(config, opts, net.network, now);
    const collector = collectorService(config, opts, { amp, net, front });
    const grafana = grafanaWorkspace(config, opts, amp, net.network, now);
    const hub = config.hub;
    const tags = config.tags;

    const contentInputs = hubContentInputs(config, now ?? new Date());
    const alertsKey = new EncryptionKey("hub-alerts-cmk", {
        account: config.account, region: config.region, services: ["sns-from-aps"], description: "AMP alert notifications (SNS)", tags,
    }, opts);
    const content = new HubContent("hub-content", {
        workspaceId: amp.amp.workspaceId,
        workspaceArn: amp.amp.workspaceArn,
        region: config.region,
        accountId: config.account,
        kmsKeyArn: alertsKey.keyArn,
        grafanaDataSourceUid: grafana.dataSourceUid,
        grafanaDataSourceType: grafana.dataSourceType,
        // The same inputs `oss-monitoring content` renders for review (stacks/hubContentInputs.ts).
        ...contentInputs.amp,
        dr: amp.dr !== undefined && amp.drProvider !== undefined ? { workspaceId: amp.dr.workspaceId, provider: amp.drProvider } : undefined,
        tags,
    }, { providers: grafana.provider !== undefined ? [provider, grafana.provider] : [provider] });
    const cw = cloudwatch(config, opts, { provider, grafana, content, alertsKey, inputs: contentInputs });

    return compact({
        account: config.account,
        region: config.region,
        organizationId: config.organizationId,
        ampWorkspaceId: amp.amp.workspaceId,
        ampWorkspaceArn: amp.amp.workspaceArn,
        ampRemoteWriteUrl: amp.amp.remoteWriteUrl,
        ampQueryUrl: amp.amp.queryUrl,
        drWorkspaceArn: amp.dr?.workspaceArn,
        drRegion: hub.drRegion,
        drVpcId: net.drPath?.drVpcId,
        drAmpEndpointId: net.drPath?.endpointId,
        endpointServiceName: front.ingress.endpointServiceName,
        endpointServiceId: front.ingress.endpointServiceId,
        // The zones the endpoint service offers, by ID: spokes keep only subnets in these.
        endpointServiceAzIds: net.network.availabilityZoneIds,
        collectorDomain: front.ingress.collectorDomain,
        collectorNlbDnsName: front.ingress.dnsName,
        collectorPorts: front.listeners.map((l) => l.port),
        certificateArn: hub.ingress.certificateArn,
        // Spokes read their identity secret by ARN (tenantKey → ARN) and verify nothing else with this CA.
        tenantCaCertificate: front.identities.caCertificatePem,
        tenantIdentitySecretArns: front.identities.secretArns,
        collectorTaskRoleArn: collector.taskRoleArn,
        collectorConfigParameter: collector.configParameterName,
        grafanaUrl: grafana.url,
        grafanaWorkspaceId: grafana.workspaceId,
        grafanaDataSourceUid: grafana.dataSourceUid,
        grafanaApiEndpointId: grafana.apiEndpointId,
        alertTopicArn: content.alertTopicArn,
        dashboardUrls: content.dashboardUrls,
        observabilitySinkArns: cw.sinks.sinkArns,
        cloudwatchDataSourceUid: cw.grafana?.dataSource.dataSourceUid,
        cloudwatchDashboardUrl: cw.grafana?.hostContent.dashboardUrl,
        collectorCaBundle: hub.ingress.caBundle,
        vpcId: net.network.vpcId,
        deployedVersions: deployedVersions(PROJECT_RELEASE, hub.collector.image, grafana.grafanaVersion),
        tenantCertificateExpiresAt: Object.fromEntries(front.tenants.map((t) => [tenantKey(t), earliestCertificateExpiry(now ?? new Date(), hub.identity.rotationDays).toISOString()])),
    } satisfies HubOutputs);
}

type StackOpts = { providers: pulumi.ProviderResource[] };

/** The AMP workspace, and its DR copy (with the DR region's provider) when drRegion is set. */
function ampWorkspaces(config: HubStackConfig, opts: StackOpts) {
    const hub = config.hub;
    const tags = config.tags;
    // Each tenant held to its own active-series limit, in both workspaces (the hub dual-writes).
    const limitsPerLabelSets = tenantSeriesLimits(hubTenants(hub), hub.tenantLimits);
    const amp = new PrometheusWorkspace("hub-amp", {
        account: config.account, region: config.region, retentionDays: hub.retentionDays, logRetentionDays: hub.logRetentionDays, limitsPerLabelSets, tags,
    }, opts);
    const drProvider = hub.drRegion !== undefined ? deployProvider("hub-aws-dr", config, hub.drRegion) : undefined;
    const dr = hub.drRegion !== undefined && drProvider !== undefined
        ? new PrometheusWorkspace("hub-amp-dr", {
            account: config.account, region: hub.drRegion, retentionDays: hub.retentionDays, logRetentionDays: hub.logRetentionDays, limitsPerLabelSets, tags,
        }, { providers: [drProvider] })
        : undefined;
    const workspaceArns = [amp.workspaceArn, ...(dr ? [dr.workspaceArn] : [])];
    return { amp, dr, drProvider, workspaceArns };
}

/** The hub VPC with its interface endpoints, and the path to the DR region's AMP endpoint. */
function hubNetwork(config: HubStackConfig, opts: StackOpts, drProvider: pulumi.ProviderResource | undefined) {
    const hub = config.hub;
    const tags = config.tags;
    const network = new PrivateNetwork("hub-net", {
        region: config.region,
        organizationId: config.organizationId,
        cidr: hub.network.cidr,
        azCount: hub.network.azCount,
        availabilityZoneIds: hub.network.availabilityZoneIds,
        existing: hub.network.vpcId !== undefined
            ? { vpcId: hub.network.vpcId, privateSubnetIds: hub.network.privateSubnetIds ?? [], privateRouteTableIds: hub.network.privateRouteTableIds }
            : undefined,
        // Grafana connected to the VPC sends all its traffic through it; the runner too, when it lives there.
        endpointServices: hubEndpointServices(HUB_ENDPOINT_SERVICES, {
            grafanaContent: hub.grafana.apiAccess !== "none",
            runnerInVpc: hub.grafana.apiAccess === "hubVpcEndpoint",
        }),
        s3Buckets: hub.deployRunner.stateBucket !== undefined ? [hub.deployRunner.stateBucket] : [],
        tags,
    }, opts);

    // AMP offers no cross-Region interface endpoint, and the hub has no internet path: DR writes go
    // through an endpoint in a peered VPC of the DR region (see DrRemoteWritePath).
    const drPath = hub.drRegion !== undefined && drProvider !== undefined
        ? new DrRemoteWritePath("hub-dr-path", {
            account: config.account,
            organizationId: config.organizationId,
            hubRegion: config.region,
            drRegion: hub.drRegion,
            drProvider,
            hubVpcId: network.vpcId,
            hubVpcCidr: network.vpcCidr,
            hubRouteTableIds: network.privateRouteTableIds,
            drCidr: hub.drNetwork.cidr,
            drAvailabilityZoneIds: hub.drNetwork.availabilityZoneIds,
            tags,
        }, opts)
        : undefined;
    return { network, drPath };
}

/** Tenant identities (one certificate per fleet member) and the NLB + endpoint service in front of the collectors. */
function collectorFrontDoor(config: HubStackConfig, opts: StackOpts, network: PrivateNetwork, now: Date | undefined) {
    const hub = config.hub;
    const tags = config.tags;
    // Every monitored account and on-prem site gets a certificate from the hub's CA; the tasks'
    // tenant proxy admits only those and labels each series from the certificate (issue 14).
    const tenants = hubTenants(hub);
    const identities = new TenantIdentities("hub-identity", {
        account: config.account,
        region: config.region,
        organizationId: config.organizationId,
        tenants,
        rotationDays: hub.identity.rotationDays,
        now,
        tags,
    }, opts);
    const listeners = ingressListeners();
    const ingress = new CollectorIngress("hub-ingress", {
        vpcId: network.vpcId,
        subnetIds: network.privateSubnetIds,
        vpcCidr: network.vpcCidr,
        listeners,
        allowedCidrs: [...hub.ingress.allowedCidrs, ...hub.onpremSites.flatMap((s) => s.cidrs)],
        allowedPrefixListIds: hub.ingress.allowedPrefixListIds,
        // Landing accounts reach the endpoint service too; their sites still need their certificate.
        allowedAccounts: [...hub.monitoredAccounts, ...hub.onpremSites.map((s) => s.account), ...hub.ingress.extraAllowedAccounts],
        acceptanceRequired: hub.ingress.acceptanceRequired,
        supportedRegions: hub.spokeRegions,
        collectorDomain: hub.ingress.collectorDomain,
        tags,
    }, opts);
    return { tenants, identities, listeners, ingress };
}

/** The collector service, remote-writing to the primary (and DR) workspace. */
function collectorService(
    config: HubStackConfig,
    opts: StackOpts,
    d: { amp: ReturnType<typeof ampWorkspaces>; net: ReturnType<typeof hubNetwork>; front: ReturnType<typeof collectorFrontDoor> },
): CollectorService {
    const hub = config.hub;
    const { amp, dr } = d.amp;
    const { network, drPath } = d.net;
    const { ingress, identities, tenants } = d.front;
    const remoteWrite = pulumi
        .all([amp.remoteWriteUrl, dr?.remoteWriteUrl])
        .apply(([primary, secondary]) => [
            { name: "primary", url: primary, region: config.region },
            ...(secondary !== undefined && hub.drRegion !== undefined ? [{ name: "dr", url: secondary, region: hub.drRegion }] : []),
        ]);
    const configYaml = remoteWrite.apply((targets) => renderHubCollectorConfig({
        account: config.account, region: config.region, remoteWrite: targets, taskMemoryMiB: hub.collector.memory,
    }));
    return new CollectorService("hub-collector", {
        account: config.account,
        region: config.region,
        vpcId: network.vpcId,
        subnetIds: network.privateSubnetIds,
        vpcCidr: network.vpcCidr,
        s3PrefixListId: network.s3PrefixListId,
        extraHttpsEgressCidrs: drPath !== undefined ? [drPath.drCidr] : [],
        loadBalancerSecurityGroupId: ingress.securityGroupId,
        targetGroupArns: ingress.targetGroupArns,
        listeners: ingress.listeners,
        startupDependencies: network.endpoints,
        configYaml,
        workspaceArns: d.amp.workspaceArns,
        tlsSecretArn: hub.collector.tlsSecretArn,
        identity: { caCertificatePem: identities.caCertificatePem, tenants, revokedSerials: hub.identity.revokedSerials },
        image: hub.collector.image,
        cpu: hub.collector.cpu,
        memory: hub.collector.memory,
        minTasks: hub.collector.minTasks,
        maxTasks: hub.collector.maxTasks,
        targetCpuPercent: hub.collector.targetCpuPercent,
        targetMemoryPercent: hub.collector.targetMemoryPercent,
        logRetentionDays: hub.logRetentionDays,
        tags: config.tags,
    }, opts);
}

/** Managed Grafana in the hub VPC, querying the hub's workspaces. */
function grafanaWorkspace(config: HubStackConfig, opts: StackOpts, amp: ReturnType<typeof ampWorkspaces>, network: PrivateNetwork, now: Date | undefined): GrafanaWorkspace {
    const g = config.hub.grafana;
    return new GrafanaWorkspace("hub-grafana", {
        account: config.account,
        region: config.region,
        vpcId: network.vpcId,
        subnetIds: network.privateSubnetIds,
        vpcCidr: network.vpcCidr,
        authentication: g.authentication,
        samlMetadataUrl: g.samlMetadataUrl,
        samlAdminRoleValues: g.samlAdminRoleValues,
        allowedVpceIds: g.allowedVpceIds,
        allowedPrefixListIds: g.allowedPrefixListIds,
        adminGroupIds: g.adminGroupIds,
        editorGroupIds: g.editorGroupIds,
        apiAccess: g.apiAccess,
        apiAccessPrefixListId: g.apiAccessPrefixListId,
        workspaceId: amp.amp.workspaceId,
        queryUrl: amp.amp.queryUrl,
        workspaceArns: amp.workspaceArns,
        tokenRotationDays: g.tokenRotationDays,
        grafanaVersion: g.version,
        now,
        tags: config.tags,
    }, opts);
}

/** CloudWatch cross-account observability: a sink per fleet region, Grafana's CloudWatch data source, host dashboards and agent alerts. */
function cloudwatch(
    config: HubStackConfig,
    opts: StackOpts,
    d: { provider: pulumi.ProviderResource; grafana: GrafanaWorkspace; content: HubContent; alertsKey: EncryptionKey; inputs: HubContentInputs },
) {
    const cw = config.hub.cloudwatch;
    const cwRegions = d.inputs.cloudwatchRegions;
    const sinks = new ObservabilitySink("hub-oam", {
        regions: cwRegions,
        organizationId: config.organizationId,
        accounts: cw.sinkPrincipals === "fleet" ? cw.sources.map((s) => s.account) : undefined,
        tags: config.tags,
    }, opts);
    // Grafana content needs the workspace API (apiAccess none manages none: the sinks still deploy).
    const grafanaProvider = d.grafana.provider;
    if (grafanaProvider === undefined) {
        return { sinks, grafana: undefined };
    }
    const grafanaOpts = { providers: [d.provider, grafanaProvider] };
    const dataSource = new CloudWatchDataSource("hub-cloudwatch", {
        account: config.account, region: config.region, regions: cwRegions, sinkArns: sinks.sinkArns, workspaceRoleName: d.grafana.roleName,
    }, grafanaOpts);
    const hostContent = new CloudWatchHostContent("hub-cloudwatch-content", {
        dataSourceUid: dataSource.dataSourceUid, regions: cwRegions, sources: d.inputs.cloudwatchSources, alertTopicArn: d.content.alertTopicArn,
        alertKmsKeyArn: d.alertsKey.keyArn, workspaceRoleName: d.grafana.roleName, silentAfterMinutes: d.inputs.agentSilentAfterMinutes,
    }, grafanaOpts);
    return { sinks, grafana: { dataSource, hostContent } };
}
