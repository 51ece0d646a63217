/**
 * The provider SDKs the pack names resource classes from (`aws.ec2.VpcEndpoint`, `grafana.oss.DataSource`), each
 * namespace loaded the first time a rule reads it. A rule only needs a class's static `__pulumiType` (isType,
 * validateResourceOfType), but `import * as aws from "@pulumi/aws"` loads the package's index, which requires all of
 * its namespaces' indexes (342 modules of @pulumi/aws 7.48.0). With them (and @pulumi/kubernetes, now named by type
 * token in telemetry/configTypes.ts) the pack took 316-335 ms to load, without them 150-161 ms (844 against 428
 * modules), paid by every `policy check` and every evaluation thread before its first stack (README "Scale"). A
 * namespace read here is the package's own module (`@pulumi/aws/ec2` is what the index re-exports as `ec2`), so its
 * classes and their `__pulumiType` are the very same. What the index does besides re-exporting (registering the
 * provider package for resource references) is for programs, not for a policy.
 */
import type * as AwsSdk from "@pulumi/aws";
import type * as GrafanaSdk from "@pulumiverse/grafana";

/**
 * `pkg`'s namespaces, `ns` read as `require(pkg + "/" + ns)` once. Only namespaces: a top-level export that is not one
 * (aws.Provider, aws.getRegion) is refused with its name rather than loaded some other way.
 */
export function lazyNamespaces<T extends object>(pkg: string): T {
    const held = new Map<string, unknown>();
    return new Proxy(Object.create(null) as T, {
        get: (_, key) => {
            if (typeof key !== "string") {
                return undefined;
            }
            let ns = held.get(key);
            if (ns === undefined) {
                if (!/^[a-z][a-z0-9]*$/.test(key)) {
                    throw new Error(`${pkg}: ${key} is not a namespace; the pack reads resource classes only through their namespace (e.g. ${pkg}.<namespace>.<Class>)`);
                }
                // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first read, by design
                ns = require(`${pkg}/${key}`) as unknown;
                held.set(key, ns);
            }
            return ns;
        },
    });
}

export const aws = lazyNamespaces<typeof AwsSdk>("@pulumi/aws");
export const grafana = lazyNamespaces<typeof GrafanaSdk>("@pulumiverse/grafana");
