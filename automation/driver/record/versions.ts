import { DEPLOYED_VERSIONS_OUTPUT, DeployedVersions } from "../../../stacks/outputs";

/**
 * What a stack deployed, from the `deployedVersions` output of its last `up` (stacks/outputs.ts).
 * Undefined for a stack deployed by a release from before the output existed.
 */
export function deployedVersionsFromOutputs(outputs: Readonly<Record<string, unknown>>): DeployedVersions | undefined {
    const v = outputs[DEPLOYED_VERSIONS_OUTPUT];
    if (typeof v !== "object" || v === null || typeof (v as { release?: unknown }).release !== "string") {
        return undefined;
    }
    const o = v as { release: string; collectorImage?: unknown; grafanaVersion?: unknown };
    return {
        release: o.release,
        ...(typeof o.collectorImage === "string" ? { collectorImage: o.collectorImage } : {}),
        ...(typeof o.grafanaVersion === "string" ? { grafanaVersion: o.grafanaVersion } : {}),
    };
}

/** The image's tag (or digest) is the version that matters in a table: `aws-otel-collector:v0.43.3` → `v0.43.3`. */
function imageVersion(image: string): string {
    const at = image.lastIndexOf("@");
    if (at >= 0) {
        return image.slice(at + 1, at + 20); // "sha256:" and 12 hex digits
    }
    const slash = image.lastIndexOf("/");
    const colon = image.lastIndexOf(":");
    return colon > slash ? image.slice(colon + 1) : "latest";
}

/**
 * The VERSIONS cell of `fleet status`: release, collector image tag, Grafana version
 * (`0.1.0 collector v0.43.3 grafana 12.4`); "-" when the stack's last `up` recorded none.
 */
export function versionsText(v: DeployedVersions | undefined): string {
    if (v === undefined) {
        return "-";
    }
    return [v.release, ...(v.collectorImage !== undefined ? [`collector ${imageVersion(v.collectorImage)}`] : []), ...(v.grafanaVersion !== undefined ? [`grafana ${v.grafanaVersion}`] : [])].join(" ");
}

/** Stacks whose recorded releases differ from the most common one: the half-upgraded part of a fleet. */
export function mixedReleases(rows: ReadonlyArray<{ readonly stack: string; readonly versions?: DeployedVersions }>): string | undefined {
    const releases = new Map<string, string[]>();
    for (const r of rows) {
        const release = r.versions?.release ?? "unknown";
        releases.set(release, [...(releases.get(release) ?? []), r.stack]);
    }
    if (releases.size <= 1) {
        return undefined;
    }
    return `releases differ across the fleet: ${[...releases.entries()].map(([rel, stacks]) => `${rel} (${stacks.join(", ")})`).join("; ")}`;
}
