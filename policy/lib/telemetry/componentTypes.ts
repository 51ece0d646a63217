/**
 * One key per collector component type, whatever name a configuration gives it. contrib/core v0.156.0
 * renamed types to snake_case and registers each old name as a deprecated alias (every factory's
 * internal/metadata/generated_status.go `DeprecatedType`: prometheusremotewrite → prometheus_remote_write,
 * otlphttp → otlp_http, otlp (exporter) → otlp_grpc, filelog → file_log, k8sattributes → k8s_attributes,
 * metricstransform → metrics_transform, resourcedetection → resource_detection; confirmed against the
 * built collector in e2e scenario 7), so a configuration may use either and a rule written for one name
 * must see the other. The key drops underscores (every rename so far only inserted them) and maps
 * otlp_grpc to otlp. Component types are otherwise case-sensitive for the collector (an unknown
 * spelling stops it), so case is kept.
 */
export function typeKey(type: string): string {
    const key = type.replace(/_/g, "");
    return key === "otlpgrpc" ? "otlp" : key;
}

/** The type key of a component ID (`type` or `type/name`). */
export function componentTypeKey(id: string): string {
    return typeKey(id.split("/")[0]);
}

/** True when the component `id` is of one of `types` (given in any of their names). */
export function isOfType(id: string, types: readonly string[]): boolean {
    const key = componentTypeKey(id);
    return types.some((t) => typeKey(t) === key);
}
