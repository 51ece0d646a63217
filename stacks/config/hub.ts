import { z } from "zod";
import { cidrsOverlap } from "../../components/network/cidr";
import { ROTATION_DAYS } from "../../components/identity/tenantIdentitiesSettings";
import { Tenant } from "../../components/identity/tenants";
import { AGENT_ALERT_DEFAULTS } from "../../components/cloudwatch/agentAlerts";
import { COLLECTOR_SERVICE_DEFAULTS, collectorTasksProblem } from "../../components/hub/collector/collectorServiceSettings";
import { GRAFANA_VERSIONS } from "../../components/telemetry/ampDataSource";
import { GRAFANA_API_ACCESS, GRAFANA_WORKSPACE_DEFAULTS, grafanaProblems } from "../../components/hub/grafana/grafanaWorkspaceSettings";
import { PROMETHEUS_WORKSPACE_DEFAULTS } from "../../components/hub/prometheusWorkspaceSettings";
import { AMP_DEFAULT_QUOTAS } from "../../components/content/options";
import { PRIVATE_NETWORK_DEFAULTS } from "../../components/network/privateNetworkSettings";
import { tenantLimitProblems } from "../../components/hub/tenantLimits";
import { DEFAULT_COLLECTOR_IMAGE } from "../../components/telemetry/adotComponents";
import { accountId, arnOf, availabilityZoneId, cidr, logRetentionDays, prefixListId, region, routeTableId, subnetId, vpcId } from "./common";

const network = z
    .object({
        /** Bring-your-own VPC: set together with privateSubnetIds. Default: the hub creates its VPC. */
        vpcId: vpcId.optional(),
        /** Private subnets of the BYO VPC, one per AZ, at least two. */
        privateSubnetIds: z.array(subnetId).min(2, { error: "list at least two private subnets in different AZs" }).optional(),
        /** Route tables of the BYO private subnets: needed with drRegion (routes to the DR VPC are added). */
        privateRouteTableIds: z.array(routeTableId).min(1).optional(),
        /** CIDR of the VPC the hub creates (ignored for BYO). Default 10.60.0.0/16. */
        cidr: cidr.default(PRIVATE_NETWORK_DEFAULTS.cidr),
        /** AZs the hub spreads over when availabilityZoneIds is not set. Default 3, at least 2 for HA. */
        azCount: z.number().int().min(2, { error: "at least 2 AZs are needed for high availability" }).max(6).default(PRIVATE_NETWORK_DEFAULTS.azCount),
        /**
         * AZ IDs (not names: names map to different zones in every account) of the hub subnets, e.g.
         * [use1-az1, use1-az2, use1-az4]. Spokes can only reach the endpoint service in these zones.
         * Default: the region's first azCount AZ IDs. Not used with a bring-your-own VPC.
         */
        availabilityZoneIds: z.array(availabilityZoneId("use1-az1")).min(2, { error: "at least 2 AZ IDs are needed for high availability" }).optional(),
    })
    .strict()
    .superRefine((n, ctx) => {
        if (n.availabilityZoneIds !== undefined && n.vpcId !== undefined) {
            ctx.addIssue({ code: "custom", path: ["availabilityZoneIds"], message: "a bring-your-own VPC uses the AZs of privateSubnetIds; remove availabilityZoneIds" });
        }
        if ((n.vpcId === undefined) !== (n.privateSubnetIds === undefined)) {
            ctx.addIssue({ code: "custom", message: "set vpcId and privateSubnetIds together (bring-your-own VPC) or neither (the hub creates its VPC)" });
        }
    });

const collector = z
    .object({
        image: z.string().min(1).default(DEFAULT_COLLECTOR_IMAGE),
        /**
         * Fargate task CPU units. Default 1024: one vCPU carries ~130k samples/s through the hub
         * configuration (components/hub/collector/hubSizing.ts, README "Scale"), 78k at the 60% CPU target.
         * Defaults of this block: COLLECTOR_SERVICE_DEFAULTS (components/hub/collector/collectorService.ts).
         */
        cpu: z.union([z.literal(512), z.literal(1024), z.literal(2048), z.literal(4096)]).default(COLLECTOR_SERVICE_DEFAULTS.cpu),
        /** Fargate task memory (MiB). Default 2048. */
        memory: z.number().int().min(1024).max(30720).default(COLLECTOR_SERVICE_DEFAULTS.memory),
        /** Minimum replicas; 2+ keeps ingestion up through an AZ or task failure. */
        minTasks: z.number().int().default(COLLECTOR_SERVICE_DEFAULTS.minTasks),
        /** Default 12: the sizing rule's answer for 500 accounts x 50k series at 60 s (6 tasks steady, doubled for a backlog drain). */
        maxTasks: z.number().int().min(2).max(100).default(COLLECTOR_SERVICE_DEFAULTS.maxTasks),
        targetCpuPercent: z.number().min(10).max(90).default(COLLECTOR_SERVICE_DEFAULTS.targetCpuPercent),
        targetMemoryPercent: z.number().min(10).max(90).default(COLLECTOR_SERVICE_DEFAULTS.targetMemoryPercent),
        /**
         * Secrets Manager secret holding the hub's server certificate and key as JSON
         * `{"cert": "<PEM>", "key": "<PEM>"}`: the tasks' tenant proxy presents it on every port (the
         * NLB passes TLS through so the proxy sees the client certificate). Spokes verify it with
         * ingress.caBundle for ingress.collectorDomain.
         */
        tlsSecretArn: arnOf("secretsmanager", "arn:aws:secretsmanager:us-east-1:111111111111:secret:hub/collector-tls-AbCdEf"),
    })
    .strict()
    .superRefine((c, ctx) => {
        const problem = collectorTasksProblem(c.minTasks, c.maxTasks);
        if (problem !== undefined) {
            ctx.addIssue({ code: "custom", path: [problem.key], message: problem.message });
        }
    });

const ingress = z
    .object({
        /**
         * Optional, informational: an ACM certificate of the collector domain, exported as the hub output
         * certificateArn. Nothing presents it: the NLB passes TLS through to the tenant proxy, which
         * presents collector.tlsSecretArn (the client certificate must reach the task). Default: none.
         */
        certificateArn: arnOf("acm", "arn:aws:acm:us-east-1:111111111111:certificate/0f0e0d0c-0000-4000-8000-000000000000").optional(),
        /**
         * PEM bundle of the CA that issued the hub's server certificate (collector.tlsSecretArn), when it is a private CA: spokes pin it
         * to verify the hub. Default: none (public ACM certificate, system roots).
         */
        caBundle: z.string().includes("BEGIN CERTIFICATE", { error: "expected a PEM certificate bundle" }).optional(),
        /** Private DNS zone and name agents use, e.g. collector.monitoring.internal. */
        collectorDomain: z.string().regex(/^([a-z0-9-]+\.)+[a-z]{2,}$/, { error: "expected a DNS name, e.g. collector.monitoring.internal" }).default("collector.monitoring.internal"),
        /** Networks (besides PrivateLink consumers) admitted to the collector ports, e.g. the hub VPC or a transit range. */
        allowedCidrs: z.array(cidr).default([]),
        allowedPrefixListIds: z.array(prefixListId).default([]),
        /** Extra principals allowed on the endpoint service besides the fleet's accounts (account IDs). */
        extraAllowedAccounts: z.array(accountId).default([]),
        /**
         * Manual acceptance of endpoint connections. Only allow-listed accounts can connect at all,
         * so the default (false) lets onboarding finish without a human in the loop; set true to gate each one.
         */
        acceptanceRequired: z.boolean().default(false),
    })
    .strict();

/** A key that no longer exists: one line saying why and what to do instead. */
function removed(message: string) {
    return z.never({ error: message }).optional();
}

const onpremSite = z
    .object({
        /** The site's stack name in the fleet manifest. */
        name: z.string().regex(/^[a-z][a-z0-9-]{1,30}$/),
        /** Site name (label `site`, certificate CN `site-<site>`); the manifest derives it from the stack's siteName. */
        site: z.string().regex(/^[a-z][a-z0-9-]{1,30}$/, { error: "expected a site name of lower-case letters, digits and dashes, e.g. dc1" }),
        /** The site's landing account: its series carry this `account`, and it reads the site's identity. */
        account: accountId,
        cidrs: z.array(cidr).min(1),
        clientCaBundle: removed("removed: sites now present a certificate the hub issues (identity); delete clientCaBundle from the site and the hub config"),
        bearerTokenSecretArn: removed("removed: bearer tokens cannot name a site unforgeably, every site uses a hub-issued certificate (identity); delete bearerTokenSecretArn"),
    })
    .strict();

/** Tenant identity: the certificates the hub issues to every monitored account and on-prem site. */
const identity = z
    .object({
        /** Days between certificate rotations; each certificate stays valid three periods. Default 30. */
        rotationDays: z.number().int().min(ROTATION_DAYS.min).max(ROTATION_DAYS.max, { error: `at most ${ROTATION_DAYS.max} days between rotations` }).default(ROTATION_DAYS.default),
        /**
         * Serials of revoked tenant certificates (hex, e.g. from `openssl x509 -noout -serial` of the
         * tenant's `tls.crt`, or the `serial` of each issued certificate in the CA's audit report,
         * `aws acm-pca create-certificate-authority-audit-report`; AWS Private CA has no API that lists
         * issued certificates; `:` separators and either case accepted). The proxy refuses them.
         */
        // RFC 5280 4.1.2.2: at most 20 octets (21 in DER with a sign byte).
        revokedSerials: z.array(z.string().regex(/^(?=.*[0-9a-fA-F])[0-9a-fA-F:]+$/, { error: "expected a certificate serial in hex, e.g. 0a:1b:2c or 0A1B2C" })
            .refine((s) => s.replace(/:/g, "").length <= 42, { error: "a certificate serial has at most 20 bytes (40 hex digits)" })).default([]),
    })
    .strict();

/** IAM Identity Center (identity store) group ID, e.g. 9067729b3d-94f1e1b0-... or a bare UUID. */
const identityStoreGroupId = z.string().regex(/^([0-9a-f]{10}-)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, {
    error: "expected an IAM Identity Center group ID, e.g. 90677e8d-a0d1-70e1-1234-5678abcdef01 (Identity Center console, Groups)",
});

const grafana = z
    .object({
        authentication: z.enum(["AWS_SSO", "SAML"]).default(GRAFANA_WORKSPACE_DEFAULTS.authentication),
        /** SAML IdP metadata URL (required when authentication is SAML). */
        samlMetadataUrl: z.string().url().optional(),
        samlAdminRoleValues: z.array(z.string()).default([...GRAFANA_WORKSPACE_DEFAULTS.samlAdminRoleValues]),
        /** AWS_SSO: IAM Identity Center groups given the Grafana Admin role (at least one, or nobody can sign in). */
        adminGroupIds: z.array(identityStoreGroupId).default([]),
        /** AWS_SSO: IAM Identity Center groups given the Grafana Editor role. Default none. */
        editorGroupIds: z.array(identityStoreGroupId).default([]),
        /** VPC endpoint IDs (com.amazonaws.<region>.grafana-workspace) allowed to reach the workspace. */
        allowedVpceIds: z.array(z.string().regex(/^vpce-[0-9a-f]{8,17}$/)).default([]),
        /** Managed prefix lists of PUBLIC IPv4 ranges allowed to reach the workspace (AMG accepts only public IPv4 there). */
        allowedPrefixListIds: z.array(prefixListId).default([]),
        /**
         * How `pulumi up` reaches the workspace API (the Grafana provider calls the workspace URL from
         * the deploying machine, and network access control drops anything not listed):
         * `hubVpcEndpoint` (default): the hub creates a grafana-workspace interface endpoint in its VPC and
         * admits it; run the hub stack from inside the hub VPC (e.g. a CodeBuild project or runner in its
         * private subnets). `prefixList`: admit `apiAccessPrefixListId`, a prefix list of the runner's
         * public egress IPv4 addresses. `none`: the stack manages no Grafana content (data source, folders,
         * dashboards), so it deploys from anywhere; AMP rules and alerting are still deployed.
         */
        apiAccess: z.enum(GRAFANA_API_ACCESS).default(GRAFANA_WORKSPACE_DEFAULTS.apiAccess),
        /** With apiAccess prefixList: the managed prefix list of the deploy runner's public egress IPs. */
        apiAccessPrefixListId: prefixListId.optional(),
        /** Token rotation period; each token lives two periods (AMG caps tokens at 30 days). Default 15. */
        /**
         * Managed Grafana version. Default 12.4. Moving a deployed 10.4 workspace to 12.4 is an in-place,
         * one-way update (README "Upgrading"); pin "10.4" to stay on 10.4.
         */
        version: z.enum(GRAFANA_VERSIONS, { error: `expected one of ${GRAFANA_VERSIONS.join(", ")} (the Managed Grafana versions this project deploys)` }).default(GRAFANA_WORKSPACE_DEFAULTS.grafanaVersion),
        tokenRotationDays: z.number().int().min(1).max(15, { error: "at most 15: tokens live two periods and Managed Grafana caps them at 30 days" }).default(GRAFANA_WORKSPACE_DEFAULTS.tokenRotationDays),
    })
    .strict()
    // The cross-field rules are the component's (grafanaProblems), so the config and GrafanaWorkspace agree.
    .superRefine((g, ctx) => {
        for (const p of grafanaProblems(g)) {
            ctx.addIssue({ code: "custom", path: [p.key], message: p.message });
        }
    });

const cloudwatchSource = z
    .object({
        stack: z.string().min(1),
        kind: z.enum(["monitored", "onprem"]),
        account: accountId,
        region,
        namespace: z.string().min(1),
        logGroupPrefix: z.string().regex(/^\/oss-monitoring\//, { error: "expected a log group prefix under /oss-monitoring/" }),
        site: z.string().optional(),
    })
    .strict();

const cloudwatch = z
    .object({
        /**
         * Who may link to the hub's CloudWatch observability sinks: `organization` (any account of
         * the AWS organization) or `fleet` (only the manifest's accounts, still within the
         * organization). The aws:PrincipalOrgID condition applies either way. Default organization.
         */
        sinkPrincipals: z.enum(["organization", "fleet"]).default("organization"),
        /** Minutes without the agent heartbeat before a host alerts. Default 10. */
        silentAfterMinutes: z.number().int().min(5).max(1440).default(AGENT_ALERT_DEFAULTS.silentAfterMinutes),
        /** Derived from the fleet manifest: every stack whose CloudWatch agents report (sink regions, dashboards, alerts). */
        sources: z.array(cloudwatchSource).default([]),
    })
    .strict();

export const hubConfig = z
    .object({
        network: network.prefault({}),
        collector,
        ingress,
        grafana,
        /** AMP retention in days. Default 150 (AMP's default). */
        retentionDays: z.number().int().min(1).max(1095).default(PROMETHEUS_WORKSPACE_DEFAULTS.retentionDays),
        /** CloudWatch log retention for AMP and collector logs: at least a year (the audit minimum, the pack's log-group-kms-retention). Default 365. */
        logRetentionDays,
        /** Disaster recovery: a second AMP workspace in this region that the collector dual-writes to. */
        drRegion: region.optional(),
        /**
         * The VPC the hub creates in drRegion for its aps-workspaces endpoint (AMP has no cross-Region
         * endpoints), peered with the hub VPC. Used only with drRegion.
         */
        drNetwork: z
            .object({
                /** Must not overlap the hub VPC (peering). Default 10.61.0.0/16. */
                cidr: cidr.default("10.61.0.0/16"),
                /** AZ IDs of the endpoint subnets in drRegion, e.g. [usw2-az1, usw2-az2]. Default: the region's first two. */
                availabilityZoneIds: z.array(availabilityZoneId("usw2-az1")).min(2).optional(),
            })
            .strict()
            .prefault({}),
        /** AMP per-workspace quotas the ingestion alerts compare against (AMP's defaults: 50M series, 1,666,666 samples/s). */
        quotas: z
            .object({ activeSeries: z.number().int().positive().default(AMP_DEFAULT_QUOTAS.activeSeries), samplesPerSecond: z.number().int().positive().default(AMP_DEFAULT_QUOTAS.samplesPerSecond) })
            .strict()
            .prefault({}),
        /** CloudWatch cross-account observability: sinks, the Grafana data source, dashboards and agent alerts. */
        cloudwatch: cloudwatch.prefault({}),
        /** Who may send as which account or site (tenant certificates). */
        identity: identity.prefault({}),
        /**
         * Per-tenant active-series limits on the AMP workspaces (label set `account`, `site` for sites;
         * components/hub/tenantLimits.ts). Derived from the fleet manifest: defaults.maxActiveSeries and each
         * spoke's maxActiveSeries. Default: no limits.
         */
        tenantLimits: z
            .object({
                /** Every tenant's limit unless overridden; 0 = no limit, usage metrics only. Default none. */
                maxActiveSeries: z.number().int().min(0).optional(),
                /** tenantKey (`account-<id>`, `site-<name>`) → limit. Default none. */
                overrides: z.record(z.string(), z.number().int().min(0)).default({}),
            })
            .strict()
            .prefault({}),
        /**
         * The deploy runner in the hub VPC (grafana.apiAccess hubVpcEndpoint): the hub then gets the
         * interface endpoints of the control planes it calls (README "Where the hub stack runs").
         */
        deployRunner: z
            .object({
                /**
                 * Pulumi state bucket (S3 backend, in the hub region) the runner reads and writes through the
                 * VPC's S3 gateway endpoint, whose policy otherwise admits only AWS-owned artifact buckets. Default none.
                 */
                stateBucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { error: "expected an S3 bucket name (3-63 lower-case letters, digits, dots, dashes)" }).optional(),
            })
            .strict()
            .prefault({}),
        /** Derived from the fleet manifest: the monitored accounts (each a tenant, each allowed on the endpoint service). */
        monitoredAccounts: z.array(accountId).default([]),
        /**
         * Derived from the fleet manifest (`regions:` minus the hub's): the other regions whose spokes may
         * create endpoints to the hub's endpoint service (its supportedRegions). Default none: the hub's region only.
         */
        spokeRegions: z.array(region).default([]),
        /** Derived from the fleet manifest: on-prem sites (each a tenant; its landing account is allowed on the endpoint service). */
        onpremSites: z.array(onpremSite).default([]),
        /**
         * Derived from the fleet manifest (defaults.deployRoleName): the spoke deploy role, the only
         * principal of a tenant's account that may read its identity secret.
         */
        spokeDeployRoleName: z.string().regex(/^[\w+=,.@-]{1,64}$/, { error: "expected an IAM role name, e.g. OrganizationMonitoringDeploy" }).default("OrganizationMonitoringDeploy"),
    })
    .strict()
    .superRefine((h, ctx) => {
        if (h.drRegion !== undefined && h.network.vpcId === undefined && cidrsOverlap(h.network.cidr, h.drNetwork.cidr)) {
            ctx.addIssue({ code: "custom", path: ["drNetwork", "cidr"], message: `${h.drNetwork.cidr} overlaps the hub VPC ${h.network.cidr}; VPC peering needs disjoint ranges, e.g. 10.61.0.0/16` });
        }
        if (h.drRegion !== undefined && h.network.vpcId !== undefined && h.network.privateRouteTableIds === undefined) {
            ctx.addIssue({ code: "custom", path: ["network", "privateRouteTableIds"], message: "required with drRegion and a bring-your-own VPC: the route tables of privateSubnetIds get a route to the DR VPC" });
        }
        const sites = new Map<string, number>();
        h.onpremSites.forEach((s, i) => {
            const first = sites.get(s.site);
            if (first !== undefined) {
                ctx.addIssue({
                    code: "custom", path: ["onpremSites", i, "site"],
                    message: `site ${s.site} of stack ${s.name} is also the site of ${h.onpremSites[first].name} (onpremSites[${first}]); each site has one identity: give them distinct siteName values`,
                });
            }
            sites.set(s.site, i);
        });
        for (const message of tenantLimitProblems(hubTenants(h), h.tenantLimits, h.quotas.activeSeries)) {
            ctx.addIssue({ code: "custom", path: ["tenantLimits"], message: message.replace(/^tenantLimits[.:] ?/, "") });
        }
    });

/**
 * Every tenant of the fleet, from the hub config: each monitored account and each on-prem site
 * (labelled with its landing account). The reader of a tenant's identity secret is the spoke's
 * deploy role in the tenant's account.
 */
export function hubTenants(h: Pick<HubConfig, "monitoredAccounts" | "onpremSites" | "spokeDeployRoleName">): Tenant[] {
    const reader = (account: string) => `arn:aws:iam::${account}:role/${h.spokeDeployRoleName}`;
    return [
        ...[...new Set(h.monitoredAccounts)].sort().map((account): Tenant => ({ kind: "monitored", account, readerRoleArn: reader(account) })),
        ...h.onpremSites.map((s): Tenant => ({ kind: "onprem", account: s.account, site: s.site, readerRoleArn: reader(s.account) })),
    ];
}

export type HubConfig = z.infer<typeof hubConfig>;
export type OnPremSiteRef = z.infer<typeof onpremSite>;
export type CloudWatchSourceRef = z.infer<typeof cloudwatchSource>;
