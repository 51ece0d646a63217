import * as pulumi from "@pulumi/pulumi";
import { CloudWatchDataSource } from "../components/cloudwatch/cloudwatchDataSource";
import { CloudWatchHostContent } from "../components/cloudwatch/cloudwatchHostContent";
import { ObservabilitySink } from "../components/cloudwatch/observabilitySink";
import { sinkRegions } from "../components/cloudwatch/observabilityPolicy";
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
import { deployProvider } from "./provider";
import { HUB_ENDPOINT_SERVICES } from "../components/network/endpointCatalog";

/** Composes the central hub and returns what spokes and operators need. */
export function hubStack(config: HubStackConfig, now?: Date): Record<string, pulumi.Input<unknown>> {
    const hub = config.hub;
    const tags = config.tags;
    const provider = deployProvider("hub-aws", config);
    const opts = { providers: [provider] };

    const amp = new PrometheusWorkspace("hub-amp", {
        account: config.account, region: config.region, retentionDays: hub.retentionDays, logRetentionDays: hub.logRetentionDays, tags,
    }, opts);
    const drProvider = hub.drRegion !== undefined ? deployProvider("hub-aws-dr", config, hub.drRegion) : undefined;
    const dr = hub.drRegion !== undefined && drProvider !== undefined
        ? new PrometheusWorkspace("hub-amp-dr", {
            account: config.account, region: hub.drRegion, retentionDays: hub.retentionDays, logRetentionDays: hub.logRetentionDays, tags,
        }, { providers: [drProvider] })
        : undefined;
    const workspaceArns = [amp.workspaceArn, ...(dr ? [dr.workspaceArn] : [])];

    const siteCidrs = hub.onpremSites.flatMap((s) => s.cidrs);
    const network = new PrivateNetwork("hub-net", {
        region: config.region,
        organizationId: config.organizationId,
        cidr: hub.network.cidr,
        azCount: hub.network.azCount,
        availabilityZoneIds: hub.network.availabilityZoneIds,
        existing: hub.network.vpcId !== undefined
            ? { vpcId: hub.network.vpcId, privateSubnetIds: hub.network.privateSubnetIds ?? [], privateRouteTableIds: hub.network.privateRouteTableIds }
            : undefined,
        endpointServices: HUB_ENDPOINT_SERVICES,
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
        allowedCidrs: [...hub.ingress.allowedCidrs, ...siteCidrs],
        allowedPrefixListIds: hub.ingress.allowedPrefixListIds,
        // Landing accounts reach the endpoint service too; their sites still need their certificate.
        allowedAccounts: [...hub.monitoredAccounts, ...hub.onpremSites.map((s) => s.account), ...hub.ingress.extraAllowedAccounts],
        acceptanceRequired: hub.ingress.acceptanceRequired,
        collectorDomain: hub.ingress.collectorDomain,
        tags,
    }, opts);

    const remoteWrite = pulumi
        .all([amp.remoteWriteUrl, dr?.remoteWriteUrl])
        .apply(([primary, secondary]) => [
            { name: "primary", url: primary, region: config.region },
            ...(secondary !== undefined && hub.drRegion !== undefined ? [{ name: "dr", url: secondary, region: hub.drRegion }] : []),
        ]);
    const configYaml = remoteWrite.apply((targets) => renderHubCollectorConfig({
        account: config.account, region: config.region, remoteWrite: targets, taskMemoryMiB: hub.collector.memory,
    }));
    const collector = new CollectorService("hub-collector", {
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
        workspaceArns,
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
        tags,
    }, opts);

    const grafana = new GrafanaWorkspace("hub-grafana", {
        account: config.account,
        region: config.region,
        vpcId: network.vpcId,
        subnetIds: network.privateSubnetIds,
        vpcCidr: network.vpcCidr,
        authentication: hub.grafana.authentication,
        samlMetadataUrl: hub.grafana.samlMetadataUrl,
        samlAdminRoleValues: hub.grafana.samlAdminRoleValues,
        allowedVpceIds: hub.grafana.allowedVpceIds,
        allowedPrefixListIds: hub.grafana.allowedPrefixListIds,
        adminGroupIds: hub.grafana.adminGroupIds,
        editorGroupIds: hub.grafana.editorGroupIds,
        apiAccess: hub.grafana.apiAccess,
        apiAccessPrefixListId: hub.grafana.apiAccessPrefixListId,
        workspaceId: amp.workspaceId,
        queryUrl: amp.queryUrl,
        workspaceArns,
        tokenRotationDays: hub.grafana.tokenRotationDays,
        now,
        tags,
    }, opts);

    const alertsKey = new EncryptionKey("hub-alerts-cmk", {
        account: config.account, region: config.region, services: ["sns-from-aps"], description: "AMP alert notifications (SNS)", tags,
    }, opts);
    const content = new HubContent("hub-content", {
        workspaceId: amp.workspaceId,
        workspaceArn: amp.workspaceArn,
        region: config.region,
        accountId: config.account,
        kmsKeyArn: alertsKey.keyArn,
        grafanaDataSourceUid: grafana.dataSourceUid,
        quotas: hub.quotas,
        minHubCollectorReplicas: hub.collector.minTasks,
        dr: dr !== undefined && drProvider !== undefined ? { workspaceId: dr.workspaceId, provider: drProvider } : undefined,
        tags,
    }, { providers: grafana.provider !== undefined ? [provider, grafana.provider] : [provider] });

    // CloudWatch cross-account observability: a sink per fleet region, Grafana's CloudWatch data source, host dashboards and agent alerts.
    const cw = hub.cloudwatch;
    const cwRegions = sinkRegions(config.region, cw.sources.map((s) => s.region));
    const sinks = new ObservabilitySink("hub-oam", {
        regions: cwRegions,
        organizationId: config.organizationId,
        accounts: cw.sinkPrincipals === "fleet" ? cw.sources.map((s) => s.account) : undefined,
        tags,
    }, opts);
    // Grafana content needs the workspace API (apiAccess none manages none: the sinks still deploy).
    const cwGrafana = grafana.provider === undefined ? undefined : (() => {
        const grafanaOpts = { providers: [provider, grafana.provider] };
        const dataSource = new CloudWatchDataSource("hub-cloudwatch", {
            account: config.account, region: config.region, regions: cwRegions, sinkArns: sinks.sinkArns, workspaceRoleName: grafana.roleName,
        }, grafanaOpts);
        const hostContent = new CloudWatchHostContent("hub-cloudwatch-content", {
            dataSourceUid: dataSource.dataSourceUid, regions: cwRegions, sources: cw.sources, alertTopicArn: content.alertTopicArn,
            alertKmsKeyArn: alertsKey.keyArn, workspaceRoleName: grafana.roleName, silentAfterMinutes: cw.silentAfterMinutes,
        }, grafanaOpts);
        return { dataSource, hostContent };
    })();

    return compact({
        account: config.account,
        region: config.region,
        organizationId: config.organizationId,
        ampWorkspaceId: amp.workspaceId,
        ampWorkspaceArn: amp.workspaceArn,
        ampRemoteWriteUrl: amp.remoteWriteUrl,
        ampQueryUrl: amp.queryUrl,
        drWorkspaceArn: dr?.workspaceArn,
        drRegion: hub.drRegion,
        drVpcId: drPath?.drVpcId,
        drAmpEndpointId: drPath?.endpointId,
        endpointServiceName: ingress.endpointServiceName,
        endpointServiceId: ingress.endpointServiceId,
        // The zones the endpoint service offers, by ID: spokes keep only subnets in these.
        endpointServiceAzIds: network.availabilityZoneIds,
        collectorDomain: ingress.collectorDomain,
        collectorNlbDnsName: ingress.dnsName,
        collectorPorts: listeners.map((l) => l.port),
        certificateArn: hub.ingress.certificateArn,
        // Spokes read their identity secret by ARN (tenantKey → ARN) and verify nothing else with this CA.
        tenantCaCertificate: identities.caCertificatePem,
        tenantIdentitySecretArns: identities.secretArns,
        collectorTaskRoleArn: collector.taskRoleArn,
        collectorConfigParameter: collector.configParameterName,
        grafanaUrl: grafana.url,
        grafanaWorkspaceId: grafana.workspaceId,
        grafanaDataSourceUid: grafana.dataSourceUid,
        grafanaApiEndpointId: grafana.apiEndpointId,
        alertTopicArn: content.alertTopicArn,
        dashboardUrls: content.dashboardUrls,
        observabilitySinkArns: sinks.sinkArns,
        cloudwatchDataSourceUid: cwGrafana?.dataSource.dataSourceUid,
        cloudwatchDashboardUrl: cwGrafana?.hostContent.dashboardUrl,
        collectorCaBundle: hub.ingress.caBundle,
        vpcId: network.vpcId,
    });
}

/** Drops undefined outputs (optional features that are off) instead of exporting nothing. */
function compact(outputs: Record<string, pulumi.Input<unknown>>): Record<string, pulumi.Input<unknown>> {
    return Object.fromEntries(Object.entries(outputs).filter(([, v]) => v !== undefined));
}
