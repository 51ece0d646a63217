/**
 * Comparing AWS identities by what they name, not how they are spelt: a role can be given by name,
 * by ARN, or by ARN with a path, and a KMS key by ID, key ARN, alias or alias ARN.
 */

export interface RoleIdentity {
    /** 12-digit account when the reference names one (ARNs do; bare names mean "this account"). */
    account?: string;
    /** Role name without its path (IAM role names are unique per account regardless of path). */
    name: string;
}

/**
 * The role a reference names: `collector`, `arn:aws:iam::111111111111:role/collector`,
 * `arn:aws:iam::111111111111:role/service-role/ecs/collector`. Role names are case-insensitive in IAM
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-names).
 */
export function roleIdentity(ref: string): RoleIdentity | undefined {
    const trimmed = ref.trim();
    const m = /^arn:aws[a-z-]*:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(trimmed);
    if (m) {
        return { account: m[1], name: m[2].toLowerCase() };
    }
    if (/^[\w+=,.@-]{1,64}$/.test(trimmed)) {
        return { name: trimmed.toLowerCase() };
    }
    return undefined;
}

/** Do two references name the same role? Unknown shapes fall back to exact comparison. */
export function sameRole(a: string, b: string, ownAccount?: string): boolean {
    const ra = roleIdentity(a);
    const rb = roleIdentity(b);
    if (ra === undefined || rb === undefined) {
        return a.trim() === b.trim();
    }
    const accA = ra.account ?? ownAccount;
    const accB = rb.account ?? ownAccount;
    return ra.name === rb.name && (accA === undefined || accB === undefined || accA === accB);
}

/**
 * A KMS key reference to an AWS-managed key: `alias/aws/<service>` or its alias ARN. AWS-managed keys
 * cannot have their key policy changed or be disabled/rotated on your schedule
 * (https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#aws-managed-key), so a rule that
 * asks for a customer-managed key refuses them.
 */
export function isAwsManagedKeyRef(ref: string): boolean {
    return /^(arn:aws[a-z-]*:kms:[^:]*:\d{12}:)?alias\/aws\//i.test(ref.trim());
}
