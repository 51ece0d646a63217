/**
 * Which AWS APIs the hub's own features call from inside the hub VPC, and how each is reached.
 * The hub VPC has no internet or NAT gateway, and Managed Grafana connected to a VPC sends "all
 * traffic" through it (AMG user guide, "Connect to data sources or notification channels in Amazon
 * VPC", https://docs.aws.amazon.com/grafana/latest/userguide/AMG-configure-vpc.html), so every data
 * source and contact point needs an interface endpoint, as does every API the deploy runner calls
 * when it runs in the hub VPC (grafana.apiAccess hubVpcEndpoint).
 */

import { AMP_PLUGIN_TYPE, CORE_PROMETHEUS_TYPE, GRAFANA_WORKSPACE_VERSION_DEFAULT, ampDataSourceType } from "../telemetry/ampDataSource";

/**
 * Endpoint services a Grafana data source type calls (Grafana's data source `type`):
 * - prometheus (AMP, SigV4): the AMP query API, `aps-workspaces`
 *   (https://docs.aws.amazon.com/prometheus/latest/userguide/AMP-amg.html, "Connecting to Amazon
 *   Managed Grafana in a private VPC": create the AMP endpoint in the workspace's VPC);
 * - cloudwatch: GetMetricData/ListMetrics (`monitoring`) and the Logs Insights queries its role allows
 *   (`logs`; components/cloudwatch/cloudwatchIam.ts cloudWatchReadPolicy). Its account picker's
 *   oam:ListSinks/ListAttachedLinks have no endpoint (see NO_PRIVATELINK): without them Grafana still
 *   queries the monitoring account, which sees linked accounts' metrics through the sink.
 */
export const GRAFANA_DATA_SOURCE_PATHS: Readonly<Record<string, readonly string[]>> = {
    [CORE_PROMETHEUS_TYPE]: ["aps-workspaces"],
    // Grafana 12.4's AMP data source (telemetry/ampDataSource.ts): the same query API, signed for `aps`.
    [AMP_PLUGIN_TYPE]: ["aps-workspaces"],
    cloudwatch: ["monitoring", "logs"],
};

/** Endpoint services a Grafana contact point integration calls (the ContactPoint block name). */
export const GRAFANA_CONTACT_POINT_PATHS: Readonly<Record<string, readonly string[]>> = {
    // sns:Publish with the workspace role; SNS itself encrypts with the topic's key.
    sns: ["sns"],
};

/** What the hub's Grafana workspace uses: data source types and contact point integrations. */
export interface GrafanaFeatures {
    readonly dataSources: readonly string[];
    readonly contactPoints: readonly string[];
}

/**
 * Endpoint services the Grafana features need, sorted. A type without a known path is refused:
 * adding a data source or contact point means adding its path here (and so to the hub VPC).
 */
export function grafanaEndpointServices(features: GrafanaFeatures): string[] {
    const out = new Set<string>();
    for (const [kind, table, items] of [["data source", GRAFANA_DATA_SOURCE_PATHS, features.dataSources], ["contact point", GRAFANA_CONTACT_POINT_PATHS, features.contactPoints]] as const) {
        for (const item of items) {
            const paths = table[item];
            if (paths === undefined) {
                throw new Error(`Grafana ${kind} "${item}" has no known network path from the hub VPC; add the endpoint services it calls to components/network/hubPaths.ts`);
            }
            paths.forEach((p) => out.add(p));
        }
    }
    return [...out].sort();
}

/** What the hub stack deploys in Grafana (CloudWatchDataSource, GrafanaWorkspace, CloudWatchHostContent). */
export const HUB_GRAFANA_FEATURES: GrafanaFeatures = { dataSources: [ampDataSourceType(GRAFANA_WORKSPACE_VERSION_DEFAULT), "cloudwatch"], contactPoints: ["sns"] };

/**
 * AWS APIs that have no interface endpoint (none in "AWS services that integrate with AWS
 * PrivateLink", https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-privatelink-support.html),
 * so a caller in the hub VPC needs controlled egress (an HTTPS proxy) for them.
 */
export const NO_PRIVATELINK: readonly string[] = ["oam"];

/**
 * Global control planes reached through one endpoint in their home region: IAM's endpoint service is
 * `com.amazonaws.iam`, created only in us-east-1; from another region through a cross-Region
 * endpoint (IAM is cross-Region enabled) or a transit gateway
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam_vpc_endpoint_create.html).
 */
export const GLOBAL_SERVICES: Readonly<Record<string, { readonly serviceName: string; readonly homeRegion: string }>> = {
    iam: { serviceName: "com.amazonaws.iam", homeRegion: "us-east-1" },
};

/**
 * The endpoint service each provider module of `@pulumi/aws` calls when Pulumi creates, reads or
 * deletes its resources (type token `aws:<module>/<resource>:<Name>`). `null`: nothing remote
 * (providers, components). Route 53 private zones are a global API without a regional endpoint
 * here, so `route53` is an egress service like `oam`.
 */
export const RUNNER_API_BY_MODULE: Readonly<Record<string, string>> = {
    acmpca: "acm-pca",
    amp: "aps",
    appautoscaling: "application-autoscaling",
    cloudwatch: "monitoring",
    ec2: "ec2",
    ecr: "ecr.api",
    ecs: "ecs",
    grafana: "grafana",
    iam: "iam",
    kms: "kms",
    lb: "elasticloadbalancing",
    oam: "oam",
    route53: "route53",
    secretsmanager: "secretsmanager",
    sns: "sns",
    ssm: "ssm",
    vpc: "ec2",
};

/** Resource types whose API differs from their module's (CloudWatch Logs lives in `aws:cloudwatch`). */
const RUNNER_API_BY_TYPE: Readonly<Record<string, string>> = {
    "aws:cloudwatch/logGroup:LogGroup": "logs",
};

/** Packages whose resources call no AWS API of their own (local computation, or the Grafana workspace URL). */
const LOCAL_PACKAGES: Readonly<Record<string, string | null>> = {
    tls: null,
    random: null,
    pulumi: null,
    "oss-monitoring": null,
    // The @pulumiverse/grafana provider calls the workspace URL: the grafana-workspace endpoint.
    grafana: "grafana-workspace",
};

/** One API the deploy runner calls, in the region it calls it. */
export interface RunnerApi {
    readonly region: string;
    readonly service: string;
    /** How the runner in the hub VPC reaches it. */
    readonly path: "hubEndpoint" | "globalEndpoint" | "s3Gateway" | "egress";
}

/**
 * Every API a deploy runner in the hub VPC calls for the given resources (type and region of
 * each), plus STS (the provider assumes the deploy role) and S3 (the state backend, through the
 * gateway endpoint). Unknown types are refused, so a new resource type cannot ship without a path.
 */
export function deployRunnerApis(resources: readonly { type: string; region: string }[], hubRegion: string): RunnerApi[] {
    const seen = new Map<string, RunnerApi>();
    const add = (region: string, service: string) => {
        const path: RunnerApi["path"] = NO_PRIVATELINK.includes(service) || service === "route53" ? "egress"
            : GLOBAL_SERVICES[service] !== undefined ? "globalEndpoint"
            : service === "s3" ? "s3Gateway"
            : region === hubRegion ? "hubEndpoint" : "egress";
        const region_ = GLOBAL_SERVICES[service]?.homeRegion ?? region;
        seen.set(`${region_}/${service}`, { region: region_, service, path });
    };
    add(hubRegion, "sts");
    add(hubRegion, "s3");
    for (const r of resources) {
        const pkg = r.type.split(":")[0];
        if (pkg !== "aws") {
            if (!(pkg in LOCAL_PACKAGES)) {
                throw new Error(`resource type ${r.type}: no known path from the deploy runner; add its package to components/network/hubPaths.ts`);
            }
            const service = LOCAL_PACKAGES[pkg];
            if (service !== null) {
                add(r.region, service);
            }
            continue;
        }
        const module = r.type.split(":")[1]?.split("/")[0] ?? "";
        const service = RUNNER_API_BY_TYPE[r.type] ?? RUNNER_API_BY_MODULE[module];
        if (service === undefined) {
            throw new Error(`resource type ${r.type}: the AWS API of module "${module}" has no known path from the deploy runner; add it to RUNNER_API_BY_MODULE`);
        }
        add(r.region, service);
    }
    return [...seen.values()].sort((a, b) => `${a.region}/${a.service}`.localeCompare(`${b.region}/${b.service}`));
}

/**
 * Interface endpoints the hub VPC gets for a deploy runner inside it: the hub-region control planes
 * of every resource type the hub stack creates (derived with deployRunnerApis from the planned hub
 * stack, and checked against it by test/stacks/hubPaths.test.ts). `grafana-workspace` is the
 * GrafanaWorkspace's own endpoint; `sts`, `logs`, `ssm`, `secretsmanager`, `kms`, `ecr.api`,
 * `monitoring`, `sns` also serve the tasks and Grafana (HUB_ENDPOINT_SERVICES).
 */
export const HUB_RUNNER_ENDPOINT_SERVICES: readonly string[] = [
    "acm-pca", "application-autoscaling", "aps", "ec2", "ecs", "elasticloadbalancing", "grafana", "iam",
];

/**
 * Every interface endpoint service of the hub VPC: the tasks' (HUB_ENDPOINT_SERVICES), Grafana's
 * data sources and contact points, and, when the deploy runner lives in the hub VPC, the control
 * planes it calls. `grafanaContent` false (apiAccess none): only the workspace's AMP data source.
 */
export function hubEndpointServices(taskServices: readonly string[], o: { grafanaContent: boolean; runnerInVpc: boolean }): string[] {
    const grafana = grafanaEndpointServices(o.grafanaContent ? HUB_GRAFANA_FEATURES : { dataSources: ["prometheus"], contactPoints: [] });
    const runner = o.runnerInVpc ? HUB_RUNNER_ENDPOINT_SERVICES : [];
    const extra = [...grafana, ...runner].filter((s) => !taskServices.includes(s));
    return [...taskServices, ...[...new Set(extra)].sort()];
}
