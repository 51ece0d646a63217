import { parseStackConfig, HubStackConfig } from "../../stacks/config";

export const ADMIN_GROUP = "90677e8d-a0d1-70e1-1234-5678abcdef01";

/** A valid hub stack config (raw, as keys without the namespace) for tests to vary. */
export function hubRaw(hub: Record<string, unknown> = {}, common: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        role: "hub",
        account: "111111111111",
        region: "us-east-1",
        organizationId: "o-a1b2c3d4e5",
        tags: { CostCenter: "cc-1", Owner: "team", Environment: "test", MonitoringRole: "hub" },
        ...common,
        hub: {
            collector: { tlsSecretArn: "arn:aws:secretsmanager:us-east-1:111111111111:secret:hub/tls-AbCdEf" },
            ingress: { certificateArn: "arn:aws:acm:us-east-1:111111111111:certificate/0f0e0d0c-0000-4000-8000-000000000001" },
            grafana: { allowedVpceIds: ["vpce-0a1b2c3d4e5f60718"], adminGroupIds: [ADMIN_GROUP] },
            monitoredAccounts: ["222222222222", "333333333333"],
            ...hub,
        },
    };
}

export function hubConfig(hub: Record<string, unknown> = {}, common: Record<string, unknown> = {}): HubStackConfig {
    return parseStackConfig(hubRaw(hub, common)) as HubStackConfig;
}

export const PEM = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUTESTONLY\n-----END CERTIFICATE-----";

/** An on-prem site as the manifest derives it: its stack, site name, landing account and networks. */
export const SITE = { name: "onprem-dc1", site: "dc1", account: "777777777777", cidrs: ["172.16.0.0/20"] };
