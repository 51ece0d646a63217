import { COLLECTOR_PORTS } from "../telemetry/collectorPorts";
import { TenantKind } from "../identity/tenants";

/**
 * The hub listener a tenant sends to. Every hub port requires the tenant certificate, so the port
 * depends only on the protocol the spoke's collector speaks: monitored EKS collectors OTLP/gRPC
 * (4317), on-prem gateways OTLP/HTTP (4318, plain HTTPS through site proxies and firewalls).
 */
export function tenantHubPort(kind: TenantKind): number {
    return kind === "monitored" ? COLLECTOR_PORTS.otlpGrpc : COLLECTOR_PORTS.otlpHttp;
}

/**
 * Fails when the hub does not serve the tenant's port: a hub deployed before the identity change
 * still exports its old port list, and a site must not be planned against it.
 */
export function requireHubPort(hubPorts: readonly number[], kind: TenantKind): number {
    const port = tenantHubPort(kind);
    if (!hubPorts.includes(port)) {
        throw new Error(`the hub collector does not serve port ${port} (it serves ${hubPorts.join(", ")}); deploy the hub before this stack.`);
    }
    return port;
}
