import * as pulumi from "@pulumi/pulumi";

/**
 * Offline plans never show source positions, yet the SDK captures a full stack trace (with
 * every frame source-mapped when ts-node is loaded) for each resource and each internal
 * promise. Dropping both makes a mocked resource several times cheaper. Only for processes
 * that plan offline: a real `pulumi up` keeps its source positions.
 */
export function disableSourcePositions(opts: { stackTraces: boolean }): void {
    (pulumi.Resource as unknown as { callsites: () => unknown[] }).callsites = () => [];
    if (!opts.stackTraces) {
        Error.stackTraceLimit = 0;
    }
}
