import { HUB_OUTPUT_KEYS, SPOKE_CERTIFICATE_OUTPUT } from "../../../stacks/outputs";

/**
 * The tenant-certificate expiry a stack's outputs carry: a spoke's is the certificate it copied for
 * its senders (SPOKE_CERTIFICATE_OUTPUT); the hub's is the earliest of the certificates it issued
 * this period (tenantCertificateExpiresAt). Undefined when the stack exports neither.
 */
export function certificateExpiryFromOutputs(outputs: Readonly<Record<string, unknown>>): string | undefined {
    const spoke = outputs[SPOKE_CERTIFICATE_OUTPUT];
    if (typeof spoke === "string" && !Number.isNaN(Date.parse(spoke))) {
        return new Date(spoke).toISOString();
    }
    const hub = outputs[HUB_OUTPUT_KEYS.tenantCertificateExpiresAt];
    if (typeof hub === "object" && hub !== null) {
        const times = Object.values(hub).filter((v): v is string => typeof v === "string" && !Number.isNaN(Date.parse(v))).map((v) => Date.parse(v));
        return times.length > 0 ? new Date(Math.min(...times)).toISOString() : undefined;
    }
    return undefined;
}

/** Whole days from `now` until `expiresAt` (negative once expired). */
export function daysLeft(expiresAt: string, now: Date): number {
    return Math.floor((Date.parse(expiresAt) - now.getTime()) / 86_400_000);
}
