/**
 * Trust documents of on-premises hosts' roles: the SSM hybrid-activation service role and the
 * IAM Roles Anywhere role. Their permissions are the agents' (agent/agentIam.ts). Pure, so tests
 * assert the exact JSON.
 */
import { PolicyDocument, policyDocument, serviceTrust, Statement } from "../security/iam";

/** Trust for the hybrid activation's service role: SSM of this account and region only. */
export function ssmHybridTrust(account: string, region: string): PolicyDocument {
    return serviceTrust("ssm.amazonaws.com", account, `arn:aws:ssm:${region}:${account}:*`);
}

export interface CertificateSubjectCondition {
    /** Allowed common names (IAM StringLike patterns). */
    readonly commonNames?: readonly string[];
    readonly organizationalUnit?: string;
    readonly organization?: string;
}

/**
 * Trust for the Roles Anywhere role: only sessions created through this account's trust
 * anchor, and only for certificates whose subject matches. Roles Anywhere maps the subject
 * to `aws:PrincipalTag/x509Subject/<field>`.
 */
/** Why a subject condition admits too much (no field to match), or undefined: the on-prem schema and rolesAnywhereTrust both ask. */
export function certificateSubjectProblem(subject: CertificateSubjectCondition): string | undefined {
    if ((subject.commonNames ?? []).length === 0 && subject.organizationalUnit === undefined && subject.organization === undefined) {
        return "set at least one of commonNames, organizationalUnit, organization: otherwise any certificate of the CA may assume the role " +
            "(every certificate of the CA matches an empty condition)";
    }
    return undefined;
}

export function rolesAnywhereTrust(account: string, trustAnchorArn: string, subject: CertificateSubjectCondition): PolicyDocument {
    const equals: Record<string, string | string[]> = { "aws:SourceAccount": account };
    if (subject.organizationalUnit !== undefined) {
        equals["aws:PrincipalTag/x509Subject/OU"] = subject.organizationalUnit;
    }
    if (subject.organization !== undefined) {
        equals["aws:PrincipalTag/x509Subject/O"] = subject.organization;
    }
    const condition: NonNullable<Statement["Condition"]> = { StringEquals: equals, ArnEquals: { "aws:SourceArn": trustAnchorArn } };
    if (subject.commonNames !== undefined && subject.commonNames.length > 0) {
        condition.StringLike = { "aws:PrincipalTag/x509Subject/CN": [...subject.commonNames] };
    }
    const problem = certificateSubjectProblem(subject);
    if (problem !== undefined) {
        throw new Error(`rolesAnywhereTrust: subject: ${problem}`);
    }
    return policyDocument([{
        Sid: "TrustSiteCertificatesThroughTheTrustAnchor",
        Effect: "Allow",
        Principal: { Service: "rolesanywhere.amazonaws.com" },
        Action: ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"],
        Condition: condition,
    }]);
}
