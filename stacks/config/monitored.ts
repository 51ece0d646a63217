import { z } from "zod";
import { AGENT_ASSOCIATION_DEFAULTS, platformTagValuesProblem } from "../../components/agent/agentAssociationsSettings";
import { AGENT_CONFIG_DEFAULTS } from "../../components/agent/cloudwatchAgentConfig";
import { KUBERNETES_COLLECTOR_DEFAULTS } from "../../components/agent/kubernetesCollectorSettings";
import { DEFAULT_COLLECTOR_IMAGE } from "../../components/telemetry/adotComponents";
import { cidr, logRetentionDays, prefixListId, routeTableId, subnetId, vpcId } from "./common";
import { awsServiceEndpoints, CONNECTIVITY_MODES, connectivityProblem, sharedZonesProblem } from "../../components/monitored/connectivity";
import { ENDPOINT_ACTIONS } from "../../components/network/endpointCatalog";

/**
 * `oss-monitoring:monitored`: one AWS account whose workloads send metrics to the hub through
 * PrivateLink. Only the VPC, its subnets and the workload networks are required.
 */

const k8sName = z.string().regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, { error: "lower-case letters, digits and dashes, e.g. oss-monitoring" });
const overlayName = z.string().regex(/^[a-z][a-z0-9-]{0,40}$/, { error: "lower-case letters, digits and dashes, starting with a letter, e.g. nginx" })
    .refine((n) => !n.startsWith("base"), { error: "names starting with base are reserved for the base layers" });

const vpc = z
    .object({
        /** The account's workload VPC. */
        vpcId,
        /** Subnets for the endpoint network interfaces: one per AZ, at least two. */
        subnetIds: z.array(subnetId).min(2, { error: "list subnets in at least two AZs so the endpoints survive an AZ outage" }).max(6),
    })
    .strict()
    .superRefine((v, ctx) => {
        v.subnetIds.forEach((s, i) => {
            if (v.subnetIds.indexOf(s) !== i) {
                ctx.addIssue({ code: "custom", path: ["subnetIds", i], message: `${s} is listed twice; list one subnet per AZ` });
            }
        });
    });

const workloads = z
    .object({
        /** Networks whose hosts and pods send telemetry (admitted on 4317/4318 and to the AWS endpoints on 443). */
        cidrs: z.array(cidr).default([]),
        /** Managed prefix lists of such networks. */
        prefixListIds: z.array(prefixListId).default([]),
    })
    .strict()
    .superRefine((w, ctx) => {
        if (w.cidrs.length === 0 && w.prefixListIds.length === 0) {
            ctx.addIssue({ code: "custom", path: ["cidrs"], message: "list the workload networks (cidrs or prefixListIds); without them nothing may reach the endpoints" });
        }
    });

const connectivity = z
    .object({
        /**
         * How hosts reach AWS APIs (CloudWatch, Logs, SSM, STS): `privatelink` (default: interface
         * endpoints), `nat` (an existing NAT gateway; no endpoints) or `internet`.
         */
        mode: z.enum(CONNECTIVITY_MODES, { error: `expected one of ${CONNECTIVITY_MODES.join(", ")}` }).default("privatelink"),
        /** nat mode: the existing NAT gateway the private subnets route through (checked to exist). */
        natGatewayId: z.string().regex(/^nat-[0-9a-f]{8,17}$/, { error: "expected a NAT gateway ID, e.g. nat-0123456789abcdef0" }).optional(),
        /** privatelink mode: further services to add (suffixes with a policy in ENDPOINT_ACTIONS, e.g. kms). Default none. */
        extraServices: z.array(z.string().regex(/^[a-z0-9.-]+$/)).default([]),
        /**
         * privatelink mode: how hosts reach the AWS-owned S3 buckets AWS-ConfigureAWSPackage installs
         * the agent from (regional birdwatcher, aws-ssm-<region>, aws-windows-downloads-<region>;
         * ssm-agent-minimum-s3-permissions.html). `gateway` (default): an S3 gateway endpoint on the
         * workload route tables whose policy admits those buckets only (the plan fails if a table
         * already routes S3 through an endpoint: set `existing`). `existing`: the tables already
         * route S3 through a gateway endpoint, which must admit those buckets (checked: a route exists).
         */
        s3Path: z.enum(["gateway", "existing"], { error: "expected gateway or existing" }).default("gateway"),
        /** privatelink mode: route tables of the workload subnets (S3 path). Default: those associated with vpc.subnetIds. */
        routeTableIds: z.array(routeTableId).optional(),
        /**
         * privatelink mode: services already served in this VPC by endpoints or private hosted zones
         * this stack does not own (e.g. a zone shared from a central endpoint VPC, which no lookup
         * can see); no endpoint is created for them. Default none.
         */
        existingEndpoints: z.array(z.string().regex(/^[a-z0-9.-]+$/)).default([]),
        /**
         * privatelink mode, shared-endpoint shape (README "Cost"): private hosted zones of a central endpoint
         * VPC, by service (e.g. logs: Z0123456789ABCDEFGHIJ). The stack associates the VPC with each zone (the
         * zone's account authorizes it first with CreateVPCAssociationAuthorization, one per VPC:
         * https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/hosted-zone-private-associate-vpcs-different-accounts.html)
         * and creates no endpoint for those services. Default none.
         */
        sharedZones: z.record(z.string().regex(/^[a-z0-9.-]+$/), z.string().regex(/^Z[A-Z0-9]{1,32}$/, { error: "expected a hosted zone ID, e.g. Z0123456789ABCDEFGHIJ" })).default({}),
        /**
         * privatelink mode: look up endpoints and this account's private hosted zones for each
         * service and reuse them instead of failing on "conflicting DNS domain". Default true;
         * false creates every endpoint (the opt-out).
         */
        detectExistingEndpoints: z.boolean().default(true),
    })
    .strict()
    .superRefine((c, ctx) => {
        if (c.mode === "nat" && c.natGatewayId === undefined) {
            ctx.addIssue({ code: "custom", path: ["natGatewayId"], message: "required in nat mode: the NAT gateway the private subnets route through" });
        }
        if (c.mode !== "nat" && c.natGatewayId !== undefined) {
            ctx.addIssue({ code: "custom", path: ["natGatewayId"], message: "only used in nat mode; remove it or set mode: nat" });
        }
        if (c.mode !== "privatelink" && (c.extraServices.length > 0 || c.existingEndpoints.length > 0 || c.routeTableIds !== undefined || Object.keys(c.sharedZones).length > 0)) {
            ctx.addIssue({ code: "custom", path: ["mode"], message: "extraServices, existingEndpoints, sharedZones and routeTableIds need mode: privatelink" });
        }
        const problem = sharedZonesProblem(c.mode === "privatelink" ? awsServiceEndpoints("privatelink", c.extraServices.filter((x) => ENDPOINT_ACTIONS[x] !== undefined)) : [], c.sharedZones, c.existingEndpoints);
        if (problem !== undefined) {
            ctx.addIssue({ code: "custom", path: ["sharedZones", problem.service], message: problem.message });
        }
    });

const logFile = z
    .object({
        path: z.string().min(2),
        /** Log group suffix. Default: the overlay name. */
        logGroup: z.string().regex(/^[\w.#-][\w./#-]{0,100}$/).optional(),
        multiLineStartPattern: z.string().min(1).optional(),
        timestampFormat: z.string().min(1).optional(),
    })
    .strict();

const overlay = z
    .object({
        name: overlayName,
        platform: z.enum(["linux", "windows"], { error: "expected linux or windows" }),
        logFiles: z.array(logFile).default([]),
        journaldUnits: z.array(z.string().min(1)).default([]),
        windowsEvents: z.array(z.object({ eventName: z.string().min(1), levels: z.array(z.enum(["CRITICAL", "ERROR", "WARNING", "INFORMATION", "VERBOSE"])).min(1) }).strict()).default([]),
        processes: z.array(z.object({ exe: z.string().min(1).optional(), pattern: z.string().min(1).optional(), pidFile: z.string().min(1).optional() }).strict()).default([]),
        statsdPort: z.number().int().min(1024).max(65535).optional(),
        /**
         * Linux: groups the agent's user `cwagent` joins (by the configure association) to read this
         * overlay's files, e.g. [adm]. Journald overlays join `systemd-journal` without listing it.
         * The agent stays unprivileged: files readable by root only must get a group first.
         */
        readGroups: z.array(z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/, { error: "expected a Linux group name, e.g. adm" })).default([]),
    })
    .strict()
    .superRefine((o, ctx) => {
        if (o.platform === "windows" && o.readGroups.length > 0) {
            ctx.addIssue({ code: "custom", path: ["readGroups"], message: "Linux only: the Windows agent runs as LocalSystem" });
        }
    });

const agent = z
    .object({
        /** Platforms with a base configuration. Default both. */
        platforms: z.array(z.enum(["linux", "windows"], { error: "expected linux or windows" })).min(1).default(["linux", "windows"]),
        /** Per-workload additions, applied to hosts tagged `MonitoringOverlay-<name>=true`. Default none. */
        overlays: z.array(overlay).default([]),
        /** Host tag key selecting agent hosts. Default MonitoringAgent (values cloudwatch-linux / cloudwatch-windows): AGENT_ASSOCIATION_DEFAULTS. */
        targetTagKey: z.string().regex(/^[\w.\-/=+@]{1,100}$/).default(AGENT_ASSOCIATION_DEFAULTS.tagKey),
        linuxTagValue: z.string().min(1).max(256).default(AGENT_ASSOCIATION_DEFAULTS.platformValues.linux),
        windowsTagValue: z.string().min(1).max(256).default(AGENT_ASSOCIATION_DEFAULTS.platformValues.windows),
        /** CloudWatch agent collection interval in seconds. Default 60. */
        metricsCollectionInterval: z.number().int().min(1).max(3600).default(AGENT_CONFIG_DEFAULTS.metricsCollectionInterval),
        /** Retention of the agent's log groups: at least the audit minimum. Default 365. */
        logRetentionDays,
        /** State Manager rollout: hosts at once, errors tolerated. Default 10% / 10%. */
        maxConcurrency: z.string().regex(/^([1-9]\d{0,3}|([1-9]\d?|100)%)$/).default(AGENT_ASSOCIATION_DEFAULTS.maxConcurrency),
        maxErrors: z.string().regex(/^(\d{1,4}|(\d{1,2}|100)%)$/).default(AGENT_ASSOCIATION_DEFAULTS.maxErrors),
    })
    .strict()
    .superRefine((a, ctx) => {
        const seen = new Set<string>();
        a.overlays.forEach((o, i) => {
            if (seen.has(o.name)) {
                ctx.addIssue({ code: "custom", path: ["overlays", i, "name"], message: `"${o.name}" is used twice` });
            }
            seen.add(o.name);
            if (!a.platforms.includes(o.platform)) {
                ctx.addIssue({ code: "custom", path: ["overlays", i, "platform"], message: `${o.platform} is not in agent.platforms` });
            }
        });
        const values = platformTagValuesProblem(a.linuxTagValue, a.windowsTagValue);
        if (values !== undefined) {
            ctx.addIssue({ code: "custom", path: ["windowsTagValue"], message: values });
        }
    });

const eks = z
    .object({
        /** Existing EKS cluster in this account and region. */
        clusterName: z.string().regex(/^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/, { error: "expected an EKS cluster name" }),
        namespace: k8sName.default("oss-monitoring"),
        image: z.string().min(1).default(DEFAULT_COLLECTOR_IMAGE),
        /** Collector replicas; each scrapes a share of the annotated pods. Default 2. */
        replicas: z.number().int().min(2, { error: "at least 2 replicas keep OTLP ingestion up through a node loss" }).max(10).default(KUBERNETES_COLLECTOR_DEFAULTS.replicas),
        /** Namespaces whose annotated pods are scraped. Default: all. */
        scrapeNamespaces: z.array(k8sName).min(1).optional(),
        /** Networks allowed to send OTLP to the collector. Default: workloads.cidrs. */
        clientCidrs: z.array(cidr).min(1).optional(),
        /** AWS CLI profile `aws eks get-token` uses (needed when the deploy role requires an external ID). Default: --role-arn of the deploy role. */
        awsProfile: z.string().regex(/^[\w.-]{1,64}$/).optional(),
        cpu: z.string().regex(/^\d+m?$/).default("500m"),
        memory: z.string().regex(/^\d+(Mi|Gi)$/).default("1Gi"),
    })
    .strict();

export const monitoredConfig = z
    .object({
        /**
         * Regulated account: only `privatelink` connectivity is accepted. Must match the fleet
         * manifest entry's `regulated` (the policy pack reads that one from the stack tags).
         */
        regulated: z.boolean().default(false),
        vpc,
        workloads,
        connectivity: connectivity.prefault({}),
        agent: agent.prefault({}),
        /** ADOT collector on an EKS cluster of this account. Default: none. */
        eks: eks.optional(),
    })
    .strict()
    .superRefine((c, ctx) => {
        const connectivity = connectivityProblem(c.regulated, c.connectivity.mode);
        if (connectivity !== undefined) {
            ctx.addIssue({ code: "custom", path: ["connectivity", "mode"], message: connectivity });
        }
        if (c.eks !== undefined && c.eks.clientCidrs === undefined && c.workloads.cidrs.length === 0) {
            ctx.addIssue({ code: "custom", path: ["eks", "clientCidrs"], message: "required when workloads lists only prefix lists: the NetworkPolicy needs CIDRs" });
        }
    });

export type MonitoredConfig = z.infer<typeof monitoredConfig>;
