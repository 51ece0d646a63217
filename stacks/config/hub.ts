import { z } from "zod";
import { isAdotImage } from "../../components/adotComponents";
import { accountId, arnOf, cidr, prefixListId, region, subnetId, vpcId } from "./common";

/** Pinned ADOT collector image; bump deliberately (release notes) rather than tracking `latest`. */
export const DEFAULT_COLLECTOR_IMAGE = "public.ecr.aws/aws-observability/aws-otel-collector:v0.43.3";

const network = z
    .object({
        /** Bring-your-own VPC: set together with privateSubnetIds. Default: the hub creates its VPC. */
        vpcId: vpcId.optional(),
        /** Private subnets of the BYO VPC, one per AZ, at least two. */
        privateSubnetIds: z.array(subnetId).min(2, { error: "list at least two private subnets in different AZs" }).optional(),
        /** CIDR of the VPC the hub creates (ignored for BYO). Default 10.60.0.0/16. */
        cidr: cidr.default("10.60.0.0/16"),
        /** AZs the hub spreads over. Default 3, at least 2 for HA. */
        azCount: z.number().int().min(2, { error: "at least 2 AZs are needed for high availability" }).max(6).default(3),
    })
    .strict()
    .superRefine((n, ctx) => {
        if ((n.vpcId === undefined) !== (n.privateSubnetIds === undefined)) {
            ctx.addIssue({ code: "custom", message: "set vpcId and privateSubnetIds together (bring-your-own VPC) or neither (the hub creates its VPC)" });
        }
    });

const collector = z
    .object({
        image: z.string().min(1).default(DEFAULT_COLLECTOR_IMAGE),
        /**
         * Fargate task CPU units. Default 1024: one vCPU carries ~130k samples/s through the hub
         * configuration (components/hubSizing.ts, README "Scale"), 78k at the 60% CPU target.
         */
        cpu: z.union([z.literal(512), z.literal(1024), z.literal(2048), z.literal(4096)]).default(1024),
        /** Fargate task memory (MiB). Default 2048. */
        memory: z.number().int().min(1024).max(30720).default(2048),
        /** Minimum replicas; 2+ keeps ingestion up through an AZ or task failure. */
        minTasks: z.number().int().min(2, { error: "at least 2 collector tasks are needed for high availability" }).default(2),
        /** Default 12: the sizing rule's answer for 500 accounts x 50k series at 60 s (6 tasks steady, doubled for a backlog drain). */
        maxTasks: z.number().int().min(2).max(100).default(12),
        targetCpuPercent: z.number().min(10).max(90).default(60),
        targetMemoryPercent: z.number().min(10).max(90).default(70),
        /**
         * Secrets Manager secret holding the collector's server certificate and key as JSON
         * `{"cert": "<PEM>", "key": "<PEM>"}`: receivers terminate TLS themselves so the NLB re-encrypts.
         */
        tlsSecretArn: arnOf("secretsmanager", "arn:aws:secretsmanager:us-east-1:111111111111:secret:hub/collector-tls-AbCdEf"),
    })
    .strict()
    .refine((c) => c.maxTasks >= c.minTasks, { error: "maxTasks must be at least minTasks", path: ["maxTasks"] });

const ingress = z
    .object({
        /** ACM certificate for the NLB TLS listeners (4317 gRPC, 4318 HTTP). */
        certificateArn: arnOf("acm", "arn:aws:acm:us-east-1:111111111111:certificate/0f0e0d0c-0000-4000-8000-000000000000"),
        /**
         * PEM bundle of the CA that issued certificateArn, when it is a private CA: spokes pin it
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

const onpremSite = z
    .object({
        name: z.string().regex(/^[a-z][a-z0-9-]{1,30}$/),
        cidrs: z.array(cidr).min(1),
        /** PEM CA bundle the site's client certificates chain to (mutual TLS on port 4319). */
        clientCaBundle: z.string().includes("BEGIN CERTIFICATE", { error: "expected a PEM certificate bundle" }).optional(),
        /** Secrets Manager secret with the site's bearer token (token auth mode). */
        bearerTokenSecretArn: arnOf("secretsmanager", "arn:aws:secretsmanager:us-east-1:111111111111:secret:onprem/dc1-token-AbCdEf").optional(),
    })
    .strict();

const grafana = z
    .object({
        authentication: z.enum(["AWS_SSO", "SAML"]).default("AWS_SSO"),
        /** SAML IdP metadata URL (required when authentication is SAML). */
        samlMetadataUrl: z.string().url().optional(),
        samlAdminRoleValues: z.array(z.string()).default(["grafana-admins"]),
        /** VPC endpoint IDs (com.amazonaws.<region>.grafana-workspace) allowed to reach the workspace. */
        allowedVpceIds: z.array(z.string().regex(/^vpce-[0-9a-f]{8,17}$/)).default([]),
        allowedPrefixListIds: z.array(prefixListId).default([]),
        /** Token rotation period; each token lives two periods (AMG caps tokens at 30 days). Default 15. */
        tokenRotationDays: z.number().int().min(1).max(15, { error: "at most 15: tokens live two periods and Managed Grafana caps them at 30 days" }).default(15),
    })
    .strict()
    .superRefine((g, ctx) => {
        if (g.authentication === "SAML" && !g.samlMetadataUrl) {
            ctx.addIssue({ code: "custom", path: ["samlMetadataUrl"], message: "required when authentication is SAML, e.g. https://idp.example.com/metadata.xml" });
        }
        if (g.allowedVpceIds.length === 0 && g.allowedPrefixListIds.length === 0) {
            ctx.addIssue({ code: "custom", path: ["allowedVpceIds"], message: "network access control needs at least one VPC endpoint ID or prefix list, otherwise the workspace is reachable from the internet" });
        }
    });

export const hubConfig = z
    .object({
        network: network.prefault({}),
        collector,
        ingress,
        grafana,
        /** AMP retention in days. Default 150 (AMP's default). */
        retentionDays: z.number().int().min(1).max(1095).default(150),
        /** CloudWatch log retention for AMP and collector logs: a year by default (audit trail; CKV_AWS_338). */
        logRetentionDays: z.union([z.literal(30), z.literal(60), z.literal(90), z.literal(180), z.literal(365), z.literal(400), z.literal(731)]).default(365),
        /** Disaster recovery: a second AMP workspace in this region that the collector dual-writes to. */
        drRegion: region.optional(),
        /** AMP per-workspace quotas the ingestion alerts compare against (AMP's defaults: 50M series, 1,666,666 samples/s). */
        quotas: z
            .object({ activeSeries: z.number().int().positive().default(50_000_000), samplesPerSecond: z.number().int().positive().default(1_666_666) })
            .strict()
            .prefault({}),
        /** Derived from the fleet manifest: accounts allowed to connect to the endpoint service. */
        monitoredAccounts: z.array(accountId).default([]),
        /** Derived from the fleet manifest: on-prem sites admitted at the ingress. */
        onpremSites: z.array(onpremSite).default([]),
    })
    .strict()
    .superRefine((h, ctx) => {
        const bearer = h.onpremSites.filter((s) => s.bearerTokenSecretArn !== undefined).map((s) => s.name);
        if (bearer.length > 0 && isAdotImage(h.collector.image)) {
            ctx.addIssue({ code: "custom", path: ["collector", "image"], message: `${BEARER_NEEDS_CONTRIB} (bearer sites: ${bearer.join(", ")})` });
        }
    });

/** ADOT ships no server-side auth extension, so bearer-token sites need the contrib collector. */
export const BEARER_NEEDS_CONTRIB =
    "bearer-token authentication needs the bearertokenauth extension, which the ADOT collector does not ship: " +
    "use auth.mode: mtls (the default), or a contrib collector image (otel/opentelemetry-collector-contrib) mirrored into your private ECR";

export type HubConfig = z.infer<typeof hubConfig>;
export type OnPremSiteRef = z.infer<typeof onpremSite>;
