/**
 * The stateful resource types of the fleet and, per type, the inputs whose change the provider
 * documents as forcing a replacement (a new physical resource: the data, keys or certificates of
 * the old one are gone). Pulumi's AWS provider is bridged from terraform-provider-aws, whose schema
 * marks these fields `ForceNew: true` (or forces a new resource from a CustomizeDiff); the bridge
 * turns each into a replacement (https://www.pulumi.com/registry/packages/aws/api-docs/ lists the
 * same inputs under "changes to this property will trigger replacement"). Input names are the
 * SDK's camelCase; a path matches the property and everything under it.
 */

/** A change from `before` to `after` on `property` forces replacement when `when` holds (always when absent). */
export interface ForceNewRule {
    readonly property: string;
    readonly when?: (before: unknown, after: unknown) => boolean;
    readonly why?: string;
}

export interface StatefulType {
    /** What would be lost with the resource. */
    readonly holds: string;
    /** terraform-provider-aws source of the ForceNew fields (repo@commit path). */
    readonly source: string;
    readonly forceNew: readonly ForceNewRule[];
}

const TF = "hashicorp/terraform-provider-aws";
const always = (property: string): ForceNewRule => ({ property });

export const STATEFUL_TYPES: Readonly<Record<string, StatefulType>> = {
    "aws:amp/workspace:Workspace": {
        holds: "every stored metric sample and the workspace's rules and alert manager",
        source: `${TF}@0620f2a6 internal/service/amp/workspace.go (kms_key_arn ForceNew; CustomizeDiff ForceNewIfChange("alias") when an alias is unset)`,
        forceNew: [
            always("kmsKeyArn"),
            { property: "alias", when: (b, a) => typeof b === "string" && b !== "" && (a === undefined || a === ""), why: "an alias, once set, cannot be unset" },
        ],
    },
    "aws:kms/key:Key": {
        holds: "the key material: everything encrypted under it becomes unreadable once the old key is deleted",
        source: `${TF}@00a35305 internal/service/kms/key.go (custom_key_store_id, customer_master_key_spec, key_usage, multi_region, xks_key_id ForceNew)`,
        forceNew: ["customKeyStoreId", "customerMasterKeySpec", "keyUsage", "multiRegion", "xksKeyId"].map(always),
    },
    "aws:acmpca/certificateAuthority:CertificateAuthority": {
        holds: "the tenant CA's private key: every certificate it issued stops chaining to the new CA",
        source: `${TF}@0509e60e internal/service/acmpca/certificate_authority.go (certificate_authority_configuration.{key_algorithm,signing_algorithm,subject.*}, key_storage_security_standard, type ForceNew)`,
        forceNew: ["certificateAuthorityConfiguration.keyAlgorithm", "certificateAuthorityConfiguration.signingAlgorithm", "certificateAuthorityConfiguration.subject", "keyStorageSecurityStandard", "type"].map(always),
    },
    "aws:grafana/workspace:Workspace": {
        holds: "dashboards, users, API keys, alert rules and the workspace URL",
        // grafana_version is Optional+Computed without ForceNew and is applied with
        // UpdateWorkspaceConfiguration (same file, resourceWorkspaceUpdate): a version change is in place.
        source: `${TF}@00a35305 internal/service/grafana/workspace.go (authentication_providers, kms_key_id ForceNew; grafana_version updated in place)`,
        forceNew: ["authenticationProviders", "kmsKeyId"].map(always),
    },
    "aws:oam/sink:Sink": {
        holds: "every source account's link: links name the sink's ARN and break with a new sink",
        source: `${TF}@001c3487 internal/service/oam/sink.go (name ForceNew)`,
        forceNew: [always("name")],
    },
    "aws:secretsmanager/secret:Secret": {
        holds: "the secret value and its version history",
        source: `${TF}@00c21ced internal/service/secretsmanager/secret.go (name, name_prefix ForceNew)`,
        forceNew: ["name", "namePrefix"].map(always),
    },
    "aws:cloudwatch/logGroup:LogGroup": {
        holds: "the log events stored in the group",
        source: `${TF}@0073593e internal/service/logs/group.go (log_group_class, name, name_prefix ForceNew)`,
        forceNew: ["logGroupClass", "name", "namePrefix"].map(always),
    },
    // Every parameter the fleet writes is read by name by running collectors and agents (their
    // configuration, the tenant CA bundle, the revoked serials): a replacement is a window without it.
    "aws:ssm/parameter:Parameter": {
        holds: "a value running collectors and agents read by name",
        source: `${TF}@0073593e internal/service/ssm/parameter.go (name, data_type ForceNew; CustomizeDiff ForceNewIfChange("tier") from Advanced to Standard)`,
        forceNew: [
            always("name"),
            always("dataType"),
            { property: "tier", when: (b, a) => b === "Advanced" && a === "Standard", why: "an Advanced parameter cannot be downgraded to Standard" },
        ],
    },
};

/** The rule a changed input path falls under, if any (`subject.commonName` falls under `subject`). */
export function forceNewRule(type: string, path: string): ForceNewRule | undefined {
    const rules = STATEFUL_TYPES[type]?.forceNew ?? [];
    // Paths from inputChanges use `[i]`, `[+]`, `[-]` for list elements.
    return rules.find((r) => path === r.property || path.startsWith(`${r.property}.`) || path.startsWith(`${r.property}[`));
}
