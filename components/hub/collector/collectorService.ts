import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { collectorExecutionPolicy, collectorTaskPolicy, ecsExecutionTrust, ecsTaskTrust } from "./collectorIam";
import { COLLECTOR_PORTS } from "../../telemetry/collectorPorts";
import { collectorContainerDefinitions, contentDigest, INIT_IMAGE, PROXY_CONTAINER, PROXY_IMAGE, PROXY_MEMORY_MIB, PULL_THROUGH_PREFIX, pullThroughImage } from "./collectorTask";
import { EncryptionKey } from "../../security/encryptionKey";
import { toJson } from "../../security/iam";
import { renderHaproxyConfig } from "../../identity/haproxyConfig";
import { renderCertSeenLua } from "../../identity/certSeen";
import { identityMapChunks, revokedSerialsFile } from "../../identity/proxyFiles";
import { Tenant } from "../../identity/tenants";
import { COLLECTOR_SERVICE_DEFAULTS, collectorTasksProblem } from "./collectorServiceSettings";
import { Tags, withName } from "../../security/tags";

export interface CollectorServiceArgs {
    readonly account: string;
    readonly region: string;
    readonly vpcId: pulumi.Input<string>;
    readonly subnetIds: pulumi.Input<string>[];
    readonly vpcCidr: pulumi.Input<string>;
    /** Networks besides the VPC the tasks reach on 443 (the peered DR VPC's AMP endpoint). Default: none. */
    readonly extraHttpsEgressCidrs?: readonly string[];
    /** S3 gateway endpoint prefix list: Fargate pulls image layers from S3 through the task's ENI. */
    readonly s3PrefixListId: pulumi.Input<string>;
    /** Security group of the NLB; the only source admitted to the collector ports. */
    readonly loadBalancerSecurityGroupId: pulumi.Input<string>;
    /** Target group ARN per collector port. */
    readonly targetGroupArns: Record<number, pulumi.Input<string>>;
    /** Listeners that must exist before ECS registers targets (ECS rejects target groups without a load balancer). */
    readonly listeners: pulumi.Resource[];
    /**
     * VPC endpoints the tasks need to start (ECR, S3, Secrets Manager, SSM, logs, STS, AMP): without
     * them the first tasks fail with ResourceInitializationError and the circuit breaker stops the service.
     */
    readonly startupDependencies?: pulumi.Resource[];
    /** Rendered collector configuration (YAML). */
    readonly configYaml: pulumi.Input<string>;
    /** AMP workspaces the task role may remote-write to. */
    readonly workspaceArns: pulumi.Input<string>[];
    /** Secrets Manager secret `{"cert","key"}` (PEM): the server certificate the tenant proxy presents. */
    readonly tlsSecretArn: pulumi.Input<string>;
    /** Who may send: the tenant CA, every tenant, and revoked certificate serials. */
    readonly identity: CollectorIdentity;
    /** Upstream collector image (public.ecr.aws images go through the pull-through cache). */
    readonly image: string;
    /** Upstream tenant proxy image. Default PROXY_IMAGE. */
    readonly proxyImage?: string;
    /** Fargate CPU units. Default COLLECTOR_SERVICE_DEFAULTS. */
    readonly cpu?: number;
    /** Fargate memory MiB. Default COLLECTOR_SERVICE_DEFAULTS. */
    readonly memory?: number;
    /** Replica bounds. Default COLLECTOR_SERVICE_DEFAULTS (2 and 14). */
    readonly minTasks?: number;
    readonly maxTasks?: number;
    /** Autoscaling targets (percent). Default COLLECTOR_SERVICE_DEFAULTS (60 and 70). */
    readonly targetCpuPercent?: number;
    readonly targetMemoryPercent?: number;
    /** Log retention (days). Default COLLECTOR_SERVICE_DEFAULTS (365). */
    readonly logRetentionDays?: number;
    /** Cost-allocation tags. Default: none. */
    readonly tags?: pulumi.Input<Tags>;
}

export interface CollectorIdentity {
    /** PEM of the CA that issues tenant certificates: the only CA the proxy trusts for clients. */
    readonly caCertificatePem: pulumi.Input<string>;
    /** Every tenant; a certificate whose CN is none of theirs is refused. */
    readonly tenants: readonly Tenant[];
    /** Serials of revoked tenant certificates (hex, any case, `:` separators allowed). Default: none. */
    readonly revokedSerials?: readonly string[];
}

/**
 * The ADOT collector as an ECS Fargate service spread over the private subnets, config from
 * SSM Parameter Store, scaling on CPU and memory, behind the ingress NLB. Each task's tenant
 * proxy terminates the senders' mutual TLS and sets their identity; the collector listens on
 * loopback only.
 */
export class CollectorService extends pulumi.ComponentResource {
    public readonly clusterName: pulumi.Output<string>;
    public readonly serviceName: pulumi.Output<string>;
    public readonly taskRoleArn: pulumi.Output<string>;
    public readonly executionRoleArn: pulumi.Output<string>;
    public readonly configParameterName: pulumi.Output<string>;
    public readonly securityGroupId: pulumi.Output<string>;

    constructor(name: string, args: CollectorServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("oss-monitoring:hub:CollectorService", name, {}, opts);
        const minTasks = args.minTasks ?? COLLECTOR_SERVICE_DEFAULTS.minTasks;
        const tasksProblem = collectorTasksProblem(minTasks, args.maxTasks ?? COLLECTOR_SERVICE_DEFAULTS.maxTasks);
        if (tasksProblem !== undefined) {
            throw new Error(`${name}: ${tasksProblem.key}: ${tasksProblem.message}`);
        }
        const key = new EncryptionKey(`${name}-cmk`, {
            account: args.account, region: args.region, services: ["logs"], description: `ADOT collector ${name} logs`, tags: args.tags,
        }, { parent: this });
        const logGroup = new aws.cloudwatch.LogGroup(`${name}-logs`, {
            name: `/oss-monitoring/${name}`,
            kmsKeyId: key.keyArn,
            retentionInDays: args.logRetentionDays ?? COLLECTOR_SERVICE_DEFAULTS.logRetentionDays,
            tags: withName(args.tags, `${name}-logs`),
        }, { parent: this });
        const configParam = new aws.ssm.Parameter(`${name}-config`, {
            name: `/oss-monitoring/${name}/collector-config`,
            description: "ADOT collector configuration (AOT_CONFIG_CONTENT); rendered by Pulumi, edits are overwritten",
            type: "String",
            tier: "Intelligent-Tiering",
            // insecureValue: the config holds no secrets, so previews show its diff.
            insecureValue: args.configYaml,
            tags: withName(args.tags, `${name}-config`),
        }, { parent: this });
        const proxy = this.proxyParameters(name, args);
        const cacheRule = new aws.ecr.PullThroughCacheRule(`${name}-ecr-public-cache`, {
            ecrRepositoryPrefix: PULL_THROUGH_PREFIX,
            upstreamRegistryUrl: "public.ecr.aws",
        }, { parent: this });
        const roles = this.roles(name, args, logGroup, configParam, proxy.all);
        const taskDefinition = this.taskDefinition(name, args, { roles, configParam, proxy, logGroup });
        const sg = this.securityGroup(name, args);

        const cluster = new aws.ecs.Cluster(`${name}-cluster`, {
            settings: [{ name: "containerInsights", value: "enhanced" }],
            tags: withName(args.tags, `${name}-cluster`),
        }, { parent: this });
        const service = new aws.ecs.Service(`${name}-service`, {
            cluster: cluster.arn,
            taskDefinition: taskDefinition.arn,
            desiredCount: minTasks,
            launchType: "FARGATE",
            platformVersion: "LATEST",
            propagateTags: "SERVICE",
            enableEcsManagedTags: true,
            availabilityZoneRebalancing: "ENABLED",
            deploymentMinimumHealthyPercent: 100,
            deploymentMaximumPercent: 200,
            deploymentCircuitBreaker: { enable: true, rollback: true },
            healthCheckGracePeriodSeconds: 60,
            networkConfiguration: { subnets: args.subnetIds, securityGroups: [sg.id], assignPublicIp: false },
            loadBalancers: Object.entries(args.targetGroupArns).map(([port, arn]) => ({
                // The proxy owns the public ports; the collector has none (loopback only).
                targetGroupArn: arn, containerName: PROXY_CONTAINER, containerPort: Number(port),
            })),
            // `pulumi up` reports success only once the new tasks are healthy behind the NLB (a
            // circuit-breaker rollback then fails the update instead of passing silently).
            waitForSteadyState: true,
            tags: withName(args.tags, `${name}-service`),
        }, {
            parent: this,
            // Tasks must not start before what they need at start-up exists: the listeners (ECS rejects
            // target groups without a load balancer), the role policies (AccessDenied on image pull,
            // secrets, remote write), the pull-through cache rule, and the VPC endpoints.
            dependsOn: [...args.listeners, roles.taskPolicy, roles.executionPolicy, cacheRule, ...(args.startupDependencies ?? [])],
            ignoreChanges: ["desiredCount"],
        });
        this.scaling(name, args, minTasks, cluster, service);

        this.clusterName = cluster.name;
        this.serviceName = service.name;
        this.taskRoleArn = roles.taskRole.arn;
        this.executionRoleArn = roles.executionRole.arn;
        this.configParameterName = configParam.name;
        this.securityGroupId = sg.id;
        this.registerOutputs({ clusterName: this.clusterName, serviceName: this.serviceName, taskRoleArn: this.taskRoleArn });
    }

    /**
     * What the tenant proxy reads, through the init container: SSM parameters, each at most
     * 8 KB (advanced tier, chosen by Intelligent-Tiering above 4 KB:
     * https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html).
     */
    private proxyParameters(name: string, args: CollectorServiceArgs): ProxyParameters {
        const proxyConfig = renderHaproxyConfig();
        const chunks = identityMapChunks(args.identity.tenants);
        const revoked = revokedSerialsFile(args.identity.revokedSerials ?? []);
        const param = (suffix: string, path: string, description: string, value: pulumi.Input<string>) => new aws.ssm.Parameter(`${name}-${suffix}`, {
            name: `/oss-monitoring/${name}/${path}`,
            description,
            type: "String",
            tier: "Intelligent-Tiering",
            // insecureValue: none of these is secret (config, a CA certificate, tenant names), so previews show diffs.
            insecureValue: value,
            tags: withName(args.tags, `${name}-${suffix}`),
        }, { parent: this });
        const proxyParam = param("proxy-config", "tenant-proxy/haproxy-cfg", "Tenant proxy (HAProxy) configuration; rendered by Pulumi, edits are overwritten", proxyConfig);
        const caParam = param("tenant-ca", "tenant-proxy/tenant-ca", "CA that issues tenant client certificates: the only one the tenant proxy trusts", args.identity.caCertificatePem);
        const accountMapParams = chunks.account.map((v, i) => param(`account-map-${i}`, `tenant-proxy/account-map/${i}`, `Tenant certificate CN to account, part ${i + 1} of ${chunks.account.length}`, v));
        const siteMapParams = chunks.site.map((v, i) => param(`site-map-${i}`, `tenant-proxy/site-map/${i}`, `Tenant certificate CN to site, part ${i + 1} of ${chunks.site.length}`, v));
        const revokedParam = param("revoked-serials", "tenant-proxy/revoked-serials", "Serials of revoked tenant certificates (upper-case hex)", revoked);
        const certSeenLua = renderCertSeenLua();
        const certSeenParam = param("cert-seen-lua", "tenant-proxy/cert-seen-lua", "Tenant proxy Lua: records the client certificates tenants present; rendered by Pulumi", certSeenLua);
        return {
            proxyConfig, chunks, revoked, certSeenLua, proxyParam, caParam, accountMapParams, siteMapParams, revokedParam, certSeenParam,
            all: [proxyParam, caParam, ...accountMapParams, ...siteMapParams, revokedParam, certSeenParam],
        };
    }

    /** The task role (remote write) and the execution role (image pull, logs, exactly the parameters and secret the containers read). */
    private roles(name: string, args: CollectorServiceArgs, logGroup: aws.cloudwatch.LogGroup, configParam: aws.ssm.Parameter, identityParams: aws.ssm.Parameter[]): CollectorRoles {
        const taskRole = new aws.iam.Role(`${name}-task`, {
            description: "ADOT collector: remote-write to the hub AMP workspaces only",
            assumeRolePolicy: toJson(ecsTaskTrust(args.account, args.region)),
            maxSessionDuration: 3600,
            tags: withName(args.tags, `${name}-task`),
        }, { parent: this });
        const taskPolicy = new aws.iam.RolePolicy(`${name}-task-remote-write`, {
            role: taskRole.name,
            policy: pulumi.output(args.workspaceArns).apply((arns) => toJson(collectorTaskPolicy(arns))),
        }, { parent: this });
        const executionRole = new aws.iam.Role(`${name}-execution`, {
            description: "ECS agent for the ADOT collector and its tenant proxy: image pull, logs, configs, tenant maps and the TLS secret",
            assumeRolePolicy: toJson(ecsExecutionTrust(args.account)),
            tags: withName(args.tags, `${name}-execution`),
        }, { parent: this });
        const executionPolicy = new aws.iam.RolePolicy(`${name}-execution-policy`, {
            role: executionRole.name,
            policy: pulumi
                .all([logGroup.arn, configParam.arn, pulumi.all(identityParams.map((p) => p.arn)), args.tlsSecretArn])
                .apply(([logGroupArn, configArn, identityArns, tlsArn]) => toJson(collectorExecutionPolicy({
                    account: args.account,
                    region: args.region,
                    repositoryPrefix: PULL_THROUGH_PREFIX,
                    logGroupArn,
                    // Exactly the parameters the containers read: the collector config and the proxy's files.
                    parameterArns: [configArn, ...identityArns],
                    secretArns: [tlsArn],
                }))),
        }, { parent: this });
        return { taskRole, taskPolicy, executionRole, executionPolicy };
    }

    /** The Fargate task: init container, tenant proxy and collector (collectorTask.ts). */
    private taskDefinition(name: string, args: CollectorServiceArgs, d: { roles: CollectorRoles; configParam: aws.ssm.Parameter; proxy: ProxyParameters; logGroup: aws.cloudwatch.LogGroup }): aws.ecs.TaskDefinition {
        const { proxyConfig, chunks, revoked, certSeenLua, proxyParam, caParam, accountMapParams, siteMapParams, revokedParam, certSeenParam } = d.proxy;
        const memory = args.memory ?? COLLECTOR_SERVICE_DEFAULTS.memory;
        return new aws.ecs.TaskDefinition(`${name}-task`, {
            family: name,
            requiresCompatibilities: ["FARGATE"],
            networkMode: "awsvpc",
            cpu: String(args.cpu ?? COLLECTOR_SERVICE_DEFAULTS.cpu),
            memory: String(memory),
            runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "ARM64" },
            taskRoleArn: d.roles.taskRole.arn,
            executionRoleArn: d.roles.executionRole.arn,
            volumes: [{ name: "tls" }],
            containerDefinitions: pulumi
                .all([
                    d.configParam.arn, pulumi.all([proxyParam.arn, caParam.arn, revokedParam.arn, certSeenParam.arn]),
                    pulumi.all([pulumi.all(accountMapParams.map((p) => p.arn)), pulumi.all(siteMapParams.map((p) => p.arn))]),
                    args.tlsSecretArn, d.logGroup.name, args.configYaml, args.identity.caCertificatePem,
                ])
                .apply(([configArn, [proxyArn, caArn, revokedArn, certSeenArn], [accountArns, siteArns], tlsArn, logGroupName, configYaml, caPem]) => JSON.stringify(collectorContainerDefinitions({
                    collectorImage: pullThroughImage(args.image, args.account, args.region),
                    initImage: pullThroughImage(INIT_IMAGE, args.account, args.region),
                    proxyImage: pullThroughImage(args.proxyImage ?? PROXY_IMAGE, args.account, args.region),
                    configParameterArn: configArn,
                    tlsSecretArn: tlsArn,
                    identity: { proxyConfig: proxyArn, tenantCa: caArn, accountMap: accountArns, siteMap: siteArns, revokedSerials: revokedArn, certSeenLua: certSeenArn },
                    logGroupName,
                    region: args.region,
                    memoryMiB: Math.floor(memory * 0.9) - PROXY_MEMORY_MIB,
                    // Everything the containers read by ARN at start, so any change rolls the tasks.
                    contentDigest: contentDigest([configYaml, proxyConfig, caPem, ...chunks.account, ...chunks.site, revoked, certSeenLua]),
                }))),
            tags: withName(args.tags, `${name}-task`),
        }, { parent: this });
    }

    /** The tasks' security group: collector ports and health from the NLB only; HTTPS out to endpoints and S3. */
    private securityGroup(name: string, args: CollectorServiceArgs): aws.ec2.SecurityGroup {
        const sg = new aws.ec2.SecurityGroup(`${name}-tasks-sg`, {
            vpcId: args.vpcId,
            description: "ADOT collector tasks: OTLP and health from the NLB only; HTTPS out to VPC endpoints",
            tags: withName(args.tags, `${name}-tasks`),
        }, { parent: this });
        const ports = [...Object.keys(args.targetGroupArns).map(Number), COLLECTOR_PORTS.health];
        for (const port of [...new Set(ports)]) {
            new aws.vpc.SecurityGroupIngressRule(`${name}-in-${port}`, {
                securityGroupId: sg.id, ipProtocol: "tcp", fromPort: port, toPort: port,
                referencedSecurityGroupId: args.loadBalancerSecurityGroupId, description: `from the NLB on ${port}`, tags: args.tags,
            }, { parent: this });
        }
        new aws.vpc.SecurityGroupEgressRule(`${name}-out-https`, {
            securityGroupId: sg.id, ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: args.vpcCidr,
            description: "HTTPS to interface endpoints (AMP, ECR, logs, SSM, STS, Secrets Manager)", tags: args.tags,
        }, { parent: this });
        (args.extraHttpsEgressCidrs ?? []).forEach((cidr, i) => {
            new aws.vpc.SecurityGroupEgressRule(`${name}-out-https-${i}`, {
                securityGroupId: sg.id, ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: cidr,
                description: "HTTPS to the AMP endpoint in the peered DR VPC", tags: args.tags,
            }, { parent: this });
        });
        new aws.vpc.SecurityGroupEgressRule(`${name}-out-s3`, {
            securityGroupId: sg.id, ipProtocol: "tcp", fromPort: 443, toPort: 443, prefixListId: args.s3PrefixListId,
            description: "HTTPS to S3 through the gateway endpoint (ECR image layers)", tags: args.tags,
        }, { parent: this });
        return sg;
    }

    /** Target tracking on CPU and memory between minTasks and maxTasks. */
    private scaling(name: string, args: CollectorServiceArgs, minTasks: number, cluster: aws.ecs.Cluster, service: aws.ecs.Service): void {
        const target = new aws.appautoscaling.Target(`${name}-scaling`, {
            serviceNamespace: "ecs",
            scalableDimension: "ecs:service:DesiredCount",
            resourceId: pulumi.interpolate`service/${cluster.name}/${service.name}`,
            minCapacity: minTasks,
            maxCapacity: args.maxTasks ?? COLLECTOR_SERVICE_DEFAULTS.maxTasks,
            tags: args.tags,
        }, { parent: this });
        const scaleOn = (metric: "ECSServiceAverageCPUUtilization" | "ECSServiceAverageMemoryUtilization", value: number, suffix: string) =>
            new aws.appautoscaling.Policy(`${name}-scale-${suffix}`, {
                policyType: "TargetTrackingScaling",
                serviceNamespace: target.serviceNamespace,
                scalableDimension: target.scalableDimension,
                resourceId: target.resourceId,
                targetTrackingScalingPolicyConfiguration: {
                    predefinedMetricSpecification: { predefinedMetricType: metric },
                    targetValue: value,
                    // Scale in slowly: each scale-in moves senders between replicas.
                    scaleInCooldown: 600,
                    scaleOutCooldown: 60,
                },
            }, { parent: this });
        scaleOn("ECSServiceAverageCPUUtilization", args.targetCpuPercent ?? COLLECTOR_SERVICE_DEFAULTS.targetCpuPercent, "cpu");
        scaleOn("ECSServiceAverageMemoryUtilization", args.targetMemoryPercent ?? COLLECTOR_SERVICE_DEFAULTS.targetMemoryPercent, "memory");
    }
}

/** The tenant proxy's SSM parameters and the content they hold (for the task's digest). */
interface ProxyParameters {
    readonly proxyConfig: string;
    readonly chunks: { readonly account: string[]; readonly site: string[] };
    readonly revoked: string;
    readonly certSeenLua: string;
    readonly proxyParam: aws.ssm.Parameter;
    readonly caParam: aws.ssm.Parameter;
    readonly accountMapParams: aws.ssm.Parameter[];
    readonly siteMapParams: aws.ssm.Parameter[];
    readonly revokedParam: aws.ssm.Parameter;
    readonly certSeenParam: aws.ssm.Parameter;
    readonly all: aws.ssm.Parameter[];
}

interface CollectorRoles {
    readonly taskRole: aws.iam.Role;
    readonly taskPolicy: aws.iam.RolePolicy;
    readonly executionRole: aws.iam.Role;
    readonly executionPolicy: aws.iam.RolePolicy;
}
