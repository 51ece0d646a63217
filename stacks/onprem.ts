import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { siteNameOf } from "../components/agent/logGroups";
import { ObservabilityLink } from "../components/cloudwatch/observabilityLink";
import { OnPremGateway } from "../components/onprem/onpremGateway";
import { OnpremStackConfig } from "./config";
import { PROJECT } from "./config/common";
import { discoverEndpointServices, hasS3GatewayEndpoint } from "../components/network/endpointDiscovery";
import { checkLandingS3Gateway, checkOnpremConfig, checkRemovedSecretKeys, ONPREM_SECRET_KEYS } from "./config/onprem";
import { identityExpiryOutput, tenantIdentityTls } from "../components/spoke/tenantIdentity";
import { compact, DEPLOYED_VERSIONS_OUTPUT, deployedVersions, hubServiceName, readHubOutputs, SPOKE_CERTIFICATE_OUTPUT } from "./outputs";
import { PROJECT_RELEASE } from "./release";
import { deployProvider } from "./provider";
import { ONPREM_ENDPOINT_SERVICES } from "../components/network/endpointCatalog";

/**
 * Composes an on-premises site's gateway: `pulumi up -s onprem-<site>` in the site's landing
 * account. `now` pins the clock for the registration-window check (tests); default: the real one.
 */
export function onpremStack(config: OnpremStackConfig, now: Date = new Date()): Promise<Record<string, pulumi.Input<unknown>>> {
    // Clock-dependent checks first (synchronously), so a bad expiry fails before anything is registered.
    checkOnpremConfig(config.onprem, now);
    return composeSite(config);
}

type GatewayArgs = ConstructorParameters<typeof OnPremGateway>[1]["gateway"];

async function composeSite(config: OnpremStackConfig): Promise<Record<string, pulumi.Input<unknown>>> {
    const c = config.onprem;
    const siteName = siteNameOf(c.siteName, pulumi.getStack());
    const secrets = new pulumi.Config(PROJECT);
    checkRemovedSecretKeys((key) => secrets.get(key) !== undefined, pulumi.getStack());
    const hub = readHubOutputs(new pulumi.StackReference("hub", { name: config.hubStack }), config.hubStack);
    // Only the gateway collector presents the site's certificate; checked before anything else is registered.
    const tenant = { kind: "onprem" as const, account: config.account, site: siteName };
    const identityArn = c.gateway !== undefined ? await hub.tenantIdentitySecretArn(tenant) : undefined;
    const aws = deployProvider("onprem-aws", config);
    const providers: pulumi.ProviderResource[] = [aws];
    const endpoints = await landingEndpoints(config, aws);

    const identity = identityArn !== undefined ? tenantIdentityTls({ hubStack: config.hubStack, secretArn: identityArn, tenant }, { provider: aws }) : undefined;
    let gateway: GatewayArgs;
    if (c.gateway !== undefined && identity !== undefined) {
        providers.push(new k8s.Provider("onprem-k8s", {
            // Explicit and secret: the operator's current kubeconfig context is never used.
            kubeconfig: secrets.requireSecret(ONPREM_SECRET_KEYS.kubeconfig),
            enableServerSideApply: true,
        }));
        gateway = {
            settings: c.gateway,
            // The site's certificate, copied from the hub on every deploy (rotation: components/onprem/README.md).
            identity,
        };
    }

    const site = new OnPremGateway(`onprem-${siteName}`, {
        account: config.account,
        region: config.region,
        organizationId: config.organizationId,
        siteName,
        siteCidrs: c.siteCidrs,
        landingVpc: { ...c.landingVpc, existingEndpoints: Object.keys(endpoints.reused) },
        credentials: c.credentials,
        network: c.network,
        agent: c.agent,
        hub: {
            endpointServiceName: hubServiceName(hub, config), serviceRegion: config.hubRegion,
            collectorDomain: hub.string("collectorDomain"),
            collectorPorts: hub.collectorPorts(),
            caBundle: hub.collectorCaBundle(),
        },
        gateway,
        tags: config.tags,
    }, { providers });

    // Shares the site's agent metrics and log groups with the hub's sink in this region (CloudWatch cross-account observability).
    const link = new ObservabilityLink(`onprem-${siteName}-oam`, {
        sinkArn: hub.observabilitySinkArn(config.region),
        namespaces: [c.agent.namespace],
        tags: config.tags,
    }, { providers: [aws] });

    const hasActivation = Object.keys(site.activationIds).length > 0;
    return compact({
        account: config.account,
        region: config.region,
        site: siteName, [DEPLOYED_VERSIONS_OUTPUT]: deployedVersions(PROJECT_RELEASE, c.gateway?.image),
        hubUrl: site.hubUrl,
        resolverAddresses: site.resolverAddresses,
        reusedEndpoints: Object.keys(endpoints.reused).length > 0 ? endpoints.reused : undefined,
        agentParameterNames: site.agentParameterNames,
        commonConfigParameter: site.commonConfigParameterName,
        hostRoleArn: site.hostRoleArn,
        activationIds: hasActivation ? pulumi.secret(site.activationIds) : undefined,
        activationCodes: hasActivation ? pulumi.secret(site.activationCodes) : undefined,
        rolesAnywhereTrustAnchorArn: site.rolesAnywhere?.trustAnchorArn,
        rolesAnywhereProfileArn: site.rolesAnywhere?.profileArn,
        signingHelperCommand: site.rolesAnywhere?.signingHelperCommand,
        signingHelperUnit: site.rolesAnywhere?.signingHelperUnit,
        vpnConnectionId: site.vpnConnectionId,
        vpnTunnelAddresses: site.vpnTunnelAddresses,
        directConnectAssociationId: site.directConnectAssociationId,
        gatewayNamespace: site.gatewayNamespace,
        observabilityLinkArn: link.linkArn,
        [SPOKE_CERTIFICATE_OUTPUT]: identity !== undefined ? identityExpiryOutput(identity) : undefined,
    });
}

/** The landing VPC's endpoints this stack reuses, and the check of the declared S3 gateway endpoint. */
async function landingEndpoints(config: OnpremStackConfig, aws: pulumi.ProviderResource) {
    const c = config.onprem;
    const landingServices = [...ONPREM_ENDPOINT_SERVICES, "s3", ...(c.credentials.mode === "rolesAnywhere" ? ["rolesanywhere"] : [])];
    const endpoints = await discoverEndpointServices({
        vpcId: c.landingVpc.vpcId, region: config.region, ownerStack: pulumi.getStack(), wanted: landingServices,
        declared: c.landingVpc.existingEndpoints, detect: c.landingVpc.detectExistingEndpoints, provider: aws,
    });
    if (c.landingVpc.s3GatewayEndpoint) {
        checkLandingS3Gateway(true, await hasS3GatewayEndpoint({ vpcId: c.landingVpc.vpcId, region: config.region, provider: aws }));
    }
    return endpoints;
}
