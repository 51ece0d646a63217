/**
 * CloudWatch Logs retention, stated once: the values CloudWatch Logs accepts, and the audit
 * minimum every log group of this project keeps. The minimum equals the policy pack's mandatory
 * `log-group-kms-retention` rule (its minRetentionDays default, checkov CKV_AWS_338: one year;
 * test/components/security/logRetention.test.ts compares them), so a config that validates also
 * passes the pack.
 */

/** Retention values CloudWatch Logs (PutRetentionPolicy) and the agent schema accept, in days. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

/** The shortest retention any log group here may have: the pack's log-group-kms-retention minimum. */
export const AUDIT_MIN_LOG_RETENTION_DAYS = 365;

/** The rule the minimum comes from, for messages. */
export const LOG_RETENTION_RULE = "log-group-kms-retention";

/** Retention of every log group unless configured otherwise: the audit minimum. */
export const DEFAULT_LOG_RETENTION_DAYS = AUDIT_MIN_LOG_RETENTION_DAYS;

/** The retention values a configuration may choose: accepted by CloudWatch Logs and at least the audit minimum. */
export const AUDIT_LOG_RETENTION_DAYS: readonly number[] = LOG_RETENTION_DAYS.filter((d) => d >= AUDIT_MIN_LOG_RETENTION_DAYS);

/** Why `days` is not an acceptable configured retention, or undefined. The caller prefixes the key. */
export function logRetentionProblem(days: number): string | undefined {
    if (!(LOG_RETENTION_DAYS as readonly number[]).includes(days)) {
        return `${days} is not a CloudWatch Logs retention; expected one of ${AUDIT_LOG_RETENTION_DAYS.join(", ")} (days)`;
    }
    if (days < AUDIT_MIN_LOG_RETENTION_DAYS) {
        return `${days} days is shorter than the audit minimum of ${AUDIT_MIN_LOG_RETENTION_DAYS} (the policy pack's mandatory ${LOG_RETENTION_RULE} rule); ` +
            `expected one of ${AUDIT_LOG_RETENTION_DAYS.join(", ")} (days)`;
    }
    return undefined;
}
