import * as pulumi from "@pulumi/pulumi";
import { loadStackConfig } from "./config/load";
import { hubStack } from "./hub";
import { monitoredStack } from "./monitored";
import { onpremStack } from "./onprem";

/** The Pulumi program: reads the stack's typed config once and composes its role. */
export async function program(): Promise<Record<string, pulumi.Input<unknown>>> {
    const config = loadStackConfig();
    switch (config.role) {
        case "hub":
            return hubStack(config);
        case "monitored":
            return monitoredStack(config);
        case "onprem":
            return onpremStack(config);
    }
}
