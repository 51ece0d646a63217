import { z } from "zod";
import { cidrsOverlap, findOverlap } from "../../components/network/cidr";
import { AGENT_CONFIG_DEFAULTS } from "../../components/agent/cloudwatchAgentConfig";
import { KUBERNETES_COLLECTOR_DEFAULTS } from "../../components/agent/kubernetesCollectorSettings";
import { PERSISTENT_QUEUE_DEFAULTS } from "../../components/agent/spokeCollectorConfig";
import { GATEWAY_BATCH } from "../../components/onprem/gatewayCollectorConfig";
import { outageCoveredMinutes, queueSizing } from "../../components/onprem/queueSizing";
import { credentialPlatformsProblem } from "../../components/onprem/hostFiles";
import { certificateSubjectProblem } from "../../components/onprem/iam";
import { vpnPathProblems } from "../../components/onprem/siteConnectivitySettings";
import { ROLES_ANYWHERE_DEFAULTS, trustAnchorCaProblem } from "../../components/onprem/rolesAnywhereAccessSettings";
import { DEFAULT_COLLECTOR_IMAGE } from "../../components/telemetry/adotComponents";
import { arnOf, cidr, configError, logRetentionDays, PROJECT, routeTableId, subnetId, vpcId } from "./common";

/** CloudWatch namespace of on-prem agents unless a site sets `agent.namespace`. */
export const DEFAULT_ONPREM_NAMESPACE = "CWAgent/OnPrem";

/**
 * `oss-monitoring:onprem`: the on-premises gateway role's settings. A site (data centre or
 * another cloud) reaches a landing VPC in its AWS account over VPN or Direct Connect; the
 * landing VPC holds interface endpoints, the endpoint to the hub collector and a Resolver
 * inbound endpoint, so nothing crosses the internet.
 */

const pem = z
    .string({ error: "expected a PEM certificate bundle (-----BEGIN CERTIFICATE----- ...)" })
    .includes("BEGIN CERTIFICATE", { error: "expected a PEM certificate bundle (-----BEGIN CERTIFICATE----- ...)" });

const idOf = (prefix: string, example: string) =>
    z.string({ error: `expected an ID like ${example}` }).regex(new RegExp(`^${prefix}-[0-9a-f]{8,17}$`), { error: `expected an ID like ${example}` });

const transitGatewayId = idOf("tgw", "tgw-0123456789abcdef0");
const vpnGatewayId = idOf("vgw", "vgw-0123456789abcdef0");

const landingVpc = z
    .object({
        /** Existing landing VPC (attached to the transit gateway / VGW) in the site's landing account. */
        vpcId,
        /** Its CIDR: checked against siteCidrs, since overlapping ranges cannot be routed. */
        cidr,
        /** Private subnets in at least two AZs for the endpoints and the Resolver inbound endpoint. */
        subnetIds: z.array(subnetId).min(2, { error: "list at least two subnets in different AZs (the Resolver inbound endpoint needs two)" }).max(6),
        /** Route tables of those subnets; each gets routes to the site CIDRs. Default: none (routed by the landing zone). */
        routeTableIds: z.array(routeTableId).default([]),
        /**
         * The VPC already has an S3 gateway endpoint (landing zones usually do): the S3 interface
         * endpoint then answers private DNS only for on-premises queries. Default true.
         */
        s3GatewayEndpoint: z.boolean().default(true),
        /**
         * Services already served in the landing VPC by endpoints or private hosted zones this stack
         * does not own (e.g. zones shared from a central endpoint VPC); no endpoint is created for them.
         */
        existingEndpoints: z.array(z.string().regex(/^[a-z0-9.-]+$/)).default([]),
        /** Look up such endpoints and this account's zones per service and reuse them. Default true; false creates every endpoint. */
        detectExistingEndpoints: z.boolean().default(true),
    })
    .strict();

const hybridActivation = z
    .object({
        mode: z.literal("hybridActivation"),
        /** Hosts one activation may register. Default 10. */
        registrationLimit: z.number().int().min(1).max(1000).default(10),
        /**
         * End of the registration window (ISO 8601, at most 30 days ahead). Absent: the window is
         * closed, no activation exists, registered hosts keep working.
         */
        // Whole-second UTC only: the provider stores the API's answer as RFC 3339 in UTC
        // (terraform-provider-aws internal/service/ssm/activation.go, Read: ExpirationDate.Format(time.RFC3339)),
        // and the attribute forces replacement, so "+02:00" or ".5Z" would replace the activation on every up.
        expirationDate: z.string({ error: "expected a UTC timestamp with whole seconds, e.g. 2026-12-01T00:00:00Z" })
            .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/, { error: "expected a UTC timestamp with whole seconds and a Z, e.g. 2026-12-01T00:00:00Z (offsets and fractions are normalized by the provider and would replace the activation on every up)" })
            .refine((v) => !Number.isNaN(Date.parse(v)), { error: "not a real date, e.g. 2026-12-01T00:00:00Z" })
            .optional(),
    })
    .strict();

const certificateSubject = z
    .object({
        /** Allowed certificate common names (IAM StringLike patterns, e.g. `*.dc1.example.com`). */
        commonNames: z.array(z.string().min(1)).min(1).optional(),
        /** Required organizational unit (OU) of the certificate subject. */
        organizationalUnit: z.string().min(1).optional(),
        /** Required organization (O) of the certificate subject. */
        organization: z.string().min(1).optional(),
    })
    .strict()
    .superRefine((s, ctx) => {
        const problem = certificateSubjectProblem(s);
        if (problem !== undefined) {
            ctx.addIssue({ code: "custom", message: problem });
        }
    });

const rolesAnywhere = z
    .object({
        mode: z.literal("rolesAnywhere"),
        /** PEM bundle of the site's CA (trust anchor source). Set this or acmPcaArn. */
        caBundle: pem.optional(),
        /** ACM Private CA that issues the site's host certificates. Set this or caBundle. */
        acmPcaArn: arnOf("acm-pca", "arn:aws:acm-pca:us-east-1:222222222222:certificate-authority/11111111-2222-3333-4444-555555555555").optional(),
        /** Which certificates may assume the role: conditions on the certificate subject. */
        subject: certificateSubject,
        /** Session length. Default 3600 seconds. */
        sessionDurationSeconds: z.number().int().min(900).max(43200).default(ROLES_ANYWHERE_DEFAULTS.sessionDurationSeconds),
    })
    .strict()
    .superRefine((r, ctx) => {
        const problem = trustAnchorCaProblem(r);
        if (problem !== undefined) {
            ctx.addIssue({ code: "custom", path: [problem.key], message: problem.message });
        }
    });

const credentials = z.discriminatedUnion("mode", [hybridActivation, rolesAnywhere], {
    error: "expected mode: hybridActivation (SSM hybrid activation) or rolesAnywhere (IAM Roles Anywhere)",
});

const vpn = z
    .object({
        mode: z.literal("vpn"),
        /** Public IPv4 address of the site's VPN device. */
        customerGatewayIp: z.ipv4({ error: "expected the IPv4 address of the site's VPN device, e.g. 203.0.113.10" }),
        /** BGP ASN of the site's device. Default 65000. */
        bgpAsn: z.number().int().min(1).max(4294967294).default(65000),
        /** Transit gateway the landing VPC is attached to. Set this or vpnGatewayId. */
        transitGatewayId: transitGatewayId.optional(),
        /** Virtual private gateway of the landing VPC. Set this or transitGatewayId. */
        vpnGatewayId: vpnGatewayId.optional(),
        /** Static routing instead of BGP (devices without BGP). Default false. */
        staticRoutesOnly: z.boolean().default(false),
        /**
         * Transit gateway route table the VPN attachment is associated with, and where the site's
         * routes go: propagated from the attachment (BGP) or static routes to it (staticRoutesOnly).
         * Required for static routing on a transit gateway (nothing else would route back to the
         * site); with BGP, omit it when the gateway's default association/propagation covers the VPN.
         */
        transitGatewayRouteTableId: idOf("tgw-rtb", "tgw-rtb-0123456789abcdef0").optional(),
    })
    .strict()
    // The rules are the component's (vpnPathProblems), so the config and SiteConnectivity agree.
    .superRefine((v, ctx) => {
        for (const p of vpnPathProblems(v)) {
            ctx.addIssue({ code: "custom", path: [p.key], message: p.message });
        }
    });

const directConnect = z
    .object({
        mode: z.literal("directConnect"),
        /** Existing Direct Connect gateway (its connections and virtual interfaces are managed elsewhere). */
        directConnectGatewayId: z.uuid({ error: "expected a Direct Connect gateway ID (a UUID)" }),
        /** Transit gateway or virtual private gateway the DX gateway is associated with. */
        associatedGatewayId: z.string().regex(/^(tgw|vgw)-[0-9a-f]{8,17}$/, { error: "expected a transit gateway (tgw-...) or virtual private gateway (vgw-...) ID" }),
        /** Prefixes advertised to the site. Default: the landing VPC CIDR only. */
        allowedPrefixes: z.array(cidr).optional(),
    })
    .strict();

const network = z.discriminatedUnion("mode", [vpn, directConnect], {
    error: "expected mode: vpn (Site-to-Site VPN) or directConnect (Direct Connect gateway association)",
});

/** What a site's certificate is now: the fix named by every error about the removed auth settings. */
export const SITE_CERTIFICATE_FIX = "sites now present a certificate the hub issues (components/onprem/README.md, \"The site's certificate\")";

/**
 * Settings of the old authentication modes (a site CA the hub trusted, or a bearer token), kept in
 * the schema only to name them in the error.
 */
const REMOVED_AUTH_KEYS: Record<string, string> = {
    clientCaBundle: `${SITE_CERTIFICATE_FIX}; delete auth.clientCaBundle`,
    bearerTokenSecretArn: `${SITE_CERTIFICATE_FIX}, bearer tokens are refused; delete auth.bearerTokenSecretArn`,
};

const auth = z
    .object({
        /** Mutual TLS with the certificate the hub issues to the site: the only mode, and the default. */
        mode: z.literal("mtls", { error: `only mtls: ${SITE_CERTIFICATE_FIX} and bearer tokens are refused; delete auth.mode (or set mtls)` }).default("mtls"),
        clientCaBundle: z.unknown().optional(),
        bearerTokenSecretArn: z.unknown().optional(),
    })
    .strict()
    .superRefine((a, ctx) => {
        for (const [key, message] of Object.entries(REMOVED_AUTH_KEYS)) {
            if ((a as Record<string, unknown>)[key] !== undefined) {
                ctx.addIssue({ code: "custom", path: [key], message });
            }
        }
    })
    .transform((a) => ({ mode: a.mode }));

const logFile = z
    .object({
        /** Short name: the log group is `/oss-monitoring/onprem/<site>/<name>`. */
        name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,40}$/, { error: "lower-case letters, digits and dashes, e.g. syslog" }),
        /** Path (glob) on the hosts, e.g. /var/log/messages. */
        filePath: z.string().regex(/^\/\S+$/, { error: "expected an absolute path, e.g. /var/log/messages" }),
        /** strftime format of the timestamps, when lines carry one. Default: ingestion time. */
        timestampFormat: z.string().min(1).optional(),
    })
    .strict();

const agent = z
    .object({
        /** Host platforms of the site; each gets a base configuration (and, for hybrid hosts, an activation). Default [linux]. */
        platforms: z.array(z.enum(["linux", "windows"], { error: "expected linux or windows" })).min(1).default(["linux"]),
        /** CloudWatch agent collection interval. Default 60 seconds. */
        metricsCollectionInterval: z.number().int().min(10).max(3600).default(AGENT_CONFIG_DEFAULTS.metricsCollectionInterval),
        /** CloudWatch metric namespace. Default CWAgent/OnPrem. */
        namespace: z.string().regex(/^[^:][\w./#:-]{0,254}$/).default(DEFAULT_ONPREM_NAMESPACE),
        /** Log files shipped to CloudWatch Logs. Default none. */
        logFiles: z.array(logFile).default([]),
        /** Retention of the site's log groups: at least the audit minimum. Default 365 days. */
        logRetentionDays,
    })
    .strict()
    .superRefine((a, ctx) => {
        if (new Set(a.platforms).size !== a.platforms.length) {
            ctx.addIssue({ code: "custom", path: ["platforms"], message: "list each platform once" });
        }
        if (a.logFiles.length > 0 && !a.platforms.includes("linux")) {
            ctx.addIssue({ code: "custom", path: ["logFiles"], message: "log files are Linux paths; add linux to platforms" });
        }
        const seen = new Set<string>();
        a.logFiles.forEach((f, i) => {
            if (seen.has(f.name)) {
                ctx.addIssue({ code: "custom", path: ["logFiles", i, "name"], message: `"${f.name}" is used twice; names become log group names` });
            }
            seen.add(f.name);
        });
    });

const scrapeTarget = z
    .object({
        jobName: z.string().regex(/^[a-zA-Z_][\w-]{0,62}$/, { error: "expected a Prometheus job name, e.g. node" }),
        /** host:port pairs. */
        targets: z.array(z.string().regex(/^[\w.-]+:\d{1,5}$/, { error: "expected host:port, e.g. node1.dc1.example.com:9100" })).min(1),
        /** Default 30s. */
        scrapeInterval: z.string().regex(/^\d+(s|m)$/, { error: "expected a duration like 30s or 1m" }).default("30s"),
        /** Default /metrics. */
        metricsPath: z.string().regex(/^\/\S*$/).default("/metrics"),
    })
    .strict();

const queue = z
    .object({
        /** Longest WAN outage to survive without loss, in minutes. Default 240 (4 hours). */
        outageMinutes: z.number().int().min(1).max(7 * 24 * 60).default(240),
        /** Peak samples (data points) per second the site sends through the gateway. */
        samplesPerSecond: z.number({ error: "required: the site's peak samples per second through the gateway, e.g. 2000" }).int().positive(),
        /** PersistentVolumeClaim size per replica, in GiB: must hold the outage (checked). */
        storageGi: z.number({ error: "required: the queue volume size in GiB, e.g. 20" }).int().min(1).max(16384),
        /** StorageClass of the claim. Default: the cluster default. */
        storageClassName: z.string().min(1).optional(),
        /**
         * Sync each queue write to the volume before answering the push, so it survives the node losing
         * power. Default PERSISTENT_QUEUE_DEFAULTS.fsync (true); false trades that for throughput on slow disks.
         */
        fsync: z.boolean({ error: "expected true or false" }).default(PERSISTENT_QUEUE_DEFAULTS.fsync),
    })
    .strict()
    .superRefine((q, ctx) => {
        const need = queueSizing({ outageMinutes: q.outageMinutes, samplesPerSecond: q.samplesPerSecond, batchSize: GATEWAY_BATCH.size });
        if (q.storageGi < need.minStorageGi) {
            ctx.addIssue({
                code: "custom",
                path: ["storageGi"],
                message: `${q.storageGi}Gi holds only a ${outageCoveredMinutes(q.storageGi, q.samplesPerSecond)}-minute outage at ${q.samplesPerSecond} samples/s; ` +
                    `set at least ${need.minStorageGi} (GiB) to cover outageMinutes ${q.outageMinutes} with headroom, or lower outageMinutes`,
            });
        }
    });

const gateway = z
    .object({
        /** Cluster name stamped on every series (k8s.cluster.name → label cluster). */
        clusterName: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, { error: "lower-case letters, digits and dashes, e.g. dc1-prod" }),
        /** Namespace the gateway runs in. Default monitoring-gateway. */
        namespace: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/).default("monitoring-gateway"),
        /** Replicas, each with its own queue volume. Default 2. */
        replicas: z.number().int().min(1).max(10).default(KUBERNETES_COLLECTOR_DEFAULTS.replicas),
        image: z.string().min(1).default(DEFAULT_COLLECTOR_IMAGE),
        /** Local Prometheus targets the gateway scrapes. Default none. */
        scrapeTargets: z.array(scrapeTarget).default([]),
        /** Networks allowed to send OTLP to the gateway. Default: the site CIDRs. */
        otlpClientCidrs: z.array(cidr).optional(),
        /** Namespaces of the cluster whose pods may send OTLP to the gateway. Default: none. */
        otlpClientNamespaces: z.array(z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/)).default([]),
        /**
         * Scrape pods annotated `prometheus.io/scrape: "true"` (sharded over the replicas). Needs the
         * API server's addresses for the NetworkPolicy. Default: off.
         */
        podDiscovery: z
            .object({
                apiServerCidrs: z.array(cidr).min(1, { error: "list the Kubernetes API server's addresses, e.g. [10.96.0.1/32]" }),
                /** Namespaces to discover pods in. Default: all. */
                namespaces: z.array(z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/)).min(1).optional(),
            })
            .strict()
            .optional(),
        queue,
        /** Per-replica resources. */
        cpu: z.string().regex(/^\d+m?$/).default("500m"),
        memory: z.string().regex(/^\d+(Mi|Gi)$/).default("1Gi"),
    })
    .strict();

export const onpremConfig = z
    .object({
        /** Site name (label `site`). Default: the stack name without its `onprem-` prefix. */
        siteName: z.string().regex(/^[a-z][a-z0-9-]{1,30}$/, { error: "lower-case letters, digits and dashes, e.g. dc1" }).optional(),
        /** The site's networks that send telemetry; admitted by the landing endpoints and the hub ingress. */
        siteCidrs: z.array(cidr, { error: "required: the site's networks, e.g. [172.16.0.0/20]" }).min(1, { error: "list at least one site network" }),
        landingVpc,
        credentials,
        network,
        /** How the site authenticates to the hub: mutual TLS with the certificate the hub issues. Optional. */
        auth: auth.prefault({}),
        agent: agent.prefault({}),
        /** Gateway collector on the site's Kubernetes; needs the gatewayKubeconfig secret. Default: none. */
        gateway: gateway.optional(),
    })
    .strict()
    .superRefine((c, ctx) => {
        const overlap = findOverlap(c.siteCidrs);
        if (overlap !== undefined) {
            ctx.addIssue({ code: "custom", path: ["siteCidrs", c.siteCidrs.indexOf(overlap[1])], message: `${overlap[1]} overlaps ${overlap[0]}; list each network once` });
        }
        c.siteCidrs.forEach((s, i) => {
            if (cidrsOverlap(s, c.landingVpc.cidr)) {
                ctx.addIssue({ code: "custom", path: ["siteCidrs", i], message: `${s} overlaps the landing VPC ${c.landingVpc.cidr}; site and VPC addresses must be distinct to route between them` });
            }
        });
        const platforms = credentialPlatformsProblem(c.credentials.mode, c.agent.platforms);
        if (platforms !== undefined) {
            ctx.addIssue({ code: "custom", path: ["agent", "platforms"], message: platforms });
        }
        if (c.network.mode === "directConnect") {
            (c.network.allowedPrefixes ?? []).forEach((p, i) => {
                if (c.siteCidrs.some((s) => cidrsOverlap(s, p))) {
                    ctx.addIssue({ code: "custom", path: ["network", "allowedPrefixes", i], message: `${p} overlaps a site CIDR; advertise AWS-side prefixes (the landing VPC) only` });
                }
            });
        }
    });

export type OnpremConfig = z.infer<typeof onpremConfig>;
export type OnpremGatewaySettings = z.infer<typeof gateway>;

/** Secret config keys (`pulumi config set --secret oss-monitoring:<key>`) the role reads. */
export const ONPREM_SECRET_KEYS = {
    /** kubeconfig of the site's cluster, for the gateway collector. */
    kubeconfig: "gatewayKubeconfig",
} as const;

/**
 * Secret keys of the old authentication modes: the gateway's certificate now comes from the hub
 * (copied on every deploy), so a value set here would be ignored; the stack refuses it instead.
 */
export const REMOVED_SECRET_KEYS = ["gatewayClientCert", "gatewayClientKey", "gatewayBearerToken"] as const;

/** The secret keys a site's config needs, for the manifest's `secrets:` list. */
export function requiredSecretKeys(c: OnpremConfig): string[] {
    return c.gateway === undefined ? [] : [ONPREM_SECRET_KEYS.kubeconfig];
}

/**
 * Fails naming the first removed secret key still set on the stack (`isSet` answers whether the
 * stack's config has `oss-monitoring:<key>`), and the fix.
 */
export function checkRemovedSecretKeys(isSet: (key: string) => boolean, stack: string, keyPrefix = `${PROJECT}:`): void {
    const found = REMOVED_SECRET_KEYS.find(isSet);
    if (found !== undefined) {
        throw configError(`${keyPrefix}${found}`, `${SITE_CERTIFICATE_FIX}; remove it with \`pulumi config rm ${keyPrefix}${found} -s ${stack}\` ` +
            "(and from the stack's secrets: in stacks/fleet.yaml)");
    }
}

/**
 * `privateDnsOnlyForInboundResolverEndpoint` on the S3 interface endpoint requires an S3 gateway
 * endpoint in the VPC (https://docs.aws.amazon.com/AmazonS3/latest/userguide/privatelink-interface-endpoints.html,
 * "Private DNS"); the config's `landingVpc.s3GatewayEndpoint` claim is checked against the VPC.
 */
export function checkLandingS3Gateway(declared: boolean, found: boolean, keyPrefix = `${PROJECT}:`): void {
    if (declared && !found) {
        throw configError(`${keyPrefix}onprem.landingVpc.s3GatewayEndpoint`, "true, but the landing VPC has no S3 gateway endpoint " +
            "(private DNS for the S3 interface endpoint would then answer nobody in the VPC); add one or set it to false.");
    }
}

/** SSM caps an activation's lifetime at 30 days. */
export const MAX_ACTIVATION_DAYS = 30;

/**
 * Checks that depend on the clock, kept out of the schema so parsing stays pure: the
 * stack passes `new Date()`, tests pin `now`. Throws a ConfigError naming the key.
 */
export function checkOnpremConfig(c: OnpremConfig, now: Date, keyPrefix = `${PROJECT}:`): void {
    if (c.credentials.mode !== "hybridActivation" || c.credentials.expirationDate === undefined) {
        return;
    }
    const key = `${keyPrefix}onprem.credentials.expirationDate`;
    const expiry = new Date(c.credentials.expirationDate);
    const fix = "Set a date within the next 30 days to open a registration window, or remove expirationDate to close it (registered hosts keep working).";
    if (expiry.getTime() <= now.getTime()) {
        throw configError(key, `${c.credentials.expirationDate} is in the past (now ${now.toISOString()}).`, fix);
    }
    if (expiry.getTime() - now.getTime() > MAX_ACTIVATION_DAYS * 24 * 3600 * 1000) {
        throw configError(key, `${c.credentials.expirationDate} is more than ${MAX_ACTIVATION_DAYS} days ahead (SSM's limit).`, fix);
    }
}
