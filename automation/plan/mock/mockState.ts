import * as crypto from "crypto";
import { IDENTITY_SECRET_KEYS, IDENTITY_SECRET_PREFIX } from "../../../components/identity/tenants";
import { iamPolicyFromDocumentArgs } from "./policyDocument";

/** Where the planned stack pretends to run; feeds ARNs, endpoints and invoke answers. */
export interface MockContext {
    readonly account: string;
    readonly region: string;
    /** Outputs of already-planned stacks by fully qualified name, for StackReferences. */
    readonly stackOutputs: ReadonlyMap<string, Record<string, unknown>>;
    /**
     * Tests: answers for invokes by token, checked before the defaults (throw to simulate "not found");
     * `provider` is the reference (`<provider urn>::<id>`) of the provider the invoke was made with.
     */
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- invoke arguments arrive untyped from the mock monitor
    readonly invokeOverrides?: Readonly<Record<string, (inputs: Record<string, any>, provider?: string) => Record<string, unknown>>>;
}

/**
 * Deterministic hex suffix so repeated plans produce identical JSON. The one-shot crypto.hash (Node.js >= 21.7,
 * inside package.json's engines) gives the same digest as createHash().update().digest() at about half the cost;
 * a hub asks for some fifty per tenant (its keys' and certificates' mock PEMs).
 */
function hex(seed: string, len: number): string {
    return crypto.hash("sha256", seed, "hex").slice(0, len);
}

/**
 * PEM-shaped text with a deterministic body (not parseable DER): enough for code that passes
 * certificates, CSRs and keys along, and for tests that look for PEM labels where they must not be.
 */
export function mockPem(label: string, seed: string, bytes = 96): string {
    let raw = "";
    for (let i = 0; raw.length < bytes * 2; i++) {
        raw += hex(`${seed}#${i}`, 64);
    }
    const base64 = Buffer.from(raw.slice(0, bytes * 2), "hex").toString("base64");
    const lines: string[] = [];
    for (let i = 0; i < base64.length; i += 64) {
        lines.push(base64.slice(i, i + 64));
    }
    return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

/** The last CA certificate's PEM: a hub's tenant certificates are issued one after another by the same CA. */
let lastCaPem: { caArn: string; pem: string } | undefined;
function caCertificatePem(caArn: string): string {
    if (lastCaPem?.caArn !== caArn) {
        lastCaPem = { caArn, pem: mockPem("CERTIFICATE", `ca:${caArn}`, 420) };
    }
    return lastCaPem.pem;
}

function regionOf(inputs: Record<string, unknown>, ctx: MockContext): string {
    return typeof inputs.region === "string" ? inputs.region : ctx.region;
}

// Mock inputs are whatever the program passed; the state functions read them as loosely as the engine does.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type StateFn = (name: string, inputs: Record<string, any>, ctx: MockContext) => { id: string; extra: Record<string, unknown> };

/**
 * Computed attributes the program reads from resources it creates, with the shapes AWS
 * returns, so ARNs in IAM documents and endpoints in collector configs look real.
 */
const STATE: Record<string, StateFn> = {
    "aws:kms/key:Key": (n, _i, c) => {
        const id = `${hex(n, 8)}-${hex(n + "1", 4)}-4${hex(n + "2", 3)}-8${hex(n + "3", 3)}-${hex(n + "4", 12)}`;
        return { id, extra: { keyId: id, arn: `arn:aws:kms:${c.region}:${c.account}:key/${id}` } };
    },
    "aws:amp/workspace:Workspace": (n, i, c) => {
        const id = `ws-${hex(n, 8)}-${hex(n + "a", 4)}-${hex(n + "b", 4)}-${hex(n + "c", 4)}-${hex(n + "d", 12)}`;
        const r = regionOf(i, c);
        return { id, extra: { arn: `arn:aws:aps:${r}:${c.account}:workspace/${id}`, prometheusEndpoint: `https://aps-workspaces.${r}.amazonaws.com/workspaces/${id}/` } };
    },
    "aws:cloudwatch/logGroup:LogGroup": (n, i, c) => ({ id: i.name ?? n, extra: { arn: `arn:aws:logs:${regionOf(i, c)}:${c.account}:log-group:${i.name ?? n}` } }),
    "aws:iam/role:Role": (n, i, c) => ({ id: i.name ?? n, extra: { arn: `arn:aws:iam::${c.account}:role/${i.path ?? ""}${i.name ?? n}`.replace("//", "/"), uniqueId: `AROA${hex(n, 17).toUpperCase()}` } }),
    "aws:iam/instanceProfile:InstanceProfile": (n, i, c) => ({ id: i.name ?? n, extra: { arn: `arn:aws:iam::${c.account}:instance-profile/${i.name ?? n}` } }),
    "aws:ec2/vpc:Vpc": (n, i) => ({ id: `vpc-${hex(n, 17)}`, extra: { cidrBlock: i.cidrBlock, defaultSecurityGroupId: `sg-${hex(n + "sg", 17)}` } }),
    "aws:ec2/subnet:Subnet": (n) => ({ id: `subnet-${hex(n, 17)}`, extra: {} }),
    "aws:ec2/routeTable:RouteTable": (n) => ({ id: `rtb-${hex(n, 17)}`, extra: {} }),
    "aws:ec2/securityGroup:SecurityGroup": (n, _i, c) => {
        const id = `sg-${hex(n, 17)}`;
        return { id, extra: { arn: `arn:aws:ec2:${c.region}:${c.account}:security-group/${id}` } };
    },
    "aws:ec2/vpcEndpoint:VpcEndpoint": (n, i, c) => {
        const id = `vpce-${hex(n, 17)}`;
        const r = regionOf(i, c);
        return {
            id,
            extra: {
                arn: `arn:aws:ec2:${r}:${c.account}:vpc-endpoint/${id}`,
                dnsEntries: [{ dnsName: `${id}-${hex(n + "d", 8)}.${String(i.serviceName ?? "").split(".").pop()}.${r}.vpce.amazonaws.com`, hostedZoneId: "Z7HUB22UULQXV" }],
                networkInterfaceIds: [`eni-${hex(n + "e", 17)}`],
                ...(i.vpcEndpointType === "Gateway" ? { prefixListId: `pl-${hex(n, 8)}` } : {}),
            },
        };
    },
    "aws:ec2/vpcEndpointService:VpcEndpointService": (n, i, c) => {
        const id = `vpce-svc-${hex(n, 17)}`;
        const r = regionOf(i, c);
        return { id, extra: { arn: `arn:aws:ec2:${r}:${c.account}:vpc-endpoint-service/${id}`, serviceName: `com.amazonaws.vpce.${r}.${id}`, baseEndpointDnsNames: [`${id}.${r}.vpce.amazonaws.com`] } };
    },
    "aws:lb/loadBalancer:LoadBalancer": (n, i, c) => {
        const r = regionOf(i, c);
        const id = `arn:aws:elasticloadbalancing:${r}:${c.account}:loadbalancer/net/${i.name ?? n}/${hex(n, 16)}`;
        return { id, extra: { arn: id, arnSuffix: id.split(":loadbalancer/")[1], dnsName: `${i.name ?? n}-${hex(n, 16)}.elb.${r}.amazonaws.com`, zoneId: "Z26RNL4JYFTOTI" } };
    },
    "aws:lb/targetGroup:TargetGroup": (n, i, c) => {
        const id = `arn:aws:elasticloadbalancing:${c.region}:${c.account}:targetgroup/${i.name ?? n}/${hex(n, 16)}`;
        return { id, extra: { arn: id, arnSuffix: id.split(":")[5] } };
    },
    "aws:lb/listener:Listener": (n, _i, c) => {
        const id = `arn:aws:elasticloadbalancing:${c.region}:${c.account}:listener/net/${hex(n, 8)}/${hex(n + "l", 16)}`;
        return { id, extra: { arn: id } };
    },
    "aws:ecs/cluster:Cluster": (n, i, c) => ({ id: `arn:aws:ecs:${c.region}:${c.account}:cluster/${i.name ?? n}`, extra: { arn: `arn:aws:ecs:${c.region}:${c.account}:cluster/${i.name ?? n}`, name: i.name ?? n } }),
    "aws:ecs/taskDefinition:TaskDefinition": (n, i, c) => ({ id: i.family ?? n, extra: { arn: `arn:aws:ecs:${c.region}:${c.account}:task-definition/${i.family ?? n}:1`, revision: 1 } }),
    "aws:ecs/service:Service": (n, i, c) => ({ id: `arn:aws:ecs:${c.region}:${c.account}:service/${i.name ?? n}`, extra: { name: i.name ?? n } }),
    "aws:ssm/parameter:Parameter": (n, i, c) => ({ id: i.name ?? n, extra: { arn: `arn:aws:ssm:${c.region}:${c.account}:parameter${String(i.name ?? n).startsWith("/") ? "" : "/"}${i.name ?? n}` } }),
    "aws:sns/topic:Topic": (n, i, c) => ({ id: `arn:aws:sns:${c.region}:${c.account}:${i.name ?? n}`, extra: { arn: `arn:aws:sns:${c.region}:${c.account}:${i.name ?? n}` } }),
    "aws:route53/zone:Zone": (n) => ({ id: `Z${hex(n, 20).toUpperCase()}`, extra: { zoneId: `Z${hex(n, 20).toUpperCase()}`, nameServers: [] } }),
    // OAM ARNs carry the resource's own region (sinks are created per fleet region).
    "aws:oam/sink:Sink": (n, i, c) => {
        const id = `${hex(n, 8)}-${hex(n + "a", 4)}-4${hex(n + "b", 3)}-8${hex(n + "c", 3)}-${hex(n + "d", 12)}`;
        const arn = `arn:aws:oam:${regionOf(i, c)}:${c.account}:sink/${id}`;
        return { id: arn, extra: { arn, sinkId: id } };
    },
    "aws:oam/link:Link": (n, i, c) => {
        const id = `${hex(n, 8)}-${hex(n + "a", 4)}-4${hex(n + "b", 3)}-8${hex(n + "c", 3)}-${hex(n + "d", 12)}`;
        const arn = `arn:aws:oam:${regionOf(i, c)}:${c.account}:link/${id}`;
        return { id: arn, extra: { arn, linkId: id, label: `account-${c.account}` } };
    },
    "aws:grafana/workspace:Workspace": (n, i, c) => {
        const id = `g-${hex(n, 10)}`;
        const r = regionOf(i, c);
        return { id, extra: { arn: `arn:aws:grafana:${r}:${c.account}:/workspaces/${id}`, endpoint: `${id}.grafana-workspace.${r}.amazonaws.com` } };
    },
    "aws:grafana/workspaceServiceAccount:WorkspaceServiceAccount": (n) => ({ id: `${hex(n, 4)}`, extra: { serviceAccountId: `${parseInt(hex(n, 4), 16) % 1000}` } }),
    "aws:grafana/workspaceServiceAccountToken:WorkspaceServiceAccountToken": (n) => ({ id: hex(n, 12), extra: { key: `glsa_offline_${hex(n, 32)}`, serviceAccountTokenId: hex(n, 6) } }),
    // Grafana generates a data source's uid when none is given: a stable stand-in, so the plan shows
    // the AMP dashboards' JSON (which names it) instead of an unknown.
    "grafana:oss/dataSource:DataSource": (n, i) => {
        const uid = String(i.uid ?? `offline-${hex(n, 10)}`);
        return { id: `1:${uid}`, extra: { uid } };
    },
    "aws:ssm/activation:Activation": (n) => ({ id: `${hex(n, 8)}-${hex(n + "x", 4)}-${hex(n + "y", 4)}-${hex(n + "z", 4)}-${hex(n + "w", 12)}`, extra: { activationCode: hex(n + "code", 20) } }),
    "aws:secretsmanager/secret:Secret": (n, i, c) => ({ id: `arn:aws:secretsmanager:${c.region}:${c.account}:secret:${i.name ?? n}-${hex(n, 6)}`, extra: { arn: `arn:aws:secretsmanager:${c.region}:${c.account}:secret:${i.name ?? n}-${hex(n, 6)}` } }),
    // The secret material is marked secret by the monitor from the SDK's additionalSecretOutputs, as the engine does.
    "tls:index/privateKey:PrivateKey": (n, i) => {
        const id = hex(n, 40);
        return {
            id,
            extra: {
                ecdsaCurve: i.ecdsaCurve ?? "P224",
                rsaBits: i.rsaBits ?? 2048,
                privateKeyPem: mockPem(i.algorithm === "ECDSA" ? "EC PRIVATE KEY" : `${i.algorithm} PRIVATE KEY`, `key:${n}`, 121),
                privateKeyPemPkcs8: mockPem("PRIVATE KEY", `key8:${n}`, 138),
                privateKeyOpenssh: mockPem("OPENSSH PRIVATE KEY", `keyssh:${n}`, 160),
                publicKeyPem: mockPem("PUBLIC KEY", `pub:${n}`, 91),
                publicKeyOpenssh: `ecdsa-sha2-nistp256 ${Buffer.from(hex(`pub:${n}`, 64), "hex").toString("base64")}\n`,
                publicKeyFingerprintMd5: hex(`md5:${n}`, 32).replace(/(..)(?!$)/g, "$1:"),
                publicKeyFingerprintSha256: `SHA256:${Buffer.from(hex(`sha:${n}`, 64), "hex").toString("base64").replace(/=+$/, "")}`,
            },
        };
    },
    "tls:index/certRequest:CertRequest": (n) => ({ id: hex(n, 40), extra: { certRequestPem: mockPem("CERTIFICATE REQUEST", `csr:${n}`, 240), keyAlgorithm: "ECDSA" } }),
    "aws:acmpca/certificateAuthority:CertificateAuthority": (n, i, c) => {
        const arn = `arn:aws:acm-pca:${regionOf(i, c)}:${c.account}:certificate-authority/${hex(n, 8)}-${hex(n + "a", 4)}-4${hex(n + "b", 3)}-8${hex(n + "c", 3)}-${hex(n + "d", 12)}`;
        return {
            id: arn,
            extra: {
                arn,
                certificateSigningRequest: mockPem("CERTIFICATE REQUEST", `ca-csr:${arn}`, 280),
                keyStorageSecurityStandard: i.keyStorageSecurityStandard ?? "FIPS_140_2_LEVEL_3_OR_HIGHER",
                type: i.type ?? "SUBORDINATE",
                usageMode: i.usageMode ?? "GENERAL_PURPOSE",
            },
        };
    },
    // The root template yields the CA's own certificate (no chain); issued certificates chain to that same PEM.
    "aws:acmpca/certificate:Certificate": (n, i) => {
        const caArn = String(i.certificateAuthorityArn);
        const caPem = caCertificatePem(caArn);
        const root = String(i.templateArn ?? "").includes("/RootCACertificate/");
        const arn = `${caArn}/certificate/${hex(n, 32)}`;
        return { id: arn, extra: { arn, certificate: root ? caPem : mockPem("CERTIFICATE", `cert:${arn}`, 460), certificateChain: root ? "" : caPem } };
    },
    "aws:acmpca/certificateAuthorityCertificate:CertificateAuthorityCertificate": (_n, i) => ({ id: String(i.certificateAuthorityArn), extra: {} }),
    "aws:secretsmanager/secretVersion:SecretVersion": (n, i) => {
        const versionId = `${hex(n, 8)}-${hex(n + "a", 4)}-4${hex(n + "b", 3)}-8${hex(n + "c", 3)}-${hex(n + "d", 12)}`;
        return { id: `${i.secretId}|${versionId}`, extra: { arn: i.secretId, versionId, versionStages: ["AWSCURRENT"] } };
    },
    "aws:secretsmanager/secretPolicy:SecretPolicy": (_n, i) => ({ id: String(i.secretArn), extra: {} }),
    "aws:rolesanywhere/trustAnchor:TrustAnchor": (n, _i, c) => ({ id: hex(n, 32), extra: { arn: `arn:aws:rolesanywhere:${c.region}:${c.account}:trust-anchor/${hex(n, 32)}` } }),
    "aws:rolesanywhere/profile:Profile": (n, _i, c) => ({ id: hex(n, 32), extra: { arn: `arn:aws:rolesanywhere:${c.region}:${c.account}:profile/${hex(n, 32)}` } }),
    "aws:ssm/association:Association": (n) => ({ id: `${hex(n, 8)}-${hex(n + "a", 4)}-4${hex(n + "b", 3)}-8${hex(n + "c", 3)}-${hex(n + "d", 12)}`, extra: { associationId: `${hex(n, 8)}-${hex(n + "a", 4)}-4${hex(n + "b", 3)}-8${hex(n + "c", 3)}-${hex(n + "d", 12)}` } }),
    "aws:route53/record:Record": (n, i) => ({ id: `${i.zoneId}_${i.name ?? n}_${i.type}`, extra: { fqdn: i.name ?? n } }),
    "aws:eks/cluster:Cluster": (n, i, c) => ({ id: i.name ?? n, extra: { arn: `arn:aws:eks:${c.region}:${c.account}:cluster/${i.name ?? n}`, endpoint: `https://${hex(n, 32).toUpperCase()}.gr7.${c.region}.eks.amazonaws.com` } }),
    // Site-to-Site VPN: tunnel outside addresses (documentation range, never a real endpoint).
    "aws:ec2/vpnConnection:VpnConnection": (n, _i, c) => {
        const id = `vpn-${hex(n, 17)}`;
        const octet = parseInt(hex(n, 2), 16) % 250;
        const attachment = _i.transitGatewayId !== undefined ? { transitGatewayAttachmentId: `tgw-attach-${hex(n, 17)}` } : {};
        return { id, extra: { arn: `arn:aws:ec2:${c.region}:${c.account}:vpn-connection/${id}`, tunnel1Address: `198.51.100.${octet + 1}`, tunnel2Address: `198.51.100.${octet + 2}`, ...attachment } };
    },
};

/** Fallback ARN for types without a specific entry: good enough for policy documents. */
function genericArn(type: string, name: string, ctx: MockContext): string {
    const service = type.split(":")[1]?.split("/")[0] ?? "unknown";
    const kind = type.split(":")[2] ?? "resource";
    return `arn:aws:${service}:${ctx.region}:${ctx.account}:${kind.charAt(0).toLowerCase()}${kind.slice(1)}/${name}`;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- passed straight to StateFn above
export function mockResourceState(type: string, name: string, inputs: Record<string, any>, ctx: MockContext): { id: string; state: Record<string, unknown> } {
    if (type === "pulumi:pulumi:StackReference") {
        const ref = String(inputs.name);
        const outputs = ctx.stackOutputs.get(ref);
        if (outputs === undefined) {
            const known = [...ctx.stackOutputs.keys()].join(", ") || "none";
            throw new Error(`StackReference "${ref}" is not a stack planned before this one (planned: ${known}). Check oss-monitoring:hubStack and the manifest's pulumiOrganization.`);
        }
        return { id: ref, state: { name: ref, outputs, secretOutputNames: [] } };
    }
    const fn = STATE[type];
    if (fn) {
        const { id, extra } = fn(name, inputs, ctx);
        return { id, state: { ...inputs, ...extra } };
    }
    const id = `${name}-${hex(type + name, 8)}`;
    return { id, state: type.startsWith("aws:") ? { arn: genericArn(type, name, ctx), ...inputs } : { ...inputs } };
}

/** Answers for data-source invokes; anything else throws so a new invoke is mocked on purpose. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- invoke arguments arrive untyped from the SDK's mock monitor
export function mockInvoke(token: string, inputs: Record<string, any>, ctx: MockContext, provider?: string): Record<string, unknown> {
    const region = typeof inputs.region === "string" ? inputs.region : ctx.region;
    const override = ctx.invokeOverrides?.[token];
    if (override !== undefined) {
        return override(inputs, provider);
    }
    switch (token) {
        case "aws:index/getCallerIdentity:getCallerIdentity":
            return { accountId: ctx.account, arn: `arn:aws:sts::${ctx.account}:assumed-role/OrganizationMonitoringDeploy/oss-monitoring`, userId: `AROA${hex(ctx.account, 17).toUpperCase()}:oss-monitoring`, id: ctx.account };
        case "aws:index/getRegion:getRegion":
            return { name: region, region, id: region, endpoint: `ec2.${region}.amazonaws.com`, description: region };
        case "aws:index/getPartition:getPartition":
            return { partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws", id: "aws" };
        case "aws:index/getAvailabilityZones:getAvailabilityZones": {
            const names = ["a", "b", "c", "d", "e", "f"].map((s) => `${region}${s}`);
            return { names, zoneIds: names.map((_, k) => `${region.replace(/-/g, "").slice(0, 4)}-az${k + 1}`), id: region, groupNames: [region] };
        }
        case "aws:iam/getPolicyDocument:getPolicyDocument": {
            const json = JSON.stringify(iamPolicyFromDocumentArgs(inputs));
            return { json, minifiedJson: json, id: hex(json, 10) };
        }
        case "aws:ec2/getVpc:getVpc":
            return {
                id: inputs.id, cidrBlock: "10.100.0.0/16", arn: `arn:aws:ec2:${region}:${ctx.account}:vpc/${inputs.id}`,
                cidrBlockAssociations: [{ associationId: `vpc-cidr-assoc-${hex(String(inputs.id), 17)}`, cidrBlock: "10.100.0.0/16", state: "associated" }],
            };
        case "aws:ec2/getRouteTables:getRouteTables":
            return { id: String(inputs.vpcId), ids: [`rtb-${hex(String(inputs.vpcId), 17)}`] };
        case "aws:eks/getCluster:getCluster": {
            const id = hex(String(inputs.name), 32).toUpperCase();
            return {
                id: inputs.name, name: inputs.name, arn: `arn:aws:eks:${region}:${ctx.account}:cluster/${inputs.name}`, status: "ACTIVE", version: "1.31",
                endpoint: `https://${id}.gr7.${region}.eks.amazonaws.com`,
                certificateAuthorities: [{ data: Buffer.from(`-----BEGIN CERTIFICATE-----\noffline-${inputs.name}\n-----END CERTIFICATE-----\n`).toString("base64") }],
                identities: [{ oidcs: [{ issuer: `https://oidc.eks.${region}.amazonaws.com/id/${id}` }] }],
                kubernetesNetworkConfigs: [{ ipFamily: "ipv4", serviceIpv4Cidr: "172.20.0.0/16", serviceIpv6Cidr: "" }],
                vpcConfig: { clusterSecurityGroupId: `sg-${hex(String(inputs.name), 17)}`, endpointPrivateAccess: true, endpointPublicAccess: false, publicAccessCidrs: [], securityGroupIds: [], subnetIds: [], vpcId: `vpc-${hex(String(inputs.name), 17)}` },
            };
        }
        case "aws:iam/getOpenIdConnectProvider:getOpenIdConnectProvider": {
            const host = String(inputs.url ?? "").replace(/^https:\/\//, "");
            return { id: host, arn: `arn:aws:iam::${ctx.account}:oidc-provider/${host}`, url: host, clientIdLists: ["sts.amazonaws.com"], thumbprintLists: [], tags: {} };
        }
        case "aws:ec2/getNatGateway:getNatGateway":
            return { id: inputs.id, state: "available", connectivityType: "public", subnetId: `subnet-${hex(String(inputs.id), 17)}`, vpcId: `vpc-${hex(String(inputs.id), 17)}`, allocationId: `eipalloc-${hex(String(inputs.id), 17)}`, publicIp: "198.51.100.10", privateIp: "10.0.0.10", tags: {} };
        case "aws:ec2/getVpcEndpointService:getVpcEndpointService": {
            // Endpoint services of the hub cover three AZs, AWS services all six.
            const custom = String(inputs.serviceName ?? "").startsWith("com.amazonaws.vpce.");
            const azs = ["a", "b", "c", "d", "e", "f"].slice(0, custom ? 3 : 6).map((s) => `${region}${s}`);
            return { id: String(inputs.serviceName ?? inputs.service), serviceName: inputs.serviceName ?? `com.amazonaws.${region}.${inputs.service}`, availabilityZones: azs, serviceType: "Interface", acceptanceRequired: custom, owner: custom ? ctx.account : "amazon", privateDnsName: "", tags: {} };
        }
        case "aws:ec2/getSubnet:getSubnet": {
            // Subnets spread over the first three AZs by their ID's last hex digit (…1 → b, …2 → c, …3 → a).
            const id = String(inputs.id);
            const k = parseInt(id.slice(-1), 16) % 3;
            return { id, availabilityZone: `${region}${"abc"[k]}`, availabilityZoneId: `${region.replace(/-/g, "").slice(0, 4)}-az${k + 1}`, vpcId: `vpc-${hex(id, 17)}`, cidrBlock: `10.${k}.0.0/24`, tags: {} };
        }
        case "aws:ec2/getVpcEndpoint:getVpcEndpoint": {
            // Landing VPCs have an S3 gateway endpoint (what their config declares); nothing else
            // exists yet, and AWS answers "no matching EC2 VPC Endpoint found" for that.
            const gateway = (inputs.filters ?? []).some((f: { name: string; values: string[] }) => f.name === "vpc-endpoint-type" && f.values.includes("Gateway"));
            if (gateway && String(inputs.serviceName).endsWith(".s3")) {
                return { id: `vpce-${hex(String(inputs.vpcId), 17)}`, vpcId: inputs.vpcId, serviceName: inputs.serviceName, vpcEndpointType: "Gateway", state: "available", tags: {} };
            }
            throw new Error("no matching EC2 VPC Endpoint found");
        }
        case "aws:route53/getZone:getZone":
            throw new Error("no matching Route 53 Hosted Zone found");
        case "aws:ec2/getRouteTable:getRouteTable":
            // Only the local route: no gateway endpoint routes yet.
            return { id: inputs.routeTableId, routeTableId: inputs.routeTableId, vpcId: `vpc-${hex(String(inputs.routeTableId), 17)}`, routes: [], associations: [], tags: {} };
        case "aws:ec2/getPrefixList:getPrefixList":
            return { id: `pl-${hex(String(inputs.name), 8)}`, name: inputs.name, cidrBlocks: ["52.216.0.0/15"] };
        case "aws:secretsmanager/getSecretVersion:getSecretVersion":
            return mockSecretVersion(String(inputs.secretId ?? ""), inputs.versionStage);
        default:
            throw new Error(`offline plan: no mock for invoke ${token}; add one to automation/plan/mock/mockState.ts`);
    }
}

/**
 * GetSecretValue as the spoke's deploy role sees it (by full ARN, AWSCURRENT): only tenant identity
 * secrets (components/identity/tenants.ts) are mocked, with a JSON value of PEM-shaped placeholders
 * (deterministic, never a usable key). Any other secret throws like a missing one, so a new secret
 * read gets a mock on purpose.
 */
export function mockSecretVersion(secretId: string, versionStage?: unknown): Record<string, unknown> {
    const m = /^arn:aws[a-z-]*:secretsmanager:([a-z0-9-]+):(\d{12}):secret:(.+)-[A-Za-z0-9]{6}$/.exec(secretId);
    if (m === null || !m[3].startsWith(IDENTITY_SECRET_PREFIX)) {
        throw new Error(`offline plan: no mock for secret ${secretId} (ResourceNotFoundException); only tenant identity secrets (${IDENTITY_SECRET_PREFIX}*) are mocked`);
    }
    const name = m[3];
    const pem = (label: string, seed: string) => {
        const body = Buffer.from(`offline plan placeholder ${seed} ${hex(seed, 64)}`).toString("base64").replace(/(.{64})/g, "$1\n").replace(/\n$/, "");
        return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
    };
    const value = {
        [IDENTITY_SECRET_KEYS.certificate]: pem("CERTIFICATE", `${name} certificate`),
        [IDENTITY_SECRET_KEYS.chain]: pem("CERTIFICATE", `${m[2]} tenant CA`),
        [IDENTITY_SECRET_KEYS.privateKey]: pem("PRIVATE KEY", `${name} key`),
    };
    const stage = typeof versionStage === "string" ? versionStage : "AWSCURRENT";
    const versionId = `${hex(name, 8)}-${hex(`${name}1`, 4)}-4${hex(`${name}2`, 3)}-8${hex(`${name}3`, 3)}-${hex(`${name}4`, 12)}`;
    return {
        id: `${secretId}|${stage}`, arn: secretId, secretId, secretString: JSON.stringify(value), secretBinary: "",
        versionId, versionStage: stage, versionStages: [stage], createdDate: "2026-11-01T00:00:00Z",
    };
}
