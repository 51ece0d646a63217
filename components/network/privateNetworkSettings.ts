/**
 * The defaults of PrivateNetwork, apart from the component so the stack config schemas and the fleet manifest's
 * validation read them without loading a provider SDK (a plan's parent process loads no program).
 */

/** Defaults of PrivateNetworkArgs; the hub config's `hub.network` schema uses the same values. */
export const PRIVATE_NETWORK_DEFAULTS = { cidr: "10.60.0.0/16", azCount: 3 } as const;
