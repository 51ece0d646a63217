import * as assert from "assert";
import { loadManifest } from "../../automation/fleet/manifest";
import { FleetStack } from "../../automation/fleet/types";

/** The full ARN the hub's Secrets Manager gives a tenant's identity secret (name + `-` + 6 characters). */
export function identitySecretArn(key: string): string {
    return `arn:aws:secretsmanager:us-east-1:111111111111:secret:oss-monitoring/identity/${key}-Ab12Cd`;
}

/** What the monitored-account tests share: the hub's stack reference, its outputs and the example manifest. */
export const HUB_REF = "organization/oss-monitoring/hub";
export const SERVICE = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0";
export const HUB_OUTPUTS = {
    region: "us-east-1", endpointServiceName: SERVICE, collectorDomain: "collector.monitoring.internal", collectorPorts: [4317, 4318],
    observabilitySinkArns: { "us-east-1": "arn:aws:oam:us-east-1:111111111111:sink/0a1b2c3d-0000-4000-8000-000000000001" },
    tenantIdentitySecretArns: Object.fromEntries(["222222222222", "333333333333", "444444444444"].map((a) => [`account-${a}`, identitySecretArn(`account-${a}`)])),
};
export const manifest = loadManifest("stacks/fleet.yaml");

export function entry(name: string): FleetStack {
    const s = manifest.stacks.find((x) => x.name === name);
    assert.ok(s, `${name} is in stacks/fleet.yaml`);
    return s;
}
