import { Tenant, tenantKey } from "../../../../components/identity/tenants";

/** The collector domain of the example fleet (stacks/config/hub.ts default): the hub certificate's only name. */
export const DOMAIN = "collector.monitoring.internal";
export const ACCOUNTS = { hub: "111111111111", spokeA: "222222222222", spokeB: "333333333333", site: "777777777777", site2: "888888888888" } as const;
export const REGION = "us-east-1";
/** On-prem sites of the e2e fleet; dc2 exists so that dc1 can claim a real other site. */
export const SITES = { dc1: "dc1", dc2: "dc2" } as const;

const reader = (account: string): string => `arn:aws:iam::${account}:role/oss-monitoring-deploy`;

/** The e2e fleet's tenants: what the hub's maps are rendered from (tenantMaps), as stacks/hub.ts does for the manifest. */
export const TENANTS: readonly Tenant[] = [
    { kind: "monitored", account: ACCOUNTS.spokeA, readerRoleArn: reader(ACCOUNTS.spokeA) },
    { kind: "monitored", account: ACCOUNTS.spokeB, readerRoleArn: reader(ACCOUNTS.spokeB) },
    { kind: "onprem", account: ACCOUNTS.site, site: SITES.dc1, readerRoleArn: reader(ACCOUNTS.site) },
    { kind: "onprem", account: ACCOUNTS.site2, site: SITES.dc2, readerRoleArn: reader(ACCOUNTS.site2) },
];

/** Tenant keys (certificate CNs) of the e2e fleet. */
export const KEYS = {
    spokeA: tenantKey({ kind: "monitored", account: ACCOUNTS.spokeA }),
    spokeB: tenantKey({ kind: "monitored", account: ACCOUNTS.spokeB }),
    dc1: tenantKey({ kind: "onprem", account: ACCOUNTS.site, site: SITES.dc1 }),
    dc2: tenantKey({ kind: "onprem", account: ACCOUNTS.site2, site: SITES.dc2 }),
} as const;
