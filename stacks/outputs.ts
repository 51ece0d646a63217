/**
 * The hub stack's outputs: the one contract between the hub and the stacks that read it.
 *
 * - `HubOutputs`: every output the hub exports, typed; `stacks/hub.ts` builds its outputs
 *   `satisfies HubOutputs`, so a renamed or retyped output fails the typecheck of both sides.
 * - `HUB_OUTPUT_KEYS`: the key names, derived from the type (`HUB_OUTPUT_KEYS.collectorDomain`).
 * - `readHubOutputs(ref, hubStack)`: the only way a spoke (monitored account, on-prem site) reads
 *   the hub. Each field is validated where it is read, and a missing or malformed output fails
 *   naming the hub stack, the key and the fix.
 * - `compact()`: drops the outputs of features that are off.
 *
 * Only `stacks/` reads another stack; components take the values as inputs.
 */
import * as pulumi from "@pulumi/pulumi";
import { sinkArnForRegion } from "../components/cloudwatch/observabilityPolicy";
import { Tenant } from "../components/identity/tenants";
import { identitySecretArnFor } from "../components/spoke/tenantIdentity";

type In<T> = pulumi.Input<T>;

/** Outputs of the hub stack (`stacks/hub.ts`). Optional ones are absent while their feature is off. */
export interface HubOutputs {
    readonly account: In<string>;
    readonly region: In<string>;
    readonly organizationId: In<string>;
    readonly ampWorkspaceId: In<string>;
    readonly ampWorkspaceArn: In<string>;
    readonly ampRemoteWriteUrl: In<string>;
    readonly ampQueryUrl: In<string>;
    readonly drWorkspaceArn?: In<string>;
    readonly drRegion?: In<string>;
    readonly drVpcId?: In<string>;
    readonly drAmpEndpointId?: In<string>;
    /** PrivateLink endpoint service of the collector NLB (com.amazonaws.vpce.<region>.vpce-svc-…). */
    readonly endpointServiceName: In<string>;
    readonly endpointServiceId: In<string>;
    /** The zones the endpoint service offers, by ID: spokes keep only subnets in these. */
    readonly endpointServiceAzIds: In<string[]>;
    /** Private name of the collector, e.g. collector.monitoring.internal. */
    readonly collectorDomain: In<string>;
    readonly collectorNlbDnsName: In<string>;
    /** Ports the hub collector serves. */
    readonly collectorPorts: In<number[]>;
    readonly certificateArn?: In<string>;
    /** Spokes verify nothing else with this CA. */
    readonly tenantCaCertificate: In<string>;
    /** tenantKey → full ARN of the tenant's identity secret. */
    readonly tenantIdentitySecretArns: In<Record<string, In<string>>>;
    readonly collectorTaskRoleArn: In<string>;
    readonly collectorConfigParameter: In<string>;
    readonly grafanaUrl: In<string>;
    readonly grafanaWorkspaceId: In<string>;
    readonly grafanaDataSourceUid?: In<string>;
    readonly grafanaApiEndpointId?: In<string>;
    readonly alertTopicArn: In<string>;
    readonly dashboardUrls: In<Record<string, string>>;
    /** region → CloudWatch observability sink ARN. */
    readonly observabilitySinkArns: In<Record<string, In<string>>>;
    readonly cloudwatchDataSourceUid?: In<string>;
    readonly cloudwatchDashboardUrl?: In<string>;
    /** PEM of the CA that issued the hub's certificate; absent: system roots. */
    readonly collectorCaBundle?: In<string>;
    readonly vpcId: In<string>;
    /**
     * tenantKey → the earliest expiry (ISO 8601) of the certificate the hub issued the tenant this
     * rotation period (components/identity/tenantIdentities.ts earliestCertificateExpiry); `fleet status` shows it.
     */
    readonly tenantCertificateExpiresAt?: In<Record<string, string>>;
    /** What this stack deployed (DEPLOYED_VERSIONS_OUTPUT); optional so spokes still read a hub from before it existed. */
    readonly deployedVersions?: In<DeployedVersions>;
}

export type HubOutputKey = keyof HubOutputs;

/** The hub's output names, one constant per key of HubOutputs. */
export const HUB_OUTPUT_KEYS: { readonly [K in HubOutputKey]-?: K } = {
    account: "account", region: "region", organizationId: "organizationId",
    ampWorkspaceId: "ampWorkspaceId", ampWorkspaceArn: "ampWorkspaceArn", ampRemoteWriteUrl: "ampRemoteWriteUrl", ampQueryUrl: "ampQueryUrl",
    drWorkspaceArn: "drWorkspaceArn", drRegion: "drRegion", drVpcId: "drVpcId", drAmpEndpointId: "drAmpEndpointId",
    endpointServiceName: "endpointServiceName", endpointServiceId: "endpointServiceId", endpointServiceAzIds: "endpointServiceAzIds",
    collectorDomain: "collectorDomain", collectorNlbDnsName: "collectorNlbDnsName", collectorPorts: "collectorPorts", certificateArn: "certificateArn",
    tenantCaCertificate: "tenantCaCertificate", tenantIdentitySecretArns: "tenantIdentitySecretArns",
    collectorTaskRoleArn: "collectorTaskRoleArn", collectorConfigParameter: "collectorConfigParameter",
    grafanaUrl: "grafanaUrl", grafanaWorkspaceId: "grafanaWorkspaceId", grafanaDataSourceUid: "grafanaDataSourceUid", grafanaApiEndpointId: "grafanaApiEndpointId",
    alertTopicArn: "alertTopicArn", dashboardUrls: "dashboardUrls", observabilitySinkArns: "observabilitySinkArns",
    cloudwatchDataSourceUid: "cloudwatchDataSourceUid", cloudwatchDashboardUrl: "cloudwatchDashboardUrl", collectorCaBundle: "collectorCaBundle", vpcId: "vpcId",
    tenantCertificateExpiresAt: "tenantCertificateExpiresAt", deployedVersions: "deployedVersions",
};

/**
 * Every stack's output of what it deployed: the project release, the collector image it runs (hub
 * collector, EKS collector, on-prem gateway; absent where the stack runs none) and, on the hub, the
 * Managed Grafana version. `fleet status` shows it per stack, so a half-upgraded fleet is visible.
 */
export const DEPLOYED_VERSIONS_OUTPUT = "deployedVersions";

export interface DeployedVersions {
    readonly release: string;
    readonly collectorImage?: string;
    readonly grafanaVersion?: string;
}

/** The output value, without the fields a stack does not have. */
export function deployedVersions(release: string, collectorImage?: string, grafanaVersion?: string): DeployedVersions {
    return { release, ...(collectorImage !== undefined ? { collectorImage } : {}), ...(grafanaVersion !== undefined ? { grafanaVersion } : {}) };
}

/** Spoke output: expiry (ISO 8601) of the certificate the stack copied for its senders; `fleet status` shows it. */
export const SPOKE_CERTIFICATE_OUTPUT = "identityCertificateExpiresAt";

type RequiredKeys<T> = { [K in keyof T]-?: undefined extends T[K] ? never : K }[keyof T];
type OptionalKeys<T> = Exclude<keyof T, RequiredKeys<T>>;

/** The optional keys of HubOutputs (the mapped type makes the list complete). */
const OPTIONAL_HUB_OUTPUTS: { readonly [K in OptionalKeys<HubOutputs>]-?: true } = {
    drWorkspaceArn: true, drRegion: true, drVpcId: true, drAmpEndpointId: true, certificateArn: true, grafanaDataSourceUid: true,
    grafanaApiEndpointId: true, cloudwatchDataSourceUid: true, cloudwatchDashboardUrl: true, collectorCaBundle: true,
    tenantCertificateExpiresAt: true, deployedVersions: true,
};

/** Outputs every deployed hub exports (the non-optional keys of HubOutputs). */
export const REQUIRED_HUB_OUTPUTS = (Object.keys(HUB_OUTPUT_KEYS) as HubOutputKey[])
    .filter((k) => !(k in OPTIONAL_HUB_OUTPUTS)) as readonly RequiredKeys<HubOutputs>[];

/** Drops undefined outputs (optional features that are off) instead of exporting nothing. */
export function compact<T extends object>(outputs: T): Record<string, pulumi.Input<unknown>> {
    return Object.fromEntries(Object.entries(outputs).filter(([, v]) => v !== undefined));
}

/**
 * The deployed hub must be in the region this spoke's endpoint names: its own region, or `hubRegion`
 * (a cross-region endpoint, which the hub's endpoint service admits only from its supportedRegions).
 */
export function checkHubRegion(hubStack: string, hubRegion: string, region: string, expected: string = region): void {
    if (hubRegion !== expected) {
        throw new Error(`hub stack ${hubStack} is in ${hubRegion} but this stack expects it in ${expected}` +
            (expected === region ? ` (its own region); list ${region} in the manifest's regions and regenerate the stack files (\`npm run fleet -- config\`)` : "; regenerate the stack files from the manifest (`npm run fleet -- config`)"));
    }
}

/** The hub's endpoint service name, once the deployed hub's region is the one this spoke's endpoint names. */
export function hubServiceName(hub: HubOutputsReader, config: { readonly hubStack: string; readonly region: string; readonly hubRegion?: string }): pulumi.Output<string> {
    return pulumi.all([hub.string("endpointServiceName"), hub.string("region")]).apply(([service, hubRegion]) => {
        checkHubRegion(config.hubStack, hubRegion, config.region, config.hubRegion ?? config.region);
        return service;
    });
}

/** The hub's outputs as a spoke reads them: each one validated when it is read. */
export interface HubOutputsReader {
    /** Fully qualified name of the hub stack (for messages). */
    readonly hubStack: string;
    /** A required, non-empty string output. */
    string(key: "endpointServiceName" | "collectorDomain" | "region"): pulumi.Output<string>;
    /** The collector ports, a list of TCP ports. */
    collectorPorts(): pulumi.Output<number[]>;
    /** The CA bundle of the hub's certificate, or undefined (system roots). */
    collectorCaBundle(): pulumi.Output<string | undefined>;
    /** The hub's observability sink in `region` (sinkArnForRegion). */
    observabilitySinkArn(region: string): pulumi.Output<string>;
    /**
     * The tenant's identity secret ARN (identitySecretArnFor), awaited so that a hub without it
     * fails the spoke with one line before any of the spoke's resources is registered.
     */
    tenantIdentitySecretArn(tenant: Pick<Tenant, "kind" | "account" | "site">): Promise<string>;
}

/**
 * `ref.getOutput(key)`: the same value, dependencies and secretness (@pulumi/pulumi 3.248.0 stackReference.js
 * getOutput and isSecretOutputName: secret when the stack lists the key in secretOutputNames, or, when that list
 * is unknown or absent, when any of its outputs is), without getOutput's `all([output(name), this.outputs])`,
 * which walks every output of the referenced stack twice (output.js outputRec and containsUnknowns) for each key
 * read. The hub's outputs list every tenant, so each of a spoke's reads cost what the whole fleet's identities
 * weigh: at 2,050 tenants about a quarter of a planned spoke's CPU. Here only the key's own value is walked.
 */
export function stackOutput(ref: pulumi.StackReference, key: string): pulumi.Output<unknown> {
    const value = ref.outputs.apply((os) => os[key]) as unknown as SdkOutput;
    const names = ref.secretOutputNames as unknown as SdkOutput;
    const outputs = ref.outputs as unknown as SdkOutput;
    const secret = (async () => {
        const list = (await names.isKnown) ? await names.promise() : undefined;
        return Array.isArray(list) ? list.includes(key) : await outputs.isSecret;
    })();
    // The SDK's own Output constructor, as getOutput builds its result (the public typings do not expose it).
    const OutputImpl = pulumi.Output as unknown as new (...args: unknown[]) => pulumi.Output<unknown>;
    return new OutputImpl(value.resources(), value.promise(), value.isKnown, secret, value.allResources());
}

/** The @internal members of an SDK Output that getOutput reads (output.d.ts). */
interface SdkOutput {
    readonly isKnown: Promise<boolean>;
    readonly isSecret: Promise<boolean>;
    promise(): Promise<unknown>;
    resources(): Set<pulumi.Resource>;
    allResources(): Promise<Set<pulumi.Resource>>;
}

/**
 * Reads the hub through `ref` (the spoke's StackReference, whose logical name the spoke keeps).
 * Outputs are read lazily: a spoke that never needs an output does not require the hub to have it.
 */
export function readHubOutputs(ref: pulumi.StackReference, hubStack: string): HubOutputsReader {
    const malformed = (key: HubOutputKey, what: string) => new Error(`hub stack ${hubStack}: output ${key} ${what}; deploy the hub first`);
    return {
        hubStack,
        string: (key) => stackOutput(ref, key).apply((v) => {
            if (typeof v !== "string" || v.length === 0) {
                throw malformed(key, "is missing or empty");
            }
            return v;
        }),
        collectorPorts: () => stackOutput(ref, HUB_OUTPUT_KEYS.collectorPorts).apply((v) => {
            if (!Array.isArray(v) || !v.every((p) => Number.isInteger(p) && p > 0 && p < 65536)) {
                throw malformed(HUB_OUTPUT_KEYS.collectorPorts, `is not a list of TCP ports (got ${JSON.stringify(v)})`);
            }
            return v as number[];
        }),
        collectorCaBundle: () => stackOutput(ref, HUB_OUTPUT_KEYS.collectorCaBundle).apply((v) => (typeof v === "string" && v.length > 0 ? v : undefined)),
        observabilitySinkArn: (region) => stackOutput(ref, HUB_OUTPUT_KEYS.observabilitySinkArns)
            .apply((arns) => sinkArnForRegion(arns as Record<string, unknown>, region, hubStack)),
        tenantIdentitySecretArn: async (tenant) => {
            // getOutputDetails' value, secret or not (stackReference.js readOutputValue awaits the output's promise).
            const arns = await (stackOutput(ref, HUB_OUTPUT_KEYS.tenantIdentitySecretArns) as unknown as SdkOutput).promise();
            return identitySecretArnFor(arns, tenant, hubStack);
        },
    };
}
