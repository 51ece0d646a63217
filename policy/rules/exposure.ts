/** Private endpoints and exposure: load balancers, security groups, public IPs, VPC endpoints, Grafana, EKS. */
import { aws } from "../lib/providers";
import { PolicyResource, StackValidationArgs } from "@pulumi/policy";
import { isRegulated, ResourceClass, resourcePolicy, STACK_TAGS, stackPolicy } from "../lib/define";
import { classesWith } from "../lib/aws/awsTypes";
import { servicesFullyGranted } from "../lib/aws/iamCatalog";
import { conditionsAdmitEverything, describeStatement, hasConstrainingCondition, parseDocument, resourceCoversAllOfAKind, Statement } from "../lib/aws/iam";
import { associatedZoneIds, describePorts, interfaceEndpointServiceNames, securityGroupRules, SgRule, WorldExposure, worldExposures } from "../lib/aws/network";
import { asArray, asBool, asSetting, asSettingArray, asString, isPlaceholder, isRecord, knownValue, whenKnown } from "../lib/values";

const SG_CLASSES = [...classesWith(["ec2:ingress"], (t) => t.includes("SecurityGroup")), aws.ec2.SecurityGroupRule];

function describeExposure(e: WorldExposure, toOrFrom: "from" | "to"): string {
    if (e.single) {
        const r = e.rules[0];
        return `${r.where} allows ${describePorts(r)} ${toOrFrom} ${e.world.join(", ")}.`;
    }
    const cidrs = e.rules.flatMap((r) => r.cidrs);
    return `${e.rules.map((r) => r.where).join(", ")} together allow ${describePorts(e.rules[0])} ${toOrFrom} ${cidrs.join(", ")}, ` +
        `whose union is ${e.world.join(" and ")}.`;
}

export const lbInternal = resourcePolicy({
    name: "lb-internal",
    theme: "exposure",
    severity: "high",
    summary: "Load balancers are internal; cross-account and on-premises traffic reaches them through PrivateLink, " +
        "peering or VPN, never the internet.",
    refs: { trivy: ["AVD-AWS-0053"] },
    remediation: "Set internal: true and publish the service to other accounts with a VPC endpoint service (PrivateLink).",
    types: [aws.lb.LoadBalancer, aws.alb.LoadBalancer, aws.elb.LoadBalancer],
    config: {},
    validate(props, { report }) {
        if (asBool(props.internal) !== true) {
            report("The load balancer is internet-facing (internal is not true).");
        }
    },
});

function portAllowed(rule: SgRule, allowedPorts: number[]): boolean {
    return rule.protocol !== "-1" && rule.fromPort !== undefined && rule.fromPort === (rule.toPort ?? rule.fromPort)
        && allowedPorts.includes(rule.fromPort);
}

export const sgNoPublicIngress = resourcePolicy({
    name: "sg-no-public-ingress",
    theme: "exposure",
    severity: "critical",
    summary: "No security-group ingress from the whole IPv4 or IPv6 address space, on any port: 0.0.0.0/0, ::/0, or CIDR blocks of " +
        "one resource on the same ports whose union is the whole space (0.0.0.0/1 + 128.0.0.0/1). Covers aws.ec2.SecurityGroup, " +
        "DefaultSecurityGroup, SecurityGroupRule and aws.vpc.SecurityGroupIngressRule (scanners flag only admin ports or all ports).",
    refs: { checkov: ["CKV_AWS_24", "CKV_AWS_25", "CKV_AWS_260", "CKV_AWS_277"], trivy: ["AVD-AWS-0107"], cfnNag: ["W2"] },
    remediation: "Allow ingress from the VPC/on-premises CIDRs, a managed prefix list or a source security group instead of the world.",
    types: [...SG_CLASSES, aws.vpc.SecurityGroupIngressRule],
    config: {
        allowedPorts: {
            type: "array", items: { type: "integer", minimum: 0, maximum: 65535 }, default: [] as number[],
            description: "Single ports that may be open to the world (empty: none).",
        },
    },
    validate(props, { args, config, report }) {
        for (const e of worldExposures(securityGroupRules(args.type, props), "ingress")) {
            if (!e.rules.every((r) => portAllowed(r, config.allowedPorts))) {
                report(describeExposure(e, "from"));
            }
        }
    },
});

export const sgNoUnrestrictedEgress = resourcePolicy({
    name: "sg-no-unrestricted-egress",
    theme: "exposure",
    severity: "high",
    summary: "Where the destinations are known — stacks tagged regulated, whose AWS traffic goes through interface " +
        "endpoints and the hub path — security groups (same types as sg-no-public-ingress) do not allow egress to the whole " +
        "IPv4 or IPv6 address space (0.0.0.0/0, ::/0, or blocks of one resource whose union is the whole space).",
    refs: { checkov: ["CKV_AWS_382"], trivy: ["AVD-AWS-0104"], cfnNag: ["W5"] },
    remediation: "Allow egress to the VPC CIDR (interface endpoints), the S3 gateway prefix list and the hub endpoint's " +
        "security group instead of the world.",
    types: [...SG_CLASSES, aws.vpc.SecurityGroupEgressRule],
    config: {
        enforceInAllStacks: {
            type: "boolean", default: false,
            description: "Also enforce in stacks not tagged oss-monitoring:regulated=true.",
        },
    },
    validate(props, { args, config, report }) {
        if (!config.enforceInAllStacks && !isRegulated(args.stackTags)) {
            args.notApplicable("Only stacks tagged oss-monitoring:regulated=true have a known destination list.");
        }
        for (const e of worldExposures(securityGroupRules(args.type, props), "egress")) {
            report(describeExposure(e, "to"));
        }
    },
});

export const ecsServiceNoPublicIp = resourcePolicy({
    name: "ecs-service-no-public-ip",
    theme: "exposure",
    severity: "high",
    summary: "ECS services do not assign public IPs to their tasks.",
    refs: { checkov: ["CKV_AWS_333"] },
    remediation: "Set networkConfiguration.assignPublicIp: false and run tasks in private subnets with VPC endpoints.",
    types: [aws.ecs.Service],
    config: {},
    validate(props, { report }) {
        if (isRecord(props.networkConfiguration) && asBool(props.networkConfiguration.assignPublicIp) === true) {
            report("networkConfiguration.assignPublicIp is true.");
        }
    },
});

export const subnetNoPublicIp = resourcePolicy({
    name: "subnet-no-public-ip",
    theme: "exposure",
    severity: "high",
    summary: "Subnets (aws.ec2.Subnet, and aws.ec2.DefaultSubnet, where AWS maps public IPs unless told not to) do not map " +
        "public IPs to the instances and interfaces launched in them.",
    refs: { checkov: ["CKV_AWS_130"], trivy: ["AVD-AWS-0164"], cfnNag: ["W33"] },
    remediation: "Set mapPublicIpOnLaunch: false (with awsx.ec2.Vpc, use private/isolated subnets only).",
    types: classesWith(["ec2:mapPublicIpOnLaunch"]),
    config: {},
    validate(props, { args, report }) {
        const map = asBool(props.mapPublicIpOnLaunch);
        // Default subnets come with MapPublicIpOnLaunch true (https://docs.aws.amazon.com/vpc/latest/userguide/default-subnet.html),
        // and aws.ec2.DefaultSubnet adopts them as they are unless the input says otherwise.
        if (map === true || (map === undefined && args.type === "aws:ec2/defaultSubnet:DefaultSubnet")) {
            report(map === true ? "mapPublicIpOnLaunch is true." : "A default subnet maps public IPs on launch unless mapPublicIpOnLaunch is set to false.");
        }
    },
});

/** IAM prefix of an AWS service endpoint name (`com.amazonaws.us-east-1.monitoring` → `cloudwatch`). */
function endpointIamPrefix(serviceName: string): string {
    const svc = serviceName.split(".").slice(3).join(".");
    const map: Record<string, string> = { "monitoring": "cloudwatch", "aps-workspaces": "aps", "aps": "aps", "ecr.api": "ecr", "ecr.dkr": "ecr", "execute-api": "execute-api", "grafana-workspace": "grafana" };
    return map[svc] ?? svc.split(".")[0];
}

/** Does the statement grant every action of the service (`*`, `*:*`, `logs:*`) on every resource to everyone, with no condition that narrows? */
function isFullAccess(s: Statement, prefix: string): boolean {
    return s.effect === "Allow" && s.principals.some((p) => p.kind === "*") && s.notPrincipals.length === 0
        && (s.notActions.length > 0 || s.actions.some((a) => servicesFullyGranted(a).some((g) => g === prefix || a === "*" || /[*?]/.test(a.split(":")[0]))))
        && (s.notResources.length > 0 || s.resources.some(resourceCoversAllOfAKind)) && conditionsAdmitEverything(s);
}

/** Interface endpoints to AWS services in a stack, with the separate policy / private-DNS resources that apply to them. */
interface EndpointView {
    urn: string;
    serviceName: string;
    privateDns?: boolean;
    policy: unknown;
    policyWhere: string;
}

/** Standalone resources that set an interface endpoint's policy and private DNS. */
const ENDPOINT_SETTERS = [aws.ec2.VpcEndpointPolicy, aws.vpc.EndpointPrivateDns];

/**
 * aws.ec2.VpcEndpointPolicy and aws.vpc.EndpointPrivateDns set the same settings as the endpoint's own
 * inputs. They name the endpoint by ID, which a plan only knows through property dependencies; without
 * them, a separate resource is paired with an endpoint that lacks the setting, in declaration order.
 */
function interfaceEndpoints(args: StackValidationArgs, customerPrefix: string): EndpointView[] {
    const endpoints = args.resources.filter((r) => r.isType(aws.ec2.VpcEndpoint)).flatMap((r) => {
        const type = knownValue(() => asString(r.props.vpcEndpointType)) ?? "Gateway";
        const serviceName = knownValue(() => asString(r.props.serviceName));
        if (type !== "Interface" || serviceName === undefined || serviceName.startsWith(customerPrefix)) {
            return [];
        }
        return [{ r, view: { urn: r.urn, serviceName, privateDns: knownValue(() => asBool(r.props.privateDnsEnabled)), policy: knownValue(() => r.props.policy), policyWhere: "policy" } }];
    });
    const attach = (cls: ResourceClass, missing: (v: EndpointView) => boolean, apply: (v: EndpointView, src: PolicyResource) => void) => {
        for (const src of args.resources.filter((r) => r.isType(cls))) {
            const deps = src.propertyDependencies?.vpcEndpointId ?? [];
            const target = endpoints.find((e) => deps.some((d) => d.urn === e.r.urn)) ?? (deps.length === 0 ? endpoints.find((e) => missing(e.view)) : undefined);
            if (target !== undefined) {
                apply(target.view, src);
            }
        }
    };
    attach(aws.ec2.VpcEndpointPolicy, (v) => isPlaceholder(v.policy), (v, src) => {
        v.policy = knownValue(() => src.props.policy);
        v.policyWhere = `policy of ${src.name} (aws.ec2.VpcEndpointPolicy)`;
    });
    attach(aws.vpc.EndpointPrivateDns, (v) => v.privateDns === undefined, (v, src) => {
        v.privateDns = knownValue(() => asBool(src.props.privateDnsEnabled));
    });
    return endpoints.map((e) => e.view);
}

export const vpcEndpointPrivateDnsAndPolicy = stackPolicy({
    name: "vpc-endpoint-private-dns-and-policy",
    theme: "exposure",
    severity: "medium",
    summary: "Interface VPC endpoints to AWS services enable private DNS (so SDKs use them) and carry an endpoint policy " +
        "narrower than full access: not an Allow of every action of the service (*, *:*, svc:*) on every resource to Principal " +
        "\"*\" without a condition that narrows it. The policy and private DNS may be set on the endpoint or by " +
        "aws.ec2.VpcEndpointPolicy / aws.vpc.EndpointPrivateDns. No scanner checks endpoint policies.",
    refs: {},
    remediation: "Set privateDnsEnabled: true and a policy that narrows who may use the endpoint (e.g. a condition on " +
        "aws:PrincipalOrgID) or what they may reach.",
    reads: [aws.ec2.VpcEndpoint, ...ENDPOINT_SETTERS],
    config: {
        customerServicePrefix: {
            type: "string", default: "com.amazonaws.vpce.",
            description: "serviceName prefix of PrivateLink endpoint services (no AWS private DNS or endpoint policy support).",
        },
        servicesWithoutPolicySupport: {
            type: "array", items: { type: "string" }, default: [] as string[],
            description: "AWS service names (suffix after the region, e.g. ssmmessages) whose endpoints do not support policies.",
        },
    },
    validate({ args, config, report }) {
        for (const e of interfaceEndpoints(args, config.customerServicePrefix)) {
            if (e.privateDns !== true) {
                report(`privateDnsEnabled is not true, so clients still resolve the public ${e.serviceName} endpoint.`, e.urn);
            }
            if (config.servicesWithoutPolicySupport.some((svc) => e.serviceName.endsWith(`.${svc}`))) {
                continue;
            }
            const doc = parseDocument(e.policy);
            if (doc === undefined) {
                report("No endpoint policy: the endpoint allows full access to every resource of the service.", e.urn);
            } else if (!doc.ok) {
                report(`The endpoint policy is unreadable (${doc.error}).`, e.urn);
            } else {
                const full = doc.statements.filter((x) => isFullAccess(x, endpointIamPrefix(e.serviceName)));
                if (full.length > 0) {
                    report(`The endpoint policy (${e.policyWhere}) is the default full-access policy in effect: ` +
                        `${full.map(describeStatement).join(", ")} allows every action on every resource to everyone.`, e.urn);
                }
            }
        }
    },
});

export const vpcEndpointPolicyVpcWide = stackPolicy({
    name: "vpc-endpoint-policy-vpc-wide",
    theme: "exposure",
    severity: "low",
    enforcementLevel: "advisory",
    summary: "In stacks whose VPCs other workloads share (oss-monitoring:role in `roles`, default monitored accounts), interface " +
        "endpoints with private DNS serve every caller in the VPC: the service's public name resolves to the endpoint, so an " +
        "endpoint policy that allows only some actions denies every other action to every workload in the VPC " +
        "(https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html). Advisory: whether other workloads use " +
        "the VPC is not in the plan; the hub's and on-premises landing VPCs are dedicated to the monitoring path.",
    refs: {},
    remediation: "Allow the service's actions (svc:*) and narrow by principal or organization instead, or keep the endpoint in a " +
        "VPC that runs only the workloads its action list serves.",
    reads: [aws.ec2.VpcEndpoint, ...ENDPOINT_SETTERS],
    config: {
        customerServicePrefix: {
            type: "string", default: "com.amazonaws.vpce.",
            description: "serviceName prefix of PrivateLink endpoint services (their policies are not checked).",
        },
        roles: {
            type: "array", items: { type: "string" }, default: ["monitored"],
            description: `Values of the ${STACK_TAGS.role} stack tag whose VPCs other workloads share.`,
        },
    },
    validate({ args, config, report }) {
        const role = args.stackTags.get(STACK_TAGS.role);
        if (role === undefined || !config.roles.includes(role)) {
            args.notApplicable(`Only stacks whose ${STACK_TAGS.role} tag is one of ${config.roles.join(", ")}.`);
        }
        for (const e of interfaceEndpoints(args, config.customerServicePrefix)) {
            const doc = parseDocument(e.policy);
            if (e.privateDns !== true || doc === undefined || !doc.ok) {
                continue;
            }
            const prefix = endpointIamPrefix(e.serviceName);
            const allows = doc.statements.filter((x) => x.effect === "Allow");
            const serviceWide = allows.some((x) => x.notActions.length > 0 || x.actions.some((a) => servicesFullyGranted(a).includes(prefix)));
            if (!serviceWide) {
                const actions = [...new Set(allows.flatMap((x) => x.actions))];
                report(`Private DNS routes every ${prefix} call from the VPC through this endpoint, but its policy (${e.policyWhere}) ` +
                    `allows only ${actions.slice(0, 6).join(", ")}${actions.length > 6 ? ", ..." : ""}; other workloads' ${prefix} calls are denied.`, e.urn);
            }
        }
    },
});

export const vpcEndpointServiceAcceptance = stackPolicy({
    name: "vpc-endpoint-service-acceptance",
    theme: "exposure",
    severity: "high",
    summary: "VPC endpoint services (PrivateLink) require connection acceptance or an explicit principal allow-list, and never allow \"*\".",
    refs: { checkov: ["CKV_AWS_123"] },
    remediation: "Set acceptanceRequired: true, or list the monitored accounts' principals in allowedPrincipals " +
        "(or aws.ec2.VpcEndpointServiceAllowedPrinciple); never \"*\".",
    reads: [aws.ec2.VpcEndpointService, aws.ec2.VpcEndpointServiceAllowedPrinciple],
    config: {},
    validate({ args, report }) {
        const services = args.resources.filter((r) => r.isType(aws.ec2.VpcEndpointService));
        if (services.length === 0) {
            args.notApplicable("The stack has no VPC endpoint service.");
        }
        const separate = args.resources.filter((r) => r.isType(aws.ec2.VpcEndpointServiceAllowedPrinciple));
        for (const a of separate.filter((r) => knownValue(() => asSetting(r.props.principalArn)) === "*")) {
            report("The allowed principal \"*\" lets every AWS account connect.", a.urn);
        }
        const hasSeparateList = separate.some((r) => { const p = whenKnown(() => asSetting(r.props.principalArn)); return !p.known || (p.value !== undefined && p.value !== "*"); });
        for (const s of services) {
            const inline = knownValue(() => asSettingArray(s.props.allowedPrincipals));
            if (inline?.includes("*")) {
                report("allowedPrincipals contains \"*\".", s.urn);
            }
            const hasList = inline === undefined || inline.some((p) => p !== "*") || hasSeparateList;
            if (asBool(s.props.acceptanceRequired) !== true && !hasList) {
                report("Neither acceptanceRequired nor an allow-list of principals: any account that finds the service name can connect.", s.urn);
            }
        }
    },
});

export const regulatedPrivateEndpoints = stackPolicy({
    name: "regulated-private-endpoints",
    theme: "exposure",
    severity: "high",
    summary: "Stacks tagged regulated reach AMP, CloudWatch (logs, monitoring) and SSM through interface VPC endpoints, " +
        "never public service endpoints; a sender's interface endpoint to the hub's endpoint service carries its AMP " +
        "traffic. No scanner relates endpoints to the services a stack uses.",
    refs: {},
    remediation: "Add aws.ec2.VpcEndpoint (vpcEndpointType Interface, privateDnsEnabled) for com.amazonaws.<region>.<service> " +
        "for each missing service.",
    reads: [aws.ec2.VpcEndpoint],
    config: {
        requiredServices: {
            type: "array", items: { type: "string" }, default: ["aps-workspaces", "logs", "monitoring", "ssm"],
            description: "Service suffixes (after com.amazonaws.<region>.) that need an interface endpoint.",
        },
        servicesViaHubEndpoint: {
            type: "array", items: { type: "string" }, default: ["aps-workspaces"],
            description: "Services whose traffic a stack sends through its interface endpoint to a PrivateLink endpoint " +
                "service (the hub remote-writes to AMP), so that endpoint covers them.",
        },
        endpointServicePrefix: {
            type: "string", default: "com.amazonaws.vpce.",
            description: "serviceName prefix of PrivateLink endpoint services.",
        },
        sharedZoneIds: {
            type: "object", additionalProperties: { type: "array", items: { type: "string" } }, default: {},
            description: "Shared-endpoint shape: by service, the private hosted zones of the organization's central endpoint VPC. " +
                "A stack's aws.route53.ZoneAssociation to one of them serves the service. Set by the platform team, never by the " +
                "sender (a stack cannot name its own zone as the central one). Default none: only the stack's own endpoints count.",
        },
    },
    validate({ args, config, report }) {
        if (!isRegulated(args.stackTags)) {
            args.notApplicable("The stack is not tagged oss-monitoring:regulated=true.");
        }
        const names = interfaceEndpointServiceNames(args.resources);
        const zones = associatedZoneIds(args.resources);
        const shared = config.sharedZoneIds as Record<string, string[] | undefined>;
        const viaHub = names.some((n) => n?.startsWith(config.endpointServicePrefix));
        const missing = config.requiredServices.filter((svc) =>
            !names.some((n) => n?.endsWith(`.${svc}`)) && !(viaHub && config.servicesViaHubEndpoint.includes(svc)) &&
            !zones.some((z) => z !== undefined && asSettingArray(shared[svc]).includes(z)));
        // Each endpoint or zone association the preview cannot know yet may stand for one missing service.
        const unknownZones = Object.keys(shared).length > 0 ? zones.filter((z) => z === undefined).length : 0;
        if (missing.length > names.filter((n) => n === undefined).length + unknownZones) {
            report(`Regulated stack without interface endpoints for: ${missing.join(", ")}.`);
        }
    },
});

export const grafanaWorkspacePrivate = resourcePolicy({
    name: "grafana-workspace-private",
    theme: "exposure",
    severity: "high",
    summary: "Managed Grafana workspaces reach data sources through a VPC configuration and restrict who can reach the " +
        "workspace with network access control (prefix lists / VPC endpoints). No scanner checks Grafana workspaces.",
    refs: {},
    remediation: "Set vpcConfiguration { subnetIds, securityGroupIds } and networkAccessControl { vpceIds and/or prefixListIds }.",
    types: [aws.grafana.Workspace],
    config: {},
    validate(props, { report }) {
        const vpc = isRecord(props.vpcConfiguration) ? props.vpcConfiguration : undefined;
        if (vpc === undefined || asSettingArray(vpc.subnetIds).length === 0) {
            report("No vpcConfiguration: the workspace reaches data sources over public endpoints.");
        }
        const nac = isRecord(props.networkAccessControl) ? props.networkAccessControl : undefined;
        if (nac === undefined || (asSettingArray(nac.vpceIds).length === 0 && asSettingArray(nac.prefixListIds).length === 0)) {
            report("No networkAccessControl: the workspace URL is reachable from any network.");
        }
    },
});

export const eksPrivateEndpoint = resourcePolicy({
    name: "eks-private-endpoint",
    theme: "exposure",
    severity: "high",
    summary: "EKS API endpoints are private: endpointPublicAccess false (AWS defaults it to true) and endpointPrivateAccess true.",
    refs: { checkov: ["CKV_AWS_38", "CKV_AWS_39"], trivy: ["AVD-AWS-0040", "AVD-AWS-0041"] },
    remediation: "Set vpcConfig.endpointPublicAccess: false and vpcConfig.endpointPrivateAccess: true; reach the API through the VPC or VPN.",
    types: [aws.eks.Cluster],
    config: {},
    validate(props, { report }) {
        const vpc = asArray(props.vpcConfig).find(isRecord) ?? {};
        if (asBool(vpc.endpointPublicAccess) !== false) {
            const cidrs = asSettingArray(vpc.publicAccessCidrs);
            report(`The API endpoint is public${cidrs.length > 0 ? ` (from ${cidrs.join(", ")})` : " to 0.0.0.0/0"}.`);
        }
        if (asBool(vpc.endpointPrivateAccess) !== true) {
            report("endpointPrivateAccess is not true: nodes and operators reach the API over the internet.");
        }
    },
});

export const oamSinkPolicyOrgCondition = resourcePolicy({
    name: "oam-sink-policy-org-condition",
    theme: "exposure",
    severity: "high",
    summary: "CloudWatch cross-account observability sink policies (aws.oam.SinkPolicy) let only the organization's accounts " +
        "link: every Allow statement carries a condition that pins aws:PrincipalOrgID or aws:PrincipalOrgPaths (judged by what " +
        "it admits: no IfExists, no ForAllValues on a single-valued key, no wildcard org ID). A wildcard principal without such " +
        "a condition lets any AWS account send its telemetry into the monitoring account " +
        "(https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch-Unified-Cross-Account-Setup.html).",
    refs: {},
    remediation: "Add Condition { \"ForAnyValue:StringEquals\": { \"aws:PrincipalOrgID\": \"o-...\" } } (or StringEquals on " +
        "aws:PrincipalOrgID, or ForAnyValue:StringLike on aws:PrincipalOrgPaths \"o-.../r-.../ou-.../*\") to every Allow statement.",
    types: classesWith(["oam:policy"]),
    config: {
        orgConditionKeys: {
            type: "array", items: { type: "string" }, default: ["aws:PrincipalOrgID", "aws:PrincipalOrgPaths"],
            description: "Condition keys that confine a sink policy statement to the organization.",
        },
    },
    validate(props, { config, report }) {
        const doc = parseDocument(props.policy);
        if (doc === undefined || !doc.ok) {
            report(`The sink policy cannot be read: ${doc === undefined ? "it is empty" : doc.error}.`);
            return;
        }
        for (const s of doc.statements.filter((x) => x.effect === "Allow")) {
            if (hasConstrainingCondition(s, config.orgConditionKeys)) {
                continue;
            }
            const wildcard = s.principals.some((p) => p.kind === "*") || s.notPrincipals.length > 0;
            report(`${describeStatement(s)} ${wildcard ? "allows Principal \"*\"" : `allows ${s.principals.map((p) => p.value).join(", ")}`} ` +
                `without a condition that pins ${config.orgConditionKeys.join(" or ")}.`);
        }
    },
});

/** Condition keys that confine who may use a resource policy's "*" principal to known accounts, organizations, sources or networks. */
const DEFAULT_PRINCIPAL_CONFINING_KEYS = ["aws:PrincipalOrgID", "aws:PrincipalOrgPaths", "aws:PrincipalAccount", "aws:PrincipalArn",
    "aws:SourceAccount", "aws:SourceArn", "aws:SourceOrgID", "aws:SourceOrgPaths", "aws:SourceVpce", "aws:SourceVpc"];

export const resourcePolicyNoPublicPrincipal = resourcePolicy({
    name: "resource-policy-no-public-principal",
    theme: "exposure",
    severity: "critical",
    summary: "Resource policies of SNS topics, SQS queues, Secrets Manager secrets and ECR repositories/registries (inline on " +
        "the resource or set by aws.sns.TopicPolicy, aws.sqs.QueuePolicy, aws.secretsmanager.SecretPolicy, aws.ecr " +
        "RepositoryPolicy/RegistryPolicy) never Allow Principal \"*\" (or NotPrincipal) without a condition that pins the " +
        "caller's organization, account, ARN, source or network (judged by what it admits, as for trust policies).",
    refs: { checkov: ["CKV_AWS_168", "CKV_AWS_169", "CKV_AWS_32"], trivy: ["AVD-AWS-0097"] },
    remediation: "Name the principals (account roots, roles, service principals), or add a condition such as " +
        "StringEquals aws:PrincipalOrgID / aws:SourceAccount / aws:SourceArn to every statement that allows \"*\".",
    types: classesWith(["sns:policy", "sqs:policy", "secretsmanager:policy", "ecr:policy"], (t) => !/(dataProtectionPolicy|lifecyclePolicy):/.test(t)),
    config: {
        confiningConditionKeys: {
            type: "array", items: { type: "string" }, default: DEFAULT_PRINCIPAL_CONFINING_KEYS,
            description: "Condition keys that make a \"*\" principal acceptable when they pin a value.",
        },
    },
    validate(props, { config, report }) {
        const doc = parseDocument(props.policy);
        if (doc === undefined) {
            return; // no policy: only the owning account's identities (through their IAM policies) have access
        }
        if (!doc.ok) {
            report(`The resource policy is unreadable (${doc.error}).`);
            return;
        }
        for (const s of doc.statements.filter((x) => x.effect === "Allow")) {
            const open = s.principals.some((p) => p.kind === "*") || s.notPrincipals.length > 0;
            if (open && !hasConstrainingCondition(s, config.confiningConditionKeys)) {
                report(`${describeStatement(s)} allows ${s.notPrincipals.length > 0 ? "NotPrincipal (everyone else)" : "Principal \"*\""} without a ` +
                    `condition pinning ${config.confiningConditionKeys.slice(0, 4).join(", ")} or similar: any AWS account can use it.`);
            }
        }
    },
});
