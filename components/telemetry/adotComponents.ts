import { parse } from "yaml";

/** The pinned ADOT release and the upstream collector versions it was built from (its go.mod). */
export const ADOT_RELEASE = { adot: "v0.43.3", core: "v0.117.0", contrib: "v0.117.0", confmap: "v1.23.0" } as const;

/** Pinned ADOT collector image (the release above); bump deliberately (release notes) rather than tracking `latest`. */
export const DEFAULT_COLLECTOR_IMAGE = `public.ecr.aws/aws-observability/aws-otel-collector:${ADOT_RELEASE.adot}`;

const CONTRIB = "github.com/open-telemetry/opentelemetry-collector-contrib";
const CORE = "go.opentelemetry.io/collector";

/**
 * Component types the AWS Distro for OpenTelemetry collector ships, with the Go module of each.
 * ADOT is a curated subset of the contrib collector: a config naming anything else (e.g. the
 * transform processor or an auth extension other than sigv4auth) makes the collector refuse to
 * start. Source: aws-observability/aws-otel-collector, tag v0.43.3, pkg/defaultcomponents/defaults.go
 * (v0.43.3 no longer has the `logging` exporter nor the `memory_ballast` extension, both removed
 * upstream before contrib v0.117.0). tools/collector/builder-config.yaml builds the same list.
 */
export const ADOT_MODULES = {
    receivers: {
        otlp: `${CORE}/receiver/otlpreceiver`,
        prometheus: `${CONTRIB}/receiver/prometheusreceiver`,
        awsecscontainermetrics: `${CONTRIB}/receiver/awsecscontainermetricsreceiver`,
        awscontainerinsightreceiver: `${CONTRIB}/receiver/awscontainerinsightreceiver`,
        awsxray: `${CONTRIB}/receiver/awsxrayreceiver`,
        statsd: `${CONTRIB}/receiver/statsdreceiver`,
        zipkin: `${CONTRIB}/receiver/zipkinreceiver`,
        jaeger: `${CONTRIB}/receiver/jaegerreceiver`,
        kafka: `${CONTRIB}/receiver/kafkareceiver`,
        filelog: `${CONTRIB}/receiver/filelogreceiver`,
    },
    processors: {
        attributes: `${CONTRIB}/processor/attributesprocessor`,
        resource: `${CONTRIB}/processor/resourceprocessor`,
        batch: `${CORE}/processor/batchprocessor`,
        memory_limiter: `${CORE}/processor/memorylimiterprocessor`,
        probabilistic_sampler: `${CONTRIB}/processor/probabilisticsamplerprocessor`,
        metricstransform: `${CONTRIB}/processor/metricstransformprocessor`,
        span: `${CONTRIB}/processor/spanprocessor`,
        filter: `${CONTRIB}/processor/filterprocessor`,
        resourcedetection: `${CONTRIB}/processor/resourcedetectionprocessor`,
        metricsgeneration: `${CONTRIB}/processor/metricsgenerationprocessor`,
        cumulativetodelta: `${CONTRIB}/processor/cumulativetodeltaprocessor`,
        deltatorate: `${CONTRIB}/processor/deltatorateprocessor`,
        groupbytrace: `${CONTRIB}/processor/groupbytraceprocessor`,
        tail_sampling: `${CONTRIB}/processor/tailsamplingprocessor`,
        k8sattributes: `${CONTRIB}/processor/k8sattributesprocessor`,
    },
    exporters: {
        awsxray: `${CONTRIB}/exporter/awsxrayexporter`,
        awsemf: `${CONTRIB}/exporter/awsemfexporter`,
        prometheusremotewrite: `${CONTRIB}/exporter/prometheusremotewriteexporter`,
        prometheus: `${CONTRIB}/exporter/prometheusexporter`,
        file: `${CONTRIB}/exporter/fileexporter`,
        kafka: `${CONTRIB}/exporter/kafkaexporter`,
        debug: `${CORE}/exporter/debugexporter`,
        otlp: `${CORE}/exporter/otlpexporter`,
        otlphttp: `${CORE}/exporter/otlphttpexporter`,
        loadbalancing: `${CONTRIB}/exporter/loadbalancingexporter`,
        awscloudwatchlogs: `${CONTRIB}/exporter/awscloudwatchlogsexporter`,
        datadog: `${CONTRIB}/exporter/datadogexporter`,
        logzio: `${CONTRIB}/exporter/logzioexporter`,
        sapm: `${CONTRIB}/exporter/sapmexporter`,
        signalfx: `${CONTRIB}/exporter/signalfxexporter`,
    },
    extensions: {
        awsproxy: `${CONTRIB}/extension/awsproxy`,
        ecs_observer: `${CONTRIB}/extension/observer/ecsobserver`,
        health_check: `${CONTRIB}/extension/healthcheckextension`,
        pprof: `${CONTRIB}/extension/pprofextension`,
        sigv4auth: `${CONTRIB}/extension/sigv4authextension`,
        zpages: `${CORE}/extension/zpagesextension`,
        file_storage: `${CONTRIB}/extension/storage/filestorage`,
    },
} as const;

/**
 * ADOT components the end-to-end collector (tools/collector) does not build: vendor exporters
 * ADOT registers only while its `adot.exporter.<name>.deprecation` feature gates are off, one of
 * them built by ADOT with a patch of its own. The project never renders them (unit-tested).
 */
export const NOT_IN_E2E_BUILD: ReadonlyArray<`exporters/${string}`> = ["exporters/datadog", "exporters/logzio", "exporters/sapm", "exporters/signalfx"];

const typesOf = <T extends object>(m: T): ReadonlyArray<keyof T & string> => Object.keys(m) as Array<keyof T & string>;
export const ADOT_COMPONENTS = {
    receivers: typesOf(ADOT_MODULES.receivers),
    processors: typesOf(ADOT_MODULES.processors),
    exporters: typesOf(ADOT_MODULES.exporters),
    extensions: typesOf(ADOT_MODULES.extensions),
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
