/**
 * Every policy of the pack, in report order. policy/index.ts registers exactly this array, and the
 * offline evaluator (policy/offline) runs exactly these objects.
 */
import { EnforcementLevel, Policies } from "@pulumi/policy";
import { albDropInvalidHeaders, collectorExporterTls, collectorReceiverTls, grafanaDataSourceTls, haproxyBindTlsMinVersion, lbListenerRuleTls, lbListenerTls, lbListenerTlsPolicy, lbTargetGroupTls, nlbTlsTargetGroupNoStickiness, s3BucketPolicySecureTransport } from "./rules/tls";
import {
    iamNoBroadManagedPolicies,
    iamNoPassRoleWildcard,
    iamNoUserPolicies,
    iamNoUsersOrAccessKeys,
    iamNoWildcardActions,
    iamNoWildcardResources,
    iamTrustPolicyConditions,
    kmsKeyPolicyNoWildcardPrincipal,
} from "./rules/leastPrivilege";
import {
    ecsServiceNoPublicIp,
    eksPrivateEndpoint,
    grafanaWorkspacePrivate,
    lbInternal,
    oamSinkPolicyOrgCondition,
    regulatedPrivateEndpoints,
    resourcePolicyNoPublicPrincipal,
    sgNoPublicIngress,
    sgNoUnrestrictedEgress,
    subnetNoPublicIp,
    vpcEndpointPolicyVpcWide,
    vpcEndpointPrivateDnsAndPolicy,
    vpcEndpointServiceAcceptance,
} from "./rules/exposure";
import {
    ampWorkspaceEncryptionLogging,
    ecsTaskNoPlaintextSecrets,
    ecsTaskNonPrivileged,
    ecsTaskReadOnlyRoot,
    ecsTaskRoleSeparation,
    kmsKeyRotation,
    logGroupKmsRetention,
    ssmCredentialsSecureString,
    storesCustomerManagedKey,
} from "./rules/hygiene";
import { costAllocationTags, stackPrivatePathToHub } from "./rules/stack";
import { collectorTenantLabelsFromIdentity, hubIngressClientIdentity } from "./rules/identity";

export const PACK_NAME = "oss-monitoring-guard";

/** Pack default; every policy sets its own level, overridable per policy through policy-pack config. */
export const PACK_ENFORCEMENT_LEVEL: EnforcementLevel = "mandatory";

export const policies: Policies = [
    // TLS in transit
    lbListenerTls,
    lbListenerRuleTls,
    lbListenerTlsPolicy,
    lbTargetGroupTls,
    nlbTlsTargetGroupNoStickiness,
    albDropInvalidHeaders,
    s3BucketPolicySecureTransport,
    grafanaDataSourceTls,
    collectorExporterTls,
    collectorReceiverTls,
    haproxyBindTlsMinVersion,
    // Least privilege
    iamNoWildcardActions,
    iamNoWildcardResources,
    iamNoPassRoleWildcard,
    iamNoBroadManagedPolicies,
    iamTrustPolicyConditions,
    iamNoUsersOrAccessKeys,
    iamNoUserPolicies,
    kmsKeyPolicyNoWildcardPrincipal,
    // Private endpoints / exposure
    lbInternal,
    sgNoPublicIngress,
    sgNoUnrestrictedEgress,
    ecsServiceNoPublicIp,
    subnetNoPublicIp,
    vpcEndpointPrivateDnsAndPolicy,
    vpcEndpointPolicyVpcWide,
    vpcEndpointServiceAcceptance,
    regulatedPrivateEndpoints,
    oamSinkPolicyOrgCondition,
    resourcePolicyNoPublicPrincipal,
    grafanaWorkspacePrivate,
    eksPrivateEndpoint,
    // Tenant identity
    hubIngressClientIdentity,
    collectorTenantLabelsFromIdentity,
    // Hygiene
    kmsKeyRotation,
    ampWorkspaceEncryptionLogging,
    logGroupKmsRetention,
    storesCustomerManagedKey,
    ssmCredentialsSecureString,
    ecsTaskNonPrivileged,
    ecsTaskReadOnlyRoot,
    ecsTaskRoleSeparation,
    ecsTaskNoPlaintextSecrets,
    // Stack level
    stackPrivatePathToHub,
    costAllocationTags,
];
