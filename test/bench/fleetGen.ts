import { parseCidr } from "../../components/network/cidr";

/**
 * Grows the example manifest into a fleet of `monitored` accounts and `sites` on-prem sites:
 * members are cloned round-robin from the example's own spokes, with unique names, account
 * IDs, resource IDs and CIDRs (site and workload networks must not overlap across the fleet).
 */
export function generateFleet(example: any, monitored: number, sites: number): any {
    const doc = JSON.parse(JSON.stringify(example));
    const hub = doc.stacks.find((s: any) => s.role === "hub");
    const templates = (role: string) => doc.stacks.filter((s: any) => s.role === role);
    const monitoredTemplates = templates("monitored");
    const siteTemplates = templates("onprem");
    if (monitoredTemplates.length === 0 || siteTemplates.length === 0) {
        throw new Error("the example manifest needs at least one monitored and one onprem stack to clone");
    }
    const stacks: any[] = [hub];
    let serial = 0;
    let nextNetwork = 0;
    const clone = (t: any, name: string) => {
        serial++;
        const account = String(200_000_000_000 + serial * 7919).padStart(12, "0");
        const hexId = serial.toString(16).padStart(8, "0");
        const rewrite = (v: any): any => {
            if (Array.isArray(v)) {
                return v.map(rewrite);
            }
            if (v !== null && typeof v === "object") {
                return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, rewrite(x)]));
            }
            if (typeof v !== "string") {
                return v;
            }
            if (/^(vpc|subnet|sg|tgw|vgw|dxgw|pl|vpce)-[0-9a-f]{8,17}$/.test(v)) {
                return `${v.split("-")[0]}-${hexId}${v.slice(-9)}`.slice(0, v.length);
            }
            if (typeof parseCidr(v) !== "string") {
                // Networks must be unique across the fleet (the manifest's cross-stack check): 10.128.0.0/9 carved into /24s.
                const n = nextNetwork++;
                return `10.${128 + Math.floor(n / 256)}.${n % 256}.0/24`;
            }
            return v.replace(/\b\d{12}\b/g, account);
        };
        const copy = rewrite({ ...t, name, account });
        copy.account = account;
        return copy;
    };
    for (let i = 0; i < monitored; i++) {
        stacks.push(clone(monitoredTemplates[i % monitoredTemplates.length], `monitored-gen-${i}`));
    }
    for (let k = 0; k < sites; k++) {
        const site = clone(siteTemplates[k % siteTemplates.length], `onprem-gen-${k}`);
        // Each site is its own tenant (certificate CN site-<name>): names must differ across the fleet.
        site.config = { ...site.config, siteName: `gen${k}` };
        stacks.push(site);
    }
    doc.stacks = stacks;
    doc.rollout = { ...doc.rollout, canary: [] };
    return doc;
}
