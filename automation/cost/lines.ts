import { hubSizing } from "../../components/hub/collector/hubSizing";
import type { PlanResource, PlanStack } from "../plan/plan";
import { AMP_STORAGE_GB, FleetLoad, StackLoad } from "./load";
import { costOf, PriceKey, PriceTable } from "./prices";

/**
 * One builder per service: each reads the resources the plan holds and the load, and returns priced
 * lines. A line names its price key so the text and JSON output can cite the source of every figure.
 */

export const SERVICES = [
    "Interface endpoints", "NLB + PrivateLink", "ECS Fargate", "AMP", "Managed Grafana", "CloudWatch metrics",
    "CloudWatch Logs", "CloudWatch queries", "Private CA", "Secrets Manager", "KMS", "VPN + Transit Gateway",
    "Route 53", "Systems Manager", "Data transfer",
] as const;
export type Service = (typeof SERVICES)[number];

export interface CostLine {
    readonly service: Service;
    readonly item: string;
    readonly quantity: number;
    readonly unit: string;
    readonly usd: number;
    readonly price: PriceKey;
    readonly region: string;
    /** For an AWS service's interface endpoint (not the hub's PrivateLink service): the service suffix (logs, ssm, ...). */
    readonly awsEndpoint?: string;
}

export interface LineContext {
    readonly stack: PlanStack;
    readonly load: StackLoad;
    readonly fleet: FleetLoad;
    readonly prices: (region: string) => PriceTable;
}

export const ofType = (s: PlanStack, type: string): PlanResource[] => s.resources.filter((r) => r.type === type);
export const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** A priced line; a tiered price is re-applied to the fleet's total afterwards (estimate.ts blendTiers). */
export function line(ctx: LineContext, region: string, service: Service, item: string, price: PriceKey, quantity: number, unit: string): CostLine {
    return { service, item, quantity, unit, usd: costOf(ctx.prices(region).prices[price], quantity), price, region };
}

/** The Region of an endpoint's service: com.amazonaws.<region>.<svc> or com.amazonaws.vpce.<region>.vpce-svc-... */
export function endpointRegion(serviceName: string, fallback: string): string {
    const m = /^com\.amazonaws\.(?:vpce\.)?([a-z]{2}(?:-[a-z]+)+-\d)\./.exec(serviceName);
    return m?.[1] ?? fallback;
}

/** GB a month through an interface endpoint: the hub's service carries the stack's metrics, logs its logs, AMP the fleet's metrics. */
function endpointGb(ctx: LineContext, serviceName: string): number {
    if (serviceName.includes(".vpce-svc-")) {
        return ctx.load.wireGb;
    }
    if (serviceName.endsWith(".aps-workspaces")) {
        return ctx.fleet.total.wireGb;
    }
    return serviceName.endsWith(".logs") ? ctx.load.logGb : 0;
}

export function endpointLines(ctx: LineContext): CostLine[] {
    const out: CostLine[] = [];
    for (const r of ofType(ctx.stack, "aws:ec2/vpcEndpoint:VpcEndpoint")) {
        if (r.inputs.vpcEndpointType !== "Interface") {
            continue; // gateway endpoints (S3, DynamoDB) have no charge
        }
        const service = str(r.inputs.serviceName) ?? "";
        // A cross-region endpoint (serviceRegion) lives, and is billed, in the stack's region, whatever its service name says.
        const serviceRegion = str(r.inputs.serviceRegion);
        const region = serviceRegion !== undefined ? ctx.stack.region : endpointRegion(service, ctx.stack.region);
        const azs = arr(r.inputs.subnetIds).length;
        const hours = ctx.prices(region).hoursPerMonth;
        const hub = service.includes(".vpce-svc-");
        const name = hub ? "hub PrivateLink service" : service.split(".").slice(3).join(".");
        const tag = hub ? {} : { awsEndpoint: name };
        out.push({ ...line(ctx, region, "Interface endpoints", `${name} endpoint, ${azs} AZ`, "interfaceEndpointAzHour", azs * hours, "endpoint-AZ-hours"), ...tag });
        const gb = endpointGb(ctx, service);
        if (gb > 0) {
            out.push({ ...line(ctx, region, "Interface endpoints", `${name} endpoint data`, "interfaceEndpointGb", gb, "GB"), ...tag });
        }
        if (serviceRegion !== undefined && serviceRegion !== region && gb > 0) {
            // Cross-region PrivateLink: "you will incur data transfer charges if you send data to a VPC endpoint"
            // (https://aws.amazon.com/privatelink/pricing/); the bytes leave this region for the service's at the inter-region rate.
            out.push({ ...line(ctx, region, "Data transfer", `${name} endpoint to ${serviceRegion} (cross-region)`, "interRegionGb", gb, "GB"), ...tag });
        }
    }
    return out;
}

export function nlbLines(ctx: LineContext): CostLine[] {
    const out: CostLine[] = [];
    const region = ctx.stack.region;
    const hours = ctx.prices(region).hoursPerMonth;
    for (const r of ofType(ctx.stack, "aws:lb/loadBalancer:LoadBalancer")) {
        const gb = ctx.fleet.total.wireGb;
        out.push(line(ctx, region, "NLB + PrivateLink", "hub NLB", "nlbHour", hours, "hours"));
        // NLCUs, processed-bytes dimension: 1 GB in an hour is one NLCU-hour, so a month's GB are its NLCU-hours
        // (with traffic spread evenly); the connection dimensions are left out.
        out.push(line(ctx, region, "NLB + PrivateLink", "hub NLB capacity (bytes dimension)", "nlcuHour", gb, "NLCU-hours"));
        const azs = arr(r.inputs.subnets).length;
        if (r.inputs.enableCrossZoneLoadBalancing === true && azs > 1) {
            // Upper bound: a node forwards (n-1)/n of its bytes to targets in other AZs, billed out and in.
            out.push(line(ctx, region, "Data transfer", `NLB cross-zone to targets (${azs} AZ, upper bound)`, "crossAzGb", gb * ((azs - 1) / azs) * 2, "GB (both directions)"));
        }
    }
    return out;
}

/** Fargate tasks the hub sizing rule gives for the fleet's load, within the service's autoscaling bounds. */
export function fargateTasks(ctx: LineContext, cpuUnits: number): { tasks: number; needed: number; max?: number } {
    const target = ofType(ctx.stack, "aws:appautoscaling/target:Target")[0]?.inputs;
    const policy = ofType(ctx.stack, "aws:appautoscaling/policy:Policy").map((p) => p.inputs.targetTrackingScalingPolicyConfiguration as Record<string, unknown> | undefined)
        .find((c) => (c?.predefinedMetricSpecification as Record<string, unknown> | undefined)?.predefinedMetricType === "ECSServiceAverageCPUUtilization");
    const min = typeof target?.minCapacity === "number" ? target.minCapacity : 2;
    const max = typeof target?.maxCapacity === "number" ? target.maxCapacity : undefined;
    const needed = ctx.fleet.total.activeSeries === 0 ? min : hubSizing({
        activeSeries: ctx.fleet.total.activeSeries,
        scrapeIntervalSeconds: ctx.fleet.model.scrapeIntervalSeconds,
        taskVcpu: cpuUnits / 1024,
        targetCpuPercent: typeof policy?.targetValue === "number" ? policy.targetValue : 60,
        minTasks: min,
    }).tasks;
    return { tasks: max !== undefined ? Math.min(needed, max) : needed, needed, max };
}

export function fargateLines(ctx: LineContext): CostLine[] {
    const task = ofType(ctx.stack, "aws:ecs/taskDefinition:TaskDefinition")[0]?.inputs;
    const service = ofType(ctx.stack, "aws:ecs/service:Service")[0]?.inputs;
    if (task === undefined || service === undefined || service.launchType !== "FARGATE") {
        return [];
    }
    const cpu = Number(task.cpu);
    const gib = Number(task.memory) / 1024;
    const arm = (task.runtimePlatform as Record<string, unknown> | undefined)?.cpuArchitecture === "ARM64";
    const { tasks, needed, max } = fargateTasks(ctx, cpu);
    const region = ctx.stack.region;
    const hours = ctx.prices(region).hoursPerMonth * tasks;
    const why = needed > tasks ? `, capped at maxTasks ${max} (the sizing rule asks ${needed})` : "";
    return [
        line(ctx, region, "ECS Fargate", `${tasks} hub tasks × ${cpu / 1024} vCPU${why}`, arm ? "fargateVcpuHourArm64" : "fargateVcpuHourX86", (cpu / 1024) * hours, "vCPU-hours"),
        line(ctx, region, "ECS Fargate", `${tasks} hub tasks × ${gib} GB`, arm ? "fargateGbHourArm64" : "fargateGbHourX86", gib * hours, "GB-hours"),
    ];
}

/** The Region of a workspace, from the ARNs in its inputs (the DR workspace lives in another Region). */
function arnRegion(inputs: Record<string, unknown>, fallback: string): string {
    const arn = str(inputs.kmsKeyArn) ?? str((inputs.loggingConfiguration as Record<string, unknown> | undefined)?.logGroupArn) ?? "";
    return /^arn:aws[\w-]*:[\w-]+:([a-z]{2}(?:-[a-z]+)+-\d):/.exec(arn)?.[1] ?? fallback;
}

/**
 * Every workspace ingests the fleet's samples: the hub collector's `metrics` and `metrics/dr` pipelines both
 * take the otlp receiver's data (components/hub collector config), so the DR workspace is paid in full too.
 */
export function ampLines(ctx: LineContext): CostLine[] {
    const out: CostLine[] = [];
    const samples = ctx.fleet.total.samplesPerMonth;
    for (const ws of ofType(ctx.stack, "aws:amp/workspace:Workspace")) {
        const region = arnRegion(ws.inputs, ctx.stack.region);
        const alias = str(ws.inputs.alias) ?? ws.name;
        // Tiers count all the organization's samples in a Region (estimate.ts blendTiers).
        out.push(line(ctx, region, "AMP", `${alias}: samples ingested`, "ampIngestSamples", samples, "samples"));
        const config = ofType(ctx.stack, "aws:amp/workspaceConfiguration:WorkspaceConfiguration").find((c) => c.parent !== null && c.parent === ws.parent);
        // 150 days: AMP's default retention when no configuration sets one.
        const days = typeof config?.inputs.retentionPeriodInDays === "number" ? config.inputs.retentionPeriodInDays : 150;
        const storedGb = (samples * days * 24 / ctx.prices(region).hoursPerMonth) * ctx.fleet.model.storedBytesPerSample / AMP_STORAGE_GB;
        out.push(line(ctx, region, "AMP", `${alias}: ${days} days stored (steady state)`, "ampStorageGbMonth", storedGb, "GB-months"));
        if (region === ctx.stack.region) {
            out.push(line(ctx, region, "AMP", `${alias}: query samples (dashboards and rules)`, "ampQuerySamples", ctx.fleet.model.querySamplesBillionsPerMonth * 1e9, "samples"));
        }
    }
    return out;
}

export function grafanaLines(ctx: LineContext): CostLine[] {
    const m = ctx.fleet.model;
    return ofType(ctx.stack, "aws:grafana/workspace:Workspace").flatMap((w) => [
        line(ctx, ctx.stack.region, "Managed Grafana", `${str(w.inputs.name) ?? w.name}: editors and admins`, "grafanaEditorMonth", m.grafanaEditors, "active users"),
        line(ctx, ctx.stack.region, "Managed Grafana", `${str(w.inputs.name) ?? w.name}: viewers`, "grafanaViewerMonth", m.grafanaViewers, "active users"),
    ]);
}
