/**
 * The tenant proxy's presented-certificate series (components/identity/certSeen.ts renders the Lua
 * that serves it; the hub collector scrapes it; components/content/tenantRules.ts reads it). Here,
 * in the lowest layer, because the proxy, the collector config and the rules all name it.
 */

/** One series per tenant and certificate serial, value the notAfter in Unix seconds. */
export const CERT_SEEN_METRIC = "oss_tenant_proxy_client_certificate_not_after_seconds";

/** Job name of the hub collector's scrape of the proxy's metrics (the `job` label of CERT_SEEN_METRIC at the hub). */
export const TENANT_PROXY_JOB = "tenant-proxy";

/** Label names of CERT_SEEN_METRIC. Not `account`/`site`: the hub stamps its own `account` on everything it scrapes of itself. */
export const CERT_SEEN_LABELS = { account: "tenant_account", site: "tenant_site", serial: "serial" } as const;
