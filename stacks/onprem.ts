import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { siteNameOf } from "../components/agent/logGroups";
import { ObservabilityLink } from "../components/cloudwatch/observabilityLink";
import { sinkArnForRegion } from "../components/cloudwatch/observabilityPolicy";
import { OnPremGateway } from "../components/onprem/onpremGateway";
import { OnpremStackConfig } from "./config";
import { ConfigError, PROJECT } from "./config/common";
import { discoverEndpointServices, hasS3GatewayEndpoint } from "../components/network/endpointDiscovery";
import { checkOnpremConfig, checkRemovedSecretKeys, ONPREM_SECRET_KEYS } from "./config/onprem";
import { hubIdentitySecretArn, tenantIdentityTls } from "../components/spoke/tenantIdentity";
import { deployProvider } from "./provider";
import { ONPREM_ENDPOINT_SERVICES } from "../components/network/endpointCatalog";

export { siteNameOf };

/**
 * Composes an on-premises site's gateway: `pulumi up -s onprem-<site>` in the site's landing
 * account. `now` pins the clock for the registration-window check (tests); default: the real one.
 */
export function onpremStack(config: OnpremStackConfig, now: Date = new Date()): Promise<Record<string, pulumi.Input<unknown>>> {
    // Clock-dependent checks first (synchronously), so a bad expiry fails before anything is registered.
    checkOnpremConfig(config.onprem, now);
    return composeSite(config);
}

/**
 * `privateDnsOnlyForInboundResolverEndpoint` on the S3 interface endpoint requires an S3 gateway
 * endpoint in the VPC (https://docs.aws.amazon.com/AmazonS3/latest/userguide/privatelink-interface-endpoints.html,
 * "Private DNS"); the config's `landingVpc.s3GatewayEndpoint` claim is checked against the VPC.
 */
export function checkLandingS3Gateway(declared: boolean, found: boolean, keyPrefix = `${PROJECT}:`): void {
    if (declared && !found) {
        throw new ConfigError(`Invalid configuration:\n  - ${keyPrefix}onprem.landingVpc.s3GatewayEndpoint: true, but the landing VPC has no S3 gateway endpoint ` +
            "(private DNS for the S3 interface endpoint would then answer nobody in the VPC); add one or set it to false.");
    }
}

async function composeSite(config: OnpremStackConfig): Promise<Record<string, pulumi.Input<unknown>>> {
    const c = config.onprem;
    const siteName = siteNameOf(c.siteName, pulumi.getStack());
    const secrets = new pulumi.Config(PROJECT);
    checkRemovedSecretKeys((key) => secrets.get(key) !== undefined, pulumi.getStack());
    const hub = new pulumi.StackReference("hub", { name: config.hubStack });
    // Only the gateway collector presents the site's certificate; checked before anything else is registered.
    const tenant = { kind: "onprem" as const, account: config.account, site: siteName };
    const identityArn = c.gateway !== undefined ? await hubIdentitySecretArn(hub, config.hubStack, tenant) : undefined;
    const aws = deployProvider("onprem-aws", config);
    const providers: pulumi.ProviderResource[] = [aws];
    const landingServices = [...ONPREM_ENDPOINT_SERVICES, "s3", ...(c.credentials.mode === "rolesAnywhere" ? ["rolesanywhere"] : [])];
    const endpoints = await discoverEndpointServices({
        vpcId: c.landingVpc.vpcId, region: config.region, ownerStack: pulumi.getStack(), wanted: landingServices,
        declared: c.landingVpc.existingEndpoints, detect: c.landingVpc.detectExistingEndpoints, provider: aws,
    });
    if (c.landingVpc.s3GatewayEndpoint) {
        checkLandingS3Gateway(true, await hasS3GatewayEndpoint({ vpcId: c.landingVpc.vpcId, region: config.region, provider: aws }));
    }

    let gateway: ConstructorParameters<typeof OnPremGateway>[1]["gateway"];
    if (c.gateway !== undefined && identityArn !== undefined) {
        providers.push(new k8s.Provider("onprem-k8s", {
            // Explicit and secret: the operator's current kubeconfig context is never used.
            kubeconfig: secrets.requireSecret(ONPREM_SECRET_KEYS.kubeconfig),
            enableServerSideApply: true,
        }));
        gateway = {
            settings: c.gateway,
            // The site's certificate, copied from the hub on every deploy (rotation: components/onprem/README.md).
            identity: tenantIdentityTls({ hubStack: config.hubStack, secretArn: identityArn, tenant }, { provider: aws }),
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
            endpointServiceName: hub.requireOutput("endpointServiceName") as pulumi.Output<string>,
            collectorDomain: hub.requireOutput("collectorDomain") as pulumi.Output<string>,
            collectorPorts: hub.requireOutput("collectorPorts") as pulumi.Output<number[]>,
            caBundle: hub.getOutput("collectorCaBundle") as pulumi.Output<string | undefined>,
        },
        gateway,
        tags: config.tags,
    }, { providers });

    // Shares the site's agent metrics and log groups with the hub (CloudWatch cross-account observability, same region).
    const link = new ObservabilityLink(`onprem-${siteName}-oam`, {
        sinkArn: hub.requireOutput("observabilitySinkArns").apply((arns) => sinkArnForRegion(arns as Record<string, unknown>, config.region, config.hubStack)),
        namespaces: [c.agent.namespace],
        tags: config.tags,
    }, { providers: [aws] });

    const hasActivation = Object.keys(site.activationIds).length > 0;
    return compact({
        account: config.account,
        region: config.region,
        site: siteName,
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
    });
}

function compact(outputs: Record<string, pulumi.Input<unknown>>): Record<string, pulumi.Input<unknown>> {
    return Object.fromEntries(Object.entries(outputs).filter(([, v]) => v !== undefined));
}
