/**
 * Reads the running stack's configuration from the Pulumi runtime. Apart from the schemas (index.ts) so that
 * processes that only validate configuration (the fleet manifest, a plan's parent) never load the Pulumi SDK.
 */
import * as pulumi from "@pulumi/pulumi";
import { configError, PROJECT } from "./common";
import { CONFIG_FIX, parseStackConfig, StackConfig } from "./index";

/** Decodes Pulumi's string config values: structured values arrive as JSON text. */
function decode(value: string): unknown {
    const trimmed = value.trim();
    if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
        try {
            return JSON.parse(trimmed);
        } catch {
            return value;
        }
    }
    return value;
}

/** Reads this stack's configuration once and validates it; errors name the config key. */
export function loadStackConfig(): StackConfig {
    const all = pulumi.runtime.allConfig();
    const raw: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(all)) {
        if (key.startsWith(`${PROJECT}:`)) {
            raw[key.slice(PROJECT.length + 1)] = decode(value);
        }
    }
    raw.region = all["aws:region"];
    if (raw.region === undefined) {
        throw configError("aws:region", "required, e.g. us-east-1", CONFIG_FIX);
    }
    return parseStackConfig(raw);
}
