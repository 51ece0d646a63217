import { OnpremStackConfig, parseStackConfig } from "../../stacks/config";
import { ONPREM_SECRET_KEYS } from "../../stacks/config/onprem";
import { identitySecretArn } from "../monitored/fixtures";

export const SITE_ACCOUNT = "777777777777";
export const HUB_STACK = "organization/oss-monitoring/hub";

/** A CA certificate (public part only), e.g. the site's client or host CA. */
export const CA_PEM = [
    "-----BEGIN CERTIFICATE-----",
    "MIICEzCCAbigAwIBAgIUcjg8Wi1IP5/jSvFqQR+6Ql0DEtEwCgYIKoZIzj0EAwIw",
    "VTEVMBMGA1UECgwMRXhhbXBsZSBDb3JwMQwwCgYDVQQLDANkYzExLjAsBgNVBAMM",
    "JUV4YW1wbGUgQ29ycCBkYzEgTW9uaXRvcmluZyBDbGllbnQgQ0EwHhcNMjYxMTIz",
    "-----END CERTIFICATE-----",
].join("\n");

export const HUB_CA_PEM = CA_PEM.replace("MIICEzCC", "MIIHUBCA");

export const SITE_CIDRS = ["172.16.0.0/20", "172.16.32.0/22"];
export const LANDING_CIDR = "10.70.0.0/22";

/** Default site settings; tests override parts. */
export function siteSettings(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        siteName: "dc1",
        siteCidrs: SITE_CIDRS,
        landingVpc: {
            vpcId: "vpc-0d1c2b3a4e5f60718",
            cidr: LANDING_CIDR,
            subnetIds: ["subnet-0a1b2c3d4e5f60701", "subnet-0a1b2c3d4e5f60702"],
            routeTableIds: ["rtb-0a1b2c3d4e5f60711", "rtb-0a1b2c3d4e5f60712"],
        },
        credentials: { mode: "hybridActivation", registrationLimit: 20 },
        network: { mode: "vpn", customerGatewayIp: "203.0.113.10", bgpAsn: 65010, transitGatewayId: "tgw-0a1b2c3d4e5f60720" },
        agent: { platforms: ["linux", "windows"], logFiles: [{ name: "syslog", filePath: "/var/log/messages" }] },
        ...overrides,
    };
}

export const GATEWAY = {
    clusterName: "dc1-k8s",
    replicas: 2,
    scrapeTargets: [{ jobName: "node", targets: ["node1.dc1.example.com:9100", "node2.dc1.example.com:9102"] }],
    podDiscovery: { apiServerCidrs: ["172.16.0.10/32"] },
    queue: { outageMinutes: 240, samplesPerSecond: 2000, storageGi: 20 },
};

export const ROLES_ANYWHERE = {
    mode: "rolesAnywhere",
    caBundle: CA_PEM,
    subject: { commonNames: ["*.dc1.example.com"], organizationalUnit: "dc1-monitoring" },
};

export const DIRECT_CONNECT = {
    mode: "directConnect",
    directConnectGatewayId: "5f0e1d2c-3b4a-4596-8877-665544332211",
    associatedGatewayId: "vgw-0a1b2c3d4e5f60730",
};

export function onpremRaw(onprem: Record<string, unknown> = siteSettings(), common: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        role: "onprem",
        account: SITE_ACCOUNT,
        region: "us-east-1",
        organizationId: "o-a1b2c3d4e5",
        tags: { CostCenter: "cc-1", Owner: "team", Environment: "test", MonitoringRole: "onprem" },
        hubStack: HUB_STACK,
        ...common,
        onprem,
    };
}

export function onpremConfig(onprem?: Record<string, unknown>): OnpremStackConfig {
    return parseStackConfig(onpremRaw(onprem)) as OnpremStackConfig;
}

/** Outputs of the hub stack as the site's StackReference sees them. */
export function hubOutputs(extra: Record<string, unknown> = {}): Record<string, Record<string, unknown>> {
    return {
        [HUB_STACK]: {
            account: "111111111111",
            region: "us-east-1",
            endpointServiceName: "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0",
            collectorDomain: "collector.monitoring.internal",
            collectorPorts: [4317, 4318],
            tenantIdentitySecretArns: { "site-dc1": identitySecretArn("site-dc1") },
            observabilitySinkArns: { "us-east-1": "arn:aws:oam:us-east-1:111111111111:sink/0a1b2c3d-0000-4000-8000-000000000001" },
            ...extra,
        },
    };
}

/** Placeholder secret values a plan must never reveal. */
export const SECRET_VALUES: Record<string, string> = {
    [ONPREM_SECRET_KEYS.kubeconfig]: "apiVersion: v1\nkind: Config\nusers: [{name: placeholder-kubeconfig-user-7f3a}]",
};

/** Harness config with every secret set (as `pulumi config set --secret` would). */
export function secretConfig(): { config: Record<string, unknown>; secretKeys: string[] } {
    const config: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(SECRET_VALUES)) {
        config[`oss-monitoring:${k}`] = v;
    }
    return { config, secretKeys: Object.keys(config) };
}
