import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { COLLECTOR_PORTS } from "../telemetry/collectorPorts";
import { accountRoot } from "../security/iam";
import { Tags, withName } from "../security/tags";

/** The only TLS policy the hub's listeners accept: TLS 1.3 with 1.2 fallback, no CBC. */
export const TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";

/** Tag a TCP listener carries to declare that its targets terminate TLS (pass-through). */
export const TLS_TERMINATION_TAG = { key: "TlsTermination", value: "target" } as const;

export interface IngressListenerSpec {
    readonly port: number;
    /** `TLS`: the NLB terminates and re-encrypts; `TCP`: pass-through to a TLS receiver (mutual TLS). */
    readonly protocol: "TLS" | "TCP";
}

/**
 * The hub's listeners: both OTLP ports pass TLS through to the task's tenant proxy, which needs the
 * client certificate itself. An NLB TLS listener would end the handshake at the load balancer, and
 * even NLB mutual TLS passes nothing about the client to the targets (README "Tenant identity").
 */
export function ingressListeners(): IngressListenerSpec[] {
    return [
        { port: COLLECTOR_PORTS.otlpGrpc, protocol: "TCP" },
        { port: COLLECTOR_PORTS.otlpHttp, protocol: "TCP" },
    ];
}

/** The smallest port range covering every listener (the OTLP ports are contiguous by design). */
export function listenerPortRange(listeners: readonly IngressListenerSpec[]): { from: number; to: number } {
    if (listeners.length === 0) {
        throw new Error("the collector ingress needs at least one listener");
    }
    const ports = listeners.map((l) => l.port);
    return { from: Math.min(...ports), to: Math.max(...ports) };
}

export interface TargetGroupStickiness {
    readonly enabled?: boolean;
    readonly type?: string;
}

/**
 * Why a target group's stickiness setting cannot work, or undefined when it can.
 *
 * - "Sticky sessions are not supported with TLS listeners and TLS target groups"
 *   (https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-target-groups.html#sticky-sessions):
 *   AWS rejects or ignores the attribute, so a TLS target group must not ask for it.
 * - Behind PrivateLink "the source IP address of AWS PrivateLink traffic is always the private IP
 *   address of the Network Load Balancer"
 *   (https://docs.aws.amazon.com/elasticloadbalancing/latest/network/edit-target-group-attributes.html#client-ip-preservation):
 *   source-IP affinity would pin every sender behind one NLB node to one task per port, so the
 *   autoscaled tasks idle. The hub's target groups sit behind an endpoint service, so no stickiness at all.
 */
export function targetGroupStickinessProblem(protocol: string, stickiness: TargetGroupStickiness | undefined, behindPrivateLink: boolean): string | undefined {
    if (stickiness?.enabled !== true) {
        return undefined;
    }
    if (protocol === "TLS") {
        return "stickiness: NLB sticky sessions are not supported with TLS target groups; remove the stickiness block";
    }
    if (behindPrivateLink) {
        return "stickiness: behind PrivateLink every connection comes from an NLB node IP, so source-IP stickiness pins all senders of a node to one target; remove it";
    }
    return undefined;
}

/**
 * The target-group settings of one listener. No stickiness: a long-lived gRPC/HTTP connection stays
 * on the task it was opened to anyway, and new connections spread over all healthy tasks.
 */
export function targetGroupSettings(l: IngressListenerSpec): { port: number; protocol: "TLS" | "TCP"; deregistrationDelay: number } {
    return { port: l.port, protocol: l.protocol, deregistrationDelay: 60 };
}

/** Endpoint-service principals: whole accounts of the fleet, sorted and de-duplicated. */
export function endpointServicePrincipals(accounts: readonly string[]): string[] {
    return [...new Set(accounts)].sort().map((a) => accountRoot(a));
}

export interface CollectorIngressArgs {
    readonly vpcId: pulumi.Input<string>;
    readonly subnetIds: pulumi.Input<string>[];
    readonly vpcCidr: pulumi.Input<string>;
    /** ACM certificate a TLS listener presents; required only when a listener is TLS. Default: none. */
    readonly certificateArn?: pulumi.Input<string>;
    readonly listeners: readonly IngressListenerSpec[];
    /** Networks allowed to reach the listeners directly (on-prem sites, peered VPCs). Default: none. */
    readonly allowedCidrs?: readonly string[];
    /** Prefix lists allowed to reach the listeners. Default: none. */
    readonly allowedPrefixListIds?: readonly string[];
    /** Accounts whose principals may create endpoints to the service. */
    readonly allowedAccounts: readonly string[];
    /** Require manual acceptance of endpoint connections (besides the allow-list). Default false. */
    readonly acceptanceRequired?: boolean;
    /**
     * Other regions whose spokes may create interface endpoints to the service (cross-region
     * PrivateLink, `SupportedRegion.N` of CreateVpcEndpointServiceConfiguration). Default none: the hub's region only.
     */
    readonly supportedRegions?: readonly string[];
    /** Private hosted zone name agents resolve the collector by. */
    readonly collectorDomain: string;
    /** Cost-allocation tags. Default: none. */
    readonly tags?: pulumi.Input<Tags>;
}

/**
 * Internal NLB in front of the collectors, published as a PrivateLink endpoint service. Target
 * groups have no stickiness (see targetGroupStickinessProblem for why it cannot work here).
 */
export class CollectorIngress extends pulumi.ComponentResource {
    public readonly loadBalancerArn: pulumi.Output<string>;
    public readonly dnsName: pulumi.Output<string>;
    public readonly securityGroupId: pulumi.Output<string>;
    public readonly targetGroupArns: Record<number, pulumi.Output<string>>;
    public readonly listeners: aws.lb.Listener[];
    public readonly endpointServiceName: pulumi.Output<string>;
    public readonly endpointServiceId: pulumi.Output<string>;
    public readonly collectorDomain: string;

    constructor(name: string, args: CollectorIngressArgs, opts?: pulumi.ComponentResourceOptions) {
        super("oss-monitoring:hub:CollectorIngress", name, {}, opts);
        if (args.certificateArn === undefined && args.listeners.some((l) => l.protocol === "TLS")) {
            throw new Error(`${name}: a TLS listener needs certificateArn`);
        }
        const sg = this.securityGroup(name, args);
        const lb = new aws.lb.LoadBalancer(`${name}-nlb`, {
            loadBalancerType: "network",
            internal: true,
            subnets: args.subnetIds,
            securityGroups: [sg.id],
            enableCrossZoneLoadBalancing: true,
            enableDeletionProtection: true,
            // PrivateLink consumers are authorised by the endpoint service allow-list instead.
            enforceSecurityGroupInboundRulesOnPrivateLinkTraffic: "off",
            tags: withName(args.tags, `${name}-nlb`),
        }, { parent: this });
        const forwarding = this.listenersOf(name, args, lb);
        this.targetGroupArns = forwarding.targetGroupArns;
        this.listeners = forwarding.listeners;
        const service = new aws.ec2.VpcEndpointService(`${name}-endpoint-service`, {
            acceptanceRequired: args.acceptanceRequired ?? false,
            networkLoadBalancerArns: [lb.arn],
            allowedPrincipals: endpointServicePrincipals(args.allowedAccounts),
            supportedIpAddressTypes: ["ipv4"],
            // Only set when the fleet spans regions, so a single-region hub's inputs stay as they were.
            ...((args.supportedRegions ?? []).length > 0 ? { supportedRegions: [...new Set(args.supportedRegions)].sort() } : {}),
            tags: withName(args.tags, `${name}-endpoint-service`),
        }, { parent: this });
        const zone = new aws.route53.Zone(`${name}-zone`, {
            name: args.collectorDomain,
            comment: "Private name of the hub collector",
            vpcs: [{ vpcId: args.vpcId }],
            tags: withName(args.tags, args.collectorDomain),
        }, { parent: this });
        new aws.route53.Record(`${name}-alias`, {
            zoneId: zone.zoneId,
            name: args.collectorDomain,
            type: "A",
            aliases: [{ name: lb.dnsName, zoneId: lb.zoneId, evaluateTargetHealth: true }],
        }, { parent: this });
        this.loadBalancerArn = lb.arn;
        this.dnsName = lb.dnsName;
        this.securityGroupId = sg.id;
        this.endpointServiceName = service.serviceName;
        this.endpointServiceId = service.id;
        this.collectorDomain = args.collectorDomain;
        this.registerOutputs({ loadBalancerArn: this.loadBalancerArn, dnsName: this.dnsName, endpointServiceName: this.endpointServiceName });
    }

    /** The NLB's security group: OTLP from the hub VPC and the allowed networks, out to the tasks' ports only. */
    private securityGroup(name: string, args: CollectorIngressArgs): aws.ec2.SecurityGroup {
        const sg = new aws.ec2.SecurityGroup(`${name}-nlb-sg`, {
            vpcId: args.vpcId,
            description: "Collector NLB: OTLP from the hub VPC and allowed networks only",
            tags: withName(args.tags, `${name}-nlb`),
        }, { parent: this });
        const sources: Array<{ key: string; cidrIpv4?: pulumi.Input<string>; prefixListId?: string }> = [
            { key: "vpc", cidrIpv4: args.vpcCidr },
            ...(args.allowedCidrs ?? []).map((c, i) => ({ key: `net${i}`, cidrIpv4: c })),
            ...(args.allowedPrefixListIds ?? []).map((p, i) => ({ key: `pl${i}`, prefixListId: p })),
        ];
        // One rule per source over the contiguous OTLP port range keeps the rule count (and the
        // security group's rule quota) growing with sources only, not sources × listeners.
        const range = listenerPortRange(args.listeners);
        for (const s of sources) {
            new aws.vpc.SecurityGroupIngressRule(`${name}-in-${s.key}`, {
                securityGroupId: sg.id, ipProtocol: "tcp", fromPort: range.from, toPort: range.to,
                cidrIpv4: s.cidrIpv4, prefixListId: s.prefixListId, description: `OTLP ${range.from}-${range.to}`, tags: args.tags,
            }, { parent: this });
        }
        const ports = [...args.listeners.map((l) => l.port), COLLECTOR_PORTS.health];
        for (const port of ports) {
            new aws.vpc.SecurityGroupEgressRule(`${name}-out-${port}`, {
                securityGroupId: sg.id, ipProtocol: "tcp", fromPort: port, toPort: port, cidrIpv4: args.vpcCidr,
                description: `to collector tasks on ${port}`, tags: args.tags,
            }, { parent: this });
        }
        return sg;
    }

    /** A target group (health checked on the proxy's health port) and a listener per collector port. */
    private listenersOf(name: string, args: CollectorIngressArgs, lb: aws.lb.LoadBalancer): { targetGroupArns: Record<number, pulumi.Output<string>>; listeners: aws.lb.Listener[] } {
        const targetGroupArns: Record<number, pulumi.Output<string>> = {};
        const listeners: aws.lb.Listener[] = [];
        for (const l of args.listeners) {
            const tg = new aws.lb.TargetGroup(`${name}-tg-${l.port}`, {
                ...targetGroupSettings(l),
                targetType: "ip",
                vpcId: args.vpcId,
                // The proxy's health frontend: TLS without a client certificate, 503 while the collector
                // is down. A TCP target group may be checked over HTTP/HTTPS (HealthCheckProtocol,
                // https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html);
                // NLB matchers take 200-599, default 200-399 (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_Matcher.html).
                healthCheck: { protocol: "HTTPS", port: String(COLLECTOR_PORTS.health), path: "/", matcher: "200", healthyThreshold: 3, unhealthyThreshold: 3, interval: 10 },
                tags: withName(args.tags, `${name}-${l.port}`),
            }, { parent: this });
            const listener = new aws.lb.Listener(`${name}-listener-${l.port}`, {
                loadBalancerArn: lb.arn,
                port: l.port,
                protocol: l.protocol,
                ...(l.protocol === "TLS" ? { certificateArn: args.certificateArn, sslPolicy: TLS_POLICY, alpnPolicy: l.port === COLLECTOR_PORTS.otlpGrpc ? "HTTP2Preferred" : "None" } : {}),
                defaultActions: [{ type: "forward", targetGroupArn: tg.arn }],
                tags: withName(args.tags, `${name}-${l.port}`, l.protocol === "TCP" ? { [TLS_TERMINATION_TAG.key]: TLS_TERMINATION_TAG.value } : {}),
            }, { parent: this });
            targetGroupArns[l.port] = tg.arn;
            listeners.push(listener);
        }
        return { targetGroupArns, listeners };
    }
}
