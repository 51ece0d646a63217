/** Private endpoints and exposure: load balancers, security groups, public IPs, VPC endpoints, Grafana, EKS. */
import * as aws from "@pulumi/aws";
import { isRegulated, resourcePolicy, stackPolicy } from "./lib/define";
import { parseDocument } from "./lib/iam";
import { describePorts, interfaceEndpointServiceNames, isWorldCidr, securityGroupRules, SgRule } from "./lib/network";
import { asArray, asBool, asString, asStringArray, isRecord, knownValue } from "./lib/values";

const SG_CLASSES = [aws.ec2.SecurityGroup, aws.ec2.SecurityGroupRule];

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

function worldRules(rules: SgRule[], direction: SgRule["direction"]): SgRule[] {
    return rules.filter((r) => r.direction === direction && r.cidrs.some(isWorldCidr));
}

function portAllowed(rule: SgRule, allowedPorts: number[]): boolean {
    return rule.protocol !== "-1" && rule.fromPort !== undefined && rule.fromPort === (rule.toPort ?? rule.fromPort)
        && allowedPorts.includes(rule.fromPort);
}

export const sgNoPublicIngress = resourcePolicy({
    name: "sg-no-public-ingress",
    theme: "exposure",
    severity: "critical",
    summary: "No security-group ingress from 0.0.0.0/0 or ::/0, on any port (scanners flag only admin ports or all ports).",
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
        for (const rule of worldRules(securityGroupRules(args.type, props), "ingress")) {
            if (!portAllowed(rule, config.allowedPorts)) {
                report(`${rule.where} allows ${describePorts(rule)} from ${rule.cidrs.filter(isWorldCidr).join(", ")}.`);
            }
        }
    },
});

export const sgNoUnrestrictedEgress = resourcePolicy({
    name: "sg-no-unrestricted-egress",
    theme: "exposure",
    severity: "high",
    summary: "Where the destinations are known — stacks tagged regulated, whose AWS traffic goes through interface " +
        "endpoints and the hub path — security groups do not allow egress to 0.0.0.0/0 or ::/0.",
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
        for (const rule of worldRules(securityGroupRules(args.type, props), "egress")) {
            report(`${rule.where} allows ${describePorts(rule)} to ${rule.cidrs.filter(isWorldCidr).join(", ")}.`);
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
    summary: "Subnets do not map public IPs to the instances and interfaces launched in them.",
    refs: { checkov: ["CKV_AWS_130"], trivy: ["AVD-AWS-0164"], cfnNag: ["W33"] },
    remediation: "Set mapPublicIpOnLaunch: false (with awsx.ec2.Vpc, use private/isolated subnets only).",
    types: [aws.ec2.Subnet],
    config: {},
    validate(props, { report }) {
        if (asBool(props.mapPublicIpOnLaunch) === true) {
            report("mapPublicIpOnLaunch is true.");
        }
    },
});

export const vpcEndpointPrivateDnsAndPolicy = resourcePolicy({
    name: "vpc-endpoint-private-dns-and-policy",
    theme: "exposure",
    severity: "medium",
    summary: "Interface VPC endpoints to AWS services enable private DNS (so SDKs use them) and carry an endpoint policy " +
        "narrower than the default full access. No scanner checks endpoint policies.",
    refs: {},
    remediation: "Set privateDnsEnabled: true and a policy that allows only the actions and resources the stack uses.",
    types: [aws.ec2.VpcEndpoint],
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
    validate(props, { config, report }) {
        const serviceName = asString(props.serviceName) ?? "";
        if ((asString(props.vpcEndpointType) ?? "Gateway") !== "Interface" || serviceName.startsWith(config.customerServicePrefix)) {
            return;
        }
        if (asBool(props.privateDnsEnabled) !== true) {
            report(`privateDnsEnabled is not true, so clients still resolve the public ${serviceName || "service"} endpoint.`);
        }
        if (config.servicesWithoutPolicySupport.some((s) => serviceName.endsWith(`.${s}`))) {
            return;
        }
        const doc = parseDocument(props.policy);
        if (doc === undefined) {
            report("No endpoint policy: the endpoint allows full access to every resource of the service.");
        } else if (!doc.ok) {
            report(`The endpoint policy is unreadable (${doc.error}).`);
        } else if (doc.statements.some((s) => s.effect === "Allow" && s.actions.includes("*") && s.resources.includes("*")
            && s.principals.some((p) => p.kind === "*") && s.conditions.length === 0)) {
            report("The endpoint policy is the default full-access policy (Allow * on * for *).");
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
    config: {},
    validate({ args, report }) {
        const services = args.resources.filter((r) => r.isType(aws.ec2.VpcEndpointService));
        if (services.length === 0) {
            args.notApplicable("The stack has no VPC endpoint service.");
        }
        const separate = args.resources.filter((r) => r.isType(aws.ec2.VpcEndpointServiceAllowedPrinciple));
        for (const a of separate.filter((r) => knownValue(() => r.props.principalArn) === "*")) {
            report("The allowed principal \"*\" lets every AWS account connect.", a.urn);
        }
        const hasSeparateList = separate.some((r) => knownValue(() => r.props.principalArn) !== "*");
        for (const s of services) {
            const inline = knownValue(() => asStringArray(s.props.allowedPrincipals));
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
    },
    validate({ args, config, report }) {
        if (!isRegulated(args.stackTags)) {
            args.notApplicable("The stack is not tagged oss-monitoring:regulated=true.");
        }
        const names = interfaceEndpointServiceNames(args.resources);
        const viaHub = names.some((n) => n?.startsWith(config.endpointServicePrefix));
        const missing = config.requiredServices.filter((svc) =>
            !names.some((n) => n?.endsWith(`.${svc}`)) && !(viaHub && config.servicesViaHubEndpoint.includes(svc)));
        // Each endpoint whose service the preview cannot know yet may stand for one missing service.
        if (missing.length > names.filter((n) => n === undefined).length) {
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
        if (vpc === undefined || asStringArray(vpc.subnetIds).length === 0) {
            report("No vpcConfiguration: the workspace reaches data sources over public endpoints.");
        }
        const nac = isRecord(props.networkAccessControl) ? props.networkAccessControl : undefined;
        if (nac === undefined || (asArray(nac.vpceIds).length === 0 && asArray(nac.prefixListIds).length === 0)) {
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
            const cidrs = asStringArray(vpc.publicAccessCidrs);
            report(`The API endpoint is public${cidrs.length > 0 ? ` (from ${cidrs.join(", ")})` : " to 0.0.0.0/0"}.`);
        }
        if (asBool(vpc.endpointPrivateAccess) !== true) {
            report("endpointPrivateAccess is not true: nodes and operators reach the API over the internet.");
        }
    },
});
