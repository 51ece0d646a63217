import { parse } from "yaml";

/**
 * Component types the AWS Distro for OpenTelemetry collector ships. ADOT is a curated subset
 * of the contrib collector: a config naming anything else (e.g. the transform processor or an
 * auth extension other than sigv4auth) makes the collector refuse to start. Rendered configs
 * are checked against this list so that failure happens in CI, not in production.
 */
export const ADOT_COMPONENTS = {
    receivers: ["otlp", "prometheus", "awsecscontainermetrics", "awscontainerinsightreceiver", "awsxray", "statsd", "zipkin", "jaeger", "kafka", "filelog"],
    processors: [
        "attributes", "resource", "batch", "memory_limiter", "probabilistic_sampler", "metricstransform", "span", "filter",
        "resourcedetection", "metricsgeneration", "cumulativetodelta", "deltatorate", "groupbytrace", "tail_sampling", "k8sattributes",
    ],
    exporters: ["awsxray", "awsemf", "prometheusremotewrite", "prometheus", "file", "kafka", "debug", "logging", "otlp", "otlphttp", "loadbalancing", "awscloudwatchlogs"],
    extensions: ["awsproxy", "ecs_observer", "health_check", "pprof", "sigv4auth", "zpages", "memory_ballast", "file_storage"],
} as const;

type Kind = keyof typeof ADOT_COMPONENTS;

/** True for the ADOT images (public ECR or a mirror keeping the repository name). */
export function isAdotImage(image: string): boolean {
    return /aws-otel-collector|aws-observability\/aws-otel/.test(image);
}

/** `kind/type` of every component a rendered config declares, e.g. `processors/resource`. */
export function declaredComponents(configYaml: string): string[] {
    const doc = (parse(configYaml) ?? {}) as Record<string, unknown>;
    const out: string[] = [];
    for (const kind of Object.keys(ADOT_COMPONENTS) as Kind[]) {
        const section = doc[kind];
        if (section !== null && typeof section === "object") {
            for (const id of Object.keys(section)) {
                out.push(`${kind}/${id.split("/")[0]}`);
            }
        }
    }
    return out;
}

/** Components of `configYaml` that the ADOT collector does not ship. */
export function unsupportedByAdot(configYaml: string): string[] {
    return declaredComponents(configYaml).filter((c) => {
        const [kind, type] = c.split("/") as [Kind, string];
        return !(ADOT_COMPONENTS[kind] as readonly string[]).includes(type);
    });
}
