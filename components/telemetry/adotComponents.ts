import { parse } from "yaml";

/**
 * The pinned ADOT release and the upstream collector versions it was built from (its go.mod:
 * aws-observability/aws-otel-collector tag v0.49.0 requires contrib and core v0.156.0, confmap
 * providers v1.62.0). The one line to change for the next ADOT release (README "Upgrading"):
 * the image, tools/collector/builder-config.yaml (`npm run -s collector:manifest`) and the
 * end-to-end build follow it.
 */
export const ADOT_RELEASE = { adot: "v0.49.0", core: "v0.156.0", contrib: "v0.156.0", confmap: "v1.62.0" } as const;

/** Pinned ADOT collector image (the release above); bump deliberately (release notes) rather than tracking `latest`. */
export const DEFAULT_COLLECTOR_IMAGE = `public.ecr.aws/aws-observability/aws-otel-collector:${ADOT_RELEASE.adot}`;

const CONTRIB = "github.com/open-telemetry/opentelemetry-collector-contrib";
const CORE = "go.opentelemetry.io/collector";

/**
 * Component types the AWS Distro for OpenTelemetry collector ships, with the Go module of each.
 * ADOT is a curated subset of the contrib collector: a config naming anything else (e.g. the
 * transform processor or an auth extension other than sigv4auth) makes the collector refuse to
 * start. Source: aws-observability/aws-otel-collector, tag v0.49.0, pkg/defaultcomponents/defaults.go
 * (v0.49.0 no longer has the `sapm` exporter, which v0.43.3 had; the `logging` exporter and the
 * `memory_ballast` extension went before v0.43.3). tools/collector/builder-config.yaml builds the
 * same list, less NOT_IN_E2E_BUILD. Keys are the types the collector reports (`otelcol components`);
 * the names they replaced still work as DEPRECATED_TYPE_ALIASES.
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
        file_log: `${CONTRIB}/receiver/filelogreceiver`,
    },
    processors: {
        attributes: `${CONTRIB}/processor/attributesprocessor`,
        resource: `${CONTRIB}/processor/resourceprocessor`,
        batch: `${CORE}/processor/batchprocessor`,
        memory_limiter: `${CORE}/processor/memorylimiterprocessor`,
        probabilistic_sampler: `${CONTRIB}/processor/probabilisticsamplerprocessor`,
        metrics_transform: `${CONTRIB}/processor/metricstransformprocessor`,
        span: `${CONTRIB}/processor/spanprocessor`,
        filter: `${CONTRIB}/processor/filterprocessor`,
        resource_detection: `${CONTRIB}/processor/resourcedetectionprocessor`,
        metricsgeneration: `${CONTRIB}/processor/metricsgenerationprocessor`,
        cumulativetodelta: `${CONTRIB}/processor/cumulativetodeltaprocessor`,
        deltatorate: `${CONTRIB}/processor/deltatorateprocessor`,
        groupbytrace: `${CONTRIB}/processor/groupbytraceprocessor`,
        tail_sampling: `${CONTRIB}/processor/tailsamplingprocessor`,
        k8s_attributes: `${CONTRIB}/processor/k8sattributesprocessor`,
    },
    exporters: {
        awsxray: `${CONTRIB}/exporter/awsxrayexporter`,
        awsemf: `${CONTRIB}/exporter/awsemfexporter`,
        prometheus_remote_write: `${CONTRIB}/exporter/prometheusremotewriteexporter`,
        prometheus: `${CONTRIB}/exporter/prometheusexporter`,
        file: `${CONTRIB}/exporter/fileexporter`,
        kafka: `${CONTRIB}/exporter/kafkaexporter`,
        debug: `${CORE}/exporter/debugexporter`,
        otlp_grpc: `${CORE}/exporter/otlpexporter`,
        otlp_http: `${CORE}/exporter/otlphttpexporter`,
        loadbalancing: `${CONTRIB}/exporter/loadbalancingexporter`,
        awscloudwatchlogs: `${CONTRIB}/exporter/awscloudwatchlogsexporter`,
        datadog: `${CONTRIB}/exporter/datadogexporter`,
        logzio: `${CONTRIB}/exporter/logzioexporter`,
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
 * ADOT components the end-to-end collector (tools/collector) does not build, each with the reason.
 * None of them is rendered by the project (unit-tested), so a configuration naming one is refused
 * by the built collector in e2e scenario 7 rather than passing unseen.
 */
export const NOT_IN_E2E_BUILD: Readonly<Record<`${keyof typeof ADOT_MODULES}/${string}`, string>> = {
    "exporters/datadog": "vendor exporter ADOT registers only while its adot.exporter.datadogexporter.deprecation gate is off; pulls several hundred modules (the Datadog agent)",
    "exporters/logzio": "vendor exporter ADOT registers only while its adot.exporter.logzioexporter.deprecation gate is off",
    "exporters/signalfx": "vendor exporter behind adot.exporter.signalfxexporter.deprecation, built by ADOT with its own patch (patches/signalfxexporter.patch) ocb cannot apply",
    "exporters/loadbalancing": "exporter/loadbalancingexporter v0.156.0 is not served by the Go module proxy the project builds from",
    "exporters/awsemf": "needs internal/aws/metrics v0.156.0, not served by the Go module proxy (only v0.157.0)",
    "exporters/awsxray": "needs internal/aws/xray v0.156.0, not served by the Go module proxy (no version)",
    "receivers/awsxray": "needs internal/aws/xray v0.156.0, not served by the Go module proxy (no version)",
    "receivers/awscontainerinsightreceiver": "needs internal/aws/k8s and internal/aws/containerinsight v0.156.0, not served by the Go module proxy",
};

/**
 * Contrib-internal modules the v0.156.0 components require at v0.156.0 that the Go module proxy does
 * not serve: the e2e build takes the nearest served version (ocb `replaces`). Each is a package shared
 * by contrib components, not a component; the components that use them are built at v0.156.0.
 */
export const E2E_BUILD_REPLACES: ReadonlyArray<{ readonly module: string; readonly version: string }> = [
    { module: `${CONTRIB}/internal/aws/cwlogs`, version: "v0.155.0" },
    { module: `${CONTRIB}/internal/aws/ecsutil`, version: "v0.155.0" },
    { module: `${CONTRIB}/internal/aws/proxy`, version: "v0.155.0" },
    { module: `${CONTRIB}/internal/k8sconfig`, version: "v0.155.0" },
    { module: `${CONTRIB}/internal/metadataproviders`, version: "v0.155.0" },
    { module: `${CONTRIB}/pkg/translator/azure`, version: "v0.155.0" },
    // Only the tests of k8sattributes/resourcedetection import it (ocb's `go mod tidy` still resolves it).
    { module: `${CONTRIB}/pkg/xk8stest`, version: "v0.157.0" },
];

/** Config providers ADOT v0.49.0 registers, at its versions; s3provider v0.156.0 is not served, v0.155.0 is. */
export const ADOT_PROVIDERS: ReadonlyArray<string> = [
    ...["envprovider", "fileprovider", "httpprovider", "httpsprovider", "yamlprovider"].map((p) => `${CORE}/confmap/provider/${p} ${ADOT_RELEASE.confmap}`),
    `${CONTRIB}/confmap/provider/s3provider v0.155.0`,
];

/** Whether the end-to-end collector builds `kind/type`. */
export function builtForE2e(kind: string, type: string): boolean {
    return !Object.prototype.hasOwnProperty.call(NOT_IN_E2E_BUILD, `${kind}/${type}`);
}

/**
 * Component types renamed upstream by contrib/core v0.156.0, old name → new: each factory registers the old
 * name as a deprecated alias (its internal/metadata/generated_status.go `DeprecatedType`), so a config may
 * use either and the collector logs `"<old>" alias is deprecated; use "<new>" instead`. The project's
 * configurations still render the old names (one rename at a time: the component IDs are also the
 * `exporter`/`processor` labels of the collector's own metrics, which dashboards and alerts select);
 * everything that reads a configuration (ADOT support, the policy pack) treats both names as one type.
 */
export const DEPRECATED_TYPE_ALIASES: Readonly<Record<keyof typeof ADOT_MODULES, Readonly<Record<string, string>>>> = {
    receivers: { filelog: "file_log" },
    processors: { k8sattributes: "k8s_attributes", metricstransform: "metrics_transform", resourcedetection: "resource_detection" },
    exporters: { prometheusremotewrite: "prometheus_remote_write", otlp: "otlp_grpc", otlphttp: "otlp_http" },
    extensions: {},
};

/** The type a component ID's type part stands for, as the collector reports it (aliases resolved). */
export function canonicalType(kind: keyof typeof ADOT_MODULES, type: string): string {
    const aliases = DEPRECATED_TYPE_ALIASES[kind];
    return Object.prototype.hasOwnProperty.call(aliases, type) ? aliases[type] : type;
}

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
                out.push(`${kind}/${canonicalType(kind, id.split("/")[0])}`);
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
