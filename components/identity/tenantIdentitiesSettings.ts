/**
 * The defaults and argument checks of TenantIdentities, apart from the component so the stack config schemas and the
 * fleet manifest's validation read them without loading a provider SDK (a plan's parent process loads no program).
 */

/** Days between certificate rotations: the default and the range the hub config accepts. */
export const ROTATION_DAYS = { default: 30, min: 1, max: 120 } as const;
