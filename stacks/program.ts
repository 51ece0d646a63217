import * as pulumi from "@pulumi/pulumi";
import { loadStackConfig } from "./config";
import { hubStack } from "./hub";

/** The Pulumi program: reads the stack's typed config once and composes its role. */
export async function program(): Promise<Record<string, pulumi.Input<unknown>>> {
    const config = loadStackConfig();
    switch (config.role) {
        case "hub":
            return hubStack(config);
        default:
            throw new Error(`role ${config.role} is not implemented yet`);
    }
}
