/** Resource policies letting AMP's alert manager publish to the alert topic (and use its CMK). */

export const AMP_SERVICE_PRINCIPAL = "aps.amazonaws.com";

/** AMP needs Publish, and GetTopicAttributes to check the topic before publishing (AMP user guide). */
export const AMP_SNS_ACTIONS: readonly string[] = ["sns:Publish", "sns:GetTopicAttributes"];

const ACCOUNT = /^\d{12}$/;

function confusedDeputyConditions(accountId: string, workspaceArn: string): Record<string, Record<string, string>> {
    if (!ACCOUNT.test(accountId)) {
        throw new Error(`accountId "${accountId}" must be the 12-digit ID of the account that owns the AMP workspace`);
    }
    if (!/^arn:aws[a-z-]*:aps:[a-z0-9-]+:\d{12}:workspace\/\S+$/.test(workspaceArn)) {
        throw new Error(`workspaceArn "${workspaceArn}" is not an AMP workspace ARN (arn:aws:aps:<region>:<account>:workspace/ws-...)`);
    }
    return {
        StringEquals: { "aws:SourceAccount": accountId },
        ArnEquals: { "aws:SourceArn": workspaceArn },
    };
}

/** Topic policy: only AMP, acting for this workspace in this account, may publish. */
export function alertTopicPolicy(topicArn: string, accountId: string, workspaceArn: string): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "AllowAmpAlertManagerPublish",
                Effect: "Allow",
                Principal: { Service: AMP_SERVICE_PRINCIPAL },
                Action: [...AMP_SNS_ACTIONS],
                Resource: topicArn,
                Condition: confusedDeputyConditions(accountId, workspaceArn),
            },
        ],
    });
}

/**
 * Statement to merge into the policy of the CMK that encrypts the alert topic: without it AMP's
 * publishes to the encrypted topic fail. Exposed for whoever owns the key policy.
 */
export function ampSnsKmsKeyPolicyStatement(accountId: string, workspaceArn: string): Record<string, unknown> {
    return {
        Sid: "AllowAmpAlertManagerEncryptedTopic",
        Effect: "Allow",
        Principal: { Service: AMP_SERVICE_PRINCIPAL },
        Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
        Resource: "*",
        Condition: confusedDeputyConditions(accountId, workspaceArn),
    };
}
