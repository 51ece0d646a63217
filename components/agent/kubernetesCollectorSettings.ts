/**
 * The defaults of KubernetesCollector, apart from the component so the stack config schemas and the fleet manifest's
 * validation read them without loading a provider SDK (a plan's parent process loads no program).
 */

/** Defaults of KubernetesCollectorArgs; the EKS and gateway schemas use the same replica count. */
export const KUBERNETES_COLLECTOR_DEFAULTS = { replicas: 2 } as const;
