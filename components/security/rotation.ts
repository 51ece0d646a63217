/**
 * Name of a rotating resource (Grafana service-account token, tenant key and certificate) for the
 * rotation period containing `now`. A new name each period makes Pulumi create the next one
 * before deleting the previous one.
 */
export function rotatingTokenName(prefix: string, now: Date, periodDays: number): string {
    const period = Math.floor(now.getTime() / (periodDays * 86_400_000));
    return `${prefix}-p${period}`;
}
