/** The parts of an ARN: arn:partition:service:region:account:resource. */
export interface Arn {
    readonly partition: string;
    readonly service: string;
    readonly region: string;
    readonly account: string;
    readonly resource: string;
}

export function parseArn(text: string): Arn | undefined {
    const m = /^arn:(aws[a-z-]*):([a-z0-9-]+):([a-z0-9-]*):(\d{12}|):(.+)$/.exec(text);
    return m ? { partition: m[1], service: m[2], region: m[3], account: m[4], resource: m[5] } : undefined;
}

/** ACM certificate IDs are UUIDs: arn:aws:acm:us-east-1:111111111111:certificate/0f0e0d0c-0000-4000-8000-000000000001. */
export const ACM_CERTIFICATE_RESOURCE = /^certificate\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Secrets Manager appends "-" and six random characters to the secret name in its ARN
 * (CreateSecret Name: https://docs.aws.amazon.com/sdk-for-kotlin/api/latest/secretsmanager/aws.sdk.kotlin.services.secretsmanager.model/-create-secret-request/name.html).
 */
export const SECRET_RESOURCE = /^secret:[\w/+=.@-]+-[A-Za-z0-9]{6}$/;
