import * as assert from "assert";
import { FleetStack, loadManifest } from "../../automation/manifest";

/** What the monitored-account tests share: the hub's stack reference, its outputs and the example manifest. */
export const HUB_REF = "organization/oss-monitoring/hub";
export const SERVICE = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0";
export const HUB_OUTPUTS = {
    region: "us-east-1", endpointServiceName: SERVICE, collectorDomain: "collector.monitoring.internal", collectorPorts: [4317, 4318],
    observabilitySinkArns: { "us-east-1": "arn:aws:oam:us-east-1:111111111111:sink/0a1b2c3d-0000-4000-8000-000000000001" },
};
export const manifest = loadManifest("stacks/fleet.yaml");

export function entry(name: string): FleetStack {
    const s = manifest.stacks.find((x) => x.name === name);
    assert.ok(s, `${name} is in stacks/fleet.yaml`);
    return s;
}
