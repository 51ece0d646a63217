import { COLLECTOR_PORTS } from "../collectorPorts";

export type OnpremAuthMode = "mtls" | "bearer";

/**
 * The hub listener a site sends to: OTLP/HTTP 4318, mutual TLS with the site's hub-issued
 * certificate (the hub's 4319/4320 listeners are gone, issue 14; bearer mode no longer has a port).
 */
export function hubPortFor(mode: OnpremAuthMode): number {
    void mode;
    return COLLECTOR_PORTS.otlpHttp;
}

/**
 * Fails when the hub does not serve the site's port: the hub derives its on-prem listeners
 * from the fleet manifest, so a site added there without redeploying the hub lands here.
 */
export function requireHubPort(hubPorts: readonly number[], mode: OnpremAuthMode): number {
    const port = hubPortFor(mode);
    if (!hubPorts.includes(port)) {
        throw new Error(`the hub collector does not serve port ${port} (${mode === "mtls" ? "mutual TLS" : "bearer token"}; it serves ${hubPorts.join(", ")}). ` +
            "Add this site to stacks/fleet.yaml and deploy the hub before the site.");
    }
    return port;
}
